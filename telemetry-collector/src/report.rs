//! `telemetry-collector report`: what the store holds, for the people who own the telemetry.
//!
//! Each event table is read once: the server stores (PostgreSQL, ClickHouse) aggregate it in one query with
//! conditional aggregation (one column per enum variant, set element, bool, small count's value and bucket
//! threshold, grouped by day) plus one for its text columns (versions), and one query over every table counts
//! the installs; the embedded store (SQLite, in this process) is scanned once per table and counted here as the
//! rows are read. So the report costs about two scans per table whatever the number of charts (docs/PERFORMANCE.md
//! times it over a million events). The charts are generated from
//! the bundle (each field's description is its chart's caption): inline SVG, no JavaScript, no external
//! resource, readable on a phone and printable.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

use serde_json::Value;

use crate::ddl::{Dialect, quote_ident, quote_text_in};
use crate::model::{Column, ColumnType, EventTable, Model};
use crate::store::StoreUrl;

/// A read-only connection that answers SQL with rows of text.
pub trait Query {
    /// The dialect the SQL must be written in.
    fn dialect(&self) -> Dialect;
    /// Runs `sql`; each row as text (`None` for NULL).
    ///
    /// # Errors
    /// When the store fails.
    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, String>;

    /// Runs `sql` and hands each row to `row` as it is read. The default collects [`Query::rows`] first; the
    /// embedded store streams.
    ///
    /// # Errors
    /// When the store fails.
    fn scan(&mut self, sql: &str, row: &mut dyn FnMut(&[Cell<'_>])) -> Result<(), String> {
        for values in self.rows(sql)? {
            let cells: Vec<Cell<'_>> = values.iter().map(|v| v.as_deref().map_or(Cell::Null, Cell::Text)).collect();
            row(&cells);
        }
        Ok(())
    }
}

/// Opens `url` for reading.
///
/// # Errors
/// When it cannot be reached.
pub fn connect(url: &StoreUrl) -> Result<Box<dyn Query + Send>, String> {
    Ok(match url {
        StoreUrl::Sqlite(path) => {
            let conn = rusqlite::Connection::open_with_flags(
                path,
                // One thread uses the connection: no mutex around every column read (15 % of a scan's time).
                rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|error| format!("cannot open {}: {error}", path.display()))?;
            Box::new(SqliteQuery(conn))
        }
        StoreUrl::Postgres(url) => {
            let config: postgres::Config = url.parse().map_err(|error| format!("--store: {error}"))?;
            let mut client = config.connect(postgres::NoTls).map_err(|error| format!("postgres: {error}"))?;
            // The report's queries have a hundred aggregates each: compiling them (PostgreSQL's JIT, on by default
            // where it is installed) took as long as running them over a million rows. A server without JIT
            // refuses the setting: that is fine too.
            let _ = client.batch_execute("SET jit = off");
            Box::new(PostgresQuery(client))
        }
        StoreUrl::Clickhouse(url) => {
            Box::new(ClickhouseQuery(crate::store::clickhouse::ClickhouseStore::new(url).map_err(|e| e.0)?))
        }
    })
}

struct SqliteQuery(rusqlite::Connection);

impl Query for SqliteQuery {
    fn dialect(&self) -> Dialect {
        Dialect::Sqlite
    }

    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
        let mut statement = self.0.prepare(sql).map_err(|error| format!("sqlite: {error}: {sql}"))?;
        let width = statement.column_count();
        let mut rows = statement.query([]).map_err(|error| format!("sqlite: {error}"))?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(|error| format!("sqlite: {error}"))? {
            out.push(
                (0..width)
                    .map(|i| match row.get_ref(i) {
                        Ok(rusqlite::types::ValueRef::Integer(n)) => Some(n.to_string()),
                        Ok(rusqlite::types::ValueRef::Real(f)) => Some(f.to_string()),
                        Ok(rusqlite::types::ValueRef::Text(t)) => Some(String::from_utf8_lossy(t).into_owned()),
                        _ => None,
                    })
                    .collect(),
            );
        }
        Ok(out)
    }

    fn scan(&mut self, sql: &str, row: &mut dyn FnMut(&[Cell<'_>])) -> Result<(), String> {
        let mut statement = self.0.prepare(sql).map_err(|error| format!("sqlite: {error}: {sql}"))?;
        let width = statement.column_count();
        let mut rows = statement.query([]).map_err(|error| format!("sqlite: {error}"))?;
        while let Some(values) = rows.next().map_err(|error| format!("sqlite: {error}"))? {
            let mut cells = Vec::with_capacity(width);
            for i in 0..width {
                cells.push(match values.get_ref(i) {
                    Ok(rusqlite::types::ValueRef::Integer(n)) => Cell::Integer(n),
                    Ok(rusqlite::types::ValueRef::Text(t)) => std::str::from_utf8(t).map_or(Cell::Null, Cell::Text),
                    _ => Cell::Null,
                });
            }
            row(&cells);
        }
        Ok(())
    }
}

struct PostgresQuery(postgres::Client);

impl Query for PostgresQuery {
    fn dialect(&self) -> Dialect {
        Dialect::Postgres
    }

    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
        let messages = self.0.simple_query(sql).map_err(|error| format!("postgres: {error}: {sql}"))?;
        Ok(messages
            .into_iter()
            .filter_map(|message| match message {
                postgres::SimpleQueryMessage::Row(row) => {
                    Some((0..row.len()).map(|i| row.get(i).map(str::to_owned)).collect())
                }
                _ => None,
            })
            .collect())
    }
}

struct ClickhouseQuery(crate::store::clickhouse::ClickhouseStore);

impl Query for ClickhouseQuery {
    fn dialect(&self) -> Dialect {
        Dialect::Clickhouse
    }

    fn rows(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>, String> {
        let answer = self.0.query(&format!("{sql} FORMAT TabSeparated")).map_err(|e| e.0)?;
        Ok(answer
            .lines()
            .map(|line| {
                line.split('\t').map(|v| if v == "\\N" { None } else { Some(v.replace("\\\\", "\\")) }).collect()
            })
            .collect())
    }
}

/// One chart: labelled counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    /// The heading, e.g. `CLI_COMMAND v1 · command`.
    pub title: String,
    /// What is counted, from the bundle's description of the field.
    pub caption: String,
    /// (label, count), in display order.
    pub bars: Vec<(String, f64)>,
    /// How a count is written (`events`, `installs`, `% true`).
    pub unit: &'static str,
}

/// Everything the report shows, in order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Report {
    /// Stored events per event.
    pub totals: Vec<(String, u64)>,
    /// The charts: events per day per event, installs per day, SDK versions, then one per field.
    pub charts: Vec<Chart>,
}

/// The columns that get a chart of their own: every field but the anonymous ids (one bar per install would say
/// nothing and show the ids).
fn charted(table: &EventTable) -> impl Iterator<Item = &Column> {
    table
        .columns
        .iter()
        .filter(|column| !column.path.is_empty())
        .filter(|column| !["install_id", "session_id", "project_id"].contains(&column.name.as_str()))
        .filter(|column| !not_charted(column))
}

/// A map or a union is stored as the JSON object sent, one per event: the report names it instead of charting it.
fn not_charted(column: &Column) -> bool {
    matches!(column.ty, ColumnType::Map(_) | ColumnType::Union(_))
}

/// Whether a count is charted by power-of-two buckets (`0`, `1`, `2–3`, `4–7`, …) rather than by value: when it
/// may exceed 16 and the schema does not list its values.
fn bucketed(column: &Column) -> bool {
    matches!(&column.ty, ColumnType::Integer { max, values: None } if *max > 16)
}

/// The values a small count can take (its listed values, or 0 to its maximum).
fn small_domain(column: &Column) -> Vec<u64> {
    match &column.ty {
        ColumnType::Integer { values: Some(values), .. } => values.clone(),
        ColumnType::Integer { max, values: None } => (0..=*max).collect(),
        _ => Vec::new(),
    }
}

/// The thresholds `2^k` of a bucketed count: every power of two up to its maximum that a stored (signed 64-bit)
/// value can reach.
fn thresholds(column: &Column) -> Vec<i64> {
    let max = match &column.ty {
        ColumnType::Integer { max, .. } => *max,
        _ => 0,
    };
    (0..63).map(|k| 1i64 << k).take_while(|t| (*t as u64) <= max).collect()
}

/// The bucket of a count: 0 below 1, else its bit length (`1` → 1, `2–3` → 2, `4–7` → 3, …).
fn bucket_of(value: i64) -> usize {
    if value < 1 { 0 } else { 64 - value.leading_zeros() as usize }
}

fn bucket_label(bucket: usize) -> String {
    match bucket {
        0 => "0".into(),
        1 => "1".into(),
        b => format!("{}–{}", 1u64 << (b - 1), (1u128 << b) - 1),
    }
}

/// The date of a day number (days since 1970-01-01), as `YYYY-MM-DD` (Howard Hinnant's `civil_from_days`).
fn date(day: i64) -> String {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// One value of a row read by [`Query::scan`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell<'a> {
    /// NULL.
    Null,
    /// An integer.
    Integer(i64),
    /// Text (or a number written as text, from stores that answer in text).
    Text(&'a str),
}

impl Cell<'_> {
    fn integer(self) -> Option<i64> {
        match self {
            Self::Integer(n) => Some(n),
            Self::Text(text) => text.parse().ok(),
            Self::Null => None,
        }
    }
}

/// What one field's chart counts.
#[derive(Debug)]
enum FieldTally {
    /// Events per variant of an enum or element of a set, in the model's order (a stored name the model does
    /// not list, which a migrated table cannot hold, would go to the map).
    Variants(Vec<String>, Vec<u64>, HashMap<String, u64>),
    /// Events per value (text), by label.
    Values(HashMap<String, u64>),
    /// Events per value of a small count.
    Numbers(BTreeMap<i64, u64>),
    /// Events per power-of-two bucket of a count.
    Buckets(Box<[u64; 65]>),
    /// Events where the bool is true, and where it is present.
    Bool { yes: u64, known: u64 },
}

impl FieldTally {
    fn new(column: &Column) -> Self {
        match &column.ty {
            ColumnType::Bool => Self::Bool { yes: 0, known: 0 },
            ColumnType::Integer { .. } if bucketed(column) => Self::Buckets(Box::new([0; 65])),
            ColumnType::Integer { .. } => Self::Numbers(BTreeMap::new()),
            ColumnType::Enum(variants) | ColumnType::EnumSet(variants) => {
                Self::Variants(variants.clone(), vec![0; variants.len()], HashMap::new())
            }
            // Maps and unions are not charted (see `charted`); were one tallied, it would be by whole value.
            ColumnType::Text | ColumnType::Map(_) | ColumnType::Union(_) => Self::Values(HashMap::new()),
        }
    }

