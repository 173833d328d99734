//! The server stores against real servers (skipped, with a message, when `TELEMETRY_TEST_POSTGRES_URL` or
//! `TELEMETRY_TEST_CLICKHOUSE_URL` is unset; `scripts/ci-services.sh` starts both):
//!
//! - a store written with an older archive (a field missing, an enum without its newest variant) is migrated
//!   in place by a store with today's: the column and the value are added, old rows kept, new rows stored;
//! - PostgreSQL quarantines the one row its table refuses (`store_rejected`) and stores the rest of the group,
//!   as SQLite does;
//! - ClickHouse: a group that failed half-way (its quarantine rows written, an event table's insert refused)
//!   and is retried stores its quarantine rows once.

mod support;

use serde_json::{Value, json};
use support::warehouse::*;
use support::*;
use telemetry_collector::model::Model;
use telemetry_collector::store::clickhouse::ClickhouseStore;
use telemetry_collector::store::postgres::PostgresStore;
use telemetry_collector::store::{CommitOutcome, EventRow, PreparedBatch, QuarantineRow, SqlValue, Store};

fn bundle() -> Value {
    serde_json::from_slice(&std::fs::read(schemas_dir().join("bundle.json")).unwrap()).unwrap()
}

/// The older archive (ERROR_FEEDBACK without its newest variant and without `retry_count`), today's (with
/// both), and the variant the older one lacks.
fn archives() -> (Model, Model, String) {
    let mut old = bundle();
    let codes = &mut old["$defs"]["ERROR_FEEDBACK.v1"]["$defs"]["ErrorCode"]["oneOf"];
    let newest = codes.as_array_mut().unwrap().pop().unwrap()["const"].as_str().unwrap().to_owned();
    let mut new = bundle();
    new["$defs"]["ERROR_FEEDBACK.v1"]["properties"]["retry_count"] =
        json!({"type": "integer", "minimum": 0, "maximum": 255, "description": "How many times it was retried."});
    (Model::from_bundle(&old).unwrap(), Model::from_bundle(&new).unwrap(), newest)
}

fn error_feedback_row(model: &Model, code: &str, retry_count: Option<i64>) -> EventRow {
    let (index, table) = model.table("ERROR_FEEDBACK", 1).unwrap();
    let values = table
        .columns
        .iter()
        .map(|column| match column.name.as_str() {
            "batch_id" => SqlValue::BatchId,
            "received_at" => SqlValue::Integer(1_767_225_600),
            "code" => SqlValue::Text(code.into()),
            "retry_count" => retry_count.map_or(SqlValue::Null, SqlValue::Integer),
            "project_id" => SqlValue::Null,
            "install_id" | "session_id" => SqlValue::Text("0123456789abcdef0123456789abcdef".into()),
            name if name.starts_with("context_is") || name == "context_cpu_count" => SqlValue::Integer(1),
            "context_os" => SqlValue::Text("linux".into()),
            "context_arch" => SqlValue::Text("other".into()),
            "sdk_name" => SqlValue::Text("acme".into()),
            _ => SqlValue::Text("0.1.0".into()),
        })
        .collect();
    EventRow { table: index, values }
}

fn batch(id: u64, rows: Vec<EventRow>, quarantine: usize) -> PreparedBatch {
    let batch_id = batch_id(id);
    let quarantine = (0..quarantine)
        .map(|i| QuarantineRow {
            batch_id: Some(batch_id.clone()),
            event_index: Some(u32::try_from(i).unwrap() + 10),
            event: Some("NOT_AN_EVENT".into()),
            reason: "unknown_event",
            problems: "[]".into(),
            bytes: format!("{{\"event\":\"NOT_AN_EVENT\",\"n\":{i}}}").into_bytes(),
            size: 30,
        })
        .collect::<Vec<_>>();
    PreparedBatch {
        batch_id: Some(batch_id),
        received_at: 1_767_225_600,
        event_count: rows.len() + quarantine.len(),
        rows,
        quarantine,
    }
}

