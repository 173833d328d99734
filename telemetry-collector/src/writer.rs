//! The single writer: a bounded queue of prepared batches in front of one thread that owns the store and
//! commits whatever is waiting in one transaction (group commit).
//!
//! A request handler [`submit`](WriterHandle::submit)s its batch and waits for the commit's outcome; when the
//! queue is full it does not wait at all, and the client is told to come back (503 + `Retry-After`).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Instant;

use tokio::sync::{mpsc, oneshot};

use crate::metrics::Metrics;
use crate::store::{CommitOutcome, PreparedBatch, Store, StoreError};

type Reply = oneshot::Sender<Result<CommitOutcome, StoreError>>;

/// Why a batch was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitError {
    /// The queue is full: the store is not keeping up.
    Full,
    /// The writer has stopped (shutting down).
    Closed,
}

/// The handlers' side of the queue. Cheap to clone.
#[derive(Debug, Clone)]
pub struct WriterHandle {
    tx: mpsc::Sender<(PreparedBatch, Reply)>,
    metrics: Arc<Metrics>,
    healthy: Arc<AtomicBool>,
}

impl WriterHandle {
    /// Queues a batch; the receiver yields the commit's outcome.
    ///
    /// # Errors
    /// When the queue is full or the writer has stopped.
    pub fn submit(
        &self,
        batch: PreparedBatch,
    ) -> Result<oneshot::Receiver<Result<CommitOutcome, StoreError>>, SubmitError> {
        let (reply, outcome) = oneshot::channel();
        match self.tx.try_send((batch, reply)) {
            Ok(()) => {
                self.metrics.queue_depth.fetch_add(1, Ordering::Relaxed);
                Ok(outcome)
            }
            Err(mpsc::error::TrySendError::Full(_)) => Err(SubmitError::Full),
            Err(mpsc::error::TrySendError::Closed(_)) => Err(SubmitError::Closed),
        }
    }

    /// Whether the last commit succeeded and the writer thread is still there to commit the next (a thread that
    /// panicked closes the queue: every batch would be answered 503 from then on).
    pub fn healthy(&self) -> bool {
        self.healthy.load(Ordering::Relaxed) && !self.tx.is_closed()
    }
}

/// Starts the writer thread. It stops once every [`WriterHandle`] is dropped and the queue is empty.
pub fn spawn(
    mut store: Box<dyn Store>,
    capacity: usize,
    max_group: usize,
    metrics: Arc<Metrics>,
) -> std::io::Result<(WriterHandle, JoinHandle<()>)> {
    let (tx, mut rx) = mpsc::channel::<(PreparedBatch, Reply)>(capacity.max(1));
    let healthy = Arc::new(AtomicBool::new(true));
    let handle = WriterHandle { tx, metrics: Arc::clone(&metrics), healthy: Arc::clone(&healthy) };
    let thread = std::thread::Builder::new().name("telemetry-store-writer".into()).spawn(move || {
        let mut batches = Vec::with_capacity(max_group);
        let mut replies = Vec::with_capacity(max_group);
        while let Some((batch, reply)) = rx.blocking_recv() {
            batches.push(batch);
            replies.push(reply);
            while batches.len() < max_group.max(1) {
                match rx.try_recv() {
                    Ok((batch, reply)) => {
                        batches.push(batch);
                        replies.push(reply);
                    }
                    Err(_) => break,
                }
            }
            metrics.queue_depth.fetch_sub(batches.len() as u64, Ordering::Relaxed);
            let started = Instant::now();
            let result = store.commit(&batches);
            metrics.commit(started.elapsed(), result.is_ok());
            match result {
                Ok(outcomes) => {
                    if !healthy.swap(true, Ordering::Relaxed) {
                        tracing::info!("store recovered");
                    }
                    for (reply, outcome) in replies.drain(..).zip(outcomes) {
                        let _ = reply.send(Ok(outcome));
                    }
                }
                Err(error) => {
                    if healthy.swap(false, Ordering::Relaxed) {
                        tracing::error!(%error, batches = batches.len(), "store commit failed; answering 503");
                    }
                    for reply in replies.drain(..) {
                        let _ = reply.send(Err(error.clone()));
                    }
                }
            }
            replies.clear();
            batches.clear();
        }
        tracing::info!("store writer stopped: queue drained");
    })?;
    Ok((handle, thread))
}
