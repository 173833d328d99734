//! Red team of the one-scan report and its concurrent connections: the numbers must be a naive count's, in
//! every store, whatever `--connections` says, with variant names that carry `/`, `.`, `@` and `-`, empty
//! tables, and rows on both sides of midnight.

mod support;

use std::path::Path;
use std::process::Command;

use support::warehouse::*;
use support::*;

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
    let mut drops: Vec<(String, fn(&str))> = Vec::new();
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
