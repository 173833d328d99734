//! Consent resolution, the persisted choice, the first-run notice, debug mode and the CLI subcommand, with an
//! injected environment and temp dirs (never the real home or process environment).

mod support;

use std::fs;

use serde_json::Value;
use support::{Captured, Counted, OPT_IN, OPT_OUT, TempDir};
use telemetry_client::cli::{self, TelemetryAction};
use telemetry_client::{Client, ConsentSource, MapEnv, MemoryTransport, SETTINGS_FILE_NAME};
use telemetry_schema::{Product, write_envelope};

fn client(product: &'static Product, env: MapEnv, dir: &TempDir, stderr: &Captured) -> Client {
    Client::builder(product)
        .env(env)
        .config_dir(dir.path())
        .transport(MemoryTransport::new())
        .stderr(stderr.clone())
        .is_tty(false)
        .build()
}

fn settings(dir: &TempDir) -> Value {
    let text = fs::read_to_string(dir.path().join(SETTINGS_FILE_NAME)).expect("the settings file exists");
    serde_json::from_str(&text).expect("the settings file is valid JSON")
}

/// name, product, env, code setting, settings file, expected on/off, expected source.
type Case = (
    &'static str,
    &'static Product,
    &'static [(&'static str, &'static str)],
    Option<bool>,
    Option<&'static str>,
    bool,
    ConsentSource,
);

