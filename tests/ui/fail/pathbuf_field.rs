use std::path::PathBuf;

use telemetry_schema::TelemetryEvent;

/// Sent when a configuration file is loaded.
#[derive(TelemetryEvent)]
struct ConfigLoaded {
    /// Where the configuration file was found.
    path: PathBuf,
    /// How many plugins it lists.
    plugins: u16,
}

fn main() {}
