use std::collections::BTreeSet;
use telemetry_schema::{TelemetryEnum, TelemetryEvent};

/// A plugin.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Plugin {
    /// Images.
    Images,
    /// MDX.
    Mdx,
}

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// The plugins used.
    #[telemetry(max = 1)]
    plugins: BTreeSet<Plugin>,
}

fn main() {}
