use telemetry_schema::TelemetryEvent;

/// The package manager used to install dependencies.
#[derive(Clone, Copy)]
enum PackageManager {
    /// npm.
    Npm,
    /// pnpm.
    Pnpm,
}

/// Sent when dependencies are installed.
#[derive(TelemetryEvent)]
struct DependenciesInstalled {
    /// Which package manager installed them.
    package_manager: PackageManager,
}

fn main() {}
