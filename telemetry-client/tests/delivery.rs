//! Delivery through the in-memory and NDJSON transports: order, envelope shape, sampling, dedup, the bounded
//! queue, and `disable` reaching events still queued.

mod support;

use std::time::{Duration, Instant};

use serde_json::Value;
use support::{Captured, Component, Counted, Expired, ExpiresLater, Mounted, OPT_OUT, Sampled, TempDir, Throttled};
use telemetry_client::{
    Batch, Client, ClientBuilder, MapEnv, MemoryTransport, NdjsonFileTransport, SETTINGS_FILE_NAME, Transport,
    TransportError,
};
use telemetry_schema::{ENVELOPE_FIELDS, TelemetryEvent};

fn builder(dir: &TempDir) -> ClientBuilder {
    Client::builder(&OPT_OUT).env(MapEnv::new()).config_dir(dir.path()).enabled(true).stderr(Captured::default())
}

fn soon() -> Instant {
    Instant::now() + Duration::from_secs(10)
}

/// Checks an envelope against the contract: keys in `ENVELOPE_FIELDS` order, required ones present, ids hex.
pub fn assert_envelope(text: &str) -> Value {
    let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    let object = value.as_object().expect("an envelope is an object");
    let keys = top_level_keys(text);
    let expected: Vec<&str> =
        ENVELOPE_FIELDS.iter().filter(|f| f.required || object.contains_key(f.name)).map(|f| f.name).collect();
    assert_eq!(keys, expected, "envelope keys, in wire order");
    let hex = |key: &str, len: usize| {
        let id = value[key].as_str().unwrap();
        assert!(id.len() == len && id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()), "{key}");
    };
    hex("install_id", 32);
    hex("session_id", 32);
    if object.contains_key("project_id") {
        hex("project_id", 64);
    }
    assert_eq!(value["sdk"]["name"], "acme");
    value
}

/// The keys of a JSON object in the order they are written (serde_json's map sorts them).
fn top_level_keys(text: &str) -> Vec<&str> {
    let (mut keys, mut depth, mut in_string, mut escaped, mut start) = (Vec::new(), 0, false, false, 0);
    for (i, c) in text.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    in_string = false;
                    if depth == 1 && text[i + 1..].starts_with(':') {
                        keys.push(&text[start..i]);
                    }
                }
                _ => {}
            }
            continue;
        }
        match c {
            '"' => (in_string, start) = (true, i + 1),
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            _ => {}
        }
    }
    keys
}

#[test]
fn events_arrive_in_order_in_batches_with_the_envelope_contract() {
    let dir = TempDir::new("order");
    let sent = MemoryTransport::new();
    let client = builder(&dir).transport(sent.clone()).batch_size(4).project_root("/p").build();
    for n in 0..10 {
        client.track(Counted { n });
    }
    assert!(client.flush(soon()).is_complete());
    let batches = sent.batches();
    assert!(batches.iter().all(|b| b.len() <= 4), "batches respect the batch size");
    let numbers: Vec<u64> = batches
        .iter()
        .flat_map(Batch::envelopes)
        .map(|e| assert_envelope(e)["payload"]["n"].as_u64().unwrap())
        .collect();
    assert_eq!(numbers, (0..10).collect::<Vec<_>>());
    let body: Value = serde_json::from_str(&batches[0].to_json()).unwrap();
    assert_eq!(body.as_object().unwrap().keys().collect::<Vec<_>>(), ["batch_id", "events"]);
    let ids: std::collections::BTreeSet<&str> = batches.iter().map(Batch::batch_id).collect();
    assert_eq!(ids.len(), batches.len(), "every batch has its own id");
    assert_eq!(body["batch_id"], batches[0].batch_id());
    let stats = client.stats();
    assert_eq!((stats.accepted, stats.sent), (10, 10));
}

#[test]
fn a_partial_batch_is_sent_after_the_batch_interval() {
    let dir = TempDir::new("interval");
    let sent = MemoryTransport::new();
    let client = builder(&dir).transport(sent.clone()).batch_interval(Duration::from_millis(20)).build();
    client.track(Counted { n: 1 });
    let deadline = soon();
    while sent.batches().is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(sent.envelopes().len(), 1, "sent without a flush");
    let running = std::fs::read_dir("/proc/self/task").map(|tasks| {
        tasks
            .flatten()
            .any(|t| std::fs::read_to_string(t.path().join("comm")).is_ok_and(|n| n.trim() == "telemetry-acme"))
    });
    assert!(running.unwrap_or(true), "an enabled client has its named worker thread");
}

