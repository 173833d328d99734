//! Old clients keep working: an envelope captured from the released client (acme 0.1.0, `ACME_TELEMETRY_DEBUG=1
//! acme build`, kept byte for byte in `fixtures/`) is accepted by the bundle the repository holds, and still is
//! after the event moves to a new version, because docs-gen archives the published one.

use std::path::{Path, PathBuf};

use example_sdk::events::CliCommand;
use serde_json::Value;
use telemetry_docs::{Archive, BUNDLE_SCHEMA_PATH, Disclosure, EVENT_SCHEMAS_DIR, Format, generate_with_archive};
use telemetry_schema::decode::decode_envelope;
use telemetry_schema::schema::SchemaOptions;
use telemetry_schema::{EventMeta, FieldMeta, TelemetryEvent};
use telemetry_validator::Validator;

const RELEASED_V1: &[u8] = include_bytes!("fixtures/CLI_COMMAND.v1.acme-0.1.0.json");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

fn trimmed(bytes: &[u8]) -> &[u8] {
    bytes.strip_suffix(b"\n").unwrap_or(bytes)
}

#[test]
fn the_released_v1_envelope_validates_against_the_committed_bundle() {
    let validator = Validator::from_bundle_file(root().join(BUNDLE_SCHEMA_PATH)).unwrap();
    validator.validate_envelope(trimmed(RELEASED_V1)).unwrap();
}

#[test]
fn the_released_v1_envelope_decodes_into_the_v1_type() {
    let envelope = decode_envelope::<CliCommand>(trimmed(RELEASED_V1), &example_sdk::PRODUCT).unwrap();
    assert_eq!(envelope.event.cpu_count, 2);
    assert_eq!(envelope.header.sdk_name, "acme");
}

/// CLI_COMMAND as it would be after dropping `cpu_count` and bumping to version 2 (built by hand: the example SDK
/// itself stays at version 1).
fn cli_command_v2() -> &'static EventMeta {
    let fields: Vec<FieldMeta> =
        CliCommand::META.fields().iter().copied().filter(|field| field.name() != "cpu_count").collect();
    let fields: &'static [FieldMeta] = Box::leak(fields.into_boxed_slice());
    Box::leak(Box::new(EventMeta::new("CLI_COMMAND", 2, CliCommand::META.doc(), fields)))
}

/// The example SDK's events with CLI_COMMAND at version 2, and the bundle docs-gen writes for them from the
/// repository's archive.
fn bundle_after_bump() -> (Value, telemetry_docs::Generated) {
    let registry = Disclosure::from_registry().unwrap();
    let mut events: Vec<&EventMeta> = registry.events.into_iter().filter(|meta| meta.name() != "CLI_COMMAND").collect();
    events.push(cli_command_v2());
    let disclosure = Disclosure::new(registry.product, events).unwrap();
    let archive = Archive::load(&root()).unwrap().update(&disclosure).unwrap().expect("a new version is compatible");
    let generated = generate_with_archive(
        &disclosure,
        &archive,
        &[Format::Schemas],
        &SchemaOptions::for_product(&example_sdk::PRODUCT),
    )
    .unwrap();
    let bundle = generated.files.iter().find(|f| f.path == BUNDLE_SCHEMA_PATH).unwrap();
    (serde_json::from_str(&bundle.contents).unwrap(), generated)
}

#[test]
fn after_a_version_bump_the_released_v1_envelope_still_validates_and_v2_rules_apply_to_v2() {
    let (bundle, generated) = bundle_after_bump();
    // The published v1 schema is written back as it is in the repository, next to the new v2.
    let v1_path = format!("{EVENT_SCHEMAS_DIR}/CLI_COMMAND.v1.json");
    let v1 = generated.files.iter().find(|f| f.path == v1_path).expect("v1 is kept");
    assert_eq!(v1.contents.as_bytes(), std::fs::read(root().join(&v1_path)).unwrap());
    assert!(generated.files.iter().any(|f| f.path == format!("{EVENT_SCHEMAS_DIR}/CLI_COMMAND.v2.json")));

    let validator = Validator::from_bundle(&bundle).unwrap();
    validator.validate_envelope(trimmed(RELEASED_V1)).unwrap();
    // And the released client's envelope still decodes into the type it was sent from.
    decode_envelope::<CliCommand>(trimmed(RELEASED_V1), &example_sdk::PRODUCT).unwrap();

    let mut envelope: Value = serde_json::from_slice(RELEASED_V1).unwrap();
    envelope["payload"].as_object_mut().unwrap().remove("cpu_count");
    let v1_without_field = serde_json::to_vec(&envelope).unwrap();
    assert!(validator.validate_envelope(&v1_without_field).is_err(), "version 1 still requires cpu_count");
    envelope["schema_version"] = 2.into();
    validator.validate_envelope(&serde_json::to_vec(&envelope).unwrap()).unwrap();
    envelope["schema_version"] = 3.into();
    assert!(validator.validate_envelope(&serde_json::to_vec(&envelope).unwrap()).is_err(), "no version 3");
    let mut v2_with_old_field: Value = serde_json::from_slice(RELEASED_V1).unwrap();
    v2_with_old_field["schema_version"] = 2.into();
    assert!(validator.validate_envelope(&serde_json::to_vec(&v2_with_old_field).unwrap()).is_err());

    // The bundle says which version is current: the older one is marked deprecated.
    let text = serde_json::to_string(&bundle).unwrap();
    assert_eq!(text.matches("\"deprecated\":true").count(), 1, "only CLI_COMMAND v1 is deprecated");
}
