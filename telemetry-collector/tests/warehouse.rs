//! The PostgreSQL and ClickHouse stores against real servers: the DDL applies as printed, acme's events arrive
//! with every column as sent, and two collectors writing to one store at once store every batch once.
//!
//! Skipped, with a message, unless `TELEMETRY_TEST_POSTGRES_URL` / `TELEMETRY_TEST_CLICKHOUSE_URL` are set
//! (`scripts/ci-services.sh`; `.ci/run` always sets them).

mod support;

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use support::warehouse::*;
use support::*;

const PG: &str = "TELEMETRY_TEST_POSTGRES_URL";
const CH: &str = "TELEMETRY_TEST_CLICKHOUSE_URL";

fn ddl(dialect: &str) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_telemetry-collector"))
        .args(["ddl", "--dialect", dialect, "--schemas"])
        .arg(schemas_dir())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// The statements of a printed DDL, without their comments.
fn statements(sql: &str) -> Vec<String> {
    sql.split(";\n")
        .map(|statement| {
            statement.lines().filter(|line| !line.starts_with("--")).collect::<Vec<_>>().join("\n").trim().to_owned()
        })
        .filter(|statement| !statement.is_empty())
        .collect()
}

#[test]
fn postgres_ddl_as_printed_applies_on_a_fresh_database() {
    let Some(url) = server_url(PG, "postgres_ddl_as_printed_applies_on_a_fresh_database") else { return };
    let url = fresh_postgres(&url, "ddl");
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let sql = ddl("postgres");
    for statement in statements(&sql) {
        client.batch_execute(&statement).unwrap_or_else(|error| panic!("{error}\n{statement}"));
    }
    let tables: i64 = client
        .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", &[])
        .unwrap()
        .get(0);
    assert_eq!(tables as usize, model().tables.len() + 3);
    drop(client);
    drop_postgres(&url);
}

#[test]
fn clickhouse_ddl_as_printed_applies_on_a_fresh_database() {
    let Some(url) = server_url(CH, "clickhouse_ddl_as_printed_applies_on_a_fresh_database") else { return };
    let url = fresh_clickhouse(&url, "ddl");
    let database = url.rsplit_once('/').unwrap().1.to_owned();
    let server = format!("{}/default", url.rsplit_once('/').unwrap().0);
    clickhouse(&server, &format!("CREATE DATABASE {database}"));
    for statement in statements(&ddl("clickhouse")) {
        clickhouse(&url, &statement);
    }
    let tables =
        clickhouse_count(&url, "SELECT count() FROM system.tables WHERE database = currentDatabase()") as usize;
    assert_eq!(tables, model().tables.len() + 3);
    drop_clickhouse(&url);
}

/// Posts acme's ten events in one batch and returns (batch id, envelopes).
fn post_acme(collector: &Running, n: u64) -> (String, Vec<String>) {
    let envelopes = acme_envelopes(&acme_header());
    let id = batch_id(n);
    let response = post(collector.addr, batch_body(&id, &envelopes).as_bytes());
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.json()["stored"], Value::from(envelopes.len()));
    (id, envelopes)
}

fn expected_by_table(envelopes: &[String], id: &str, received_at: i64) -> BTreeMap<String, Vec<Map<String, Value>>> {
    let model = model();
    let mut expected: BTreeMap<String, Vec<Map<String, Value>>> = BTreeMap::new();
    for envelope in envelopes {
        let envelope: Value = serde_json::from_str(envelope).unwrap();
        let (table, row) = expected_row(&model, &envelope, id, received_at);
        expected.entry(table).or_default().push(row);
    }
    expected
}

#[test]
fn postgres_acme_events_arrive_with_every_column_as_sent() {
    let Some(url) = server_url(PG, "postgres_acme_events_arrive_with_every_column_as_sent") else { return };
    let url = fresh_postgres(&url, "acme");
    let collector = start_with_store(&url, &["--time-granularity", "1s"]);
    let (id, envelopes) = post_acme(&collector, 1);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let received_at: i64 =
        client.query_one("SELECT received_at FROM batches WHERE batch_id = $1", &[&id]).unwrap().get(0);
    let model = model();
    for (table, expected) in expected_by_table(&envelopes, &id, received_at) {
        let stored: Vec<Map<String, Value>> = client
            .query(&format!("SELECT row_to_json(t)::text FROM \"{table}\" t WHERE batch_id = $1 ORDER BY ctid"), &[&id])
            .unwrap()
            .iter()
            .map(|row| normalize(&model, &table, &serde_json::from_str(row.get::<_, &str>(0)).unwrap()))
            .collect();
        assert_eq!(stored, expected, "table {table}");
    }
    // The same batch again: answered duplicate, stored once.
    let response = post(collector.addr, batch_body(&id, &envelopes).as_bytes());
    assert_eq!(response.json()["status"], "duplicate");
    drop((client, collector));
    drop_postgres(&url);
}

