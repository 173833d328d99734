//! Closed-key maps (`BTreeMap<E, V>`), random flow ids (`FlowId`) and tagged unions (an enum whose variants carry
//! groups) end to end: random values encode to what
//! the event's schema allows, the validator (fast and exact path) accepts the envelope, and the strict decode
//! gives the value back; every way of breaking their contract (an unknown or repeated key, a wrong or `null`
//! value, a value outside the bound, a malformed id) is refused by the validator, the typed decode,
//! python-jsonschema and ajv alike.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use proptest::prelude::*;
use serde_json::{Value, json};
use telemetry_schema::decode::{Decode, decode_payload};
use telemetry_schema::schema::{SchemaOptions, bundle_schema, event_schema, to_canonical_string};
use telemetry_schema::{
    AnonymousId, Arch, Context, EnvelopeHeader, EventMeta, FlowId, Os, TelemetryEnum, TelemetryEvent, TelemetryGroup,
    Version, to_json, write_envelope,
};
use telemetry_validator::Validator;

/// A sign-in provider the project can configure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Provider {
    /// Sign in with GitHub.
    Github,
    /// Sign in with Google.
    Google,
    /// Sign in with an email link.
    Email,
}

/// How strictly a rule is enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Level {
    /// Reported as a warning.
    Warn,
    /// Fails the build.
    Error,
}

/// What is configured for one provider.
#[derive(Debug, Clone, PartialEq, TelemetryGroup)]
struct Settings {
    /// Whether sign-up is allowed with it.
    sign_up: bool,
    /// How many scopes are requested, capped.
    #[telemetry(max = 15)]
    scopes: u8,
}

/// Sent when the auth setup is read: every shape of map, and flow ids.
#[derive(Debug, Clone, PartialEq, TelemetryEvent)]
struct AuthConfigured {
    /// Links this event with the rest of the setup flow.
    flow: FlowId,
    /// Links this event with the upgrade that triggered it, if one did.
    upgrade: Option<FlowId>,
    /// Whether each configured provider is enabled.
    enabled: BTreeMap<Provider, bool>,
    /// How many users signed in with each provider, capped.
    #[telemetry(max = 1000)]
    sign_ins: BTreeMap<Provider, u32>,
    /// How long each provider took to answer, rounded.
    #[telemetry(buckets = "exp2")]
    latency: Option<BTreeMap<Provider, Duration>>,
    /// The version of each provider's SDK, major and minor only.
    #[telemetry(precision = "minor", max = 99)]
    versions: BTreeMap<Provider, Version>,
    /// Which levels each provider's rules use.
    levels: BTreeMap<Provider, BTreeSet<Level>>,
    /// What is configured for each provider.
    settings: BTreeMap<Provider, Settings>,
    /// Per provider, the level each level is raised to (a map of maps).
    raised: BTreeMap<Provider, BTreeMap<Level, Level>>,
}

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum ErrorCode {
    /// The request timed out.
    Timeout,
    /// The server refused it.
    Refused,
}

/// Why an upgrade failed.
#[derive(Debug, Clone, PartialEq, TelemetryGroup)]
struct FailureInfo {
    /// What went wrong.
    code: ErrorCode,
    /// How many retries were made, capped.
    #[telemetry(max = 3)]
    retries: u8,
    /// Whether it was retried from a saved state, when known.
    resumed: Option<bool>,
}

/// What an upgrade changed.
#[derive(Debug, Clone, PartialEq, TelemetryGroup)]
struct SuccessInfo {
    /// How many files were rewritten, capped.
    #[telemetry(max = 9)]
    files: u16,
}

/// How an upgrade ended.
#[derive(Debug, Clone, PartialEq, TelemetryEnum)]
enum Outcome {
    /// It changed files.
    Success(SuccessInfo),
    /// Nothing needed changing.
    NothingToDo,
    /// It failed.
    Failure(FailureInfo),
}

