//! Bounded numbers end to end: for random raw values of every bounded field of the example SDK, the encoded value
//! is what the page's rule says (checked against an independent statement of each rule, not `Bound::round`), it
//! is one the event's schema allows (`maximum`, the `enum` of bucket values, the bounded version `pattern`), and
//! the validator accepts the envelope.

use std::collections::BTreeSet;
use std::time::Duration;

use example_sdk::events::*;
use proptest::prelude::*;
use serde_json::Value;
use telemetry_schema::schema::{SchemaOptions, bundle_schema, event_schema};
use telemetry_schema::{
    AnonymousId, Context, EnvelopeHeader, EventMeta, TelemetryEvent, Version, to_json, write_envelope,
};
use telemetry_validator::Validator;

/// The page's rule for `buckets = "exp2"`: 0, or the largest power of two not above the value.
fn exp2(raw: u64) -> u64 {
    if raw == 0 { 0 } else { 1 << (63 - raw.leading_zeros()) }
}

/// The page's rule for `buckets = "exp2/4"`: 0 to 3 as they are, else the largest of 4, 5, 6, 7 times a power of
/// two not above the value.
fn exp2_quarter(raw: u64) -> u64 {
    if raw < 4 {
        return raw;
    }
    let power = 1u64 << (63 - raw.leading_zeros()); // 2^k <= raw
    let step = power / 4;
    (4..=7).map(|n| n * step).filter(|v| *v <= raw).max().unwrap()
}

/// "N or more is sent as N", below the cap the rounding.
fn capped(raw: u64, cap: u64, round: fn(u64) -> u64) -> u64 {
    if raw >= cap { cap } else { round(raw) }
}

fn exact(raw: u64) -> u64 {
    raw
}

/// The value of `field` in `json` is allowed by the event schema's property for it.
fn allowed_by_schema(meta: &EventMeta, json: &Value, field: &str) -> Result<(), String> {
    let schema = event_schema(meta, &SchemaOptions::default());
    let property = &schema["properties"][field];
    let value = &json[field];
    if let Some(n) = value.as_u64() {
        if let Some(max) = property["maximum"].as_u64()
            && n > max
        {
            return Err(format!("{field} = {n} is above the schema's maximum {max}"));
        }
        if let Some(values) = property["enum"].as_array()
            && !values.contains(value)
        {
            return Err(format!("{field} = {n} is not in the schema's enum"));
        }
    } else if let Some(text) = value.as_str() {
        let pattern = property["pattern"].as_str().ok_or(format!("{field}: no pattern"))?;
        // The example's bounded versions have parts of at most two digits (`max = 99`); the validator, which runs
        // the pattern itself, checks the envelope below.
        let parts: Vec<&str> = text.split('.').collect();
        let expected_parts = pattern.matches("\\.").count() + 1;
        let ok = parts.len() == expected_parts
            && parts.iter().all(|p| {
                !p.is_empty()
                    && p.len() <= 2
                    && p.bytes().all(|b| b.is_ascii_digit())
                    && (*p == "0" || !p.starts_with('0'))
            });
        if !ok {
            return Err(format!("{field} = {text:?} does not match {pattern}"));
        }
    } else {
        return Err(format!("{field}: {value} is neither a number nor a string"));
    }
    Ok(())
}

fn validator() -> &'static Validator {
    static VALIDATOR: std::sync::OnceLock<Validator> = std::sync::OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let metas = [
            &BuildFinished::META,
            &DevServerStarted::META,
            &DeployFinished::META,
            &SdkUpgraded::META,
            &CliCommand::META,
            &AuthInit::META,
            &FeatureUsage::META,
        ];
        let bundle = telemetry_schema::schema::to_canonical_string(&bundle_schema(&metas, &SchemaOptions::default()));
        Validator::from_bundle_bytes(bundle.as_bytes()).unwrap()
    })
}

fn header(cpu_count: u16) -> EnvelopeHeader {
    EnvelopeHeader {
        sdk_name: "acme",
        sdk_version: Version::new(1, 0, 0),
        install_id: AnonymousId::from_random_bytes([7; 16]),
        project_id: None,
        session_id: AnonymousId::from_random_bytes([9; 16]),
        context: Context { os: Os::Linux, arch: Arch::X86_64, cpu_count, is_ci: false, is_tty: true },
    }
}

fn accepted<E: TelemetryEvent>(event: &E, cpu_count: u16) -> Result<(), String> {
    let mut out = String::new();
    write_envelope(&mut out, &header(cpu_count), event).unwrap();
    let envelope: Value = serde_json::from_str(&out).unwrap();
    if envelope["context"]["cpu_count"].as_u64() != Some(u64::from(cpu_count.min(64))) {
        return Err(format!("context.cpu_count {cpu_count} sent as {}", envelope["context"]["cpu_count"]));
    }
    validator().validate_envelope(out.as_bytes()).map_err(|rejection| format!("{rejection}\n{out}"))
}

/// Mostly edges and small numbers, sometimes anything.
fn raw() -> impl Strategy<Value = u64> {
    prop_oneof![Just(0u64), Just(u64::MAX), 0u64..5000, 0u64..10_000_000_000, any::<u64>()]
}

