use telemetry_schema::TelemetryEvent;

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
#[telemetry(max_bits = 16)]
struct BuildFinished {
    /// Whether the cache was used.
    cached: bool,
    /// How many pages.
    pages: u32,
}

fn main() {}
