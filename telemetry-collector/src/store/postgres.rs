//! PostgreSQL: typed tables from the same generator ([`crate::ddl`]), one transaction per group of batches.
//!
//! `batches.batch_id` is the primary key: `INSERT … ON CONFLICT DO NOTHING RETURNING batch_id` says which
//! batches of the group are new, and a second collector inserting the same batch at the same moment waits on the
//! key until the first commits, then finds it. Events are written as multi-row `INSERT`s in one round trip, and
//! the request is answered only after `COMMIT` returns (`synchronous_commit` is the server's: on by default, so
//! an acknowledged batch is in the server's write-ahead log on disk).
//!
//! Values are written as SQL literals built here from values the validator already bounded (ids and versions
//! match their patterns, enums their variants); text is quoted with `'` doubled, which is exact under
//! `standard_conforming_strings` (on since PostgreSQL 9.1; the store checks it at start-up).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::time::Duration;

use postgres::{Client, NoTls};

use super::{CommitOutcome, EventRow, PreparedBatch, QuarantineRow, SqlValue, Store, StoreError};
use crate::ddl::{self, BATCHES_TABLE, Dialect, QUARANTINE_TABLE, TABLES_TABLE, quote_ident, quote_text};
use crate::model::{Column, ColumnType, Model};

/// An advisory lock key, so two collectors starting at once do not both create the same tables.
const MIGRATION_LOCK: i64 = 0x7465_6c65_6d65_7472;

/// A PostgreSQL database, reached with a blocking client from the writer thread; reconnects after a failure.
pub struct PostgresStore {
    config: postgres::Config,
    client: Option<Client>,
    /// Per event table (model order): its name and the column list of its `INSERT`.
    tables: Vec<(String, String, Vec<Column>)>,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The configuration can hold a password: never print it.
        f.debug_struct("PostgresStore").field("connected", &self.client.is_some()).finish_non_exhaustive()
    }
}

fn err(context: &'static str) -> impl Fn(postgres::Error) -> StoreError {
    move |error| StoreError(format!("postgres: {context}: {error}"))
}

impl PostgresStore {
    /// Parses `url` (`postgres://user[:password]@host[:port]/database`) and connects.
    ///
    /// # Errors
    /// When the URL is not one, or the server cannot be reached.
    pub fn connect(url: &str) -> Result<Self, StoreError> {
        let mut config: postgres::Config =
            url.parse().map_err(|error| StoreError(format!("--store {}: {error}", redact(url))))?;
        config.connect_timeout(Duration::from_secs(5));
        config.application_name("telemetry-collector");
        let mut store = Self { config, client: None, tables: Vec::new() };
        store.client()?;
        Ok(store)
    }

    /// The connection, opened again when the last one failed.
    fn client(&mut self) -> Result<&mut Client, StoreError> {
        if self.client.as_ref().is_some_and(Client::is_closed) {
            self.client = None;
        }
        if self.client.is_none() {
            let mut client = self.config.connect(NoTls).map_err(err("connect"))?;
            let conforming: String = client
                .query_one("SHOW standard_conforming_strings", &[])
                .map_err(err("read standard_conforming_strings"))?
                .get(0);
            if conforming != "on" {
                return Err(StoreError("postgres: standard_conforming_strings must be on".into()));
            }
            self.client = Some(client);
        }
        self.client.as_mut().ok_or_else(|| StoreError("postgres: no connection".into()))
    }

    /// Runs `work` on the connection; after an error the connection is dropped, so the next call reconnects
    /// (a server restart leaves a connection that only errors).
    fn with_client<T>(
        &mut self,
        work: impl FnOnce(&mut Client, &[(String, String, Vec<Column>)]) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tables = std::mem::take(&mut self.tables);
        let result = self.client().and_then(|client| work(client, &tables));
        self.tables = tables;
        if result.is_err() {
            self.client = None;
        }
        result
    }
}

/// The URL without its user and password, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}***{}", &url[..scheme + 3], &url[at..]),
        _ => url.to_owned(),
    }
}

impl Store for PostgresStore {
    fn migrate(&mut self, model: &Model) -> Result<Vec<String>, StoreError> {
        let changes = self.with_client(|client, _| migrate(client, model))?;
        self.tables = model
            .tables
            .iter()
            .map(|table| {
                let names: Vec<String> = table.columns.iter().map(|column| quote_ident(&column.name)).collect();
                (quote_ident(&table.name), names.join(", "), table.columns.clone())
            })
            .collect();
        Ok(changes)
    }

