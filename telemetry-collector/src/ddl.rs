//! SQL for the [`Model`]: one generator, one [`Dialect`] per store.
//!
//! The collector runs it at start-up, and `telemetry-collector ddl --dialect sqlite|postgres|clickhouse` prints
//! it for a reviewer: what is printed is what is executed.
//!
//! - **SQLite**: `STRICT` tables, `CHECK` constraints for bools, bounds and enums, sets as a JSON array.
//! - **PostgreSQL**: `BOOLEAN`, `SMALLINT`/`INTEGER`/`BIGINT` by the count's bound with a `CHECK`, enums as `TEXT`
//!   with a named `CHECK` (widening a constraint is `DROP CONSTRAINT` + `ADD CONSTRAINT`, no table rewrite, and a
//!   `CHECK` needs no type of its own per enum to migrate), sets as `TEXT[]` with a `<@` check.
//! - **ClickHouse** (18.16 and later: no `Bool`, no `IF NOT EXISTS` on columns): `UInt8` for bools, `UInt8`..`UInt64`
//!   by the count's bound, `Enum8`/`Enum16` with the variant names, sets as `Array(Enum8(...))`, optional fields
//!   `Nullable` (an `Array` cannot be: an absent optional set is stored as an empty array, see
//!   docs/deployment.md). Event tables are `ReplacingMergeTree`, partitioned by month and ordered by
//!   `(received_at, install_id, batch_id, row_index)`: the usual queries (by day, by install) read a range, and a
//!   batch stored twice by two collectors at once (a client's retry racing its first attempt) has identical
//!   sorting keys, so its copies collapse at merge time and `FINAL` counts it once.

use std::fmt::Write as _;

use crate::model::{BATCH_ID_COLUMN, Column, ColumnType, EventTable, Model, RECEIVED_AT_COLUMN, sql_identifier};

/// The name of the table of batches: one row per stored batch, keyed by its `batch_id`.
pub const BATCHES_TABLE: &str = "batches";
/// The name of the table of rejected events and bodies.
pub const QUARANTINE_TABLE: &str = "quarantine";
/// The collector's own record of the column definitions of each event table, to migrate them.
pub const TABLES_TABLE: &str = "collector_tables";
/// ClickHouse only: the position of the row among the batch's stored events (or among its quarantined rows),
/// so that the copies of a batch stored twice have the same sorting key and collapse.
pub const ROW_INDEX_COLUMN: &str = "row_index";
/// ClickHouse only: the received time of each batch's first attempt, written before its rows, so a retry after a
/// failed attempt writes its rows with the same time (and so the same sorting key and partition) as the rows the
/// failed attempt left, and they collapse. One small row per batch, partitioned by month: months older than
/// clients retry (hours) can be dropped (`ALTER TABLE batch_attempts DROP PARTITION 202601`); the table has no TTL
/// because the ClickHouse of Debian's package does not parse one.
pub const ATTEMPTS_TABLE: &str = "batch_attempts";

/// An SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum Dialect {
    /// SQLite 3.37 or later (`STRICT` tables, `json_valid`).
    Sqlite,
    /// PostgreSQL 11 or later.
    Postgres,
    /// ClickHouse 18.16 or later (Debian's `clickhouse-server`), through its HTTP interface.
    Clickhouse,
}

/// `"name"`, with any `"` doubled.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'`, with any `'` doubled (and, for ClickHouse, which also reads backslash escapes, `\` doubled).
pub fn quote_text(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A string literal for `dialect`.
pub fn quote_text_in(dialect: Dialect, text: &str) -> String {
    match dialect {
        Dialect::Clickhouse => format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'")),
        Dialect::Sqlite | Dialect::Postgres => quote_text(text),
    }
}

/// The narrowest unsigned ClickHouse type that holds `max`.
fn clickhouse_uint(max: u64) -> &'static str {
    match max {
        0..=0xFF => "UInt8",
        0x100..=0xFFFF => "UInt16",
        0x1_0000..=0xFFFF_FFFF => "UInt32",
        _ => "UInt64",
    }
}

