use telemetry_schema::TelemetryEnum;

/// The plan the workspace is on.
#[derive(Clone, Copy, TelemetryEnum)]
enum _Plan {
    /// The free plan.
    Free,
}

fn main() {}
