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
    /// Which package each package depends on most.
    #[telemetry(max = 3)]
    most: BTreeMap<Package, Package>,
}

fn main() {}
