//! ClickHouse through its HTTP interface: `INSERT … FORMAT JSONEachRow`, one request per table per group, the
//! tables' requests sent at once.
//!
//! ClickHouse has no transactions and no unique key, so "a retried batch counts once" rests on three things:
//!
//! 1. **Deduplication at insert.** Before writing a group, the collector asks `batches` which of its batch ids
//!    are stored; those are answered `duplicate` and not written. This covers the usual retry (the client
//!    retries after a lost answer, seconds later, to any collector).
//! 2. **The `batches` row is written last**, after the batch's events and quarantine rows were accepted: it is the
//!    mark that the batch is whole. A group that fails half-way is answered 503 and has no `batches` row, so the
//!    client's retry writes it again.
//! 3. **`ReplacingMergeTree` as the backstop.** The rows a batch writes twice (a retry racing its first attempt
//!    on another collector, or a retry after a half-written group) have the same sorting key, `(received_at,
//!    install_id, batch_id, row_index)`, so they collapse when ClickHouse merges parts, and `SELECT … FINAL` (what
//!    `report` reads) counts them once already. `quarantine` collapses the same way, by batch, place in the
//!    batch and a hash of the bytes. The one case left: the two copies were received in different
//!    `--time-granularity` periods (a retry across the hour), which then stay two rows; the `batches` table says
//!    so (`SELECT batch_id FROM batches GROUP BY batch_id HAVING count() > 1`).
//!
//! An `INSERT` is answered once ClickHouse has written the part; ClickHouse 18.16 does not `fsync` parts, so an
//! acknowledged batch survives a restart of ClickHouse or of the collector, not a power cut of the ClickHouse
//! host (see docs/deployment.md).

use std::collections::{HashMap, HashSet};
use std::fmt::Write as _;
use std::time::Duration;

use super::{CommitOutcome, PreparedBatch, SqlValue, Store, StoreError};
use crate::ddl::{
    self, ATTEMPTS_TABLE, BATCHES_TABLE, Dialect, QUARANTINE_TABLE, ROW_INDEX_COLUMN, quote_ident, quote_text_in,
};
use crate::model::{Column, ColumnType, Model, RECEIVED_AT_COLUMN};

/// A ClickHouse database over HTTP.
pub struct ClickhouseStore {
    agent: ureq::Agent,
    /// `http://host:port/`.
    base: String,
    database: String,
    /// Per event table (model order): its quoted name and columns.
    tables: Vec<(String, Vec<Column>)>,
}

impl std::fmt::Debug for ClickhouseStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClickhouseStore").field("base", &self.base).field("database", &self.database).finish()
    }
}

/// Percent-encodes a query-string value.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len() * 3 / 2);
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_.~".contains(&byte) {
            out.push(byte as char);
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

impl ClickhouseStore {
    /// `clickhouse+http://host:port/database` (the database is created when missing; `default` when the path is
    /// empty).
    ///
    /// # Errors
    /// When the URL is not one.
    pub fn new(url: &str) -> Result<Self, StoreError> {
        let rest = url.strip_prefix("clickhouse+http://").ok_or_else(|| {
            StoreError(format!("--store {url}: a ClickHouse store is `clickhouse+http://host:port/database`"))
        })?;
        let (host, database) = rest.split_once('/').unwrap_or((rest, ""));
        let database = database.trim_end_matches('/');
        let database = if database.is_empty() { "default" } else { database };
        if host.is_empty() || host.contains('@') {
            return Err(StoreError(format!(
                "--store {url}: expected clickhouse+http://host:port/database (no user in the URL)"
            )));
        }
        if !database.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(StoreError(format!("--store {url}: the database name must be letters, digits and `_`")));
        }
        let config = ureq::Agent::config_builder()
            .timeout_connect(Some(Duration::from_secs(5)))
            .timeout_global(Some(Duration::from_secs(60)))
            .http_status_as_error(false)
            .max_redirects(0)
            .build();
        Ok(Self {
            agent: config.into(),
            base: format!("http://{host}/"),
            database: database.to_owned(),
            tables: Vec::new(),
        })
    }

    /// Runs one statement (`body` follows the query for inserts), in the store's database unless `in_database`
    /// is false; returns the answer's body.
    fn run(&self, query: &str, body: Option<String>, in_database: bool) -> Result<String, StoreError> {
        let (url, payload) = match body {
            Some(body) => (format!("{}?query={}", self.base, encode(query)), body),
            None => (self.base.clone(), query.to_owned()),
        };
        let url = if in_database {
            format!("{url}{}database={}", if url.contains('?') { '&' } else { '?' }, self.database)
        } else {
            url
        };
        let mut response = self
            .agent
            .post(&url)
            .send(payload)
            .map_err(|error| StoreError(format!("clickhouse: {}: {error}", self.base)))?;
        let status = response.status();
        let text = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .map_err(|error| StoreError(format!("clickhouse: reading the answer: {error}")))?;
        if !status.is_success() {
            let first = text.lines().next().unwrap_or_default();
            return Err(StoreError(format!("clickhouse: HTTP {}: {first}", status.as_u16())));
        }
        Ok(text)
    }

    /// Runs a query in the store's database and returns its answer (`FORMAT TabSeparated` unless it says).
    ///
    /// # Errors
    /// When ClickHouse fails or answers an error.
    pub fn query(&self, query: &str) -> Result<String, StoreError> {
        self.run(query, None, true)
    }
}

