//! The PostgreSQL and ClickHouse servers of the store tests: their URLs come from the environment
//! (`scripts/ci-services.sh` sets them; `.ci/run` always does), and a test without them says so and passes.

use std::sync::atomic::{AtomicU64, Ordering};

use serde_json::{Map, Value};
use telemetry_collector::model::{ColumnType, Model};

/// The server's URL, or `None` after printing why the test is skipped.
pub fn server_url(var: &str, test: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            eprintln!("SKIPPED {test}: {var} is not set (scripts/ci-services.sh starts a server and sets it)");
            None
        }
    }
}

/// A name no other test of this run uses, for a fresh database.
pub fn unique_database(prefix: &str) -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{prefix}_{}_{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A fresh PostgreSQL database on the server of `url`; returns its URL.
pub fn fresh_postgres(url: &str, prefix: &str) -> String {
    let name = unique_database(prefix);
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    client.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
    let (base, _) = url.rsplit_once('/').unwrap();
    format!("{base}/{name}")
}

/// A fresh (not yet created) ClickHouse database on the server of `url`; the collector creates it.
pub fn fresh_clickhouse(url: &str, prefix: &str) -> String {
    let (base, _) = url.rsplit_once('/').unwrap();
    format!("{base}/{}", unique_database(prefix))
}

/// Runs a query through ClickHouse's HTTP interface; the answer's body.
pub fn clickhouse(url: &str, query: &str) -> String {
    let rest = url.strip_prefix("clickhouse+http://").unwrap();
    let (host, database) = rest.split_once('/').unwrap();
    let mut response = ureq::post(format!("http://{host}/?database={database}"))
        .config()
        .http_status_as_error(false)
        .build()
        .send(query)
        .unwrap();
    let status = response.status();
    let body = response.body_mut().read_to_string().unwrap();
    assert!(status.is_success(), "ClickHouse answered {status} to {query}: {body}");
    body
}

/// One number from a ClickHouse query.
pub fn clickhouse_count(url: &str, query: &str) -> u64 {
    clickhouse(url, query).trim().parse().unwrap()
}

/// A row as PostgreSQL returns it (`row_to_json`) or ClickHouse does (`JSONEachRow`), made comparable with
/// [`super::expected_row`]: bools as 0/1, sets as their JSON text, integers as numbers.
pub fn normalize(model: &Model, table: &str, row: &Map<String, Value>) -> Map<String, Value> {
    let (_, table) = model.tables.iter().enumerate().find(|(_, t)| t.name == table).unwrap();
    let mut out = Map::new();
    for column in &table.columns {
        let value = row.get(&column.name).cloned().unwrap_or(Value::Null);
        let value = match (value, &column.ty) {
            (Value::Bool(b), ColumnType::Bool) => Value::from(i64::from(b)),
            (Value::String(n), ColumnType::Integer { .. }) => Value::from(n.parse::<i64>().unwrap()),
            (set @ Value::Array(_), ColumnType::EnumSet(_)) => Value::from(set.to_string()),
            (other, _) => other,
        };
        out.insert(column.name.clone(), value);
    }
    out
}

/// Drops a test's ClickHouse database (each insert is a part of many files: a test's leftovers add up).
pub fn drop_clickhouse(url: &str) {
    let (base, database) = url.rsplit_once('/').unwrap();
    clickhouse(&format!("{base}/default"), &format!("DROP DATABASE IF EXISTS {database}"));
}

/// Drops a test's PostgreSQL database (no collector may be connected any more).
pub fn drop_postgres(url: &str) {
    let (base, database) = url.rsplit_once('/').unwrap();
    let mut client = postgres::Client::connect(&format!("{base}/postgres"), postgres::NoTls).unwrap();
    client.batch_execute(&format!("DROP DATABASE IF EXISTS {database}")).unwrap();
}
