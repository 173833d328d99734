//! Server-side validation, one core, same run:
//! - parse to `serde_json::Value` alone (the baseline);
//! - the validator (bounded parse + envelope schema + the event's payload schema), bundle of 10 events;
//! - the same with a bundle of 1 000 events;
//! - the strict typed decode straight into the event type.
//!
//! `cargo bench -p telemetry-validator --bench validate`
//! Prints criterion's estimates, then the three ratios the issue sets bars for.

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use serde_json::Value;
use telemetry_schema::decode::decode_envelope;
use telemetry_schema::schema::{SchemaOptions, bundle_schema};
use telemetry_schema::{
    AnonymousId, Arch, CollectableKind, Context, CountWidth, EnvelopeHeader, EventMeta, FieldMeta, Os, ProjectId,
    TelemetryEnum, TelemetryEvent, TelemetryGroup, Version, write_envelope,
};
use telemetry_validator::Validator;

/// The product the envelopes are sent for (the typed decode pins `sdk.name` to it).
const PRODUCT: telemetry_schema::Product = telemetry_schema::Product::builder("Acme", "acme", Version::new(1, 0, 0))
    .env_prefix("ACME")
    .opt_out()
    .endpoint("https://telemetry.acme.example/v1/batch")
    .purpose("To learn which features matter.")
    .build();

/// A command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
enum Command {
    /// Build.
    Build,
    /// Dev.
    Dev,
    /// Deploy.
    Deploy,
}

/// A plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
enum Plugin {
    /// Images.
    Images,
    /// MDX.
    Mdx,
    /// PWA.
    Pwa,
}

/// Props.
#[derive(Debug, Clone, TelemetryGroup)]
#[telemetry(rename_all = "camelCase")]
struct Props {
    /// Appearance.
    appearance: bool,
    /// Routing.
    routing: bool,
    /// Redirect.
    redirect_url: bool,
}

/// A command ran.
#[derive(Debug, Clone, TelemetryEvent)]
struct CliCommand {
    /// Command.
    command: Command,
    /// Version.
    cli_version: Version,
    /// CI.
    is_ci: bool,
    /// CPUs.
    cpu_count: u16,
}

/// A build finished.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(version = 2)]
struct BuildFinished {
    /// Duration.
    duration: Duration,
    /// Pages.
    page_count: u32,
    /// Static pages.
    static_page_count: u32,
    /// Plugins.
    plugins: BTreeSet<Plugin>,
    /// Custom config.
    has_custom_config: bool,
}

/// A component mounted.
#[derive(Debug, Clone, TelemetryEvent)]
struct ComponentMounted {
    /// Props.
    props: Props,
    /// Database version.
    database_version: Option<Version>,
}

const FIELDS: &[FieldMeta] = &[
    FieldMeta::new("flag", "A flag.", CollectableKind::Bool),
    FieldMeta::new("count", "A count.", CollectableKind::Count(CountWidth::U32)),
    FieldMeta::new("plugin", "A plugin.", CollectableKind::Enum(&Plugin::META)),
    FieldMeta::new("version", "A version.", CollectableKind::Version),
];

/// `n` synthetic events with distinct names, plus the three real ones.
fn bundle_metas(n: usize) -> Vec<&'static EventMeta> {
    let mut metas: Vec<&'static EventMeta> = vec![&CliCommand::META, &BuildFinished::META, &ComponentMounted::META];
    for i in 0..n - metas.len() {
        let name: &'static str = Box::leak(format!("SYNTHETIC_EVENT_{i:04}").into_boxed_str());
        metas.push(Box::leak(Box::new(EventMeta::new(name, 1, "A synthetic event.", FIELDS))));
    }
    metas
}

type Decode = fn(&[u8]) -> bool;

fn envelopes() -> Vec<(Vec<u8>, Decode)> {
    let header = EnvelopeHeader {
        sdk_name: "acme",
        sdk_version: Version::new(14, 2, 3),
        install_id: AnonymousId::from_random_bytes([0x5a; 16]),
        project_id: Some(ProjectId::from_salted_digest([0xc3; 32])),
        session_id: AnonymousId::from_random_bytes([0x7e; 16]),
        context: Context { os: Os::Linux, arch: Arch::X86_64, cpu_count: 16, is_ci: false, is_tty: true },
    };
    let write = |event: &dyn Fn(&mut String)| {
        let mut out = String::new();
        event(&mut out);
        out.into_bytes()
    };
    vec![
        (
            write(&|o| {
                let e = CliCommand {
                    command: Command::Dev,
                    cli_version: Version::new(14, 2, 3),
                    is_ci: false,
                    cpu_count: 16,
                };
                write_envelope(o, &header, &e).unwrap();
            }),
            |b| decode_envelope::<CliCommand>(b, &PRODUCT).is_ok(),
        ),
        (
            write(&|o| {
                let e = BuildFinished {
                    duration: Duration::from_millis(48_211),
                    page_count: 312,
                    static_page_count: 280,
                    plugins: BTreeSet::from([Plugin::Images, Plugin::Mdx]),
                    has_custom_config: true,
                };
                write_envelope(o, &header, &e).unwrap();
            }),
            |b| decode_envelope::<BuildFinished>(b, &PRODUCT).is_ok(),
        ),
        (
            write(&|o| {
                let e = ComponentMounted {
                    props: Props { appearance: true, routing: false, redirect_url: true },
                    database_version: Some("16.1.0-rc.2".parse().unwrap()),
                };
                write_envelope(o, &header, &e).unwrap();
            }),
            |b| decode_envelope::<ComponentMounted>(b, &PRODUCT).is_ok(),
        ),
    ]
}

