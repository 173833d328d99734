use telemetry_schema::TelemetryEvent;

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
#[telemetry(crate = "not_the_toolkit")]
struct BuildFinished {
    /// How many pages were built.
    pages: u32,
}

fn main() {}
