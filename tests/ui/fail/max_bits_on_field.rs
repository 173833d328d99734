use telemetry_schema::TelemetryEvent;

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// How many pages.
    #[telemetry(max_bits = 8)]
    pages: u32,
}

fn main() {}
