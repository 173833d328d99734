use telemetry_schema::TelemetryEvent;

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
union BuildFinished {
    /// How many pages were built.
    pages: u32,
    /// Whether the build cache was used.
    cached: bool,
}

fn main() {}
