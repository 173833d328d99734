use telemetry_schema::TelemetryEvent;

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// How many pages were built.
    #[telemetry(rename = "count")]
    pages: u32,
    /// How many routes were built.
    #[telemetry(rename = "count")]
    routes: u32,
}

fn main() {}
