//! The server-side validator: accepts what the serializer writes, rejects the rest with structured problems,
//! and enforces its limits before parsing the whole body.

use std::collections::BTreeSet;

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
fn a_version_written_as_a_float_is_refused_before_any_schema_runs() {
    let v = validator();
    // `2.0` is an integer to JSON Schema; it once skipped the payload check, and is now refused outright.
    let clean = with(&envelope(&painted()), |e| e["schema_version"] = json!(2.0));
    let r = v.validate_envelope(&clean).unwrap_err();
    assert!(matches!(r.problems()[0].kind(), ProblemKind::NotAnInteger { .. }), "{r}");
}

/// Every way of writing a number that is not a plain integer, some with the value of one.
const NOT_PLAIN_INTEGERS: &[&str] = &[
    "2.0",
    "1.0",
    "0.0",
    "-0",
    "-0.0",
    "1e2",
    "1E2",
    "2e0",
    "1e+2",
    "9e-999",
    "0.5",
    "2.5e1",
    "-1.5",
    // 2^64 and more: serde_json reads them as floats.
    "18446744073709551616",
    "100000000000000000000000000000",
];

/// Where a number can stand in an envelope: an envelope field, a context field, a payload count, a nested
/// group's field, a value of a key no schema knows, and an array item.
fn number_positions(token: &str) -> Vec<String> {
    let plain = envelope(&painted());
    let zeros = format!("2.{}", "0".repeat(129));
    let token = if token == "LONG" { zeros.as_str() } else { token };
    vec![
        plain.replacen("\"schema_version\":2", &format!("\"schema_version\":{token}"), 1),
        plain.replacen("\"cpu_count\":4", &format!("\"cpu_count\":{token}"), 1),
        plain.replacen("\"coats\":2", &format!("\"coats\":{token}"), 1),
        plain.replacen("\"payload\":{", &format!("\"payload\":{{\"unknown\":{token},"), 1),
        plain.replacen("\"payload\":{", &format!("\"payload\":{{\"unknown\":[{token}],"), 1),
        plain.replacen("{\"event\"", &format!("{{\"extra\":{{\"deep\":{token}}},\"event\""), 1),
    ]
}

#[test]
fn numbers_that_are_not_plain_integers_are_refused_wherever_they_stand() {
    let v = validator();
    for token in NOT_PLAIN_INTEGERS.iter().copied().chain(["LONG"]) {
        for body in number_positions(token) {
            assert!(body.len() > envelope(&painted()).len(), "{token}: the edit did not apply");
            for r in [
                v.validate_envelope(body.as_bytes()).unwrap_err(),
                v.validate_envelope_exact(body.as_bytes()).unwrap_err(),
            ] {
                assert!(matches!(r.problems()[0].kind(), ProblemKind::NotAnInteger { .. }), "{token}: {r}\n{body}");
            }
            let batch = format!("{{\"events\":[{},{body}]}}", envelope(&painted()));
            let r = v.validate_batch(batch.as_bytes()).unwrap_err();
            assert!(matches!(r.problems()[0].kind(), ProblemKind::NotAnInteger { .. }), "{token}: {r}");
        }
    }
    // Plain integers still reach the schema: negative ones are refused there, in range ones accepted.
    let r =
        v.validate_envelope(envelope(&painted()).replacen("\"coats\":2", "\"coats\":-2", 1).as_bytes()).unwrap_err();
    assert_eq!(r.problems()[0].kind(), &ProblemKind::Schema, "{r}");
    v.validate_envelope(envelope(&painted()).replacen("\"coats\":2", "\"coats\":0", 1).as_bytes()).unwrap();
}

/// Sent with a set.
#[derive(Debug, Clone, TelemetryEvent)]
struct Mixed {
    /// Colours used.
    colours: BTreeSet<Colour>,
}

#[test]
fn arrays_longer_than_any_the_bundle_allows_stop_parsing() {
    let v = Validator::from_bundle(&bundle_schema(&[&Painted::META, &Mixed::META], &SchemaOptions::default())).unwrap();
    let mixed = envelope(&Mixed { colours: BTreeSet::from([Colour::Red, Colour::Blue]) });
    v.validate_envelope(mixed.as_bytes()).unwrap();
    // Two colours: no array of three items is valid anywhere, whatever it holds and wherever it stands.
    for items in ["\"Red\",\"Blue\",\"Red\"", "0,0,0", "{},{},{}", "[],[],[]", "1,2,3"] {
        for body in [
            mixed.replacen("\"colours\":[\"Red\",\"Blue\"]", &format!("\"colours\":[{items}]"), 1),
            mixed.replacen("\"payload\":{", &format!("\"payload\":{{\"x\":[{items}],"), 1),
            mixed.replacen("\"is_ci\":true", &format!("\"is_ci\":[[{items}]]"), 1),
            format!("[{items}]"),
        ] {
            let r = v.validate_envelope(body.as_bytes()).unwrap_err();
            assert!(matches!(r.problems()[0].kind(), ProblemKind::ArrayTooLong { limit: 2, .. }), "{r}\n{body}");
            assert_eq!(v.validate_envelope_exact(body.as_bytes()).unwrap_err(), r);
        }
    }
    // Two items, not a set: the schema says why.
    let twice = mixed.replacen("\"colours\":[\"Red\",\"Blue\"]", "\"colours\":[\"Red\",\"Red\"]", 1);
    let r = v.validate_envelope(twice.as_bytes()).unwrap_err();
    assert_eq!(r.problems()[0].expected(), "an array without repeated items", "{r}");
    // The batch's own array is bounded by the batch limit instead.
    let batch = format!("{{\"events\":[{}]}}", [mixed.as_str(); 3].join(","));
    assert_eq!(v.validate_batch(batch.as_bytes()).unwrap(), 3);
}

