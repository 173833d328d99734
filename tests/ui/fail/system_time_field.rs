use std::time::SystemTime;

use telemetry_schema::TelemetryEvent;

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// When the build started.
    started_at: SystemTime,
    /// How many pages were built.
    pages: u32,
}

fn main() {}
