use telemetry_schema::TelemetryEnum;

/// The package manager used to install dependencies.
#[derive(Clone, Copy, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
enum PackageManager {
    /// npm.
    Npm,
    /// pnpm.
    Pnpm,
    /// Also pnpm, spelled differently.
    PNpm,
}

fn main() {}
