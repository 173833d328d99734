//! Random valid envelopes of every example event, posted over HTTP, read back from SQLite: equal, column by
//! column.
//!
//! `COLLECTOR_PROPTEST_CASES` sets the number of batches (default 256).

mod support;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;
use support::*;

#[test]
fn random_valid_envelopes_are_read_back_equal() {
    let cases: u32 = std::env::var("COLLECTOR_PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(256);
    let dir = temp_dir("roundtrip");
    let collector = start(&dir, &["--time-granularity", "1s"]);
    let model = model();
    let metas = example_metas();
    let conn = open_db(&collector.db);
    let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
    let next_batch = std::cell::Cell::new(0u64);
    runner
        .run(&(any::<u64>(), 1usize..40), |(seed, count)| {
            let mut rng = Rng(seed);
            let envelopes: Vec<String> = (0..count)
                .map(|_| random_envelope(metas[usize::try_from(rng.below(metas.len() as u64)).unwrap()], &mut rng))
                .collect();
            next_batch.set(next_batch.get() + 1);
            let id = batch_id(next_batch.get());
            let response = post(collector.addr, batch_body(&id, &envelopes).as_bytes());
            prop_assert_eq!(response.status, 200);
            let answer = response.json();
            prop_assert_eq!(&answer["stored"], &Value::from(count), "{}", answer);
            let received_at: i64 =
                conn.query_row("SELECT received_at FROM batches WHERE batch_id = ?1", [&id], |r| r.get(0)).unwrap();
            // Expected rows per table, in the order sent.
            let mut expected: std::collections::BTreeMap<String, Vec<serde_json::Map<String, Value>>> =
                std::collections::BTreeMap::new();
            for envelope in &envelopes {
                let envelope: Value = serde_json::from_str(envelope).unwrap();
                let (table, row) = expected_row(&model, &envelope, &id, received_at);
                expected.entry(table).or_default().push(row);
            }
            for (table, rows_sent) in expected {
                prop_assert_eq!(rows(&conn, &table, &id), rows_sent, "table {}", table);
            }
            Ok(())
        })
        .unwrap();
}
