use telemetry_schema::{TelemetryEvent, Version};

/// Sent when the SDK is upgraded.
#[derive(TelemetryEvent)]
struct Upgraded {
    /// The version before the upgrade.
    #[telemetry(precision = "build")]
    from: Version,
}

fn main() {}
