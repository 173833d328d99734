//! Any opt-out wins over any opt-in: every opt-out source (code, `<PREFIX>_TELEMETRY_DISABLED`, `DO_NOT_TRACK`,
//! a saved `disable`, a settings file that cannot be read) against every opt-in source (code, the opt-in
//! variable, a saved `enable`, the product's default), on both kinds of product. Each case must leave the client
//! off and inert, say which opt-out decided, leave the settings file as it was, and never hang.

mod support;

use std::fs;
use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use support::{Captured, OPT_IN, OPT_OUT, TempDir};
use telemetry_client::{Client, MapEnv, MemoryTransport, SETTINGS_FILE_NAME};
use telemetry_schema::{DO_NOT_TRACK, Product};

/// A settings file that cannot be read as settings. Each one must turn telemetry off (fail closed).
#[derive(Debug, Clone, Copy)]
enum Unreadable {
    /// Truncated JSON.
    Corrupt,
    /// Binary junk.
    Binary,
    /// JSON, but not an object.
    NotAnObject,
    /// An object whose `enabled` is not a boolean.
    WrongType,
    /// `enabled` twice, a `disable` first (a hand edit that added it above the old line): readers disagree on
    /// which one counts (serde_json, Python and JavaScript keep the last), so it may hold a `disable`.
    RepeatedKey,
    /// A saved `enable`, preceded by 1 MiB of spaces: valid JSON, but larger than the 64 KiB the client reads.
    Oversize,
    /// A directory where the file should be.
    Directory,
    /// A named pipe: opening it for reading blocks until a writer comes (forever).
    #[cfg(unix)]
    Fifo,
    /// A symbolic link to a named pipe.
    #[cfg(unix)]
    SymlinkToFifo,
}

const UNREADABLE: &[Unreadable] = &[
    Unreadable::Corrupt,
    Unreadable::Binary,
    Unreadable::NotAnObject,
    Unreadable::WrongType,
    Unreadable::RepeatedKey,
    Unreadable::Oversize,
    Unreadable::Directory,
    #[cfg(unix)]
    Unreadable::Fifo,
    #[cfg(unix)]
    Unreadable::SymlinkToFifo,
];

