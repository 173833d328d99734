use telemetry_schema::{TelemetryEnum, TelemetryEvent, TelemetryGroup};

/// Why an upgrade failed.
#[derive(TelemetryGroup)]
struct FailureInfo {
    /// How many retries were made.
    #[telemetry(max = 3)]
    retries: u8,
}

/// How an upgrade ended. A per-variant `sample_rate` takes effect only through `sample_by`, which takes a plain
/// enum: on a case of an enum whose variants carry groups it would be silently ignored.
#[derive(TelemetryEnum)]
enum Outcome {
    /// It worked.
    #[telemetry(sample_rate = 0.01)]
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
