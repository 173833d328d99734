//! Red team of the one-scan report and its concurrent connections: the numbers must be a naive count's, in
//! every store, whatever `--connections` says, with variant names that carry `/`, `.`, `@` and `-`, empty
//! tables, and rows on both sides of midnight.

mod support;

use std::path::Path;
use std::process::Command;

use support::warehouse::*;
use support::*;

/// Drops a test's server database.
type Cleanup = fn(&str);

fn report_with(store: &str, schemas: &Path, extra: &[&str]) -> Result<String, String> {
    let out = Command::new(env!("CARGO_BIN_EXE_telemetry-collector"))
        .args(["report", "--store", store, "--schemas"])
        .arg(schemas)
        .args(extra)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(String::from_utf8(out.stdout).unwrap())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A few batches of random events through a collector.
fn fill_some(store: &str, seed: u64) {
    let collector = start_with_store(store, &[]);
    let metas = example_metas();
    let mut rng = Rng(seed);
    for n in 0..5 {
        let envelopes: Vec<String> = (0..20)
            .map(|_| random_envelope(metas[usize::try_from(rng.below(metas.len() as u64)).unwrap()], &mut rng))
            .collect();
        let response = post(collector.addr, batch_body(&batch_id(seed * 100 + n), &envelopes).as_bytes());
        assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    }
}

#[test]
fn more_report_connections_than_tables_or_than_the_server_allows_give_the_same_report() {
    // `--connections 1000` opened a thousand connections before reading anything: PostgreSQL (max_connections
    // 50 in CI, 100 by default) refused the 51st and the report failed; a thread per connection besides.
    let dir = temp_dir("report-connections");
    let mut stores = vec![format!("sqlite:{}", dir.join("t.db").display())];
    let mut drops: Vec<(String, Cleanup)> = Vec::new();
    if let Some(url) = server_url("TELEMETRY_TEST_POSTGRES_URL", "report connections on PostgreSQL") {
        let url = fresh_postgres(&url, "rconn");
        drops.push((url.clone(), drop_postgres));
        stores.push(url);
    }
    if let Some(url) = server_url("TELEMETRY_TEST_CLICKHOUSE_URL", "report connections on ClickHouse") {
        let url = fresh_clickhouse(&url, "rconn");
        drops.push((url.clone(), drop_clickhouse));
        stores.push(url);
    }
    for store in &stores {
        fill_some(store, 7);
        let one = report_with(store, &schemas_dir(), &["--connections", "1"]).unwrap();
        for n in ["2", "1000", "1000000"] {
            let many = report_with(store, &schemas_dir(), &["--connections", n]).unwrap_or_else(|e| panic!("{n}: {e}"));
            assert_eq!(one, many, "{store} with --connections {n}");
        }
        let zero = report_with(store, &schemas_dir(), &["--connections", "0"]).unwrap_err();
        assert!(zero.contains("--connections"), "{zero}");
    }
    for (url, drop) in drops {
        drop(&url);
    }
}

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use telemetry_collector::model::{ColumnType, Model};

/// Every enum of every event renamed `v` → `@t/v.x-1'"\`: variant names with `@`, `/`, `.` and `-`, as issue 14
/// allows, and a quote, a double quote and a backslash, which `is_valid_variant_name` refuses but a hand-edited
/// `bundle.json` can hold: inside every SQL literal the DDL, the inserts and the report write.
fn renamed(v: &str) -> String {
    format!("@t/{v}.x-1'\"\\")
}

fn bundle_with_path_like_variants() -> (Value, HashMap<String, HashMap<String, String>>) {
    let mut bundle: Value = serde_json::from_slice(&std::fs::read(schemas_dir().join("bundle.json")).unwrap()).unwrap();
    let mut maps = HashMap::new();
    for (key, resource) in bundle["$defs"].as_object_mut().unwrap() {
        if key == "envelope" {
            continue;
        }
        let event = key.split_once(".v").unwrap().0.to_owned();
        let map: &mut HashMap<String, String> = maps.entry(event).or_default();
        let Some(defs) = resource.get_mut("$defs").and_then(Value::as_object_mut) else { continue };
        for def in defs.values_mut() {
            let Some(variants) = def.get_mut("oneOf").and_then(Value::as_array_mut) else { continue };
            for variant in variants {
                if let Some(name) = variant.get("const").and_then(Value::as_str).map(str::to_owned) {
                    variant["const"] = Value::from(renamed(&name));
                    map.insert(name.clone(), renamed(&name));
                }
            }
        }
    }
    (bundle, maps)
}

/// The payload with every enum value (and map key) renamed; union tags (`kind`) kept.
fn rename_values(value: &mut Value, map: &HashMap<String, String>) {
    match value {
        Value::String(text) => {
            if let Some(new) = map.get(text.as_str()) {
                *text = new.clone();
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| rename_values(item, map)),
        Value::Object(object) => {
            let entries: Vec<(String, Value)> = std::mem::take(object).into_iter().collect();
            for (key, mut item) in entries {
                // A union's tag is a case name, not an enum value: kept.
                if key != "kind" {
                    rename_values(&mut item, map);
                }
                object.insert(map.get(&key).cloned().unwrap_or(key), item);
            }
        }
        _ => {}
    }
}

/// What a naive count of the envelopes says one event version's charts must show.
#[derive(Default, Debug)]
struct Naive {
    events: u64,
    days: BTreeMap<i64, u64>,
    /// Per column name: value → events.
    values: BTreeMap<String, BTreeMap<String, u64>>,
    /// Per bool column: (true, present).
    bools: BTreeMap<String, (u64, u64)>,
}

#[test]
fn the_one_scan_report_says_what_a_naive_count_says_in_every_store() {
    let dir = temp_dir("naive-report");
    let (bundle, maps) = bundle_with_path_like_variants();
    let schemas = dir.join("schemas");
    std::fs::create_dir_all(&schemas).unwrap();
    std::fs::write(schemas.join("bundle.json"), bundle.to_string()).unwrap();
    let model = Model::from_bundle(&bundle).unwrap();
    let mut stores: Vec<(String, Option<Cleanup>)> = vec![(format!("sqlite:{}", dir.join("t.db").display()), None)];
    for (var, fresh, drop) in [
        ("TELEMETRY_TEST_POSTGRES_URL", fresh_postgres as fn(&str, &str) -> String, drop_postgres as Cleanup),
        ("TELEMETRY_TEST_CLICKHOUSE_URL", fresh_clickhouse, drop_clickhouse),
    ] {
        if let Some(url) = server_url(var, "the naive report on a server") {
            stores.push((fresh(&url, "naive"), Some(drop)));
        }
    }
    let metas = example_metas();
    for (seed, (store, cleanup)) in stores.iter().enumerate() {
        let mut rng = Rng(0xC0FFEE + seed as u64);
        let collector = start_with_schemas_and_store(&schemas, store, &[]);
        let mut batches: Vec<(String, Vec<Value>)> = Vec::new();
        // Few batches, so several event versions have no row: empty tables are part of the check.
        for n in 0..6 {
            let envelopes: Vec<Value> = (0..25)
                .map(|_| {
                    let meta = metas[usize::try_from(rng.below(metas.len() as u64)).unwrap()];
                    let mut envelope: Value = serde_json::from_str(&random_envelope(meta, &mut rng)).unwrap();
                    let map = &maps[envelope["event"].as_str().unwrap()];
                    rename_values(&mut envelope["payload"], map);
                    envelope
                })
                .collect();
            let id = batch_id(0x5EED_0000 + n);
            let texts: Vec<String> = envelopes.iter().map(Value::to_string).collect();
            let response = post(collector.addr, batch_body(&id, &texts).as_bytes());
            assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
            assert_eq!(response.json()["quarantined"], 0, "{}", response.json());
            batches.push((id, envelopes));
        }
        drop(collector);
        let url: telemetry_collector::store::StoreUrl = store.parse().unwrap();
        // SQLite and PostgreSQL: half the batches one second before midnight, half at midnight (ClickHouse
        // cannot update a sorting-key column: its rows stay where they arrived).
        let today =
            i64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs())
                .unwrap()
                / 86_400;
        let mut day_of: HashMap<String, i64> = HashMap::new();
        let moved = !store.starts_with("clickhouse");
        for (n, (id, _)) in batches.iter().enumerate() {
            let (day, at) = if !moved {
                (today, None)
            } else if n % 2 == 0 {
                (today - 1, Some(today * 86_400 - 1))
            } else {
                (today, Some(today * 86_400))
            };
            day_of.insert(id.clone(), day);
            if let Some(at) = at {
                for table in &model.tables {
                    let sql = format!("UPDATE \"{}\" SET received_at = {at} WHERE batch_id = '{id}'", table.name);
                    if let Some(path) = store.strip_prefix("sqlite:") {
                        open_db(Path::new(path)).execute(&sql, []).unwrap();
                    } else {
                        postgres::Client::connect(store, postgres::NoTls).unwrap().batch_execute(&sql).unwrap();
                    }
                }
            }
        }
        // The naive count, from the envelopes sent.
        let mut naive: BTreeMap<String, Naive> = BTreeMap::new();
        for (id, envelopes) in &batches {
            for envelope in envelopes {
                let event = envelope["event"].as_str().unwrap();
                let version = u32::try_from(envelope["schema_version"].as_u64().unwrap()).unwrap();
                let (_, table) = model.table(event, version).unwrap();
                let tally = naive.entry(format!("{event} v{version}")).or_default();
                tally.events += 1;
                *tally.days.entry(day_of[id]).or_default() += 1;
                for column in &table.columns {
                    let Some(value) = column.path.iter().try_fold(envelope, |node, key| node.get(key)) else {
                        continue;
                    };
                    match (&column.ty, value) {
                        (ColumnType::Enum(_), Value::String(v)) => {
                            *tally.values.entry(column.name.clone()).or_default().entry(v.clone()).or_default() += 1;
                        }
                        (ColumnType::EnumSet(_), Value::Array(items)) => {
                            for item in items {
                                let v = item.as_str().unwrap().to_owned();
                                *tally.values.entry(column.name.clone()).or_default().entry(v).or_default() += 1;
                            }
                        }
                        (ColumnType::Bool, Value::Bool(b)) => {
                            let entry = tally.bools.entry(column.name.clone()).or_default();
                            entry.0 += u64::from(*b);
                            entry.1 += 1;
                        }
                        _ => {}
                    }
                }
            }
        }
        let mut checked = 0;
        for connections in [1, 3] {
            let report = telemetry_collector::report::build_concurrently(&url, &model, &bundle, connections)
                .unwrap_or_else(|error| panic!("{store}: {error}"));
            let charts: HashMap<&str, &telemetry_collector::report::Chart> =
                report.charts.iter().map(|chart| (chart.title.as_str(), chart)).collect();
            for (name, total) in &report.totals {
                let expected = naive.get(name).map_or(0, |n| n.events);
                assert_eq!(*total, expected, "{store}: events of {name}");
            }
            assert!(report.totals.iter().any(|(_, n)| *n == 0), "{store}: no empty table was reported");
            for (name, tally) in &naive {
                let days = &charts[format!("{name} · events per day").as_str()].bars;
                let counts: Vec<u64> = days.iter().map(|(_, n)| *n as u64).collect();
                assert_eq!(counts, tally.days.values().copied().collect::<Vec<_>>(), "{store}: days of {name}");
                checked += 1;
                for (column, values) in &tally.values {
                    let chart = charts[format!("{name} · {column}").as_str()];
                    if values.len() > 16 {
                        continue;
                    }
                    let shown: BTreeMap<String, u64> =
                        chart.bars.iter().map(|(label, n)| (label.clone(), *n as u64)).collect();
                    assert_eq!(&shown, values, "{store}: {name} · {column}");
                    checked += 1;
                }
                for (column, (yes, known)) in &tally.bools {
                    let chart = charts[format!("{name} · {column}").as_str()];
                    let share = 100.0 * *yes as f64 / *known as f64;
                    assert!((chart.bars[0].1 - share).abs() < 1e-9, "{store}: {name} · {column}: {:?}", chart.bars);
                    checked += 1;
                }
            }
        }
        eprintln!("{store}: {checked} charts checked against the naive count");
        assert!(checked > 40, "{store}: only {checked} charts checked");
        if let Some(cleanup) = cleanup {
            cleanup(store);
        }
    }
}
