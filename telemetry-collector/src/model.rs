//! The storage model: one table per event and version, one typed column per envelope and payload field, read
//! from `bundle.json` alone.
//!
//! The bundle is what the collector enforces, and it holds every archived version the collector accepts (the
//! catalog describes only the events of the current code), so the tables are computed from it: what is accepted
//! and what can be stored cannot disagree. Groups are flattened (`features.passkey` → `features_passkey`), sets
//! become a JSON array of variant names, enums keep their variant names and their list of values (the DDL turns it
//! into a constraint), and a field is nullable when it, or a group around it, is optional.
//!
//! The model is dialect-free; [`crate::ddl`] writes it as SQL for a store.

use std::collections::BTreeMap;
use std::fmt;

use serde_json::{Map, Value};

/// Columns every event table has before its envelope and payload columns.
pub const BATCH_ID_COLUMN: &str = "batch_id";
/// The received time, rounded (see `--time-granularity`), in Unix seconds.
pub const RECEIVED_AT_COLUMN: &str = "received_at";

/// The envelope keys that are not columns: the table itself says which event and version a row is, and the
/// payload's fields are columns of their own.
const ENVELOPE_KEYS_NOT_COLUMNS: [&str; 3] = ["event", "schema_version", "payload"];

/// Every table the bundle asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Model {
    /// Sorted by event name, then version.
    pub tables: Vec<EventTable>,
}

/// The table of one event version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTable {
    /// The event's name as sent, e.g. `CLI_COMMAND`.
    pub event: String,
    /// The schema version.
    pub version: u32,
    /// The table's name: the event's name in lower case and `_v<N>`, e.g. `cli_command_v1` ([`table_name`]).
    pub name: String,
    /// The event's description, for the DDL's comment.
    pub doc: String,
    /// In table order: `batch_id`, `received_at`, the envelope's columns, then the payload's.
    pub columns: Vec<Column>,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// The column's name: the path's keys joined with `_`, without the `payload` prefix (`context_os`,
    /// `features_passkey`, `command`) unless the name is a collector's or envelope's column
    /// (`payload_session_id`), shortened by [`sql_identifier`] past 63 bytes.
    pub name: String,
    /// Where the value is in the envelope, e.g. `["context", "os"]` or `["payload", "command"]`. Empty for the
    /// two columns the collector fills (`batch_id`, `received_at`).
    pub path: Vec<String>,
    /// What it holds.
    pub ty: ColumnType,
    /// Whether the value may be missing (an optional field, or inside an optional group).
    pub nullable: bool,
}

/// What a column holds. Each maps to one SQL type and constraint per dialect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnType {
    /// `true` or `false`.
    Bool,
    /// A whole number from 0 to `max`; `values`, when the schema lists them (bucketed counts), are the only ones
    /// allowed.
    Integer {
        /// The largest value the schema allows.
        max: u64,
        /// The only values allowed, when the schema says so.
        values: Option<Vec<u64>>,
    },
    /// A string the schema bounds by a pattern (versions, anonymous ids, the SDK name).
    Text,
    /// One of the variant names.
    Enum(Vec<String>),
    /// A set of variant names, stored as a JSON array in the order sent.
    EnumSet(Vec<String>),
    /// A map keyed by variant names (these), stored as the JSON object sent.
    Map(Vec<String>),
    /// One case of a tagged union (these are the case names), stored as the JSON object sent.
    Union(Vec<String>),
}

/// The bundle does not have the layout the collector stores.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError(pub String);

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot derive tables from the bundle: {}", self.0)
    }
}

impl std::error::Error for ModelError {}

/// Prefix of the table of an event whose name starts with `sqlite_` in any case: SQLite keeps such table names
/// for itself. Every dialect uses the same name, so a report or a query reads one name in every store.
pub const RESERVED_TABLE_PREFIX: &str = "event_";

/// Prefix of a payload column whose name is one the table already has for itself: [`BATCH_ID_COLUMN`],
/// [`RECEIVED_AT_COLUMN`], ClickHouse's [`crate::ddl::ROW_INDEX_COLUMN`], or an envelope column (`sdk_version`,
/// `context_os`, ...). Every other payload column is named by its path alone, so the tables of stores that
/// exist keep their names.
pub const RESERVED_COLUMN_PREFIX: &str = "payload_";

