use telemetry_schema::{TelemetryEvent, Version};

/// Sent when the SDK is upgraded.
#[derive(TelemetryEvent)]
struct Upgraded {
    /// The version before the upgrade.
    #[telemetry(buckets = "exp2")]
    from: Version,
}

fn main() {}
