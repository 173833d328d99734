use telemetry_schema::TelemetryEnum;

/// How the command ended.
#[derive(Clone, Copy, TelemetryEnum)]
enum Outcome {
    /// It worked.
    Success,
    /// It failed.
    Failure(u32),
}

fn main() {}
