//! Wire = schema, for every example event: what the serializer writes, the validator accepts and the typed
//! decode round-trips; every systematic mutation that breaks the contract is rejected by both.

use example_sdk::events::*;
use proptest::prelude::*;
use serde_json::{Map, Value, json};
use telemetry_schema::decode::{Decode, decode_envelope};
use telemetry_schema::schema::{SchemaOptions, bundle_schema};
use telemetry_schema::{
    AnonymousId, Bound, CollectableKind, CountWidth, EnvelopeHeader, EventMeta, FieldBound, FieldMeta, PreTag,
    ProjectId, Scale, TelemetryEvent, Version, write_envelope,
};
use telemetry_validator::{Limits, ProblemKind, Validator};

/// Strictly decodes an envelope of `E` and writes it again: the round trip must give the same bytes.
fn reencode<E: TelemetryEvent + Decode>(bytes: &[u8]) -> Result<String, String> {
    let envelope = decode_envelope::<E>(bytes, &example_sdk::PRODUCT).map_err(|e| e.to_string())?;
    let h = envelope.header;
    assert_eq!(h.sdk_name, "acme", "the tests only send as acme");
    let header = EnvelopeHeader {
        sdk_name: "acme",
        sdk_version: h.sdk_version,
        install_id: h.install_id,
        project_id: h.project_id,
        session_id: h.session_id,
        context: h.context,
    };
    assert_eq!(h.toolkit_version, telemetry_schema::TOOLKIT_VERSION);
    let mut out = String::new();
    write_envelope(&mut out, &header, &envelope.event).map_err(|e| e.to_string())?;
    Ok(out)
}

type Reencode = fn(&[u8]) -> Result<String, String>;

/// Every example event with its typed decode.
fn events() -> Vec<(&'static EventMeta, Reencode)> {
    vec![
        (&CliCommand::META, reencode::<CliCommand>),
        (&ProjectCreated::META, reencode::<ProjectCreated>),
        (&BuildFinished::META, reencode::<BuildFinished>),
        (&DevServerStarted::META, reencode::<DevServerStarted>),
        (&FeatureUsage::META, reencode::<FeatureUsage>),
        (&ComponentMounted::META, reencode::<ComponentMounted>),
        (&AuthInit::META, reencode::<AuthInit>),
        (&DeployFinished::META, reencode::<DeployFinished>),
        (&SdkUpgraded::META, reencode::<SdkUpgraded>),
        (&ErrorFeedback::META, reencode::<ErrorFeedback>),
    ]
}

fn validator() -> &'static Validator {
    static VALIDATOR: std::sync::OnceLock<Validator> = std::sync::OnceLock::new();
    VALIDATOR.get_or_init(build_validator)
}

fn build_validator() -> Validator {
    let metas: Vec<&EventMeta> = events().iter().map(|(m, _)| *m).collect();
    // Through bytes, as a server reads bundle.json.
    let bundle = telemetry_schema::schema::to_canonical_string(&bundle_schema(&metas, &SchemaOptions::default()));
    Validator::from_bundle_bytes(bundle.as_bytes()).unwrap()
}

#[test]
fn the_table_covers_every_registered_example_event() {
    let registered: Vec<&str> = telemetry_schema::events()
        .unwrap()
        .iter()
        .map(|e| e.meta().name())
        .filter(|name| *name != Stub::META.name())
        .collect();
    let mut covered: Vec<&str> = events().iter().map(|(m, _)| m.name()).collect();
    covered.sort_unstable();
    assert_eq!(covered, registered);
}

// ---------------------------------------------------------------------------------------------------------------
// Random valid instances, generated from the metadata
// ---------------------------------------------------------------------------------------------------------------

/// A small deterministic generator (splitmix64) fed by proptest's seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    /// Mostly edges: 0, the maximum, small numbers, anything.
    fn up_to(&mut self, max: u64) -> u64 {
        match self.below(4) {
            0 => 0,
            1 => max,
            2 => self.below(max.min(1000) + 1),
            _ => self.below(max).max(1),
        }
    }

    fn version(&mut self) -> Version {
        let max = u64::from(telemetry_schema::MAX_COMPONENT);
        let mut c = || u32::try_from(self.up_to(max)).unwrap();
        let version = Version::new(c(), c(), c());
        match self.below(3) {
            0 => version,
            _ => {
                let tag = PreTag::ALL[usize::try_from(self.below(PreTag::ALL.len() as u64)).unwrap()];
                let number = (self.below(2) == 0).then(|| u32::try_from(self.up_to(max)).unwrap());
                version.with_pre_release(telemetry_schema::PreRelease::new(tag, number))
            }
        }
    }
}

