use telemetry_schema::TelemetryEvent;

/// Sent when the database adapter connects.
#[derive(TelemetryEvent)]
struct DatabaseConnected {
    /// The database server's version, when it reports one.
    server_version: Option<String>,
    /// Whether the connection is pooled.
    pooled: bool,
}

fn main() {}
