//! The page and the catalog for closed-key maps, flow ids and tagged unions: a map says which keys it can hold and
//! what each value is (with its bound), its keys and its values' enums and groups are listed; a flow id is named as
//! a random id that links the events of one flow, counted as 0 bits, and the page says why; a union lists each case
//! with its fields.

// The events are only described here, never built: their types' variants are never constructed.
#![allow(dead_code)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use telemetry_docs::{Disclosure, render_catalog, render_html, render_markdown};
use telemetry_schema::{FlowId, Product, TelemetryEnum, TelemetryEvent, TelemetryGroup};

const PRODUCT: Product = Product::builder("Tool", "tool", telemetry_schema::version!("1.0.0"))
    .env_prefix("TOOL")
    .opt_in()
    .endpoint("https://telemetry.tool.example/v1")
    .purpose("Tool counts how often it starts.")
    .build();

/// A sign-in provider the project can configure.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Provider {
    /// Sign in with GitHub.
    Github,
    /// Sign in with an email link.
    Email,
}

/// How strictly a rule is enforced.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Level {
    /// Reported as a warning.
    Warn,
    /// Fails the build.
    Error,
}

/// What is configured for one provider.
#[derive(TelemetryGroup)]
struct Settings {
    /// Whether sign-up is allowed with it.
    sign_up: bool,
}

/// Sent when the auth setup is read.
#[derive(TelemetryEvent)]
struct AuthConfigured {
    /// Links this event with the rest of the setup flow.
    flow: FlowId,
    /// How many users signed in with each provider, capped.
    #[telemetry(max = 1000)]
    sign_ins: BTreeMap<Provider, u32>,
    /// The level of each provider's rule.
    levels: BTreeMap<Provider, Level>,
    /// Which levels each provider uses.
    level_sets: Option<BTreeMap<Provider, BTreeSet<Level>>>,
    /// What is configured for each provider.
    settings: BTreeMap<Provider, Settings>,
}

/// Why an upgrade failed.
#[derive(TelemetryGroup)]
struct FailureInfo {
    /// How many retries were made, capped.
    #[telemetry(max = 3)]
    retries: u8,
    /// The level of the failure.
    level: Level,
}

/// How an upgrade ended.
#[derive(TelemetryEnum)]
enum Outcome {
    /// Nothing needed changing.
    NothingToDo,
    /// It failed.
    Failure(FailureInfo),
}

/// Sent when an upgrade ends.
#[derive(TelemetryEvent)]
struct UpgradeEnded {
    /// How it ended.
    outcome: Outcome,
}

/// Sent when the tool starts: no new kinds.
#[derive(TelemetryEvent)]
struct Started {
    /// Whether the tool runs in CI.
    is_ci: bool,
}

fn disclosure(events: &[&'static telemetry_schema::EventMeta]) -> Disclosure<'static> {
    Disclosure::new(&PRODUCT, events.iter().copied()).unwrap()
}

#[test]
fn the_page_describes_maps_and_flow_ids() {
    let page = render_markdown(&disclosure(&[&AuthConfigured::META])).unwrap();
    assert!(page.contains("a random id that links the events of one flow"), "{page}");
    assert!(page.contains("A flow id is counted as 0 bits"), "{page}");
    assert!(
        page.contains("a map whose keys are some of: `Github`, `Email` (each at most once), each with a value: a count (0 to 1,000)"),
        "{page}"
    );
    assert!(page.contains("1,000 or more is sent as 1,000") || page.contains("1000 or more is sent as 1000"), "{page}");
    // The keys are listed like an enum's values, and so are the values' enums; a group's fields get rows.
    assert!(page.contains("**Values of** `sign_ins`, `levels`, `level_sets` and `settings`"), "{page}");
    assert!(page.contains("`levels.*` and `level_sets.*`"), "{page}");
    assert!(page.contains("`settings.*.sign_up`"), "{page}");
    let html = render_html(&disclosure(&[&AuthConfigured::META])).unwrap();
    let parsed = common::parse_html(&html);
    assert_eq!(parsed.errors, Vec::<String>::new());
    assert!(parsed.text.contains("settings.*.sign_up"));
}

#[test]
fn the_flow_id_paragraph_appears_only_when_an_event_has_one() {
    let page = render_markdown(&disclosure(&[&Started::META])).unwrap();
    assert!(!page.contains("flow id"), "{page}");
}

#[test]
fn the_catalog_describes_a_map_s_keys_and_values_and_a_flow_id() {
    let catalog: Value = serde_json::from_str(&render_catalog(&disclosure(&[&AuthConfigured::META])).unwrap()).unwrap();
    let event = catalog["events"].as_array().unwrap().iter().find(|e| e["name"] == "AUTH_CONFIGURED").unwrap();
    let field = |name: &str| event["fields"].as_array().unwrap().iter().find(|f| f["name"] == name).unwrap().clone();
    assert_eq!(field("flow")["kind"], "flow_id");
    assert_eq!(field("flow")["payload_bits"], 0.0);
    let sign_ins = field("sign_ins");
    assert_eq!(sign_ins["kind"], "map");
    assert_eq!(sign_ins["value_kind"], "count");
    assert_eq!(sign_ins["max"], 1000);
    let keys: Vec<&str> = sign_ins["keys"].as_array().unwrap().iter().map(|k| k["name"].as_str().unwrap()).collect();
    assert_eq!(keys, ["Github", "Email"]);
    assert_eq!(field("levels")["values"][1]["name"], "Error");
    assert_eq!(field("settings")["fields"][0]["name"], "sign_up");
    assert_eq!(field("level_sets")["required"], false);
    assert_eq!(field("level_sets")["value_kind"], "enum_set");
}

#[test]
fn the_page_and_the_catalog_describe_each_case_of_a_union() {
    let page = render_markdown(&disclosure(&[&UpgradeEnded::META])).unwrap();
    assert!(page.contains("| `outcome` | one of the cases: `NothingToDo`, `Failure` (its name in `kind`"), "{page}");
    assert!(
        page.contains(
            "| `outcome.NothingToDo` | the case `kind` = `NothingToDo` | when this case | Nothing needed changing. |"
        ),
        "{page}"
    );
    assert!(page.contains("| `outcome.Failure.retries` | a count (0 to 3)"), "{page}");
    assert!(page.contains("**Values of** `outcome.Failure.level`"), "{page}");
    // The example shows the first case with its tag.
    assert!(page.contains(r#""outcome": {"#) && page.contains(r#""kind": "NothingToDo""#), "{page}");
    let html = render_html(&disclosure(&[&UpgradeEnded::META])).unwrap();
    assert_eq!(common::parse_html(&html).errors, Vec::<String>::new());

    let catalog: Value = serde_json::from_str(&render_catalog(&disclosure(&[&UpgradeEnded::META])).unwrap()).unwrap();
    let outcome = &catalog["events"][0]["fields"][0];
    assert_eq!(outcome["kind"], "union");
    assert_eq!(outcome["tag"], "kind");
    assert_eq!(outcome["values"][0]["name"], "NothingToDo");
    assert_eq!(outcome["values"][1]["fields"][0]["name"], "retries");
    // 1 + 4 x 2 cases.
    assert_eq!(outcome["payload_bits"], 9f64.log2());
}
