use telemetry_schema::TelemetryEvent;

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished(
    /// How many pages were built.
    u32,
);

fn main() {}
