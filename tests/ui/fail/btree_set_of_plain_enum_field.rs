use std::collections::BTreeSet;

use telemetry_schema::TelemetryEvent;

/// A bundler plugin the project uses.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Plugin {
    /// The image optimizer.
    Images,
    /// The MDX loader.
    Mdx,
}

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// Which known plugins are present.
    plugins: BTreeSet<Plugin>,
}

fn main() {}
