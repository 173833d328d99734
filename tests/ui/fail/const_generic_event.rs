use telemetry_schema::TelemetryEvent;

/// Sent when a batch of pages is rendered.
#[derive(TelemetryEvent)]
struct BatchRendered<const N: usize> {
    /// How many pages were rendered.
    pages: u32,
}

fn main() {}
