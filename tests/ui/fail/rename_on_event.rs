use telemetry_schema::TelemetryEvent;

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
#[telemetry(rename = "BUILD_DONE")]
struct BuildFinished {
    /// How many pages were built.
    pages: u32,
}

fn main() {}
