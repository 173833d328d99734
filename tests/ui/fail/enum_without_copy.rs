use telemetry_schema::TelemetryEnum;

/// The package manager used to install dependencies.
#[derive(TelemetryEnum)]
enum PackageManager {
    /// npm.
    Npm,
    /// pnpm.
    Pnpm,
}

fn main() {}
