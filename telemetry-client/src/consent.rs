//! Consent: whether telemetry is on, and which source decided.

use std::fmt;

use telemetry_schema::{ConsentDefault, DO_NOT_TRACK, Product};

use crate::env::{self, Env};

/// Which source decided whether telemetry is on.
///
/// Any opt-out wins: the opt-outs ([`Code`](Self::Code) off, [`EnvDisabled`](Self::EnvDisabled),
/// [`DoNotTrack`](Self::DoNotTrack), [`ProjectConfig`](Self::ProjectConfig), [`Persisted`](Self::Persisted) `disable`,
/// [`SettingsUnreadable`](Self::SettingsUnreadable)) are consulted first, in that order, and the first that
/// applies decides. Only when none applies do the opt-ins and defaults count: [`Code`](Self::Code) on, then
/// [`TestRunner`](Self::TestRunner) (off), a [`Persisted`](Self::Persisted) `enable`,
/// [`EnvEnabled`](Self::EnvEnabled), and last [`ProductDefault`](Self::ProductDefault).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConsentSource {
    /// The host set it in code ([`ClientBuilder::enabled`](crate::ClientBuilder::enabled)), like a
    /// `telemetry: false` option in a configuration file. Off wins over everything; on overrides only the
    /// defaults (a test run, no saved choice, the product's default), never an opt-out.
    Code,
    /// `<PREFIX>_TELEMETRY_DISABLED` is set to any value but empty, `0`, `false`, `no` or `off`.
    EnvDisabled,
    /// `DO_NOT_TRACK` is set to any value but empty, `0`, `false`, `no` or `off` (<https://consoledonottrack.com>).
    DoNotTrack,
    /// The project's configuration file turns telemetry off: the product's config switch
    /// ([`Product::config_switch`]) is `false` (or not a boolean) there, or the file exists but cannot be read or
    /// parsed.
    ProjectConfig,
    /// The program is a test run (cargo-nextest, or a `cargo test` binary); only code can switch it on there.
    TestRunner,
    /// The user's saved choice (`<cli> telemetry enable|disable`).
    Persisted,
    /// The settings file exists but cannot be read as settings (not valid JSON, a key twice, not a regular file, larger
    /// than 64 KiB, no permission): telemetry stays off until it is fixed, since it may hold a `disable`.
    SettingsUnreadable,
    /// The product is opt-in and `<PREFIX>_TELEMETRY` is `1`, `true`, `yes` or `on`.
    EnvEnabled,
    /// Nobody decided: the product's default ([`Product::consent_default`]).
    ProductDefault,
}

/// Whether telemetry is on, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Consent {
    /// Whether events may be sent.
    pub enabled: bool,
    /// Which source decided.
    pub source: ConsentSource,
}

impl Consent {
    /// Whether telemetry is on only because of the product's opt-out default: the case that calls for the
    /// first-run notice.
    pub fn is_enabled_by_default(&self) -> bool {
        self.enabled && self.source == ConsentSource::ProductDefault
    }

    /// One sentence that says why telemetry is on or off, naming the variable or file that decided.
    pub fn reason(&self, product: &Product) -> String {
        let choice = if self.enabled { "enabled" } else { "disabled" };
        match self.source {
            ConsentSource::Code => format!("{choice} by the program's own configuration"),
            ConsentSource::EnvDisabled => format!("{} is set", product.disabled_var()),
            ConsentSource::DoNotTrack => format!("{DO_NOT_TRACK} is set"),
            ConsentSource::ProjectConfig => match product.config_switch() {
                Some(switch) => format!("the project's {} turns it off", switch.file()),
                None => "the project's configuration turns it off".to_owned(),
            },
            ConsentSource::TestRunner => "this is a test run; telemetry is off in tests".to_owned(),
            ConsentSource::Persisted => format!("you {choice} it (saved choice)"),
            ConsentSource::SettingsUnreadable => "the settings file cannot be read, so telemetry stays off".to_owned(),
            ConsentSource::EnvEnabled => format!("{} is set", product.enabled_var()),
            ConsentSource::ProductDefault => match product.consent_default() {
                ConsentDefault::OptOut => {
                    format!("{} collects usage data unless you opt out", product.name())
                }
                ConsentDefault::OptIn => format!("{} collects nothing unless you opt in", product.name()),
            },
        }
    }
}

impl fmt::Display for ConsentSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ConsentSource::Code => "code",
            ConsentSource::EnvDisabled => "environment (disabled variable)",
            ConsentSource::DoNotTrack => "environment (DO_NOT_TRACK)",
            ConsentSource::ProjectConfig => "project configuration file",
            ConsentSource::TestRunner => "test run",
            ConsentSource::Persisted => "saved choice",
            ConsentSource::SettingsUnreadable => "unreadable settings file",
            ConsentSource::EnvEnabled => "environment (opt-in variable)",
            ConsentSource::ProductDefault => "product default",
        })
    }
}

/// What the settings file says about the user's choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SavedChoice {
    /// No file, or a file without a choice.
    None,
    Enabled,
    Disabled,
    /// A file that cannot be read as settings: it might hold a `disable`, so it counts as one.
    Unreadable,
}

/// Resolves consent: every opt-out first (any one decides), then the opt-ins and defaults. `project_off` (whether
/// the project's configuration file turns telemetry off) is called only if the code setting and the
/// environment's opt-outs leave the question open, and `saved` only after it, so no file is touched when the
/// environment decides and the project's file is read before the settings file.
pub(crate) fn resolve(
    product: &Product,
    env: &dyn Env,
    code: Option<bool>,
    project_off: impl FnOnce() -> bool,
    saved: impl FnOnce() -> SavedChoice,
) -> Consent {
    let decided = |enabled, source| Consent { enabled, source };
    // Opt-outs: whatever else says on.
    if code == Some(false) {
        return decided(false, ConsentSource::Code);
    }
    if env::opted_out(env, &product.disabled_var()) {
        return decided(false, ConsentSource::EnvDisabled);
    }
    if env::opted_out(env, DO_NOT_TRACK) {
        return decided(false, ConsentSource::DoNotTrack);
    }
    if project_off() {
        return decided(false, ConsentSource::ProjectConfig);
    }
    let saved = saved();
    match saved {
        SavedChoice::Disabled => return decided(false, ConsentSource::Persisted),
        SavedChoice::Unreadable => return decided(false, ConsentSource::SettingsUnreadable),
        SavedChoice::None | SavedChoice::Enabled => {}
    }
    // Nobody opted out: opt-ins and defaults, code first.
    if code == Some(true) {
        return decided(true, ConsentSource::Code);
    }
    if env::is_test_runner(env) {
        return decided(false, ConsentSource::TestRunner);
    }
    if saved == SavedChoice::Enabled {
        return decided(true, ConsentSource::Persisted);
    }
    match product.consent_default() {
        ConsentDefault::OptOut => decided(true, ConsentSource::ProductDefault),
        ConsentDefault::OptIn if env::flag(env, &product.enabled_var()) => decided(true, ConsentSource::EnvEnabled),
        ConsentDefault::OptIn => decided(false, ConsentSource::ProductDefault),
    }
}
