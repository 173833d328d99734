use telemetry_schema::TelemetryEvent;

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// How long the build took, in seconds.
    seconds: f64,
    /// How many pages were built.
    pages: u32,
}

fn main() {}
