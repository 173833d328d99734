use std::collections::BTreeMap;

use telemetry_schema::{TelemetryEnum, TelemetryEvent};

/// A package the project may use.
#[derive(Clone, Copy, TelemetryEnum)]
enum Package {
    /// React.
    React,
    /// Vue.
    Vue,
}

/// Sent when the dependencies are read.
#[derive(TelemetryEvent)]
struct DependenciesRead {
    /// Whether each known package is pinned.
    pinned: BTreeMap<Package, bool>,
}

fn main() {}