/// The table name of an event version: `CLI_COMMAND`, 1 → `cli_command_v1`; `cli.start`, 1 → `cli.start_v1`;
/// `SQLITE_QUERY`, 1 → `event_sqlite_query_v1` ([`RESERVED_TABLE_PREFIX`]). The event name is kept as it is but
/// for case (an event name has no `"`, and every statement quotes table names), so distinct names give distinct
/// tables (`cli.start` and `cli_start` too) except for case and the prefix, which [`Model::from_bundle`] refuses.
/// A name longer than [`MAX_IDENTIFIER_LEN`] is shortened by [`sql_identifier`].
pub fn table_name(event: &str, version: u32) -> String {
    let name = event.to_ascii_lowercase();
    let prefix = if name.starts_with("sqlite_") { RESERVED_TABLE_PREFIX } else { "" };
    sql_identifier(&format!("{prefix}{name}_v{version}"))
}

/// The longest identifier every store keeps whole: PostgreSQL silently cuts an identifier to its first 63 bytes
/// (`NAMEDATALEN` − 1), so two names that differ only past byte 63 would name one table, column or constraint there.
pub const MAX_IDENTIFIER_LEN: usize = 63;

/// `name` itself when it has at most [`MAX_IDENTIFIER_LEN`] bytes; otherwise its first 46 bytes (fewer, to end on
/// a character boundary), `_` and 16 hex digits of a hash of the whole name: at most 63 bytes, the same on every
/// machine and in every store, and distinct for names that differ anywhere (`<60 bytes>_v1` and `<60 bytes>_v10`,
/// two 64-byte field names that differ in the last byte). Every table, column and constraint name goes through it,
/// and [`Model::from_bundle`] still refuses two columns or tables that end up with the same name.
pub fn sql_identifier(name: &str) -> String {
    if name.len() <= MAX_IDENTIFIER_LEN {
        return name.to_owned();
    }
    let mut keep = MAX_IDENTIFIER_LEN - 17;
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}_{:016x}", &name[..keep], fnv1a(name.as_bytes()))
}

/// 64-bit FNV-1a: fixed by its definition (unlike `std`'s hashers), so a shortened name never changes between
/// builds or machines.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

impl Model {
    /// Reads the tables from a parsed `bundle.json`.
    ///
    /// # Errors
    /// When the bundle lacks `$defs/envelope`, a `$defs` key is not `<EVENT>.v<N>`, a property has a shape
    /// the toolkit never writes, or two fields flatten to the same column name.
    pub fn from_bundle(bundle: &Value) -> Result<Self, ModelError> {
        let defs =
            bundle.get("$defs").and_then(Value::as_object).ok_or_else(|| ModelError("no \"$defs\" object".into()))?;
        let envelope = defs.get("envelope").ok_or_else(|| ModelError("no \"$defs/envelope\"".into()))?;
        let mut envelope_columns = Vec::new();
        let mut properties = Flattener { resource: envelope, resource_key: "envelope", columns: &mut envelope_columns };
        properties.object(envelope, &[], false, &ENVELOPE_KEYS_NOT_COLUMNS)?;

        let mut tables = Vec::new();
        for (key, schema) in defs {
            if key == "envelope" {
                continue;
            }
            let (event, version) = parse_def_key(key)
                .ok_or_else(|| ModelError(format!("\"$defs/{key}\" is not an event key like \"CLI_COMMAND.v1\"")))?;
            let mut columns = vec![
                Column { name: BATCH_ID_COLUMN.into(), path: Vec::new(), ty: ColumnType::Text, nullable: false },
                Column {
                    name: RECEIVED_AT_COLUMN.into(),
                    path: Vec::new(),
                    ty: ColumnType::Integer { max: i64::MAX as u64, values: None },
                    nullable: false,
                },
            ];
            columns.extend(envelope_columns.iter().cloned());
            let own = columns.len();
            let mut payload = Flattener { resource: schema, resource_key: key, columns: &mut columns };
            payload.object(schema, &["payload".to_owned()], false, &[])?;
            // A payload column named like one of the table's own (the collector's, ClickHouse's `row_index`, the
            // envelope's) gets `payload_` in front, the same in every dialect; a field named `payload_...` that
            // then meets it is refused below like any other pair of fields that share a column.
            let reserved: Vec<String> = columns[..own]
                .iter()
                .map(|column| column.name.to_ascii_lowercase())
                .chain([crate::ddl::ROW_INDEX_COLUMN.to_owned()])
                .collect();
            for column in &mut columns[own..] {
                if reserved.contains(&column.name.to_ascii_lowercase()) {
                    column.name = sql_identifier(&format!("{RESERVED_COLUMN_PREFIX}{}", column.name));
                }
            }
            // Compared in lower case: SQLite (and unquoted SQL anywhere) does not tell `is_ci` from `Is_Ci`.
            let mut seen = BTreeMap::new();
            for column in &columns {
                if let Some((other_name, other)) =
                    seen.insert(column.name.to_ascii_lowercase(), (column.name.as_str(), &column.path))
                {
                    let named = if other_name == column.name {
                        format!("a column named {:?}", column.name)
                    } else {
                        format!("one column ({other_name:?} and {:?} differ only in case)", column.name)
                    };
                    return Err(ModelError(format!(
                        "in {key}, {} and {} are both stored in {named}; rename one of the fields",
                        display_path(other),
                        display_path(&column.path),
                    )));
                }
            }
            let doc = schema.get("description").and_then(Value::as_str).unwrap_or_default().to_owned();
            tables.push(EventTable {
                name: table_name(event, version),
                event: event.to_owned(),
                version,
                doc,
                columns,
            });
        }
        tables.sort_by(|a, b| (a.event.as_str(), a.version).cmp(&(b.event.as_str(), b.version)));
        // Table names are lower case: events whose names differ only in case (`CLI_COMMAND`, `Cli_Command`) would
        // share one table. docs-gen refuses such names; a bundle that archives both is refused here.
        let mut by_name: BTreeMap<&str, &EventTable> = BTreeMap::new();
        for table in &tables {
            if let Some(other) = by_name.insert(table.name.as_str(), table) {
                return Err(ModelError(format!(
                    "events {:?} and {:?} (version {}) would both be stored in the table {:?}: table names are in \
                     lower case, and those of events named sqlite_... start with \"{RESERVED_TABLE_PREFIX}\"; rename \
                     one of the events",
                    other.event, table.event, table.version, table.name
                )));
            }
        }
        Ok(Self { tables })
    }

