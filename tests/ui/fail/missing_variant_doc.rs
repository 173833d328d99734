use telemetry_schema::TelemetryEnum;

/// The database the project uses.
#[derive(Clone, Copy, TelemetryEnum)]
enum Database {
    /// PostgreSQL.
    Postgres,
    Sqlite,
}

fn main() {}
