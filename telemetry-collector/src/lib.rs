//! `telemetry-collector`: the ingest server of the telemetry toolkit.
//!
//! It reads only the `schemas/` folder docs-gen writes (never an SDK's Rust types), so an SDK in any language
//! can use it. For every `POST /v1/batch`:
//!
//! 1. the body is read within limits (size as sent, size after gzip, time), or refused with 413/408/400;
//! 2. the batch (`{"batch_id": …, "events": […]}`) is read without parsing its envelopes, and each envelope is
//!    validated against the bundle, which holds every archived event version ([`ingest`]);
//! 3. valid events become rows of their event version's table, one typed column per field ([`model`],
//!    [`ddl`]); rejected events, and bodies that are not batches, become `quarantine` rows with their problems;
//! 4. one writer thread commits whatever is queued in one transaction ([`writer`], [`store`]); the request is
//!    answered 2xx only after that commit, 503 with `Retry-After` when the queue is full or the store fails;
//! 5. a `batch_id` already in the `batches` table is not stored again.
//!
//! Nothing about the client is stored or logged: not its address, not its user agent, no header; the received
//! time is stored rounded (one hour by default).

pub mod config;
pub mod coverage;
pub mod ddl;
pub mod ingest;
pub mod metrics;
pub mod model;
pub mod report;
pub mod server;
pub mod store;
pub mod validate;
pub mod writer;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use tokio::net::TcpListener;
use tokio::sync::Semaphore;

pub use config::Config;

use crate::ingest::{Ingest, IngestLimits};
use crate::metrics::Metrics;
use crate::model::Model;
use crate::server::AppState;
use crate::store::sqlite::{SqliteOptions, SqliteStore};
use crate::store::{Store, StoreUrl};
use crate::validate::Validator;

/// The collector could not start.
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StartError {}

/// Reads `DIR/bundle.json`: the validator and the tables.
///
/// # Errors
/// When the file is missing or not a bundle the toolkit wrote.
pub fn load_schemas(dir: &std::path::Path) -> Result<(Validator, Model), StartError> {
    let path = dir.join("bundle.json");
    let bytes = std::fs::read(&path).map_err(|error| {
        StartError(format!(
            "cannot read {}: {error}; pass --schemas DIR, the folder `cargo run -p docs-gen` writes",
            path.display()
        ))
    })?;
    let bundle: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|error| StartError(format!("{} is not JSON: {error}", path.display())))?;
    let validator =
        Validator::from_bundle(&bundle).map_err(|error| StartError(format!("{}: {error}", path.display())))?;
    let model = Model::from_bundle(&bundle).map_err(|error| StartError(format!("{}: {error}", path.display())))?;
    Ok((validator, model))
}

/// Opens the store a URL names.
///
/// # Errors
/// When it cannot be opened.
pub fn open_store(url: &StoreUrl, config: &Config) -> Result<Box<dyn Store>, StartError> {
    match url {
        StoreUrl::Sqlite(path) => {
            let options =
                SqliteOptions { synchronous: config.sqlite_synchronous, busy_timeout: config.sqlite_busy_timeout };
            let store = SqliteStore::open(path, options).map_err(|error| StartError(error.to_string()))?;
            Ok(Box::new(store))
        }
        StoreUrl::Postgres(url) => {
            let store = store::postgres::PostgresStore::connect(url).map_err(|error| StartError(error.to_string()))?;
            Ok(Box::new(store))
        }
        StoreUrl::Clickhouse(url) => {
            let store = store::clickhouse::ClickhouseStore::new(url).map_err(|error| StartError(error.to_string()))?;
            Ok(Box::new(store))
        }
    }
}

/// A collector bound to its address, with its store open and migrated; [`Collector::serve`] runs it.
#[derive(Debug)]
pub struct Collector {
    listener: TcpListener,
    state: Arc<AppState>,
    writer: JoinHandle<()>,
}

impl Collector {
    /// Loads the schemas, opens and migrates the store, starts the writer and binds the address.
    ///
    /// # Errors
    /// When any of these fails; the message says what to do.
    pub async fn bind(config: Config) -> Result<Self, StartError> {
        let (validator, model) = load_schemas(&config.schemas)?;
        // Blocking work (the PostgreSQL client runs its own runtime, which cannot start inside this one).
        let (store, changes) = {
            let config = config.clone();
            let model = model.clone();
            tokio::task::spawn_blocking(move || {
                let mut store = open_store(&config.store, &config)?;
                let changes = store.migrate(&model).map_err(|error| StartError(error.to_string()))?;
                Ok::<_, StartError>((store, changes))
            })
            .await
            .map_err(|error| StartError(format!("opening the store panicked: {error}")))??
        };
        for change in &changes {
            tracing::info!(change = change.as_str(), "store migrated");
        }
        let metrics = Arc::new(Metrics::default());
        let (writer, thread) = writer::spawn(store, config.queue_capacity, config.max_group, Arc::clone(&metrics))
            .map_err(|error| StartError(format!("cannot start the writer thread: {error}")))?;
        let limits = IngestLimits {
            max_body_bytes: config.max_body_bytes,
            max_decompressed_bytes: config.max_decompressed_bytes,
            max_batch_events: config.max_batch_events,
            max_envelope_bytes: config.max_envelope_bytes,
            quarantine_bytes: config.quarantine_bytes,
            ..IngestLimits::default()
        };
        let tables = model.tables.len();
        let ingest = Ingest::new(validator, model, limits);
        let listener = TcpListener::bind(config.listen)
            .await
            .map_err(|error| StartError(format!("cannot listen on {}: {error}", config.listen)))?;
        let state = Arc::new(AppState {
            ingest,
            writer,
            metrics,
            in_flight: Arc::new(Semaphore::new(config.max_in_flight.max(1))),
            body_bytes: Arc::new(Semaphore::new(
                config.max_in_flight.max(1).saturating_mul(config.max_body_bytes).min(Semaphore::MAX_PERMITS),
            )),
            config,
        });
        tracing::info!(
            listen = %server::describe(listener.local_addr().map_err(|e| StartError(e.to_string()))?),
            schemas = %state.config.schemas.display(),
            tables,
            "collector ready"
        );
        Ok(Self { listener, state, writer: thread })
    }

    /// The bound address (useful with `--listen 127.0.0.1:0`).
    ///
    /// # Errors
    /// When the operating system cannot say (not in practice for a bound listener).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The counters.
    pub fn metrics(&self) -> Arc<Metrics> {
        Arc::clone(&self.state.metrics)
    }

    /// Serves until `shutdown` resolves; then finishes in-flight requests, commits what is queued and returns.
    pub async fn serve(self, shutdown: impl Future<Output = ()>) {
        let Self { listener, state, writer } = self;
        let config = state.config.clone();
        server::serve(listener, server::router(state), &config, shutdown).await;
        // Every handle to the queue is gone with the router: the writer drains it and stops.
        let _ = tokio::task::spawn_blocking(move || writer.join()).await;
        tracing::info!("collector stopped");
    }
}
