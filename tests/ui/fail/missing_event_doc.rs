use telemetry_schema::TelemetryEvent;

#[derive(TelemetryEvent)]
struct BuildFinished {
    /// How many pages were built.
    pages: u32,
    /// Whether the build cache was used.
    cached: bool,
}

fn main() {}