/// The bound of the field at `index` of metadata whose bounds are `bounds`.
fn bound_of(bounds: &[FieldBound], index: usize) -> Bound {
    bounds.iter().find(|b| b.field == index).map_or(Bound::NONE, |b| b.bound)
}

/// A version as the serializer writes it under `bound`: its first parts, each capped.
fn bounded_version(version: Version, bound: &Bound) -> String {
    match bound.precision().parts() {
        Some(parts) => {
            let all = [version.major(), version.minor(), version.patch()];
            all.iter().take(parts).map(|part| bound.cap_part(*part).to_string()).collect::<Vec<_>>().join(".")
        }
        None => version.to_string(),
    }
}

/// A random valid value of `kind` under `bound`, as the serializer would write it; `None` for an absent `Option`.
fn random_value(kind: &CollectableKind, bound: &Bound, rng: &mut Rng) -> Option<Value> {
    Some(match kind {
        CollectableKind::Bool => json!(rng.below(2) == 0),
        CollectableKind::Count(width) => json!(bound.round(rng.up_to(CountWidth::max(*width)))),
        CollectableKind::DurationMillis => json!(bound.round(rng.up_to(u64::MAX))),
        CollectableKind::Version => json!(bounded_version(rng.version(), bound)),
        CollectableKind::Enum(meta) => {
            json!(meta.variants()[usize::try_from(rng.below(meta.variants().len() as u64)).unwrap()].name())
        }
        CollectableKind::EnumSet(meta) => {
            Value::Array(meta.variants().iter().filter(|_| rng.below(2) == 0).map(|v| json!(v.name())).collect())
        }
        CollectableKind::Group(meta) => random_object(meta.fields(), meta.bounds(), rng),
        CollectableKind::Optional(inner) => {
            return (rng.below(2) == 0).then(|| random_value(inner, bound, rng)).flatten();
        }
        other => panic!("a kind this test does not know yet: {other:?}"),
    })
}

fn random_object(fields: &[FieldMeta], bounds: &[FieldBound], rng: &mut Rng) -> Value {
    let mut map = Map::new();
    for (index, field) in fields.iter().enumerate() {
        if let Some(value) = random_value(&field.kind(), &bound_of(bounds, index), rng) {
            map.insert(field.name().to_owned(), value);
        }
    }
    Value::Object(map)
}

fn random_header(rng: &mut Rng) -> EnvelopeHeader {
    let mut bytes16 = || {
        let (a, b) = (rng.next().to_le_bytes(), rng.next().to_le_bytes());
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&a);
        out[8..].copy_from_slice(&b);
        out
    };
    let install_id = AnonymousId::from_random_bytes(bytes16());
    let session_id = AnonymousId::from_random_bytes(bytes16());
    let project = bytes16();
    let project_id = (rng.below(2) == 0).then(|| {
        let mut digest = [0u8; 32];
        digest[..16].copy_from_slice(&project);
        digest[16..].copy_from_slice(&project);
        ProjectId::from_salted_digest(digest)
    });
    let pick = |rng: &mut Rng, n: u64| usize::try_from(rng.below(n)).unwrap();
    let os = [Os::Linux, Os::MacOs, Os::Windows, Os::Bsd, Os::Other][pick(rng, 5)];
    let arch = [Arch::X86_64, Arch::Aarch64, Arch::Other][pick(rng, 3)];
    EnvelopeHeader {
        sdk_name: "acme",
        sdk_version: rng.version(),
        install_id,
        project_id,
        session_id,
        context: telemetry_schema::Context {
            os,
            arch,
            cpu_count: u16::try_from(rng.up_to(u64::from(u16::MAX))).unwrap(),
            is_ci: rng.below(2) == 0,
            is_tty: rng.below(2) == 0,
        },
    }
}

