use telemetry_schema::TelemetryEvent;

/// Sent when a plugin hook runs.
#[derive(TelemetryEvent)]
struct HookRan<T> {
    /// What the hook returned.
    output: T,
    /// Whether the hook ran asynchronously.
    asynchronous: bool,
}

fn main() {}
