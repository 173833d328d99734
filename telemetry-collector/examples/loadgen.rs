//! A load generator for the collector: batches of acme events over keep-alive HTTP/1.1 connections on
//! loopback, bounded in time, and the validator's throughput on the same events as the ceiling.
//!
//! ```text
//! cargo build --release -p telemetry-collector --example loadgen
//! target/release/telemetry-collector --store sqlite:/tmp/load.db &
//! target/release/examples/loadgen --addr 127.0.0.1:4318 --seconds 10 --connections 8 --pid $!
//! target/release/examples/loadgen --addr 127.0.0.1:4318 --seconds 10 --rate 25000 --pid $!
//! ```
//!
//! Without `--rate`, each connection sends its next batch as soon as the previous one is answered (the
//! sustained maximum). With `--rate N` (events per second in all), batches leave on a fixed schedule and each
//! latency is measured from the time the batch was due, so a slow answer also counts against the batches queued
//! behind it.

use std::io::Write as _;
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use example_sdk::events::{Arch, Os};
use telemetry_schema::{AnonymousId, EnvelopeHeader, Version};

#[path = "../tests/support/wire.rs"]
mod support;

struct Options {
    addr: SocketAddr,
    seconds: f64,
    connections: usize,
    batch: usize,
    rate: Option<f64>,
    pid: Option<u32>,
    schemas: std::path::PathBuf,
}

fn options() -> Options {
    let mut options = Options {
        addr: "127.0.0.1:4318".parse().unwrap(),
        seconds: 10.0,
        connections: 8,
        batch: 50,
        rate: None,
        pid: None,
        schemas: support::schemas_dir(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => options.addr = value().parse().expect("--addr HOST:PORT"),
            "--seconds" => options.seconds = value().parse().expect("--seconds N"),
            "--connections" => options.connections = value().parse().expect("--connections N"),
            "--batch" => options.batch = value().parse().expect("--batch N"),
            "--rate" => options.rate = Some(value().parse().expect("--rate EVENTS_PER_SECOND")),
            "--pid" => options.pid = Some(value().parse().expect("--pid PID")),
            "--schemas" => options.schemas = value().into(),
            other => panic!("unknown option {other}; see the comment at the top of examples/loadgen.rs"),
        }
    }
    assert!(options.addr.ip().is_loopback(), "the load generator only targets loopback addresses");
    assert!(options.seconds > 0.0 && options.seconds <= 120.0, "--seconds from 0 to 120");
    options
}

/// `batch` acme envelopes, from a different install per connection.
fn envelopes(connection: usize, batch: usize) -> Vec<String> {
    let mut header: EnvelopeHeader = support::acme_header();
    header.install_id = AnonymousId::from_random_bytes([connection as u8; 16]);
    header.sdk_version = Version::new(1, 4, connection as u32);
    header.context.os = if connection.is_multiple_of(2) { Os::Linux } else { Os::MacOs };
    header.context.arch = Arch::X86_64;
    let ten = support::acme_envelopes(&header);
    ten.iter().cycle().take(batch).cloned().collect()
}

/// CPU seconds (user + system) a process has used, from /proc/PID/stat (clock ticks of 1/100 s).
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks as f64 / 100.0)
}

fn peak_rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    Some(line.split_whitespace().nth(1)?.parse::<u64>().ok()? * 1024)
}

struct ConnectionResult {
    latencies: Vec<Duration>,
    events: u64,
    errors: u64,
    unavailable: u64,
}

fn run_connection(options: &Options, connection: usize, deadline: Instant) -> ConnectionResult {
    let envelopes = envelopes(connection, options.batch);
    let mut result = ConnectionResult { latencies: Vec::new(), events: 0, errors: 0, unavailable: 0 };
    let mut stream = TcpStream::connect(options.addr).expect("connect");
    stream.set_nodelay(true).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let interval =
        options.rate.map(|rate| Duration::from_secs_f64(options.connections as f64 * options.batch as f64 / rate));
    let start =
        Instant::now() + interval.map_or(Duration::ZERO, |i| i.mul_f64(connection as f64 / options.connections as f64));
    let mut request = Vec::with_capacity(64 << 10);
    for n in 0u64.. {
        let due = match interval {
            Some(interval) => start + interval.mul_f64(n as f64),
            None => Instant::now(),
        };
        if due >= deadline {
            break;
        }
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let id = support::batch_id(((connection as u64) << 40) | n | (std::process::id() as u64) << 48);
        let body = support::batch_body(&id, &envelopes);
        request.clear();
        write!(request, "POST /v1/batch HTTP/1.1\r\nHost: collector\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n", body.len()).unwrap();
        request.extend_from_slice(body.as_bytes());
        if stream.write_all(&request).is_err() {
            result.errors += 1;
            break;
        }
        match support::read_response(&mut stream) {
            Ok(response) if response.status == 200 => {
                result.latencies.push(due.elapsed());
                result.events += options.batch as u64;
            }
            Ok(response) if response.status == 503 => result.unavailable += 1,
            Ok(_) => result.errors += 1,
            Err(_) => {
                result.errors += 1;
                break;
            }
        }
    }
    result
}

