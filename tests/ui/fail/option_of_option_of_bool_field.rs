use telemetry_schema::TelemetryEvent;

/// Sent when the dev server starts.
#[derive(TelemetryEvent)]
struct DevServerStarted {
    /// Whether Turbopack was requested: not asked, asked and declined, or asked and accepted.
    turbopack: Option<Option<bool>>,
    /// How many routes were found.
    routes: u32,
}

fn main() {}
