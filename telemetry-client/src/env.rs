//! Where the client reads the environment: behind a trait, so tests (and hosts) can inject it instead of
//! mutating the process environment.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// The environment the client reads: variables, and the path of the running program (to recognise test
/// runners). [`ProcessEnv`] reads the real process; [`MapEnv`] is a fixed map for tests and embedders.
pub trait Env: Send + Sync {
    /// The value of the variable `name`, if it is set.
    fn var(&self, name: &str) -> Option<String>;

    /// The path of the running executable, if known.
    fn current_exe(&self) -> Option<PathBuf> {
        None
    }
}

/// The real process environment (`std::env::var_os`, `std::env::current_exe`). A value that is not valid
/// Unicode is read with its invalid bytes replaced (U+FFFD), so `DO_NOT_TRACK=<any bytes>` still opts out.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var_os(name).map(|value| value.to_string_lossy().into_owned())
    }

    fn current_exe(&self) -> Option<PathBuf> {
        std::env::current_exe().ok()
    }
}

/// A fixed set of variables, for tests and for hosts that decide themselves what the client may see.
///
/// ```
/// use telemetry_client::{Env, MapEnv};
///
/// let env = MapEnv::new().with("ACME_TELEMETRY_DISABLED", "1");
/// assert_eq!(env.var("ACME_TELEMETRY_DISABLED").as_deref(), Some("1"));
/// assert_eq!(env.var("HOME"), None);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapEnv {
    vars: BTreeMap<String, String>,
    exe: Option<PathBuf>,
}

impl MapEnv {
    /// An empty environment: no variables, unknown executable.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a variable.
    #[must_use]
    pub fn with(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.vars.insert(name.into(), value.into());
        self
    }

    /// Sets the path reported as the running executable.
    #[must_use]
    pub fn with_current_exe(mut self, path: impl Into<PathBuf>) -> Self {
        self.exe = Some(path.into());
        self
    }
}

impl Env for MapEnv {
    fn var(&self, name: &str) -> Option<String> {
        self.vars.get(name).cloned()
    }

    fn current_exe(&self) -> Option<PathBuf> {
        self.exe.clone()
    }
}

impl fmt::Debug for dyn Env {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("dyn Env")
    }
}

/// `1`, `true`, `yes` or `on` in any case (surrounding spaces ignored) switch an opt-in flag on (the opt-in and
/// debug variables); anything else does not. Opt-in is strict: a typo never turns telemetry on.
///
/// ```
/// use telemetry_client::is_truthy;
///
/// assert!(is_truthy("1") && is_truthy("TRUE") && is_truthy(" Yes ") && is_truthy("on"));
/// assert!(!is_truthy("0") && !is_truthy("false") && !is_truthy("") && !is_truthy("please"));
/// ```
pub fn is_truthy(value: &str) -> bool {
    let value = value.trim();
    ["1", "true", "yes", "on"].iter().any(|yes| value.eq_ignore_ascii_case(yes))
}

/// Whether the value of an opt-out variable (`<PREFIX>_TELEMETRY_DISABLED`, `DO_NOT_TRACK`) opts out: any value
/// but empty, `0`, `false`, `no` or `off` (in any case, surrounding spaces ignored). Opt-out is generous: whoever
/// sets the variable at all most likely means it.
///
/// ```
/// use telemetry_client::is_opt_out_value;
///
/// assert!(is_opt_out_value("1") && is_opt_out_value("on") && is_opt_out_value("Yes please"));
/// assert!(!is_opt_out_value("") && !is_opt_out_value(" 0 ") && !is_opt_out_value("FALSE"));
/// assert!(!is_opt_out_value("no") && !is_opt_out_value("Off"));
/// ```
pub fn is_opt_out_value(value: &str) -> bool {
    let value = value.trim();
    !(value.is_empty() || ["0", "false", "no", "off"].iter().any(|no| value.eq_ignore_ascii_case(no)))
}

/// An opt-in flag: set to a [truthy](is_truthy) value.
pub(crate) fn flag(env: &dyn Env, name: &str) -> bool {
    env.var(name).is_some_and(|v| is_truthy(&v))
}

/// An opt-out variable: set to a value that [opts out](is_opt_out_value).
pub(crate) fn opted_out(env: &dyn Env, name: &str) -> bool {
    env.var(name).is_some_and(|v| is_opt_out_value(&v))
}

/// Variables set by continuous-integration services. `CI` itself counts unless it says `0` or `false`.
const CI_VARS: &[&str] = &[
    "BUILD_NUMBER",
    "BUILDKITE",
    "CIRCLECI",
    "CODEBUILD_BUILD_ID",
    "CONTINUOUS_INTEGRATION",
    "GITHUB_ACTIONS",
    "GITLAB_CI",
    "JENKINS_URL",
    "RUN_ID",
    "TEAMCITY_VERSION",
    "TF_BUILD",
    "TRAVIS",
];

/// Whether the environment looks like a continuous-integration run.
pub fn is_ci(env: &dyn Env) -> bool {
    if let Some(ci) = env.var("CI") {
        let ci = ci.trim();
        return !(ci.is_empty() || ci == "0" || ci.eq_ignore_ascii_case("false"));
    }
    CI_VARS.iter().any(|name| env.var(name).is_some_and(|v| !v.is_empty()))
}

/// Whether the program is a test run: under cargo-nextest, or a test binary that `cargo test` placed in a
/// `deps` directory (`target/debug/deps/my_tests-1a2b…`). Telemetry is off there unless set in code.
pub fn is_test_runner(env: &dyn Env) -> bool {
    if env.var("NEXTEST").is_some() || env.var("NEXTEST_RUN_ID").is_some() {
        return true;
    }
    env.current_exe()
        .as_deref()
        .and_then(|exe| exe.parent())
        .and_then(|dir| dir.file_name())
        .is_some_and(|name| name == "deps")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_is_detected_from_ci_and_service_variables() {
        assert!(!is_ci(&MapEnv::new()));
        assert!(is_ci(&MapEnv::new().with("CI", "true")));
        assert!(is_ci(&MapEnv::new().with("CI", "1")));
        assert!(!is_ci(&MapEnv::new().with("CI", "false")));
        assert!(!is_ci(&MapEnv::new().with("CI", "0").with("GITHUB_ACTIONS", "true")));
        assert!(is_ci(&MapEnv::new().with("GITHUB_ACTIONS", "true")));
        assert!(!is_ci(&MapEnv::new().with("GITHUB_ACTIONS", "")));
    }

    #[test]
    fn test_binaries_in_a_deps_directory_are_test_runs() {
        assert!(is_test_runner(&MapEnv::new().with_current_exe("/p/target/debug/deps/ui-0123456789abcdef")));
        assert!(!is_test_runner(&MapEnv::new().with_current_exe("/p/target/release/acme")));
        assert!(is_test_runner(&MapEnv::new().with("NEXTEST", "1")));
        assert!(!is_test_runner(&MapEnv::new()));
    }
}