/// An envelope as the client writes it: the header through `write_envelope` (with an empty stand-in event),
/// the payload spliced in from the metadata-generated value.
fn random_envelope(meta: &EventMeta, rng: &mut Rng) -> String {
    let payload = random_object(meta.fields(), meta.bounds(), rng);
    let header = random_header(rng);
    let mut out = String::new();
    write_envelope(&mut out, &header, &Stub {}).unwrap();
    let prefix = out.strip_suffix(r#""payload":{}}"#).unwrap();
    let prefix = prefix.replacen(
        r#""event":"STUB","schema_version":1"#,
        &format!(r#""event":"{}","schema_version":{}"#, meta.name(), meta.version()),
        1,
    );
    format!(r#"{prefix}"payload":{payload}}}"#)
}

/// Stands in for an event while writing a header.
#[derive(TelemetryEvent)]
struct Stub {}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    /// Random instances of every example event: the typed decode reads them, the serializer writes the same
    /// bytes back, and the validator accepts them.
    #[test]
    fn random_instances_validate_and_round_trip(seed in any::<u64>()) {
        let validator = validator();
        let mut rng = Rng(seed);
        for (meta, reencode) in events() {
            let wire = random_envelope(meta, &mut rng);
            let again = reencode(wire.as_bytes()).map_err(|e| TestCaseError::fail(format!("{e}\n{wire}")))?;
            // Same content; the serializer's key order is the declaration order.
            let (a, b): (Value, Value) = (serde_json::from_str(&again).unwrap(), serde_json::from_str(&wire).unwrap());
            prop_assert_eq!(a, b);
            if let Err(rejection) = validator.validate_envelope(again.as_bytes()) {
                return Err(TestCaseError::fail(format!("{rejection}\n{again}")));
            }
        }
    }
}

#[test]
fn a_serialized_example_event_of_each_type_validates() {
    // Through the real types, not the metadata generator.
    let v = validator();
    let header = random_header(&mut Rng(7));
    let mut out = String::new();
    let version = Version::new(1, 2, 3);
    type Write<'a> = Box<dyn Fn(&mut String) + 'a>;
    let events: Vec<Write<'_>> = vec![
        Box::new(|o| write_envelope(o, &header, &ErrorFeedback { code: ErrorCode::Unknown }).unwrap()),
        Box::new(|o| {
            let e = SdkUpgraded { from: version, to: "2.0.0-beta.1".parse().unwrap(), files_migrated: 3 };
            write_envelope(o, &header, &e).unwrap()
        }),
        Box::new(|o| {
            let e = ProjectCreated { template: Template::Blog, typescript: true, package_manager: None };
            write_envelope(o, &header, &e).unwrap()
        }),
    ];
    for write in events {
        out.clear();
        write(&mut out);
        v.validate_envelope(out.as_bytes()).unwrap();
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Systematic mutations
// ---------------------------------------------------------------------------------------------------------------

/// One mutation: what it does, and the envelope bytes.
struct Mutation {
    what: String,
    body: Vec<u8>,
}

fn wrong_types_for(kind: &CollectableKind) -> Vec<Value> {
    let all = [json!(null), json!(true), json!(7), json!(1.5), json!("text"), json!([]), json!({})];
    let keep = |v: &Value| match kind {
        CollectableKind::Bool => !v.is_boolean(),
        CollectableKind::Count(_) | CollectableKind::DurationMillis => !v.is_u64(),
        CollectableKind::Version | CollectableKind::Enum(_) => !v.is_string(),
        CollectableKind::EnumSet(_) => !v.is_array(),
        // `{}` is a wrong *value* for a group with required fields, not a wrong type; keep it when it is one.
        CollectableKind::Group(meta) => !v.is_object() || meta.fields().iter().any(FieldMeta::is_required),
        _ => true,
    };
    all.into_iter().filter(keep).collect()
}

fn unwrap_optional(kind: CollectableKind) -> CollectableKind {
    match kind {
        CollectableKind::Optional(inner) => *inner,
        other => other,
    }
}

/// Every mutation of one object (a payload or a group) at `path`, recursing into groups.
fn mutate_object(
    envelope: &Value,
    path: &[String],
    fields: &[FieldMeta],
    bounds: &[FieldBound],
    out: &mut Vec<Mutation>,
) {
    let at = |envelope: &Value, f: &dyn Fn(&mut Value)| -> Vec<u8> {
        let mut e = envelope.clone();
        let mut target = &mut e;
        for key in path {
            target = &mut target[key.as_str()];
        }
        f(target);
        serde_json::to_vec(&e).unwrap()
    };
    let here = path.join("/");
    out.push(Mutation {
        what: format!("{here}: unknown field added"),
        body: at(envelope, &|o| {
            o["user_name"] = json!("jane");
        }),
    });
    let current = {
        let mut t = envelope;
        for key in path {
            t = &t[key.as_str()];
        }
        t.clone()
    };
    for (index, field) in fields.iter().enumerate() {
        let name = field.name();
        let kind = unwrap_optional(field.kind());
        let bound = bound_of(bounds, index);
        if field.is_required() {
            out.push(Mutation {
                what: format!("{here}/{name}: required field dropped"),
                body: at(envelope, &|o| drop(o.as_object_mut().unwrap().remove(name))),
            });
        }
        let set = |value: Value| move |o: &mut Value| o[name] = value.clone();
        for wrong in wrong_types_for(&kind) {
            out.push(Mutation { what: format!("{here}/{name}: wrong type {wrong}"), body: at(envelope, &set(wrong)) });
        }
        match kind {
            CollectableKind::Count(width) => {
                out.push(Mutation { what: format!("{here}/{name}: negative"), body: at(envelope, &set(json!(-1))) });
                let above = Value::Number(
                    serde_json::from_str::<serde_json::Number>(&(u128::from(width.max()) + 1).to_string()).unwrap(),
                );
                out.push(Mutation { what: format!("{here}/{name}: above max"), body: at(envelope, &set(above)) });
                for (what, value) in outside_bound(&bound, width.max()) {
                    out.push(Mutation {
                        what: format!("{here}/{name}: {what}"),
                        body: at(envelope, &set(json!(value))),
                    });
                }
            }
            CollectableKind::DurationMillis => {
                out.push(Mutation { what: format!("{here}/{name}: negative"), body: at(envelope, &set(json!(-5))) });
                for (what, value) in outside_bound(&bound, u64::MAX) {
                    out.push(Mutation {
                        what: format!("{here}/{name}: {what}"),
                        body: at(envelope, &set(json!(value))),
                    });
                }
            }
            CollectableKind::Enum(_) => {
                out.push(Mutation {
                    what: format!("{here}/{name}: unknown variant"),
                    body: at(envelope, &set(json!("SomethingElse"))),
                });
            }
            CollectableKind::EnumSet(meta) => {
                let first = meta.variants()[0].name();
                out.push(Mutation {
                    what: format!("{here}/{name}: duplicated item"),
                    body: at(envelope, &set(json!([first, first]))),
                });
                out.push(Mutation {
                    what: format!("{here}/{name}: unknown item"),
                    body: at(envelope, &set(json!([first, "SomethingElse"]))),
                });
            }
            CollectableKind::Version if bound.precision().parts().is_some() => {
                // A bounded version: only its first parts, each at most the cap, never a tag.
                let parts = bound.precision().parts().unwrap();
                let above = (bound.part_max() + 1).to_string();
                let mut bad = vec![
                    "1.2.3+build.5".to_owned(),
                    "1.0.0-jane.doe".to_owned(),
                    format!("{}-rc.1", vec!["1"; parts].join(".")),
                    vec!["1"; parts + 1].join("."),
                    vec![above.as_str(); parts].join("."),
                    format!("0{}", vec!["1"; parts].join(".")),
                ];
                if parts > 1 {
                    bad.push(vec!["1"; parts - 1].join("."));
                }
                for bad in bad {
                    out.push(Mutation {
                        what: format!("{here}/{name}: bounded version {bad}"),
                        body: at(envelope, &set(json!(bad))),
                    });
                }
            }
            CollectableKind::Version => {
                for bad in ["1.2.3+build.5", "1.0.0-jane.doe", "1.2", "01.2.3"] {
                    out.push(Mutation {
                        what: format!("{here}/{name}: version {bad}"),
                        body: at(envelope, &set(json!(bad))),
                    });
                }
            }
            CollectableKind::Group(meta) => {
                let mut nested = path.to_vec();
                nested.push(name.to_owned());
                if current.get(name).is_none() {
                    continue;
                }
                mutate_object(envelope, &nested, meta.fields(), meta.bounds(), out);
            }
            _ => {}
        }
    }
}

/// Values a count or duration of `type_max` bounded by `bound` is never sent as, with what each is: one above the
/// cap, and (when rounded) values between buckets, 14 among them where only powers of two are sent (the tampered
/// client of issue 9).
fn outside_bound(bound: &Bound, type_max: u64) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    if let Some(max) = bound.max().filter(|max| *max < type_max) {
        out.push((format!("{} above the cap of {max}", max + 1), max + 1));
    }
    if bound.scale() != Scale::Exact {
        let largest = bound.largest(type_max);
        let between: Vec<u64> =
            [3, 9, 14, 1000, 1_000_003].into_iter().filter(|v| *v < largest && bound.round(*v) != *v).collect();
        assert!(!between.is_empty(), "no value between buckets below {largest}");
        for value in between {
            out.push((format!("{value}, between the values it is rounded to"), value));
        }
    }
    out
}

/// An envelope of `meta` in which every optional field is present, so each can be mutated.
fn full_envelope(meta: &EventMeta) -> Value {
    (0..u64::MAX)
        .map(|seed| serde_json::from_str::<Value>(&random_envelope(meta, &mut Rng(seed))).unwrap())
        .find(|e| meta.fields().iter().all(|f| e["payload"].get(f.name()).is_some()))
        .unwrap()
}

fn mutations(meta: &EventMeta, other: &EventMeta) -> Vec<Mutation> {
    let envelope = full_envelope(meta);
    let mut out = Vec::new();
    mutate_object(&envelope, &["payload".to_owned()], meta.fields(), meta.bounds(), &mut out);
    let mut with = |what: &str, f: &dyn Fn(&mut Value)| {
        let mut e = envelope.clone();
        f(&mut e);
        out.push(Mutation { what: what.to_owned(), body: serde_json::to_vec(&e).unwrap() });
    };
    with("envelope: unknown event name", &|e| e["event"] = json!("NO_SUCH_EVENT"));
    with("envelope: another event's name", &|e| e["event"] = json!(other.name()));
    with("envelope: next schema version", &|e| e["schema_version"] = json!(meta.version() + 1));
    with("envelope: schema version 0", &|e| e["schema_version"] = json!(0));
    with("envelope: unknown field", &|e| e["hostname"] = json!("jane-laptop"));
    with("envelope: sdk version with build metadata", &|e| e["sdk"]["version"] = json!("1.0.0+abc"));
    with("envelope: id in upper case", &|e| {
        let id = e["install_id"].as_str().unwrap().to_uppercase();
        e["install_id"] = json!(id.replace(|c: char| c.is_ascii_digit(), "A"));
    });
    with("envelope: unknown os", &|e| e["context"]["os"] = json!("plan9"));
    with("envelope: cpu_count above its cap of 64", &|e| e["context"]["cpu_count"] = json!(65));
    with("envelope: payload null", &|e| e["payload"] = json!(null));
    with("envelope: context dropped", &|e| drop(e.as_object_mut().unwrap().remove("context")));
    // Oversized: valid JSON padded past the body limit.
    let mut padded = serde_json::to_vec(&envelope).unwrap();
    padded.extend(std::iter::repeat_n(b' ', Limits::default().max_body_bytes));
    out.push(Mutation { what: "body: oversized".into(), body: padded });
    // Too deep: the payload's first field nested in 200 arrays.
    let first = meta.fields()[0].name();
    let mut deep = envelope.clone();
    let inner = deep["payload"][first].clone();
    deep["payload"][first] = (0..200).fold(inner, |v, _| json!([v]));
    // serde_json's writer is iterative enough for this depth.
    out.push(Mutation { what: "body: too deep".into(), body: serde_json::to_vec(&deep).unwrap() });
    out
}

#[test]
fn every_systematic_mutation_is_rejected_by_the_validator_and_the_typed_decode() {
    let validator = validator();
    let table = events();
    let (mut tried, mut rejected_by_validator, mut rejected_by_decode) = (0usize, 0usize, 0usize);
    let mut escaped = Vec::new();
    for (i, (meta, reencode)) in table.iter().enumerate() {
        let other = table[(i + 1) % table.len()].0;
        // The unmutated envelope is accepted by both: otherwise every rejection below would prove nothing.
        let base = serde_json::to_vec(&full_envelope(meta)).unwrap();
        validator.validate_envelope(&base).unwrap();
        reencode(&base).unwrap();
        for mutation in mutations(meta, other) {
            tried += 1;
            let by_validator = validator.validate_envelope(&mutation.body).is_err();
            let by_decode = reencode(&mutation.body).is_err();
            rejected_by_validator += usize::from(by_validator);
            rejected_by_decode += usize::from(by_decode);
            if !(by_validator && by_decode) {
                escaped.push(format!(
                    "{} {}: validator {}, decode {}",
                    meta.name(),
                    mutation.what,
                    if by_validator { "rejected" } else { "ACCEPTED" },
                    if by_decode { "rejected" } else { "ACCEPTED" },
                ));
            }
        }
    }
    println!(
        "mutations: {tried} tried over {} events; rejected by the validator: {rejected_by_validator}; rejected by \
         the typed decode: {rejected_by_decode}",
        table.len()
    );
    assert!(escaped.is_empty(), "mutations not rejected:\n{}", escaped.join("\n"));
    assert!(tried > 300, "the mutation generator produced only {tried} mutations");
}

#[test]
fn numbers_that_are_not_plain_integers_are_refused_by_the_validator_and_the_typed_decode() {
    // JSON Schema's "integer" accepts 2.0, 1e2 and 14.000…0 (a number with zero fraction), and so do other
    // validators; the client never writes one, so both of ours refuse any number token that is not digits.
    let mut envelope = full_envelope(&ErrorFeedback::META);
    envelope["context"]["cpu_count"] = json!(8);
    envelope["schema_version"] = json!(1);
    let envelope = serde_json::to_string(&envelope).unwrap();
    let long = format!("2.{}", "0".repeat(129));
    for token in ["2.0", "2e0", "0.2e1", "-0", long.as_str(), "18446744073709551616"] {
        for (field, plain) in [("cpu_count", "8"), ("schema_version", "1")] {
            let needle = format!("\"{field}\":{plain}");
            assert!(envelope.contains(&needle), "{needle} in {envelope}");
            let body = envelope.replacen(&needle, &format!("\"{field}\":{token}"), 1).into_bytes();
            let rejection = validator().validate_envelope(&body).unwrap_err();
            assert!(matches!(rejection.problems()[0].kind(), ProblemKind::NotAnInteger { .. }), "{rejection}");
            assert!(reencode::<ErrorFeedback>(&body).is_err());
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Independent validators agree
// ---------------------------------------------------------------------------------------------------------------

/// Where the Rust validator may disagree with python-jsonschema or ajv, by design or by their parsers' limits
/// (the list docs/SERVER.md gives servers in other languages). Any other disagreement fails the test.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Known {
    /// Must be judged the same by all three.
    Nothing,
    /// A key repeated in one object: Python and JavaScript keep the last value; ours refuses the body.
    DuplicateKey,
    /// Larger than the Rust validator's body limit; the others have none.
    BodySize,
    /// A number with a fraction or an exponent, or `-0`, whose value is an integer (`2.0`, `2e0`): JSON Schema's
    /// `integer` accepts it, ours refuses any number token that is not a plain integer.
    NotPlainInteger,
    /// A number above 2^53: JavaScript rounds it, so ajv may differ (the Rust validator and Python must agree).
    AboveTwoPow53InAjv,
}

struct Body {
    what: String,
    known: Known,
    bytes: String,
}

/// The JSON pointers of every string and every integer in `value`.
fn leaves(value: &Value, at: &str, strings: &mut Vec<String>, integers: &mut Vec<String>) {
    match value {
        Value::String(_) => strings.push(at.to_owned()),
        Value::Number(n) if n.is_u64() => integers.push(at.to_owned()),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                leaves(item, &format!("{at}/{i}"), strings, integers);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                leaves(item, &format!("{at}/{key}"), strings, integers);
            }
        }
        _ => {}
    }
}

/// `envelope` with the value at `pointer` written as the raw token `token`.
fn with_token(envelope: &Value, pointer: &str, token: &str) -> String {
    let mut e = envelope.clone();
    *e.pointer_mut(pointer).unwrap() = json!("\u{1}TOKEN\u{1}");
    serde_json::to_string(&e).unwrap().replacen("\"\\u0001TOKEN\\u0001\"", token, 1)
}

/// Good bodies, every systematic mutation, and hostile bodies of each class the issue names.
fn cross_corpus() -> Vec<Body> {
    let table = events();
    let mut corpus = Vec::new();
    let mut push = |what: String, known: Known, bytes: String| corpus.push(Body { what, known, bytes });
    for (i, (meta, _)) in table.iter().enumerate() {
        let name = meta.name();
        for seed in 0..20 {
            push(format!("{name}: random envelope {seed}"), Known::Nothing, random_envelope(meta, &mut Rng(seed)));
        }
        let other = table[(i + 1) % table.len()].0;
        for mutation in mutations(meta, other) {
            let known = if mutation.what == "body: oversized" { Known::BodySize } else { Known::Nothing };
            push(format!("{name}: {}", mutation.what), known, String::from_utf8(mutation.body).unwrap());
        }
        let envelope = full_envelope(meta);
        let (mut strings, mut integers) = (Vec::new(), Vec::new());
        leaves(&envelope, "", &mut strings, &mut integers);
        for pointer in &strings {
            let text = envelope.pointer(pointer).unwrap().as_str().unwrap();
            for (how, edited) in [
                ("a trailing newline", format!("{text}\n")),
                ("a leading newline", format!("\n{text}")),
                ("a trailing carriage return", format!("{text}\r")),
                ("a trailing NUL", format!("{text}\u{0}")),
                ("a trailing line separator", format!("{text}\u{2028}")),
            ] {
                let token = serde_json::to_string(&edited).unwrap();
                push(format!("{name}: {pointer} with {how}"), Known::Nothing, with_token(&envelope, pointer, &token));
            }
        }
        for pointer in &integers {
            let n = envelope.pointer(pointer).unwrap().as_u64().unwrap();
            // Not JSON numbers at all (a leading zero or plus, a bare dot): refused by every parser.
            for token in [format!("0{n}"), format!("+{n}"), format!("{n}.")] {
                push(format!("{name}: {pointer} as {token}"), Known::Nothing, with_token(&envelope, pointer, &token));
            }
            for token in [
                format!("{n}.0"),
                format!("{n}e0"),
                format!("{n}E+0"),
                format!("{n}.{}", "0".repeat(129)),
                "-0.0".into(),
            ] {
                push(
                    format!("{name}: {pointer} as {token:.12}"),
                    Known::NotPlainInteger,
                    with_token(&envelope, pointer, &token),
                );
            }
            if n == 0 {
                push(format!("{name}: {pointer} as -0"), Known::NotPlainInteger, with_token(&envelope, pointer, "-0"));
            }
            // From 2^52 on a double cannot hold the half: Python and JavaScript read an integer.
            let half = if n >= 1 << 52 { Known::NotPlainInteger } else { Known::Nothing };
            push(
                format!("{name}: {pointer} ({n}) plus a half"),
                half,
                with_token(&envelope, pointer, &format!("{n}.5")),
            );
            push(
                format!("{name}: {pointer} negative"),
                Known::Nothing,
                with_token(&envelope, pointer, &format!("-{}", n.max(1))),
            );
            for token in ["9007199254740993", "18446744073709551615", "18446744073709551616", "1e400"] {
                push(
                    format!("{name}: {pointer} as {token}"),
                    Known::AboveTwoPow53InAjv,
                    with_token(&envelope, pointer, token),
                );
            }
        }
        let compact = serde_json::to_string(&envelope).unwrap();
        let repeated = compact.replacen('{', &format!("{{\"event\":\"{}\",", other.name()), 1);
        assert_eq!(repeated.matches("\"event\":").count(), 2);
        push(format!("{name}: event key repeated, another event first"), Known::DuplicateKey, repeated);
        let first = meta.fields()[0].name();
        let first_value = serde_json::to_string(&envelope["payload"][first]).unwrap();
        let repeated = compact.replacen("\"payload\":{", &format!("\"payload\":{{\"{first}\":{first_value},"), 1);
        assert_ne!(repeated, compact);
        push(format!("{name}: payload field repeated"), Known::DuplicateKey, repeated);
        // Escapes: a key or a value spelled with `\u` escapes is the same key or value to every reader, so an
        // escaped key repeats its plain spelling, and a lone surrogate is never one of the schema's strings.
        let escaped = compact.replacen("\"event\":", "\"\\u0065vent\":", 1);
        push(format!("{name}: event key spelled with an escape"), Known::Nothing, escaped);
        let escaped_twice = compact.replacen('{', &format!("{{\"\\u0065vent\":\"{}\",", other.name()), 1);
        push(format!("{name}: event key repeated, spelled with an escape"), Known::DuplicateKey, escaped_twice);
        let surrogate = compact.replacen("\"event\":\"", "\"event\":\"\\ud800", 1);
        push(format!("{name}: event with a lone surrogate"), Known::Nothing, surrogate);
        for (what, body) in [
            ("a byte order mark before the body", format!("\u{feff}{compact}")),
            ("whitespace around the body", format!(" \t\r\n{compact} \n")),
            ("a second document after the body", format!("{compact}{{}}")),
            ("garbage after the body", format!("{compact}x")),
            ("a NUL after the body", format!("{compact}\u{0}")),
        ] {
            push(format!("{name}: {what}"), Known::Nothing, body);
        }
        let mut with = |what: &str, f: &dyn Fn(&mut Value)| {
            let mut e = envelope.clone();
            f(&mut e);
            push(format!("{name}: {what}"), Known::Nothing, serde_json::to_string(&e).unwrap());
        };
        with("sdk.name another well-formed name", &|e| e["sdk"]["name"] = json!("evil"));
        with("payload with 1000 unknown keys", &|e| {
            for k in 0..1000 {
                e["payload"][format!("k{k}")] = json!(0);
            }
        });
        with("payload key __proto__", &|e| e["payload"]["__proto__"] = json!({}));
        with("payload an array", &|e| e["payload"] = json!([]));
        with("first payload field a 10 000-item array", &|e| e["payload"][first] = json!(vec![0; 10_000]));
        with("first payload field null", &|e| e["payload"][first] = json!(null));
        for field in meta.fields() {
            if let CollectableKind::EnumSet(set) = unwrap_optional(field.kind()) {
                let one = set.variants()[0].name();
                let many = vec![one; set.variants().len() + 1];
                with(&format!("set {} with a repeated item past maxItems", field.name()), &|e| {
                    e["payload"][field.name()] = json!(many);
                });
                with(&format!("set {} with a repeated item", field.name()), &|e| {
                    e["payload"][field.name()] = json!([one, one]);
                });
            }
        }
    }
    push("not JSON".into(), Known::Nothing, "{\"event\":".into());
    push("NaN".into(), Known::Nothing, "NaN".into());
    push("an empty object".into(), Known::Nothing, "{}".into());
    push("nested far past any limit".into(), Known::Nothing, format!("{}{}", "[".repeat(5000), "]".repeat(5000)));
    corpus
}

/// Runs one of the committed harnesses in `scripts/cross-validators/`; `None` when its runtime or its library is
/// not installed.
fn run_harness(program: &str, script: &str, bundle: &std::path::Path, corpus: &std::path::Path) -> Option<Vec<bool>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/cross-validators");
    let output = std::process::Command::new(program).arg(dir.join(script)).arg(bundle).arg(corpus).output().ok()?;
    let stderr = String::from_utf8_lossy(&output.stderr);
    if stderr.contains("No module named 'jsonschema'") || stderr.contains("Cannot find module 'ajv") {
        return None;
    }
    assert!(output.status.success(), "{program} {script} failed ({}):\n{stderr}", output.status);
    let verdicts = String::from_utf8(output.stdout).unwrap();
    Some(verdicts.lines().map(|line| line == "valid").collect())
}

/// Says something the test runner does not capture: a skipped check must be seen.
fn announce(message: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr().lock(), "{message}");
}

