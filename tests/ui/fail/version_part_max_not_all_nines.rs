use telemetry_schema::{TelemetryEvent, Version};

/// Sent when the SDK is upgraded.
#[derive(TelemetryEvent)]
struct Upgraded {
    /// The version before the upgrade.
    #[telemetry(precision = "minor", max = 64)]
    from: Version,
}

fn main() {}
