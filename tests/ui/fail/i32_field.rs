use telemetry_schema::TelemetryEvent;

/// Sent when a command exits.
#[derive(TelemetryEvent)]
struct CommandExited {
    /// The process exit code.
    exit_code: i32,
    /// Whether the command was interrupted.
    interrupted: bool,
}

fn main() {}
