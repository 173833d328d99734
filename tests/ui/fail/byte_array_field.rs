use telemetry_schema::TelemetryEvent;

/// Sent when the client starts.
#[derive(TelemetryEvent)]
struct ClientStarted {
    /// A fingerprint of the machine.
    machine_fingerprint: [u8; 16],
    /// Whether the client runs in a container.
    in_container: bool,
}

fn main() {}