    /// The table of an event version, if the bundle has it.
    pub fn table(&self, event: &str, version: u32) -> Option<(usize, &EventTable)> {
        self.tables.iter().enumerate().find(|(_, table)| table.event == event && table.version == version)
    }
}

fn display_path(path: &[String]) -> String {
    if path.is_empty() { "the collector's own column".into() } else { format!("/{}", path.join("/")) }
}

/// `<EVENT>.v<N>` → (`EVENT`, N), only in the canonical form docs-gen writes, with an event name the toolkit
/// accepts (`cli.start` as well as `CLI_COMMAND`): exactly what the validator built from the same bundle accepts.
fn parse_def_key(key: &str) -> Option<(&str, u32)> {
    telemetry_validator::parse_bundle_def_key(key)
}

/// Walks one schema resource (the envelope, or one event version), whose `#/$defs/...` references resolve
/// inside it.
struct Flattener<'a> {
    resource: &'a Value,
    resource_key: &'a str,
    columns: &'a mut Vec<Column>,
}

impl Flattener<'_> {
    fn error(&self, path: &[String], what: &str) -> ModelError {
        ModelError(format!("{} at /{}: {what}", self.resource_key, path.join("/")))
    }

    /// Follows a local `$ref` (`#/$defs/Name`); a copy, as this runs once at start-up.
    fn resolve(&self, schema: &Value, path: &[String]) -> Result<Value, ModelError> {
        let Some(reference) = schema.get("$ref") else {
            return Ok(schema.clone());
        };
        let name = reference
            .as_str()
            .and_then(|r| r.strip_prefix("#/$defs/"))
            .ok_or_else(|| self.error(path, "a \"$ref\" that is not \"#/$defs/<name>\""))?;
        self.resource
            .get("$defs")
            .and_then(|defs| defs.get(name))
            .cloned()
            .ok_or_else(|| self.error(path, &format!("\"$ref\" to a missing \"#/$defs/{name}\"")))
    }

    fn object(&mut self, schema: &Value, path: &[String], nullable: bool, skip: &[&str]) -> Result<(), ModelError> {
        let properties: &Map<String, Value> = schema
            .get("properties")
            .and_then(Value::as_object)
            .ok_or_else(|| self.error(path, "an object schema without \"properties\""))?;
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|names| names.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        // serde_json's map is sorted by key, so columns come in name order: deterministic.
        for (key, property) in properties {
            if path.is_empty() && skip.contains(&key.as_str()) {
                continue;
            }
            let mut child = path.to_vec();
            child.push(key.clone());
            let nullable = nullable || !required.contains(&key.as_str());
            self.property(property, child, nullable)?;
        }
        Ok(())
    }

    fn property(&mut self, property: &Value, path: Vec<String>, nullable: bool) -> Result<(), ModelError> {
        let schema = self.resolve(property, &path)?;
        let union = schema.get("type").and_then(Value::as_str) == Some("object");
        let ty = if let (true, Some(cases)) = (union, schema.get("oneOf").and_then(Value::as_array)) {
            // A tagged union: one column holding the object; the case names are each branch's tag `const`.
            let names = cases
                .iter()
                .map(|case| case.pointer("/properties/kind/const").and_then(Value::as_str).map(str::to_owned))
                .collect::<Option<Vec<String>>>()
                .ok_or_else(|| self.error(&path, "a \"oneOf\" of objects without a \"kind\" constant each"))?;
            ColumnType::Union(names)
        } else if let Some(variants) = schema.get("oneOf").and_then(Value::as_array) {
            ColumnType::Enum(self.consts(variants, &path)?)
        } else if schema.get("const").is_some_and(Value::is_string) {
            ColumnType::Text
        } else {
            match schema.get("type").and_then(Value::as_str) {
                Some("boolean") => ColumnType::Bool,
                Some("integer") => {
                    let max = schema.get("maximum").and_then(Value::as_u64).unwrap_or(u64::MAX);
                    let values =
                        match schema.get("enum").and_then(Value::as_array) {
                            Some(values) => {
                                Some(values.iter().map(Value::as_u64).collect::<Option<Vec<u64>>>().ok_or_else(
                                    || self.error(&path, "an integer \"enum\" with a value that is not one"),
                                )?)
                            }
                            None => None,
                        };
                    ColumnType::Integer { max, values }
                }
                Some("string") => ColumnType::Text,
                Some("array") => {
                    let items = schema.get("items").ok_or_else(|| self.error(&path, "an array without \"items\""))?;
                    let items = self.resolve(items, &path)?;
                    let variants = items
                        .get("oneOf")
                        .and_then(Value::as_array)
                        .ok_or_else(|| self.error(&path, "an array whose items are not an enum"))?;
                    ColumnType::EnumSet(self.consts(variants, &path)?)
                }
                // A map keyed by an enum: one column holding the object (its keys are not known in advance).
                Some("object") if schema.get("propertyNames").is_some() && schema.get("properties").is_none() => {
                    let keys = self.resolve(&schema["propertyNames"], &path)?;
                    let variants = keys
                        .get("oneOf")
                        .and_then(Value::as_array)
                        .ok_or_else(|| self.error(&path, "a map whose keys are not an enum"))?;
                    ColumnType::Map(self.consts(variants, &path)?)
                }
                Some("object") => return self.object(&schema, &path, nullable, &[]),
                _ => return Err(self.error(&path, "a property schema the toolkit never writes")),
            }
        };
        let name = sql_identifier(&match path.split_first() {
            Some((first, rest)) if first == "payload" && !rest.is_empty() => rest.join("_"),
            _ => path.join("_"),
        });
        self.columns.push(Column { name, path, ty, nullable });
        Ok(())
    }

    fn consts(&self, variants: &[Value], path: &[String]) -> Result<Vec<String>, ModelError> {
        variants
            .iter()
            .map(|variant| variant.get("const").and_then(Value::as_str).map(str::to_owned))
            .collect::<Option<Vec<String>>>()
            .ok_or_else(|| self.error(path, "a \"oneOf\" whose branches are not string constants"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_up_to_63_bytes_are_kept_and_longer_ones_shortened_the_same_way_everywhere() {
        let short = "x".repeat(MAX_IDENTIFIER_LEN);
        assert_eq!(sql_identifier(&short), short);
        let long = format!("{}1", "y".repeat(63));
        let shortened = sql_identifier(&long);
        assert_eq!(shortened.len(), MAX_IDENTIFIER_LEN);
        assert!(shortened.starts_with(&long[..46]), "{shortened}");
        // Pinned: a store created on one machine is found by a collector built on another.
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_ne!(sql_identifier(&format!("{}2", "y".repeat(63))), shortened);
        // A multi-byte character across the cut is kept whole or left out, never split.
        let accented = format!("{}é{}", "a".repeat(45), "b".repeat(30));
        assert!(sql_identifier(&accented).len() <= MAX_IDENTIFIER_LEN);
    }
}
