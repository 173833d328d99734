use telemetry_schema::{TelemetryEnum, TelemetryEvent, to_json};

/// The database the project uses.
/// Only the kind of database is sent, never its address or name.
#[derive(Clone, Copy, TelemetryEnum)]
enum Database {
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
    /// SQLite, a local file.
    Sqlite,
}

/// Sent when the database adapter connects.
#[derive(TelemetryEvent)]
struct DatabaseConnected {
    /// Which database it connected to.
    database: Database,
}

fn main() {
    let meta = Database::META;
    assert_eq!(meta.name(), "Database");
    // A doc comment of several lines keeps its line breaks.
    assert_eq!(
        meta.doc(),
        "The database the project uses.\nOnly the kind of database is sent, never its address or name."
    );
    let variants: Vec<(&str, &str)> = meta.variants().iter().map(|v| (v.name(), v.doc())).collect();
    assert_eq!(
        variants,
        [("Postgres", "PostgreSQL."), ("Mysql", "MySQL or MariaDB."), ("Sqlite", "SQLite, a local file.")]
    );
    assert_eq!(Database::Sqlite.variant_index(), 2);
    assert_eq!(to_json(&DatabaseConnected { database: Database::Mysql }).unwrap(), r#"{"database":"Mysql"}"#);
}
