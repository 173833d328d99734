//! `/metrics` in the Prometheus text format, from atomics: no registry, no labels from input (every label value
//! is from a closed set), so the number of series is fixed.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use crate::validate::Reason;

/// Upper bounds of the store-latency histogram, in seconds.
const LATENCY_BUCKETS: [f64; 12] = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 5.0];

/// What a request ended as, for `telemetry_collector_requests_total{outcome=…}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A batch committed (2xx).
    Stored,
    /// A batch stored before (2xx).
    Duplicate,
    /// A body that is not a batch, committed to quarantine (400).
    NotABatch,
    /// Refused before reading as a batch: too large, bad gzip, encoding, timeout (4xx).
    Refused,
    /// The queue was full (503).
    Overloaded,
    /// The store failed (503).
    StoreDown,
}

const OUTCOMES: [(Outcome, &str); 6] = [
    (Outcome::Stored, "stored"),
    (Outcome::Duplicate, "duplicate"),
    (Outcome::NotABatch, "not_a_batch"),
    (Outcome::Refused, "refused"),
    (Outcome::Overloaded, "overloaded"),
    (Outcome::StoreDown, "store_down"),
];

/// The collector's counters. Shared by the handlers and the writer.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: [AtomicU64; 6],
    events_stored: AtomicU64,
    quarantined: [AtomicU64; Reason::ALL.len()],
    duplicates: AtomicU64,
    commit_buckets: [AtomicU64; LATENCY_BUCKETS.len()],
    commit_count: AtomicU64,
    commit_micros: AtomicU64,
    commit_failures: AtomicU64,
    /// Batches waiting for the writer.
    pub queue_depth: AtomicU64,
}

impl Metrics {
    /// Counts a request's outcome.
    pub fn request(&self, outcome: Outcome) {
        if let Some(index) = OUTCOMES.iter().position(|(o, _)| *o == outcome) {
            self.requests[index].fetch_add(1, Relaxed);
        }
        if outcome == Outcome::Duplicate {
            self.duplicates.fetch_add(1, Relaxed);
        }
    }

    /// Counts events stored in their tables.
    pub fn stored(&self, events: usize) {
        self.events_stored.fetch_add(events as u64, Relaxed);
    }

    /// Counts one quarantined row.
    pub fn quarantined(&self, reason: Reason) {
        self.quarantined[reason.index()].fetch_add(1, Relaxed);
    }

    /// Records one group commit's duration, and whether it failed.
    pub fn commit(&self, took: Duration, ok: bool) {
        let seconds = took.as_secs_f64();
        for (bucket, bound) in self.commit_buckets.iter().zip(LATENCY_BUCKETS) {
            if seconds <= bound {
                bucket.fetch_add(1, Relaxed);
            }
        }
        self.commit_count.fetch_add(1, Relaxed);
        self.commit_micros.fetch_add(took.as_micros() as u64, Relaxed);
        if !ok {
            self.commit_failures.fetch_add(1, Relaxed);
        }
    }

    /// The request count of one outcome (for tests).
    pub fn requests(&self, outcome: Outcome) -> u64 {
        OUTCOMES.iter().position(|(o, _)| *o == outcome).map_or(0, |index| self.requests[index].load(Relaxed))
    }

    /// The text `/metrics` answers.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        out.push_str("# HELP telemetry_collector_requests_total Batch requests by outcome.\n");
        out.push_str("# TYPE telemetry_collector_requests_total counter\n");
        for ((_, label), count) in OUTCOMES.iter().zip(&self.requests) {
            let _ = writeln!(out, "telemetry_collector_requests_total{{outcome=\"{label}\"}} {}", count.load(Relaxed));
        }
        let batches = self.requests(Outcome::Stored);
        let _ = write!(
            out,
            "# HELP telemetry_collector_batches_total Batches committed (not counting duplicates).\n\
             # TYPE telemetry_collector_batches_total counter\ntelemetry_collector_batches_total {batches}\n\
             # HELP telemetry_collector_duplicate_batches_total Batches whose batch_id was already stored.\n\
             # TYPE telemetry_collector_duplicate_batches_total counter\n\
             telemetry_collector_duplicate_batches_total {}\n\
             # HELP telemetry_collector_events_stored_total Events stored in their tables.\n\
             # TYPE telemetry_collector_events_stored_total counter\ntelemetry_collector_events_stored_total {}\n",
            self.duplicates.load(Relaxed),
            self.events_stored.load(Relaxed),
        );
        out.push_str("# HELP telemetry_collector_quarantined_total Rows put in quarantine, by reason.\n");
        out.push_str("# TYPE telemetry_collector_quarantined_total counter\n");
        for (reason, count) in Reason::ALL.iter().zip(&self.quarantined) {
            let _ = writeln!(
                out,
                "telemetry_collector_quarantined_total{{reason=\"{}\"}} {}",
                reason.label(),
                count.load(Relaxed)
            );
        }
        out.push_str("# HELP telemetry_collector_store_commit_seconds Time of one group commit.\n");
        out.push_str("# TYPE telemetry_collector_store_commit_seconds histogram\n");
        for (bucket, bound) in self.commit_buckets.iter().zip(LATENCY_BUCKETS) {
            let _ = writeln!(
                out,
                "telemetry_collector_store_commit_seconds_bucket{{le=\"{bound}\"}} {}",
                bucket.load(Relaxed)
            );
        }
        let count = self.commit_count.load(Relaxed);
        let _ = write!(
            out,
            "telemetry_collector_store_commit_seconds_bucket{{le=\"+Inf\"}} {count}\n\
             telemetry_collector_store_commit_seconds_sum {}\n\
             telemetry_collector_store_commit_seconds_count {count}\n\
             # HELP telemetry_collector_store_failures_total Group commits that failed.\n\
             # TYPE telemetry_collector_store_failures_total counter\n\
             telemetry_collector_store_failures_total {}\n\
             # HELP telemetry_collector_queue_depth Batches waiting for the writer.\n\
             # TYPE telemetry_collector_queue_depth gauge\ntelemetry_collector_queue_depth {}\n",
            self.commit_micros.load(Relaxed) as f64 / 1e6,
            self.commit_failures.load(Relaxed),
            self.queue_depth.load(Relaxed),
        );
        out
    }
}
