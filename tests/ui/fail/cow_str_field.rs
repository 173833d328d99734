use std::borrow::Cow;

use telemetry_schema::TelemetryEvent;

/// Sent when a deployment starts.
#[derive(TelemetryEvent)]
struct DeployStarted {
    /// The stage being deployed.
    stage: Cow<'static, str>,
    /// How many functions are deployed.
    functions: u32,
}

fn main() {}
