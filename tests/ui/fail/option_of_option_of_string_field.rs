use telemetry_schema::TelemetryEvent;

/// Sent when a project is linked to a team.
#[derive(TelemetryEvent)]
struct ProjectLinked {
    /// The team's slug: unknown, none, or some.
    team: Option<Option<String>>,
    /// Whether the link was created in CI.
    is_ci: bool,
}

fn main() {}
