use telemetry_schema::TelemetryGroup;

/// Which options are set.
#[derive(TelemetryGroup)]
#[telemetry(max_bits = 4)]
struct Options {
    /// Whether the cache is on.
    cache: bool,
}

fn main() {}