fn postgres_count(url: &str, sql: &str) -> i64 {
    let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
    client.query_one(sql, &[]).unwrap().get(0)
}

#[test]
fn postgres_migrates_a_store_written_with_an_older_archive() {
    let Some(server) =
        server_url("TELEMETRY_TEST_POSTGRES_URL", "postgres_migrates_a_store_written_with_an_older_archive")
    else {
        return;
    };
    let url = fresh_postgres(&server, "migrate");
    let (old, new, newest) = archives();
    let mut store = PostgresStore::connect(&url).unwrap();
    store.migrate(&old).unwrap();
    let stored = store.commit(&[batch(1, vec![error_feedback_row(&old, "CONFIG_INVALID", None)], 0)]).unwrap();
    assert_eq!(stored, vec![CommitOutcome::Stored { stored: 1, quarantined: 0 }]);
    drop(store);

    let mut store = PostgresStore::connect(&url).unwrap();
    let changes = store.migrate(&new).unwrap();
    assert!(changes.contains(&"table error_feedback_v1: added column retry_count".to_owned()), "{changes:?}");
    assert!(changes.contains(&"table error_feedback_v1: column code widened".to_owned()), "{changes:?}");
    let stored = store.commit(&[batch(2, vec![error_feedback_row(&new, &newest, Some(3))], 0)]).unwrap();
    assert_eq!(
        stored,
        vec![CommitOutcome::Stored { stored: 1, quarantined: 0 }],
        "the new value and column are stored"
    );
    assert_eq!(store.migrate(&new).unwrap(), Vec::<String>::new(), "a second start changes nothing");
    drop(store);
    assert_eq!(
        postgres_count(
            &url,
            "SELECT count(*) FROM error_feedback_v1 WHERE code = 'CONFIG_INVALID' AND retry_count IS NULL"
        ),
        1,
        "the old row is kept"
    );
    assert_eq!(
        postgres_count(
            &url,
            &format!("SELECT count(*) FROM error_feedback_v1 WHERE code = '{newest}' AND retry_count = 3")
        ),
        1
    );
    // Going back to the older archive is refused: a collector never drops a column.
    let error = PostgresStore::connect(&url).unwrap().migrate(&old).unwrap_err();
    assert!(error.0.contains("never") && error.0.contains("retry_count"), "{error}");
    drop_postgres(&url);
}

#[test]
fn postgres_quarantines_the_row_its_table_refuses_and_stores_the_rest() {
    let Some(server) =
        server_url("TELEMETRY_TEST_POSTGRES_URL", "postgres_quarantines_the_row_its_table_refuses_and_stores_the_rest")
    else {
        return;
    };
    let url = fresh_postgres(&server, "refused");
    let (old, _, newest) = archives();
    let mut store = PostgresStore::connect(&url).unwrap();
    store.migrate(&old).unwrap();
    // The table (older archive) does not know `newest`: a collector with today's archive validated it.
    let group = [
        batch(1, vec![error_feedback_row(&old, "CONFIG_INVALID", None)], 1),
        batch(
            2,
            vec![
                error_feedback_row(&old, "CONFIG_INVALID", None),
                error_feedback_row(&old, &newest, None),
                error_feedback_row(&old, "CONFIG_INVALID", None),
            ],
            0,
        ),
    ];
    let outcomes = store.commit(&group).unwrap_or_else(|error| panic!("the whole group failed: {error}"));
    assert_eq!(
        outcomes,
        vec![CommitOutcome::Stored { stored: 1, quarantined: 1 }, CommitOutcome::Stored { stored: 2, quarantined: 1 }]
    );
    assert_eq!(postgres_count(&url, "SELECT count(*) FROM error_feedback_v1"), 3);
    assert_eq!(postgres_count(&url, "SELECT count(*) FROM quarantine WHERE reason = 'store_rejected'"), 1);
    assert_eq!(postgres_count(&url, "SELECT count(*) FROM quarantine"), 2);
    assert_eq!(
        postgres_count(
            &url,
            &format!(
                "SELECT count(*) FROM batches WHERE batch_id = '{}' AND stored_count = 2 AND quarantined_count = 1",
                batch_id(2)
            )
        ),
        1,
        "the batch's counts say what was stored"
    );
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let problems: String =
        client.query_one("SELECT problems FROM quarantine WHERE reason = 'store_rejected'", &[]).unwrap().get(0);
    assert!(problems.contains("store_rejected") && problems.contains("code_values"), "{problems}");
    drop(client);
    // A retry of the group stores nothing twice.
    let again = store.commit(&group).unwrap();
    assert_eq!(again, vec![CommitOutcome::Duplicate, CommitOutcome::Duplicate]);
    drop(store);
    assert_eq!(postgres_count(&url, "SELECT count(*) FROM quarantine"), 2);
    drop_postgres(&url);
}

