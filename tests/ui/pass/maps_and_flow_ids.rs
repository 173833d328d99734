use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use telemetry_schema::{CollectableKind, FlowId, TelemetryEnum, TelemetryEvent, TelemetryGroup, Version, to_json};

/// A sign-in provider the project can configure.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Provider {
    /// Sign in with GitHub.
    Github,
    /// Sign in with Google.
    Google,
    /// Sign in with an email link.
    Email,
}

/// How strictly a lint rule is enforced.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Level {
    /// Reported as a warning.
    Warn,
    /// Fails the build.
    Error,
}

/// What is configured for one provider.
#[derive(TelemetryGroup)]
struct ProviderSettings {
    /// Whether sign-up is allowed with it.
    sign_up: bool,
    /// How many scopes are requested, capped.
    #[telemetry(max = 15)]
    scopes: u8,
}

/// Sent when the auth setup is read; one field of each new kind, and an `Option` of each.
#[derive(TelemetryEvent)]
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
    #[telemetry(precision = "minor")]
    sdk_versions: BTreeMap<Provider, Version>,
    /// The level of each provider's lint rule.
    levels: BTreeMap<Provider, Level>,
    /// Which levels each provider has.
    level_sets: BTreeMap<Provider, BTreeSet<Level>>,
    /// What is configured for each provider.
    settings: BTreeMap<Provider, ProviderSettings>,
    /// Per provider, a per-provider table (a map of maps).
    pairs: BTreeMap<Provider, BTreeMap<Provider, bool>>,
}

fn main() {
    let flow = FlowId::new();
    let event = AuthConfigured {
        flow,
        upgrade: None,
        // Inserted out of order: the wire lists keys in declaration order.
        enabled: BTreeMap::from([(Provider::Email, false), (Provider::Github, true)]),
        sign_ins: BTreeMap::from([(Provider::Google, 5_000)]),
        latency: Some(BTreeMap::from([(Provider::Github, Duration::from_millis(300))])),
        sdk_versions: BTreeMap::from([(Provider::Google, Version::new(4, 2, 9))]),
        levels: BTreeMap::new(),
        level_sets: BTreeMap::from([(Provider::Email, BTreeSet::from([Level::Error, Level::Warn]))]),
        settings: BTreeMap::from([(Provider::Github, ProviderSettings { sign_up: true, scopes: 200 })]),
        pairs: BTreeMap::from([(Provider::Github, BTreeMap::from([(Provider::Google, true)]))]),
    };
    assert_eq!(
        to_json(&event).unwrap(),
        format!(
            concat!(
                r#"{{"flow":"{flow}","enabled":{{"Github":true,"Email":false}},"sign_ins":{{"Google":1000}},"#,
                r#""latency":{{"Github":256}},"sdk_versions":{{"Google":"4.2"}},"levels":{{}},"#,
                r#""level_sets":{{"Email":["Warn","Error"]}},"settings":{{"Github":{{"sign_up":true,"scopes":15}}}},"#,
                r#""pairs":{{"Github":{{"Google":true}}}}}}"#,
            ),
            flow = flow
        )
    );
    let kinds: Vec<CollectableKind> = AuthConfigured::META.fields().iter().map(|f| f.kind()).collect();
    assert_eq!(kinds[0], CollectableKind::FlowId);
    assert_eq!(kinds[1], CollectableKind::Optional(&CollectableKind::FlowId));
    assert_eq!(kinds[2], CollectableKind::Map(&Provider::META, &CollectableKind::Bool));
    // A flow id carries no author-chosen bit; `Option<FlowId>` one (present or not).
    assert_eq!(AuthConfigured::META.field_bits(0), 0.0);
    assert_eq!(AuthConfigured::META.field_bits(1), 1.0);
    // Each of 3 keys absent, false or true: 3^3 payloads.
    assert!((AuthConfigured::META.field_bits(2) - 27f64.log2()).abs() < 1e-12);
    // Each key absent or 0..=1000.
    assert!((AuthConfigured::META.field_bits(3) - 3.0 * 1002f64.log2()).abs() < 1e-9);
    let id = flow.to_string();
    assert_eq!(id.len(), 32);
    assert!(id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
}
