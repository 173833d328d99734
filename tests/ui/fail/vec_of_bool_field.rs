use telemetry_schema::TelemetryEvent;

/// Sent when the test runner finishes.
#[derive(TelemetryEvent)]
struct TestsFinished {
    /// Whether each test passed, in run order.
    results: Vec<bool>,
    /// How many tests were skipped.
    skipped: u32,
}

fn main() {}