#[test]
fn independent_validators_agree_on_good_and_hostile_bodies() {
    let required = std::env::var_os("TELEMETRY_CROSS_VALIDATORS").is_some_and(|v| v == "1");
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let bundle = root.join("schemas/bundle.json");
    let rust = Validator::from_bundle_file(&bundle).unwrap();
    let corpus = cross_corpus();
    let dir = std::env::temp_dir().join(format!("telemetry-cross-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let corpus_file = dir.join("corpus.json");
    let texts: Vec<&str> = corpus.iter().map(|body| body.bytes.as_str()).collect();
    std::fs::write(&corpus_file, serde_json::to_string(&texts).unwrap()).unwrap();
    let python = run_harness("python3", "check.py", &bundle, &corpus_file);
    let ajv = run_harness("node", "check.cjs", &bundle, &corpus_file);
    std::fs::remove_dir_all(&dir).unwrap();
    let (Some(python), Some(ajv)) = (python, ajv) else {
        let missing = "python3 with jsonschema, and node with scripts/cross-validators/node_modules (pip install \
                       jsonschema; npm ci --prefix scripts/cross-validators)";
        assert!(!required, "TELEMETRY_CROSS_VALIDATORS=1 but the independent validators are missing: {missing}");
        announce(&format!("SKIPPED independent_validators_agree_on_good_and_hostile_bodies: needs {missing}"));
        return;
    };
    assert_eq!((python.len(), ajv.len()), (corpus.len(), corpus.len()));
    let mut disagreements = Vec::new();
    let (mut valid, mut known) = (0, 0);
    for ((body, py), js) in corpus.iter().zip(python).zip(ajv) {
        let ours = rust.validate_envelope(body.bytes.as_bytes()).is_ok();
        valid += usize::from(ours);
        let allowed = match body.known {
            Known::Nothing => ours == py && ours == js,
            Known::DuplicateKey | Known::BodySize | Known::NotPlainInteger => !ours,
            Known::AboveTwoPow53InAjv => ours == py,
        };
        if !allowed {
            disagreements.push(format!("{} (known: {:?}): rust {ours}, python {py}, ajv {js}", body.what, body.known));
        } else if !(ours == py && ours == js) {
            known += 1;
        }
    }
    println!(
        "cross-validators: {} bodies, {valid} valid; {known} known disagreements; {} unexpected",
        corpus.len(),
        disagreements.len()
    );
    assert!(disagreements.is_empty(), "the validators disagree:\n{}", disagreements.join("\n"));
}