    fn add_value(&mut self, value: &str, n: u64) {
        let values = match self {
            Self::Variants(names, counts, other) => match names.iter().position(|name| name == value) {
                Some(index) => {
                    counts[index] += n;
                    return;
                }
                None => other,
            },
            Self::Values(values) => values,
            _ => return,
        };
        match values.get_mut(value) {
            Some(count) => *count += n,
            None => {
                values.insert(value.to_owned(), n);
            }
        }
    }

    /// Counts one stored value (the embedded store's scan).
    fn add(&mut self, column: &Column, cell: Cell<'_>) {
        if cell == Cell::Null {
            return;
        }
        match self {
            Self::Bool { yes, known } => {
                *known += 1;
                *yes += u64::from(matches!(cell, Cell::Integer(1) | Cell::Text("1" | "t" | "true")));
            }
            Self::Buckets(buckets) => {
                if let Some(value) = cell.integer() {
                    buckets[bucket_of(value)] += 1;
                }
            }
            Self::Numbers(numbers) => {
                if let Some(value) = cell.integer() {
                    *numbers.entry(value).or_default() += 1;
                }
            }
            Self::Values(_) | Self::Variants(..) => match (cell, &column.ty) {
                // A set, stored as a JSON array of variant names: one count per element.
                (Cell::Text(json), ColumnType::EnumSet(_)) => match serde_json::from_str::<Vec<&str>>(json) {
                    Ok(items) => items.into_iter().for_each(|item| self.add_value(item, 1)),
                    Err(_) => serde_json::from_str::<Vec<String>>(json)
                        .unwrap_or_default()
                        .iter()
                        .for_each(|item| self.add_value(item, 1)),
                },
                (Cell::Text(text), _) => self.add_value(text, 1),
                (Cell::Integer(n), _) => self.add_value(&n.to_string(), 1),
                (Cell::Null, _) => {}
            },
        }
    }

