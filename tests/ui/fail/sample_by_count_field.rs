use telemetry_schema::TelemetryEvent;

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
#[telemetry(sample_by = "pages")]
struct Built {
    /// How many pages were built.
    pages: u32,
}

fn main() {}