/// Sent when an upgrade ends: unions plain, optional and as map values.
#[derive(Debug, Clone, PartialEq, TelemetryEvent)]
struct UpgradeEnded {
    /// How it ended.
    outcome: Outcome,
    /// How the previous attempt ended, if there was one.
    previous: Option<Outcome>,
    /// How each provider's part ended.
    parts: BTreeMap<Provider, Outcome>,
}

fn validator() -> &'static Validator {
    static VALIDATOR: std::sync::OnceLock<Validator> = std::sync::OnceLock::new();
    VALIDATOR.get_or_init(|| Validator::from_bundle_bytes(bundle().as_bytes()).unwrap())
}

fn bundle() -> String {
    to_canonical_string(&bundle_schema(&[&AuthConfigured::META, &UpgradeEnded::META], &SchemaOptions::default()))
}

fn header() -> EnvelopeHeader {
    EnvelopeHeader {
        sdk_name: "acme",
        sdk_version: Version::new(1, 0, 0),
        install_id: AnonymousId::from_random_bytes([7; 16]),
        project_id: None,
        session_id: AnonymousId::from_random_bytes([9; 16]),
        context: Context { os: Os::Linux, arch: Arch::X86_64, cpu_count: 8, is_ci: false, is_tty: true },
    }
}

fn envelope<E: TelemetryEvent>(event: &E) -> String {
    let mut out = String::new();
    write_envelope(&mut out, &header(), event).unwrap();
    out
}

fn provider() -> impl Strategy<Value = Provider> {
    prop::sample::select(vec![Provider::Github, Provider::Google, Provider::Email])
}

fn level() -> impl Strategy<Value = Level> {
    prop::sample::select(vec![Level::Warn, Level::Error])
}

fn raw() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), Just(u64::MAX), 0u64..5000, any::<u64>()]
}

fn event() -> impl Strategy<Value = AuthConfigured> {
    use prop::collection::{btree_map, btree_set};
    let version = (any::<u32>(), any::<u32>(), any::<u32>())
        .prop_map(|(a, b, c)| Version::try_new(a % 1_000_000, b % 1000, c % 1000).unwrap_or(Version::new(1, 2, 3)));
    let settings = (any::<bool>(), any::<u8>()).prop_map(|(sign_up, scopes)| Settings { sign_up, scopes });
    (
        any::<bool>(),
        btree_map(provider(), any::<bool>(), 0..=3),
        btree_map(provider(), any::<u32>(), 0..=3),
        prop::option::of(btree_map(provider(), raw().prop_map(Duration::from_millis), 0..=3)),
        btree_map(provider(), version, 0..=3),
        btree_map(provider(), btree_set(level(), 0..=2), 0..=3),
        btree_map(provider(), settings, 0..=3),
        btree_map(provider(), btree_map(level(), level(), 0..=2), 0..=3),
    )
        .prop_map(|(upgrade, enabled, sign_ins, latency, versions, levels, settings, raised)| AuthConfigured {
            flow: FlowId::new(),
            upgrade: upgrade.then(FlowId::new),
            enabled,
            sign_ins,
            latency,
            versions,
            levels,
            settings,
            raised,
        })
}

fn outcome() -> impl Strategy<Value = Outcome> {
    let code = prop::sample::select(vec![ErrorCode::Timeout, ErrorCode::Refused]);
    prop_oneof![
        any::<u16>().prop_map(|files| Outcome::Success(SuccessInfo { files })),
        Just(Outcome::NothingToDo),
        (code, any::<u8>(), prop::option::of(any::<bool>()))
            .prop_map(|(code, retries, resumed)| Outcome::Failure(FailureInfo { code, retries, resumed })),
    ]
}

fn upgrade_ended() -> impl Strategy<Value = UpgradeEnded> {
    (outcome(), prop::option::of(outcome()), prop::collection::btree_map(provider(), outcome(), 0..=3))
        .prop_map(|(outcome, previous, parts)| UpgradeEnded { outcome, previous, parts })
}

