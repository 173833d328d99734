//! The server-side validator: accepts what the serializer writes, rejects the rest with structured problems,
//! and enforces its limits before parsing the whole body.

use serde_json::{Value, json};
use telemetry_schema::schema::{SchemaOptions, bundle_schema};
use telemetry_schema::{
    AnonymousId, Arch, Context, EnvelopeHeader, Os, TelemetryEnum, TelemetryEvent, TelemetryGroup, Version,
    write_envelope,
};
use telemetry_validator::{Limits, ProblemKind, Validator};

/// A colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Colour {
    /// Red.
    Red,
    /// Blue.
    Blue,
}

/// Some flags.
#[derive(Debug, Clone, TelemetryGroup)]
struct Flags {
    /// A flag.
    on: bool,
}

/// Sent when painting.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(name = "PAINTED", version = 2)]
struct Painted {
    /// How many coats.
    coats: u8,
    /// The colour.
    colour: Colour,
    /// Flags.
    flags: Flags,
}

/// Sent when nothing happened.
#[derive(Debug, Clone, TelemetryEvent)]
struct Idle {
    /// How long.
    seconds: Option<u32>,
}

fn header() -> EnvelopeHeader {
    EnvelopeHeader {
        sdk_name: "acme",
        sdk_version: Version::new(1, 2, 3),
        install_id: AnonymousId::from_random_bytes([7; 16]),
        project_id: None,
        session_id: AnonymousId::from_random_bytes([9; 16]),
        context: Context { os: Os::Linux, arch: Arch::Aarch64, cpu_count: 4, is_ci: true, is_tty: false },
    }
}

fn painted() -> Painted {
    Painted { coats: 2, colour: Colour::Blue, flags: Flags { on: true } }
}

fn envelope<E: TelemetryEvent>(event: &E) -> String {
    let mut out = String::new();
    write_envelope(&mut out, &header(), event).unwrap();
    out
}

fn validator() -> Validator {
    Validator::from_bundle(&bundle_schema(&[&Painted::META, &Idle::META], &SchemaOptions::default())).unwrap()
}

fn with(envelope: &str, edit: impl FnOnce(&mut Value)) -> Vec<u8> {
    let mut value: Value = serde_json::from_str(envelope).unwrap();
    edit(&mut value);
    serde_json::to_vec(&value).unwrap()
}

