//! Bounded, non-blocking delivery: a queue the caller pushes to and one background worker that batches by
//! size or time, throttles, encodes and sends.

use std::collections::{BTreeMap, VecDeque};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use telemetry_schema::{EncodeError, EnvelopeHeader, TelemetryEvent, to_json, write_envelope};

use crate::consent::SavedChoice;
use crate::store;
use crate::transport::{Batch, Transport, TransportError};

/// An event waiting in the queue, with its type erased. Encoding happens on the worker thread, so `track()`
/// costs the caller one small allocation and a queue push.
pub(crate) trait QueuedEvent: Send {
    fn write_envelope(&self, out: &mut String, header: &EnvelopeHeader) -> Result<(), EncodeError>;
    /// The dedup window and the throttle key of the payload, for events with `#[telemetry(dedup = ...)]`.
    fn throttle(&self) -> Option<(Duration, String)>;
    /// Whether the event is in the registry the "what is collected" page is made from.
    fn registered(&self) -> bool;
}

impl<E: TelemetryEvent + Send> QueuedEvent for E {
    fn write_envelope(&self, out: &mut String, header: &EnvelopeHeader) -> Result<(), EncodeError> {
        write_envelope(out, header, self)
    }

    fn throttle(&self) -> Option<(Duration, String)> {
        let window = E::META.dedup_window()?;
        let payload = to_json(self).ok()?;
        let version = E::META.version().to_le_bytes();
        Some((window, crate::ids::digest_hex(&[E::META.name().as_bytes(), &version, payload.as_bytes()])))
    }

    fn registered(&self) -> bool {
        telemetry_schema::is_registered::<E>()
    }
}

/// Counters of what happened to tracked events. Every event accepted into the queue ends in exactly one of
/// `sent`, `failed`, `throttled`, `discarded`, `unregistered` or `encode_errors`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct DeliveryStats {
    /// Events accepted into the queue.
    pub accepted: u64,
    /// Events the transport acknowledged.
    pub sent: u64,
    /// Events whose batch failed twice (or once, permanently).
    pub failed: u64,
    /// Events not queued because the queue was full.
    pub dropped_queue_full: u64,
    /// Events skipped by their sample rate.
    pub sampled_out: u64,
    /// Events not sent because their `#[telemetry(expires = …)]` date had passed.
    pub expired: u64,
    /// Queued events not sent because they are not in the registry the "what is collected" page is made from: a
    /// hand-written `TelemetryEvent` impl without [`telemetry_schema::register_event!`].
    pub unregistered: u64,
    /// Events skipped because an identical payload was sent within the event's dedup window.
    pub throttled: u64,
    /// Queued events thrown away because telemetry was disabled while they waited.
    pub discarded: u64,
    /// Events a hand-written impl could not encode.
    pub encode_errors: u64,
}

/// What [`Client::flush`](crate::Client::flush) achieved before its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[must_use]
pub struct FlushOutcome {
    pending: u64,
}

impl FlushOutcome {
    pub(crate) const DONE: Self = Self { pending: 0 };

    /// Whether every event tracked before the flush was settled (sent, or given up on) in time.
    pub fn is_complete(&self) -> bool {
        self.pending == 0
    }

    /// How many events were still queued or in flight at the deadline.
    pub fn pending(&self) -> u64 {
        self.pending
    }
}

#[derive(Debug, Clone)]
pub(crate) struct DeliveryOptions {
    pub(crate) queue_capacity: usize,
    pub(crate) batch_size: usize,
    pub(crate) batch_interval: Duration,
    pub(crate) retry_backoff: Duration,
    /// Re-read before each batch: a `disable` by another process stops this one's queued events too.
    pub(crate) settings_path: Option<PathBuf>,
    pub(crate) throttle_path: Option<PathBuf>,
}

struct State {
    queue: VecDeque<Box<dyn QueuedEvent>>,
    flush_requested: bool,
    shutdown: bool,
    revoked: bool,
    stats: DeliveryStats,
    settled: u64,
    last_error: Option<String>,
}

pub(crate) struct Delivery {
    /// The ids and context every envelope of this client carries (the worker has its own copy).
    header: EnvelopeHeader,
    state: Mutex<State>,
    /// The worker waits here for work.
    work: Condvar,
    /// Flushers wait here for `settled` to advance.
    progress: Condvar,
    capacity: usize,
    batch_size: usize,
    sampled_out: AtomicU64,
    expired: AtomicU64,
    rng: AtomicU64,
}

impl std::fmt::Debug for Delivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Delivery").field("capacity", &self.capacity).field("stats", &self.stats()).finish()
    }
}

