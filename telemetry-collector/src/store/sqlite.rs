//! The embedded store: one SQLite file in WAL mode, written by one connection.
//!
//! # Durability
//! `synchronous` is a deliberate choice ([`Synchronous`]). The default, `FULL`, syncs the write-ahead log at
//! every commit, so an acknowledged batch survives a power cut as well as a crash of the collector; group
//! commit (many requests per transaction) pays that sync once per group. `NORMAL` in WAL mode syncs only at
//! checkpoints: a commit is then durable across a crash of the process (the log is in the OS's cache) but the
//! last commits can be lost with the machine's power. docs/PERFORMANCE.md measures both.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, ErrorCode, OptionalExtension, ToSql, TransactionBehavior, params};

use super::{CommitOutcome, PreparedBatch, SqlValue, Store, StoreError};
use crate::ddl::{self, BATCHES_TABLE, Dialect, TABLES_TABLE, quote_ident};
use crate::model::Model;

/// SQLite's `synchronous` setting for the WAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Synchronous {
    /// Sync the WAL at every commit: an acknowledged batch survives power loss. The default.
    Full,
    /// Sync only at checkpoints: an acknowledged batch survives a crash of the collector, not of the machine.
    Normal,
}

/// How the SQLite store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SqliteOptions {
    /// The WAL's `synchronous` setting.
    pub synchronous: Synchronous,
    /// How long a commit waits for a lock held by another process before the store counts as down.
    pub busy_timeout: Duration,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self { synchronous: Synchronous::Full, busy_timeout: Duration::from_millis(1_000) }
    }
}

/// An SQLite file.
#[derive(Debug)]
pub struct SqliteStore {
    conn: Connection,
    /// The `INSERT` of each event table, by index in the model.
    inserts: Vec<String>,
}

fn err(context: &str) -> impl Fn(rusqlite::Error) -> StoreError + '_ {
    move |error| StoreError(format!("sqlite: {context}: {error}"))
}

impl SqliteStore {
    /// Opens (or creates) the file and sets WAL mode, `synchronous` and the busy timeout.
    ///
    /// # Errors
    /// When the file cannot be opened or is not an SQLite database.
    pub fn open(path: &Path, options: SqliteOptions) -> Result<Self, StoreError> {
        let conn = Connection::open(path)
            .map_err(|error| StoreError(format!("cannot open the SQLite store {}: {error}", path.display())))?;
        conn.busy_timeout(options.busy_timeout).map_err(err("busy_timeout"))?;
        let mode: String =
            conn.query_row("PRAGMA journal_mode = WAL", [], |row| row.get(0)).map_err(err("journal_mode"))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError(format!("sqlite: {} cannot use WAL mode (got {mode})", path.display())));
        }
        let synchronous = match options.synchronous {
            Synchronous::Full => "FULL",
            Synchronous::Normal => "NORMAL",
        };
        // Statement journals and sorts in memory; a 16 MiB page cache (SQLite's default is 2 MiB) so the
        // tables' last pages stay cached between commits.
        conn.execute_batch(&format!(
            "PRAGMA synchronous = {synchronous}; PRAGMA temp_store = MEMORY; PRAGMA cache_size = -16384;"
        ))
        .map_err(err("pragmas"))?;
        conn.set_prepared_statement_cache_capacity(256);
        Ok(Self { conn, inserts: Vec::new() })
    }

    /// The connection, for tests that read back what was stored.
    pub fn connection(&self) -> &Connection {
        &self.conn
    }
}

const INSERT_BATCH: &str = "INSERT INTO batches (batch_id, received_at, event_count, stored_count, quarantined_count) \
     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (batch_id) DO NOTHING";
const INSERT_QUARANTINE: &str = "INSERT INTO quarantine (received_at, batch_id, event_index, event, reason, problems, \
     body, body_size) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// A table's columns as the collector recorded them: name and definition, in table order.
type ColumnDefs = Vec<(String, String)>;

