use telemetry_schema::TelemetryEvent;

/// Sent when a template is applied to a new project.
#[derive(TelemetryEvent)]
struct TemplateApplied {
    /// The template that was applied.
    template: &'static str,
    /// Whether the template ships TypeScript.
    typescript: bool,
}

fn main() {}