fn lock(mutex: &Mutex<State>) -> MutexGuard<'_, State> {
    // A panic while holding the lock cannot leave `State` inconsistent in a way that matters to telemetry.
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Delivery {
    /// Starts the worker thread. `None` if the thread cannot be spawned (then nothing is sent).
    pub(crate) fn start(
        thread_name: String,
        header: EnvelopeHeader,
        transport: Box<dyn Transport>,
        options: DeliveryOptions,
        seed: u64,
    ) -> Option<Arc<Self>> {
        let delivery = Arc::new(Delivery {
            header,
            state: Mutex::new(State {
                queue: VecDeque::with_capacity(options.batch_size.min(options.queue_capacity)),
                flush_requested: false,
                shutdown: false,
                revoked: false,
                stats: DeliveryStats::default(),
                settled: 0,
                last_error: None,
            }),
            work: Condvar::new(),
            progress: Condvar::new(),
            capacity: options.queue_capacity.max(1),
            batch_size: options.batch_size.clamp(1, options.queue_capacity.max(1)),
            sampled_out: AtomicU64::new(0),
            expired: AtomicU64::new(0),
            rng: AtomicU64::new(seed),
        });
        let worker = Worker {
            delivery: Arc::clone(&delivery),
            header,
            transport,
            throttle: Throttle { path: options.throttle_path.clone(), entries: None },
            options,
        };
        std::thread::Builder::new().name(thread_name).spawn(move || worker.run()).ok()?;
        Some(delivery)
    }

    pub(crate) fn header(&self) -> &EnvelopeHeader {
        &self.header
    }

    /// Whether an event with this sample rate is kept: a lock-free SplitMix64 draw.
    #[inline]
    pub(crate) fn sampled_in(&self, per_million: u32) -> bool {
        let mut z = self.rng.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let kept = z % 1_000_000 < u64::from(per_million);
        if !kept {
            self.sampled_out.fetch_add(1, Ordering::Relaxed);
        }
        kept
    }

    /// Counts an event dropped because it expired.
    pub(crate) fn count_expired(&self) {
        self.expired.fetch_add(1, Ordering::Relaxed);
    }

    /// Queues an event without blocking on the network: takes an uncontended lock, pushes, and wakes the
    /// worker only when the queue becomes non-empty or reaches a batch.
    #[inline]
    pub(crate) fn enqueue(&self, event: Box<dyn QueuedEvent>) {
        let mut state = lock(&self.state);
        if state.shutdown || state.revoked {
            return;
        }
        if state.queue.len() >= self.capacity {
            state.stats.dropped_queue_full += 1;
            return;
        }
        state.queue.push_back(event);
        state.stats.accepted += 1;
        let len = state.queue.len();
        drop(state);
        if len == 1 || len == self.batch_size {
            self.work.notify_one();
        }
    }

    pub(crate) fn flush(&self, deadline: Instant) -> FlushOutcome {
        let mut state = lock(&self.state);
        let target = state.stats.accepted;
        if state.settled >= target {
            return FlushOutcome::DONE;
        }
        state.flush_requested = true;
        self.work.notify_one();
        while state.settled < target {
            let now = Instant::now();
            if now >= deadline {
                return FlushOutcome { pending: target - state.settled };
            }
            state = self.progress.wait_timeout(state, deadline - now).map_or_else(|p| p.into_inner().0, |r| r.0);
        }
        FlushOutcome::DONE
    }

    /// Asks the worker to finish what is queued and stop. Never waits.
    pub(crate) fn shutdown(&self) {
        lock(&self.state).shutdown = true;
        self.work.notify_one();
    }

    /// Throws away queued events and refuses new ones: telemetry was disabled.
    pub(crate) fn revoke(&self) {
        let mut state = lock(&self.state);
        state.revoked = true;
        discard_queue(&mut state);
        drop(state);
        self.progress.notify_all();
        self.work.notify_one();
    }

    pub(crate) fn stats(&self) -> DeliveryStats {
        let mut stats = lock(&self.state).stats;
        stats.sampled_out = self.sampled_out.load(Ordering::Relaxed);
        stats.expired = self.expired.load(Ordering::Relaxed);
        stats
    }

    pub(crate) fn last_error(&self) -> Option<String> {
        lock(&self.state).last_error.clone()
    }
}

fn discard_queue(state: &mut State) {
    let n = state.queue.len() as u64;
    state.queue.clear();
    state.stats.discarded += n;
    state.settled += n;
}

struct Worker {
    delivery: Arc<Delivery>,
    header: EnvelopeHeader,
    transport: Box<dyn Transport>,
    throttle: Throttle,
    options: DeliveryOptions,
}

