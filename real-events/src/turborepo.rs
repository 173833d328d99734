//! Turborepo: the `generic` events of one `turbo run`.
//!
//! Sources in vercel/turborepo: `crates/turborepo-telemetry/src/events/generic.rs` (the builder and its
//! `track_*` methods), `crates/turborepo-telemetry/src/events/mod.rs` (`TrackedErrors`, the failures sent under
//! the `error` key), `crates/turborepo-vercel-api/src/telemetry.rs` (the wire form: one `{"generic": {"id",
//! "key", "value", "parent_id"}}` object per key), `crates/turborepo-lib/src/cli/mod.rs` and
//! `crates/turborepo-lib/src/run/builder.rs` (which keys a run tracks). A run sends about ten such objects, each
//! a key and a string value, linked by random UUIDs; the port sends one event when the run ends, with a field
//! per key. Of the 12 fields (10 keys and the two ids), 8 are ported directly (`id`, `execution`, `error`,
//! `turbo_version`, `is_linked`, `ci`, `run_type`, `daemon_status`), 1 with an acceptable loss
//! (`remote_cache_url`), 2 move to the toolkit's envelope (`platform`, `cpu_count`) and 1 is dropped
//! (`parent_id`).

use std::collections::BTreeSet;

use telemetry_schema::{FlowId, TelemetryEnum, TelemetryEvent, TelemetryGroup, Version};

/// A failure turbo itself tracks (`TrackedErrors` in `turborepo-telemetry`), by the name it sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
pub enum TrackedError {
    /// The daemon could not mark a task's outputs as cached.
    #[telemetry(rename = "daemon/failed_to_mark_outputs_as_cached")]
    DaemonFailedToMarkOutputsAsCached,
    /// The daemon's check before restoring outputs failed.
    #[telemetry(rename = "daemon/skip_output_restore_check_failed")]
    DaemonSkipOutputRestoreCheckFailed,
    /// A task calls turbo recursively.
    #[telemetry(rename = "recursive_error")]
    RecursiveError,
    /// A task's output could not be flushed.
    #[telemetry(rename = "unable_to_flush_output_client")]
    UnableToFlushOutputClient,
    /// A task's outputs could not be captured for the cache.
    #[telemetry(rename = "failed_to_capture_outputs")]
    FailedToCaptureOutputs,
    /// Reading from the cache failed.
    #[telemetry(rename = "error_fetching_from_cache")]
    ErrorFetchingFromCache,
    /// A task's output could not be piped.
    #[telemetry(rename = "failed_to_pipe_outputs")]
    FailedToPipeOutputs,
    /// A task's process ended in a way turbo does not know.
    #[telemetry(rename = "unknown_child_exit")]
    UnknownChildExit,
    /// Package discovery reported a package that does not exist.
    #[telemetry(rename = "invalid_package_discovery")]
    InvalidPackageDiscovery,
}

/// What is known about a failed run.
#[derive(Debug, Clone, Default, TelemetryGroup)]
pub struct RunFailure {
    /// The failures turbo tracked during the run. Ported directly: the original sends each as an `error` key.
    pub errors: BTreeSet<TrackedError>,
}

/// How the run ended.
#[derive(Debug, Clone, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum Execution {
    /// Every task succeeded.
    Succeeded,
    /// A task or turbo itself failed.
    Failed(RunFailure),
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
    /// How the run ended, and for a failed run the failures turbo tracked. Ported directly: the original sends
    /// `execution` `started` first, `succeeded` or `failed` last and each tracked failure as an `error` key; the
    /// port is sent once, at the end, with the failures in the `failed` case.
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
/// remote cache that failed after turbo could not capture a task's outputs. Its `run_id` is new on every call.
pub fn example() -> TurboRun {
    TurboRun {
        run_id: FlowId::new(),
        execution: Execution::Failed(RunFailure { errors: BTreeSet::from([TrackedError::FailedToCaptureOutputs]) }),
        turbo_version: Version::parse_lenient("2.3.4-canary.2"),
        is_linked: true,
        remote_cache: Some(RemoteCache::from_api_url("https://turbo-cache.acme.example")),
        ci: Some(TurboCiVendor::GithubActions),
        run_type: RunType::Full,
        daemon_status: DaemonStatus::Skipped,
    }
}