/// The narrowest signed PostgreSQL type that holds `max` (PostgreSQL has no unsigned integers).
fn postgres_int(max: u64) -> &'static str {
    match max {
        0..=0x7FFF => "SMALLINT",
        0x8000..=0x7FFF_FFFF => "INTEGER",
        _ => "BIGINT",
    }
}

/// `Enum8('a' = 1, 'b' = 2)`, or `Enum16` past 127 variants.
fn clickhouse_enum(variants: &[String]) -> String {
    let kind = if variants.len() <= 127 { "Enum8" } else { "Enum16" };
    let list: Vec<String> = variants
        .iter()
        .enumerate()
        .map(|(i, v)| format!("{} = {}", quote_text_in(Dialect::Clickhouse, v), i + 1))
        .collect();
    format!("{kind}({})", list.join(", "))
}

/// The column's type, without `NOT NULL` or constraint.
pub fn column_type(dialect: Dialect, column: &Column) -> String {
    match dialect {
        Dialect::Sqlite => match &column.ty {
            ColumnType::Bool | ColumnType::Integer { .. } => "INTEGER".into(),
            ColumnType::Text
            | ColumnType::Enum(_)
            | ColumnType::EnumSet(_)
            | ColumnType::Map(_)
            | ColumnType::Union(_) => "TEXT".into(),
        },
        Dialect::Postgres => match &column.ty {
            ColumnType::Bool => "BOOLEAN".into(),
            ColumnType::Integer { max, .. } => postgres_int(*max).into(),
            // A map is the JSON object as sent (TEXT, not JSONB: stored byte for byte, like the other stores).
            ColumnType::Text | ColumnType::Enum(_) | ColumnType::Map(_) | ColumnType::Union(_) => "TEXT".into(),
            ColumnType::EnumSet(_) => "TEXT[]".into(),
        },
        Dialect::Clickhouse => {
            let ty = match &column.ty {
                _ if column.name == RECEIVED_AT_COLUMN && column.path.is_empty() => "DateTime".to_owned(),
                ColumnType::Bool => "UInt8".into(),
                ColumnType::Integer { max, .. } => clickhouse_uint(*max).into(),
                ColumnType::Text | ColumnType::Map(_) | ColumnType::Union(_) => "String".into(),
                ColumnType::Enum(variants) => clickhouse_enum(variants),
                // An Array cannot be Nullable in ClickHouse.
                ColumnType::EnumSet(variants) => return format!("Array({})", clickhouse_enum(variants)),
            };
            if column.nullable { format!("Nullable({ty})") } else { ty }
        }
    }
}

/// The constraint a column's values obey (SQLite and PostgreSQL; ClickHouse's types are the constraint).
pub fn column_check(dialect: Dialect, column: &Column) -> Option<String> {
    let name = quote_ident(&column.name);
    match (dialect, &column.ty) {
        (Dialect::Clickhouse, _) | (Dialect::Postgres, ColumnType::Bool | ColumnType::Text) => None,
        (_, ColumnType::Text) => None,
        (Dialect::Sqlite, ColumnType::Bool) => Some(format!("{name} IN (0, 1)")),
        (_, ColumnType::Integer { values: Some(values), .. }) => {
            let list: Vec<String> = values.iter().map(u64::to_string).collect();
            Some(format!("{name} IN ({})", list.join(", ")))
        }
        // Signed 64-bit integers in both: a larger value is quarantined, never stored (see `ingest`).
        (_, ColumnType::Integer { max, values: None }) => {
            Some(format!("{name} BETWEEN 0 AND {}", (*max).min(i64::MAX as u64)))
        }
        (_, ColumnType::Enum(variants)) => {
            let list: Vec<String> = variants.iter().map(|v| quote_text(v)).collect();
            Some(format!("{name} IN ({})", list.join(", ")))
        }
        (Dialect::Sqlite, ColumnType::EnumSet(_)) => {
            Some(format!("json_valid({name}) AND json_type({name}) = 'array'"))
        }
        (Dialect::Sqlite, ColumnType::Map(_) | ColumnType::Union(_)) => {
            Some(format!("json_valid({name}) AND json_type({name}) = 'object'"))
        }
        (Dialect::Postgres, ColumnType::Map(_) | ColumnType::Union(_)) => {
            Some(format!("jsonb_typeof({name}::jsonb) = 'object'"))
        }
        (Dialect::Postgres, ColumnType::EnumSet(variants)) => {
            let list: Vec<String> = variants.iter().map(|v| quote_text(v)).collect();
            Some(format!("{name} <@ ARRAY[{}]::TEXT[]", list.join(", ")))
        }
    }
}