    /// The chart's bars and unit.
    fn bars(self) -> (Vec<(String, f64)>, &'static str) {
        match self {
            Self::Bool { yes, known } => {
                let share = if known == 0 { 0.0 } else { 100.0 * yes as f64 / known as f64 };
                (vec![("true".into(), share), ("false".into(), if known == 0 { 0.0 } else { 100.0 - share })], "% true")
            }
            Self::Buckets(buckets) => (
                buckets
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| **n > 0)
                    .map(|(bucket, n)| (bucket_label(bucket), *n as f64))
                    .collect(),
                "events",
            ),
            Self::Numbers(numbers) => {
                (top(numbers.into_iter().map(|(v, n)| (v.to_string(), n as f64)).collect(), 15, "values"), "events")
            }
            Self::Variants(names, counts, other) => {
                Self::Values(other.into_iter().chain(names.into_iter().zip(counts)).collect()).bars()
            }
            Self::Values(values) => (
                top(values.into_iter().filter(|(_, n)| *n > 0).map(|(v, n)| (v, n as f64)).collect(), 15, "values"),
                "events",
            ),
        }
    }
}

/// Everything the report needs from one event table.
#[derive(Debug)]
struct TableTally {
    /// Events per day (days since 1970-01-01, UTC).
    days: BTreeMap<i64, u64>,
    /// One per [`charted`] column, in its order.
    fields: Vec<FieldTally>,
}

/// Distinct installs per day and per SDK version, over every table.
#[derive(Debug, Default)]
struct Installs {
    per_day: BTreeMap<i64, u64>,
    per_version: Vec<(String, f64)>,
}

