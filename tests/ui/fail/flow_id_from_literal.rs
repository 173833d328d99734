use telemetry_schema::{FlowId, TelemetryEvent};

/// Sent when an upgrade starts.
#[derive(TelemetryEvent)]
struct UpgradeStarted {
    /// Links the events of this upgrade.
    upgrade: FlowId,
}

fn main() {
    // An author trying to send a chosen value (a user id, a hash of a path) as a flow id.
    let upgrade: FlowId = "0123456789abcdef0123456789abcdef".parse().unwrap();
    let _ = UpgradeStarted { upgrade };
}
