use telemetry_schema::TelemetryEvent;

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// How many pages, capped.
    #[telemetry(max = "10m")]
    pages: u32,
}

fn main() {}
