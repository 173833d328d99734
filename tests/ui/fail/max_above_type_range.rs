use telemetry_schema::TelemetryEvent;

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// How many retries, capped.
    #[telemetry(max = 300)]
    retries: u8,
}

fn main() {}