    fn commit(&mut self, batches: &[PreparedBatch]) -> Result<Vec<CommitOutcome>, StoreError> {
        self.with_client(|client, tables| commit(client, tables, batches))
    }

    fn check(&mut self) -> Result<(), StoreError> {
        self.with_client(|client, _| client.simple_query("SELECT 1").map(drop).map_err(err("check")))
    }
}

fn migrate(client: &mut Client, model: &Model) -> Result<Vec<String>, StoreError> {
    let dialect = Dialect::Postgres;
    let mut changes = Vec::new();
    let mut tx = client.transaction().map_err(err("begin the migration"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK]).map_err(err("lock the migration"))?;
    for statement in ddl::fixed_tables(dialect) {
        tx.batch_execute(&statement).map_err(err("create the fixed tables"))?;
    }
    for table in &model.tables {
        let exists: bool = tx
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&quote_ident(&table.name)])
            .map_err(err("read the schema"))?
            .get(0);
        let recorded: Option<String> = tx
            .query_opt(&format!("SELECT columns::text FROM {TABLES_TABLE} WHERE name = $1"), &[&table.name])
            .map_err(err("read the recorded tables"))?
            .map(|row| row.get(0));
        let desired: Vec<(String, String)> =
            table.columns.iter().map(|column| (column.name.clone(), ddl::column_definition(dialect, column))).collect();
        match (exists, recorded) {
            (false, _) => {
                tx.batch_execute(&ddl::create_event_table(
                    dialect,
                    &table.name,
                    &ddl::event_table_columns(dialect, table),
                ))
                .map_err(err("create an event table"))?;
                changes.push(format!("created table {} ({} columns)", table.name, desired.len()));
            }
            (true, None) => {
                return Err(StoreError(format!(
                    "the store has a table {} that the collector did not create (no row in {TABLES_TABLE}); rename \
                     it or use another database",
                    table.name
                )));
            }
            (true, Some(recorded)) => {
                let recorded: Vec<(String, String)> = serde_json::from_str(&recorded).map_err(|error| {
                    StoreError(format!("postgres: {TABLES_TABLE} row of {} is not readable: {error}", table.name))
                })?;
                if let Some((missing, _)) =
                    recorded.iter().find(|(name, _)| !desired.iter().any(|(wanted, _)| wanted == name))
                {
                    return Err(StoreError(format!(
                        "table {} has a column {missing} that schemas/bundle.json no longer has; a collector never \
                         drops a column: use the archive this store was created from",
                        table.name
                    )));
                }
                let name = quote_ident(&table.name);
                for (column, (_, definition)) in table.columns.iter().zip(&desired) {
                    match recorded.iter().find(|(old, _)| *old == column.name) {
                        None => {
                            if !column.nullable {
                                return Err(StoreError(format!(
                                    "table {}: the new column {} is required, which is not a compatible change; a \
                                     new required field needs a new event version",
                                    table.name, column.name
                                )));
                            }
                            tx.batch_execute(&format!("ALTER TABLE {name} ADD COLUMN {definition}"))
                                .map_err(err("add a column"))?;
                            changes.push(format!("table {}: added column {}", table.name, column.name));
                        }
                        Some((_, old)) if old != definition => {
                            // A widened bound or a new variant: a wider type if needed, and the constraint
                            // replaced; rows that do not fit it make the migration fail, leaving the table as it was.
                            let mut sql = format!(
                                "ALTER TABLE {name} ALTER COLUMN {} TYPE {}, DROP CONSTRAINT IF EXISTS {}",
                                quote_ident(&column.name),
                                ddl::column_type(dialect, column),
                                ddl::check_name(column)
                            );
                            if let Some(check) = ddl::column_check(dialect, column) {
                                let _ = write!(sql, ", ADD CONSTRAINT {} CHECK ({check})", ddl::check_name(column));
                            }
                            tx.batch_execute(&sql).map_err(err("widen a column"))?;
                            changes.push(format!("table {}: column {} widened", table.name, column.name));
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        // Recorded in the table's column order: new columns were added at the end.
        let json = serde_json::to_string(&desired).map_err(|error| StoreError(error.to_string()))?;
        tx.execute(
            &format!(
                "INSERT INTO {TABLES_TABLE} (name, event, version, columns) VALUES ($1, $2, $3, $4::text::jsonb) \
                 ON CONFLICT (name) DO UPDATE SET columns = excluded.columns"
            ),
            &[&table.name, &table.event, &i32::try_from(table.version).unwrap_or(i32::MAX), &json],
        )
        .map_err(err("record a table"))?;
    }
    tx.commit().map_err(err("commit the migration"))?;
    Ok(changes)
}

/// A text literal; PostgreSQL text cannot hold NUL, which a validated value never has and a quarantined one
/// may: it becomes U+FFFD.
fn text(value: &str) -> String {
    if value.contains('\0') { quote_text(&value.replace('\0', "\u{FFFD}")) } else { quote_text(value) }
}

fn literal(out: &mut String, column: &Column, value: &SqlValue, batch_id: &str) {
    match (value, &column.ty) {
        (SqlValue::Null, _) => out.push_str("NULL"),
        (SqlValue::Integer(n), ColumnType::Bool) => out.push_str(if *n != 0 { "TRUE" } else { "FALSE" }),
        (SqlValue::Integer(n), _) => {
            let _ = write!(out, "{n}");
        }
        (SqlValue::Text(json), ColumnType::EnumSet(_)) => {
            let items: Vec<String> = serde_json::from_str(json).unwrap_or_default();
            let items: Vec<String> = items.iter().map(|item| text(item)).collect();
            let _ = write!(out, "ARRAY[{}]::TEXT[]", items.join(", "));
        }
        (SqlValue::Text(value), _) => out.push_str(&text(value)),
        (SqlValue::BatchId, _) => out.push_str(&text(batch_id)),
    }
}

fn commit(
    client: &mut Client,
    tables: &[(String, String, Vec<Column>)],
    batches: &[PreparedBatch],
) -> Result<Vec<CommitOutcome>, StoreError> {
    let mut tx = client.transaction().map_err(err("begin"))?;
    // Which batches are new: one statement for the group.
    let mut inserted: HashSet<String> = HashSet::new();
    let mut values = String::new();
    for batch in batches {
        if let Some(batch_id) = &batch.batch_id {
            if !values.is_empty() {
                values.push_str(", ");
            }
            let _ = write!(
                values,
                "({}, {}, {}, {}, {})",
                text(batch_id),
                batch.received_at,
                batch.event_count,
                batch.rows.len(),
                batch.quarantine.len()
            );
        }
    }
    if !values.is_empty() {
        let sql = format!(
            "INSERT INTO {BATCHES_TABLE} (batch_id, received_at, event_count, stored_count, quarantined_count) \
             VALUES {values} ON CONFLICT (batch_id) DO NOTHING RETURNING batch_id"
        );
        for message in tx.simple_query(&sql).map_err(err("insert the batches"))? {
            if let postgres::SimpleQueryMessage::Row(row) = message
                && let Some(id) = row.get(0)
            {
                inserted.insert(id.to_owned());
            }
        }
    }
    let mut rows_by_table: HashMap<usize, String> = HashMap::new();
    let mut outcomes = Vec::with_capacity(batches.len());
    // The batches to write, with the index of their outcome.
    let mut new_batches: Vec<(usize, &PreparedBatch)> = Vec::new();
    for batch in batches {
        // `remove`: the same batch twice in one group is stored once.
        if let Some(batch_id) = &batch.batch_id
            && !inserted.remove(batch_id)
        {
            outcomes.push(CommitOutcome::Duplicate);
            continue;
        }
        let batch_id = batch.batch_id.as_deref().unwrap_or_default();
        for row in &batch.rows {
            let out = rows_by_table.entry(row.table).or_default();
            out.push_str(if out.is_empty() { "" } else { ", " });
            row_literal(out, tables, row, batch_id)?;
        }
        new_batches.push((outcomes.len(), batch));
        outcomes.push(CommitOutcome::Stored { stored: batch.rows.len(), quarantined: batch.quarantine.len() });
    }
    let mut sql = String::new();
    let mut indexes: Vec<&usize> = rows_by_table.keys().collect();
    indexes.sort();
    for index in indexes {
        let (name, columns, _) = &tables[*index];
        let _ = writeln!(sql, "INSERT INTO {name} ({columns}) VALUES {};", rows_by_table[index]);
    }
    // Refused by a table (a value its constraint does not allow): quarantined, as SQLite does.
    let mut refused: Vec<Vec<QuarantineRow>> = vec![Vec::new(); new_batches.len()];
    if !sql.is_empty() {
        tx.batch_execute(&format!("SAVEPOINT group_rows;\n{sql}")).or_else(|error| {
            if !refused_value(&error) {
                return Err(err("insert the events")(error));
            }
            // One value refused the whole statement: undo it, and insert the group row by row, each in its own
            // savepoint, quarantining the rows refused (rare: the schema and the table disagree).
            tx.batch_execute("ROLLBACK TO SAVEPOINT group_rows").map_err(err("roll back the group's rows"))?;
            for ((_, batch), refused) in new_batches.iter().zip(refused.iter_mut()) {
                let batch_id = batch.batch_id.as_deref().unwrap_or_default();
                for row in &batch.rows {
                    let (name, columns, _) = &tables[row.table];
                    let mut values = String::new();
                    row_literal(&mut values, tables, row, batch_id)?;
                    let insert = format!(
                        "SAVEPOINT one_row; INSERT INTO {name} ({columns}) VALUES {values}; \
                                          RELEASE SAVEPOINT one_row"
                    );
                    if let Err(error) = tx.batch_execute(&insert) {
                        if !refused_value(&error) {
                            return Err(err("insert an event")(error));
                        }
                        tx.batch_execute("ROLLBACK TO SAVEPOINT one_row").map_err(err("roll back a row"))?;
                        let message =
                            error.as_db_error().map_or_else(|| error.to_string(), |db| db.message().to_owned());
                        refused.push(super::store_refused(batch, row, message));
                    }
                }
            }
            Ok(())
        })?;
    }
    let mut quarantine = String::new();
    for ((index, batch), refused) in new_batches.iter().zip(&refused) {
        if !refused.is_empty() {
            let (stored, quarantined) = (batch.rows.len() - refused.len(), batch.quarantine.len() + refused.len());
            outcomes[*index] = CommitOutcome::Stored { stored, quarantined };
            if let Some(batch_id) = &batch.batch_id {
                tx.batch_execute(&format!(
                    "UPDATE {BATCHES_TABLE} SET stored_count = {stored}, quarantined_count = {quarantined} WHERE \
                     batch_id = {}",
                    text(batch_id)
                ))
                .map_err(err("update a batch"))?;
            }
        }
        for row in batch.quarantine.iter().chain(refused) {
            quarantine.push_str(if quarantine.is_empty() { "(" } else { ", (" });
            let optional = |value: Option<String>| value.map_or_else(|| "NULL".to_owned(), |v| text(&v));
            let mut hex = String::with_capacity(row.bytes.len() * 2);
            for byte in &row.bytes {
                let _ = write!(hex, "{byte:02x}");
            }
            let _ = write!(
                quarantine,
                "{}, {}, {}, {}, {}, {}, '\\x{hex}'::bytea, {})",
                batch.received_at,
                optional(row.batch_id.clone()),
                row.event_index.map_or_else(|| "NULL".to_owned(), |i| i.to_string()),
                optional(row.event.clone()),
                text(row.reason),
                text(&row.problems),
                row.size
            );
        }
    }
    if !quarantine.is_empty() {
        tx.batch_execute(&format!(
            "INSERT INTO {QUARANTINE_TABLE} (received_at, batch_id, event_index, event, reason, problems, body, \
             body_size) VALUES {quarantine};"
        ))
        .map_err(err("insert into quarantine"))?;
    }
    tx.commit().map_err(err("commit"))?;
    Ok(outcomes)
}

/// `(v1, v2, …)`: one row's values as literals.
fn row_literal(
    out: &mut String,
    tables: &[(String, String, Vec<Column>)],
    row: &EventRow,
    batch_id: &str,
) -> Result<(), StoreError> {
    let (_, _, columns) = tables.get(row.table).ok_or_else(|| StoreError("row for an unknown table".into()))?;
    out.push('(');
    for (i, (column, value)) in columns.iter().zip(&row.values).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        literal(out, column, value, batch_id);
    }
    out.push(')');
    Ok(())
}

/// Whether PostgreSQL refused a value (SQLSTATE class 22, data exception, or 23, integrity constraint
/// violation) rather than failed.
fn refused_value(error: &postgres::Error) -> bool {
    error.code().is_some_and(|state| state.code().starts_with("22") || state.code().starts_with("23"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_password_in_the_url_is_not_printed() {
        let url: crate::store::StoreUrl = "postgres://user:hunter2@db:5432/telemetry".parse().unwrap();
        let shown = format!("{url:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("@db:5432/telemetry"), "{shown}");
    }
}
