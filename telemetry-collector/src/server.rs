//! The HTTP side: `POST /v1/batch`, `/healthz`, `/metrics`, and the accept loop with its limits and graceful
//! shutdown.
//!
//! Privacy at ingest: the peer address returned by `accept` is dropped unread, and the handler reads three
//! headers (`Content-Length`, `Content-Encoding`, nothing else but the method and path), so nothing about the
//! client can reach a log line or a table.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http_body_util::BodyExt as _;
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;

use crate::config::Config;
use crate::ingest::{BodyError, Ingest};
use crate::metrics::{Metrics, Outcome};
use crate::store::CommitOutcome;
use crate::validate::Reason;
use crate::writer::{SubmitError, WriterHandle};

/// What the handlers share.
#[derive(Debug)]
pub struct AppState {
    /// Bodies to rows.
    pub ingest: Ingest,
    /// The queue to the store.
    pub writer: WriterHandle,
    /// Counters.
    pub metrics: Arc<Metrics>,
    /// Requests being decompressed, validated and committed (taken once the body has arrived).
    pub in_flight: Arc<Semaphore>,
    /// Bytes of bodies being read, shared by every request: `--max-in-flight` × `--max-body-bytes`.
    pub body_bytes: Arc<Semaphore>,
    /// Settings.
    pub config: Config,
}

/// The routes.
pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/v1/batch", post(batch))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .with_state(state)
}

fn json_response(status: StatusCode, body: &Value) -> Response {
    (status, [(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body.to_string()).into_response()
}

fn unavailable(state: &AppState, outcome: Outcome, error: &str, message: &str) -> Response {
    state.metrics.request(outcome);
    let mut response = json_response(StatusCode::SERVICE_UNAVAILABLE, &json!({"error": error, "message": message}));
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(state.config.retry_after));
    response
}

fn refused(state: &AppState, status: StatusCode, error: &str, message: String) -> Response {
    state.metrics.request(Outcome::Refused);
    json_response(status, &json!({"error": error, "message": message}))
}

/// The received time, rounded down to the configured granularity.
fn received_at(granularity: Duration) -> i64 {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_secs();
    let step = granularity.as_secs().max(1);
    i64::try_from(now - now % step).unwrap_or(i64::MAX)
}

/// The first second of a body is not held to `--min-body-rate` (a connection's first packets, TCP slow start).
pub const MIN_BODY_RATE_GRACE: Duration = Duration::from_secs(1);

/// Takes `bytes` of the byte budget, in pieces a semaphore call can take.
fn take_budget(budget: &Arc<Semaphore>, held: &mut Option<OwnedSemaphorePermit>, bytes: usize) -> bool {
    let mut left = bytes;
    while left > 0 {
        let piece = left.min(u32::MAX as usize);
        let Ok(permit) = Arc::clone(budget).try_acquire_many_owned(piece as u32) else {
            return false;
        };
        match held {
            Some(held) => held.merge(permit),
            None => *held = Some(permit),
        }
        left -= piece;
    }
    true
}

/// Reads a body as it arrives: each chunk takes its size from the shared byte budget (so memory stays bounded
/// by `--max-in-flight` × `--max-body-bytes` while a slow body holds only what it has sent), within
/// `--body-timeout` in all and at `--min-body-rate` on average after [`MIN_BODY_RATE_GRACE`]. The permit returned
/// holds the body's bytes of the budget.
async fn read_body(state: &AppState, mut body: Body) -> Result<(Vec<u8>, Option<OwnedSemaphorePermit>), Response> {
    let limits = state.ingest.limits();
    let start = tokio::time::Instant::now();
    let total_deadline = start + state.config.body_timeout;
    let rate = state.config.min_body_rate;
    let mut bytes = Vec::new();
    let mut held = None;
    loop {
        // The time by which the next chunk must arrive for the average rate to stay at `rate` or above.
        let rate_deadline = (rate > 0).then(|| {
            let allowed = Duration::from_secs_f64((bytes.len() as f64 + 1.0) / rate as f64);
            start + MIN_BODY_RATE_GRACE + allowed
        });
        let deadline = rate_deadline.map_or(total_deadline, |at| at.min(total_deadline));
        let frame = match tokio::time::timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => frame,
            Ok(None) => return Ok((bytes, held)),
            Ok(Some(Err(_))) => {
                return Err(refused(state, StatusCode::BAD_REQUEST, "body_read", "the body could not be read".into()));
            }
            Err(_) if deadline < total_deadline => {
                let message = format!(
                    "the body arrived slower than {rate} bytes per second (--min-body-rate; {} bytes in {:.1} s);                      send it at once",
                    bytes.len(),
                    start.elapsed().as_secs_f64()
                );
                return Err(refused(state, StatusCode::REQUEST_TIMEOUT, "body_too_slow", message));
            }
            Err(_) => {
                let message = format!(
                    "the body took longer than {:?} to arrive (--body-timeout; {} bytes received)",
                    state.config.body_timeout,
                    bytes.len()
                );
                return Err(refused(state, StatusCode::REQUEST_TIMEOUT, "body_timeout", message));
            }
        };
        let Ok(chunk) = frame.into_data() else { continue };
        if bytes.len() + chunk.len() > limits.max_body_bytes {
            let message = BodyError::TooLarge { what: "body", limit: limits.max_body_bytes }.to_string();
            return Err(refused(state, StatusCode::PAYLOAD_TOO_LARGE, "too_large", message));
        }
        if !take_budget(&state.body_bytes, &mut held, chunk.len()) {
            let message = "too many bodies arriving at once; retry later";
            return Err(unavailable(state, Outcome::Overloaded, "overloaded", message));
        }
        bytes.extend_from_slice(&chunk);
    }
}