impl ClickhouseStore {
    /// A store created before `quarantine` collapsed retried rows has it as a plain `MergeTree` (an engine cannot
    /// be changed in place): its rows are copied into a collapsing table, which takes its name, and the old table
    /// is kept as `quarantine_before_dedup` (nothing is dropped).
    fn migrate_quarantine(&self, changes: &mut Vec<String>) -> Result<(), StoreError> {
        let engine = self.query(&format!(
            "SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = {} FORMAT TabSeparated",
            quote_text_in(Dialect::Clickhouse, QUARANTINE_TABLE)
        ))?;
        if engine.trim() != "MergeTree" {
            return Ok(());
        }
        let staging = format!("{QUARANTINE_TABLE}_dedup");
        let kept = format!("{QUARANTINE_TABLE}_before_dedup");
        let create = ddl::fixed_tables(Dialect::Clickhouse)
            .into_iter()
            .find(|statement| statement.contains(&format!(" {QUARANTINE_TABLE} (")))
            .ok_or_else(|| StoreError("clickhouse: no quarantine table in the DDL".into()))?
            .replacen(&format!(" {QUARANTINE_TABLE} ("), &format!(" {staging} ("), 1);
        let columns = "received_at, batch_id, event_index, event, reason, problems, body, body_size";
        // A copy left by a migration that stopped half-way is partial: start it again.
        self.query(&format!("DROP TABLE IF EXISTS {staging}"))?;
        self.query(&create)?;
        self.query(&format!(
            "INSERT INTO {staging} ({columns}, {ROW_INDEX_COLUMN}) SELECT {columns}, \
             toUInt32(rowNumberInAllBlocks()) FROM {QUARANTINE_TABLE}"
        ))?;
        self.query(&format!("RENAME TABLE {QUARANTINE_TABLE} TO {kept}, {staging} TO {QUARANTINE_TABLE}"))?;
        changes.push(format!(
            "table {QUARANTINE_TABLE}: now a ReplacingMergeTree (rows copied; the old table kept as {kept})"
        ));
        Ok(())
    }
}