/// The name of a PostgreSQL column's constraint, so a migration can replace it: `<column>_values`, shortened like
/// every identifier ([`sql_identifier`]) so that PostgreSQL does not cut two of them to one name.
pub fn check_name(column: &Column) -> String {
    quote_ident(&sql_identifier(&format!("{}_values", column.name)))
}

/// One column's definition: name, type, `NOT NULL` and the constraint its values obey.
pub fn column_definition(dialect: Dialect, column: &Column) -> String {
    let name = quote_ident(&column.name);
    let ty = column_type(dialect, column);
    let mut definition = format!("{name} {ty}");
    if dialect != Dialect::Clickhouse && !column.nullable {
        definition.push_str(" NOT NULL");
    }
    if let Some(check) = column_check(dialect, column) {
        if dialect == Dialect::Postgres {
            let _ = write!(definition, " CONSTRAINT {}", check_name(column));
        }
        let _ = write!(definition, " CHECK ({check})");
    }
    definition
}

/// `CREATE TABLE` for an event table whose columns are `definitions` (from [`column_definition`], possibly in
/// the order an existing table has them).
pub fn create_event_table(dialect: Dialect, name: &str, definitions: &[String]) -> String {
    match dialect {
        Dialect::Sqlite => {
            format!("CREATE TABLE {} (\n    {}\n) STRICT", quote_ident(name), definitions.join(",\n    "))
        }
        Dialect::Postgres => {
            format!("CREATE TABLE IF NOT EXISTS {} (\n    {}\n)", quote_ident(name), definitions.join(",\n    "))
        }
        Dialect::Clickhouse => format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    {},\n    {ROW_INDEX_COLUMN} UInt32\n) ENGINE = \
             ReplacingMergeTree()\nPARTITION BY toYYYYMM({RECEIVED_AT_COLUMN})\nORDER BY ({RECEIVED_AT_COLUMN}, \
             install_id, {BATCH_ID_COLUMN}, {ROW_INDEX_COLUMN})",
            quote_ident(name),
            definitions.join(",\n    ")
        ),
    }
}

/// The column definitions of an event table, in model order.
pub fn event_table_columns(dialect: Dialect, table: &EventTable) -> Vec<String> {
    table.columns.iter().map(|column| column_definition(dialect, column)).collect()
}

