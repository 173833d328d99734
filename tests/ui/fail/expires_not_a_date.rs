use telemetry_schema::TelemetryEvent;

/// Sent when the CLI notices it is out of date.
#[derive(TelemetryEvent)]
#[telemetry(expires = "2027-02-29")]
struct UpdateAvailable {
    /// Whether the update is a major version.
    major: bool,
}

fn main() {}
