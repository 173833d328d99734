//! Reviewed snapshots of the schemas of a few example events and of the envelope. A change here is a change of
//! the contract servers enforce: read the diff before accepting it (`cargo insta review`).

use example_sdk::events::{AuthInit, BuildFinished, ComponentMounted, ProjectCreated};
use telemetry_schema::TelemetryEvent;
use telemetry_schema::schema::{SchemaOptions, batch_schema, envelope_schema, event_schema, to_canonical_string};

fn opts() -> SchemaOptions {
    SchemaOptions::default()
}

#[test]
fn build_finished_schema() {
    insta::assert_snapshot!(to_canonical_string(&event_schema(&BuildFinished::META, &opts())));
}

#[test]
fn auth_init_schema() {
    insta::assert_snapshot!(to_canonical_string(&event_schema(&AuthInit::META, &opts())));
}

#[test]
fn component_mounted_schema() {
    insta::assert_snapshot!(to_canonical_string(&event_schema(&ComponentMounted::META, &opts())));
}

#[test]
fn project_created_schema() {
    insta::assert_snapshot!(to_canonical_string(&event_schema(&ProjectCreated::META, &opts())));
}

#[test]
fn envelope_schema_snapshot() {
    insta::assert_snapshot!(to_canonical_string(&envelope_schema(&opts())));
}

#[test]
fn batch_schema_snapshot() {
    insta::assert_snapshot!(to_canonical_string(&batch_schema(&opts())));
}
