use std::collections::BTreeMap;

use telemetry_schema::TelemetryEvent;

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// How many pages each route group produced.
    pages_per_group: BTreeMap<u8, u32>,
    /// Whether the build cache was used.
    cached: bool,
}

fn main() {}