impl Store for ClickhouseStore {
    fn migrate(&mut self, model: &Model) -> Result<Vec<String>, StoreError> {
        let dialect = Dialect::Clickhouse;
        let mut changes = Vec::new();
        self.run(&format!("CREATE DATABASE IF NOT EXISTS {}", quote_ident(&self.database)), None, false)?;
        for statement in ddl::fixed_tables(dialect) {
            self.query(&statement)?;
        }
        self.migrate_quarantine(&mut changes)?;
        for table in &model.tables {
            let existing = self.query(&format!(
                "SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = {} FORMAT \
                 TabSeparated",
                quote_text_in(dialect, &table.name)
            ))?;
            // TabSeparated escapes `'` as `\'` inside type names.
            let existing: Vec<(String, String)> = existing
                .lines()
                .filter_map(|line| line.split_once('\t'))
                .map(|(name, ty)| (name.to_owned(), ty.replace("\\'", "'").replace("\\\\", "\\")))
                .collect();
            if existing.is_empty() {
                self.query(&ddl::create_event_table(dialect, &table.name, &ddl::event_table_columns(dialect, table)))?;
                changes.push(format!("created table {} ({} columns)", table.name, table.columns.len()));
                continue;
            }
            if let Some((missing, _)) = existing
                .iter()
                .find(|(name, _)| name != ROW_INDEX_COLUMN && !table.columns.iter().any(|column| column.name == *name))
            {
                return Err(StoreError(format!(
                    "table {} has a column {missing} that schemas/bundle.json no longer has; a collector never drops \
                     a column: use the archive this store was created from",
                    table.name
                )));
            }
            for column in &table.columns {
                let wanted = ddl::column_type(dialect, column);
                match existing.iter().find(|(name, _)| *name == column.name) {
                    None => {
                        if !column.nullable {
                            return Err(StoreError(format!(
                                "table {}: the new column {} is required, which is not a compatible change; a new \
                                 required field needs a new event version",
                                table.name, column.name
                            )));
                        }
                        self.query(&format!(
                            "ALTER TABLE {} ADD COLUMN {}",
                            quote_ident(&table.name),
                            ddl::column_definition(dialect, column)
                        ))?;
                        changes.push(format!("table {}: added column {}", table.name, column.name));
                    }
                    // A new variant or a wider count: ClickHouse changes an Enum's values in place, and refuses
                    // a change that would lose one.
                    Some((_, ty)) if *ty != wanted => {
                        self.query(&format!(
                            "ALTER TABLE {} MODIFY COLUMN {} {wanted}",
                            quote_ident(&table.name),
                            quote_ident(&column.name)
                        ))?;
                        changes.push(format!("table {}: column {} is now {wanted}", table.name, column.name));
                    }
                    Some(_) => {}
                }
            }
        }
        self.tables = model.tables.iter().map(|table| (quote_ident(&table.name), table.columns.clone())).collect();
        Ok(changes)
    }