/// An outcome as sent: its bounds applied.
fn outcome_as_sent(outcome: &Outcome) -> Outcome {
    match outcome {
        Outcome::Success(info) => Outcome::Success(SuccessInfo { files: info.files.min(9) }),
        Outcome::NothingToDo => Outcome::NothingToDo,
        Outcome::Failure(info) => Outcome::Failure(FailureInfo { retries: info.retries.min(3), ..info.clone() }),
    }
}

/// The event as the serializer sends it: every bound applied, by an independent statement of each rule.
fn as_sent(event: &AuthConfigured) -> AuthConfigured {
    let exp2 = |ms: u128| -> u64 {
        let ms = u64::try_from(ms).unwrap_or(u64::MAX);
        if ms == 0 { 0 } else { 1 << (63 - ms.leading_zeros()) }
    };
    let mut sent = event.clone();
    sent.sign_ins.values_mut().for_each(|n| *n = (*n).min(1000));
    if let Some(latency) = &mut sent.latency {
        latency.values_mut().for_each(|d| *d = Duration::from_millis(exp2(d.as_millis())));
    }
    sent.versions.values_mut().for_each(|v| *v = Version::new(v.major().min(99), v.minor().min(99), 0));
    sent.settings.values_mut().for_each(|s| s.scopes = s.scopes.min(15));
    sent
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn maps_and_flow_ids_encode_validate_and_decode_back(event in event()) {
        let json = to_json(&event).unwrap();
        let value: Value = serde_json::from_str(&json).unwrap();
        // Keys in declaration order (the `Debug` of a variant is its wire name), nested maps too. (`Value`'s map
        // sorts its keys, so the order is checked on the text.)
        let object = |entries: Vec<String>| format!("{{{}}}", entries.join(","));
        let enabled = object(event.enabled.iter().map(|(k, v)| format!("\"{k:?}\":{v}")).collect());
        prop_assert!(json.contains(&format!("\"enabled\":{enabled}")), "{json}");
        let raised = object(event.raised.iter().map(|(k, inner)| {
            format!("\"{k:?}\":{}", object(inner.iter().map(|(a, b)| format!("\"{a:?}\":\"{b:?}\"")).collect()))
        }).collect());
        prop_assert!(json.contains(&format!("\"raised\":{raised}}}")), "{json}");
        let flow = value["flow"].as_str().unwrap();
        prop_assert_eq!(flow, event.flow.to_string());
        prop_assert!(flow.len() == 32 && flow.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));

        let schema = jsonschema::validator_for(&event_schema(&AuthConfigured::META, &SchemaOptions::default()))
            .unwrap();
        prop_assert!(schema.is_valid(&value), "{json}");
        let body = envelope(&event);
        prop_assert!(validator().validate_envelope(body.as_bytes()).is_ok(), "{body}");
        prop_assert!(validator().validate_envelope_exact(body.as_bytes()).is_ok(), "{body}");

        let decoded: AuthConfigured = decode_payload(json.as_bytes()).unwrap();
        prop_assert_eq!(&decoded, &as_sent(&event));
        // Flow ids read from the wire are never sent again (the decode cannot mint ids); with the ids drawn by
        // `FlowId::new` put back, everything else re-encodes to the same text.
        prop_assert!(to_json(&decoded).is_err());
        let resent = AuthConfigured { flow: event.flow, upgrade: event.upgrade, ..decoded };
        prop_assert_eq!(to_json(&resent).unwrap(), json);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn unions_encode_validate_and_decode_back(event in upgrade_ended()) {
        let json = to_json(&event).unwrap();
        let value: Value = serde_json::from_str(&json).unwrap();
        let name = |outcome: &Outcome| match outcome {
            Outcome::Success(_) => "Success",
            Outcome::NothingToDo => "NothingToDo",
            Outcome::Failure(_) => "Failure",
        };
        prop_assert_eq!(&value["outcome"]["kind"], name(&event.outcome));
        // The tag comes first, then the group's fields.
        prop_assert!(json.starts_with(&format!("{{\"outcome\":{{\"kind\":\"{}\"", name(&event.outcome))), "{json}");
        let schema = jsonschema::validator_for(&event_schema(&UpgradeEnded::META, &SchemaOptions::default())).unwrap();
        prop_assert!(schema.is_valid(&value), "{json}");
        let body = envelope(&event);
        prop_assert!(validator().validate_envelope(body.as_bytes()).is_ok(), "{body}");
        prop_assert!(validator().validate_envelope_exact(body.as_bytes()).is_ok(), "{body}");
        let decoded: UpgradeEnded = decode_payload(json.as_bytes()).unwrap();
        let expected = UpgradeEnded {
            outcome: outcome_as_sent(&event.outcome),
            previous: event.previous.as_ref().map(outcome_as_sent),
            parts: event.parts.iter().map(|(k, v)| (*k, outcome_as_sent(v))).collect(),
        };
        prop_assert_eq!(&decoded, &expected);
        prop_assert_eq!(to_json(&decoded).unwrap(), json);
    }
}