/// The validator alone, one thread, on the same envelopes: the ceiling of what one core can accept.
fn validator_ceiling(options: &Options) -> (f64, f64) {
    let (validator, model) = telemetry_collector::load_schemas(&options.schemas).expect("schemas");
    let envelopes = envelopes(0, options.batch);
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < Duration::from_secs(2) {
        for envelope in &envelopes {
            validator.validate_envelope(envelope.as_bytes()).expect("valid");
        }
        n += envelopes.len() as u64;
    }
    let validator_rate = n as f64 / started.elapsed().as_secs_f64();
    // The collector's whole CPU path for one body, without HTTP or the store: batch read, validation, rows.
    let ingest = telemetry_collector::ingest::Ingest::new(
        telemetry_collector::load_schemas(&options.schemas).unwrap().0,
        model,
        telemetry_collector::ingest::IngestLimits::default(),
    );
    let body = support::batch_body(&support::batch_id(1), &envelopes);
    let started = Instant::now();
    let mut n = 0u64;
    while started.elapsed() < Duration::from_secs(2) {
        let prepared = ingest.prepare(body.as_bytes(), 0);
        assert_eq!(prepared.batch.rows.len(), envelopes.len());
        n += envelopes.len() as u64;
    }
    (validator_rate, n as f64 / started.elapsed().as_secs_f64())
}

fn main() {
    let options = options();
    let (validator_rate, prepare_rate) = validator_ceiling(&options);
    let rss_before = options.pid.and_then(peak_rss);
    let collector_cpu_before = options.pid.and_then(|pid| cpu_seconds(&pid.to_string()));
    let own_cpu_before = cpu_seconds("self");
    let deadline = Instant::now() + Duration::from_secs_f64(options.seconds);
    let started = Instant::now();
    let results: Vec<ConnectionResult> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..options.connections)
            .map(|connection| {
                let options = &options;
                scope.spawn(move || run_connection(options, connection, deadline))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let collector_cpu = options.pid.and_then(|pid| Some(cpu_seconds(&pid.to_string())? - collector_cpu_before?));
    let own_cpu = cpu_seconds("self").zip(own_cpu_before).map(|(after, before)| after - before);
    let mut latencies: Vec<Duration> = results.iter().flat_map(|r| r.latencies.iter().copied()).collect();
    latencies.sort_unstable();
    let events: u64 = results.iter().map(|r| r.events).sum();
    let errors: u64 = results.iter().map(|r| r.errors).sum();
    let unavailable: u64 = results.iter().map(|r| r.unavailable).sum();
    let pct = |p: f64| {
        latencies.get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1)).copied().unwrap_or_default()
    };
    let mode =
        options.rate.map_or("closed loop (as fast as answered)".to_owned(), |r| format!("paced at {r:.0} events/s"));
    println!("loadgen: {} connections, batches of {}, {mode}, {:.1} s", options.connections, options.batch, elapsed);
    println!(
        "  acknowledged: {events} events in {} batches = {:.0} events/s; 503: {unavailable}; errors: {errors}",
        latencies.len(),
        events as f64 / elapsed
    );
    println!(
        "  ack latency: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
    println!(
        "  ceiling, one thread, same envelopes: validator alone {validator_rate:.0} events/s; batch read + validation + rows {prepare_rate:.0} events/s"
    );
    if let Some(cpu) = collector_cpu {
        println!(
            "  collector CPU: {cpu:.2} s over {elapsed:.1} s ({:.2} cores), {:.1} µs per acknowledged event",
            cpu / elapsed,
            cpu * 1e6 / events.max(1) as f64
        );
    }
    if let Some(cpu) = own_cpu {
        println!("  load generator CPU: {cpu:.2} s ({:.2} cores)", cpu / elapsed);
    }
    if let Some(pid) = options.pid {
        let after = peak_rss(pid);
        println!(
            "  collector peak RSS (VmHWM): {:.1} MiB before, {:.1} MiB after",
            rss_before.unwrap_or(0) as f64 / 1048576.0,
            after.unwrap_or(0) as f64 / 1048576.0
        );
    }
    let _ = std::io::stdout().flush();
}
