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

/// PostgreSQL keeps the first 63 bytes of an identifier and silently drops the rest (NAMEDATALEN), so names that
/// differ only past byte 63 would name one table, one column or one constraint there. An event name may be 64
/// bytes and a version any number: `<60 bytes>_v1` and `<60 bytes>_v10` differ only in byte 64; two 64-byte field
/// names differ only in their last byte; a column `b_value` (57 bytes + `_value`) has the constraint name
/// `<b_value>_values`, whose first 63 bytes are those of `<b>_values`. Every identifier the model and the DDL use
/// must be at most 63 bytes and distinct within its namespace.
#[test]
fn names_that_differ_only_past_postgres_identifier_limit_get_distinct_identifiers() {
    let bundle = long_names_bundle();
    let model = Model::from_bundle(&bundle).unwrap();
    let mut tables = std::collections::BTreeSet::new();
    for table in &model.tables {
        assert!(
            table.name.len() <= 63,
            "table name of {} v{} is {} bytes: {}",
            table.event,
            table.version,
            table.name.len(),
            table.name
        );
        assert!(tables.insert(table.name.clone()), "two tables named {}", table.name);
        let mut columns = std::collections::BTreeSet::new();
        let mut constraints = std::collections::BTreeSet::new();
        for column in &table.columns {
            assert!(
                column.name.len() <= 63,
                "column {:?} of {} is {} bytes",
                column.name,
                table.name,
                column.name.len()
            );
            assert!(columns.insert(column.name.clone()), "two columns named {} in {}", column.name, table.name);
            // The constraint name, unquoted.
            let constraint = telemetry_collector::ddl::check_name(column);
            let constraint = constraint.trim_matches('"').to_owned();
            assert!(
                constraint.len() <= 63,
                "constraint {constraint:?} of {} is {} bytes",
                table.name,
                constraint.len()
            );
            assert!(constraints.insert(constraint.clone()), "two constraints named {constraint} in {}", table.name);
        }
    }
    // Each long-named event version has a table of its own, and the model finds it by the event's own name.
    let long = long_event_name();
    let v1 = model.table(&long, 1).unwrap().1.name.clone();
    let v10 = model.table(&long, 10).unwrap().1.name.clone();
    assert_ne!(v1, v10);
}

/// A 60-byte event name: `<name>_v1` is 63 bytes, `<name>_v10` 64.
pub fn long_event_name() -> String {
    format!("E{}", "x".repeat(59))
}

/// acme's bundle with `CLI_COMMAND.v1` copied to a 60-byte event name at versions 1 and 10, each with two 64-byte
/// fields that differ in their last byte, and the fields `<57 bytes>` and `<57 bytes>_value`.
pub fn long_names_bundle() -> Value {
    let mut bundle: Value = serde_json::from_slice(&std::fs::read(schemas_dir().join("bundle.json")).unwrap()).unwrap();
    let defs = bundle["$defs"].as_object_mut().unwrap();
    let mut copy = defs["CLI_COMMAND.v1"].clone();
    let properties = copy["properties"].as_object_mut().unwrap();
    let enum_property = properties.values().find(|p| p.get("$ref").is_some()).unwrap().clone();
    let base = format!("f{}", "y".repeat(62));
    let short = format!("g{}", "z".repeat(56));
    for name in [format!("{base}1"), format!("{base}2"), short.clone(), format!("{short}_value")] {
        properties.insert(name, enum_property.clone());
    }
    let long = long_event_name();
    defs.insert(format!("{long}.v1"), copy.clone());
    defs.insert(format!("{long}.v10"), copy);
    bundle
}

/// The same names against a real PostgreSQL: the DDL the collector runs creates one table per event version and
/// one column per field, and refuses nothing (a constraint name truncated onto another is an error there; a table
/// name truncated onto another is silently skipped by `CREATE TABLE IF NOT EXISTS`).
#[test]
fn postgres_keeps_every_table_and_column_of_long_names_apart() {
    let test = "postgres_keeps_every_table_and_column_of_long_names_apart";
    let Some(url) = support::warehouse::server_url("TELEMETRY_TEST_POSTGRES_URL", test) else { return };
    let url = support::warehouse::fresh_postgres(&url, "longnames");
    let model = Model::from_bundle(&long_names_bundle()).unwrap();
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for table in &model.tables {
        let columns = telemetry_collector::ddl::event_table_columns(telemetry_collector::ddl::Dialect::Postgres, table);
        let statement = telemetry_collector::ddl::create_event_table(
            telemetry_collector::ddl::Dialect::Postgres,
            &table.name,
            &columns,
        );
        client.batch_execute(&statement).unwrap_or_else(|error| panic!("{error}\n{statement}"));
    }
    let tables: i64 = client
        .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", &[])
        .unwrap()
        .get(0);
    assert_eq!(tables as usize, model.tables.len());
    for table in &model.tables {
        let columns: i64 = client
            .query_one(
                "SELECT count(*) FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1",
                &[&table.name],
            )
            .unwrap()
            .get(0);
        assert_eq!(columns as usize, table.columns.len(), "columns of {}", table.name);
    }
    drop(client);
    support::warehouse::drop_postgres(&url);
}

/// A payload field may be named like a column the collector fills or takes from the envelope (`sdk_version` of a
/// plugin, a `session_id` count, a group `context` with a field `os`): valid for the toolkit, so it must not stop the
/// collector from starting (before, the whole bundle was refused, and no event of any kind was stored). The
/// payload's column is named `payload_<name>` instead, and the envelope's keeps its name.
#[test]
fn payload_fields_named_like_envelope_columns_get_columns_of_their_own() {
    let mut bundle: Value = serde_json::from_slice(&std::fs::read(schemas_dir().join("bundle.json")).unwrap()).unwrap();
    let defs = bundle["$defs"].as_object_mut().unwrap();
    let mut copy = defs["CLI_COMMAND.v1"].clone();
    let properties = copy["properties"].as_object_mut().unwrap();
    let count = serde_json::json!({"type": "integer", "minimum": 0, "maximum": 9});
    for name in ["batch_id", "received_at", "install_id", "sdk_version", "session_id", "toolkit_version"] {
        properties.insert(name.into(), count.clone());
    }
    properties.insert(
        "context".into(),
        serde_json::json!({"type": "object", "properties": {"os": count}, "required": ["os"],
                           "additionalProperties": false}),
    );
    defs.insert("PLUGIN_LOADED.v1".into(), copy);
    let model = Model::from_bundle(&bundle).unwrap();
    let table = model.table("PLUGIN_LOADED", 1).unwrap().1;
    let column = |path: &[&str]| {
        table.columns.iter().find(|c| c.path == path).unwrap_or_else(|| panic!("no column for {path:?}")).name.as_str()
    };
    assert_eq!(column(&["install_id"]), "install_id");
    assert_eq!(column(&["payload", "install_id"]), "payload_install_id");
    assert_eq!(column(&["payload", "batch_id"]), "payload_batch_id");
    assert_eq!(column(&["payload", "received_at"]), "payload_received_at");
    assert_eq!(column(&["context", "os"]), "context_os");
    assert_eq!(column(&["payload", "context", "os"]), "payload_context_os");
    assert_eq!(column(&["payload", "command"]), "command");
    let ddl = telemetry_collector::ddl::render(telemetry_collector::ddl::Dialect::Sqlite, &model);
    rusqlite::Connection::open_in_memory().unwrap().execute_batch(&ddl).unwrap();
}
