//! Where batches go: one [`Store`] trait, one module per store.
//!
//! A store is driven by a single writer thread ([`crate::writer`]), which hands it a group of batches to
//! commit in one transaction. The answer to each request waits for that commit, so whatever the store
//! acknowledged survives the collector's crash; a store that fails makes every request of the group answer 503.

use std::fmt;

use crate::model::Model;

pub mod clickhouse;
pub mod postgres;
pub mod sqlite;

/// A value for one column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqlValue {
    /// The field was absent (an optional field, or inside an absent group).
    Null,
    /// A bool (0 or 1) or a count.
    Integer(i64),
    /// A version, id, enum variant, or a set as a JSON array.
    Text(String),
    /// The batch's id ([`PreparedBatch::batch_id`]), bound by the store: one string per batch, not per row.
    BatchId,
}

/// One valid event, ready to insert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// The index of its table in [`Model::tables`].
    pub table: usize,
    /// One value per column of that table, in model order, `batch_id` and `received_at` included.
    pub values: Vec<SqlValue>,
}

/// One rejected event, or one whole body that is not a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarantineRow {
    /// The batch's id, when the body was a batch.
    pub batch_id: Option<String>,
    /// The event's index in the batch, for a rejected event.
    pub event_index: Option<u32>,
    /// The envelope's `event`, when it was a string (capped in length).
    pub event: Option<String>,
    /// Why, as one word ([`crate::validate::Reason::label`]).
    pub reason: &'static str,
    /// The problems, as a JSON array of `{"pointer", "kind", "expected"}`.
    pub problems: String,
    /// The bytes (the envelope, or the decompressed body), cut at the quarantine limit.
    pub bytes: Vec<u8>,
    /// The size before the cut.
    pub size: usize,
}

/// Everything one request stores, in one transaction.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PreparedBatch {
    /// The batch's id; `None` for a body that is not a batch (its only row is in `quarantine`).
    pub batch_id: Option<String>,
    /// The rounded received time, Unix seconds.
    pub received_at: i64,
    /// How many envelopes the batch held.
    pub event_count: usize,
    /// The valid events.
    pub rows: Vec<EventRow>,
    /// The rejected events, or the body.
    pub quarantine: Vec<QuarantineRow>,
}

/// What a commit did with one batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommitOutcome {
    /// Stored: so many events in their tables, so many in quarantine.
    Stored {
        /// Rows in event tables.
        stored: usize,
        /// Rows in `quarantine`.
        quarantined: usize,
    },
    /// A batch with this `batch_id` was stored before; nothing was written.
    Duplicate,
}

/// The store failed; the request is answered 503 and the client retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreError(pub String);

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

/// A store of batches. Implementations are driven by one thread at a time.
pub trait Store: Send {
    /// Creates the fixed tables and one table per event version of `model`, and migrates existing ones: a new
    /// field adds a column, a new variant widens a constraint, nothing is dropped. Returns what it changed, one
    /// line each.
    ///
    /// # Errors
    /// When the store fails, or an existing table has a column the model does not know (a database written
    /// from another archive).
    fn migrate(&mut self, model: &Model) -> Result<Vec<String>, StoreError>;

    /// Commits `batches` in one transaction: a batch whose `batch_id` is already stored is skipped
    /// ([`CommitOutcome::Duplicate`]); otherwise its `batches` row, events and quarantine rows are written. On
    /// `Ok`, everything is durable.
    ///
    /// # Errors
    /// When the transaction could not commit; nothing of the group is stored then.
    fn commit(&mut self, batches: &[PreparedBatch]) -> Result<Vec<CommitOutcome>, StoreError>;

    /// A cheap round trip, for `/healthz` after a failure.
    ///
    /// # Errors
    /// When the store cannot be reached.
    fn check(&mut self) -> Result<(), StoreError>;
}

/// Quarantines an event the table refused: its values as JSON (the envelope's bytes are not kept past
/// validation), and the store's message.
pub(crate) fn store_refused(batch: &PreparedBatch, row: &EventRow, message: String) -> QuarantineRow {
    let values: Vec<serde_json::Value> = row
        .values
        .iter()
        .map(|value| match value {
            SqlValue::Null => serde_json::Value::Null,
            SqlValue::Integer(n) => (*n).into(),
            SqlValue::Text(text) => text.clone().into(),
            SqlValue::BatchId => batch.batch_id.clone().into(),
        })
        .collect();
    let bytes = serde_json::to_vec(&values).unwrap_or_default();
    let problems = serde_json::json!([{"pointer": "", "kind": "store_rejected", "expected": message}]).to_string();
    QuarantineRow {
        batch_id: batch.batch_id.clone(),
        event_index: None,
        event: None,
        reason: crate::validate::Reason::StoreRejected.label(),
        problems,
        size: bytes.len(),
        bytes,
    }
}

/// Where to store, parsed from `--store`. Its `Debug` hides a password in the URL.
#[derive(Clone, PartialEq, Eq)]
pub enum StoreUrl {
    /// `sqlite:PATH`: an SQLite file, created when missing.
    Sqlite(std::path::PathBuf),
    /// `postgres://user:password@host:port/database` (or `postgresql://`): a PostgreSQL database.
    Postgres(String),
    /// `clickhouse+http://host:port/database`: a ClickHouse database through its HTTP interface.
    Clickhouse(String),
}

impl fmt::Debug for StoreUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => f.debug_tuple("Sqlite").field(path).finish(),
            Self::Postgres(url) => f.debug_tuple("Postgres").field(&postgres::redact(url)).finish(),
            Self::Clickhouse(url) => f.debug_tuple("Clickhouse").field(url).finish(),
        }
    }
}

impl StoreUrl {
    /// The SQL dialect of this store.
    pub fn dialect(&self) -> crate::ddl::Dialect {
        match self {
            Self::Sqlite(_) => crate::ddl::Dialect::Sqlite,
            Self::Postgres(_) => crate::ddl::Dialect::Postgres,
            Self::Clickhouse(_) => crate::ddl::Dialect::Clickhouse,
        }
    }
}

impl std::str::FromStr for StoreUrl {
    type Err = String;

    fn from_str(url: &str) -> Result<Self, String> {
        if let Some(path) = url.strip_prefix("sqlite:") {
            let path = path.strip_prefix("//").unwrap_or(path);
            if path.is_empty() {
                return Err("`sqlite:` needs a file path, e.g. `sqlite:telemetry.db`".into());
            }
            return Ok(Self::Sqlite(path.into()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        if url.starts_with("clickhouse+http://") {
            return Ok(Self::Clickhouse(url.to_owned()));
        }
        Err("unsupported store: use `sqlite:PATH`, `postgres://user@host:port/database` or \
             `clickhouse+http://host:port/database`"
            .into())
    }
}
