use std::ffi::OsString;

use telemetry_schema::TelemetryEvent;

/// Sent when the CLI starts.
#[derive(TelemetryEvent)]
struct CliStarted {
    /// The shell the CLI was started from.
    shell: OsString,
    /// Whether the CLI runs in CI.
    is_ci: bool,
}

fn main() {}
