use telemetry_schema::{TelemetryEnum, TelemetryGroup};

/// Why an upgrade failed.
#[derive(TelemetryGroup)]
struct FailureInfo {
    /// How many retries were made.
    retries: u8,
}

/// How an upgrade ended.
#[derive(TelemetryEnum)]
enum Outcome {
    /// It worked.
    Success,
    /// It failed.
    Failure(FailureInfo, u8),
}

fn main() {}