/// `FROM t` with the dialect's way to read each row once (ClickHouse: `FINAL` collapses a batch stored twice).
fn from(dialect: Dialect, table: &EventTable) -> String {
    match dialect {
        Dialect::Clickhouse => format!("{} FINAL", quote_ident(&table.name)),
        _ => quote_ident(&table.name),
    }
}

/// The day (days since 1970-01-01, UTC) of the received time.
fn day_expr(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Clickhouse => "intDiv(toUInt32(received_at), 86400)",
        _ => "(received_at / 86400)",
    }
}

/// The embedded store: one scan of the table, counted here as the rows are read (SQLite runs in this process,
/// so reading a row costs what evaluating an aggregate on it would, and one pass serves every chart and the
/// install counts).
fn scan_table(query: &mut dyn Query, table: &EventTable) -> Result<(TableTally, InstallSets), String> {
    let mut sets = InstallSets::default();
    let InstallSets { per_day: day_installs, per_version: version_installs } = &mut sets;
    let columns: Vec<&Column> = charted(table).collect();
    let mut tally = TableTally { days: BTreeMap::new(), fields: columns.iter().map(|c| FieldTally::new(c)).collect() };
    let mut names = vec!["received_at".to_owned(), "install_id".to_owned(), "sdk_version".to_owned()];
    names.extend(columns.iter().map(|column| quote_ident(&column.name)));
    let sql = format!("SELECT {} FROM {}", names.join(", "), from(query.dialect(), table));
    // The rows of a batch are stored one after the other: most rows have the install, day and version of
    // the row before, already counted.
    let mut last: (i64, String, String) = (i64::MIN, String::new(), String::new());
    query.scan(&sql, &mut |row| {
        let day = row[0].integer().unwrap_or(0).div_euclid(86_400);
        *tally.days.entry(day).or_default() += 1;
        let repeated = matches!((row[1], row[2]), (Cell::Text(install), Cell::Text(version))
            if last.0 == day && last.1 == install && last.2 == version);
        if !repeated && let Cell::Text(install) = row[1] {
            last = (day, install.to_owned(), String::new());
            if let Cell::Text(version) = row[2] {
                last.2 = version.to_owned();
            }
            let installs = day_installs.entry(day).or_default();
            if !installs.contains(install) {
                installs.insert(install.to_owned());
            }
            if let Cell::Text(version) = row[2] {
                let installs = match version_installs.get_mut(version) {
                    Some(installs) => installs,
                    None => version_installs.entry(version.to_owned()).or_default(),
                };
                if !installs.contains(install) {
                    installs.insert(install.to_owned());
                }
            }
        }
        for ((field, column), cell) in tally.fields.iter_mut().zip(&columns).zip(&row[3..]) {
            field.add(column, *cell);
        }
    })?;
    Ok((tally, sets))
}

/// Distinct installs per day and per SDK version, as sets (one table's, merged with the others').
#[derive(Debug, Default)]
struct InstallSets {
    per_day: BTreeMap<i64, HashSet<String>>,
    per_version: HashMap<String, HashSet<String>>,
}

impl InstallSets {
    fn merge(&mut self, other: Self) {
        for (day, installs) in other.per_day {
            self.per_day.entry(day).or_default().extend(installs);
        }
        for (version, installs) in other.per_version {
            self.per_version.entry(version).or_default().extend(installs);
        }
    }

    fn counts(self) -> Installs {
        Installs {
            per_day: self.per_day.into_iter().map(|(day, installs)| (day, installs.len() as u64)).collect(),
            per_version: self.per_version.into_iter().map(|(v, installs)| (v, installs.len() as f64)).collect(),
        }
    }
}

/// `count of rows where cond`, in the dialect.
fn count_if(dialect: Dialect, condition: &str) -> String {
    match dialect {
        Dialect::Clickhouse => format!("countIf({condition})"),
        _ => format!("count(*) FILTER (WHERE {condition})"),
    }
}

