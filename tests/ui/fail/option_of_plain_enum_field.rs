use telemetry_schema::TelemetryEvent;

/// The database the project uses.
#[derive(Clone, Copy)]
enum Database {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

/// Sent when the auth library is initialized.
#[derive(TelemetryEvent)]
struct AuthInitialized {
    /// The database, when one is configured.
    database: Option<Database>,
}

fn main() {}
