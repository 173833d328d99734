use telemetry_schema::TelemetryEvent;

/// Which parts of the project a build touched.
struct BuildScope {
    /// Whether pages were built.
    pages: bool,
    /// Whether API routes were built.
    api: bool,
}

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// Which parts of the project were built.
    scope: BuildScope,
    /// How many pages were built.
    pages: u32,
}

fn main() {}
