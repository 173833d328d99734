use telemetry_schema::TelemetryEnum;

/// The package manager used to install dependencies.
#[derive(Clone, Copy, TelemetryEnum)]
struct PackageManager {
    /// Whether it is npm.
    npm: bool,
}

fn main() {}
