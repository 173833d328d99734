use telemetry_schema::{TelemetryEvent, TelemetryGroup};

/// The storage set-up.
#[derive(TelemetryGroup)]
struct Storage {
    encrypted: bool,
}

/// Sent when a project is created.
#[derive(TelemetryEvent)]
struct ProjectCreated {
    /// The storage.
    storage: Storage,
    /// The storage, if a second one is set up.
    backup: Option<Storage>,
}

fn main() {}
