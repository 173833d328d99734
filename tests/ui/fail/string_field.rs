use telemetry_schema::TelemetryEvent;

/// Sent when a project is created.
#[derive(TelemetryEvent)]
struct ProjectCreated {
    /// The project's name.
    name: String,
    /// Whether TypeScript is used.
    typescript: bool,
}

fn main() {}
