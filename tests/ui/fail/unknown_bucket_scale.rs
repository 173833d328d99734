use telemetry_schema::TelemetryEvent;

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// How many pages, rounded.
    #[telemetry(buckets = "log10")]
    pages: u32,
}

fn main() {}
