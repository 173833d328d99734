use telemetry_schema::TelemetryEvent;

/// A project identifier, as the dashboard shows it.
struct Uuid([u8; 16]);

/// Sent when a project is linked to the dashboard.
#[derive(TelemetryEvent)]
struct ProjectLinked {
    /// The linked project.
    project: Uuid,
    /// Whether the link was created in CI.
    is_ci: bool,
}

fn main() {}