#[test]
fn an_expired_event_is_dropped_and_counted_and_one_not_yet_expired_is_sent() {
    let dir = TempDir::new("expired");
    let sent = MemoryTransport::new();
    let client = builder(&dir).transport(sent.clone()).build();
    for n in 0..3 {
        client.track(Expired { n });
    }
    client.track(ExpiresLater { n: 7 });
    assert!(client.flush(soon()).is_complete());
    let envelopes = sent.envelopes();
    assert_eq!(envelopes.len(), 1, "{envelopes:?}");
    assert_eq!(assert_envelope(&envelopes[0])["event"], "EXPIRES_LATER");
    let stats = client.stats();
    assert_eq!((stats.expired, stats.accepted), (3, 1));
}

#[test]
fn debug_mode_does_not_print_an_expired_event() {
    let dir = TempDir::new("expired-debug");
    let stderr = Captured::default();
    let client = Client::builder(&OPT_OUT)
        .env(MapEnv::new().with("ACME_TELEMETRY_DEBUG", "1"))
        .config_dir(dir.path())
        .stderr(stderr.clone())
        .build();
    client.track(Expired { n: 1 });
    client.track(ExpiresLater { n: 2 });
    let printed = stderr.text();
    assert!(!printed.contains("\"EXPIRED\""), "{printed}");
    assert!(printed.contains("\"EXPIRES_LATER\""), "{printed}");
}

#[test]
fn sample_rate_keeps_about_one_in_ten() {
    let dir = TempDir::new("sampling");
    let sent = MemoryTransport::new();
    let client = builder(&dir).transport(sent.clone()).queue_capacity(20_000).batch_size(500).build();
    for n in 0..20_000 {
        client.track(Sampled { n });
    }
    assert!(client.flush(soon()).is_complete());
    let kept = sent.envelopes().len() as u64;
    // Binomial(20 000, 0.1): mean 2 000, sd 42; ±500 is twelve sd.
    assert!((1_500..=2_500).contains(&kept), "kept {kept}");
    assert_eq!(client.stats().sampled_out + kept, 20_000);
}

/// Sampling by value (Clerk's rule): every `SignIn` is sent, about one `UserButton` in ten.
#[test]
fn sample_by_value_applies_each_variants_rate() {
    let dir = TempDir::new("sampling-by-value");
    let sent = MemoryTransport::new();
    let client = builder(&dir).transport(sent.clone()).queue_capacity(40_000).batch_size(500).build();
    for n in 0..20_000 {
        client.track(Mounted { component: Component::SignIn, n });
        client.track(Mounted { component: Component::UserButton, n });
    }
    assert!(client.flush(soon()).is_complete());
    let envelopes = sent.envelopes();
    let count = |name: &str| {
        envelopes.iter().filter(|e| assert_envelope(e)["payload"]["component"].as_str() == Some(name)).count() as u64
    };
    assert_eq!(count("SignIn"), 20_000, "a value with no rate is sent every time");
    // Binomial(20 000, 0.1): mean 2 000, sd 42; ±500 is twelve sd.
    let buttons = count("UserButton");
    assert!((1_500..=2_500).contains(&buttons), "kept {buttons} of 20 000 UserButton mounts");
    assert_eq!(client.stats().sampled_out + buttons, 20_000);
}

/// `Mounted`'s metadata (UserButton: one in ten, as the page says) with a hand-written impl whose
/// `sample_rate_per_million` claims "every time".
struct ForgedRate(Mounted);

impl TelemetryEvent for ForgedRate {
    const META: telemetry_schema::EventMeta = Mounted::META;
    fn visit_fields(&self, fields: &mut telemetry_schema::Fields<'_>) {
        self.0.visit_fields(fields);
    }
    fn sample_rate_per_million(&self) -> u32 {
        1_000_000
    }
}