#[test]
fn consent_matrix() {
    use ConsentSource::*;
    const ENABLED: Option<&str> = Some(r#"{"enabled":true}"#);
    const DISABLED: Option<&str> = Some(r#"{"enabled":false}"#);
    const CORRUPT: Option<&str> = Some("{\"enabled\": tr");
    #[rustfmt::skip]
    let cases: &[Case] = &[
        // name                                   product   env                                         code         file      on     decided by
        ("opt-out default",                       &OPT_OUT, &[],                                        None,        None,     true,  ProductDefault),
        ("code off",                              &OPT_OUT, &[],                                        Some(false), None,     false, Code),
        ("env beats code on",                     &OPT_OUT, &[("ACME_TELEMETRY_DISABLED", "1")],        Some(true),  None,     false, EnvDisabled),
        ("code on beats a test run",              &OPT_OUT, &[("NEXTEST", "1")],                        Some(true),  None,     true,  Code),
        ("disabled=1",                            &OPT_OUT, &[("ACME_TELEMETRY_DISABLED", "1")],        None,        None,     false, EnvDisabled),
        ("disabled=TRUE",                         &OPT_OUT, &[("ACME_TELEMETRY_DISABLED", "TRUE")],     None,        None,     false, EnvDisabled),
        ("disabled=Yes",                          &OPT_OUT, &[("ACME_TELEMETRY_DISABLED", "Yes")],      None,        None,     false, EnvDisabled),
        ("disabled=0 is not a switch",            &OPT_OUT, &[("ACME_TELEMETRY_DISABLED", "0")],        None,        None,     true,  ProductDefault),
        ("another product's switch is ignored",   &OPT_OUT, &[("AUTHLY_TELEMETRY_DISABLED", "1")],      None,        None,     true,  ProductDefault),
        ("env beats a saved enable",              &OPT_OUT, &[("ACME_TELEMETRY_DISABLED", "1")],        None,        ENABLED,  false, EnvDisabled),
        ("DO_NOT_TRACK=1",                        &OPT_OUT, &[("DO_NOT_TRACK", "1")],                   None,        None,     false, DoNotTrack),
        ("DO_NOT_TRACK beats a saved enable",     &OPT_OUT, &[("DO_NOT_TRACK", "true")],                None,        ENABLED,  false, DoNotTrack),
        ("DO_NOT_TRACK=0",                        &OPT_OUT, &[("DO_NOT_TRACK", "0")],                   None,        None,     true,  ProductDefault),
        ("nextest run",                           &OPT_OUT, &[("NEXTEST", "1")],                        None,        ENABLED,  false, TestRunner),
        ("saved disable",                         &OPT_OUT, &[],                                        None,        DISABLED, false, Persisted),
        ("saved enable",                          &OPT_OUT, &[],                                        None,        ENABLED,  true,  Persisted),
        ("corrupt file fails closed",             &OPT_OUT, &[],                                        None,        CORRUPT,  false, SettingsUnreadable),
        ("CI still counts",                      &OPT_OUT, &[("CI", "true")],                          None,        None,     true,  ProductDefault),
        ("opt-in default",                        &OPT_IN,  &[],                                        None,        None,     false, ProductDefault),
        ("opt-in with <PREFIX>_TELEMETRY=1",      &OPT_IN,  &[("AUTHLY_TELEMETRY", "1")],               None,        None,     true,  EnvEnabled),
        ("opt-in saved enable",                   &OPT_IN,  &[],                                        None,        ENABLED,  true,  Persisted),
        ("opt-in: saved disable beats env",       &OPT_IN,  &[("AUTHLY_TELEMETRY", "1")],               None,        DISABLED, false, Persisted),
        ("opt-in: disabled beats opt-in var",     &OPT_IN,  &[("AUTHLY_TELEMETRY", "1"), ("AUTHLY_TELEMETRY_DISABLED", "1")], None, None, false, EnvDisabled),
    ];
    for &(name, product, vars, code, file, enabled, source) in cases {
        let dir = TempDir::new("matrix");
        if let Some(content) = file {
            fs::write(dir.path().join(SETTINGS_FILE_NAME), content).unwrap();
        }
        let env = vars.iter().fold(MapEnv::new(), |env, (k, v)| env.with(*k, *v));
        let mut builder = Client::builder(product)
            .env(env)
            .config_dir(dir.path())
            .transport(MemoryTransport::new())
            .stderr(Captured::default());
        if let Some(code) = code {
            builder = builder.enabled(code);
        }
        let client = builder.build();
        let consent = client.consent();
        assert_eq!((consent.enabled, consent.source), (enabled, source), "case {name:?}");
        assert_eq!(client.is_enabled(), enabled, "case {name:?}: the client follows its consent");
        assert_eq!(client.status().consent, consent, "case {name:?}: status says the same");
    }
}

#[test]
fn a_cargo_test_binary_is_a_test_run() {
    let dir = TempDir::new("deps");
    let env = MapEnv::new().with_current_exe("/src/acme/target/debug/deps/integration-3f2a9c1d0e4b5a67");
    let client = client(&OPT_OUT, env, &dir, &Captured::default());
    assert_eq!(client.consent().source, ConsentSource::TestRunner);
    assert!(!client.is_enabled());
}

#[test]
fn first_run_notice_is_shown_once_on_stderr_and_recorded() {
    let dir = TempDir::new("notice");
    let first = Captured::default();
    let _client = client(&OPT_OUT, MapEnv::new(), &dir, &first);
    let notice = first.text();
    // What a privacy reviewer asks of it: the purpose as the product states it, no "anonymous" claim while a
    // persistent id is sent, the id named with where it is kept, and every way out.
    assert!(
        notice.starts_with(
            "Acme sends usage data (telemetry) unless you turn it off.\nAcme collects anonymous usage data.\n"
        ),
        "{notice}"
    );
    let settings_path = dir.path().join(SETTINGS_FILE_NAME);
    assert!(
        notice
            .contains(&format!("a random install id, created on this machine and kept in {}", settings_path.display())),
        "{notice}"
    );
    assert!(!notice.contains("completely anonymous"), "{notice}");
    assert!(notice.contains("run `acme telemetry disable` (it also deletes the install id)"), "{notice}");
    assert!(notice.contains("ACME_TELEMETRY_DISABLED=1 or DO_NOT_TRACK=1"), "{notice}");
    assert!(notice.contains(r#"put `{"telemetry": false}` in acme.config.json for a whole project"#), "{notice}");
    assert!(notice.contains("ACME_TELEMETRY_DEBUG=1"), "{notice}");
    assert!(!notice.contains("project id"), "no project root, no project id: {notice}");
    assert_eq!(settings(&dir)["notice_shown"], true);
    // The choice is still the default's: the notice is not a decision.
    assert_eq!(settings(&dir)["enabled"], Value::Null);

    let second = Captured::default();
    let client = client(&OPT_OUT, MapEnv::new(), &dir, &second);
    assert!(client.is_enabled());
    assert_eq!(second.text(), "", "the notice is shown once");
}

#[test]
fn the_notice_is_shown_in_ci_too_since_events_are_sent_from_ci() {
    let ci = TempDir::new("notice-ci");
    let out = Captured::default();
    assert!(client(&OPT_OUT, MapEnv::new().with("CI", "1"), &ci, &out).is_enabled());
    assert!(out.text().starts_with("Acme sends usage data (telemetry)"), "in the build log: {}", out.text());
}

#[test]
fn the_notice_names_the_project_id_when_one_is_sent() {
    let dir = TempDir::new("notice-project");
    let out = Captured::default();
    let _client = Client::builder(&OPT_OUT)
        .env(MapEnv::new())
        .config_dir(dir.path())
        .project_root(dir.path())
        .transport(MemoryTransport::new())
        .stderr(out.clone())
        .build();
    assert!(out.text().contains("and a project id (a salted hash of the project's directory"), "{}", out.text());
}

#[test]
fn an_sdk_can_replace_the_notice() {
    let dir = TempDir::new("notice-custom");
    let out = Captured::default();
    let client = Client::builder(&OPT_OUT)
        .env(MapEnv::new())
        .config_dir(dir.path())
        .transport(MemoryTransport::new())
        .stderr(out.clone())
        .notice("Acme sends usage data; see https://acme.example/telemetry. Opt out: ACME_TELEMETRY_DISABLED=1.")
        .build();
    assert!(client.is_enabled());
    assert_eq!(
        out.text(),
        "Acme sends usage data; see https://acme.example/telemetry. Opt out: ACME_TELEMETRY_DISABLED=1.\n"
    );
    assert_eq!(settings(&dir)["notice_shown"], true, "shown once, like the default one");
}

#[test]
fn no_notice_when_the_user_chose() {
    let chose = TempDir::new("notice-chose");
    fs::write(chose.path().join(SETTINGS_FILE_NAME), r#"{"enabled":true}"#).unwrap();
    let out = Captured::default();
    assert!(client(&OPT_OUT, MapEnv::new(), &chose, &out).is_enabled());
    assert_eq!(out.text(), "", "no notice when the user enabled it");

    let opted_in = TempDir::new("notice-optin");
    let out = Captured::default();
    assert!(client(&OPT_IN, MapEnv::new().with("AUTHLY_TELEMETRY", "1"), &opted_in, &out).is_enabled());
    assert_eq!(out.text(), "", "no notice when opted in by the variable");
}

#[test]
fn install_id_is_random_stored_and_reused() {
    let dir = TempDir::new("ids");
    let quiet = Captured::default();
    let first = client(&OPT_OUT, MapEnv::new(), &dir, &quiet);
    let second = client(&OPT_OUT, MapEnv::new(), &dir, &quiet);
    let (a, b) = (first.header().unwrap(), second.header().unwrap());
    assert_eq!(a.install_id, b.install_id, "the install id is stored with the choice");
    assert_ne!(a.session_id, b.session_id, "the session id is per process");
    assert_eq!(settings(&dir)["install_id"], a.install_id.to_string());
    assert_eq!(a.project_id, None, "no project id unless the SDK has a project");
}

#[test]
fn project_id_is_salted_locally_and_stable() {
    let dir = TempDir::new("project");
    let other_machine = TempDir::new("project-other");
    let build = |dir: &TempDir| {
        Client::builder(&OPT_OUT)
            .env(MapEnv::new())
            .config_dir(dir.path())
            .transport(MemoryTransport::new())
            .stderr(Captured::default())
            .project_root("/home/jane/shop")
            .build()
    };
    let a = build(&dir).header().unwrap().project_id.expect("a project id");
    let b = build(&dir).header().unwrap().project_id.expect("a project id");
    let c = build(&other_machine).header().unwrap().project_id.expect("a project id");
    assert_eq!(a, b, "stable on one machine");
    assert_ne!(a, c, "another salt, another id: it cannot be found by hashing guessed paths");
    let salt = settings(&dir)["project_salt"].as_str().unwrap().to_owned();
    assert_eq!(salt.len(), 64);
    assert!(!a.to_string().contains(&salt));
}

#[test]
fn disable_saves_the_choice_and_forgets_the_ids() {
    let dir = TempDir::new("disable");
    let client = client(&OPT_OUT, MapEnv::new(), &dir, &Captured::default());
    assert!(settings(&dir)["install_id"].is_string());

    let status = client.disable().expect("the temp dir is writable");
    assert!(!status.is_enabled());
    assert_eq!(status.consent.source, ConsentSource::Persisted);
    let saved = settings(&dir);
    assert_eq!(saved["enabled"], false);
    assert!(saved.get("install_id").is_none(), "the install id is deleted: {saved}");

    let text = status.to_string();
    assert!(text.starts_with("Acme telemetry is disabled."), "{text}");
    assert!(text.contains(&dir.path().join(SETTINGS_FILE_NAME).display().to_string()), "{text}");
    assert!(text.contains("run `acme telemetry enable`"), "{text}");

    let status = client.enable().unwrap();
    assert!(status.is_enabled());
    assert_eq!(settings(&dir)["enabled"], true);
    assert!(
        status.to_string().contains("To turn it off, run `acme telemetry disable`, or set ACME_TELEMETRY_DISABLED=1")
    );
}

#[test]
fn enable_under_an_env_switch_is_saved_and_status_says_the_switch_wins() {
    let dir = TempDir::new("enable-env");
    let client = client(&OPT_OUT, MapEnv::new().with("DO_NOT_TRACK", "1"), &dir, &Captured::default());
    let status = client.enable().unwrap();
    assert_eq!(settings(&dir)["enabled"], true);
    assert!(!status.is_enabled());
    assert_eq!(status.consent.source, ConsentSource::DoNotTrack);
    assert!(status.to_string().contains("To turn it on, unset DO_NOT_TRACK."), "{status}");
}

#[test]
fn a_corrupt_settings_file_fails_closed_is_never_replaced_and_status_says_how_to_fix_it() {
    let dir = TempDir::new("corrupt");
    let path = dir.path().join(SETTINGS_FILE_NAME);
    fs::write(&path, "\0\0not json").unwrap();
    let out = Captured::default();
    let client = client(&OPT_OUT, MapEnv::new(), &dir, &out);
    assert!(!client.is_enabled() && client.header().is_none(), "it may hold a disable: off, no id");
    assert_eq!(client.consent().source, ConsentSource::SettingsUnreadable);
    assert_eq!(out.text(), "", "no notice: nothing is sent");
    assert_eq!(fs::read(&path).unwrap(), b"\0\0not json", "never overwritten with a fresh file");
    assert_eq!(dir.entries(), vec![path.clone()], "nothing else written");

    let status = client.status().to_string();
    assert!(status.starts_with("Acme telemetry is disabled.\n"), "{status}");
    assert!(status.contains("reason:   the settings file cannot be read, so telemetry stays off"), "{status}");
    assert!(status.contains(&format!("settings: {} cannot be read: it is not valid settings JSON", path.display())));
    assert!(
        status.contains("To fix it, delete the settings file, or replace it with your choice: run `acme telemetry disable` (or `acme telemetry enable`)."),
        "{status}"
    );

    // The user's explicit choice replaces it.
    client.disable().unwrap();
    assert_eq!(settings(&dir)["enabled"], false);
    fs::write(&path, "[1,2").unwrap();
    let status = client.enable().unwrap();
    assert_eq!(settings(&dir)["enabled"], true);
    assert!(status.is_enabled(), "{status}");
}

#[test]
fn an_unwritable_config_dir_is_reported_and_never_crashes() {
    let dir = TempDir::new("unwritable");
    // A regular file where the directory should be: unwritable even for root.
    let blocker = dir.path().join("not-a-dir");
    fs::write(&blocker, "").unwrap();
    let config = blocker.join("acme");
    let out = Captured::default();
    let client = Client::builder(&OPT_OUT)
        .env(MapEnv::new())
        .config_dir(&config)
        .transport(MemoryTransport::new())
        .stderr(out.clone())
        .build();
    assert!(client.is_enabled(), "telemetry still works with in-memory ids");
    assert!(client.header().is_some());

    let err = client.disable().unwrap_err();
    let message = err.to_string();
    assert!(message.contains("could not save the telemetry setting to"), "{message}");
    assert!(message.contains(&config.join(SETTINGS_FILE_NAME).display().to_string()), "{message}");
    client.track(Counted { n: 1 });
    assert_eq!(client.stats().accepted, 0, "disable still takes effect for this process");

    let mut text = Vec::new();
    let cli_err = cli::run(&client, TelemetryAction::Disable, &mut text).unwrap_err().to_string();
    assert!(cli_err.contains("set ACME_TELEMETRY_DISABLED=1 (or DO_NOT_TRACK=1) in your shell profile"), "{cli_err}");
    assert!(client.status().to_string().contains("(not created yet)"));
}

#[test]
fn concurrent_enable_and_disable_never_leave_a_corrupt_file() {
    let dir = TempDir::new("concurrent");
    let path = dir.path().join(SETTINGS_FILE_NAME);
    std::thread::scope(|scope| {
        for writer in 0..4 {
            let dir = &dir;
            scope.spawn(move || {
                let client = client(&OPT_OUT, MapEnv::new().with("DO_NOT_TRACK", "1"), dir, &Captured::default());
                for i in 0..60 {
                    let result = if (i + writer) % 2 == 0 { client.enable() } else { client.disable() };
                    result.expect("every write succeeds");
                }
            });
        }
        scope.spawn(|| {
            let mut reads = 0;
            while reads < 400 {
                if let Ok(text) = fs::read_to_string(&path) {
                    let value: Value = serde_json::from_str(&text)
                        .unwrap_or_else(|err| panic!("a reader saw a corrupt file ({err}): {text:?}"));
                    assert!(value["enabled"].is_boolean(), "{value}");
                    reads += 1;
                }
            }
        });
    });
    assert!(settings(&dir)["enabled"].is_boolean());
    let lock = dir.path().join(telemetry_client::LOCK_FILE_NAME);
    let leftovers: Vec<_> = dir.entries().into_iter().filter(|p| p != &path && p != &lock).collect();
    assert!(leftovers.is_empty(), "no temporary files are left behind: {leftovers:?}");
}

#[test]
fn debug_mode_prints_exact_envelopes_and_writes_and_sends_nothing_even_when_disabled() {
    let dir = TempDir::new("debug-off");
    let out = Captured::default();
    let sent = MemoryTransport::new();
    let env = MapEnv::new().with("ACME_TELEMETRY_DEBUG", "1").with("ACME_TELEMETRY_DISABLED", "1");
    let client = Client::builder(&OPT_OUT)
        .env(env)
        .config_dir(dir.path())
        .transport(sent.clone())
        .stderr(out.clone())
        .project_root("/home/jane/shop")
        .build();
    assert!(client.is_debug() && !client.is_enabled());
    client.track(Counted { n: 1 });
    client.track(Counted { n: 2 });
    let _ = client.flush(std::time::Instant::now());

    let header = *client.header().expect("throwaway ids exist in memory");
    let mut expected = String::new();
    for n in [1, 2] {
        expected.push_str("[telemetry] ");
        write_envelope(&mut expected, &header, &Counted { n }).unwrap();
        expected.push('\n');
    }
    assert_eq!(out.text(), expected);
    let first_line = out.text().lines().next().unwrap().to_owned();
    let envelope: Value = serde_json::from_str(first_line.strip_prefix("[telemetry] ").unwrap()).unwrap();
    assert_eq!(envelope["payload"]["n"], 1);
    assert!(envelope["project_id"].is_string());

    assert!(dir.entries().is_empty(), "nothing written: {:?}", dir.entries());
    assert!(sent.batches().is_empty(), "nothing sent");
    assert_eq!(client.stats(), Default::default());
}

#[test]
fn debug_mode_while_enabled_sends_nothing_and_shows_the_stored_install_id() {
    let dir = TempDir::new("debug-on");
    let id = "00112233445566778899aabbccddeeff";
    fs::write(dir.path().join(SETTINGS_FILE_NAME), format!(r#"{{"enabled":true,"install_id":"{id}"}}"#)).unwrap();
    let before = fs::read(dir.path().join(SETTINGS_FILE_NAME)).unwrap();
    let out = Captured::default();
    let sent = MemoryTransport::new();
    let client = Client::builder(&OPT_OUT)
        .env(MapEnv::new().with("ACME_TELEMETRY_DEBUG", "yes"))
        .config_dir(dir.path())
        .transport(sent.clone())
        .stderr(out.clone())
        .build();
    client.track(Counted { n: 7 });
    assert!(out.text().starts_with(r#"[telemetry] {"event":"COUNTED","schema_version":1,"sdk":{"name":"acme","version":"1.4.0"},"toolkit_version":"#));
    assert!(out.text().contains(&format!(r#""install_id":"{id}""#)), "{}", out.text());
    assert!(sent.batches().is_empty());
    assert_eq!(fs::read(dir.path().join(SETTINGS_FILE_NAME)).unwrap(), before, "nothing written");
    assert!(client.status().to_string().contains("debug:    on (ACME_TELEMETRY_DEBUG)"));
}

#[test]
fn cli_subcommand_shows_and_changes_the_setting() {
    let dir = TempDir::new("cli");
    let client = client(&OPT_OUT, MapEnv::new(), &dir, &Captured::default());
    let app = clap::Command::new("acme").subcommand(cli::command(&OPT_OUT));
    let run = |args: &[&str]| {
        let matches = app.clone().try_get_matches_from(args).expect("valid arguments");
        let action = TelemetryAction::from_matches(matches.subcommand_matches(cli::COMMAND_NAME).unwrap()).unwrap();
        let mut out = Vec::new();
        cli::run(&client, action, &mut out).expect("the temp dir is writable");
        String::from_utf8(out).unwrap()
    };

    let status = run(&["acme", "telemetry"]);
    assert!(
        status.starts_with("Acme telemetry is enabled.\n  reason:   Acme collects usage data unless you opt out\n"),
        "{status}"
    );
    assert!(status.contains("settings: ") && status.contains("ACME_TELEMETRY_DEBUG=1"), "{status}");

    let disabled = run(&["acme", "telemetry", "disable"]);
    assert!(disabled.starts_with("Your choice is saved: Acme telemetry disabled (saved in "), "{disabled}");
    assert!(run(&["acme", "telemetry", "status"]).contains("reason:   you disabled it (saved choice)"));
    assert!(run(&["acme", "telemetry", "enable"]).starts_with("Your choice is saved: Acme telemetry enabled"));
    assert_eq!(settings(&dir)["enabled"], true);

    let unknown = app.clone().try_get_matches_from(["acme", "telemetry", "maybe"]);
    assert!(unknown.is_err(), "an unknown action is a usage error, not a silent status");
}

/// A hand-written event whose visitor panics (a derived one never does).
struct PanicsWhileEncoding;

impl telemetry_schema::TelemetryEvent for PanicsWhileEncoding {
    const META: telemetry_schema::EventMeta = telemetry_schema::EventMeta::new("PANICS", 1, "Panics.", &[]);
    fn visit_fields(&self, _: &mut telemetry_schema::Fields<'_>) {
        panic!("a buggy hand-written event")
    }
}

telemetry_schema::register_event!(PanicsWhileEncoding);

#[test]
fn debug_mode_catches_a_panicking_hand_written_event_as_delivery_does() {
    let dir = TempDir::new("debug-panic");
    let out = Captured::default();
    let client = Client::builder(&OPT_OUT)
        .env(MapEnv::new().with("ACME_TELEMETRY_DEBUG", "1"))
        .config_dir(dir.path())
        .transport(MemoryTransport::new())
        .stderr(out.clone())
        .build();
    assert!(client.is_debug());
    let tracked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| client.track(PanicsWhileEncoding)));
    assert!(tracked.is_ok(), "the panic reached the host");
    client.track(Counted { n: 1 });
    let text = out.text();
    assert!(!text.contains("PANICS"), "{text}");
    assert!(text.contains(r#""event":"COUNTED""#), "later events are still printed: {text}");
}

/// A panic payload that panics again when dropped.
struct PanicsWhenDropped;

impl Drop for PanicsWhenDropped {
    fn drop(&mut self) {
        panic!("a payload that panics when dropped")
    }
}

/// A hand-written event that panics with a [`PanicsWhenDropped`] payload: whoever catches the panic and drops the
/// payload panics again.
struct PanicsWithABomb;

impl telemetry_schema::TelemetryEvent for PanicsWithABomb {
    const META: telemetry_schema::EventMeta = telemetry_schema::EventMeta::new("BOMB", 1, "Panics.", &[]);
    fn visit_fields(&self, _: &mut telemetry_schema::Fields<'_>) {
        std::panic::panic_any(PanicsWhenDropped)
    }
}

telemetry_schema::register_event!(PanicsWithABomb);

#[test]
fn a_panic_payload_that_panics_when_dropped_reaches_neither_the_host_nor_the_worker() {
    let dir = TempDir::new("debug-bomb");
    let out = Captured::default();
    let debug = Client::builder(&OPT_OUT)
        .env(MapEnv::new().with("ACME_TELEMETRY_DEBUG", "1"))
        .config_dir(dir.path())
        .transport(MemoryTransport::new())
        .stderr(out.clone())
        .build();
    let tracked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| debug.track(PanicsWithABomb)));
    // Dropping the payload here would panic again: leak it, whatever happened.
    assert!(tracked.map_err(std::mem::forget).is_ok(), "the panic reached the host");
    debug.track(Counted { n: 1 });
    assert!(out.text().contains(r#""event":"COUNTED""#), "later events are still printed: {}", out.text());

    let sent = MemoryTransport::new();
    let delivering = Client::builder(&OPT_OUT)
        .env(MapEnv::new())
        .config_dir(dir.path())
        .enabled(true)
        .transport(sent.clone())
        .stderr(Captured::default())
        .build();
    delivering.track(PanicsWithABomb);
    delivering.track(Counted { n: 2 });
    let flushed = delivering.flush(std::time::Instant::now() + std::time::Duration::from_secs(5));
    assert!(flushed.is_complete(), "the worker survived and settled both events");
    assert_eq!(sent.envelopes().len(), 1, "the other event was sent");
}

#[test]
fn status_redacts_credentials_in_the_endpoint() {
    let dir = TempDir::new("redact");
    let endpoint = "http://jane:s3cret@collector.example:8080/v1/batch?token=abc123&region=eu#frag";
    let client = Client::builder(&OPT_OUT)
        .env(MapEnv::new().with("ACME_TELEMETRY_ENDPOINT", endpoint))
        .config_dir(dir.path())
        .enabled(true)
        .stderr(Captured::default())
        .build();
    let status = client.status();
    let text = status.to_string();
    for secret in ["jane", "s3cret", "abc123"] {
        assert!(!text.contains(secret), "{secret:?} in {text}");
        assert!(!status.endpoint.contains(secret), "{secret:?} in {}", status.endpoint);
        assert!(!format!("{client:?}").contains(secret));
    }
    assert!(text.contains("endpoint: http://***@collector.example:8080/v1/batch?token=***&region=***"), "{text}");
    drop(client.flush_guard().with_budget(std::time::Duration::ZERO));
}

#[test]
fn status_redacts_credentials_in_malformed_endpoints_and_proxies() {
    // A password holding `/`, `?` or `#` unescaped, a scheme with one slash: the URL does not parse, and status
    // is where the user looks to see why. Whatever precedes the last `@` of the authority is hidden.
    for endpoint in [
        "https://jane:pa/s3cret@collector.example/v1",
        "https://jane:pa?s3cret@collector.example/v1",
        "https://jane:pa#s3cret@collector.example/v1",
        "http:/jane:s3cret@collector.example/v1",
        "https:jane:s3cret@collector.example/v1",
    ] {
        let dir = TempDir::new("redact-malformed");
        let client = Client::builder(&OPT_OUT)
            .env(MapEnv::new().with("ACME_TELEMETRY_ENDPOINT", endpoint))
            .config_dir(dir.path())
            .enabled(true)
            .stderr(Captured::default())
            .build();
        let text = client.status().to_string();
        for secret in ["jane", "s3cret"] {
            assert!(!text.contains(secret), "{secret:?} of {endpoint:?} in {text}");
        }
        assert!(text.contains("collector.example"), "the host is still shown: {text}");
    }
    // A proxy URL with credentials that the HTTP stack refuses: its error names the proxy.
    let dir = TempDir::new("redact-proxy");
    let client = Client::builder(&OPT_OUT)
        .env(
            MapEnv::new()
                .with("ACME_TELEMETRY_ENDPOINT", "http://collector.example/v1")
                .with("HTTP_PROXY", "socks9://puser:ppass@proxy.example"),
        )
        .config_dir(dir.path())
        .enabled(true)
        .stderr(Captured::default())
        .build();
    let text = client.status().to_string();
    assert!(text.contains("proxy"), "status says the proxy is the problem: {text}");
    for secret in ["puser", "ppass"] {
        assert!(!text.contains(secret), "{secret:?} in {text}");
    }
}

#[test]
#[cfg(all(unix, not(target_os = "macos")))]
fn a_relative_home_is_ignored_like_a_relative_xdg_config_home() {
    let relative = MapEnv::new().with("HOME", "home/jane");
    assert_eq!(telemetry_client::platform_config_dir(&OPT_OUT, &relative), None);
    let both = MapEnv::new().with("HOME", "jane").with("XDG_CONFIG_HOME", "config");
    assert_eq!(telemetry_client::platform_config_dir(&OPT_OUT, &both), None);
    let client =
        Client::builder(&OPT_OUT).env(relative).transport(MemoryTransport::new()).stderr(Captured::default()).build();
    assert_eq!(client.settings_path(), None, "no settings file in the working directory");
    assert!(!std::path::Path::new("home").exists(), "nothing was created under the working directory");
}
