//! `telemetry-collector coverage`: which declared events, versions, fields and variants the store has never
//! seen, and what was quarantined by reason (in the manner of OpenTelemetry Weaver's live-check).
//!
//! Declared items: each event version; each field (seen when some row has it non-null); each enum variant and set
//! element; both values of a bool. Coverage is the share of items seen. Every check is one aggregate query.

use std::fmt::Write as _;

use crate::ddl::{Dialect, QUARANTINE_TABLE, quote_ident};
use crate::model::{ColumnType, Model};
use crate::report::Query;

/// What the store has and has not seen.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Coverage {
    /// Declared items.
    pub declared: usize,
    /// How many declared items were never seen.
    pub unseen_count: usize,
    /// Items never seen, each as `EVENT vN` (with how many of its items that is), `EVENT vN · field` or
    /// `EVENT vN · field = value`. An event version never seen is one line, not one per field and value.
    pub unseen: Vec<String>,
    /// Quarantined rows by reason.
    pub quarantine: Vec<(String, u64)>,
}

impl Coverage {
    /// The share of declared items seen, in percent.
    pub fn percent(&self) -> f64 {
        if self.declared == 0 {
            return 100.0;
        }
        100.0 * (self.declared - self.unseen_count) as f64 / self.declared as f64
    }
}

/// Runs the queries.
///
/// # Errors
/// When a query fails.
pub fn check(query: &mut dyn Query, model: &Model) -> Result<Coverage, String> {
    let dialect = query.dialect();
    let mut coverage = Coverage::default();
    for table in &model.tables {
        let label = format!("{} v{}", table.event, table.version);
        let name = quote_ident(&table.name);
        let fields: Vec<_> = table.columns.iter().filter(|c| !c.path.is_empty()).collect();
        // One query for the table: its rows, and per field the rows where it is present.
        let mut select = vec!["count(*)".to_owned()];
        select.extend(fields.iter().map(|c| format!("count({})", quote_ident(&c.name))));
        let row = query.rows(&format!("SELECT {} FROM {name}", select.join(", ")))?;
        let counts: Vec<u64> = row
            .first()
            .map(|r| r.iter().map(|v| v.as_deref().and_then(|v| v.parse().ok()).unwrap_or(0)).collect())
            .unwrap_or_default();
        let mut unseen: Vec<String> = Vec::new();
        let declared_before = coverage.declared;
        coverage.declared += 1;
        let never = counts.first().copied().unwrap_or(0) == 0;
        for (i, column) in fields.iter().enumerate() {
            coverage.declared += 1;
            if counts.get(i + 1).copied().unwrap_or(0) == 0 {
                unseen.push(format!("{label} · {}", column.name));
            }
            if never {
                coverage.declared += match &column.ty {
                    ColumnType::Bool => 2,
                    ColumnType::Enum(variants) | ColumnType::EnumSet(variants) => variants.len(),
                    _ => 0,
                };
                continue;
            }
            let column_name = quote_ident(&column.name);
            let (variants, sql): (Vec<String>, String) = match &column.ty {
                ColumnType::Bool => (
                    vec!["false".into(), "true".into()],
                    match dialect {
                        Dialect::Postgres => format!(
                            "SELECT DISTINCT CASE WHEN {column_name} THEN 'true' ELSE 'false' END FROM {name} WHERE {column_name} IS NOT NULL"
                        ),
                        _ => format!(
                            "SELECT DISTINCT CASE WHEN {column_name} = 1 THEN 'true' ELSE 'false' END FROM {name} WHERE {column_name} IS NOT NULL"
                        ),
                    },
                ),
                ColumnType::Enum(variants) => (
                    variants.clone(),
                    match dialect {
                        Dialect::Clickhouse => format!(
                            "SELECT DISTINCT toString({column_name}) FROM {name} WHERE {column_name} IS NOT NULL"
                        ),
                        _ => format!("SELECT DISTINCT {column_name} FROM {name} WHERE {column_name} IS NOT NULL"),
                    },
                ),
                ColumnType::EnumSet(variants) => (
                    variants.clone(),
                    match dialect {
                        Dialect::Sqlite => {
                            format!("SELECT DISTINCT j.value FROM {name}, json_each({column_name}) AS j")
                        }
                        Dialect::Postgres => format!("SELECT DISTINCT v FROM {name}, unnest({column_name}) AS v"),
                        Dialect::Clickhouse => {
                            format!("SELECT DISTINCT toString(arrayJoin({column_name})) FROM {name}")
                        }
                    },
                ),
                _ => continue,
            };
            let seen: Vec<String> =
                query.rows(&sql)?.into_iter().filter_map(|r| r.into_iter().next().flatten()).collect();
            for variant in variants {
                coverage.declared += 1;
                if !seen.contains(&variant) {
                    unseen.push(format!("{label} · {} = {variant}", column.name));
                }
            }
        }
        if never {
            let items = coverage.declared - declared_before;
            coverage.unseen_count += items;
            coverage.unseen.push(format!("{label} (never stored: its {items} fields and values)"));
        } else {
            coverage.unseen_count += unseen.len();
            coverage.unseen.extend(unseen);
        }
    }
    coverage.quarantine = query
        .rows(&format!(
            "SELECT reason, count(*) AS n FROM {QUARANTINE_TABLE}{} GROUP BY reason ORDER BY reason",
            // ClickHouse: a quarantined row written twice by a retried group counts once.
            if dialect == Dialect::Clickhouse { " FINAL" } else { "" }
        ))?
        .into_iter()
        .map(|r| (r[0].clone().unwrap_or_default(), r[1].as_deref().and_then(|n| n.parse().ok()).unwrap_or(0)))
        .collect();
    Ok(coverage)
}

/// The coverage as text: the share, what was never seen, the quarantine by reason.
pub fn text(coverage: &Coverage) -> String {
    let mut out = format!(
        "Coverage: {:.1} % ({} of {} declared events, fields and values seen)\n",
        coverage.percent(),
        coverage.declared - coverage.unseen_count,
        coverage.declared
    );
    let _ = writeln!(out, "\nNever seen ({}):", coverage.unseen_count);
    for item in &coverage.unseen {
        let _ = writeln!(out, "  {item}");
    }
    let _ = writeln!(out, "\nQuarantined, by reason:");
    if coverage.quarantine.is_empty() {
        out.push_str("  (none)\n");
    }
    for (reason, n) in &coverage.quarantine {
        let _ = writeln!(out, "  {reason:<24} {n:>10}");
    }
    out
}