/// The server stores: one scan of the table with conditional aggregation (one column per enum variant, set
/// element, small count's value, bucket threshold and bool), grouped by day, and one for its text columns.
fn aggregate_table(query: &mut dyn Query, table: &EventTable) -> Result<TableTally, String> {
    let dialect = query.dialect();
    let day = day_expr(dialect);
    let columns: Vec<&Column> = charted(table).collect();
    let mut select = vec![day.to_owned(), "count(*)".to_owned()];
    for column in &columns {
        let name = quote_ident(&column.name);
        let literal = |text: &str| quote_text_in(dialect, text);
        match &column.ty {
            ColumnType::Enum(variants) => {
                select.extend(variants.iter().map(|v| count_if(dialect, &format!("{name} = {}", literal(v)))));
            }
            ColumnType::EnumSet(variants) => select.extend(variants.iter().map(|v| {
                count_if(
                    dialect,
                    &match dialect {
                        Dialect::Clickhouse => format!("has(CAST({name} AS Array(String)), {})", literal(v)),
                        _ => format!("{} = ANY({name})", literal(v)),
                    },
                )
            })),
            ColumnType::Bool => {
                let yes = match dialect {
                    Dialect::Clickhouse => format!("{name} = 1"),
                    _ => name.clone(),
                };
                select.push(count_if(dialect, &yes));
                select.push(format!("count({name})"));
            }
            ColumnType::Integer { .. } if bucketed(column) => {
                select.push(format!("count({name})"));
                select.extend(thresholds(column).iter().map(|t| count_if(dialect, &format!("{name} >= {t}"))));
            }
            ColumnType::Integer { .. } => {
                select.extend(small_domain(column).iter().map(|v| count_if(dialect, &format!("{name} = {v}"))));
            }
            ColumnType::Text | ColumnType::Map(_) | ColumnType::Union(_) => {}
        }
    }
    let rows = query.rows(&format!("SELECT {} FROM {} GROUP BY {day}", select.join(", "), from(dialect, table)))?;
    let mut tally = TableTally { days: BTreeMap::new(), fields: columns.iter().map(|c| FieldTally::new(c)).collect() };
    for row in &rows {
        let mut cells = row.iter().map(|cell| cell.as_deref().and_then(|v| v.parse::<u64>().ok()).unwrap_or(0));
        let day_number = row.first().and_then(|d| d.as_deref()).and_then(|d| d.parse().ok()).unwrap_or(0);
        cells.next();
        *tally.days.entry(day_number).or_default() += cells.next().unwrap_or(0);
        for (field, column) in tally.fields.iter_mut().zip(&columns) {
            match (&column.ty, &mut *field) {
                (ColumnType::Enum(variants) | ColumnType::EnumSet(variants), field) => {
                    for variant in variants {
                        field.add_value(variant, cells.next().unwrap_or(0));
                    }
                }
                (ColumnType::Bool, FieldTally::Bool { yes, known }) => {
                    *yes += cells.next().unwrap_or(0);
                    *known += cells.next().unwrap_or(0);
                }
                (ColumnType::Integer { .. }, FieldTally::Buckets(buckets)) => {
                    let known = cells.next().unwrap_or(0);
                    let at_least: Vec<u64> = thresholds(column).iter().map(|_| cells.next().unwrap_or(0)).collect();
                    // Bucket 0 is below 1; bucket b (from 1) is from 2^(b-1) up to 2^b.
                    buckets[0] += known - at_least.first().copied().unwrap_or(0).min(known);
                    for (k, n) in at_least.iter().enumerate() {
                        buckets[k + 1] += n - at_least.get(k + 1).copied().unwrap_or(0).min(*n);
                    }
                }
                (ColumnType::Integer { .. }, FieldTally::Numbers(numbers)) => {
                    for value in small_domain(column) {
                        let n = cells.next().unwrap_or(0);
                        if n > 0 {
                            *numbers.entry(value as i64).or_default() += n;
                        }
                    }
                }
                _ => {}
            }
        }
    }
    // The text columns (versions): one more scan, every column's distribution at once.
    let texts: Vec<usize> =
        columns.iter().enumerate().filter(|(_, c)| c.ty == ColumnType::Text).map(|(i, _)| i).collect();
    if !texts.is_empty() && tally.days.values().any(|n| *n > 0) {
        let sql = match dialect {
            Dialect::Clickhouse => {
                let inner: Vec<String> = texts
                    .iter()
                    .enumerate()
                    .map(|(i, c)| {
                        format!("CAST({} AS Nullable(String)) AS report_text_{i}", quote_ident(&columns[*c].name))
                    })
                    .collect();
                let pairs: Vec<String> = (0..texts.len()).map(|i| format!("({i}, report_text_{i})")).collect();
                format!(
                    "SELECT report_kv.1 AS report_k, report_kv.2 AS report_v, count() FROM (SELECT {} FROM {}) \
                     ARRAY JOIN [{}] AS report_kv WHERE report_v IS NOT NULL GROUP BY report_k, report_v",
                    inner.join(", "),
                    from(dialect, table),
                    pairs.join(", ")
                )
            }
            _ => {
                let names: Vec<String> = texts.iter().map(|c| quote_ident(&columns[*c].name)).collect();
                let which: Vec<String> = names
                    .iter()
                    .enumerate()
                    .map(|(i, n)| format!("CASE WHEN GROUPING({n}) = 0 THEN {i} END"))
                    .collect();
                let sets: Vec<String> = names.iter().map(|n| format!("({n})")).collect();
                format!(
                    "SELECT COALESCE({}) AS k, COALESCE({}) AS v, count(*) FROM {} GROUP BY GROUPING SETS ({})",
                    which.join(", "),
                    names.iter().map(|n| format!("{n}::TEXT")).collect::<Vec<_>>().join(", "),
                    from(dialect, table),
                    sets.join(", ")
                )
            }
        };
        for row in query.rows(&sql)? {
            let (Some(k), Some(v), Some(n)) =
                (row.first().cloned().flatten(), row.get(1).cloned().flatten(), row.get(2).cloned().flatten())
            else {
                continue;
            };
            if let (Ok(k), Ok(n)) = (k.parse::<usize>(), n.parse::<u64>())
                && let Some(field) = texts.get(k).and_then(|c| tally.fields.get_mut(*c))
            {
                field.add_value(&v, n);
            }
        }
    }
    Ok(tally)
}

