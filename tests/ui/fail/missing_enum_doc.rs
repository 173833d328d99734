use telemetry_schema::TelemetryEnum;

#[derive(Clone, Copy, TelemetryEnum)]
enum Database {
    /// PostgreSQL.
    Postgres,
    /// SQLite.
    Sqlite,
}

fn main() {}
