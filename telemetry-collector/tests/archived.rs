//! A bundle with archived versions: one table per event and version, and an old client's (version 1) envelope
//! stored in the old version's table next to the new version's rows.

mod support;

use std::time::Duration;

use example_sdk::events::CliCommand;
use serde_json::{Value, json};
use support::*;
use telemetry_collector::model::Model;
use telemetry_docs::{Archive, Disclosure, Format, generate_with_archive};
use telemetry_schema::schema::SchemaOptions;
use telemetry_schema::{EventMeta, FieldMeta, TelemetryEvent};

/// CLI_COMMAND as it would be after dropping `cpu_count` and bumping to version 3 (the example stays at 2).
fn cli_command_v3() -> &'static EventMeta {
    let fields: Vec<FieldMeta> =
        CliCommand::META.fields().iter().copied().filter(|field| field.name() != "cpu_count").collect();
    let fields: &'static [FieldMeta] = Box::leak(fields.into_boxed_slice());
    Box::leak(Box::new(EventMeta::new("CLI_COMMAND", 3, CliCommand::META.doc(), fields)))
}

#[test]
fn an_archived_version_gets_its_own_table_and_an_old_clients_envelope_is_stored_in_it() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let dir = temp_dir("archived");
    let registry = Disclosure::from_registry().unwrap();
    let mut events: Vec<&EventMeta> = registry.events.into_iter().filter(|meta| meta.name() != "CLI_COMMAND").collect();
    events.push(cli_command_v3());
    let disclosure = Disclosure::new(registry.product, events).unwrap();
    let archive = Archive::load(root).unwrap().update(&disclosure).unwrap().unwrap();
    let options = SchemaOptions::for_product(registry.product);
    generate_with_archive(&disclosure, &archive, &[Format::Schemas], &options).unwrap().write(&dir).unwrap();

    let bundle: Value = serde_json::from_slice(&std::fs::read(dir.join("schemas/bundle.json")).unwrap()).unwrap();
    let model = Model::from_bundle(&bundle).unwrap();
    let (_, v1) = model.table("CLI_COMMAND", 1).expect("a table for the version acme 0.1.0 sent");
    let (_, v2) = model.table("CLI_COMMAND", 2).expect("a table for the version the example SDK sends");
    let (_, v3) = model.table("CLI_COMMAND", 3).expect("a table for the current version");
    let has_cpu_count =
        |columns: &[telemetry_collector::model::Column]| columns.iter().any(|c| c.path == ["payload", "cpu_count"]);
    assert!(has_cpu_count(&v1.columns) && has_cpu_count(&v2.columns) && !has_cpu_count(&v3.columns));

    let old: Value =
        serde_json::from_slice(include_bytes!("../../server-tests/tests/fixtures/CLI_COMMAND.v1.acme-0.1.0.json"))
            .unwrap();
    let mut new = old.clone();
    new["schema_version"] = json!(3);
    new["payload"].as_object_mut().unwrap().remove("cpu_count");
    let batch_id = "0123456789abcdef0123456789abcdef";
    let body = serde_json::to_vec(&json!({"batch_id": batch_id, "events": [old, new]})).unwrap();

    let mut collector = start_with_schemas(&dir, &dir.join("schemas"), &[]);
    let response = post(collector.addr, &body);
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    collector.terminate(Duration::from_secs(30));
    let conn = open_db(&collector.db);
    for envelope in [&old, &new] {
        let (table, mut expected) = expected_row(&model, envelope, batch_id, 0);
        let mut stored = rows(&conn, &table, batch_id);
        assert_eq!(stored.len(), 1, "{table}");
        stored[0].remove("received_at");
        expected.remove("received_at");
        assert_eq!(stored[0], expected, "{table}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
