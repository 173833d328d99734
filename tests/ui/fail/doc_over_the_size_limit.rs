use telemetry_schema::TelemetryEvent;

// About 70 KB: over the 64 KiB a doc made by a macro may have.
#[doc = include_str!("doc_over_the_size_limit.md")]
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// Whether the build was cached.
    cached: bool,
}

fn main() {}
