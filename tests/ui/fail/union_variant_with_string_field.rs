use telemetry_schema::TelemetryEnum;

/// How an upgrade ended.
#[derive(TelemetryEnum)]
enum Outcome {
    /// It worked.
    Success,
    /// It failed, with the error's message.
    Failure(String),
}

fn main() {}
