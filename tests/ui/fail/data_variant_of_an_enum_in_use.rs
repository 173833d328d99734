use telemetry_schema::{TelemetryEnum, TelemetryEvent};

/// How the command ended.
#[derive(Clone, Copy, TelemetryEnum)]
enum Outcome {
    /// It worked.
    Success,
    /// It failed.
    Failure(u32),
}

/// Sent when a command ends.
#[derive(TelemetryEvent)]
struct CommandEnded {
    /// How it ended.
    outcome: Outcome,
    /// How it ended the time before, if it ran before.
    previous: Option<Outcome>,
}

fn main() {
    let _ = telemetry_schema::to_json(&CommandEnded { outcome: Outcome::Success, previous: None });
}
