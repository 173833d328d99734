//! The README's "Real events" section shows, per program, the JSON the original sends and the JSON the port
//! sends. These tests keep the port's JSON what the code really sends (so the README cannot drift), check each
//! example against the schema generated from its metadata, and check that the original's payload is one the
//! port's schema refuses.

use jsonschema::Validator;
use serde_json::Value;
use telemetry_schema::schema::{SchemaOptions, event_schema};
use telemetry_schema::{EventMeta, TelemetryEvent, to_json};

const README: &str = include_str!("../../README.md");

/// One program's port: its name in the README's markers, what the port sends for the example, its metadata,
/// and where the original's payload sits in the original's JSON (a JSON pointer).
struct Port {
    program: &'static str,
    wire: String,
    meta: &'static EventMeta,
    original_payload: &'static str,
}

fn port<E: TelemetryEvent>(program: &'static str, event: &E, original_payload: &'static str) -> Port {
    Port { program, wire: to_json(event).expect("the example serializes"), meta: &E::META, original_payload }
}

fn ports() -> Vec<Port> {
    vec![
        port("nextjs", &real_events::nextjs::example(), "/fields"),
        port("clerk", &real_events::clerk::example(), "/events/0"),
        port("better-auth", &real_events::better_auth::example(), "/payload"),
        port("sst", &real_events::sst::example(), "/properties"),
        port("turborepo", &real_events::turborepo::example(), "/0/generic"),
    ]
}

/// The JSON block after the marker `<!-- real-events: {name} -->`.
fn readme_block(name: &str) -> &'static str {
    let marker = format!("<!-- real-events: {name} -->\n```json\n");
    let start = README.find(&marker).unwrap_or_else(|| {
        panic!("README.md has no `<!-- real-events: {name} -->` marker followed by a ```json block")
    }) + marker.len();
    let len = README[start..].find("\n```").unwrap_or_else(|| panic!("the README's {name} block is not closed"));
    &README[start..start + len]
}

fn validator(meta: &EventMeta) -> Validator {
    let schema = event_schema(meta, &SchemaOptions::for_product(&real_events::PRODUCT));
    jsonschema::draft202012::new(&schema).expect("the generated schema compiles offline")
}

/// `json` with the value of every flow id (`"run_id":"<32 hex digits>"`) replaced by `<flow id>`: a flow id is
/// drawn at random on every call, so only its form can be compared. Panics on a `run_id` of another form.
fn mask_flow_ids(json: &str) -> String {
    const KEY: &str = "\"run_id\":\"";
    let mut masked = String::with_capacity(json.len());
    let mut rest = json;
    while let Some(at) = rest.find(KEY) {
        let (before, after) = rest.split_at(at + KEY.len());
        let id = after.get(..32).filter(|id| id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)));
        assert!(id.is_some() && after[32..].starts_with('"'), "a run_id that is not 32 lower-case hex digits: {json}");
        masked.push_str(before);
        masked.push_str("<flow id>");
        rest = &after[32..];
    }
    masked.push_str(rest);
    masked
}

#[test]
fn the_readme_shows_exactly_what_each_port_sends() {
    for port in ports() {
        // The port's JSON holds no string with whitespace (names, versions), so dropping the README's
        // indentation gives the compact wire form: same keys, same order, same values.
        let shown: String = readme_block(&format!("{} port", port.program)).split_whitespace().collect();
        let (shown, wire) = (mask_flow_ids(&shown), mask_flow_ids(&port.wire));
        assert_eq!(
            shown,
            wire,
            "README.md's {} port block is not what `{}::example()` sends; put this in the block (indented as \
             you like):\n{}",
            port.program,
            port.program.replace('-', "_"),
            port.wire
        );
    }
}

#[test]
fn each_example_validates_against_its_generated_schema() {
    for port in ports() {
        let payload: Value = serde_json::from_str(&port.wire).unwrap();
        let validator = validator(port.meta);
        let errors: Vec<String> = validator.iter_errors(&payload).map(|error| error.to_string()).collect();
        assert!(errors.is_empty(), "{}: {} does not validate: {errors:?}", port.program, port.wire);
    }
}

#[test]
fn the_originals_are_json_and_their_payloads_are_refused_by_the_ports_schemas() {
    for port in ports() {
        let text = readme_block(&format!("{} original", port.program));
        let original: Value = serde_json::from_str(text)
            .unwrap_or_else(|error| panic!("README.md's {} original block is not JSON: {error}", port.program));
        let payload = original
            .pointer(port.original_payload)
            .unwrap_or_else(|| panic!("{}: no {} in the original", port.program, port.original_payload));
        assert!(payload.is_object(), "{}: {} is not an object", port.program, port.original_payload);
        assert!(
            !validator(port.meta).is_valid(payload),
            "{}: the port's schema accepts the original's payload {payload}",
            port.program
        );
    }
}

#[test]
fn the_readme_marks_one_original_and_one_port_per_program() {
    for port in ports() {
        for side in ["original", "port"] {
            let marker = format!("<!-- real-events: {} {side} -->", port.program);
            assert_eq!(README.matches(&marker).count(), 1, "README.md needs exactly one {marker}");
        }
    }
    assert_eq!(README.matches("<!-- real-events: ").count(), 2 * ports().len(), "a marker for no known port");
}
