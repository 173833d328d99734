use telemetry_schema::TelemetryEvent;

/// Sent when a page is rendered in the dev server.
#[derive(TelemetryEvent)]
#[telemetry(sample_rate = 1e-9)]
struct PageRendered {
    /// Whether the page was served from cache.
    cached: bool,
}

fn main() {}