/// Installs per day and per SDK version, from a server store: one query over every table.
fn aggregate_installs(query: &mut dyn Query, model: &Model) -> Result<Installs, String> {
    let dialect = query.dialect();
    let day = day_expr(dialect);
    let sql = match dialect {
        Dialect::Clickhouse => {
            let union: Vec<String> = model
                .tables
                .iter()
                .map(|t| {
                    format!(
                        "SELECT toString({day}) AS report_day, install_id AS report_install, sdk_version AS report_version FROM {}",
                        from(dialect, t)
                    )
                })
                .collect();
            format!(
                "SELECT report_kv.1 AS report_k, report_kv.2 AS report_v, uniqExact(report_install) FROM ({}) ARRAY JOIN \
                 [('d', report_day), ('v', report_version)] AS report_kv GROUP BY report_k, report_v",
                union.join(" UNION ALL ")
            )
        }
        _ => {
            let union: Vec<String> = model
                .tables
                .iter()
                .map(|t| {
                    format!(
                        "SELECT {day} AS d, install_id AS i, sdk_version AS v FROM {} GROUP BY 1, 2, 3",
                        from(dialect, t)
                    )
                })
                .collect();
            // Each table reduced to its distinct (day, install, version), once (a CTE used twice is materialized),
            // then two hash aggregates; `count(DISTINCT …)` over grouping sets sorts the whole union instead.
            format!(
                "WITH u AS ({}) SELECT 'd', d::TEXT, count(*) FROM (SELECT DISTINCT d, i FROM u) AS x GROUP BY d \
                 UNION ALL SELECT 'v', v, count(*) FROM (SELECT DISTINCT v, i FROM u) AS y GROUP BY v",
                union.join(" UNION ALL ")
            )
        }
    };
    let mut installs = Installs::default();
    for row in query.rows(&sql)? {
        let n = number(row.get(2).and_then(Option::as_ref));
        match (row.first().and_then(Option::as_deref), row.get(1).and_then(Option::as_deref)) {
            (Some("d"), Some(day)) => {
                installs.per_day.insert(day.parse().unwrap_or(0), n as u64);
            }
            (Some("v"), Some(version)) => installs.per_version.push((version.to_owned(), n)),
            _ => {}
        }
    }
    Ok(installs)
}

fn number(value: Option<&String>) -> f64 {
    value.and_then(|v| v.parse().ok()).unwrap_or(0.0)
}

/// The description of the field at `path` in the event version `key` of the bundle (following `$ref`s).
fn field_doc(bundle: &Value, key: &str, path: &[String]) -> String {
    let defs = &bundle["$defs"];
    let (resource, rest) = match path.split_first() {
        Some((first, rest)) if first == "payload" => (&defs[key], rest),
        _ => (&defs["envelope"], path),
    };
    let mut schema = resource;
    for step in rest {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str)
            && let Some(name) = reference.strip_prefix("#/$defs/")
        {
            schema = &resource["$defs"][name];
        }
        schema = &schema["properties"][step.as_str()];
    }
    let mut doc = schema.get("description").and_then(Value::as_str);
    if doc.is_none()
        && let Some(name) = schema.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/$defs/"))
    {
        doc = resource["$defs"][name].get("description").and_then(Value::as_str);
    }
    doc.unwrap_or_default().to_owned()
}

/// One unit of the report's work, for one connection.
#[derive(Debug, Clone, Copy)]
enum Job {
    /// The charts of one event table (index in the model).
    Table(usize),
    /// The installs per day and per version (server stores; SQLite counts them in its table scans).
    Installs,
}

/// What a [`Job`] found.
#[derive(Debug)]
enum Found {
    Table(usize, TableTally, InstallSets),
    Installs(Installs),
}

fn jobs(dialect: Dialect, model: &Model) -> Vec<Job> {
    // The installs query reads every table: first, so the tables' queries run beside it.
    let mut jobs = if dialect == Dialect::Sqlite { Vec::new() } else { vec![Job::Installs] };
    jobs.extend((0..model.tables.len()).map(Job::Table));
    jobs
}

