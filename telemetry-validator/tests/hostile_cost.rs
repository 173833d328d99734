//! What a hostile body costs the validator: for each of the worst shapes we know, a body of about
//! `max_body_bytes` (within every limit) must cost at most 32 × its size + 16 MB of peak heap, and at most 20 ×
//! the time `serde_json` takes to parse it into a `Value`.
//!
//! Each shape runs in a child process of this binary (`HOSTILE_COST_SHAPE=<name>`), so the peak starts fresh:
//! the global allocator counts bytes in use and their maximum (`cap`, with its `stats` feature). The child also
//! sets the allocator's limit to the budget, so a body over it fails there (the allocation fails and the child
//! aborts) rather than after the machine has swapped. `HOSTILE_COST_NO_LIMIT=1` lifts that limit, to measure
//! what an over-budget shape really costs. Run it in release to see the time bar checked as CI does:
//! `cargo test --release -p telemetry-validator --test hostile_cost`.

use std::alloc::System;
use std::hint::black_box;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use std::collections::BTreeMap;

use telemetry_validator::Limits;

use cap::Cap;
use telemetry_schema::schema::{SchemaOptions, bundle_schema, to_canonical_string};
use telemetry_schema::{FlowId, TelemetryEnum, TelemetryEvent, TelemetryGroup};
use telemetry_validator::Validator;

#[global_allocator]
static ALLOCATOR: Cap<System> = Cap::new(System, usize::MAX);

const MIB: usize = 1 << 20;
/// The bars.
const MEMORY_FACTOR: usize = 32;
const MEMORY_SLACK: usize = 16_000_000;
const TIME_FACTOR: f64 = 20.0;

/// The body fits the default limit with a little room.
const TARGET: usize = MIB - 4096;

const HEADER: &str = r#""event":"BUILD_FINISHED","schema_version":3,"sdk":{"name":"acme","version":"1.4.0"},"toolkit_version":"0.1.0","install_id":"00112233445566778899aabbccddeeff","session_id":"00112233445566778899aabbccddeeff","context":{"os":"linux","arch":"x86_64","cpu_count":8,"is_ci":false,"is_tty":true}"#;
const PAYLOAD_REST: &str =
    r#""duration":1536,"page_count":8,"static_page_count":2,"bundler":"webpack","has_custom_config":false"#;

