use std::collections::BTreeMap;

use telemetry_schema::{TelemetryEnum, TelemetryEvent};

/// A package the project may use.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Package {
    /// React.
    React,
    /// Vue.
    Vue,
}

/// Sent when the dependencies are read.
#[derive(TelemetryEvent)]
struct DependenciesRead {
    /// Whether each known package is pinned, when known.
    pinned: BTreeMap<Package, Option<bool>>,
}

fn main() {}
