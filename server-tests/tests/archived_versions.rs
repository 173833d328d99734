//! Old clients keep working: an envelope captured from the released client (acme 0.1.0, `ACME_TELEMETRY_DEBUG=1
//! acme build`, kept byte for byte in `fixtures/`) is accepted by the bundle the repository holds, now that the
//! example SDK sends CLI_COMMAND at version 2 (bounded numbers, issue 9), and still is after a further version,
//! because docs-gen archives every published one.

use std::path::{Path, PathBuf};

use example_sdk::events::{CliCommand, Command};
use serde_json::Value;
use telemetry_docs::{Archive, BUNDLE_SCHEMA_PATH, Disclosure, EVENT_SCHEMAS_DIR, Format, generate_with_archive};
use telemetry_schema::decode::decode_envelope;
use telemetry_schema::schema::SchemaOptions;
use telemetry_schema::{Arch, EventMeta, FieldMeta, Fields, Os, TelemetryEvent, Version};
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

/// CLI_COMMAND at version 1, as acme 0.1.0 sent it: the fields of today's version without the bounds version 2
/// added. Implemented by hand, not derived, so that it is not registered: the registry holds the current version.
#[derive(Debug)]
struct CliCommandV1 {
    command: Command,
    cli_version: Version,
    is_ci: bool,
    cpu_count: u16,
    os: Os,
    arch: Arch,
}

impl TelemetryEvent for CliCommandV1 {
    const META: EventMeta = EventMeta::new("CLI_COMMAND", 1, CliCommand::META.doc(), CliCommand::META.fields());

    fn visit_fields(&self, fields: &mut Fields<'_>) {
        let Self { command, cli_version, is_ci, cpu_count, os, arch } = self;
        fields.field(command);
        fields.field(cli_version);
        fields.field(is_ci);
        fields.field(cpu_count);
        fields.field(os);
        fields.field(arch);
    }
}

telemetry_schema::impl_decode!(event CliCommandV1 { command, cli_version, is_ci, cpu_count, os, arch });

#[test]
fn the_released_v1_envelope_decodes_into_the_v1_type() {
    let envelope = decode_envelope::<CliCommandV1>(trimmed(RELEASED_V1), &example_sdk::PRODUCT).unwrap();
    assert_eq!(envelope.event.cpu_count, 2);
    assert_eq!(envelope.header.sdk_name, "acme");
    // Today's type is version 2: the released envelope is not read as if it were one.
    assert!(decode_envelope::<CliCommand>(trimmed(RELEASED_V1), &example_sdk::PRODUCT).is_err());
}

/// CLI_COMMAND as it would be after dropping `cpu_count` and bumping to version 3 (built by hand: the example SDK
/// itself stays at version 2).
fn cli_command_v3() -> &'static EventMeta {
    let fields: Vec<FieldMeta> =
        CliCommand::META.fields().iter().copied().filter(|field| field.name() != "cpu_count").collect();
    let fields: &'static [FieldMeta] = Box::leak(fields.into_boxed_slice());
    Box::leak(Box::new(EventMeta::new("CLI_COMMAND", 3, CliCommand::META.doc(), fields)))
}

/// The example SDK's events with CLI_COMMAND at version 3, and the bundle docs-gen writes for them from the
/// repository's archive.
fn bundle_after_bump() -> (Value, telemetry_docs::Generated) {
    let registry = Disclosure::from_registry().unwrap();
    let mut events: Vec<&EventMeta> = registry.events.into_iter().filter(|meta| meta.name() != "CLI_COMMAND").collect();
    events.push(cli_command_v3());
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
fn after_a_version_bump_the_released_v1_envelope_still_validates_and_v3_rules_apply_to_v3() {
    let (bundle, generated) = bundle_after_bump();
    // The published v1 and v2 schemas are written back as they are in the repository, next to the new v3.
    for version in [1, 2] {
        let path = format!("{EVENT_SCHEMAS_DIR}/CLI_COMMAND.v{version}.json");
        let file = generated.files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("v{version} is kept"));
        assert_eq!(file.contents.as_bytes(), std::fs::read(root().join(&path)).unwrap());
    }
    assert!(generated.files.iter().any(|f| f.path == format!("{EVENT_SCHEMAS_DIR}/CLI_COMMAND.v3.json")));

    let validator = Validator::from_bundle(&bundle).unwrap();
    validator.validate_envelope(trimmed(RELEASED_V1)).unwrap();
    // And the released client's envelope still decodes into the type it was sent from.
    decode_envelope::<CliCommandV1>(trimmed(RELEASED_V1), &example_sdk::PRODUCT).unwrap();

    let mut envelope: Value = serde_json::from_slice(RELEASED_V1).unwrap();
    envelope["payload"].as_object_mut().unwrap().remove("cpu_count");
    let v1_without_field = serde_json::to_vec(&envelope).unwrap();
    assert!(validator.validate_envelope(&v1_without_field).is_err(), "version 1 still requires cpu_count");
    envelope["schema_version"] = 2.into();
    assert!(validator.validate_envelope(&serde_json::to_vec(&envelope).unwrap()).is_err(), "so does version 2");
    envelope["schema_version"] = 3.into();
    validator.validate_envelope(&serde_json::to_vec(&envelope).unwrap()).unwrap();
    envelope["schema_version"] = 4.into();
    assert!(validator.validate_envelope(&serde_json::to_vec(&envelope).unwrap()).is_err(), "no version 4");
    let mut v3_with_old_field: Value = serde_json::from_slice(RELEASED_V1).unwrap();
    v3_with_old_field["schema_version"] = 3.into();
    assert!(validator.validate_envelope(&serde_json::to_vec(&v3_with_old_field).unwrap()).is_err());

    // The bundle says which version is current: every older one is marked deprecated, CLI_COMMAND's v1 and v2
    // among them.
    let text = serde_json::to_string(&bundle).unwrap();
    let archived = Archive::load(&root()).unwrap();
    let current = |event: &str| {
        let highest = archived.versions.iter().filter(|v| v.event == event).map(|v| v.version).max().unwrap();
        if event == "CLI_COMMAND" { 3 } else { highest }
    };
    let older: Vec<String> = archived
        .versions
        .iter()
        .filter(|v| v.version < current(&v.event))
        .map(|v| format!("{} v{}", v.event, v.version))
        .collect();
    assert!(older.contains(&"CLI_COMMAND v1".to_owned()) && older.contains(&"CLI_COMMAND v2".to_owned()));
    assert_eq!(text.matches("\"deprecated\":true").count(), older.len(), "deprecated: {older:?}");
}