impl Worker {
    fn run(mut self) {
        while let Some(events) = self.next_batch() {
            let n = events.len() as u64;
            let outcome = self.process(events);
            let mut state = lock(&self.delivery.state);
            state.stats.sent += outcome.sent;
            state.stats.failed += outcome.failed;
            state.stats.throttled += outcome.throttled;
            state.stats.encode_errors += outcome.encode_errors;
            state.stats.unregistered += outcome.unregistered;
            if outcome.revoked {
                state.revoked = true;
                state.stats.discarded += n;
                discard_queue(&mut state);
            }
            if let Some(error) = outcome.error {
                state.last_error = Some(error);
            }
            state.settled += n;
            drop(state);
            self.delivery.progress.notify_all();
        }
    }

    /// Waits for a full batch, a flush, shutdown, or the batch interval; `None` when it is time to stop.
    fn next_batch(&self) -> Option<Vec<Box<dyn QueuedEvent>>> {
        let delivery = &*self.delivery;
        let mut state = lock(&delivery.state);
        loop {
            if state.revoked && !state.queue.is_empty() {
                discard_queue(&mut state);
                delivery.progress.notify_all();
            }
            if state.queue.is_empty() {
                state.flush_requested = false;
                if state.shutdown || state.revoked {
                    return None;
                }
                state = delivery.work.wait(state).unwrap_or_else(|p| p.into_inner());
                continue;
            }
            if state.queue.len() >= delivery.batch_size || state.flush_requested || state.shutdown {
                break;
            }
            let (next, waited) =
                delivery.work.wait_timeout(state, self.options.batch_interval).unwrap_or_else(|p| p.into_inner());
            state = next;
            if waited.timed_out() && !state.queue.is_empty() {
                break;
            }
        }
        let n = state.queue.len().min(delivery.batch_size);
        Some(state.queue.drain(..n).collect())
    }

    fn process(&mut self, events: Vec<Box<dyn QueuedEvent>>) -> Outcome {
        let mut outcome = Outcome::default();
        if self.disabled_meanwhile() {
            outcome.revoked = true;
            return outcome;
        }
        let now = unix_now();
        let mut envelopes = Vec::with_capacity(events.len());
        for event in &events {
            // Checked here, on the worker, so `track()` stays a few branches on the caller's thread.
            if !event.registered() {
                outcome.unregistered += 1;
                continue;
            }
            // Encoding runs the event's own `visit_fields`; a hand-written one that panics costs that event, not
            // the worker (derived ones never panic).
            let encoded = catch_unwind(AssertUnwindSafe(|| {
                if let Some((window, key)) = event.throttle()
                    && !self.throttle.admit(key, window, now)
                {
                    return None;
                }
                let mut envelope = String::with_capacity(512);
                Some(event.write_envelope(&mut envelope, &self.header).map(|()| envelope))
            }));
            match encoded {
                Ok(None) => outcome.throttled += 1,
                Ok(Some(Ok(envelope))) => envelopes.push(envelope),
                Ok(Some(Err(_))) => outcome.encode_errors += 1,
                // Leaked, not dropped: a payload whose `Drop` panics would take the worker down.
                Err(payload) => {
                    std::mem::forget(payload);
                    outcome.encode_errors += 1;
                }
            }
        }
        if envelopes.is_empty() {
            return outcome;
        }
        let batch = Batch::new(envelopes);
        let mut result = self.send(&batch);
        if let Err(err) = &result
            && err.is_retryable()
            && self.wait_for_retry(err.retry_after())
        {
            result = self.send(&batch);
        }
        match result {
            Ok(()) => outcome.sent = batch.len() as u64,
            Err(err) => {
                outcome.failed = batch.len() as u64;
                outcome.error = Some(err.to_string());
            }
        }
        outcome
    }

    /// Sends, turning a panicking custom transport into a failed batch.
    fn send(&mut self, batch: &Batch) -> Result<(), TransportError> {
        catch_unwind(AssertUnwindSafe(|| self.transport.send(batch))).unwrap_or_else(|payload| {
            std::mem::forget(payload); // its `Drop` may panic too
            Err(TransportError::permanent("the transport panicked"))
        })
    }

    /// Sleeps the retry backoff, or longer if the endpoint asked (`Retry-After`, capped by the transport);
    /// returns `false` (no retry) if shutdown or revocation came meanwhile, so the host never waits for it.
    fn wait_for_retry(&self, asked: Option<Duration>) -> bool {
        let delivery = &*self.delivery;
        let deadline =
            deadline_after(asked.map_or(self.options.retry_backoff, |asked| asked.max(self.options.retry_backoff)));
        let mut state = lock(&delivery.state);
        loop {
            if state.shutdown || state.revoked {
                return false;
            }
            let now = Instant::now();
            if now >= deadline {
                return true;
            }
            state = delivery.work.wait_timeout(state, deadline - now).map_or_else(|p| p.into_inner().0, |r| r.0);
        }
    }

