use telemetry_schema::TelemetryEvent;

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// How many pages were built.
    pages: u32,
    cached: bool,
}

fn main() {}
