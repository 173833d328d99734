//! `track()` on the caller's thread: disabled (the bar is ≤ 5 ns, no allocation) and enabled (≤ 200 ns).
//!
//! `cargo bench -p telemetry-client --bench track`

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group, criterion_main};
use telemetry_client::{Batch, Client, MapEnv, Transport, TransportError};
use telemetry_schema::{Arch, Os, Product, TelemetryEnum, TelemetryEvent, Version};

const PRODUCT: Product = Product::builder("Acme", "acme", Version::new(1, 4, 0))
    .env_prefix("ACME")
    .opt_out()
    .endpoint("https://telemetry.acme.example/v1/batch")
    .purpose("Benchmarks.")
    .build();

/// An `acme` subcommand.
#[derive(Clone, Copy, TelemetryEnum)]
enum Command {
    /// `acme build`
    Build,
    /// `acme dev`
    Dev,
}

/// A realistic event: the shape of the example SDK's `CLI_COMMAND`.
#[derive(Clone, TelemetryEvent)]
struct CliCommand {
    /// The subcommand.
    command: Command,
    /// The CLI version.
    cli_version: Version,
    /// Whether in CI.
    is_ci: bool,
    /// Logical CPUs.
    cpu_count: u16,
    /// OS family.
    os: Os,
    /// Architecture.
    arch: Arch,
}

fn event(i: u64) -> CliCommand {
    CliCommand {
        command: if i.is_multiple_of(2) { Command::Build } else { Command::Dev },
        cli_version: Version::new(1, 4, 0),
        is_ci: false,
        cpu_count: 8,
        os: Os::CURRENT,
        arch: Arch::CURRENT,
    }
}

/// Accepts every batch and throws it away, so the bench measures the client, not a sink.
struct Discard;

impl Transport for Discard {
    fn send(&mut self, batch: &Batch) -> Result<(), TransportError> {
        black_box(batch.len());
        Ok(())
    }
}

/// Holds the worker on its first batch until the sender is dropped, so the queue stays full.
struct Stall(std::sync::mpsc::Receiver<()>);

impl Transport for Stall {
    fn send(&mut self, _: &Batch) -> Result<(), TransportError> {
        let _ = self.0.recv();
        Ok(())
    }
}

fn temp_dir(label: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("tc-bench-{label}-{}", std::process::id()))
}

fn track(c: &mut Criterion) {
    let mut group = c.benchmark_group("track");

    let disabled = Client::builder(&PRODUCT)
        .env(MapEnv::new().with("ACME_TELEMETRY_DISABLED", "1"))
        .config_dir(temp_dir("disabled"))
        .build();
    assert!(!disabled.is_enabled());
    // The caller builds the event either way; the baseline is that cost alone (an opaque event value).
    group.bench_function("baseline_build_event", |b| {
        let e = event(1);
        b.iter(|| black_box(black_box(&e).clone()));
    });
    group.bench_function("disabled", |b| {
        let e = event(1);
        b.iter(|| disabled.track(black_box(&e).clone()));
    });

    // Enabled: timed in chunks that fit the queue, flushing between chunks (untimed), so every measured call
    // takes the accepting path (allocation, lock, push, and the worker wake-ups) rather than the drop path.
    let dir = temp_dir("enabled");
    let enabled = Client::builder(&PRODUCT)
        .env(MapEnv::new())
        .config_dir(&dir)
        .enabled(true)
        .transport(Discard)
        .queue_capacity(4096)
        .batch_size(64)
        .stderr(std::io::sink())
        .build();
    assert!(enabled.is_enabled());
    group.bench_function("enabled", |b| {
        b.iter_custom(|iters| {
            let mut measured = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let chunk = left.min(4000);
                let start = Instant::now();
                for i in 0..chunk {
                    enabled.track(black_box(event(i)));
                }
                measured += start.elapsed();
                let _ = enabled.flush(Instant::now() + Duration::from_secs(10));
                left -= chunk;
            }
            measured
        });
    });
    let stats = enabled.stats();
    assert_eq!(stats.dropped_queue_full, 0, "the enabled bench measured only accepted events: {stats:?}");
    let _ = enabled.shutdown(Instant::now() + Duration::from_secs(5));

    // Enabled with a queue that is always full: the drop-and-count path.
    let (release, stalled) = std::sync::mpsc::channel();
    let full = Client::builder(&PRODUCT)
        .env(MapEnv::new())
        .config_dir(&dir)
        .enabled(true)
        .transport(Stall(stalled))
        .queue_capacity(1)
        .batch_size(1)
        .stderr(std::io::sink())
        .build();
    group.bench_function("enabled_queue_full", |b| {
        b.iter(|| full.track(black_box(event(1))));
    });
    group.finish();
    assert!(full.stats().dropped_queue_full > 0);
    drop(release);
    let _ = std::fs::remove_dir_all(dir);
}

criterion_group! {
    name = benches;
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = track
}
criterion_main!(benches);