fn run(query: &mut dyn Query, model: &Model, job: Job) -> Result<Found, String> {
    Ok(match (job, query.dialect()) {
        (Job::Installs, _) => Found::Installs(aggregate_installs(query, model)?),
        (Job::Table(index), Dialect::Sqlite) => {
            let (tally, sets) = scan_table(query, &model.tables[index])?;
            Found::Table(index, tally, sets)
        }
        (Job::Table(index), _) => {
            Found::Table(index, aggregate_table(query, &model.tables[index])?, InstallSets::default())
        }
    })
}

/// Reads the store through one connection and lays the report out.
///
/// # Errors
/// When a query fails.
pub fn build(query: &mut dyn Query, model: &Model, bundle: &Value) -> Result<Report, String> {
    let found =
        jobs(query.dialect(), model).into_iter().map(|job| run(query, model, job)).collect::<Result<Vec<_>, _>>()?;
    Ok(assemble(model, bundle, found))
}

/// Reads the store through `connections` connections at once (the tables are independent: each connection takes
/// the next one; a server store, or SQLite's readers in WAL mode, answer them side by side) and lays the report
/// out. The same report as [`build`]. At most one connection per table (and one for the installs) is opened,
/// whatever `connections` says.
///
/// # Errors
/// When a connection cannot be opened or a query fails.
pub fn build_concurrently(url: &StoreUrl, model: &Model, bundle: &Value, connections: usize) -> Result<Report, String> {
    let jobs = jobs(url.dialect(), model);
    // A connection per job at most: more would open connections (and threads) that have nothing to read, and a
    // server refuses them past its own limit.
    let connections = connections.clamp(1, jobs.len().max(1));
    let queries = (0..connections).map(|_| connect(url)).collect::<Result<Vec<_>, _>>()?;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let found: Vec<Result<Vec<Found>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = queries
            .into_iter()
            .map(|mut query| {
                let (jobs, next) = (&jobs, &next);
                scope.spawn(move || {
                    let mut found = Vec::new();
                    while let Some(job) = jobs.get(next.fetch_add(1, std::sync::atomic::Ordering::Relaxed)) {
                        found.push(run(query.as_mut(), model, *job)?);
                    }
                    Ok(found)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err("a report thread panicked".into()))).collect()
    });
    let mut all = Vec::new();
    for part in found {
        all.extend(part?);
    }
    Ok(assemble(model, bundle, all))
}

/// Lays the report out from what the jobs found.
fn assemble(model: &Model, bundle: &Value, found: Vec<Found>) -> Report {
    let mut tallies: Vec<Option<TableTally>> = model.tables.iter().map(|_| None).collect();
    let mut sets = InstallSets::default();
    let mut counted = None;
    for item in found {
        match item {
            Found::Table(index, tally, table_sets) => {
                tallies[index] = Some(tally);
                sets.merge(table_sets);
            }
            Found::Installs(installs) => counted = Some(installs),
        }
    }
    let installs = counted.unwrap_or_else(|| sets.counts());
    let tallies = tallies.into_iter().map(|t| t.unwrap_or(TableTally { days: BTreeMap::new(), fields: Vec::new() }));
    let mut report = Report::default();
    report.charts.push(Chart {
        title: "Active installs per day".into(),
        caption: "Distinct install ids that sent at least one event that day (UTC), over every event.".into(),
        bars: installs.per_day.iter().map(|(day, n)| (date(*day), *n as f64)).collect(),
        unit: "installs",
    });
    report.charts.push(Chart {
        title: "SDK version adoption".into(),
        caption: "Distinct installs per SDK version, over the whole period stored.".into(),
        bars: top(installs.per_version, 15, "versions"),
        unit: "installs",
    });
    let mut field_charts = Vec::new();
    for (table, tally) in model.tables.iter().zip(tallies) {
        let name = format!("{} v{}", table.event, table.version);
        let total: u64 = tally.days.values().sum();
        report.totals.push((name.clone(), total));
        if total == 0 {
            continue;
        }
        report.charts.push(Chart {
            title: format!("{name} · events per day"),
            caption: table.doc.clone(),
            bars: tally.days.iter().filter(|(_, n)| **n > 0).map(|(day, n)| (date(*day), *n as f64)).collect(),
            unit: "events",
        });
        let key = format!("{}.v{}", table.event, table.version);
        for (column, field) in charted(table).zip(tally.fields) {
            let (bars, unit) = field.bars();
            field_charts.push(Chart {
                title: format!("{name} · {}", column.name),
                caption: field_doc(bundle, &key, &column.path),
                bars,
                unit,
            });
        }
        // Said, not skipped silently.
        for column in table.columns.iter().filter(|column| not_charted(column)) {
            field_charts.push(Chart {
                title: format!("{name} · {}", column.name),
                caption: format!(
                    "Not charted: a map or a union, stored as the JSON object sent (query the column's keys and \
                     values directly). {}",
                    field_doc(bundle, &key, &column.path)
                ),
                bars: Vec::new(),
                unit: "events",
            });
        }
    }
    report.charts.extend(field_charts);
    report
}

