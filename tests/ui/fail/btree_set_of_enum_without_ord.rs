use std::collections::BTreeSet;

use telemetry_schema::{TelemetryEnum, TelemetryEvent};

/// A plugin.
#[derive(Clone, Copy, TelemetryEnum)]
enum Plugin {
    /// Images.
    Images,
}

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// The plugins used.
    plugins: BTreeSet<Plugin>,
}

fn main() {}