    fn disabled_meanwhile(&self) -> bool {
        // `disable()` in this process, after this batch left the queue…
        if lock(&self.delivery.state).revoked {
            return true;
        }
        // …or in another process, through the settings file.
        // An unreadable file may hold a `disable`: it counts as one.
        let Some(path) = &self.options.settings_path else { return false };
        matches!(store::load(path).choice(), SavedChoice::Disabled | SavedChoice::Unreadable)
    }
}

#[derive(Debug, Default)]
struct Outcome {
    sent: u64,
    failed: u64,
    throttled: u64,
    encode_errors: u64,
    unregistered: u64,
    revoked: bool,
    error: Option<String>,
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Payload digests with their expiry, persisted so a window outlives the process (a CLI runs for seconds;
/// windows are hours).
#[derive(Debug)]
pub(crate) struct Throttle {
    path: Option<PathBuf>,
    entries: Option<BTreeMap<String, u64>>,
}

/// The most payload digests the throttle file keeps (about 55 bytes each as JSON).
const MAX_THROTTLE_ENTRIES: usize = 512;

#[derive(serde::Serialize, serde::Deserialize, Default)]
struct ThrottleFile {
    #[serde(default)]
    entries: BTreeMap<String, u64>,
}

impl Throttle {
    /// Whether a payload with this key may be sent at `now` (seconds since the epoch); records it if so.
    pub(crate) fn admit(&mut self, key: String, window: Duration, now: u64) -> bool {
        let path = self.path.clone();
        let entries = self.entries.get_or_insert_with(|| {
            // Read like the settings file: never blocks on a pipe, at most 64 KiB; anything else starts empty.
            path.as_deref()
                .and_then(|p| store::read_small_file(p).ok())
                .and_then(|bytes| serde_json::from_slice::<ThrottleFile>(&bytes).ok())
                .unwrap_or_default()
                .entries
        });
        entries.retain(|_, expires| *expires > now);
        if entries.contains_key(&key) {
            return false;
        }
        // Bounded, so the file stays far below the 64 KiB the client reads: the entries closest to expiry go.
        while entries.len() >= MAX_THROTTLE_ENTRIES {
            let Some(soonest) = entries.iter().min_by_key(|(_, expires)| **expires).map(|(key, _)| key.clone()) else {
                break;
            };
            entries.remove(&soonest);
        }
        entries.insert(key, now.saturating_add(window.as_secs()));
        if let Some(path) = &self.path {
            let file = ThrottleFile { entries: entries.clone() };
            // Best effort: if it cannot be saved, the window only holds for this process.
            if let Ok(json) = serde_json::to_vec(&file) {
                let _ = store::write_atomic(path, &json);
            }
        }
        true
    }
}

/// `now + after`, saturating: a huge budget or backoff set by the host means "a long time", never a panic.
pub(crate) fn deadline_after(after: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(after).or_else(|| now.checked_add(Duration::from_secs(365 * 24 * 3600))).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn throttle_admits_a_payload_once_per_window_and_again_after_it() {
        let mut throttle = Throttle { path: None, entries: None };
        let day = Duration::from_secs(86_400);
        assert!(throttle.admit("a".into(), day, 1_000));
        assert!(!throttle.admit("a".into(), day, 1_000 + 3_600));
        assert!(throttle.admit("b".into(), day, 1_000 + 3_600));
        assert!(throttle.admit("a".into(), day, 1_000 + 86_400));
    }

    #[test]
    fn throttle_keeps_a_bounded_number_of_entries() {
        let mut throttle = Throttle { path: None, entries: None };
        let day = Duration::from_secs(86_400);
        for i in 0..2 * MAX_THROTTLE_ENTRIES as u64 {
            assert!(throttle.admit(format!("{i:032x}"), day, 1_000 + i));
        }
        let entries = throttle.entries.as_ref().unwrap();
        assert_eq!(entries.len(), MAX_THROTTLE_ENTRIES);
        let json = serde_json::to_vec(&ThrottleFile { entries: entries.clone() }).unwrap();
        assert!((json.len() as u64) < store::MAX_FILE_BYTES / 2, "{} bytes", json.len());
        assert!(!throttle.admit(format!("{:032x}", 2 * MAX_THROTTLE_ENTRIES - 1), day, 5_000), "the newest stay");
    }

    #[test]
    fn throttle_survives_the_process_through_its_file() {
        let dir = std::env::temp_dir().join(format!("tc-throttle-{}", std::process::id()));
        let path = dir.join(store::THROTTLE_FILE_NAME);
        let hour = Duration::from_secs(3_600);
        assert!(Throttle { path: Some(path.clone()), entries: None }.admit("k".into(), hour, 10));
        assert!(!Throttle { path: Some(path.clone()), entries: None }.admit("k".into(), hour, 20));
        assert!(Throttle { path: Some(path), entries: None }.admit("k".into(), hour, 10 + 3_600));
        let _ = std::fs::remove_dir_all(dir);
    }
}
