use telemetry_schema::{TelemetryEnum, TelemetryEvent, TelemetryGroup};

/// Why an upgrade failed.
#[derive(TelemetryGroup)]
struct FailureInfo {
    /// How many retries were made.
    #[telemetry(max = 3)]
    retries: u8,
}

/// How an upgrade ended. A case name is a step of the page's paths (`outcome.Case.retries`), so it cannot hold the
/// '/' or '.' a plain enum's value may.
#[derive(TelemetryEnum)]
enum Outcome {
    /// It worked.
    #[telemetry(rename = "next/image")]
    Success,
    /// It failed.
    #[telemetry(rename = "gpt-5.5")]
    Failure(FailureInfo),
}

/// Sent when an upgrade ends.
#[derive(TelemetryEvent)]
struct UpgradeEnded {
    /// How it ended.
    outcome: Outcome,
}

fn main() {}
