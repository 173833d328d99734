use telemetry_schema::TelemetryEvent;

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
#[telemetry(name = "BUILD FINISHED")]
struct BuildFinished {
    /// How many pages were built.
    pages: u32,
}

fn main() {}
