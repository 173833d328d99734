use telemetry_schema::TelemetryEvent;

/// Sent when a session starts.
#[derive(TelemetryEvent)]
struct SessionStarted {
    /// A numeric session token.
    token: i128,
    /// Whether the session was restored.
    restored: bool,
}

fn main() {}
