//! Turborepo: the `generic` events of one `turbo run`.
//!
//! Sources in vercel/turborepo: `crates/turborepo-telemetry/src/events/generic.rs` (the builder and its
//! `track_*` methods), `crates/turborepo-vercel-api/src/telemetry.rs` (the wire form: one `{"generic": {"id",
//! "key", "value", "parent_id"}}` object per key), `crates/turborepo-lib/src/cli/mod.rs` and
//! `crates/turborepo-lib/src/run/builder.rs` (which keys a run tracks). A run sends about ten such objects, each
//! a key and a string value, linked by random UUIDs; the port sends one event when the run ends, with a field
//! per key. Of the 11 fields (9 keys and the two ids), 6 are ported directly (`id`, `execution`,
//! `turbo_version`, `is_linked`, `run_type`, `daemon_status`), 2 with an acceptable loss (`remote_cache_url`,
//! `ci`), 2 move to the toolkit's envelope (`platform`, `cpu_count`) and 1 is dropped (`parent_id`).

use telemetry_schema::{FlowId, TelemetryEnum, TelemetryEvent, Version};

/// How the run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum Execution {
    /// Every task succeeded.
    Succeeded,
    /// A task or turbo itself failed.
    Failed,
}

/// Which remote cache the run uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
pub enum RemoteCache {
    /// Vercel's (`https://vercel.com/api`).
    Vercel,
    /// Any other server.
    SelfHosted,
}

impl RemoteCache {
    /// Which kind of remote cache `api_url` is; the URL itself goes no further.
    pub fn from_api_url(api_url: &str) -> Self {
        if api_url == "https://vercel.com/api" { Self::Vercel } else { Self::SelfHosted }
    }
}

telemetry_schema::telemetry_enum_from_list! {
    /// A CI service `turborepo-ci` recognises (`lists/turborepo_ci_vendors.txt`).
    pub enum TurboCiVendor = "../lists/turborepo_ci_vendors.txt";
}

/// Whether the run executes its tasks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum RunType {
    /// Tasks run.
    Full,
    /// `--dry`: nothing runs.
    Dry,
}

/// What became of the daemon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum DaemonStatus {
    /// Not used in this context (for example in CI).
    Skipped,
    /// Started.
    Started,
    /// It failed to start.
    Failed,
    /// Turned off by the user.
    Disabled,
}

/// Sent when `turbo run` ends, with how it went and how the repository is set up. Dropped from the original:
/// `parent_id`, which links a run's key/value events to the command's (the port sends one event). The platform
/// and the CPU count are sent by the envelope.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(name = "TURBO_RUN", version = 1)]
pub struct TurboRun {
    /// The run's random id, drawn when the run starts. Ported directly: the original's `id` is a fresh random
    /// UUID per run too; it lets per-task events (Turborepo's `task` events, not ported here) name their run.
    pub run_id: FlowId,
    /// How the run ended. Ported directly: the original sends `execution` `started` first and `succeeded` or
    /// `failed` last; the port is sent once, at the end.
    pub execution: Execution,
    /// The turbo version. Ported directly.
    pub turbo_version: Option<Version>,
    /// Whether the repository is linked to a Vercel team. Ported directly.
    pub is_linked: bool,
    /// The remote cache, when linked. Acceptable loss: the original sends Vercel's URL as is and any other URL
    /// hashed with a salt kept on the machine, which still tells servers apart; the port only says which kind.
    pub remote_cache: Option<RemoteCache>,
    /// The CI service, when one is detected. Ported directly: the list holds every service `turborepo-ci`
    /// recognises, spelled `github-actions` where the original sends `GitHub Actions`.
    pub ci: Option<TurboCiVendor>,
    /// Whether it was a dry run. Ported directly.
    pub run_type: RunType,
    /// What became of the daemon. Ported directly.
    pub daemon_status: DaemonStatus,
}

/// The original's example (`README.md`, "Real events"), ported: a run in GitHub Actions against a self-hosted
/// remote cache. Its `run_id` is new on every call.
pub fn example() -> TurboRun {
    TurboRun {
        run_id: FlowId::new(),
        execution: Execution::Succeeded,
        turbo_version: Version::parse_lenient("2.3.4-canary.2"),
        is_linked: true,
        remote_cache: Some(RemoteCache::from_api_url("https://turbo-cache.acme.example")),
        ci: Some(TurboCiVendor::GithubActions),
        run_type: RunType::Full,
        daemon_status: DaemonStatus::Skipped,
    }
}
