use telemetry_schema::{FlowId, TelemetryEvent};

/// Sent when an upgrade starts.
#[derive(TelemetryEvent)]
struct UpgradeStarted {
    /// Links the events of this upgrade.
    upgrade: FlowId,
}

fn main() {
    let chosen = [7u8; 16];
    let _ = UpgradeStarted { upgrade: FlowId::from(chosen) };
    let _ = UpgradeStarted { upgrade: FlowId(Some(chosen)) };
    let _ = UpgradeStarted { upgrade: FlowId::default() };
}
