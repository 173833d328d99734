use telemetry_schema::TelemetryEvent;

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
#[telemetry(rename_all = "camelcase")]
struct BuildFinished {
    /// How many pages were built.
    page_count: u32,
}

fn main() {}
