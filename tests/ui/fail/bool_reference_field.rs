use telemetry_schema::TelemetryEvent;

/// Sent when the CLI starts.
#[derive(TelemetryEvent)]
struct CliStarted {
    /// Whether the CLI runs in CI.
    is_ci: &'static bool,
    /// How many plugins are loaded.
    plugins: u16,
}

fn main() {}
