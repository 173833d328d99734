//! Red team of the server stores' newest code against real servers: ClickHouse's concurrent inserts of a group
//! (one fails: the batch is not acknowledged, and its retry counts once) and PostgreSQL's row-by-row quarantine
//! (a refusal that is not the row's fault must be a 503, not a quarantined row).
//!
//! Skipped, with a message, unless `TELEMETRY_TEST_POSTGRES_URL` / `TELEMETRY_TEST_CLICKHOUSE_URL` are set.

mod support;

use std::time::Duration;

use serde_json::Value;
use support::warehouse::*;
use support::*;

/// The acme envelope of `event`, and its table's name.
fn acme(event: &str) -> (String, String) {
    let envelope = acme_envelopes(&acme_header())
        .into_iter()
        .find(|e| serde_json::from_str::<Value>(e).unwrap()["event"] == event)
        .unwrap();
    let version = serde_json::from_str::<Value>(&envelope).unwrap()["schema_version"].as_u64().unwrap();
    let table = model().table(event, u32::try_from(version).unwrap()).unwrap().1.name.clone();
    (envelope, table)
}

#[test]
fn clickhouse_a_group_retried_after_one_insert_failed_counts_once_even_in_a_later_time_step() {
    let Some(url) = server_url("TELEMETRY_TEST_CLICKHOUSE_URL", "clickhouse retry in a later time step") else {
        return;
    };
    let url = fresh_clickhouse(&url, "rtretry");
    // A one-second granularity makes the retry land in another time step, as a retry at 12:59:58 and 13:00:03
    // does with the default hour (and at the end of a month, in another partition).
    let collector = start_with_store(&url, &["--time-granularity", "1s"]);
    let (feedback, feedback_table) = acme("ERROR_FEEDBACK");
    let (command, command_table) = acme("CLI_COMMAND");
    let body = batch_body(&batch_id(0xAB), &[command, feedback]);
    // One of the group's inserts fails (its table is away): the others are written, the batch is not.
    clickhouse(&url, &format!("RENAME TABLE {feedback_table} TO away"));
    let response = post(collector.addr, body.as_bytes());
    assert_eq!(response.status, 503, "{}", String::from_utf8_lossy(&response.body));
    clickhouse(&url, &format!("RENAME TABLE away TO {feedback_table}"));
    std::thread::sleep(Duration::from_millis(1_100));
    let mut retried = post(collector.addr, body.as_bytes());
    for _ in 0..20 {
        if retried.status == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
        retried = post(collector.addr, body.as_bytes());
    }
    assert_eq!(retried.status, 200, "{}", String::from_utf8_lossy(&retried.body));
    assert_eq!(retried.json()["status"], "stored");
    let id = batch_id(0xAB);
    for table in [&command_table, &feedback_table] {
        let n = clickhouse_count(&url, &format!("SELECT count() FROM {table} FINAL WHERE batch_id = '{id}'"));
        assert_eq!(n, 1, "{table} holds the batch {n} times");
    }
    drop(collector);
    drop_clickhouse(&url);
}