impl Store for SqliteStore {
    fn migrate(&mut self, model: &Model) -> Result<Vec<String>, StoreError> {
        let dialect = Dialect::Sqlite;
        let mut changes = Vec::new();
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err("migrate"))?;
        for statement in ddl::fixed_tables(dialect) {
            tx.execute_batch(&statement).map_err(err("create the fixed tables"))?;
        }
        for table in &model.tables {
            let desired: ColumnDefs = table
                .columns
                .iter()
                .map(|column| (column.name.clone(), ddl::column_definition(dialect, column)))
                .collect();
            let exists: bool = tx
                .query_row(
                    "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                    [&table.name],
                    |r| r.get::<_, i64>(0),
                )
                .map_err(err("read the schema"))?
                > 0;
            let recorded: Option<String> = tx
                .query_row(&format!("SELECT columns FROM {TABLES_TABLE} WHERE name = ?1"), [&table.name], |r| r.get(0))
                .optional()
                .map_err(err("read the recorded tables"))?;
            let final_defs = match (exists, recorded) {
                (false, _) => {
                    let defs: Vec<String> = desired.iter().map(|(_, def)| def.clone()).collect();
                    tx.execute_batch(&ddl::create_event_table(dialect, &table.name, &defs))
                        .map_err(err("create an event table"))?;
                    changes.push(format!("created table {} ({} columns)", table.name, defs.len()));
                    desired.clone()
                }
                (true, None) => {
                    return Err(StoreError(format!(
                        "the store has a table {} that the collector did not create (no row in {TABLES_TABLE}); \
                         rename it or use another store",
                        table.name
                    )));
                }
                (true, Some(recorded)) => {
                    let recorded: ColumnDefs = serde_json::from_str(&recorded).map_err(|error| {
                        StoreError(format!("sqlite: {TABLES_TABLE} row of {} is not readable: {error}", table.name))
                    })?;
                    migrate_table(&tx, &table.name, &recorded, &desired, &mut changes)?
                }
            };
            let json = serde_json::to_string(&final_defs).map_err(|error| StoreError(error.to_string()))?;
            tx.execute(
                &format!(
                    "INSERT INTO {TABLES_TABLE} (name, event, version, columns) VALUES (?1, ?2, ?3, ?4) \
                     ON CONFLICT (name) DO UPDATE SET columns = excluded.columns"
                ),
                params![table.name, table.event, table.version, json],
            )
            .map_err(err("record a table"))?;
        }
        tx.commit().map_err(err("commit the migration"))?;
        self.inserts = model
            .tables
            .iter()
            .map(|table| {
                let names: Vec<String> = table.columns.iter().map(|column| quote_ident(&column.name)).collect();
                let slots: Vec<String> = (1..=names.len()).map(|i| format!("?{i}")).collect();
                format!("INSERT INTO {} ({}) VALUES ({})", quote_ident(&table.name), names.join(", "), slots.join(", "))
            })
            .collect();
        Ok(changes)
    }

    fn commit(&mut self, batches: &[PreparedBatch]) -> Result<Vec<CommitOutcome>, StoreError> {
        let Self { conn, inserts } = self;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err("begin"))?;
        // Each table's insert is looked up once per commit, not once per row.
        let mut statements: Vec<Option<rusqlite::CachedStatement<'_>>> = inserts.iter().map(|_| None).collect();
        let mut outcomes = Vec::with_capacity(batches.len());
        for batch in batches {
            if let Some(batch_id) = &batch.batch_id {
                let inserted = tx
                    .prepare_cached(INSERT_BATCH)
                    .and_then(|mut statement| {
                        statement.execute(params![
                            batch_id,
                            batch.received_at,
                            batch.event_count as i64,
                            batch.rows.len() as i64,
                            batch.quarantine.len() as i64
                        ])
                    })
                    .map_err(err("insert a batch"))?;
                if inserted == 0 {
                    outcomes.push(CommitOutcome::Duplicate);
                    continue;
                }
            }
            let mut stored = 0;
            let mut refused = Vec::new();
            for row in &batch.rows {
                let slot =
                    statements.get_mut(row.table).ok_or_else(|| StoreError("row for an unknown table".into()))?;
                if slot.is_none() {
                    *slot = Some(tx.prepare_cached(&inserts[row.table]).map_err(err("prepare an insert"))?);
                }
                let statement = slot.as_mut().ok_or_else(|| StoreError("an insert statement went missing".into()))?;
                let batch_id = batch.batch_id.as_deref().unwrap_or_default();
                let values = row.values.iter().map(|value| match value {
                    SqlValue::BatchId => ToSqlOutput::Borrowed(ValueRef::Text(batch_id.as_bytes())),
                    other => other.to_sql().unwrap_or(ToSqlOutput::Borrowed(ValueRef::Null)),
                });
                match statement.execute(rusqlite::params_from_iter(values)) {
                    Ok(_) => stored += 1,
                    // A value the table's constraints refuse (the schema and the table disagree): keep the event
                    // in quarantine rather than fail the batch for ever.
                    Err(rusqlite::Error::SqliteFailure(failure, message))
                        if failure.code == ErrorCode::ConstraintViolation =>
                    {
                        refused.push(super::store_refused(batch, row, message.unwrap_or_default()));
                    }
                    Err(error) => return Err(err("insert an event")(error)),
                }
            }
            let mut statement = tx.prepare_cached(INSERT_QUARANTINE).map_err(err("prepare the quarantine insert"))?;
            for row in batch.quarantine.iter().chain(&refused) {
                statement
                    .execute(params![
                        batch.received_at,
                        row.batch_id,
                        row.event_index,
                        row.event,
                        row.reason,
                        row.problems,
                        row.bytes,
                        row.size as i64
                    ])
                    .map_err(err("insert into quarantine"))?;
            }
            drop(statement);
            if !refused.is_empty()
                && let Some(batch_id) = &batch.batch_id
            {
                tx.execute(
                    &format!(
                        "UPDATE {BATCHES_TABLE} SET stored_count = ?2, quarantined_count = ?3 WHERE batch_id = ?1"
                    ),
                    params![batch_id, stored as i64, (batch.quarantine.len() + refused.len()) as i64],
                )
                .map_err(err("update a batch"))?;
            }
            outcomes.push(CommitOutcome::Stored { stored, quarantined: batch.quarantine.len() + refused.len() });
        }
        drop(statements);
        tx.commit().map_err(err("commit"))?;
        Ok(outcomes)
    }

    fn check(&mut self) -> Result<(), StoreError> {
        self.conn.query_row("SELECT 1", [], |_| Ok(())).map_err(err("check"))
    }
}