fn raw_u32() -> impl Strategy<Value = u32> {
    prop_oneof![Just(0u32), Just(u32::MAX), 0u32..5000, any::<u32>()]
}

fn version() -> impl Strategy<Value = Version> {
    (0u32..1000, 0u32..1000, 0u32..1000, any::<bool>()).prop_map(|(a, b, c, pre)| {
        let v = Version::new(a, b, c);
        if pre {
            v.with_pre_release(telemetry_schema::PreRelease::new(telemetry_schema::PreTag::Rc, Some(2)))
        } else {
            v
        }
    })
}

const HOUR_MS: u64 = 3_600_000;

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn encoded_bounded_values_are_within_the_schema_and_rounded_as_the_page_says(
        duration in raw(), pages in raw_u32(), statics in raw_u32(), startup in raw(), routes in raw_u32(),
        deploy in raw(), resources in raw_u32(), from in version(), to in version(), files in raw_u32(),
        cli in version(), cpus in any::<u16>(), origins in any::<u16>(), db in proptest::option::of(version()),
        session in proptest::option::of(raw()), invocations in raw_u32(),
    ) {
        let ms = |raw: u64| Duration::from_millis(raw);
        let check = |meta: &EventMeta, json: &str, expected: &[(&str, Value)]| -> Result<(), TestCaseError> {
            let json: Value = serde_json::from_str(json).unwrap();
            for (field, value) in expected {
                prop_assert_eq!(&json[*field], value, "{} {}", meta.name(), field);
                if !value.is_null() {
                    allowed_by_schema(meta, &json, field).map_err(TestCaseError::fail)?;
                }
            }
            Ok(())
        };
        let minor = |v: &Version| format!("{}.{}", v.major().min(99), v.minor().min(99));

        let build = BuildFinished {
            duration: ms(duration), page_count: pages, static_page_count: statics,
            plugins: BTreeSet::new(), bundler: Bundler::Webpack, has_custom_config: false,
        };
        check(&BuildFinished::META, &to_json(&build).unwrap(), &[
            ("duration", capped(duration, HOUR_MS, exp2_quarter).into()),
            ("page_count", exp2(u64::from(pages)).into()),
            ("static_page_count", exp2(u64::from(statics)).into()),
        ])?;
        accepted(&build, cpus).map_err(TestCaseError::fail)?;

        let dev = DevServerStarted { startup: ms(startup), turbo: false, https: true, route_count: routes };
        check(&DevServerStarted::META, &to_json(&dev).unwrap(), &[
            ("startup", capped(startup, 10 * 60_000, exp2_quarter).into()),
            ("route_count", exp2(u64::from(routes)).into()),
        ])?;
        accepted(&dev, cpus).map_err(TestCaseError::fail)?;

        let deployed = DeployFinished {
            provider: CloudProvider::Aws, outcome: DeployOutcome::Succeeded, duration: ms(deploy),
            resources_changed: resources, production: true,
        };
        check(&DeployFinished::META, &to_json(&deployed).unwrap(), &[
            ("duration", capped(deploy, HOUR_MS, exp2_quarter).into()),
            ("resources_changed", exp2(u64::from(resources)).into()),
        ])?;
        accepted(&deployed, cpus).map_err(TestCaseError::fail)?;

        let upgraded = SdkUpgraded { from, to, files_migrated: files };
        check(&SdkUpgraded::META, &to_json(&upgraded).unwrap(), &[
            ("from", minor(&from).into()),
            ("to", minor(&to).into()),
            ("files_migrated", exp2(u64::from(files)).into()),
        ])?;
        accepted(&upgraded, cpus).map_err(TestCaseError::fail)?;

        let command = CliCommand {
            command: Command::Dev, cli_version: cli, is_ci: true, cpu_count: cpus, os: Os::Windows, arch: Arch::Other,
        };
        check(&CliCommand::META, &to_json(&command).unwrap(), &[
            ("cli_version", minor(&cli).into()),
            ("cpu_count", capped(u64::from(cpus), 64, exact).into()),
        ])?;
        accepted(&command, cpus).map_err(TestCaseError::fail)?;

        let auth = AuthInit {
            features: AuthFeatures::default(), trusted_origin_count: origins, database: DatabaseKind::Sqlite,
            database_version: db, social_providers: BTreeSet::new(), rate_limit: false,
            session_max_age: session.map(ms),
        };
        check(&AuthInit::META, &to_json(&auth).unwrap(), &[
            ("trusted_origin_count", capped(u64::from(origins), 32, exact).into()),
            ("database_version", db.as_ref().map_or(Value::Null, |v| minor(v).into())),
            ("session_max_age", session.map_or(Value::Null, |raw| capped(raw, 2160 * HOUR_MS, exp2).into())),
        ])?;
        accepted(&auth, cpus).map_err(TestCaseError::fail)?;

        let usage = FeatureUsage { feature: Feature::Middleware, invocation_count: invocations };
        check(&FeatureUsage::META, &to_json(&usage).unwrap(), &[
            ("invocation_count", exp2(u64::from(invocations)).into()),
        ])?;
        accepted(&usage, cpus).map_err(TestCaseError::fail)?;
    }
}
