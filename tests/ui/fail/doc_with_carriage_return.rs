use telemetry_schema::TelemetryEvent;

/// Sent when a command runs.
#[derive(TelemetryEvent)]
struct CommandRan {
    #[doc = "Nothing personal.\rThe user's home directory."]
    home: bool,
}

fn main() {}
