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
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
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
    /// Requests being read and validated.
    pub in_flight: Arc<Semaphore>,
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

async fn batch(State(state): State<Arc<AppState>>, headers: HeaderMap, body: Body) -> Response {
    let Ok(_permit) = Arc::clone(&state.in_flight).try_acquire_owned() else {
        return unavailable(&state, Outcome::Overloaded, "overloaded", "too many requests at once; retry later");
    };
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
    let read = tokio::time::timeout(state.config.body_timeout, Limited::new(body, limits.max_body_bytes).collect());
    let bytes = match read.await {
        Ok(Ok(collected)) => collected.to_bytes(),
        Ok(Err(error)) if error.downcast_ref::<LengthLimitError>().is_some() => {
            let message = BodyError::TooLarge { what: "body", limit: limits.max_body_bytes }.to_string();
            return refused(&state, StatusCode::PAYLOAD_TOO_LARGE, "too_large", message);
        }
        Ok(Err(_)) => {
            return refused(&state, StatusCode::BAD_REQUEST, "body_read", "the body could not be read".into());
        }
        Err(_) => {
            let message = format!("the body took longer than {:?} to arrive", state.config.body_timeout);
            return refused(&state, StatusCode::REQUEST_TIMEOUT, "body_timeout", message);
        }
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