impl Unreadable {
    fn plant(self, path: &Path) {
        match self {
            Unreadable::Corrupt => fs::write(path, "{\"enabled\": tr").unwrap(),
            Unreadable::Binary => fs::write(path, b"\0\x01\xffnot json").unwrap(),
            Unreadable::NotAnObject => fs::write(path, "[true]").unwrap(),
            Unreadable::WrongType => fs::write(path, r#"{"enabled":"no thanks"}"#).unwrap(),
            Unreadable::RepeatedKey => fs::write(path, "{\"enabled\": false,\n \"enabled\": true}").unwrap(),
            Unreadable::Oversize => {
                let mut text = " ".repeat(1 << 20);
                text.push_str(r#"{"enabled":true}"#);
                fs::write(path, text).unwrap();
            }
            Unreadable::Directory => fs::create_dir(path).unwrap(),
            #[cfg(unix)]
            Unreadable::Fifo => support::mkfifo(path),
            #[cfg(unix)]
            Unreadable::SymlinkToFifo => {
                let target = path.with_file_name("pipe");
                support::mkfifo(&target);
                std::os::unix::fs::symlink(&target, path).unwrap();
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum OptOut {
    Code,
    DisabledVar(&'static str),
    DoNotTrack(&'static str),
    SavedDisable,
    File(Unreadable),
}

impl OptOut {
    /// The `ConsentSource` that must be reported, by its variant name.
    fn source(self) -> &'static str {
        match self {
            OptOut::Code => "Code",
            OptOut::DisabledVar(_) => "EnvDisabled",
            OptOut::DoNotTrack(_) => "DoNotTrack",
            OptOut::SavedDisable => "Persisted",
            OptOut::File(_) => "SettingsUnreadable",
        }
    }

    fn uses_file(self) -> bool {
        matches!(self, OptOut::SavedDisable | OptOut::File(_))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OptIn {
    Code,
    /// `<PREFIX>_TELEMETRY=1` (it counts for opt-in products).
    EnabledVar,
    SavedEnable,
    /// Nothing but the product's default (on for the opt-out product).
    Default,
}

const OPT_INS: &[OptIn] = &[OptIn::Code, OptIn::EnabledVar, OptIn::SavedEnable, OptIn::Default];

fn opt_outs() -> Vec<OptOut> {
    let mut all = vec![
        OptOut::Code,
        OptOut::DisabledVar("1"),
        OptOut::DisabledVar("on"),
        OptOut::DoNotTrack("1"),
        OptOut::DoNotTrack("on"),
        OptOut::DoNotTrack("Enabled"),
        OptOut::SavedDisable,
    ];
    all.extend(UNREADABLE.iter().map(|&file| OptOut::File(file)));
    all
}

struct Observed {
    enabled: bool,
    source: String,
    delivering: bool,
    has_header: bool,
    status_enabled: bool,
}

/// Sets up one case in `dir`: the environment and code setting it needs, and the settings file it plants.
fn plant(product: &'static Product, opt_out: OptOut, opt_in: OptIn, dir: &Path) -> (MapEnv, Option<bool>) {
    let mut env = MapEnv::new();
    let mut code = None;
    match opt_out {
        OptOut::Code => code = Some(false),
        OptOut::DisabledVar(value) => env = env.with(product.disabled_var(), value),
        OptOut::DoNotTrack(value) => env = env.with(DO_NOT_TRACK, value),
        OptOut::SavedDisable => fs::write(dir.join(SETTINGS_FILE_NAME), r#"{"enabled":false}"#).unwrap(),
        OptOut::File(file) => file.plant(&dir.join(SETTINGS_FILE_NAME)),
    }
    match opt_in {
        OptIn::Code => code = Some(true),
        OptIn::EnabledVar => env = env.with(product.enabled_var(), "1"),
        OptIn::SavedEnable => fs::write(dir.join(SETTINGS_FILE_NAME), r#"{"enabled":true}"#).unwrap(),
        OptIn::Default => {}
    }
    (env, code)
}

/// Builds a client for one case on a separate thread, so that a case that hangs is reported, not waited for.
fn observe(product: &'static Product, env: MapEnv, code: Option<bool>, dir: &Path) -> Option<Observed> {
    let dir = dir.to_path_buf();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut builder = Client::builder(product)
            .env(env)
            .config_dir(&dir)
            .transport(MemoryTransport::new())
            .stderr(Captured::default());
        if let Some(code) = code {
            builder = builder.enabled(code);
        }
        let client = builder.build();
        let consent = client.consent();
        let status = client.status();
        let _ = tx.send(Observed {
            enabled: consent.enabled,
            source: format!("{:?}", consent.source),
            delivering: client.is_enabled(),
            has_header: client.header().is_some(),
            status_enabled: status.consent.enabled,
        });
    });
    rx.recv_timeout(Duration::from_secs(5)).ok()
}

/// A snapshot of everything under `dir`: paths with their bytes (regular files only), to show nothing changed.
fn snapshot(dir: &TempDir) -> Vec<(std::path::PathBuf, Option<Vec<u8>>)> {
    let mut entries: Vec<_> = dir
        .entries()
        .into_iter()
        .map(|path| {
            let bytes = fs::symlink_metadata(&path).ok().filter(|m| m.is_file()).and_then(|_| fs::read(&path).ok());
            (path, bytes)
        })
        .collect();
    entries.sort();
    entries
}

#[test]
fn every_opt_out_beats_every_opt_in() {
    let mut failures = Vec::new();
    let mut cases = 0;
    for product in [&OPT_OUT, &OPT_IN] {
        for opt_out in opt_outs() {
            for &opt_in in OPT_INS {
                if opt_out.uses_file() && opt_in == OptIn::SavedEnable
                    || matches!(opt_out, OptOut::Code) && opt_in == OptIn::Code
                {
                    continue; // one file, one code setting
                }
                cases += 1;
                let case = format!("{} / {opt_out:?} against {opt_in:?}", product.sdk_name());
                let dir = TempDir::new("wins");
                let (env, code) = plant(product, opt_out, opt_in, dir.path());
                let before = snapshot(&dir);
                let observed = observe(product, env, code, dir.path());
                let Some(seen) = observed else {
                    failures.push(format!("{case}: building the client hangs"));
                    continue;
                };
                let mut wrong = Vec::new();
                if seen.enabled || seen.delivering || seen.status_enabled {
                    wrong.push(format!(
                        "telemetry is on (consent {}, delivering {}, status {})",
                        seen.enabled, seen.delivering, seen.status_enabled
                    ));
                }
                if seen.source != opt_out.source() {
                    wrong.push(format!("decided by {}, not {}", seen.source, opt_out.source()));
                }
                if seen.has_header {
                    wrong.push("an id exists".to_owned());
                }
                if snapshot(&dir) != before {
                    wrong.push("the settings directory changed".to_owned());
                }
                if !wrong.is_empty() {
                    failures.push(format!("{case}: {}", wrong.join("; ")));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} cases let telemetry on or hang:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn opt_out_variables_count_for_any_value_but_empty_0_false_no_off() {
    const OPTING_OUT: &[&str] = &["1", "true", "TRUE", "yes", "on", "ON", " 1 ", "2", "y", "anything"];
    const NOT_OPTING_OUT: &[&str] = &["", "  ", "0", " 0 ", "false", "FALSE", "no", "No", "off", "OFF"];
    let mut failures = Vec::new();
    for var in [OPT_OUT.disabled_var(), DO_NOT_TRACK.to_owned()] {
        for (values, off) in [(OPTING_OUT, true), (NOT_OPTING_OUT, false)] {
            for value in values {
                let dir = TempDir::new("values");
                let client = Client::builder(&OPT_OUT)
                    .env(MapEnv::new().with(var.clone(), *value))
                    .config_dir(dir.path())
                    .transport(MemoryTransport::new())
                    .stderr(Captured::default())
                    .build();
                if client.consent().enabled == off {
                    failures.push(format!("{var}={value:?} should turn telemetry {}", if off { "off" } else { "on" }));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
