use std::collections::BTreeSet;

use telemetry_schema::TelemetryEvent;

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// Which plugins the project uses.
    plugins: BTreeSet<String>,
    /// How many pages were built.
    pages: u32,
}

fn main() {}