#[test]
fn objects_larger_than_any_the_bundle_allows_stop_parsing() {
    let v = validator();
    // The largest closed object is the envelope (9 properties); 32 more are named, then parsing stops. (The
    // envelope here has 8 members: no project id.)
    let keys = |n: usize| (0..n).map(|i| format!("\"k{i}\":0,")).collect::<String>();
    let named = envelope(&painted()).replacen("\"payload\":{", &format!("\"payload\":{{{}", keys(20)), 1);
    let r = v.validate_envelope(named.as_bytes()).unwrap_err();
    assert_eq!(r.problems()[0].pointer(), "/payload", "{r}");
    assert!(r.problems()[0].expected().contains("\"k0\"") && r.problems()[0].expected().contains("and 10 more"), "{r}");
    for body in [
        envelope(&painted()).replacen("\"payload\":{", &format!("\"payload\":{{{}", keys(42)), 1),
        envelope(&painted()).replacen("{\"event\"", &format!("{{{}\"event\"", keys(34)), 1),
        envelope(&painted()).replacen("\"flags\":{", &format!("\"flags\":{{{}", keys(50_000)), 1),
    ] {
        let r = v.validate_envelope(body.as_bytes()).unwrap_err();
        assert!(matches!(r.problems()[0].kind(), ProblemKind::ObjectTooLarge { limit: 41, .. }), "{r}");
        assert_eq!(v.validate_envelope_exact(body.as_bytes()).unwrap_err(), r);
    }
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
    let r = v.validate_envelope(format!("{}0{}", "{\"a\":".repeat(8), "}".repeat(8)).as_bytes()).unwrap_err();
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
fn bodies_of_more_arrays_and_objects_than_their_envelopes_can_hold_stop_parsing() {
    // Each array or object is an allocation (an object's map node is ~600 bytes) for as little as 2 to 5 bytes of
    // input, so nested one-child containers would cost over 100 x the body; their number is bounded instead. A
    // valid envelope here holds 5 (itself, sdk, context, payload, flags).
    let v = validator().with_limits(Limits { max_batch_len: 3, ..Limits::default() });
    let one = envelope(&painted());
    let full = format!("{{\"events\":[{one},{one},{one}]}}");
    assert_eq!(v.validate_batch(full.as_bytes()).unwrap(), 3, "a full batch of the richest envelope is accepted");
    // 3 x 5 + 2 + 32 = 49 containers at most in a batch, 5 + 2 + 32 = 39 in an envelope.
    let chain = |n: usize| format!("{}0{}", "{\"\":".repeat(n), "}".repeat(n));
    let nested = |n: usize| {
        let fan = format!("{{\"a\":{},\"b\":{},\"c\":{},\"d\":{}}}", chain(n), chain(n), chain(n), chain(n));
        one.replacen("\"coats\":2", &format!("\"coats\":{fan}"), 1)
    };
    let r = v.validate_envelope(nested(12).as_bytes()).unwrap_err();
    assert!(matches!(r.problems()[0].kind(), ProblemKind::TooManyContainers { limit: 39, .. }), "{r}");
    // In a batch the envelope is two levels deeper.
    let r = v.validate_batch(format!("{{\"events\":[{}]}}", nested(11)).as_bytes()).unwrap_err();
    assert!(matches!(r.problems()[0].kind(), ProblemKind::TooManyContainers { limit: 49, .. }), "{r}");
    // Under the limit the body is parsed and refused for what it says.
    let r = v.validate_envelope(nested(2).as_bytes()).unwrap_err();
    assert!(matches!(r.problems()[0].kind(), ProblemKind::Schema), "{r}");
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
    let r = v.validate_batch(b"[]").unwrap_err();
    assert_eq!(r.problems()[0].kind(), &ProblemKind::NotABatch);
    // No bundle without sets allows an array with an item.
    let r = v.validate_batch(b"[1]").unwrap_err();
    assert!(matches!(r.problems()[0].kind(), ProblemKind::ArrayTooLong { limit: 0, .. }), "{r}");
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