/// The rate applied is the one the metadata (and so the page) gives the value that is sent, not what an impl's
/// method returns.
#[test]
fn a_forged_sample_rate_method_does_not_change_what_is_sent() {
    let dir = TempDir::new("sampling-forged");
    let sent = MemoryTransport::new();
    let client = builder(&dir).transport(sent.clone()).queue_capacity(40_000).batch_size(500).build();
    for n in 0..20_000 {
        client.track(ForgedRate(Mounted { component: Component::UserButton, n }));
    }
    assert!(client.flush(soon()).is_complete());
    // Binomial(20 000, 0.1): mean 2 000, sd 42; ±500 is twelve sd.
    let kept = sent.envelopes().len() as u64;
    assert!((1_500..=2_500).contains(&kept), "kept {kept} of 20 000 UserButton mounts");
}

#[test]
fn identical_payloads_are_sent_once_per_dedup_window_even_across_runs() {
    let dir = TempDir::new("dedup");
    let sent = MemoryTransport::new();
    let client = builder(&dir).transport(sent.clone()).build();
    for value in [1, 1, 2, 1, 2, 3] {
        client.track(Throttled { value });
    }
    assert!(client.flush(soon()).is_complete());
    let values: Vec<u64> =
        sent.envelopes().iter().map(|e| assert_envelope(e)["payload"]["value"].as_u64().unwrap()).collect();
    assert_eq!(values, [1, 2, 3]);
    assert_eq!(client.stats().throttled, 3);
    drop(client);

    let again = MemoryTransport::new();
    let next_run = builder(&dir).transport(again.clone()).build();
    next_run.track(Throttled { value: 1 });
    next_run.track(Throttled { value: 4 });
    assert!(next_run.flush(soon()).is_complete());
    assert_eq!(again.envelopes().len(), 1, "the window outlives the process");
}

/// A transport that blocks until released, to fill the queue.
struct Gate(std::sync::mpsc::Receiver<()>);

impl Transport for Gate {
    fn send(&mut self, _: &Batch) -> Result<(), TransportError> {
        let _ = self.0.recv_timeout(Duration::from_secs(10));
        Ok(())
    }
}

#[test]
fn a_full_queue_drops_and_counts_without_blocking() {
    let dir = TempDir::new("full");
    let (release, gate) = std::sync::mpsc::channel();
    let client = builder(&dir).transport(Gate(gate)).queue_capacity(8).batch_size(1).build();
    let start = Instant::now();
    for n in 0..1_000 {
        client.track(Counted { n });
    }
    assert!(start.elapsed() < Duration::from_millis(500), "track never waits for the transport");
    let stats = client.stats();
    assert!(stats.dropped_queue_full >= 1_000 - 9, "{stats:?}");
    assert_eq!(stats.accepted + stats.dropped_queue_full, 1_000);
    for _ in 0..20 {
        let _ = release.send(());
    }
    assert!(client.flush(soon()).is_complete());
}

#[test]
fn disable_throws_away_events_still_queued() {
    let dir = TempDir::new("revoke");
    let (release, gate) = std::sync::mpsc::channel();
    let client = builder(&dir).transport(Gate(gate)).batch_size(1).build();
    for n in 0..5 {
        client.track(Counted { n });
    }
    client.disable().unwrap();
    let _ = release.send(());
    assert!(client.flush(soon()).is_complete());
    client.track(Counted { n: 99 });
    let stats = client.stats();
    assert!(stats.discarded >= 4, "{stats:?}");
    assert!(stats.sent <= 1, "at most the batch already in flight: {stats:?}");
    assert_eq!(stats.accepted, 5, "nothing is accepted after disable");
}