async fn batch(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Body) -> Response {
    let limits = state.ingest.limits();
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limits.max_body_bytes as u64) {
        let message = BodyError::TooLarge { what: "body", limit: limits.max_body_bytes }.to_string();
        return refused(&state, StatusCode::PAYLOAD_TOO_LARGE, "too_large", message);
    }
    // Every Content-Encoding field: two fields are one comma-separated list (RFC 9110 5.3), so a body
    // encoded twice is refused whether the client says so in one field or in two.
    let encodings: Vec<&str> =
        headers.get_all(header::CONTENT_ENCODING).iter().map(|value| value.to_str().unwrap_or("(not text)")).collect();
    let encoding = (!encodings.is_empty()).then(|| encodings.join(", "));
    let (bytes, _body_permit) = match read_body(&state, body).await {
        Ok(read) => read,
        Err(response) => return response,
    };
    // Only a body that has fully arrived takes one of the `--max-in-flight` slots (decompression and
    // validation): a client that trickles its body holds none, so a few slow clients cannot shut out the rest.
    let Ok(_permit) = Arc::clone(&state.in_flight).try_acquire_owned() else {
        return unavailable(&state, Outcome::Overloaded, "overloaded", "too many requests at once; retry later");
    };
    let prepared = match state.ingest.decode(encoding.as_deref(), &bytes) {
        Ok(decoded) => state.ingest.prepare(&decoded, received_at(state.config.time_granularity)),
        Err(error) => {
            let (status, code) = match error {
                BodyError::TooLarge { .. } => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
                BodyError::BadGzip(_) => (StatusCode::BAD_REQUEST, "bad_gzip"),
                BodyError::UnsupportedEncoding(_) => (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_encoding"),
            };
            return refused(&state, status, code, error.to_string());
        }
    };
    drop(bytes);
    let batch_id = prepared.batch.batch_id.clone();
    let reasons = prepared.quarantine_reasons;
    let body_reason = prepared.body_reason;
    let problems = prepared.problems;
    let pending = match state.writer.submit(prepared.batch) {
        Ok(pending) => pending,
        Err(SubmitError::Full) => {
            return unavailable(&state, Outcome::Overloaded, "overloaded", "the store is not keeping up; retry later");
        }
        Err(SubmitError::Closed) => {
            return unavailable(&state, Outcome::StoreDown, "shutting_down", "the collector is stopping");
        }
    };
    let outcome = match pending.await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(_)) | Err(_) => {
            return unavailable(&state, Outcome::StoreDown, "store_unavailable", "the store failed; retry later");
        }
    };
    // Committed: now, and only now, say so.
    match outcome {
        CommitOutcome::Duplicate => {
            state.metrics.request(Outcome::Duplicate);
            // No batch id in logs: with the log's exact time it would undo the rounding of `received_at`.
            tracing::debug!("duplicate batch");
            json_response(StatusCode::OK, &json!({"batch_id": batch_id, "status": "duplicate"}))
        }
        CommitOutcome::Stored { stored, quarantined } => {
            state.metrics.stored(stored);
            for reason in &reasons {
                state.metrics.quarantined(*reason);
            }
            for _ in reasons.len()..quarantined {
                state.metrics.quarantined(Reason::StoreRejected);
            }
            if let Some(reason) = body_reason {
                state.metrics.request(Outcome::NotABatch);
                tracing::debug!(reason = reason.label(), "body quarantined");
                let body = json!({
                    "error": reason.label(),
                    "message": "the body is not a batch; it was kept in quarantine",
                    "problems": problems,
                });
                return json_response(StatusCode::BAD_REQUEST, &body);
            }
            state.metrics.request(Outcome::Stored);
            tracing::debug!(stored, quarantined, "batch stored");
            json_response(
                StatusCode::OK,
                &json!({
                    "batch_id": batch_id,
                    "status": "stored",
                    "stored": stored,
                    "quarantined": quarantined,
                    "problems": problems,
                }),
            )
        }
    }
}

async fn healthz(State(state): State<Arc<AppState>>) -> Response {
    if state.writer.healthy() {
        json_response(StatusCode::OK, &json!({"status": "ok"}))
    } else {
        let mut response = json_response(StatusCode::SERVICE_UNAVAILABLE, &json!({"status": "store_unavailable"}));
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(state.config.retry_after));
        response
    }
}

async fn metrics(State(state): State<Arc<AppState>>) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; version=0.0.4"))], state.metrics.render())
        .into_response()
}

/// Accepts connections until `shutdown` resolves, then lets in-flight requests finish (at most
/// `config.shutdown_timeout`) and closes the rest.
pub async fn serve(listener: TcpListener, app: Router, config: &Config, shutdown: impl Future<Output = ()>) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let connections = Arc::new(Semaphore::new(config.max_connections.max(1)));
    let mut tasks = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let permit = tokio::select! {
            permit = Arc::clone(&connections).acquire_owned() => permit,
            () = &mut shutdown => break,
        };
        let Ok(permit) = permit else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        // The peer's address is dropped here, unread.
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(error) => {
                tracing::warn!(%error, "accept failed");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(config.header_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tasks.spawn(async move {
            let _ = connection.await;
            drop(permit);
        });
        // Reap finished connections so the set stays small.
        while tasks.try_join_next().is_some() {}
    }
    drop(listener);
    tracing::info!("shutting down: no new connections; finishing in-flight requests");
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(config.shutdown_timeout) => {
            tracing::warn!("shutdown timeout: closing the connections still open");
        }
    }
    tasks.shutdown().await;
}

/// The address to print and connect to.
pub fn describe(addr: SocketAddr) -> String {
    format!("http://{addr}/v1/batch")
}
