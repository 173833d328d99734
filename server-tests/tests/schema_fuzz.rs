//! A long property test over the validator's byte input (and the typed decode's): whatever the bytes, no
//! panic, the validator's answer is the one its exact path gives (the fast path only ever accepts what the
//! exact path accepts), and a valid envelope is never turned into an invalid one by the limits. The number of inputs is
//! `SCHEMA_FUZZ_CASES` per strategy (default 4 000); the count that ran is printed.

use std::sync::atomic::{AtomicUsize, Ordering};

use example_sdk::events::{AuthInit, BuildFinished, ComponentMounted};
use proptest::prelude::*;
use telemetry_schema::decode::{decode_envelope, peek_event};
use telemetry_schema::schema::{SchemaOptions, bundle_schema};
use telemetry_schema::{AnonymousId, Arch, Context, EnvelopeHeader, Os, Version, write_envelope};
use telemetry_validator::{Limits, Validator};

static RAN: AtomicUsize = AtomicUsize::new(0);

fn cases() -> u32 {
    std::env::var("SCHEMA_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(4_000)
}

fn validator() -> &'static Validator {
    static V: std::sync::OnceLock<Validator> = std::sync::OnceLock::new();
    V.get_or_init(|| {
        let metas: Vec<_> = telemetry_schema::events().unwrap().iter().map(|e| e.meta()).collect();
        Validator::from_bundle(&bundle_schema(&metas, &SchemaOptions::default())).unwrap().with_limits(Limits {
            max_body_bytes: 64 * 1024,
            max_batch_len: 8,
            max_depth: 12,
        })
    })
}

/// A valid batch of three envelopes to mutate.
fn seed_batch() -> Vec<u8> {
    let header = EnvelopeHeader {
        sdk_name: "acme",
        sdk_version: Version::new(1, 0, 0),
        install_id: AnonymousId::from_random_bytes([1; 16]),
        project_id: None,
        session_id: AnonymousId::from_random_bytes([2; 16]),
        context: Context { os: Os::Windows, arch: Arch::Other, cpu_count: 3, is_ci: false, is_tty: true },
    };
    let mut out = String::from("{\"events\":[");
    write_envelope(
        &mut out,
        &header,
        &AuthInit {
            features: Default::default(),
            trusted_origin_count: 2,
            database: example_sdk::events::DatabaseKind::Sqlite,
            database_version: Some(Version::new(3, 45, 1)),
            social_providers: [example_sdk::events::SocialProvider::GitHub].into(),
            rate_limit: true,
            session_max_age: None,
        },
    )
    .unwrap();
    out.push(',');
    write_envelope(
        &mut out,
        &header,
        &ComponentMounted { component: example_sdk::events::Component::SignIn, props: Default::default() },
    )
    .unwrap();
    out.push(',');
    write_envelope(
        &mut out,
        &header,
        &BuildFinished {
            duration: std::time::Duration::from_millis(5),
            page_count: 1,
            static_page_count: 1,
            plugins: Default::default(),
            bundler: example_sdk::events::Bundler::Turbopack,
            has_custom_config: false,
        },
    )
    .unwrap();
    out.push_str("]}");
    out.into_bytes()
}

fn exercise(bytes: &[u8]) {
    RAN.fetch_add(1, Ordering::Relaxed);
    let v = validator();
    // The fast path may only accept what the exact path accepts; otherwise the exact path decides.
    assert_eq!(v.validate_batch(bytes), v.validate_batch_exact(bytes), "{}", String::from_utf8_lossy(bytes));
    assert_eq!(v.validate_envelope(bytes), v.validate_envelope_exact(bytes), "{}", String::from_utf8_lossy(bytes));
    let _ = decode_envelope::<AuthInit>(bytes, &example_sdk::PRODUCT);
    let _ = peek_event(bytes);
}

/// Edits that keep inputs near-valid, where the interesting bugs are.
#[derive(Debug, Clone)]
enum Edit {
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
    Truncate(usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    let tokens = prop::sample::select(vec![
        &b"{"[..],
        b"}",
        b"[",
        b"]",
        b",",
        b":",
        b"\"",
        b"\\",
        b"null",
        b"-1",
        b"1e999",
        b"18446744073709551616",
        b"\"events\":",
        b"\xff",
        b"\\u0000",
        b"\\ud800",
        b"0.5",
        b"[[[[[[[[[[[[[[[[",
        b"\"payload\":{}",
    ]);
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (any::<usize>(), tokens).prop_map(|(i, t)| Edit::Insert(i, t.to_vec())),
        (any::<usize>(), 1..40usize).prop_map(|(i, n)| Edit::Remove(i, n)),
        any::<usize>().prop_map(Edit::Truncate),
    ]
}

fn apply(bytes: &mut Vec<u8>, edit: &Edit) {
    let len = bytes.len().max(1);
    match edit {
        Edit::Flip(i, b) => {
            if let Some(byte) = bytes.get_mut(i % len) {
                *byte = *b;
            }
        }
        Edit::Insert(i, t) => {
            let at = i % (bytes.len() + 1);
            bytes.splice(at..at, t.iter().copied());
        }
        Edit::Remove(i, n) => {
            let at = i % len;
            let end = (at + n).min(bytes.len());
            bytes.drain(at.min(end)..end);
        }
        Edit::Truncate(i) => bytes.truncate(i % len),
    }
}

#[test]
fn no_bytes_make_the_validator_or_the_decode_panic() {
    // The seed batch is valid, so the edits start from something the validator accepts.
    assert_eq!(validator().validate_batch(&seed_batch()).unwrap(), 3);
    let config = ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() };

    let mut runner = proptest::test_runner::TestRunner::new(config.clone());
    runner
        .run(&prop::collection::vec(any::<u8>(), 0..512), |bytes| {
            exercise(&bytes);
            Ok(())
        })
        .unwrap();

    let mut runner = proptest::test_runner::TestRunner::new(config);
    runner
        .run(&prop::collection::vec(edit(), 1..6), |edits| {
            let mut bytes = seed_batch();
            for e in &edits {
                apply(&mut bytes, e);
            }
            exercise(&bytes);
            Ok(())
        })
        .unwrap();

    let ran = RAN.load(Ordering::Relaxed);
    assert_eq!(ran, 2 * cases() as usize);
    println!(
        "fuzz: {ran} inputs ran through the validator (batch and envelope), the typed decode and peek_event without a panic"
    );
}
