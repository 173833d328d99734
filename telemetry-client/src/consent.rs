//! Consent: whether telemetry is on, and which source decided.

use std::fmt;

use telemetry_schema::{ConsentDefault, DO_NOT_TRACK, Product};

use crate::env::{self, Env};

/// Which source decided whether telemetry is on. Sources are consulted in the order of the variants; the first
/// that has an opinion decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConsentSource {
    /// The host set it in code ([`ClientBuilder::enabled`](crate::ClientBuilder::enabled)), like a
    /// `telemetry: false` option in a configuration file.
    Code,
    /// `<PREFIX>_TELEMETRY_DISABLED` is `1`, `true` or `yes`.
    EnvDisabled,
    /// `DO_NOT_TRACK` is `1`, `true` or `yes` (<https://consoledonottrack.com>).
    DoNotTrack,
    /// The program is a test run (cargo-nextest, or a `cargo test` binary); only code can switch it on there.
    TestRunner,
    /// The user's saved choice (`<cli> telemetry enable|disable`).
    Persisted,
    /// The product is opt-in and `<PREFIX>_TELEMETRY` is `1`, `true` or `yes`.
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
            ConsentSource::TestRunner => "this is a test run; telemetry is off in tests".to_owned(),
            ConsentSource::Persisted => format!("you {choice} it (saved choice)"),
            ConsentSource::EnvEnabled => format!("{} is set", product.enabled_var()),
            ConsentSource::ProductDefault => match product.consent_default {
                ConsentDefault::OptOut => format!("{} collects anonymous usage data unless you opt out", product.name),
                ConsentDefault::OptIn => format!("{} collects nothing unless you opt in", product.name),
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
            ConsentSource::TestRunner => "test run",
            ConsentSource::Persisted => "saved choice",
            ConsentSource::EnvEnabled => "environment (opt-in variable)",
            ConsentSource::ProductDefault => "product default",
        })
    }
}

/// Resolves consent in the documented order. `persisted` is called only if no earlier source decided, so the
/// environment switches are read before any file is touched.
pub(crate) fn resolve(
    product: &Product,
    env: &dyn Env,
    code: Option<bool>,
    persisted: impl FnOnce() -> Option<bool>,
) -> Consent {
    let decided = |enabled, source| Consent { enabled, source };
    if let Some(enabled) = code {
        return decided(enabled, ConsentSource::Code);
    }
    if env::flag(env, &product.disabled_var()) {
        return decided(false, ConsentSource::EnvDisabled);
    }
    if env::flag(env, DO_NOT_TRACK) {
        return decided(false, ConsentSource::DoNotTrack);
    }
    if env::is_test_runner(env) {
        return decided(false, ConsentSource::TestRunner);
    }
    if let Some(enabled) = persisted() {
        return decided(enabled, ConsentSource::Persisted);
    }
    match product.consent_default {
        ConsentDefault::OptOut => decided(true, ConsentSource::ProductDefault),
        ConsentDefault::OptIn if env::flag(env, &product.enabled_var()) => decided(true, ConsentSource::EnvEnabled),
        ConsentDefault::OptIn => decided(false, ConsentSource::ProductDefault),
    }
}
