use telemetry_schema::TelemetryEvent;

/// Sent when the CLI starts.
#[derive(TelemetryEvent)]
#[telemetry(name = "cli.start.")]
struct CliStart {
    /// Whether it runs in CI.
    ci: bool,
}

fn main() {}
