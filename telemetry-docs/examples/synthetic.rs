//! The docs-gen benchmark: documents 1,000 synthetic events (every kind of field, 50 enums, a nested group) and
//! writes the pages, the catalog and all schemas, as `cargo run -p docs-gen` does for a real SDK.
//!
//! ```text
//! cargo build --release -p docs-gen --example synthetic
//! time target/release/examples/synthetic /tmp/docs-gen-bench [EVENTS]
//! ```
//!
//! It prints the time of each step; `time` measures the whole process (start-up, generation, writing files).

use std::path::PathBuf;
use std::time::Instant;

use telemetry_docs::{Disclosure, Format, generate};
use telemetry_schema::schema::SchemaOptions;
use telemetry_schema::{
    CollectableKind, ConfigSwitch, CountWidth, EnumMeta, EventMeta, FieldMeta, GroupMeta, Product, VariantMeta,
};

const PRODUCT: Product = Product::builder("Synthetic", "synthetic", telemetry_schema::version!("1.0.0"))
    .env_prefix("SYNTHETIC")
    .opt_out()
    .endpoint("https://telemetry.synthetic.example/v1/batch")
    .purpose("Synthetic collects anonymous usage data to measure how fast docs-gen is.")
    .cli_command("synthetic telemetry")
    .config_switch(ConfigSwitch::json("synthetic.json", "telemetry"))
    .build();

const GROUP_FIELDS: &[FieldMeta] = &[
    FieldMeta::new("appearance", "Whether the appearance was customized.", CollectableKind::Bool),
    FieldMeta::new("routing", "Whether a custom routing strategy was set.", CollectableKind::Bool),
    FieldMeta::new("retries", "How many retries were configured.", CollectableKind::Count(CountWidth::U8)),
    FieldMeta::new("timeout", "The configured timeout.", CollectableKind::DurationMillis),
];
const GROUP: GroupMeta = GroupMeta::new("Options", "Which options were set.", GROUP_FIELDS);

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn leak_str(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

fn synthetic_enums(count: usize) -> Vec<&'static EnumMeta> {
    (0..count)
        .map(|e| {
            let variants: Vec<VariantMeta> = (0..6)
                .map(|v| {
                    VariantMeta::new(
                        leak_str(format!("value-{e}-{v}")),
                        leak_str(format!("The value number {v} of list {e}, with a description of typical length.")),
                    )
                })
                .collect();
            leak(EnumMeta::new(
                leak_str(format!("Choice{e}")),
                leak_str(format!("A fixed list of choices, number {e}.")),
                Box::leak(variants.into_boxed_slice()),
            ))
        })
        .collect()
}

fn synthetic_events(count: usize) -> Vec<&'static EventMeta> {
    let enums = synthetic_enums(50);
    (0..count)
        .map(|i| {
            let choice = enums[i % enums.len()];
            let set = enums[(i * 7 + 3) % enums.len()];
            let optional: &'static CollectableKind = leak(CollectableKind::Count(CountWidth::U16));
            let fields = vec![
                FieldMeta::new("enabled", "Whether the feature is switched on.", CollectableKind::Bool),
                FieldMeta::new("items", "How many items were processed.", CollectableKind::Count(CountWidth::U32)),
                FieldMeta::new("duration", "How long the operation took.", CollectableKind::DurationMillis),
                FieldMeta::new("version", "The version of the component.", CollectableKind::Version),
                FieldMeta::new("choice", "Which choice was made.", CollectableKind::Enum(choice)),
                FieldMeta::new("choices", "Which choices are available.", CollectableKind::EnumSet(set)),
                FieldMeta::new("limit", "The configured limit, when set.", CollectableKind::Optional(optional)),
                FieldMeta::new("options", "Which options were set.", CollectableKind::Group(&GROUP)),
            ];
            let mut meta = EventMeta::new(
                leak_str(format!("EVENT_{i:04}")),
                1 + (i % 3) as u32,
                leak_str(format!(
                    "Sent when operation {i} finishes, so we know how often it runs and how long it takes.\n\
                     Nothing about the data it processed is included."
                )),
                Box::leak(fields.into_boxed_slice()),
            );
            if i % 10 == 0 {
                meta = meta.with_sample_rate_per_million(100_000);
            }
            if i % 25 == 0 {
                meta = meta.with_dedup_window_secs(86_400);
            }
            leak(meta)
        })
        .collect()
}

fn main() -> std::process::ExitCode {
    let mut args = std::env::args().skip(1);
    let out = args.next().map(PathBuf::from).unwrap_or_else(|| std::env::temp_dir().join("docs-gen-bench"));
    let count = match args.next().map(|n| n.parse::<usize>()) {
        None => 1_000,
        Some(Ok(n)) => n,
        Some(Err(e)) => {
            eprintln!("error: the number of events must be a whole number: {e}");
            return std::process::ExitCode::from(2);
        }
    };

    let start = Instant::now();
    let events = synthetic_events(count);
    let disclosure = match Disclosure::new(&PRODUCT, events) {
        Ok(disclosure) => disclosure,
        Err(lints) => {
            eprintln!("{lints}");
            return std::process::ExitCode::from(2);
        }
    };
    let built = start.elapsed();
    let generated = match generate(&disclosure, &Format::ALL, &SchemaOptions::default()) {
        Ok(generated) => generated,
        Err(error) => {
            eprintln!("{error}");
            return std::process::ExitCode::from(2);
        }
    };
    let rendered = start.elapsed();
    if let Err(error) = generated.write(&out) {
        eprintln!("error: {error}");
        return std::process::ExitCode::from(2);
    }
    let written = start.elapsed();
    let bytes: usize = generated.files.iter().map(|f| f.contents.len()).sum();
    println!(
        "{count} events: {} files, {:.1} MB, in {}; metadata {:.1} ms, generate {:.1} ms, write {:.1} ms",
        generated.files.len(),
        bytes as f64 / 1e6,
        out.display(),
        built.as_secs_f64() * 1e3,
        (rendered - built).as_secs_f64() * 1e3,
        (written - rendered).as_secs_f64() * 1e3,
    );
    std::process::ExitCode::SUCCESS
}
