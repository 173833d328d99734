use telemetry_schema::TelemetryEvent;

/// Sent when a command finishes.
#[derive(TelemetryEvent)]
enum CommandFinished {
    /// The command succeeded.
    Success,
    /// The command failed.
    Failure,
}

fn main() {}
