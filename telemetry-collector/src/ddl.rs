//! SQL for the [`Model`]: one generator, one [`Dialect`] per store.
//!
//! The collector runs it at start-up, and `telemetry-collector ddl --dialect sqlite` prints it for a reviewer.
//! Only SQLite exists so far; PostgreSQL and ClickHouse are further arms of [`Dialect`] over the same model.

use std::fmt::Write as _;

use crate::model::{Column, ColumnType, EventTable, Model};

/// The name of the table of batches: one row per stored batch, keyed by its `batch_id`.
pub const BATCHES_TABLE: &str = "batches";
/// The name of the table of rejected events and bodies.
pub const QUARANTINE_TABLE: &str = "quarantine";
/// The collector's own record of the column definitions of each event table, to migrate them.
pub const TABLES_TABLE: &str = "collector_tables";

/// An SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
#[non_exhaustive]
pub enum Dialect {
    /// SQLite 3.37 or later (`STRICT` tables, `json_valid`).
    Sqlite,
}

/// `"name"`, with any `"` doubled.
pub fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// `'text'`, with any `'` doubled.
pub fn quote_text(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// One column's definition: name, type, `NOT NULL` and the constraint its values obey.
pub fn column_definition(dialect: Dialect, column: &Column) -> String {
    let Dialect::Sqlite = dialect;
    let name = quote_ident(&column.name);
    let (ty, check) = match &column.ty {
        ColumnType::Bool => ("INTEGER", Some(format!("{name} IN (0, 1)"))),
        ColumnType::Integer { values: Some(values), .. } => {
            let list: Vec<String> = values.iter().map(u64::to_string).collect();
            ("INTEGER", Some(format!("{name} IN ({})", list.join(", "))))
        }
        // SQLite's integers are signed 64-bit: a larger value is quarantined, never stored (see `ingest`).
        ColumnType::Integer { max, values: None } => {
            ("INTEGER", Some(format!("{name} BETWEEN 0 AND {}", (*max).min(i64::MAX as u64))))
        }
        ColumnType::Text => ("TEXT", None),
        ColumnType::Enum(variants) => {
            let list: Vec<String> = variants.iter().map(|v| quote_text(v)).collect();
            ("TEXT", Some(format!("{name} IN ({})", list.join(", "))))
        }
        ColumnType::EnumSet(_) => ("TEXT", Some(format!("json_valid({name}) AND json_type({name}) = 'array'"))),
    };
    let mut definition = format!("{name} {ty}");
    if !column.nullable {
        definition.push_str(" NOT NULL");
    }
    if let Some(check) = check {
        let _ = write!(definition, " CHECK ({check})");
    }
    definition
}

/// `CREATE TABLE` for an event table whose columns are `definitions` (from [`column_definition`], possibly in
/// the order an existing table has them).
pub fn create_event_table(dialect: Dialect, name: &str, definitions: &[String]) -> String {
    let Dialect::Sqlite = dialect;
    format!("CREATE TABLE {} (\n    {}\n) STRICT", quote_ident(name), definitions.join(",\n    "))
}

/// The column definitions of an event table, in model order.
pub fn event_table_columns(dialect: Dialect, table: &EventTable) -> Vec<String> {
    table.columns.iter().map(|column| column_definition(dialect, column)).collect()
}

/// The tables every store has besides the event tables.
pub fn fixed_tables(dialect: Dialect) -> Vec<String> {
    let Dialect::Sqlite = dialect;
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
