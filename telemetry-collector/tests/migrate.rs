//! Tables follow the archive: a new event version gets its table, a new optional field a column, a new variant
//! a wider constraint; rows are kept and nothing is dropped.

mod support;

use serde_json::{Value, json};
use support::*;
use telemetry_collector::model::Model;
use telemetry_collector::store::sqlite::{SqliteOptions, SqliteStore};
use telemetry_collector::store::{EventRow, PreparedBatch, SqlValue, Store};

fn bundle() -> Value {
    serde_json::from_slice(&std::fs::read(schemas_dir().join("bundle.json")).unwrap()).unwrap()
}

fn columns(store: &SqliteStore, table: &str) -> Vec<String> {
    let mut statement = store.connection().prepare(&format!("SELECT name FROM pragma_table_info('{table}')")).unwrap();
    statement.query_map([], |r| r.get(0)).unwrap().map(Result::unwrap).collect()
}

fn error_feedback_row(model: &Model, code: &str, batch: &str) -> PreparedBatch {
    let (index, table) = model.table("ERROR_FEEDBACK", 1).unwrap();
    let values = table
        .columns
        .iter()
        .map(|column| match column.name.as_str() {
            "batch_id" => SqlValue::Text(batch.into()),
            "code" => SqlValue::Text(code.into()),
            "project_id" | "retry_count" | "was_fatal" => SqlValue::Null,
            name if name.starts_with("context_is") || name == "received_at" || name == "context_cpu_count" => {
                SqlValue::Integer(0)
            }
            "context_os" => SqlValue::Text("linux".into()),
            "context_arch" => SqlValue::Text("other".into()),
            _ => SqlValue::Text("0.1.0".into()),
        })
        .collect();
    PreparedBatch {
        batch_id: Some(batch.into()),
        received_at: 0,
        event_count: 1,
        rows: vec![EventRow { table: index, values }],
        quarantine: Vec::new(),
    }
}

#[test]
fn tables_follow_the_archive_and_nothing_is_dropped() {
    let dir = temp_dir("migrate");
    let path = dir.join("telemetry.db");

    // An older archive: no SDK_UPGRADED at all, and ERROR_FEEDBACK without its last variant.
    let mut old = bundle();
    old["$defs"].as_object_mut().unwrap().remove("SDK_UPGRADED.v2");
    let codes = &mut old["$defs"]["ERROR_FEEDBACK.v1"]["$defs"]["ErrorCode"]["oneOf"];
    let newest_variant = codes.as_array_mut().unwrap().pop().unwrap()["const"].as_str().unwrap().to_owned();
    let old_model = Model::from_bundle(&old).unwrap();
    let mut store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    let created = store.migrate(&old_model).unwrap();
    assert_eq!(created.len(), old_model.tables.len(), "{created:?}");
    assert!(
        store.commit(&[error_feedback_row(&old_model, "CONFIG_INVALID", &batch_id(1))]).unwrap()
            == vec![telemetry_collector::store::CommitOutcome::Stored { stored: 1, quarantined: 0 }]
    );
    // The old table refuses the variant it does not know.
    let refused = store.commit(&[error_feedback_row(&old_model, &newest_variant, &batch_id(2))]).unwrap();
    assert_eq!(
        refused,
        vec![telemetry_collector::store::CommitOutcome::Stored { stored: 0, quarantined: 1 }],
        "a value the table's constraint refuses is quarantined (store_rejected), not lost"
    );
    // Re-running the same archive changes nothing.
    assert_eq!(store.migrate(&old_model).unwrap(), Vec::<String>::new());
    drop(store);

    // Today's archive, plus a new optional field on ERROR_FEEDBACK.
    let mut new = bundle();
    let event = &mut new["$defs"]["ERROR_FEEDBACK.v1"];
    event["properties"]["retry_count"] =
        json!({"type": "integer", "minimum": 0, "maximum": 255, "description": "How many times it was retried."});
    let new_model = Model::from_bundle(&new).unwrap();
    let mut store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    let changes = store.migrate(&new_model).unwrap();
    assert!(changes.contains(&"created table sdk_upgraded_v2 (16 columns)".to_owned()), "{changes:?}");
    assert!(changes.iter().any(|c| c.starts_with("table error_feedback_v1: constraints widened")), "{changes:?}");
    let columns = columns(&store, "error_feedback_v1");
    assert_eq!(columns.last().map(String::as_str), Some("retry_count"), "new columns go last: {columns:?}");
    // The old row is still there, and the new variant is accepted now.
    let kept: i64 = store
        .connection()
        .query_row("SELECT count(*) FROM error_feedback_v1 WHERE code = 'CONFIG_INVALID'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 1);
    let stored = store.commit(&[error_feedback_row(&new_model, &newest_variant, &batch_id(3))]).unwrap();
    assert_eq!(stored, vec![telemetry_collector::store::CommitOutcome::Stored { stored: 1, quarantined: 0 }]);
    assert_eq!(store.migrate(&new_model).unwrap(), Vec::<String>::new());
    drop(store);

    // Only a new column: added in place with ALTER TABLE, no rebuild.
    let mut newer = new.clone();
    newer["$defs"]["ERROR_FEEDBACK.v1"]["properties"]["was_fatal"] = json!({"type": "boolean", "description": "x"});
    let newer_model = Model::from_bundle(&newer).unwrap();
    let mut store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    assert_eq!(
        store.migrate(&newer_model).unwrap(),
        vec!["table error_feedback_v1: added column was_fatal".to_owned()]
    );
    drop(store);

    // Going back to an archive without that field is refused: a collector never drops a column.
    let mut store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    let error = store.migrate(&new_model).unwrap_err();
    assert!(error.0.contains("never drops a column"), "{error}");
}
