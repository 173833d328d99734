//! The telemetry runtime: consent, the persisted choice, debug mode, the envelope, sampling and dedup, and
//! bounded background delivery that never slows the host.
//!
//! Build one [`Client`] per process from the SDK's `const` [`Product`](telemetry_schema::Product), keep its
//! [`FlushGuard`] alive in `main`, and [`track`](Client::track) events:
//!
//! ```no_run
//! use telemetry_client::Client;
//! # use telemetry_schema::{Product, TelemetryEvent};
//! # const PRODUCT: Product = Product::builder("Acme", "acme", telemetry_schema::version!("1.0.0"))
//! #     .env_prefix("ACME").opt_out().endpoint("https://t.example/v1").purpose("Why.")
//! #     .cli_command("acme telemetry").build();
//! # /// Sent when a build finishes.
//! # #[derive(TelemetryEvent)]
//! # struct BuildFinished {
//! #     /// Pages built.
//! #     pages: u32,
//! # }
//!
//! fn main() {
//!     let telemetry = Client::builder(&PRODUCT).project_root(std::env::current_dir().unwrap()).build();
//!     let _guard = telemetry.flush_guard(); // on return: flush for at most 80 ms, then stop
//!     // ... the real work ...
//!     telemetry.track(BuildFinished { pages: 14 });
//! }
//! ```
//!
//! # Consent: any opt-out wins
//! Each of these turns telemetry off, whatever else says on:
//! 1. the host's own setting off ([`ClientBuilder::enabled`]`(false)`);
//! 2. `<PREFIX>_TELEMETRY_DISABLED` or `DO_NOT_TRACK` set to any value but empty, `0`, `false`, `no` or `off`
//!    (any case, surrounding spaces ignored; see [`is_opt_out_value`]);
//! 3. the product's config switch ([`Product::config_switch`](telemetry_schema::Product::config_switch)) in the
//!    project's configuration file (in [`ClientBuilder::project_root`], else the current directory), read by the
//!    client itself before any other file: `false`, any value but `true`, or a file that cannot be read or
//!    parsed (read like the settings file: never waiting, a regular file of at most 64 KiB);
//! 4. the user's saved `disable` (`<cli> telemetry disable`), kept in a JSON file in the platform configuration
//!    directory (`$XDG_CONFIG_HOME/<sdk>/telemetry.json` on Linux);
//! 5. a settings file that exists but cannot be read as settings (not valid JSON, not a regular file, larger
//!    than 64 KiB): it might hold a `disable`, so it fails closed until the user fixes or replaces it.
//!
//! Only when none applies do the opt-ins and defaults count, first that applies:
//! 1. the host's own setting on ([`ClientBuilder::enabled`]`(true)`): it overrides the defaults below, never an
//!    opt-out;
//! 2. test runs (cargo-nextest, `cargo test` binaries) are off;
//! 3. the user's saved `enable`;
//! 4. the product's default: on for opt-out products (with a one-time notice on stderr, in CI too), off for
//!    opt-in products unless `<PREFIX>_TELEMETRY` is `1`, `true`, `yes` or `on`.
//!
//! [`Client::status`] says which of these decided. When telemetry is off the client is inert: it creates no
//! id, file, directory, thread or socket, and `track` returns at once. The settings file is written only by
//! `enable`/`disable` and by the first run's bookkeeping (install id, notice shown), each under a lock and after
//! re-reading the file, and it is read without trusting what is at its path ([`read_small_file`]).
//!
//! # Debug mode
//! `<PREFIX>_TELEMETRY_DEBUG=1` prints every tracked event to stderr as `[telemetry] <envelope JSON>`, exactly
//! as it would be sent, and sends nothing. It works while telemetry is disabled, with throwaway in-memory ids,
//! so anyone can audit what a program would send. Debug lines show every tracked event: sampling and dedup
//! decide only what is *sent*.
//!
//! # Delivery
//! `track` pushes onto a bounded queue (full: the event is dropped and counted). One background thread
//! batches by size or time and POSTs `{"batch_id":"<random>","events":[...]}` to the product's endpoint (or
//! `<PREFIX>_TELEMETRY_ENDPOINT`) with connect and total timeouts and one retry after a backoff. The
//! [`Transport`] trait has HTTP, NDJSON-file and in-memory implementations. No process is ever spawned.
//!
//! # Cargo features
//! - `cli` (default): the [`cli`] module, a mountable clap `telemetry status|enable|disable` subcommand.
//! - `tls` (default): HTTPS delivery through rustls (ring), trusting Mozilla's root certificates, bundled
//!   (webpki-roots), or the CA certificates given to [`ClientBuilder::root_certificates_pem`] for a self-hosted
//!   collector. Built without it, an enabled client facing an `https://` endpoint prints a warning on stderr at
//!   start-up, `status` says it cannot send anything, and it stays inert.
//! - `gzip`: compress batch bodies (`Content-Encoding: gzip`).
//!
//! # Never hurting the host
//! Nothing here panics into the caller, blocks it beyond a fixed budget, or grows without bound. Environment
//! reading goes through the [`Env`] trait and paths are injectable, so tests use [`MapEnv`] and temp dirs.

// docs.rs (which sets `docsrs`) marks what each feature adds.
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "cli")]
pub mod cli;

// The README's snippets are compiled and run as doc tests of this crate.
#[cfg(all(doctest, feature = "cli"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
mod client;
mod consent;
mod delivery;
mod env;
mod ids;
mod project;
mod store;
mod transport;

pub use client::{Client, ClientBuilder, DEFAULT_FLUSH_BUDGET, FlushGuard, Status, first_run_notice};
pub use consent::{Consent, ConsentSource};
pub use delivery::{DeliveryStats, FlushOutcome};
pub use env::{Env, MapEnv, ProcessEnv, is_ci, is_opt_out_value, is_test_runner, is_truthy};
pub use store::{
    LOCK_FILE_NAME, MAX_FILE_BYTES, SETTINGS_FILE_NAME, SaveError, THROTTLE_FILE_NAME, platform_config_dir,
    read_small_file,
};
pub use transport::{
    Batch, HttpOptions, HttpTransport, MemoryTransport, NdjsonFileTransport, Transport, TransportError,
};