/// Brings an existing table to `desired`: new columns are added, changed constraints are widened by rebuilding
/// the table with every row copied; a column the model no longer has stops the start-up (nothing is dropped).
fn migrate_table(
    tx: &rusqlite::Transaction<'_>,
    name: &str,
    recorded: &ColumnDefs,
    desired: &ColumnDefs,
    changes: &mut Vec<String>,
) -> Result<ColumnDefs, StoreError> {
    if recorded == desired {
        return Ok(recorded.clone());
    }
    let wanted: HashMap<&str, &str> = desired.iter().map(|(n, d)| (n.as_str(), d.as_str())).collect();
    if let Some((missing, _)) = recorded.iter().find(|(column, _)| !wanted.contains_key(column.as_str())) {
        return Err(StoreError(format!(
            "table {name} has a column {missing} that schemas/bundle.json no longer has; a collector never drops a \
             column: use the archive this store was created from"
        )));
    }
    // Existing columns keep their place; new ones go at the end.
    let mut merged: ColumnDefs =
        recorded.iter().map(|(column, _)| (column.clone(), wanted[column.as_str()].to_owned())).collect();
    let added: Vec<&(String, String)> =
        desired.iter().filter(|(column, _)| !recorded.iter().any(|(old, _)| old == column)).collect();
    merged.extend(added.iter().map(|pair| (*pair).clone()));
    let constraints_changed = recorded.iter().zip(&merged).any(|(old, new)| old.1 != new.1);
    if !constraints_changed {
        for (column, definition) in &added {
            if definition.contains("NOT NULL") {
                return Err(StoreError(format!(
                    "table {name}: the new column {column} is required, which is not a compatible change; a new \
                     required field needs a new event version"
                )));
            }
            tx.execute_batch(&format!("ALTER TABLE {} ADD COLUMN {definition}", quote_ident(name)))
                .map_err(err("add a column"))?;
            changes.push(format!("table {name}: added column {column}"));
        }
        return Ok(merged);
    }
    // SQLite cannot alter a CHECK constraint: rebuild the table (its documented procedure), inside the
    // migration's transaction, so a failure leaves the old table as it was.
    let temporary = format!("{name}__migrating");
    let definitions: Vec<String> = merged.iter().map(|(_, def)| def.clone()).collect();
    let columns: Vec<String> = recorded.iter().map(|(column, _)| quote_ident(column)).collect();
    tx.execute_batch(&format!(
        "{create};\nINSERT INTO {tmp} ({cols}) SELECT {cols} FROM {old};\nDROP TABLE {old};\nALTER TABLE {tmp} \
         RENAME TO {old};",
        create = ddl::create_event_table(Dialect::Sqlite, &temporary, &definitions),
        tmp = quote_ident(&temporary),
        old = quote_ident(name),
        cols = columns.join(", "),
    ))
    .map_err(|error| {
        StoreError(format!(
            "sqlite: table {name}: its constraints changed and the rows do not fit the new ones ({error}); only \
             widening changes are compatible"
        ))
    })?;
    changes.push(format!(
        "table {name}: constraints widened (table rebuilt, every row kept){}",
        if added.is_empty() { String::new() } else { format!(", {} column(s) added", added.len()) }
    ));
    Ok(merged)
}

impl ToSql for SqlValue {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Self::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Self::Integer(n) => ToSqlOutput::Borrowed(ValueRef::Integer(*n)),
            Self::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            // Bound by `commit`, which knows the batch.
            Self::BatchId => ToSqlOutput::Borrowed(ValueRef::Null),
        })
    }
}
