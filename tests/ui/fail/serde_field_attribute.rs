use telemetry_schema::TelemetryEvent;

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// How many pages were built.
    #[serde(rename = "pageCount")]
    page_count: u32,
    /// Whether the build cache was used.
    cached: bool,
}

fn main() {}
