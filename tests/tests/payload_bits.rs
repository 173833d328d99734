//! The information bound of every example event (`EventMeta::payload_bits`), pinned: the example SDK holds every
//! event to its product budget of 64 bits, and a change that lets an event say more shows up here.

use example_sdk::events::*;
use telemetry_schema::{Context, EventMeta, TelemetryEvent, TelemetryGroup};

/// Each event's figure after issue 9's bounds, with the figure before them (every number unbounded).
const FIGURES: &[(&EventMeta, f64, f64)] = &[
    (&AuthInit::META, 216.34, 37.09),
    (&FeatureUsage::META, 34.32, 7.37),
    (&BuildFinished::META, 135.00, 23.48),
    (&CliCommand::META, 146.25, 26.80),
    (&ComponentMounted::META, 6.32, 6.32),
    (&DeployFinished::META, 100.58, 16.02),
    (&DevServerStarted::META, 98.00, 13.25),
    (&ErrorFeedback::META, 2.58, 2.58),
    (&ProjectCreated::META, 5.32, 5.32),
    (&SdkUpgraded::META, 277.52, 31.62),
];

#[test]
fn every_example_event_is_within_the_product_budget() {
    let budget = f64::from(example_sdk::PRODUCT.payload_budget_bits().expect("the example SDK declares a budget"));
    assert_eq!(budget, 64.0);
    assert_eq!(FIGURES.len(), telemetry_schema::events().unwrap().len());
    for (meta, before, after) in FIGURES {
        let bits = meta.payload_bits();
        assert!((bits - after).abs() < 0.005, "{}: {bits} bits, pinned at {after} (was {before})", meta.name());
        assert!(bits <= budget, "{}: {bits} bits", meta.name());
        // The payload's figure is the sum of its fields'.
        let sum: f64 = (0..meta.fields().len()).map(|i| meta.field_bits(i)).sum();
        assert!((sum - bits).abs() < 1e-9, "{}: fields sum to {sum}, payload {bits}", meta.name());
    }
}

#[test]
fn field_figures_follow_the_grammar() {
    let cli = &CliCommand::META;
    let bits = |name: &str| {
        let i = cli.fields().iter().position(|f| f.name() == name).unwrap();
        cli.field_bits(i)
    };
    assert_eq!(bits("is_ci"), 1.0);
    assert!((bits("command") - 6f64.log2()).abs() < 1e-12, "one of 6 commands");
    assert!((bits("cpu_count") - 65f64.log2()).abs() < 1e-12, "0 to 64");
    assert!((bits("cli_version") - 10_000f64.log2()).abs() < 1e-12, "two parts of 0 to 99");
    let auth = &AuthInit::META;
    let i = auth.fields().iter().position(|f| f.name() == "database_version").unwrap();
    assert!((auth.field_bits(i) - 10_001f64.log2()).abs() < 1e-12, "an optional version: absent is one more value");
    let j = auth.fields().iter().position(|f| f.name() == "social_providers").unwrap();
    assert_eq!(auth.field_bits(j), 5.0, "a set of 5 variants");
}

#[test]
fn the_envelope_context_is_bounded_too() {
    // os (5) x arch (3) x cpu_count (0..=64) x is_ci x is_tty; 21.9 bits before cpu_count was capped.
    let bits = <Context as TelemetryGroup>::META.payload_bits();
    assert!((bits - (5.0f64 * 3.0 * 65.0 * 2.0 * 2.0).log2()).abs() < 1e-12, "{bits}");
}

#[test]
fn the_raw_count_never_reaches_the_wire() {
    let event = CliCommand {
        command: Command::Build,
        cli_version: "12.345.6-rc.7".parse().unwrap(),
        is_ci: false,
        cpu_count: 192,
        os: Os::Linux,
        arch: Arch::X86_64,
    };
    let json = telemetry_schema::to_json(&event).unwrap();
    assert_eq!(
        json,
        r#"{"command":"build","cli_version":"12.99","is_ci":false,"cpu_count":64,"os":"linux","arch":"x86_64"}"#
    );
    assert!(!json.contains("192") && !json.contains("345") && !json.contains("-rc"));
}