#[test]
fn clickhouse_acme_events_arrive_with_every_column_as_sent() {
    let Some(url) = server_url(CH, "clickhouse_acme_events_arrive_with_every_column_as_sent") else { return };
    let url = fresh_clickhouse(&url, "acme");
    let collector = start_with_store(&url, &["--time-granularity", "1s"]);
    let (id, envelopes) = post_acme(&collector, 1);
    let received_at =
        clickhouse_count(&url, &format!("SELECT toUInt32(received_at) FROM batches WHERE batch_id = '{id}'"));
    let model = model();
    for (table, expected) in expected_by_table(&envelopes, &id, received_at as i64) {
        // DateTime is read back as Unix seconds (ClickHouse 18.16 has no `SELECT * REPLACE`).
        let columns: Vec<String> = model
            .tables
            .iter()
            .find(|t| t.name == table)
            .unwrap()
            .columns
            .iter()
            .map(|c| {
                if c.name == "received_at" { "toUInt32(received_at) AS unix".into() } else { format!("\"{}\"", c.name) }
            })
            .collect();
        let answer = clickhouse(
            &url,
            &format!(
                "SELECT {} FROM \"{table}\" FINAL WHERE batch_id = '{id}' ORDER BY row_index FORMAT JSONEachRow",
                columns.join(", ")
            ),
        );
        let stored: Vec<Map<String, Value>> = answer
            .lines()
            .map(|line| {
                let mut row: Map<String, Value> = serde_json::from_str(line).unwrap();
                let unix = row.remove("unix").unwrap();
                row.insert("received_at".into(), unix);
                normalize(&model, &table, &row)
            })
            .collect();
        assert_eq!(stored, expected, "table {table}");
    }
    let response = post(collector.addr, batch_body(&id, &envelopes).as_bytes());
    assert_eq!(response.json()["status"], "duplicate");
    drop(collector);
    drop_clickhouse(&url);
}

/// Two collectors on one store; every batch is posted to both at once. Returns the batch ids.
fn post_everything_twice(store: &str, batches: u64) -> Vec<String> {
    let a = start_with_store(store, &[]);
    let b = start_with_store(store, &[]);
    let envelopes = acme_envelopes(&acme_header());
    let ids: Vec<String> = (0..batches).map(|n| batch_id(0xD0_0000 + n)).collect();
    std::thread::scope(|scope| {
        for addr in [a.addr, b.addr] {
            let ids = &ids;
            let envelopes = &envelopes;
            scope.spawn(move || {
                for id in ids {
                    let response = post(addr, batch_body(id, envelopes).as_bytes());
                    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
                }
            });
        }
    });
    ids
}

#[test]
fn postgres_two_collectors_at_once_store_every_batch_once() {
    let Some(url) = server_url(PG, "postgres_two_collectors_at_once_store_every_batch_once") else { return };
    let url = fresh_postgres(&url, "twice");
    let ids = post_everything_twice(&url, 100);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let batches: i64 = client.query_one("SELECT count(*) FROM batches", &[]).unwrap().get(0);
    assert_eq!(batches as usize, ids.len());
    let events: i64 = model()
        .tables
        .iter()
        .map(|t| client.query_one(&format!("SELECT count(*) FROM \"{}\"", t.name), &[]).unwrap().get::<_, i64>(0))
        .sum();
    assert_eq!(events as usize, ids.len() * 10);
    drop(client);
    drop_postgres(&url);
}

#[test]
fn clickhouse_two_collectors_at_once_store_every_batch_once() {
    let Some(url) = server_url(CH, "clickhouse_two_collectors_at_once_store_every_batch_once") else { return };
    let url = fresh_clickhouse(&url, "twice");
    let ids = post_everything_twice(&url, 100);
    assert_eq!(clickhouse_count(&url, "SELECT count() FROM batches FINAL") as usize, ids.len());
    let events: u64 = model()
        .tables
        .iter()
        .map(|t| clickhouse_count(&url, &format!("SELECT count() FROM \"{}\" FINAL", t.name)))
        .sum();
    assert_eq!(events as usize, ids.len() * 10);
    drop_clickhouse(&url);
}
