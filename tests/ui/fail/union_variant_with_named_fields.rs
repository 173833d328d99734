use telemetry_schema::TelemetryEnum;

/// How an upgrade ended.
#[derive(TelemetryEnum)]
enum Outcome {
    /// It worked.
    Success,
    /// It failed.
    Failure { retries: u8 },
}

fn main() {}
