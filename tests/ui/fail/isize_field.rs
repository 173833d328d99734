use telemetry_schema::TelemetryEvent;

/// Sent when dependencies are upgraded.
#[derive(TelemetryEvent)]
struct DependenciesUpgraded {
    /// How the number of dependencies changed.
    count_change: isize,
    /// Whether the lockfile was rewritten.
    lockfile_rewritten: bool,
}

fn main() {}
