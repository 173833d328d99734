use telemetry_schema::TelemetryEvent;

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
#[serde(rename_all = "camelCase")]
struct BuildFinished {
    /// How many pages were built.
    page_count: u32,
}

fn main() {}