/// The tables every store has besides the event tables.
pub fn fixed_tables(dialect: Dialect) -> Vec<String> {
    match dialect {
        Dialect::Sqlite => sqlite_fixed_tables(),
        Dialect::Postgres => vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {BATCHES_TABLE} (\n    \
                 batch_id TEXT PRIMARY KEY,\n    \
                 received_at BIGINT NOT NULL,\n    \
                 event_count INTEGER NOT NULL,\n    \
                 stored_count INTEGER NOT NULL,\n    \
                 quarantined_count INTEGER NOT NULL\n)"
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {QUARANTINE_TABLE} (\n    \
                 id BIGSERIAL PRIMARY KEY,\n    \
                 received_at BIGINT NOT NULL,\n    \
                 batch_id TEXT,\n    \
                 event_index INTEGER,\n    \
                 event TEXT,\n    \
                 reason TEXT NOT NULL,\n    \
                 problems TEXT NOT NULL,\n    \
                 body BYTEA NOT NULL,\n    \
                 body_size BIGINT NOT NULL\n)"
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {TABLES_TABLE} (\n    \
                 name TEXT PRIMARY KEY,\n    \
                 event TEXT NOT NULL,\n    \
                 version INTEGER NOT NULL,\n    \
                 columns JSONB NOT NULL\n)"
            ),
        ],
        // ClickHouse has no unique key: `batches` collapses by batch_id at merge time (FINAL reads it merged);
        // the collector looks a batch up before inserting it, and writes its `batches` row last, as the mark
        // that the batch is whole. `quarantine` collapses the same way: a row's key is the batch, its place among the
        // batch's quarantined rows and a hash of its bytes, so a retried group writes nothing twice (two identical
        // bodies that are not batches, received in the same period, are one row). A retry has the received time of
        // the batch's first attempt (`batch_attempts`), so its rows have the keys of what a failed attempt left. Its event tables' columns are read from `system.columns`, so no
        // `collector_tables`.
        Dialect::Clickhouse => vec![
            format!(
                "CREATE TABLE IF NOT EXISTS {BATCHES_TABLE} (\n    \
                 batch_id String,\n    \
                 received_at DateTime,\n    \
                 event_count UInt32,\n    \
                 stored_count UInt32,\n    \
                 quarantined_count UInt32\n) ENGINE = ReplacingMergeTree()\nORDER BY batch_id"
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {ATTEMPTS_TABLE} (\n    \
                 batch_id String,\n    \
                 received_at DateTime\n) ENGINE = MergeTree()\nPARTITION BY toYYYYMM(received_at)\nORDER BY batch_id"
            ),
            format!(
                "CREATE TABLE IF NOT EXISTS {QUARANTINE_TABLE} (\n    \
                 received_at DateTime,\n    \
                 batch_id Nullable(String),\n    \
                 event_index Nullable(UInt32),\n    \
                 event Nullable(String),\n    \
                 reason String,\n    \
                 problems String,\n    \
                 body String,\n    \
                 body_size UInt64,\n    \
                 {ROW_INDEX_COLUMN} UInt32\n) ENGINE = ReplacingMergeTree()\nPARTITION BY toYYYYMM(received_at)\n\
                 ORDER BY (received_at, reason, ifNull(batch_id, ''), {ROW_INDEX_COLUMN}, cityHash64(body))"
            ),
        ],
    }
}

fn sqlite_fixed_tables() -> Vec<String> {
    vec![
        format!(
            "CREATE TABLE IF NOT EXISTS {BATCHES_TABLE} (\n    \
             batch_id TEXT PRIMARY KEY NOT NULL,\n    \
             received_at INTEGER NOT NULL,\n    \
             event_count INTEGER NOT NULL,\n    \
             stored_count INTEGER NOT NULL,\n    \
             quarantined_count INTEGER NOT NULL\n) STRICT, WITHOUT ROWID"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {QUARANTINE_TABLE} (\n    \
             id INTEGER PRIMARY KEY,\n    \
             received_at INTEGER NOT NULL,\n    \
             batch_id TEXT,\n    \
             event_index INTEGER,\n    \
             event TEXT,\n    \
             reason TEXT NOT NULL,\n    \
             problems TEXT NOT NULL CHECK (json_valid(problems)),\n    \
             body BLOB NOT NULL,\n    \
             body_size INTEGER NOT NULL\n) STRICT"
        ),
        format!(
            "CREATE TABLE IF NOT EXISTS {TABLES_TABLE} (\n    \
             name TEXT PRIMARY KEY NOT NULL,\n    \
             event TEXT NOT NULL,\n    \
             version INTEGER NOT NULL,\n    \
             columns TEXT NOT NULL CHECK (json_valid(columns))\n) STRICT"
        ),
    ]
}

/// Everything, as a reviewer reads it: the fixed tables, then one `CREATE TABLE` per event version with its
/// description as a comment.
pub fn render(dialect: Dialect, model: &Model) -> String {
    let mut out = String::new();
    for statement in fixed_tables(dialect) {
        let _ = writeln!(out, "{statement};\n");
    }
    for table in &model.tables {
        for line in table.doc.lines() {
            let _ = writeln!(out, "-- {line}");
        }
        let _ = writeln!(out, "{};\n", create_event_table(dialect, &table.name, &event_table_columns(dialect, table)));
    }
    out
}
