use std::time::Duration;
use telemetry_schema::TelemetryEvent;

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// How long the build took, capped.
    #[telemetry(max = "10 minutes")]
    duration: Duration,
}

fn main() {}
