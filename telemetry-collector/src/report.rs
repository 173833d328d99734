//! `telemetry-collector report`: what the store holds, for the people who own the telemetry.
//!
//! Every number is aggregated by the store in SQL (one `GROUP BY` per chart), so the report costs the same
//! few queries over a thousand events or a million; Rust only lays the answers out. The charts are generated from
//! the bundle (each field's description is its chart's caption): inline SVG, no JavaScript, no external
//! resource, readable on a phone and printable.

use std::fmt::Write as _;

use serde_json::Value;

use crate::ddl::{Dialect, quote_ident};
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
}

/// Opens `url` for reading.
///
/// # Errors
/// When it cannot be reached.
pub fn connect(url: &StoreUrl) -> Result<Box<dyn Query>, String> {
    Ok(match url {
        StoreUrl::Sqlite(path) => {
            let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
                .map_err(|error| format!("cannot open {}: {error}", path.display()))?;
            Box::new(SqliteQuery(conn))
        }
        StoreUrl::Postgres(url) => {
            let config: postgres::Config = url.parse().map_err(|error| format!("--store: {error}"))?;
            Box::new(PostgresQuery(config.connect(postgres::NoTls).map_err(|error| format!("postgres: {error}"))?))
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

/// `FROM t` with the dialect's way to read each row once (ClickHouse: `FINAL` collapses a batch stored twice).
fn from(dialect: Dialect, table: &EventTable) -> String {
    match dialect {
        Dialect::Clickhouse => format!("{} FINAL", quote_ident(&table.name)),
        _ => quote_ident(&table.name),
    }
}

fn day_expr(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Sqlite => "date(received_at, 'unixepoch')",
        Dialect::Postgres => "to_char(to_timestamp(received_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
        Dialect::Clickhouse => "toString(toDate(received_at))",
    }
}

/// The histogram bucket of a count: the value itself for small or bucketed counts, else powers of two
/// (`0`, `1`, `2-3`, `4-7`, …), written as a `CASE` every dialect runs.
fn bucket_expr(column: &Column) -> (String, bool) {
    let name = quote_ident(&column.name);
    match &column.ty {
        ColumnType::Integer { max, values } if values.is_some() || *max <= 16 => (name, false),
        _ => {
            let mut case = format!("CASE WHEN {name} < 1 THEN 0");
            for bit in 0..63 {
                let _ = write!(case, " WHEN {name} < {} THEN {}", 1u64 << (bit + 1), bit + 1);
            }
            case.push_str(" ELSE 64 END");
            (case, true)
        }
    }
}

fn bucket_label(bucket: u32) -> String {
    match bucket {
        0 => "0".into(),
        1 => "1".into(),
        b => format!("{}–{}", 1u64 << (b - 1), (1u128 << b) - 1),
    }
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

/// Runs the report's queries.
///
/// # Errors
/// When a query fails.
pub fn build(query: &mut dyn Query, model: &Model, bundle: &Value) -> Result<Report, String> {
    let dialect = query.dialect();
    let day = day_expr(dialect);
    let mut report = Report::default();
    // Events per day per event, and the totals: one query over every table.
    let per_day: Vec<String> = model
        .tables
        .iter()
        .map(|t| {
            format!(
                "SELECT '{} v{}' AS event, {day} AS day, count(*) AS n FROM {} GROUP BY {day}",
                t.event,
                t.version,
                from(dialect, t)
            )
        })
        .collect();
    let rows =
        query.rows(&format!("SELECT event, day, n FROM ({}) AS u ORDER BY event, day", per_day.join(" UNION ALL ")))?;
    let mut days: Vec<String> = rows.iter().filter_map(|r| r[1].clone()).collect();
    days.sort();
    days.dedup();
    for table in &model.tables {
        let name = format!("{} v{}", table.event, table.version);
        let mine: Vec<&Vec<Option<String>>> = rows.iter().filter(|r| r[0].as_deref() == Some(name.as_str())).collect();
        let total: f64 = mine.iter().map(|r| number(r[2].as_ref())).sum();
        report.totals.push((name.clone(), total as u64));
        if total > 0.0 {
            report.charts.push(Chart {
                title: format!("{name} · events per day"),
                caption: table.doc.clone(),
                bars: mine.iter().map(|r| (r[1].clone().unwrap_or_default(), number(r[2].as_ref()))).collect(),
                unit: "events",
            });
        }
    }
    // Active installs per day and SDK versions, over every table.
    let installs: Vec<String> = model
        .tables
        .iter()
        .map(|t| format!("SELECT {day} AS day, install_id, sdk_version FROM {}", from(dialect, t)))
        .collect();
    let union = installs.join(" UNION ALL ");
    let rows =
        query.rows(&format!("SELECT day, count(DISTINCT install_id) FROM ({union}) AS u GROUP BY day ORDER BY day"))?;
    report.charts.insert(
        0,
        Chart {
            title: "Active installs per day".into(),
            caption: "Distinct install ids that sent at least one event that day (UTC), over every event.".into(),
            bars: rows.iter().map(|r| (r[0].clone().unwrap_or_default(), number(r[1].as_ref()))).collect(),
            unit: "installs",
        },
    );
    let rows = query.rows(&format!(
        "SELECT sdk_version, count(DISTINCT install_id) AS n FROM ({union}) AS u GROUP BY sdk_version ORDER BY n DESC"
    ))?;
    report.charts.insert(
        1,
        Chart {
            title: "SDK version adoption".into(),
            caption: "Distinct installs per SDK version, over the whole period stored.".into(),
            bars: top(
                rows.iter().map(|r| (r[0].clone().unwrap_or_default(), number(r[1].as_ref()))).collect(),
                15,
                "versions",
            ),
            unit: "installs",
        },
    );
    // One chart per field.
    for table in &model.tables {
        let key = format!("{}.v{}", table.event, table.version);
        let total = report.totals.iter().find(|(n, _)| *n == format!("{} v{}", table.event, table.version));
        if total.is_none_or(|(_, n)| *n == 0) {
            continue;
        }
        for column in &table.columns {
            if column.path.is_empty() || ["install_id", "session_id", "project_id"].contains(&column.name.as_str()) {
                continue;
            }
            let name = quote_ident(&column.name);
            let source = from(dialect, table);
            let (sql, unit) = match &column.ty {
                ColumnType::Enum(_) => (
                    format!(
                        "SELECT {name}, count(*) AS n FROM {source} WHERE {name} IS NOT NULL GROUP BY {name} ORDER BY n DESC"
                    ),
                    "events",
                ),
                ColumnType::EnumSet(_) => (
                    match dialect {
                        Dialect::Sqlite => format!(
                            "SELECT j.value, count(*) AS n FROM {source}, json_each({name}) AS j GROUP BY j.value ORDER BY n DESC"
                        ),
                        Dialect::Postgres => format!(
                            "SELECT v, count(*) AS n FROM {source}, unnest({name}) AS v GROUP BY v ORDER BY n DESC"
                        ),
                        Dialect::Clickhouse => format!(
                            "SELECT toString(arrayJoin({name})) AS v, count() AS n FROM {source} GROUP BY v ORDER BY n DESC"
                        ),
                    },
                    "events",
                ),
                ColumnType::Bool => (
                    match dialect {
                        Dialect::Postgres => format!(
                            "SELECT 100.0 * sum(CASE WHEN {name} THEN 1 ELSE 0 END) / count({name}) FROM {source} WHERE {name} IS NOT NULL"
                        ),
                        _ => {
                            format!("SELECT 100.0 * sum({name}) / count({name}) FROM {source} WHERE {name} IS NOT NULL")
                        }
                    },
                    "% true",
                ),
                ColumnType::Integer { .. } => {
                    let (bucket, _) = bucket_expr(column);
                    (
                        format!(
                            "SELECT {bucket} AS b, count(*) AS n FROM {source} WHERE {name} IS NOT NULL GROUP BY b ORDER BY b"
                        ),
                        "events",
                    )
                }
                ColumnType::Text => (
                    format!(
                        "SELECT {name}, count(*) AS n FROM {source} WHERE {name} IS NOT NULL GROUP BY {name} ORDER BY n DESC"
                    ),
                    "events",
                ),
                // Said, not skipped silently: a map is stored as the JSON object sent, one per event.
                ColumnType::Map(_) | ColumnType::Union(_) => {
                    report.charts.push(Chart {
                        title: format!("{} v{} · {}", table.event, table.version, column.name),
                        caption: format!(
                            "Not charted: a map or a union, stored as the JSON object sent (query the column's keys and \
                             values directly). {}",
                            field_doc(bundle, &key, &column.path)
                        ),
                        bars: Vec::new(),
                        unit: "events",
                    });
                    continue;
                }
            };
            let rows = query.rows(&sql)?;
            let bars: Vec<(String, f64)> = match &column.ty {
                ColumnType::Bool => {
                    let share = number(rows.first().and_then(|r| r[0].as_ref()));
                    vec![
                        ("true".into(), share),
                        (
                            "false".into(),
                            if rows.first().and_then(|r| r[0].as_ref()).is_some() { 100.0 - share } else { 0.0 },
                        ),
                    ]
                }
                ColumnType::Integer { .. } if bucket_expr(column).1 => {
                    rows.iter().map(|r| (bucket_label(number(r[0].as_ref()) as u32), number(r[1].as_ref()))).collect()
                }
                _ => top(
                    rows.iter().map(|r| (r[0].clone().unwrap_or_default(), number(r[1].as_ref()))).collect(),
                    15,
                    "values",
                ),
            };
            report.charts.push(Chart {
                title: format!("{} v{} · {}", table.event, table.version, column.name),
                caption: field_doc(bundle, &key, &column.path),
                bars,
                unit,
            });
        }
    }
    Ok(report)
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

/// One horizontal bar chart, as inline SVG that scales to its container.
fn svg(chart: &Chart) -> String {
    let row = 22;
    let label_width = 190;
    let width = 520;
    let height = row * chart.bars.len().max(1) + 8;
    let max = chart.bars.iter().map(|(_, v)| *v).fold(0.0_f64, f64::max).max(1.0);
    let mut out = format!(
        "<svg viewBox=\"0 0 {width} {height}\" width=\"100%\" style=\"max-width:40rem\" role=\"img\" aria-label=\"{}\" \
         xmlns=\"http://www.w3.org/2000/svg\">",
        escape(&chart.title)
    );
    for (i, (label, value)) in chart.bars.iter().enumerate() {
        let y = i * row + 4;
        let bar = ((width - label_width - 90) as f64 * value / max).round().max(if *value > 0.0 { 1.0 } else { 0.0 });
        let shown = if chart.unit == "% true" { format!("{value:.1} %") } else { format!("{value:.0}") };
        let _ = write!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"13\">{}</text>\
             <rect x=\"{label_width}\" y=\"{y}\" width=\"{bar}\" height=\"{}\" fill=\"#3b6ea8\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\">{shown}</text>",
            label_width - 6,
            y + 15,
            escape(&shorten(label, 24)),
            row - 6,
            label_width as f64 + bar + 4.0,
            y + 15,
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
