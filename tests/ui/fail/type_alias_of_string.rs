use telemetry_schema::TelemetryEvent;

type ProjectName = String;

/// Sent when a project is created.
#[derive(TelemetryEvent)]
struct ProjectCreated {
    /// The project's name, hidden behind an alias.
    name: ProjectName,
}

fn main() {}
