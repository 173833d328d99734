//! SST: `cli.start`, sent by the `sst` CLI each time it starts.
//!
//! Sources in sst/sst: `cmd/sst/main.go` (the event: `"args": os.Args[1:]`) and `pkg/telemetry/telemetry.go`
//! (the properties added to every event, sent to PostHog). Of its 10 properties, 2 are ported directly
//! (`sst_version`, `ci_name`), 1 with an acceptable loss (`args`, reduced to its command and flag names), 5 move
//! to the toolkit's envelope (`system_platform`, `system_architecture`, `cpu_count`, `session_id`, and `user_id`,
//! which becomes the envelope's random install id) and 2 are dropped (`project_id`, `memory_total`).

use std::collections::BTreeSet;

use telemetry_schema::{TelemetryEnum, TelemetryEvent, Version};

/// An `sst` command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum SstCommand {
    /// `sst add`: add a provider.
    Add,
    /// `sst cert`: trust the local certificate.
    Cert,
    /// `sst deploy`.
    Deploy,
    /// `sst dev`.
    Dev,
    /// `sst diff`.
    Diff,
    /// `sst init`.
    Init,
    /// `sst install`.
    Install,
    /// `sst refresh`.
    Refresh,
    /// `sst remove`.
    Remove,
    /// `sst secret` (`set`, `list`, `load`, `remove`).
    Secret,
    /// `sst shell`.
    Shell,
    /// `sst state`.
    State,
    /// `sst telemetry`.
    Telemetry,
    /// `sst tunnel`.
    Tunnel,
    /// `sst unlock`.
    Unlock,
    /// `sst upgrade`.
    Upgrade,
    /// `sst version`.
    Version,
}

impl SstCommand {
    /// The command named `word`, or `None`.
    pub fn from_word(word: &str) -> Option<Self> {
        Some(match word {
            "add" => Self::Add,
            "cert" => Self::Cert,
            "deploy" => Self::Deploy,
            "dev" => Self::Dev,
            "diff" => Self::Diff,
            "init" => Self::Init,
            "install" => Self::Install,
            "refresh" => Self::Refresh,
            "remove" => Self::Remove,
            "secret" => Self::Secret,
            "shell" => Self::Shell,
            "state" => Self::State,
            "telemetry" => Self::Telemetry,
            "tunnel" => Self::Tunnel,
            "unlock" => Self::Unlock,
            "upgrade" => Self::Upgrade,
            "version" => Self::Version,
            _ => return None,
        })
    }
}

/// A flag of the `sst` CLI, by name only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
pub enum SstFlag {
    /// `--stage`.
    Stage,
    /// `--verbose`.
    Verbose,
    /// `--print-logs`.
    PrintLogs,
    /// `--target`.
    Target,
    /// `--continue`.
    Continue,
    /// `--dev`.
    Dev,
    /// `--yes`.
    Yes,
    /// `--help`.
    Help,
}

impl SstFlag {
    /// The flag `arg` is (`--stage`, `--stage=prod`), or `None` for a value or an unknown flag.
    pub fn from_arg(arg: &str) -> Option<Self> {
        let name = arg.strip_prefix("--")?;
        Some(match name.split_once('=').map_or(name, |(name, _value)| name) {
            "stage" => Self::Stage,
            "verbose" => Self::Verbose,
            "print-logs" => Self::PrintLogs,
            "target" => Self::Target,
            "continue" => Self::Continue,
            "dev" => Self::Dev,
            "yes" => Self::Yes,
            "help" => Self::Help,
            _ => return None,
        })
    }
}

/// The CI service, as SST detects it from one variable each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
pub enum SstCiName {
    /// GitHub Actions (`GITHUB_ACTIONS`).
    GithubActions,
    /// GitLab CI (`GITLAB_CI`).
    GitlabCi,
    /// CircleCI (`CIRCLECI`).
    Circleci,
    /// Jenkins (`JENKINS_URL`).
    Jenkins,
    /// Travis CI (`TRAVIS`).
    TravisCi,
}

/// Sent each time the `sst` CLI starts, with the command and the names of the flags it was given. Dropped
/// from the original: the values in `args` (the arguments after the command, verbatim: `sst secret set NAME
/// VALUE` sent the secret's name and value, and stage names and paths appear there too), `project_id` (the
/// hash of the repository's first commit, the same on every clone, which finds a public repository) and
/// `memory_total` (the bytes the Go runtime had allocated so far, not the machine's memory). The platform,
/// architecture, CPU count and session id are sent by the toolkit's envelope, and the user id is its random
/// install id.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(name = "cli.start", version = 1)]
pub struct CliStart {
    /// The command, when the first argument names one. Acceptable loss: the original sends every argument.
    pub command: Option<SstCommand>,
    /// The names of the known flags among the arguments. Acceptable loss: the original sends the flags with
    /// their values (`--stage=jane`).
    pub flags: BTreeSet<SstFlag>,
    /// The version of the CLI; nothing for a development build (`dev`) or when unknown. Ported directly.
    pub sst_version: Option<Version>,
    /// The CI service, when one is detected. Ported directly, spelled `github-actions` rather than
    /// `GitHub Actions`.
    pub ci_name: Option<SstCiName>,
}

impl CliStart {
    /// What the port keeps of `os.Args[1:]`: the command the first argument names and the known flags.
    /// Everything else, values included, is left behind.
    pub fn from_args(args: &[&str], sst_version: &str, ci_name: Option<SstCiName>) -> Self {
        Self {
            command: args.first().and_then(|word| SstCommand::from_word(word)),
            flags: args.iter().filter_map(|arg| SstFlag::from_arg(arg)).collect(),
            sst_version: Version::parse_lenient(sst_version),
            ci_name,
        }
    }
}

/// The original's example (`README.md`, "Real events"), ported: `sst secret set DatabasePassword
/// correct-horse-battery-staple --stage=production` on a laptop.
pub fn example() -> CliStart {
    CliStart::from_args(
        &["secret", "set", "DatabasePassword", "correct-horse-battery-staple", "--stage=production"],
        "3.3.7",
        None,
    )
}