#[test]
fn clickhouse_migrates_a_store_written_with_an_older_archive() {
    let Some(server) =
        server_url("TELEMETRY_TEST_CLICKHOUSE_URL", "clickhouse_migrates_a_store_written_with_an_older_archive")
    else {
        return;
    };
    let url = fresh_clickhouse(&server, "migrate");
    let (old, new, newest) = archives();
    let mut store = ClickhouseStore::new(&url).unwrap();
    store.migrate(&old).unwrap();
    let stored = store.commit(&[batch(1, vec![error_feedback_row(&old, "CONFIG_INVALID", None)], 0)]).unwrap();
    assert_eq!(stored, vec![CommitOutcome::Stored { stored: 1, quarantined: 0 }]);

    let mut store = ClickhouseStore::new(&url).unwrap();
    let changes = store.migrate(&new).unwrap();
    assert!(changes.contains(&"table error_feedback_v1: added column retry_count".to_owned()), "{changes:?}");
    assert!(changes.iter().any(|c| c.starts_with("table error_feedback_v1: column code is now Enum8(")), "{changes:?}");
    let stored = store.commit(&[batch(2, vec![error_feedback_row(&new, &newest, Some(3))], 0)]).unwrap();
    assert_eq!(stored, vec![CommitOutcome::Stored { stored: 1, quarantined: 0 }]);
    assert_eq!(store.migrate(&new).unwrap(), Vec::<String>::new(), "a second start changes nothing");
    assert_eq!(
        clickhouse_count(
            &url,
            "SELECT count() FROM error_feedback_v1 FINAL WHERE code = 'CONFIG_INVALID' AND retry_count IS NULL"
        ),
        1,
        "the old row is kept"
    );
    assert_eq!(
        clickhouse_count(
            &url,
            &format!("SELECT count() FROM error_feedback_v1 FINAL WHERE code = '{newest}' AND retry_count = 3")
        ),
        1
    );
    let error = ClickhouseStore::new(&url).unwrap().migrate(&old).unwrap_err();
    assert!(error.0.contains("never") && error.0.contains("retry_count"), "{error}");
    drop_clickhouse(&url);
}

