use std::collections::BTreeMap;

use telemetry_schema::{TelemetryEvent, TelemetryGroup};

/// A package's facts.
#[derive(PartialEq, Eq, PartialOrd, Ord, TelemetryGroup)]
struct Package {
    /// Whether it is pinned.
    pinned: bool,
}

/// Sent when the dependencies are read.
#[derive(TelemetryEvent)]
struct DependenciesRead {
    /// A count per package.
    counts: BTreeMap<Package, u32>,
}

fn main() {}