    fn commit(&mut self, batches: &[PreparedBatch]) -> Result<Vec<CommitOutcome>, StoreError> {
        let ids: Vec<String> = batches
            .iter()
            .filter_map(|batch| batch.batch_id.as_deref())
            .map(|id| quote_text_in(Dialect::Clickhouse, id))
            .collect();
        // Which batches are stored (their `batches` row), and the received time of an earlier attempt of those
        // that are not: their rows are written with it, so they have the sorting key (and partition) of what a
        // failed attempt left, and collapse with it. One query for both.
        let mut stored_before: HashSet<String> = HashSet::new();
        let mut attempted: HashMap<String, i64> = HashMap::new();
        if !ids.is_empty() {
            let ids = ids.join(", ");
            let answer = self.query(&format!(
                "SELECT 'stored', batch_id, toUInt32(0) FROM {BATCHES_TABLE} WHERE batch_id IN ({ids}) UNION ALL \
                 SELECT 'attempted', batch_id, toUInt32(min(received_at)) FROM {ATTEMPTS_TABLE} WHERE batch_id IN \
                 ({ids}) GROUP BY batch_id FORMAT TabSeparated"
            ))?;
            for line in answer.lines() {
                let mut fields = line.split('\t');
                match (fields.next(), fields.next(), fields.next().and_then(|at| at.parse().ok())) {
                    (Some("stored"), Some(id), _) => {
                        stored_before.insert(id.to_owned());
                    }
                    (Some("attempted"), Some(id), Some(at)) => {
                        attempted.insert(id.to_owned(), at);
                    }
                    _ => {}
                }
            }
            // The batches never attempted are recorded before any of their rows is written.
            let mut first = String::new();
            let mut recorded: HashSet<&str> = HashSet::new();
            for batch in batches {
                if let Some(id) = batch.batch_id.as_deref()
                    && !stored_before.contains(id)
                    && !attempted.contains_key(id)
                    && recorded.insert(id)
                {
                    let _ =
                        writeln!(first, "{{\"batch_id\":{},\"received_at\":{}}}", json_string(id), batch.received_at);
                }
            }
            if !first.is_empty() {
                self.run(&format!("INSERT INTO {ATTEMPTS_TABLE} FORMAT JSONEachRow"), Some(first), true)?;
            }
        }
        let mut per_table: Vec<String> = vec![String::new(); self.tables.len()];
        let mut quarantine = String::new();
        let mut marks = String::new();
        let mut seen: HashSet<&str> = HashSet::new();
        let mut outcomes = Vec::with_capacity(batches.len());
        for batch in batches {
            if let Some(batch_id) = batch.batch_id.as_deref()
                && (stored_before.contains(batch_id) || !seen.insert(batch_id))
            {
                outcomes.push(CommitOutcome::Duplicate);
                continue;
            }
            let batch_id = batch.batch_id.as_deref().unwrap_or_default();
            let received_at = attempted.get(batch_id).copied().unwrap_or(batch.received_at);
            for (index, row) in batch.rows.iter().enumerate() {
                let (_, columns) =
                    self.tables.get(row.table).ok_or_else(|| StoreError("row for an unknown table".into()))?;
                let out = &mut per_table[row.table];
                out.push('{');
                for (column, value) in columns.iter().zip(&row.values) {
                    let _ = write!(out, "{}:", json_string(&column.name));
                    match (value, &column.ty) {
                        (SqlValue::Null, ColumnType::EnumSet(_)) => out.push_str("[]"),
                        (SqlValue::Null, _) => out.push_str("null"),
                        (SqlValue::Integer(_), _) if column.path.is_empty() && column.name == RECEIVED_AT_COLUMN => {
                            let _ = write!(out, "{received_at}");
                        }
                        (SqlValue::Integer(n), _) => {
                            let _ = write!(out, "{n}");
                        }
                        // A set is already a JSON array of variant names.
                        (SqlValue::Text(json), ColumnType::EnumSet(_)) => out.push_str(json),
                        (SqlValue::Text(text), _) => out.push_str(&json_string(text)),
                        (SqlValue::BatchId, _) => out.push_str(&json_string(batch_id)),
                    }
                    out.push(',');
                }
                let _ = writeln!(out, "\"{ROW_INDEX_COLUMN}\":{index}}}");
            }
            for (index, row) in batch.quarantine.iter().enumerate() {
                let line = serde_json::json!({
                    "received_at": received_at,
                    "batch_id": row.batch_id,
                    "event_index": row.event_index,
                    "event": row.event,
                    "reason": row.reason,
                    "problems": row.problems,
                    // Bytes that are not UTF-8 are kept with U+FFFD in their place (a String column holds bytes,
                    // but JSONEachRow carries text).
                    "body": String::from_utf8_lossy(&row.bytes),
                    "body_size": row.size,
                    "row_index": index,
                });
                let _ = writeln!(quarantine, "{line}");
            }
            if let Some(batch_id) = batch.batch_id.as_deref() {
                let _ = writeln!(
                    marks,
                    "{{\"batch_id\":{},\"received_at\":{},\"event_count\":{},\"stored_count\":{},\
                     \"quarantined_count\":{}}}",
                    json_string(batch_id),
                    received_at,
                    batch.event_count,
                    batch.rows.len(),
                    batch.quarantine.len()
                );
            }
            outcomes.push(CommitOutcome::Stored { stored: batch.rows.len(), quarantined: batch.quarantine.len() });
        }
        // The event tables' and the quarantine's inserts are independent: sent at once, one connection each, so
        // the group costs the slowest insert rather than their sum. Each is whole or refused (one part per
        // insert); if any fails, the group is answered 503 and no `batches` row is written, so the retry writes
        // the batch again and the sorting key collapses what the failed attempt left.
        let mut inserts: Vec<(String, String)> = self
            .tables
            .iter()
            .zip(per_table)
            .filter(|(_, rows)| !rows.is_empty())
            .map(|((name, _), rows)| (format!("INSERT INTO {name} FORMAT JSONEachRow"), rows))
            .collect();
        if !quarantine.is_empty() {
            inserts.push((format!("INSERT INTO {QUARANTINE_TABLE} FORMAT JSONEachRow"), quarantine));
        }
        let store = &*self;
        let results: Vec<Result<String, StoreError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = inserts
                .into_iter()
                .map(|(query, rows)| scope.spawn(move || store.run(&query, Some(rows), true)))
                .collect();
            handles
                .into_iter()
                .map(|handle| {
                    handle.join().unwrap_or_else(|_| Err(StoreError("clickhouse: an insert thread panicked".into())))
                })
                .collect()
        });
        for result in results {
            result?;
        }
        // Last: the mark that these batches are whole.
        if !marks.is_empty() {
            self.run(&format!("INSERT INTO {BATCHES_TABLE} FORMAT JSONEachRow"), Some(marks), true)?;
        }
        Ok(outcomes)
    }

    fn check(&mut self) -> Result<(), StoreError> {
        self.query("SELECT 1").map(drop)
    }
}

fn json_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}
