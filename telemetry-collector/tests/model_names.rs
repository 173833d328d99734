//! Table names are event names in lower case: two events whose names differ only in case must not share a table.

mod support;

use serde_json::Value;
use support::*;
use telemetry_collector::model::Model;

#[test]
fn events_whose_names_differ_only_in_case_are_refused_not_stored_in_one_table() {
    let mut bundle: Value = serde_json::from_slice(&std::fs::read(schemas_dir().join("bundle.json")).unwrap()).unwrap();
    // An archive that kept an older event `Cli_Command` next to today's `CLI_COMMAND` (both valid event names).
    let defs = bundle["$defs"].as_object_mut().unwrap();
    let copy = defs["CLI_COMMAND.v1"].clone();
    defs.insert("Cli_Command.v1".into(), copy);
    let error = Model::from_bundle(&bundle).unwrap_err().to_string();
    assert!(error.contains("\"CLI_COMMAND\" and \"Cli_Command\""), "{error}");
    assert!(error.contains("\"cli_command_v1\""), "{error}");
}

#[test]
fn fields_whose_names_differ_only_in_case_are_refused_not_given_one_sqlite_column() {
    let mut bundle: Value = serde_json::from_slice(&std::fs::read(schemas_dir().join("bundle.json")).unwrap()).unwrap();
    // `#[telemetry(rename = "Is_Ci")]` next to `is_ci`: two keys for the schema, one column for SQLite.
    let properties = bundle["$defs"]["CLI_COMMAND.v1"]["properties"].as_object_mut().unwrap();
    let copy = properties["is_ci"].clone();
    properties.insert("Is_Ci".into(), copy);
    let error = Model::from_bundle(&bundle).unwrap_err().to_string();
    assert!(error.contains("/payload/is_ci") && error.contains("/payload/Is_Ci"), "{error}");
    assert!(error.contains("differ only in case"), "{error}");
}

/// Issue 14: event names may have dots (`cli.start`) and variant names slashes, dots and an `@` (`next/image`,
/// `gpt-5.5`, `@clerk/nextjs`). Each event still gets its own table (`cli.start` and `cli_start` too), every name
/// is quoted, and the DDL runs.
#[test]
fn dotted_event_names_and_path_like_variants_get_distinct_quoted_tables() {
    let mut bundle: Value = serde_json::from_slice(&std::fs::read(schemas_dir().join("bundle.json")).unwrap()).unwrap();
    let defs = bundle["$defs"].as_object_mut().unwrap();
    let mut copy = defs["CLI_COMMAND.v1"].clone();
    // Give the first enum the variant names real dashboards use.
    let text = serde_json::to_string(&copy).unwrap();
    let first_const = text.find("\"const\":\"").expect("an enum in CLI_COMMAND") + "\"const\":\"".len();
    let end = first_const + text[first_const..].find('"').unwrap();
    let text = format!("{}@clerk/nextjs{}", &text[..first_const], &text[end..]);
    copy = serde_json::from_str(&text).unwrap();
    defs.insert("cli.start.v1".into(), copy.clone());
    defs.insert("cli_start.v1".into(), copy);
    let model = Model::from_bundle(&bundle).unwrap();
    let names: Vec<&str> = model.tables.iter().map(|table| table.name.as_str()).collect();
    assert!(names.contains(&"cli.start_v1") && names.contains(&"cli_start_v1"), "{names:?}");
    assert_eq!(model.table("cli.start", 1).unwrap().1.name, "cli.start_v1");

    let ddl = telemetry_collector::ddl::render(telemetry_collector::ddl::Dialect::Sqlite, &model);
    assert!(ddl.contains("CREATE TABLE \"cli.start_v1\""), "{ddl}");
    assert!(ddl.contains("'@clerk/nextjs'"), "{ddl}");
    let db = rusqlite::Connection::open_in_memory().unwrap();
    db.execute_batch(&ddl).unwrap();
    let tables: i64 = db
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('cli.start_v1', 'cli_start_v1')",
            [],
            |row| row.get(0),
        )
        .unwrap();
    assert_eq!(tables, 2);
}
