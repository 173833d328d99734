use std::collections::BTreeSet;

use telemetry_schema::{TelemetryEnum, TelemetryEvent, TelemetryGroup};

/// The database.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Database {
    /// PostgreSQL.
    Postgres,
    Sqlite,
}

/// The storage set-up.
#[derive(TelemetryGroup)]
struct Storage {
    /// The main database.
    main: Database,
}

/// Sent when a project is created.
#[derive(TelemetryEvent)]
struct ProjectCreated {
    /// The database.
    database: Database,
    /// A second database, if any.
    replica: Option<Database>,
    /// Every database in use.
    all: BTreeSet<Database>,
    /// The storage.
    storage: Storage,
}

fn main() {}