/// An envelope whose `payload.plugins` set is `items`.
fn envelope_with_plugins(items: &str) -> String {
    format!(r#"{{{HEADER},"payload":{{{PAYLOAD_REST},"plugins":[{items}]}}}}"#)
}

/// `item(i)` joined with commas until the body reaches `TARGET` bytes.
fn fill(wrap: impl Fn(&str) -> String, item: impl Fn(usize) -> String) -> String {
    let empty = wrap("").len();
    let mut items = String::new();
    for i in 0.. {
        let next = item(i);
        if empty + items.len() + next.len() + 1 > TARGET {
            break;
        }
        if i > 0 {
            items.push(',');
        }
        items.push_str(&next);
    }
    wrap(&items)
}

/// A tree of `levels` levels: 5-way `fan` nodes for the first `fan_levels`, then single-child `chain` nodes down
/// to a `0`. `node(children)` writes one node around its children.
fn tree(levels: usize, fan_levels: usize, fan: &dyn Fn(&[String]) -> String, chain: &dyn Fn(&str) -> String) -> String {
    if levels == 0 {
        "0".to_owned()
    } else if fan_levels > 0 {
        let child = tree(levels - 1, fan_levels - 1, fan, chain);
        fan(&vec![child; 5])
    } else {
        chain(&tree(levels - 1, 0, fan, chain))
    }
}

/// A batch of as many copies of the densest tree as fit: every level within the depth limit (the batch is 1, its
/// array 2), fanning out only as much as needed to fill the body, the rest single-child nodes (each one an
/// allocation for a few bytes of input).
fn batch_of_trees(fan: &dyn Fn(&[String]) -> String, chain: &dyn Fn(&str) -> String) -> String {
    let levels = Limits::default().max_depth - 2;
    // Sizes are computed, not built: building every candidate would cost more than validating the body, and the
    // peak this test measures is the process's.
    let (fan_extra, chain_extra) = (fan(&vec![String::new(); 5]).len(), chain("").len());
    let size = |fan_levels: usize| {
        (0..levels).fold(1usize, |inner, level| {
            let from_top = levels - 1 - level;
            if from_top < fan_levels { fan_extra + 5 * inner } else { chain_extra + inner }
        })
    };
    let (_, fan_levels, copies) = (0..=levels)
        .map(|fan_levels| {
            let one = size(fan_levels);
            let copies = ((TARGET - 20) / (one + 1)).min(Limits::default().max_batch_len);
            (copies * one, fan_levels, copies)
        })
        .filter(|(bytes, _, copies)| *copies > 0 && *bytes <= TARGET)
        .max_by_key(|(bytes, _, _)| *bytes)
        .expect("some tree fits");
    let one = tree(levels, fan_levels, fan, chain);
    format!(r#"{{"events":[{}]}}"#, vec![one; copies].join(","))
}

fn object_fan(children: &[String]) -> String {
    let members: Vec<String> = children.iter().enumerate().map(|(i, child)| format!(r#""{i}":{child}"#)).collect();
    format!("{{{}}}", members.join(","))
}

/// A sign-in provider (the keys of the maps of [`KindsEvent`]).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Provider {
    /// GitHub.
    Github,
    /// Google.
    Google,
    /// A path-like key.
    #[telemetry(rename = "next/image")]
    NextImage,
}

/// Why something failed.
#[derive(TelemetryGroup)]
struct FailureInfo {
    /// How many retries, capped.
    #[telemetry(max = 3)]
    retries: u8,
    /// Per provider, whether it answered.
    answered: BTreeMap<Provider, bool>,
}

/// How something ended.
#[derive(TelemetryEnum)]
enum Outcome {
    /// It worked.
    Success,
    /// It failed.
    Failure(FailureInfo),
}

/// Every new kind of issue 14 in one event, for the shapes that aim at them.
#[derive(TelemetryEvent)]
#[telemetry(name = "KINDS")]
struct KindsEvent {
    /// Links the events of one flow.
    flow: FlowId,
    /// A count per provider, capped.
    #[telemetry(max = 9)]
    counts: BTreeMap<Provider, u8>,
    /// How it ended.
    outcome: Outcome,
    /// How the previous attempt ended, if there was one.
    previous: Option<Outcome>,
    /// How each provider's part ended.
    parts: BTreeMap<Provider, Outcome>,
}

/// An envelope of [`KindsEvent`] whose payload members are `members` (then valid ones, unless `members` has them).
fn kinds_envelope(members: &str) -> String {
    let header =
        HEADER.replace(r#""event":"BUILD_FINISHED","schema_version":3"#, r#""event":"KINDS","schema_version":1"#);
    format!(r#"{{{header},"payload":{{{members}}}}}"#)
}

const KINDS_REST: &str = r#""flow":"00112233445566778899aabbccddeeff","outcome":{"kind":"Success"},"parts":{}"#;

struct Shape {
    name: &'static str,
    batch: bool,
    /// Validated against the bundle of [`KindsEvent`] rather than the workspace's.
    kinds: bool,
    body: fn() -> String,
}

/// The worst shapes: long arrays of scalars, of empty objects and of distinct integers (where the schema wants a
/// small set), nesting as deep as the limit allows and far deeper, objects with many keys, batches of many
/// wrong envelopes, and bodies made of one-child arrays and objects (each a whole allocation, a `BTreeMap` node
/// of ~600 bytes for an object, for 2 to 5 bytes of input: 120 to 160 x the body before the container limit).
const SHAPES: &[Shape] = &[
    Shape { kinds: false, name: "zeros_in_a_set", batch: false, body: || fill(envelope_with_plugins, |_| "0".into()) },
    Shape {
        kinds: false,
        name: "empty_objects_in_a_set",
        batch: false,
        body: || fill(envelope_with_plugins, |_| "{}".into()),
    },
    Shape {
        kinds: false,
        name: "empty_arrays_in_a_set",
        batch: false,
        body: || fill(envelope_with_plugins, |_| "[]".into()),
    },
    Shape {
        kinds: false,
        name: "distinct_integers_in_a_set",
        batch: false,
        body: || fill(envelope_with_plugins, |i| i.to_string()),
    },
    Shape {
        kinds: false,
        name: "repeated_names_in_a_set",
        batch: false,
        body: || fill(envelope_with_plugins, |_| r#""mdx""#.into()),
    },
    Shape {
        kinds: false,
        name: "nested_arrays_at_the_depth_limit",
        batch: false,
        // The envelope is 1, the payload 2, the set 3: 13 more levels reach the default limit of 16.
        body: || fill(envelope_with_plugins, |_| format!("{}{}", "[".repeat(13), "]".repeat(13))),
    },
    Shape {
        kinds: false,
        name: "nesting_far_past_the_limit",
        batch: false,
        body: || envelope_with_plugins(&format!("{}{}", "[".repeat(TARGET / 2 - 800), "]".repeat(TARGET / 2 - 800))),
    },
    Shape {
        kinds: false,
        name: "many_keys_in_the_payload",
        batch: false,
        body: || fill(|keys| format!(r#"{{{HEADER},"payload":{{{keys}}}}}"#), |i| format!(r#""k{i}":0"#)),
    },
    Shape {
        kinds: false,
        name: "many_keys_in_the_envelope",
        batch: false,
        body: || {
            fill(
                |keys| format!(r#"{{{keys},{HEADER},"payload":{{{PAYLOAD_REST},"plugins":[]}}}}"#),
                |i| format!(r#""k{i}":0"#),
            )
        },
    },
    Shape {
        kinds: false,
        name: "many_keys_in_set_items",
        batch: false,
        body: || fill(|items| envelope_with_plugins(&format!("{{{items}}}")), |i| format!(r#""k{i}":0"#)),
    },
    Shape {
        kinds: false,
        name: "batch_of_envelopes_each_wrong_everywhere",
        batch: true,
        body: || {
            let wrong = r#"{"event":"BUILD_FINISHED","schema_version":3,"sdk":{"name":1,"version":2},"toolkit_version":3,"install_id":4,"session_id":5,"context":{"os":6,"arch":7,"cpu_count":"x","is_ci":8,"is_tty":9},"payload":{"duration":"a","page_count":"b","static_page_count":"c","plugins":["x","y","z"],"bundler":"d","has_custom_config":"e"}}"#;
            // As many as the batch limit allows, padded with unknown keys to the body size.
            let padding = (TARGET - 20) / 1_000 - wrong.len() - 1;
            let one = format!(r#"{{"{}":0,{}"#, "p".repeat(padding.saturating_sub(6)), &wrong[1..]);
            format!(r#"{{"events":[{}]}}"#, vec![one; 1_000].join(","))
        },
    },
    Shape {
        kinds: false,
        name: "batch_of_long_arrays",
        batch: true,
        body: || {
            let per = (TARGET - 20) / 1_000 / 2 - 2;
            let one = format!("[{}]", vec!["0"; per].join(","));
            format!(r#"{{"events":[{}]}}"#, vec![one; 1_000].join(","))
        },
    },
    Shape {
        kinds: false,
        name: "batch_of_single_member_object_chains",
        batch: true,
        body: || batch_of_trees(&object_fan, &|child| format!(r#"{{"":{child}}}"#)),
    },
    Shape {
        kinds: false,
        name: "batch_of_single_item_array_chains",
        batch: true,
        body: || batch_of_trees(&|children| format!("[{}]", children.join(",")), &|child| format!("[{child}]")),
    },
    // Maps, unions and flow ids (issue 14): keys outside the closed set, repeated keys, a union's unknown members
    // (each `oneOf` branch reports them), unions nested in maps in unions, and a flow id as long as the body.
    Shape {
        kinds: true,
        name: "many_unknown_keys_in_a_map",
        batch: false,
        body: || {
            fill(|keys| kinds_envelope(&format!(r#"{KINDS_REST},"counts":{{{keys}}}"#)), |i| format!(r#""k{i}":0"#))
        },
    },
    Shape {
        kinds: true,
        name: "repeated_keys_in_a_map",
        batch: false,
        body: || {
            fill(|keys| kinds_envelope(&format!(r#"{KINDS_REST},"counts":{{{keys}}}"#)), |_| r#""Github":1"#.into())
        },
    },
    Shape {
        kinds: true,
        name: "many_unknown_members_in_a_union",
        batch: false,
        body: || {
            fill(
                |members| {
                    kinds_envelope(&format!(
                        r#""flow":"00112233445566778899aabbccddeeff","parts":{{}},"counts":{{}},"outcome":{{"kind":"Failure","retries":1,"answered":{{}},{members}}}"#
                    ))
                },
                |i| format!(r#""m{i}":0"#),
            )
        },
    },
    Shape {
        kinds: true,
        name: "many_unknown_keys_in_a_map_in_a_union",
        batch: false,
        body: || {
            fill(
                |keys| {
                    kinds_envelope(&format!(
                        r#""flow":"00112233445566778899aabbccddeeff","parts":{{}},"counts":{{}},"outcome":{{"kind":"Failure","retries":1,"answered":{{{keys}}}}}"#
                    ))
                },
                |i| format!(r#""k{i}":true"#),
            )
        },
    },
    Shape {
        kinds: true,
        name: "batch_of_unions_in_maps_each_wrong",
        batch: true,
        body: || {
            let part = r#"{"kind":"Failure","retries":9,"answered":{"Github":1,"Nope":true},"x":0}"#;
            let one = kinds_envelope(&format!(
                r#""flow":"0","counts":{{"Github":99,"Nope":1}},"outcome":{part},"previous":{part},"parts":{{"Github":{part},"Google":{part},"next/image":{part}}}"#
            ));
            let copies = ((TARGET - 20) / (one.len() + 1)).min(Limits::default().max_batch_len);
            format!(r#"{{"events":[{}]}}"#, vec![one; copies].join(","))
        },
    },
    Shape {
        kinds: true,
        name: "flow_id_as_long_as_the_body",
        batch: false,
        body: || {
            let empty = kinds_envelope(r#""counts":{},"outcome":{"kind":"Success"},"parts":{},"flow":"""#).len();
            kinds_envelope(&format!(
                r#""counts":{{}},"outcome":{{"kind":"Success"}},"parts":{{}},"flow":"{}""#,
                "0".repeat(TARGET - empty)
            ))
        },
    },
];

fn validator(shape: &Shape) -> Validator {
    if shape.kinds {
        let bundle = to_canonical_string(&bundle_schema(&[&KindsEvent::META], &SchemaOptions::default()));
        return Validator::from_bundle_bytes(bundle.as_bytes()).expect("the bundle of KindsEvent");
    }
    let bundle = concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/bundle.json");
    Validator::from_bundle_file(bundle).expect("the workspace's bundle")
}

fn validate(validator: &Validator, shape: &Shape, body: &[u8]) -> bool {
    if shape.batch { validator.validate_batch(body).is_ok() } else { validator.validate_envelope(body).is_ok() }
}

/// The fastest of `runs` runs of `f`, each repeated until it took at least 20 ms.
fn best_time(runs: usize, mut f: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            let mut n = 0u32;
            while start.elapsed() < Duration::from_millis(20) || n == 0 {
                f();
                n += 1;
            }
            start.elapsed() / n
        })
        .min()
        .unwrap_or_default()
}

/// Child: measures one shape and prints `peak_bytes body_bytes validate_ns parse_ns`.
fn child(name: &str) -> ExitCode {
    let Some(shape) = SHAPES.iter().find(|shape| shape.name == name) else {
        eprintln!("unknown shape {name}");
        return ExitCode::FAILURE;
    };
    let validator = validator(shape);
    let body = (shape.body)().into_bytes();
    assert!(body.len() <= validator.limits().max_body_bytes, "{name}: {} bytes is over the body limit", body.len());
    let budget = MEMORY_FACTOR * body.len() + MEMORY_SLACK;
    let before = ALLOCATOR.allocated();
    if std::env::var_os("HOSTILE_COST_NO_LIMIT").is_none() {
        ALLOCATOR.set_limit(before + budget).expect("a limit above what is allocated");
    }
    let accepted = validate(&validator, shape, &body);
    // An upper bound of the peak during validation: `max_allocated` also covers building the validator, which
    // came before and is far smaller than any budget here.
    let peak = ALLOCATOR.max_allocated().saturating_sub(before);
    ALLOCATOR.set_limit(usize::MAX).expect("lifting the limit");
    assert!(!accepted, "{name}: the hostile body was accepted");
    let validate_time = best_time(5, || {
        black_box(validate(&validator, shape, black_box(&body)));
    });
    let parse_time = best_time(5, || {
        black_box(serde_json::from_slice::<serde_json::Value>(black_box(&body)).ok());
    });
    println!("{peak} {} {} {}", body.len(), validate_time.as_nanos(), parse_time.as_nanos());
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    if let Ok(name) = std::env::var("HOSTILE_COST_SHAPE") {
        return child(&name);
    }
    let exe = std::env::current_exe().expect("this test's executable");
    let check_time = !cfg!(debug_assertions);
    let mut failures = Vec::new();
    println!(
        "hostile_cost: peak heap and time of validating each shape (bars: {MEMORY_FACTOR} x body + 16 MB, {TIME_FACTOR} x parse{})",
        if check_time { "" } else { "; time bar checked in release builds only" }
    );
    for shape in SHAPES {
        let output = Command::new(&exe).env("HOSTILE_COST_SHAPE", shape.name).output().expect("running the child");
        let stdout = String::from_utf8_lossy(&output.stdout);
        let figures: Vec<u128> = stdout.split_whitespace().filter_map(|word| word.parse().ok()).collect();
        let [peak, body, validate_ns, parse_ns] = figures[..] else {
            failures.push(format!(
                "{}: the child failed ({}): {}",
                shape.name,
                output.status,
                String::from_utf8_lossy(&output.stderr).lines().last().unwrap_or("")
            ));
            continue;
        };
        let budget = MEMORY_FACTOR as u128 * body + MEMORY_SLACK as u128;
        let ratio = validate_ns as f64 / parse_ns.max(1) as f64;
        println!(
            "  {:<42} body {:>8} B  peak {:>11} B ({:>5.1} x body)  validate {:>9} ns  parse {:>9} ns  ({:>5.2} x parse)",
            shape.name,
            body,
            peak,
            peak as f64 / body as f64,
            validate_ns,
            parse_ns,
            ratio
        );
        if peak > budget {
            failures.push(format!("{}: peak {peak} B over the budget {budget} B", shape.name));
        }
        if check_time && ratio > TIME_FACTOR {
            failures.push(format!("{}: {ratio:.1} x the parse time, over {TIME_FACTOR}", shape.name));
        }
    }
    if failures.is_empty() {
        println!("{} passed, 0 failed", SHAPES.len());
        ExitCode::SUCCESS
    } else {
        for failure in &failures {
            println!("FAILED {failure}");
        }
        println!("{} passed, {} failed", SHAPES.len() - failures.len(), failures.len());
        ExitCode::FAILURE
    }
}
