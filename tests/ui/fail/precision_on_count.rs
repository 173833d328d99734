use telemetry_schema::TelemetryEvent;

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// How many pages.
    #[telemetry(precision = "minor")]
    pages: u32,
}

fn main() {}
