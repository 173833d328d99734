use telemetry_schema::{TelemetryEnum, TelemetryEvent, TelemetryGroup};

/// Why an upgrade failed.
#[derive(TelemetryGroup)]
struct FailureInfo {
    /// What kind of failure it was: the name the variant's tag is sent under.
    kind: bool,
}

/// How an upgrade ended.
#[derive(TelemetryEnum)]
enum Outcome {
    /// It worked.
    Success,
    /// It failed.
    Failure(FailureInfo),
}

/// Sent when an upgrade ends.
#[derive(TelemetryEvent)]
struct UpgradeEnded {
    /// How it ended.
    outcome: Outcome,
}

fn main() {}