#[test]
fn clickhouse_a_retried_half_done_group_stores_its_quarantine_rows_once() {
    let Some(server) = server_url(
        "TELEMETRY_TEST_CLICKHOUSE_URL",
        "clickhouse_a_retried_half_done_group_stores_its_quarantine_rows_once",
    ) else {
        return;
    };
    let url = fresh_clickhouse(&server, "halfdone");
    let (old, new, newest) = archives();
    // A table from the older archive refuses the newest variant: the group's event insert fails after (or
    // while) its quarantine insert succeeds, and the group is answered 503.
    let mut store = ClickhouseStore::new(&url).unwrap();
    store.migrate(&old).unwrap();
    let group = [batch(1, vec![error_feedback_row(&old, &newest, None)], 3)];
    let error = store.commit(&group).unwrap_err();
    assert!(error.0.contains("clickhouse"), "{error}");
    assert_eq!(
        clickhouse_count(&url, "SELECT count() FROM quarantine"),
        3,
        "the first attempt left its quarantine rows"
    );
    assert_eq!(clickhouse_count(&url, "SELECT count() FROM batches"), 0, "and no mark that the batch is whole");
    // The table is migrated (a collector with today's archive starts), and the client retries.
    let mut store = ClickhouseStore::new(&url).unwrap();
    store.migrate(&new).unwrap();
    let group = [batch(1, vec![error_feedback_row(&new, &newest, None)], 3)];
    assert_eq!(store.commit(&group).unwrap(), vec![CommitOutcome::Stored { stored: 1, quarantined: 3 }]);
    assert_eq!(clickhouse_count(&url, "SELECT count() FROM quarantine FINAL"), 3, "each quarantined row once");
    clickhouse(&url, "OPTIMIZE TABLE quarantine FINAL");
    assert_eq!(clickhouse_count(&url, "SELECT count() FROM quarantine"), 3, "and once after a merge");
    // Distinct rows of one batch are not collapsed: the rows differ in their place in the batch.
    let group = [batch(2, Vec::new(), 4)];
    assert_eq!(store.commit(&group).unwrap(), vec![CommitOutcome::Stored { stored: 0, quarantined: 4 }]);
    assert_eq!(clickhouse_count(&url, "SELECT count() FROM quarantine FINAL"), 7);
    drop_clickhouse(&url);
}

#[test]
fn clickhouse_a_plain_quarantine_table_becomes_a_collapsing_one_with_its_rows() {
    let Some(server) = server_url(
        "TELEMETRY_TEST_CLICKHOUSE_URL",
        "clickhouse_a_plain_quarantine_table_becomes_a_collapsing_one_with_its_rows",
    ) else {
        return;
    };
    let url = fresh_clickhouse(&server, "oldquarantine");
    let (base, database) = url.rsplit_once('/').unwrap();
    clickhouse(&format!("{base}/default"), &format!("CREATE DATABASE {database}"));
    // The quarantine table as stores created before this change have it, with two identical rows.
    clickhouse(
        &url,
        "CREATE TABLE quarantine (received_at DateTime, batch_id Nullable(String), event_index Nullable(UInt32), \
         event Nullable(String), reason String, problems String, body String, body_size UInt64) ENGINE = MergeTree() \
         PARTITION BY toYYYYMM(received_at) ORDER BY (received_at, reason)",
    );
    clickhouse(
        &url,
        "INSERT INTO quarantine FORMAT JSONEachRow\n\
         {\"received_at\":1767225600,\"batch_id\":null,\"event_index\":null,\"event\":null,\"reason\":\"not_a_batch\",\"problems\":\"[]\",\"body\":\"x\",\"body_size\":1}\n\
         {\"received_at\":1767225600,\"batch_id\":null,\"event_index\":null,\"event\":null,\"reason\":\"not_a_batch\",\"problems\":\"[]\",\"body\":\"x\",\"body_size\":1}\n",
    );
    let mut store = ClickhouseStore::new(&url).unwrap();
    let changes = store.migrate(&archives().1).unwrap();
    assert!(changes.iter().any(|c| c.starts_with("table quarantine: now a ReplacingMergeTree")), "{changes:?}");
    assert!(
        clickhouse(&url, "SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = 'quarantine'")
            .starts_with("ReplacingMergeTree")
    );
    assert_eq!(clickhouse_count(&url, "SELECT count() FROM quarantine FINAL"), 2, "every old row is kept");
    assert_eq!(clickhouse_count(&url, "SELECT count() FROM quarantine_before_dedup"), 2, "and the old table too");
    assert!(!store.migrate(&archives().1).unwrap().iter().any(|c| c.contains("quarantine")), "done once");
    drop_clickhouse(&url);
}
