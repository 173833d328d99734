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