#[test]
fn serialized_envelopes_and_batches_are_accepted() {
    let v = validator();
    v.validate_envelope(envelope(&painted()).as_bytes()).unwrap();
    v.validate_envelope(envelope(&Idle { seconds: None }).as_bytes()).unwrap();
    v.validate_envelope(envelope(&Painted { colour: Colour::Red, ..painted() }).as_bytes()).unwrap();
    let batch = format!("{{\"events\":[{},{}]}}", envelope(&painted()), envelope(&Idle { seconds: Some(3) }));
    assert_eq!(v.validate_batch(batch.as_bytes()).unwrap(), 2);
    assert_eq!(v.validate_batch(br#"{"events":[]}"#).unwrap(), 0);
    assert_eq!(v.event_names(), ["IDLE", "PAINTED"]);
}

#[test]
fn a_payload_problem_names_the_event_the_pointer_and_what_was_expected() {
    let v = validator();
    let bad = with(&envelope(&painted()), |e| e["payload"]["coats"] = json!(256));
    let batch = format!("{{\"events\":[{},{}]}}", envelope(&painted()), String::from_utf8(bad).unwrap());
    let rejection = v.validate_batch(batch.as_bytes()).unwrap_err();
    let [problem] = rejection.problems() else { panic!("{rejection}") };
    assert_eq!(problem.event_index(), Some(1));
    assert_eq!(problem.event_name(), Some("PAINTED"));
    assert_eq!(problem.pointer(), "/events/1/payload/coats");
    assert_eq!(problem.kind(), &ProblemKind::Schema);
    assert_eq!(problem.expected(), "a number of at most 255");
    assert_eq!(
        rejection.to_string(),
        "telemetry body rejected:\n  event #1 (PAINTED) at /events/1/payload/coats: expected a number of at most 255"
    );
}

#[test]
fn unknown_variants_fields_and_types_are_explained() {
    let v = validator();
    type Case = (fn(&mut Value), &'static str, &'static str);
    let cases: [Case; 5] = [
        (|e| e["payload"]["colour"] = json!("Green"), "/payload/colour", "one of \"Red\", \"Blue\""),
        (|e| e["payload"]["flags"]["extra"] = json!(1), "/payload/flags", "no property \"extra\""),
        (|e| e["payload"]["coats"] = json!("2"), "/payload/coats", "an integer"),
        (|e| e["sdk"]["version"] = json!("1.0.0-jane.doe"), "/sdk/version", "a string matching"),
        (|e| drop(e.as_object_mut().unwrap().remove("session_id")), "", "the required property \"session_id\""),
    ];
    for (edit, pointer, expected) in cases {
        let rejection = v.validate_envelope(&with(&envelope(&painted()), edit)).unwrap_err();
        let problem = &rejection.problems()[0];
        assert_eq!(problem.pointer(), pointer, "{rejection}");
        assert!(problem.expected().starts_with(expected), "{rejection}");
    }
}

#[test]
fn unknown_events_and_versions_are_rejected() {
    let v = validator();
    let r = v.validate_envelope(&with(&envelope(&painted()), |e| e["event"] = json!("PAINTED_X"))).unwrap_err();
    assert_eq!(r.problems()[0].kind(), &ProblemKind::UnknownEvent);
    assert_eq!(r.problems()[0].pointer(), "/event");
    let r = v.validate_envelope(&with(&envelope(&painted()), |e| e["schema_version"] = json!(1))).unwrap_err();
    assert_eq!(r.problems()[0].kind(), &ProblemKind::UnknownSchemaVersion);
    assert_eq!(r.problems()[0].expected(), "schema version 2 of event PAINTED");
}

#[test]
fn a_version_written_as_a_float_still_gets_its_payload_checked() {
    let v = validator();
    // `2.0` is an integer to JSON Schema, so the envelope schema accepts it; the payload must still be checked.
    let body = with(&envelope(&painted()), |e| {
        e["schema_version"] = json!(2.0);
        e["payload"]["free_text"] = json!("jane@example.com");
    });
    let r = v.validate_envelope(&body).unwrap_err();
    assert!(r.problems().iter().any(|p| p.pointer().starts_with("/payload")), "{r}");
    let clean = with(&envelope(&painted()), |e| e["schema_version"] = json!(2.0));
    v.validate_envelope(&clean).unwrap();
}

#[test]
fn a_pinned_sdk_name_refuses_any_other_name() {
    let opts = SchemaOptions { sdk_name: Some(header().sdk_name.to_owned()), ..SchemaOptions::default() };
    let pinned = Validator::from_bundle(&bundle_schema(&[&Painted::META, &Idle::META], &opts)).unwrap();
    pinned.validate_envelope(envelope(&painted()).as_bytes()).unwrap();
    // A well-formed name that is not the SDK's (it could be anything the host put there) is refused.
    let r =
        pinned.validate_envelope(&with(&envelope(&painted()), |e| e["sdk"]["name"] = json!("jane_doe"))).unwrap_err();
    assert_eq!(r.problems()[0].pointer(), "/sdk/name", "{r}");
    // Without a pinned name, any well-formed name passes.
    validator().validate_envelope(&with(&envelope(&painted()), |e| e["sdk"]["name"] = json!("jane_doe"))).unwrap();
}

#[test]
fn oversized_bodies_are_refused_before_parsing() {
    let v = validator().with_limits(Limits { max_body_bytes: 100, ..Limits::default() });
    let r = v.validate_envelope(&[b'x'; 101]).unwrap_err();
    assert_eq!(r.problems()[0].kind(), &ProblemKind::BodyTooLarge { limit: 100, actual: 101 });
}

#[test]
fn too_deep_bodies_stop_parsing_at_the_limit() {
    let v = validator().with_limits(Limits { max_depth: 8, ..Limits::default() });
    // Invalid JSON after the limit: the error is about depth, so parsing stopped before reaching it.
    let mut body = "[".repeat(9);
    body.push_str("garbage");
    let r = v.validate_envelope(body.as_bytes()).unwrap_err();
    assert_eq!(r.problems()[0].kind(), &ProblemKind::TooDeep { limit: 8 });
    // 8 deep is fine as far as depth goes (it is then not an envelope).
    let r = v.validate_envelope(format!("{}{}", "[".repeat(8), "]".repeat(8)).as_bytes()).unwrap_err();
    assert_eq!(r.problems()[0].kind(), &ProblemKind::Schema);
    // Far past serde_json's own recursion limit, still a clean rejection.
    let r = validator().validate_batch("{\"events\":[".repeat(50_000).as_bytes()).unwrap_err();
    assert_eq!(r.problems()[0].kind(), &ProblemKind::TooDeep { limit: 16 });
}

#[test]
fn long_batches_stop_parsing_at_the_limit() {
    let v = validator().with_limits(Limits { max_batch_len: 2, ..Limits::default() });
    let one = envelope(&painted());
    let body = format!("{{\"events\":[{one},{one},{one}, this is not json");
    let r = v.validate_batch(body.as_bytes()).unwrap_err();
    assert_eq!(r.problems()[0].kind(), &ProblemKind::BatchTooLong { limit: 2 });
    assert_eq!(r.problems()[0].pointer(), "/events");
    assert_eq!(v.validate_batch(format!("{{\"events\":[{one},{one}]}}").as_bytes()).unwrap(), 2);
}

#[test]
fn duplicate_keys_are_refused() {
    let body = envelope(&painted()).replacen("\"event\":\"PAINTED\"", "\"event\":\"IDLE\",\"event\":\"PAINTED\"", 1);
    let r = validator().validate_envelope(body.as_bytes()).unwrap_err();
    assert!(matches!(r.problems()[0].kind(), ProblemKind::DuplicateKey { .. }), "{r}");
}

#[test]
fn malformed_bodies_and_batches_are_rejected_with_a_reason() {
    let v = validator();
    for body in [&b""[..], b"{", b"\xff\xfe", b"{} {}", b"null", b"[]"] {
        assert!(v.validate_envelope(body).is_err(), "{body:?}");
    }
    let r = v.validate_batch(b"{\"events\":{},\"more\":1}").unwrap_err();
    let kinds: Vec<&ProblemKind> = r.problems().iter().map(|p| p.kind()).collect();
    assert_eq!(kinds, [&ProblemKind::Schema, &ProblemKind::NotABatch]);
    let r = v.validate_batch(b"[1]").unwrap_err();
    assert_eq!(r.problems()[0].kind(), &ProblemKind::NotABatch);
    assert!(matches!(v.validate_envelope(b"{\"a\":").unwrap_err().problems()[0].kind(), ProblemKind::NotJson { .. }));
}

#[test]
fn problems_are_capped() {
    let bad = with(&envelope(&painted()), |e| e["payload"]["coats"] = json!(-1));
    let one = String::from_utf8(bad).unwrap();
    let body = format!("{{\"events\":[{}]}}", vec![one; 150].join(","));
    let r = validator().validate_batch(body.as_bytes()).unwrap_err();
    assert_eq!(r.problems().len(), telemetry_validator::MAX_REPORTED_PROBLEMS);
    assert_eq!(r.unreported(), 50);
}

#[test]
fn the_fast_dispatch_agrees_with_a_generic_validator_over_the_whole_bundle() {
    let bundle = bundle_schema(&[&Painted::META, &Idle::META], &SchemaOptions::default());
    let generic = jsonschema::draft202012::new(&bundle).unwrap();
    let v = validator();
    let base = envelope(&painted());
    let edits: [fn(&mut Value); 7] = [
        |_| {},
        |e| e["payload"]["coats"] = json!(256),
        |e| e["event"] = json!("IDLE"),
        |e| e["schema_version"] = json!(3),
        |e| e["event"] = json!("NOPE"),
        |e| e["payload"] = json!({}),
        |e| e["context"]["os"] = json!("plan9"),
    ];
    for edit in edits {
        let body = with(&base, edit);
        let value: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(v.validate_envelope(&body).is_ok(), generic.is_valid(&value), "{value}");
    }
}

#[test]
fn bad_bundles_are_refused_with_a_reason() {
    for (bundle, says) in [
        (json!([]), "not a JSON object"),
        (json!({"$schema": "http://json-schema.org/draft-07/schema#"}), "\"$schema\""),
        (json!({"$schema": "https://json-schema.org/draft/2020-12/schema"}), "no \"$defs\""),
        (json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "$defs": {}}), "$defs/envelope"),
    ] {
        let err = Validator::from_bundle(&bundle).unwrap_err().to_string();
        assert!(err.contains(says) && err.contains("regenerate bundle.json"), "{err}");
    }
    let mut bundle = bundle_schema(&[&Idle::META], &SchemaOptions::default());
    bundle["$defs"]["whatever"] = json!({});
    assert!(Validator::from_bundle(&bundle).unwrap_err().to_string().contains("\"$defs/whatever\""));
    bundle["$defs"].as_object_mut().unwrap().remove("whatever");
    bundle["$defs"]["IDLE.v1"]["properties"]["seconds"]["minimum"] = json!("zero");
    assert!(Validator::from_bundle(&bundle).unwrap_err().to_string().contains("IDLE.v1"));
    let err = Validator::from_bundle_file("/nonexistent/bundle.json").unwrap_err().to_string();
    assert!(err.contains("/nonexistent/bundle.json"), "{err}");
    assert!(Validator::from_bundle_bytes(b"{").unwrap_err().to_string().contains("not valid JSON"));
}