#[test]
fn a_union_counts_the_sum_of_its_cases() {
    let bits = |name: &str| {
        let meta: &EventMeta = &UpgradeEnded::META;
        let index = meta.fields().iter().position(|f| f.name() == name).unwrap();
        meta.field_bits(index)
    };
    // Success: 10 values; nothing to do: 1; failure: 2 codes x 4 retry counts x 3 (absent, false, true) = 24.
    assert!((bits("outcome") - 35f64.log2()).abs() < 1e-12);
    assert!((bits("previous") - 36f64.log2()).abs() < 1e-12);
    assert!((bits("parts") - 3.0 * 36f64.log2()).abs() < 1e-12);
}

/// The bodies of the union part of the cross-validator corpus.
fn union_corpus() -> Vec<(String, String, String, bool)> {
    let event = UpgradeEnded {
        outcome: Outcome::Failure(FailureInfo { code: ErrorCode::Refused, retries: 2, resumed: Some(true) }),
        previous: Some(Outcome::NothingToDo),
        parts: BTreeMap::from([(Provider::Github, Outcome::Success(SuccessInfo { files: 4 }))]),
    };
    let good_payload = to_json(&event).unwrap();
    let good = envelope(&event);
    let payload: Value = serde_json::from_str(&good_payload).unwrap();
    let mut bodies = vec![("a union event".to_owned(), good.clone(), good_payload.clone(), true)];
    let edits: Vec<(&str, &str, Option<Value>)> = vec![
        ("a union without its tag", "/outcome/kind", None),
        ("a union with an unknown case", "/outcome/kind", Some(json!("Crashed"))),
        ("a union whose tag is not a string", "/outcome/kind", Some(json!(1))),
        ("a union case named in another case", "/outcome/kind", Some(json!("Success"))),
        ("a fieldless case with a field", "/previous/files", Some(json!(1))),
        ("a case missing a required field", "/outcome/code", None),
        ("a case with an unknown field", "/outcome/user", Some(json!("jane"))),
        ("a case field above its bound", "/outcome/retries", Some(json!(4))),
        ("a case field of the wrong type", "/outcome/resumed", Some(json!("yes"))),
        ("a union as a string", "/outcome", Some(json!("Failure"))),
        ("a union in a map with an unknown case", "/parts/Github/kind", Some(json!("Crashed"))),
    ];
    for (what, pointer, new) in edits {
        let broken = mutate(&payload, pointer, new).to_string();
        bodies.push((what.to_owned(), with_payload(&good, &broken), broken, false));
    }
    let valid_without_optional = mutate(&payload, "/outcome/resumed", None).to_string();
    bodies.push((
        "a case without its optional field".to_owned(),
        with_payload(&good, &valid_without_optional),
        valid_without_optional,
        true,
    ));
    let repeated = good_payload.replace(r#"{"kind":"Failure","#, r#"{"kind":"Failure","kind":"Failure","#);
    assert_ne!(repeated, good_payload);
    bodies.push(("a union with a repeated key".to_owned(), with_payload(&good, &repeated), repeated, false));
    bodies
}

/// An event with every map holding every key, so that each can be broken.
fn full_event() -> AuthConfigured {
    let all = [Provider::Github, Provider::Google, Provider::Email];
    AuthConfigured {
        flow: FlowId::new(),
        upgrade: Some(FlowId::new()),
        enabled: all.iter().map(|p| (*p, true)).collect(),
        sign_ins: all.iter().map(|p| (*p, 7)).collect(),
        latency: Some(all.iter().map(|p| (*p, Duration::from_millis(64))).collect()),
        versions: all.iter().map(|p| (*p, Version::new(1, 4, 0))).collect(),
        levels: all.iter().map(|p| (*p, BTreeSet::from([Level::Warn]))).collect(),
        settings: all.iter().map(|p| (*p, Settings { sign_up: true, scopes: 3 })).collect(),
        raised: all.iter().map(|p| (*p, BTreeMap::from([(Level::Warn, Level::Error)]))).collect(),
    }
}

/// Every way to break a map or a flow id, as payload edits: `(what, pointer, new value)`; `None` removes.
fn mutations() -> Vec<(&'static str, &'static str, Option<Value>)> {
    vec![
        ("a map with an unknown key", "/enabled/Gitlab", Some(json!(true))),
        ("a key that differs only in case", "/enabled/github", Some(json!(true))),
        ("a key with a trailing space", "/enabled/Github ", Some(json!(true))),
        ("an empty key", "/enabled/", Some(json!(true))),
        ("a map value of the wrong type", "/enabled/Github", Some(json!("yes"))),
        ("a null map value", "/enabled/Github", Some(Value::Null)),
        ("a map as an array", "/enabled", Some(json!(["Github"]))),
        ("a map as a string", "/enabled", Some(json!("Github"))),
        ("a count above the map's bound", "/sign_ins/Google", Some(json!(1001))),
        ("a negative count in a map", "/sign_ins/Google", Some(json!(-1))),
        ("a duration not on the map's buckets", "/latency/Email", Some(json!(100))),
        ("a version with more parts than the map's precision", "/versions/Github", Some(json!("1.4.0"))),
        ("a set with a repeated item in a map", "/levels/Github", Some(json!(["Warn", "Warn"]))),
        ("a set with an unknown item in a map", "/levels/Github", Some(json!(["Fatal"]))),
        ("a group in a map without a required field", "/settings/Google/scopes", None),
        ("a group in a map with an extra field", "/settings/Google/name", Some(json!("jane"))),
        ("a group field above its bound in a map", "/settings/Google/scopes", Some(json!(16))),
        ("an unknown key in a map of maps", "/raised/Github/Fatal", Some(json!("Error"))),
        ("an unknown value in a map of maps", "/raised/Github/Warn", Some(json!("Fatal"))),
        ("a flow id in upper case", "/flow", Some(json!("0123456789ABCDEF0123456789ABCDEF"))),
        ("a flow id one digit short", "/flow", Some(json!("0123456789abcdef0123456789abcde"))),
        ("a flow id one digit long", "/flow", Some(json!("0123456789abcdef0123456789abcdef0"))),
        ("a flow id with a trailing newline", "/flow", Some(json!("0123456789abcdef0123456789abcdef\n"))),
        ("a flow id that is not hex", "/flow", Some(json!("0123456789abcdefg123456789abcdef"))),
        ("a flow id that is a name", "/upgrade", Some(json!("jane.doe@example.com"))),
        ("a flow id as a number", "/flow", Some(json!(12345))),
        ("a missing flow id", "/flow", None),
        ("a null optional flow id", "/upgrade", Some(Value::Null)),
    ]
}

/// `payload` with the value at `pointer` replaced (or added, or removed).
fn mutate(payload: &Value, pointer: &str, new: Option<Value>) -> Value {
    let mut payload = payload.clone();
    let (parent, key) = pointer.rsplit_once('/').unwrap();
    let object = payload.pointer_mut(parent).unwrap().as_object_mut().unwrap();
    match new {
        Some(value) => {
            object.insert(key.to_owned(), value);
        }
        None => {
            object.remove(key);
        }
    }
    payload
}

fn with_payload(envelope: &str, payload: &str) -> String {
    let mut value: Value = serde_json::from_str(envelope).unwrap();
    value["payload"] = json!("PAYLOAD");
    value.to_string().replace("\"PAYLOAD\"", payload)
}

/// The bodies of the cross-validator corpus: `(what, body, payload, valid)`.
fn corpus() -> Vec<(String, String, String, bool)> {
    let event = full_event();
    let good_payload = to_json(&event).unwrap();
    let good = envelope(&event);
    let payload: Value = serde_json::from_str(&good_payload).unwrap();
    let mut bodies = vec![("the full event".to_owned(), good.clone(), good_payload.clone(), true)];
    let mut empty = event.clone();
    (empty.enabled, empty.sign_ins, empty.latency, empty.versions) =
        (BTreeMap::new(), BTreeMap::new(), None, BTreeMap::new());
    (empty.levels, empty.settings, empty.raised, empty.upgrade) =
        (BTreeMap::new(), BTreeMap::new(), BTreeMap::new(), None);
    bodies.push(("every map empty".to_owned(), envelope(&empty), to_json(&empty).unwrap(), true));
    // Any key order is valid JSON for a map (the client writes declaration order; the schema does not demand it).
    let reordered = good_payload
        .replace(r#"{"Github":true,"Google":true,"Email":true}"#, r#"{"Email":true,"Github":true,"Google":true}"#);
    assert_ne!(reordered, good_payload);
    bodies.push(("a map in another key order".to_owned(), with_payload(&good, &reordered), reordered, true));
    for (what, pointer, new) in mutations() {
        let broken = mutate(&payload, pointer, new).to_string();
        bodies.push((what.to_owned(), with_payload(&good, &broken), broken, false));
    }
    // A repeated key cannot be built as a `Value`: edit the text.
    let repeated = good_payload.replace(r#"{"Github":true,"#, r#"{"Github":true,"Github":false,"#);
    assert_ne!(repeated, good_payload);
    bodies.push(("a map with a repeated key".to_owned(), with_payload(&good, &repeated), repeated, false));
    bodies.extend(union_corpus());
    bodies
}

#[test]
fn every_broken_map_flow_id_or_union_is_refused_by_the_validator_and_the_typed_decode() {
    let unions: Vec<String> = union_corpus().into_iter().map(|(what, ..)| what).collect();
    for (what, body, payload, valid) in corpus() {
        let fast = validator().validate_envelope(body.as_bytes());
        let exact = validator().validate_envelope_exact(body.as_bytes());
        let decoded = if unions.contains(&what) {
            decode_payload::<UpgradeEnded>(payload.as_bytes()).map(|_| ())
        } else {
            decode_payload::<AuthConfigured>(payload.as_bytes()).map(|_| ())
        };
        if valid {
            assert!(fast.is_ok() && exact.is_ok(), "{what} refused: {fast:?} {exact:?}\n{body}");
            assert!(decoded.is_ok(), "{what} not decoded: {decoded:?}");
        } else {
            assert!(fast.is_err(), "{what} accepted by the validator:\n{body}");
            assert_eq!(fast.unwrap_err().to_string(), exact.unwrap_err().to_string(), "{what}");
            assert!(decoded.is_err(), "{what} decoded:\n{payload}");
        }
    }
}

#[test]
fn decode_errors_name_the_problem() {
    let good = to_json(&full_event()).unwrap();
    let error = |payload: &str| decode_payload::<AuthConfigured>(payload.as_bytes()).unwrap_err().to_string();
    let unknown = good.replace(r#""enabled":{"Github""#, r#""enabled":{"Gitlab""#);
    assert!(error(&unknown).contains(r#"unknown Provider "Gitlab"; expected one of: Github, Google, Email"#));
    let repeated = good.replace(r#"{"Github":true,"#, r#"{"Github":true,"Github":false,"#);
    assert!(
        error(&repeated).contains(r#"key "Github" appears twice in a map keyed by Provider"#),
        "{}",
        error(&repeated)
    );
    let bad_flow = mutate(&serde_json::from_str(&good).unwrap(), "/flow", Some(json!("ABC"))).to_string();
    assert!(error(&bad_flow).contains(r#""ABC" is not 32 lower-case hex digits"#), "{}", error(&bad_flow));
}

#[test]
fn the_schema_of_a_map_closes_its_keys_and_counts_them() {
    let schema = event_schema(&AuthConfigured::META, &SchemaOptions::default());
    let enabled = &schema["properties"]["enabled"];
    assert_eq!(enabled["type"], "object");
    assert_eq!(enabled["maxProperties"], 3);
    assert_eq!(enabled["propertyNames"]["$ref"], "#/$defs/Provider");
    assert_eq!(enabled["additionalProperties"], json!({"type": "boolean"}));
    // The bound is on each value.
    assert_eq!(schema["properties"]["sign_ins"]["additionalProperties"]["maximum"], 1000);
    assert_eq!(schema["properties"]["flow"]["pattern"], "^[0-9a-f]{32}$");
    assert!(schema["properties"]["flow"]["description"].as_str().unwrap().contains("links the events of one flow"));
    let required: Vec<&str> = schema["required"].as_array().unwrap().iter().filter_map(Value::as_str).collect();
    assert!(required.contains(&"flow") && !required.contains(&"upgrade"));
}

#[test]
fn a_flow_id_counts_no_author_bits_and_a_map_counts_each_key_as_an_option() {
    let meta: &EventMeta = &AuthConfigured::META;
    let bits = |name: &str| {
        let index = meta.fields().iter().position(|f| f.name() == name).unwrap();
        meta.field_bits(index)
    };
    assert_eq!(bits("flow"), 0.0);
    assert_eq!(bits("upgrade"), 1.0);
    assert!((bits("enabled") - 3.0 * 3f64.log2()).abs() < 1e-12);
    assert!((bits("sign_ins") - 3.0 * 1002f64.log2()).abs() < 1e-9);
    // 2^2 sets + absent, per key.
    assert!((bits("levels") - 3.0 * 5f64.log2()).abs() < 1e-12);
    // A group of a bool and 0..=15: 32 values + absent, per key.
    assert!((bits("settings") - 3.0 * 33f64.log2()).abs() < 1e-12);
    // A map over 2 keys of 2 values: 3^2 inner maps + absent, per outer key.
    assert!((bits("raised") - 3.0 * 10f64.log2()).abs() < 1e-12);
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

#[test]
fn independent_validators_agree_on_maps_flow_ids_and_unions() {
    let required = std::env::var_os("TELEMETRY_CROSS_VALIDATORS").is_some_and(|v| v == "1");
    let dir = std::env::temp_dir().join(format!("telemetry-new-kinds-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (bundle_file, corpus_file) = (dir.join("bundle.json"), dir.join("corpus.json"));
    std::fs::write(&bundle_file, bundle()).unwrap();
    let corpus = corpus();
    let texts: Vec<&str> = corpus.iter().map(|(_, body, _, _)| body.as_str()).collect();
    std::fs::write(&corpus_file, serde_json::to_string(&texts).unwrap()).unwrap();
    let python = run_harness("python3", "check.py", &bundle_file, &corpus_file);
    let ajv = run_harness("node", "check.cjs", &bundle_file, &corpus_file);
    std::fs::remove_dir_all(&dir).unwrap();
    let (Some(python), Some(ajv)) = (python, ajv) else {
        assert!(!required, "TELEMETRY_CROSS_VALIDATORS=1 but python-jsonschema or ajv is missing");
        eprintln!("SKIPPED independent_validators_agree_on_maps_flow_ids_and_unions: needs python3 jsonschema and ajv");
        return;
    };
    let mut disagreements = Vec::new();
    for (((what, body, _, valid), py), js) in corpus.iter().zip(python).zip(ajv) {
        let ours = validator().validate_envelope(body.as_bytes()).is_ok();
        // A repeated key: JSON parsers keep the last one, so python and ajv cannot see it; ours refuses it.
        let repeated = what.contains("repeated key");
        if ours != *valid || (!repeated && (py != *valid || js != *valid)) {
            disagreements.push(format!("{what}: expected {valid}, rust {ours}, python {py}, ajv {js}"));
        }
    }
    assert!(disagreements.is_empty(), "the validators disagree:\n{}", disagreements.join("\n"));
}

/// The decode of a hand-built map is exactly what the derive uses: a `Decode` impl per kind.
#[test]
fn maps_decode_through_the_public_decode_trait() {
    fn decodes<T: Decode>() {}
    decodes::<BTreeMap<Provider, BTreeMap<Level, Level>>>();
    decodes::<Option<FlowId>>();
    decodes::<BTreeMap<Provider, Outcome>>();
}

#[test]
fn the_validator_names_the_allowed_keys_of_a_map() {
    let (_, body, _, _) = corpus().into_iter().find(|(what, ..)| what == "a map with an unknown key").unwrap();
    let message = validator().validate_envelope(body.as_bytes()).unwrap_err().to_string();
    assert!(
        message.contains(
            r#"at /payload/enabled: expected property names that are each one of "Github", "Google", "Email""#
        ),
        "{message}"
    );
}

#[test]
fn the_validator_says_what_a_union_case_wanted() {
    let message = |what: &str| {
        let (_, body, _, _) = union_corpus().into_iter().find(|(w, ..)| w == what).unwrap();
        validator().validate_envelope(body.as_bytes()).unwrap_err().to_string()
    };
    let unknown = message("a union with an unknown case");
    assert!(
        unknown.contains(
            r#"at /payload/outcome: expected an object whose "kind" is one of "Success", "NothingToDo", "Failure""#
        ),
        "{unknown}"
    );
    let bound = message("a case field above its bound");
    assert!(bound.contains("at /payload/outcome: expected a number of at most 3 at /retries"), "{bound}");
    let missing = message("a union without its tag");
    assert!(missing.contains(r#"expected the required property "kind""#), "{missing}");
}

#[test]
fn numbers_that_are_not_plain_integers_are_refused_inside_maps_and_unions() {
    let union_payload = to_json(&UpgradeEnded {
        outcome: Outcome::Failure(FailureInfo { code: ErrorCode::Timeout, retries: 2, resumed: None }),
        previous: None,
        parts: BTreeMap::from([(Provider::Email, Outcome::Success(SuccessInfo { files: 2 }))]),
    })
    .unwrap();
    let map_payload = to_json(&full_event()).unwrap();
    let long = format!("2.{}", "0".repeat(129));
    for token in ["2.0", "2e0", "0.2e1", "-0", long.as_str()] {
        for (payload, needle) in [(&union_payload, "\"retries\":2"), (&union_payload, "\"files\":2")] {
            let broken = payload.replacen(needle, &needle.replace('2', token), 1);
            assert_ne!(&broken, payload);
            assert!(decode_payload::<UpgradeEnded>(broken.as_bytes()).is_err(), "{broken}");
        }
        let broken = map_payload.replacen("\"Github\":7", &format!("\"Github\":{token}"), 1);
        assert_ne!(broken, map_payload);
        assert!(decode_payload::<AuthConfigured>(broken.as_bytes()).is_err(), "{broken}");
    }
}
