use telemetry_schema::TelemetryEvent;

/// Sent when a command fails.
#[derive(TelemetryEvent)]
struct CommandFailed {
    /// The error that made the command fail.
    error: Box<dyn std::error::Error + Send + Sync>,
    /// Whether the command will be retried.
    will_retry: bool,
}

fn main() {}
