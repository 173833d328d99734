use telemetry_schema::TelemetryEnum;

/// The plan the workspace is on.
#[derive(Clone, Copy, TelemetryEnum)]
enum Plan {
    /// The free plan.
    Free,
    #[doc = "The paid\u{200B} plan."]
    Pro,
}

fn main() {}