#[test]
fn a_disable_by_another_process_reaches_queued_events() {
    let dir = TempDir::new("revoke-file");
    let sent = MemoryTransport::new();
    std::fs::write(dir.path().join(SETTINGS_FILE_NAME), r#"{"enabled":true}"#).unwrap();
    let client = Client::builder(&OPT_OUT)
        .env(MapEnv::new())
        .config_dir(dir.path())
        .transport(sent.clone())
        .batch_interval(Duration::from_secs(60))
        .build();
    assert!(client.is_enabled());
    client.track(Counted { n: 1 });
    // Another process runs `acme telemetry disable` while the event waits.
    std::fs::write(dir.path().join(SETTINGS_FILE_NAME), r#"{"enabled":false}"#).unwrap();
    assert!(client.flush(soon()).is_complete());
    assert!(sent.batches().is_empty());
    assert_eq!(client.stats().discarded, 1);
}

#[test]
fn ndjson_transport_appends_one_envelope_per_line() {
    let dir = TempDir::new("ndjson");
    let file = dir.path().join("out").join("events.ndjson");
    let client = builder(&dir).transport(NdjsonFileTransport::new(&file)).batch_size(2).build();
    for n in 0..5 {
        client.track(Counted { n });
    }
    assert!(client.flush(soon()).is_complete());
    let text = std::fs::read_to_string(&file).unwrap();
    let numbers: Vec<u64> = text.lines().map(|l| assert_envelope(l)["payload"]["n"].as_u64().unwrap()).collect();
    assert_eq!(numbers, [0, 1, 2, 3, 4]);
}

/// Panics on every batch.
struct Panicking;

impl Transport for Panicking {
    fn send(&mut self, _: &Batch) -> Result<(), TransportError> {
        panic!("a buggy custom transport")
    }
}

#[test]
fn a_panicking_transport_fails_batches_and_never_reaches_the_host() {
    let dir = TempDir::new("panic");
    let client = builder(&dir).transport(Panicking).build();
    client.track(Counted { n: 1 });
    assert!(client.flush(soon()).is_complete());
    client.track(Counted { n: 2 });
    assert!(client.flush(soon()).is_complete(), "the worker survived");
    assert_eq!(client.stats().failed, 2);
    assert_eq!(client.status().problem.as_deref(), Some("the transport panicked"));
}

#[test]
fn after_the_guard_the_worker_stops_and_track_is_ignored() {
    let dir = TempDir::new("guard");
    let sent = MemoryTransport::new();
    let client = builder(&dir).transport(sent.clone()).build();
    client.track(Counted { n: 1 });
    drop(client.flush_guard());
    assert_eq!(sent.envelopes().len(), 1, "the guard flushed");
    client.track(Counted { n: 2 });
    assert_eq!(client.stats().accepted, 1);
}

/// A hand-written event whose visitor panics (a derived one never does).
struct PanicsWhileEncoding;

impl telemetry_schema::TelemetryEvent for PanicsWhileEncoding {
    const META: telemetry_schema::EventMeta = telemetry_schema::EventMeta::new("PANICS", 1, "Panics.", &[]);
    fn visit_fields(&self, _: &mut telemetry_schema::Fields<'_>) {
        panic!("a buggy hand-written event")
    }
}

telemetry_schema::register_event!(PanicsWhileEncoding);

#[test]
fn an_event_that_panics_while_encoding_costs_only_that_event() {
    let dir = TempDir::new("panic-encode");
    let sent = MemoryTransport::new();
    let client = builder(&dir).transport(sent.clone()).build();
    client.track(PanicsWhileEncoding);
    client.track(Counted { n: 1 });
    assert!(client.flush(soon()).is_complete(), "the worker survived");
    assert_eq!(sent.envelopes().len(), 1);
    assert_eq!(client.stats().encode_errors, 1);
    client.track(Counted { n: 2 });
    assert!(client.flush(soon()).is_complete());
    assert_eq!(sent.envelopes().len(), 2, "later events still go out");
}

/// `Mounted`'s metadata (sampled by value) over a visitor that panics: reading the occurrence's value to pick its
/// rate runs that visitor on the caller's thread, where `track` must not panic.
struct SampledAndPanics;

impl TelemetryEvent for SampledAndPanics {
    const META: telemetry_schema::EventMeta = Mounted::META;
    fn visit_fields(&self, _: &mut telemetry_schema::Fields<'_>) {
        panic!("a buggy hand-written event")
    }
}

#[test]
fn an_event_sampled_by_value_that_panics_in_its_visitor_costs_only_that_event() {
    let dir = TempDir::new("panic-sample-by");
    let sent = MemoryTransport::new();
    let client = builder(&dir).transport(sent.clone()).build();
    client.track(SampledAndPanics);
    client.track(Counted { n: 1 });
    assert!(client.flush(soon()).is_complete(), "the worker survived");
    assert_eq!(sent.envelopes().len(), 1);
    assert_eq!(client.stats().encode_errors, 1, "counted like any event that cannot be encoded");
}

#[test]
fn a_huge_flush_budget_is_a_long_wait_not_a_panic() {
    let dir = TempDir::new("huge-budget");
    let client = builder(&dir).transport(MemoryTransport::new()).retry_backoff(Duration::MAX).build();
    client.track(Counted { n: 1 });
    // Nothing is stuck, so even an unbounded budget returns at once.
    drop(client.flush_guard().with_budget(Duration::MAX));
}
