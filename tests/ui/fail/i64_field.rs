use telemetry_schema::TelemetryEvent;

/// Sent when the local cache is pruned.
#[derive(TelemetryEvent)]
struct CachePruned {
    /// How many bytes the cache size changed by.
    size_delta: i64,
    /// How many entries were removed.
    removed: u32,
}

fn main() {}
