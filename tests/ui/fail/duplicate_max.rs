use telemetry_schema::TelemetryEvent;

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// How many pages, capped.
    #[telemetry(max = 64, max = 128)]
    pages: u32,
}

fn main() {}