fn validator(n: usize) -> Validator {
    Validator::from_bundle(&bundle_schema(&bundle_metas(n), &SchemaOptions::default())).unwrap()
}

/// Nanoseconds per envelope: the best of `rounds` timed passes of about `pass` each.
fn ns_per_envelope(
    inputs: &[(Vec<u8>, Decode)],
    rounds: usize,
    pass: Duration,
    mut f: impl FnMut(&[u8], Decode),
) -> f64 {
    let mut best = f64::INFINITY;
    for _ in 0..rounds {
        let start = Instant::now();
        let mut done = 0u64;
        while start.elapsed() < pass {
            for _ in 0..64 {
                for (bytes, decode) in inputs {
                    f(black_box(bytes), *decode);
                }
            }
            done += 64 * inputs.len() as u64;
        }
        best = best.min(start.elapsed().as_nanos() as f64 / done as f64);
    }
    best
}

fn main() {
    let inputs = envelopes();
    let small = validator(10);
    let large = validator(1_000);
    for (bytes, decode) in &inputs {
        small.validate_envelope(bytes).unwrap();
        large.validate_envelope(bytes).unwrap();
        assert!(decode(bytes));
    }
    // A fixed amount of work for an instruction counter, e.g.
    // `VALIDATE_BENCH_ONLY=validate valgrind --tool=callgrind target/release/deps/validate-<hash>`: each path
    // 2 000 times over the three envelopes; `none` counts the setup alone, to subtract.
    if let Ok(only) = std::env::var("VALIDATE_BENCH_ONLY") {
        for _ in 0..2_000 {
            for (bytes, decode) in &inputs {
                match only.as_str() {
                    "parse" => drop(black_box(serde_json::from_slice::<Value>(black_box(bytes)))),
                    "validate" => drop(black_box(small.validate_envelope(black_box(bytes)))),
                    "decode" => drop(black_box(decode(black_box(bytes)))),
                    _ => {}
                }
            }
        }
        return;
    }
    let bytes: u64 = inputs.iter().map(|(b, _)| b.len() as u64).sum();

    let mut criterion = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let mut group = criterion.benchmark_group("validate_3_envelopes");
    group.throughput(Throughput::Bytes(bytes));
    group.bench_function("parse_to_value", |b| {
        b.iter(|| {
            for (bytes, _) in &inputs {
                black_box(serde_json::from_slice::<Value>(black_box(bytes)).unwrap());
            }
        })
    });
    group.bench_function("validator_bundle_10", |b| {
        b.iter(|| {
            for (bytes, _) in &inputs {
                black_box(small.validate_envelope(black_box(bytes)).is_ok());
            }
        })
    });
    group.bench_function("validator_bundle_1000", |b| {
        b.iter(|| {
            for (bytes, _) in &inputs {
                black_box(large.validate_envelope(black_box(bytes)).is_ok());
            }
        })
    });
    group.bench_function("typed_decode", |b| {
        b.iter(|| {
            for (bytes, decode) in &inputs {
                black_box(decode(black_box(bytes)));
            }
        })
    });
    group.finish();

    // The ratios, measured back to back in this process (best of 7 passes of 0.3 s each).
    let (rounds, pass) = (7, Duration::from_millis(300));
    let parse = ns_per_envelope(&inputs, rounds, pass, |b, _| {
        black_box(serde_json::from_slice::<Value>(b).unwrap());
    });
    let v10 = ns_per_envelope(&inputs, rounds, pass, |b, _| {
        black_box(small.validate_envelope(b).is_ok());
    });
    let v1000 = ns_per_envelope(&inputs, rounds, pass, |b, _| {
        black_box(large.validate_envelope(b).is_ok());
    });
    let typed = ns_per_envelope(&inputs, rounds, pass, |b, decode| {
        black_box(decode(b));
    });
    let avg = bytes as f64 / inputs.len() as f64;
    println!("\nper envelope (avg {avg:.0} bytes), best of {rounds} passes:");
    println!("  parse to Value         {parse:8.0} ns  ({:.2} M/s)", 1e3 / parse);
    println!("  validator, 10 events   {v10:8.0} ns  ({:.2} M/s)", 1e3 / v10);
    println!("  validator, 1000 events {v1000:8.0} ns  ({:.2} M/s)", 1e3 / v1000);
    println!("  typed strict decode    {typed:8.0} ns  ({:.2} M/s)", 1e3 / typed);
    println!("ratios:");
    println!("  (parse + validate) / parse        = {:.2}  (bar <= 1.4)", v10 / parse);
    println!("  typed decode / parse              = {:.2}  (bar <= 0.5)", typed / parse);
    println!("  validator 1000 events / 10 events = {:.2}  (bar <= 1.2)", v1000 / v10);
}
