//! Schema rendering: every emitted schema is a valid 2020-12 schema, compiles offline, says what the metadata
//! says, and is byte-identical from run to run.

use std::collections::BTreeSet;
use std::time::Duration;

use serde_json::{Value, json};
use telemetry_schema::schema::{
    SchemaOptions, VERSION_PATTERN, batch_schema, bundle_schema, envelope_schema, event_file_name, event_schema,
    to_canonical_string,
};
use telemetry_schema::{EventMeta, TelemetryEnum, TelemetryEvent, TelemetryGroup, Version};

/// A fruit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Fruit {
    /// An apple.
    Apple,
    /// A pear.
    Pear,
}

/// Options of the basket.
#[derive(Debug, Clone, TelemetryGroup)]
struct Basket {
    /// Whether it has a lid.
    lid: bool,
    /// The fruit on top, if any.
    top: Option<Fruit>,
}

/// Sent when a basket is packed.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(name = "BASKET_PACKED", version = 3)]
struct BasketPacked {
    /// How many items.
    items: u8,
    /// How long packing took.
    took: Duration,
    /// The packer's version.
    packer: Version,
    /// The kinds of fruit in it.
    fruits: BTreeSet<Fruit>,
    /// The main fruit.
    main: Fruit,
    /// The basket.
    basket: Basket,
    /// A weight class, when known.
    weight: Option<u64>,
    /// Whether it was a gift.
    gift: bool,
}

/// Sent with nothing in it.
#[derive(Debug, Clone, TelemetryEvent)]
struct Empty {}

fn metas() -> Vec<&'static EventMeta> {
    vec![&BasketPacked::META, &Empty::META]
}

fn all_schemas() -> Vec<(String, Value)> {
    let opts = SchemaOptions::default();
    let mut out: Vec<(String, Value)> =
        metas().into_iter().map(|m| (event_file_name(m), event_schema(m, &opts))).collect();
    out.push(("envelope.json".into(), envelope_schema(&opts)));
    out.push(("batch.json".into(), batch_schema(&opts)));
    out.push(("bundle.json".into(), bundle_schema(&metas(), &opts)));
    out.push(("bundle-empty.json".into(), bundle_schema(&[], &opts)));
    out
}

#[test]
fn every_schema_is_valid_against_the_2020_12_meta_schema_and_compiles_offline() {
    for (name, schema) in all_schemas() {
        assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema", "{name}");
        if let Err(err) = jsonschema::meta::validate(&schema) {
            panic!("{name} is not a valid 2020-12 schema: {err} at {}", err.instance_path());
        }
        if let Err(err) = jsonschema::draft202012::new(&schema) {
            panic!("{name} does not compile offline: {err}");
        }
    }
}

#[test]
fn a_broken_schema_is_caught_by_the_meta_schema_check() {
    // Guards the test above against a meta-schema check that accepts anything.
    let mut schema = event_schema(&BasketPacked::META, &SchemaOptions::default());
    schema["properties"]["items"]["minimum"] = json!("zero");
    assert!(jsonschema::meta::validate(&schema).is_err());
}

#[test]
fn event_schema_states_the_contract_of_each_kind() {
    let schema = event_schema(&BasketPacked::META, &SchemaOptions::default());
    assert_eq!(schema["$id"], "https://telemetry.invalid/schemas/events/BASKET_PACKED.v3.json");
    assert_eq!(schema["description"], "Sent when a basket is packed.");
    assert_eq!(schema["additionalProperties"], false);
    assert_eq!(schema["required"], json!(["items", "took", "packer", "fruits", "main", "basket", "gift"]));
    let p = &schema["properties"];
    assert_eq!(p["items"], json!({"type": "integer", "minimum": 0, "maximum": 255, "description": "How many items."}));
    assert_eq!(p["weight"]["maximum"], json!(u64::MAX));
    assert_eq!(p["took"]["type"], "integer");
    assert!(p["took"]["description"].as_str().unwrap().contains("milliseconds"));
    assert_eq!(p["packer"]["pattern"], VERSION_PATTERN);
    assert_eq!(p["fruits"]["uniqueItems"], true);
    assert_eq!(p["fruits"]["items"]["$ref"], "#/$defs/Fruit");
    assert_eq!(p["main"]["$ref"], "#/$defs/Fruit");
    assert_eq!(p["gift"]["type"], "boolean");
    let fruit = &schema["$defs"]["Fruit"];
    assert_eq!(fruit["description"], "A fruit.");
    assert_eq!(
        fruit["oneOf"],
        json!([{"const": "Apple", "description": "An apple."}, {"const": "Pear", "description": "A pear."}])
    );
    let basket = &schema["$defs"]["Basket"];
    assert_eq!(basket["additionalProperties"], false);
    assert_eq!(basket["required"], json!(["lid"]));
}

#[test]
fn version_pattern_accepts_exactly_what_a_version_serializes_to() {
    let re = regex_lite_is_not_a_dependency(VERSION_PATTERN);
    for good in ["0.0.0", "1.2.3", "999999999.0.1", "1.0.0-rc", "1.0.0-rc.0", "2.1.0-preview.999999999"] {
        assert!(re(good), "{good} should match");
        assert_eq!(Version::parse(good).unwrap().to_string(), good);
    }
    for bad in [
        "1.2",
        "1.2.3.4",
        "01.2.3",
        "1.2.3+build",
        "1.0.0-jane.doe",
        "1.0.0-rc.01",
        "1000000000.0.0",
        "1.0.0-rc.",
        "1.0.0-",
        "v1.2.3",
        " 1.2.3",
        "1.2.3\n",
        "1.0.0-RC",
        "1.0.0-rc.1.2",
    ] {
        assert!(!re(bad), "{bad:?} should not match");
    }
}

