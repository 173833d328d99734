use telemetry_schema::TelemetryEvent;

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// Whether the cache was used.
    #[telemetry(max = 1)]
    cached: bool,
}

fn main() {}