/// The report as plain-text tables.
pub fn text(report: &Report) -> String {
    let mut out = String::from("Events stored\n");
    for (event, n) in &report.totals {
        let _ = writeln!(out, "  {event:<32} {n:>12}");
    }
    for chart in &report.charts {
        let caption = chart.caption.split_whitespace().collect::<Vec<_>>().join(" ");
        let _ = writeln!(out, "\n{}\n  {caption}", chart.title);
        let width = chart.bars.iter().map(|(label, _)| label.chars().count()).max().unwrap_or(0).min(40);
        for (label, value) in &chart.bars {
            let _ = writeln!(out, "  {label:<width$} {value:>12.0} {}", chart.unit);
        }
        if chart.bars.is_empty() {
            out.push_str("  (none)\n");
        }
    }
    out
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// `label`, cut to `max` characters with an ellipsis.
fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let mut cut: String = label.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}

/// Keeps the `keep` largest bars and sums the rest into one. Ties are ordered by label, byte by byte, so
/// every store gives the same report (their collations differ).
fn top(mut bars: Vec<(String, f64)>, keep: usize, what: &str) -> Vec<(String, f64)> {
    bars.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    if bars.len() > keep + 1 {
        let rest: Vec<(String, f64)> = bars.split_off(keep);
        bars.push((format!("{} other {what}", rest.len()), rest.iter().map(|(_, n)| n).sum()));
    }
    bars
}

/// One horizontal bar chart, as inline SVG that scales to its container: each bar under its label, the count at
/// its end. The drawing is 360 units wide, about a phone's width in CSS pixels, so its text is 13–14 px on a phone
/// (a wider drawing shrinks below legible there) and at most about 18 px where the chart reaches its 30rem cap.
fn svg(chart: &Chart) -> String {
    let row = 40;
    let width = 360;
    let value_room = 70;
    let height = row * chart.bars.len().max(1) + 4;
    let max = chart.bars.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max).max(1.0);
    let mut out = format!(
        "<svg viewBox=\"0 0 {width} {height}\" width=\"100%\" style=\"max-width:30rem\" role=\"img\" aria-label=\"{}\" \
         xmlns=\"http://www.w3.org/2000/svg\">",
        escape(&chart.title)
    );
    for (i, (label, value)) in chart.bars.iter().enumerate() {
        let y = i * row;
        let bar = ((width - value_room) as f64 * value / max).round().max(if *value > 0.0 { 1.0 } else { 0.0 });
        let shown = if chart.unit == "% true" { format!("{value:.1} %") } else { format!("{value:.0}") };
        let _ = write!(
            out,
            "<text x=\"0\" y=\"{}\" font-size=\"14\">{}</text>\
             <rect x=\"0\" y=\"{}\" width=\"{bar}\" height=\"14\" fill=\"#3b6ea8\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"13\">{shown}</text>",
            y + 15,
            escape(&shorten(label, 44)),
            y + 20,
            bar + 4.0,
            y + 32,
        );
    }
    out.push_str("</svg>");
    out
}

/// The report as one HTML page: inline SVG, inline CSS, no script, no external resource.
pub fn html(report: &Report, generated: &str) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Telemetry report</title><style>\
         body{font-family:system-ui,sans-serif;max-width:56rem;margin:1rem auto;padding:0 1rem;color:#1b1b1b}\
         figure{margin:1.5rem 0;break-inside:avoid}figcaption{color:#444;font-size:.9rem;margin-top:.25rem}\
         h2{font-size:1.05rem;margin:0}table{border-collapse:collapse}td{padding:.1rem .75rem .1rem 0}\
         td.n{text-align:right;font-variant-numeric:tabular-nums}svg text{fill:#1b1b1b}\
         @media print{body{max-width:none}}</style></head><body>\n<h1>Telemetry report</h1>\n",
    );
    let _ = writeln!(out, "<p>{}</p>\n<table><tbody>", escape(generated));
    for (event, n) in &report.totals {
        let _ = writeln!(out, "<tr><td>{}</td><td class=\"n\">{n}</td></tr>", escape(event));
    }
    out.push_str("</tbody></table>\n");
    for chart in &report.charts {
        let _ = writeln!(
            out,
            "<figure><h2>{}</h2>{}<figcaption>{} ({})</figcaption></figure>",
            escape(&chart.title),
            if chart.bars.is_empty() { "<p>Nothing stored.</p>".into() } else { svg(chart) },
            escape(&chart.caption),
            escape(chart.unit)
        );
    }
    out.push_str("</body></html>\n");
    out
}