/// Checks a string against a pattern with the validator the server uses.
fn regex_lite_is_not_a_dependency(pattern: &str) -> impl Fn(&str) -> bool {
    let validator = jsonschema::draft202012::new(&json!({"type": "string", "pattern": pattern})).unwrap();
    move |text| validator.is_valid(&json!(text))
}

#[test]
fn envelope_lists_every_envelope_field_and_closes_the_object() {
    let schema = envelope_schema(&SchemaOptions::default());
    let keys: Vec<&str> = telemetry_schema::ENVELOPE_FIELDS.iter().map(|f| f.name).collect();
    let properties: Vec<&str> = schema["properties"].as_object().unwrap().keys().map(String::as_str).collect();
    let mut sorted = keys.clone();
    sorted.sort_unstable();
    assert_eq!(properties, sorted);
    assert_eq!(schema["additionalProperties"], false);
    assert!(!schema["required"].as_array().unwrap().contains(&json!("project_id")));
    assert_eq!(schema["$defs"]["Context"]["additionalProperties"], false);
}

#[test]
fn bundle_dispatches_with_if_then_and_embeds_each_event_under_its_id() {
    let opts = SchemaOptions { base_uri: "https://acme.example/schemas".into(), ..SchemaOptions::default() };
    let bundle = bundle_schema(&[&Empty::META, &BasketPacked::META, &Empty::META], &opts);
    assert!(bundle.get("oneOf").is_none());
    assert_eq!(bundle["properties"]["event"]["enum"], json!(["BASKET_PACKED", "EMPTY"]));
    let defs = bundle["$defs"].as_object().unwrap();
    assert_eq!(defs.keys().collect::<Vec<_>>(), ["BASKET_PACKED.v3", "EMPTY.v1", "envelope"]);
    assert_eq!(defs["BASKET_PACKED.v3"]["$id"], "https://acme.example/schemas/events/BASKET_PACKED.v3.json");
    let first = &bundle["allOf"][0];
    assert_eq!(first["if"]["properties"]["event"]["const"], "BASKET_PACKED");
    assert_eq!(first["then"]["properties"]["schema_version"]["const"], 3);
}

#[test]
fn bundle_accepts_two_versions_of_one_event() {
    /// Version 1 of the same event.
    #[derive(TelemetryEvent)]
    #[telemetry(name = "BASKET_PACKED", version = 1)]
    struct OldBasketPacked {
        /// How many items.
        items: u8,
    }
    let bundle = bundle_schema(&[&BasketPacked::META, &OldBasketPacked::META], &SchemaOptions::default());
    jsonschema::meta::validate(&bundle).unwrap();
    let validator = jsonschema::draft202012::new(&bundle).unwrap();
    let envelope = |version: u32, payload: Value| {
        json!({
            "event": "BASKET_PACKED", "schema_version": version,
            "sdk": {"name": "acme", "version": "1.0.0"}, "toolkit_version": "0.1.0",
            "install_id": "0123456789abcdef0123456789abcdef", "session_id": "0123456789abcdef0123456789abcdef",
            "context": {"os": "linux", "arch": "x86_64", "cpu_count": 8, "is_ci": false, "is_tty": true},
            "payload": payload,
        })
    };
    assert!(validator.is_valid(&envelope(1, json!({"items": 3}))));
    assert!(!validator.is_valid(&envelope(3, json!({"items": 3}))));
    assert!(!validator.is_valid(&envelope(2, json!({"items": 3}))));
}

#[test]
fn output_is_deterministic_and_canonical() {
    for ((name, a), (_, b)) in all_schemas().into_iter().zip(all_schemas()) {
        let (a, b) = (to_canonical_string(&a), to_canonical_string(&b));
        assert_eq!(a, b, "{name}");
        assert!(a.ends_with("}\n") && !a.ends_with("\n\n"), "{name}");
        let reparsed: Value = serde_json::from_str(&a).unwrap();
        assert_eq!(to_canonical_string(&reparsed), a, "{name}: canonical form is a fixed point");
    }
}

#[test]
fn a_serialized_event_validates_against_its_own_schema() {
    let event = BasketPacked {
        items: 255,
        took: Duration::from_millis(1234),
        packer: "2.0.0-beta.3".parse().unwrap(),
        fruits: BTreeSet::from([Fruit::Pear, Fruit::Apple]),
        main: Fruit::Pear,
        basket: Basket { lid: true, top: Some(Fruit::Apple) },
        weight: None,
        gift: false,
    };
    let wire: Value = serde_json::from_str(&telemetry_schema::to_json(&event).unwrap()).unwrap();
    let validator =
        jsonschema::draft202012::new(&event_schema(&BasketPacked::META, &SchemaOptions::default())).unwrap();
    assert!(validator.is_valid(&wire), "{wire}");
    let mut unknown_fruit = wire.clone();
    unknown_fruit["main"] = json!("Plum");
    assert!(!validator.is_valid(&unknown_fruit));
}
