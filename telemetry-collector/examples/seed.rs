//! Fills a store with random valid acme events, fast, so `telemetry-collector report` can be timed over a
//! million of them (docs/PERFORMANCE.md):
//!
//! ```text
//! cargo build --release -p telemetry-collector --bin telemetry-collector --example seed
//! target/release/examples/seed --store sqlite:/tmp/million.db --events 1000000
//! time target/release/telemetry-collector report --store sqlite:/tmp/million.db >/dev/null
//! ```
//!
//! The events go through the collector's own path without HTTP: the store is opened and migrated as `serve`
//! does, each batch of 50 is validated and turned into rows by [`Ingest::prepare`], and groups of batches are
//! committed with [`Store::commit`]. The events are the ten example events, chosen at random, with random valid
//! payloads (every field kind, edges included); they come from `--installs` installs (each with one header: its
//! SDK version among 12, its OS, architecture, CPU count), received over `--days` days. The same `--seed` gives
//! the same store.

use std::time::Instant;

use telemetry_collector::ingest::{Ingest, IngestLimits};
use telemetry_collector::store::{PreparedBatch, StoreUrl};
use telemetry_collector::{Config, load_schemas, open_store};
use telemetry_schema::EnvelopeHeader;

#[path = "../tests/support/random.rs"]
#[allow(dead_code)]
mod random;
#[path = "../tests/support/wire.rs"]
mod wire;

use random::Rng;

struct Options {
    store: StoreUrl,
    events: u64,
    installs: usize,
    days: i64,
    batch: usize,
    group: usize,
    seed: u64,
}

fn options() -> Options {
    let mut options = Options {
        store: "sqlite:seed.db".parse().unwrap(),
        events: 1_000_000,
        installs: 2_000,
        days: 30,
        batch: 50,
        group: 200,
        seed: 1,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--store" => options.store = value().parse().unwrap_or_else(|error| panic!("--store: {error}")),
            "--events" => options.events = value().parse().expect("--events N"),
            "--installs" => options.installs = value().parse().expect("--installs N"),
            "--days" => options.days = value().parse().expect("--days N"),
            "--batch" => options.batch = value().parse().expect("--batch N"),
            "--group" => options.group = value().parse().expect("--group N (batches per commit)"),
            "--seed" => options.seed = value().parse().expect("--seed N"),
            other => panic!("unknown option {other}; see the comment at the top of examples/seed.rs"),
        }
    }
    assert!(options.installs > 0 && options.days > 0 && options.batch > 0 && options.group > 0);
    options
}

fn main() {
    let options = options();
    let schemas = wire::schemas_dir();
    let (validator, model) = load_schemas(&schemas).unwrap_or_else(|error| panic!("{error}"));
    let config = Config::default();
    let mut store = open_store(&options.store, &config).unwrap_or_else(|error| panic!("{error}"));
    store.migrate(&model).unwrap_or_else(|error| panic!("{error}"));
    let ingest = Ingest::new(validator, model, IngestLimits::default());

    let metas = random::example_metas();
    let mut rng = Rng(options.seed);
    let versions: Vec<telemetry_schema::Version> = (0..12).map(|_| rng.version()).collect();
    let headers: Vec<EnvelopeHeader> = (0..options.installs)
        .map(|_| {
            let mut header = random::random_header(&mut rng);
            header.sdk_version = versions[usize::try_from(rng.below(versions.len() as u64)).unwrap()];
            header
        })
        .collect();
    // Today at midnight UTC, minus the days.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    let first_day = (now / 86_400 - options.days + 1) * 86_400;

    let started = Instant::now();
    let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<PreparedBatch>>(4);
    let batches = options.events.div_ceil(options.batch as u64);
    let seed = options.seed;
    let generator = std::thread::scope(|scope| {
        let ingest = &ingest;
        let (metas, headers, options) = (&metas, &headers, &options);
        scope.spawn(move || {
            let mut group = Vec::with_capacity(options.group);
            for n in 0..batches {
                let header = &headers[usize::try_from(rng.below(headers.len() as u64)).unwrap()];
                let size = (options.events - n * options.batch as u64).min(options.batch as u64) as usize;
                let envelopes: Vec<String> = (0..size)
                    .map(|_| {
                        let meta = metas[usize::try_from(rng.below(metas.len() as u64)).unwrap()];
                        random::random_envelope_from(meta, header, &mut rng)
                    })
                    .collect();
                let body = wire::batch_body(&wire::batch_id((seed << 40) | n), &envelopes);
                let received_at = first_day + (n as i64 % options.days) * 86_400 + (n as i64 % 24) * 3_600;
                let prepared = ingest.prepare(body.as_bytes(), received_at);
                assert_eq!(prepared.batch.rows.len(), size, "a random event was refused: {:?}", prepared.problems);
                group.push(prepared.batch);
                if group.len() == options.group {
                    sender.send(std::mem::take(&mut group)).unwrap();
                }
            }
            if !group.is_empty() {
                sender.send(group).unwrap();
            }
        });
        let mut stored = 0u64;
        let mut in_store = std::time::Duration::ZERO;
        for group in receiver {
            let commit = Instant::now();
            let outcomes = store.commit(&group).unwrap_or_else(|error| panic!("{error}"));
            in_store += commit.elapsed();
            stored += group.iter().zip(&outcomes).map(|(batch, _)| batch.rows.len() as u64).sum::<u64>();
        }
        (stored, in_store)
    });
    let (stored, in_store) = generator;
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "seed: {stored} events in {batches} batches into {:?} in {elapsed:.1} s ({:.0} events/s; {:.1} s in the store)",
        options.store,
        stored as f64 / elapsed,
        in_store.as_secs_f64()
    );
}
