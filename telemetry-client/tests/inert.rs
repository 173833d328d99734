//! Disabled means inert: no id, file, directory, thread or socket. This binary builds only disabled clients,
//! so the whole process can be inspected.

mod support;

use std::time::{Duration, Instant};

use support::{Captured, Counted, OPT_IN, OPT_OUT, TempDir};
use telemetry_client::{Client, MapEnv};
use telemetry_schema::Product;

/// The names of this process's threads (Linux), to show no worker was spawned.
fn thread_names() -> Vec<String> {
    std::fs::read_dir("/proc/self/task")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|task| std::fs::read_to_string(task.path().join("comm")).ok())
        .map(|name| name.trim().to_owned())
        .collect()
}

/// How many sockets this process has open (Linux).
fn open_sockets() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .filter(|target| target.to_string_lossy().starts_with("socket:"))
        .count()
}

fn exercise(product: &'static Product, env: MapEnv, label: &str) {
    let dir = TempDir::new(label);
    let config = dir.path().join("config");
    let out = Captured::default();
    let client = Client::builder(product)
        .env(env.with("ACME_TELEMETRY_ENDPOINT", "http://127.0.0.1:9/v1"))
        .config_dir(&config)
        .project_root("/home/jane/shop")
        .stderr(out.clone())
        .build();
    assert!(!client.is_enabled(), "{label}: disabled");
    let guard = client.flush_guard();
    for n in 0..1_000 {
        client.track(Counted { n });
    }
    let start = Instant::now();
    assert!(client.flush(Instant::now() + Duration::from_secs(5)).is_complete());
    drop(guard);
    assert!(start.elapsed() < Duration::from_millis(50), "{label}: nothing to wait for");

    assert!(client.header().is_none(), "{label}: no id was created");
    assert!(!config.exists(), "{label}: no directory was created");
    assert!(dir.entries().is_empty(), "{label}: no file was created: {:?}", dir.entries());
    assert_eq!(out.text(), "", "{label}: nothing printed");
    assert_eq!(client.stats(), Default::default(), "{label}: nothing queued");
    if cfg!(target_os = "linux") {
        let names = thread_names();
        assert!(!names.iter().any(|n| n.starts_with("telemetry")), "{label}: no worker thread: {names:?}");
        assert_eq!(open_sockets(), 0, "{label}: no socket");
    }
}

#[test]
fn disabled_by_env_is_inert() {
    exercise(&OPT_OUT, MapEnv::new().with("ACME_TELEMETRY_DISABLED", "1"), "inert-env");
}

#[test]
fn do_not_track_is_inert() {
    exercise(&OPT_OUT, MapEnv::new().with("DO_NOT_TRACK", "1"), "inert-dnt");
}

#[test]
fn opt_in_product_without_consent_is_inert() {
    exercise(&OPT_IN, MapEnv::new(), "inert-optin");
}

#[test]
fn test_runs_are_inert() {
    exercise(&OPT_OUT, MapEnv::new().with("NEXTEST", "1"), "inert-test");
}

#[test]
fn code_setting_off_is_inert() {
    let dir = TempDir::new("inert-code");
    let client = Client::builder(&OPT_OUT).env(MapEnv::new()).config_dir(dir.path()).enabled(false).build();
    client.track(Counted { n: 1 });
    assert!(client.header().is_none());
    assert!(dir.entries().is_empty());
}

#[test]
fn a_saved_disable_is_inert_and_the_file_is_only_read() {
    let dir = TempDir::new("inert-saved");
    let path = dir.path().join(telemetry_client::SETTINGS_FILE_NAME);
    std::fs::write(&path, r#"{"enabled":false}"#).unwrap();
    let client = Client::builder(&OPT_OUT).env(MapEnv::new()).config_dir(dir.path()).build();
    client.track(Counted { n: 1 });
    drop(client.flush_guard());
    assert!(client.header().is_none());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), r#"{"enabled":false}"#, "untouched");
    assert_eq!(dir.entries(), vec![path]);
}

#[test]
fn a_saved_disable_or_an_unreadable_settings_file_beats_code_on_and_is_inert() {
    for (label, content) in [("inert-saved-vs-code", r#"{"enabled":false}"#), ("inert-unreadable", "{\"enabled\": tr")]
    {
        let dir = TempDir::new(label);
        let path = dir.path().join(telemetry_client::SETTINGS_FILE_NAME);
        std::fs::write(&path, content).unwrap();
        let out = Captured::default();
        let client = Client::builder(&OPT_OUT)
            .env(MapEnv::new().with("ACME_TELEMETRY_ENDPOINT", "http://127.0.0.1:9/v1"))
            .config_dir(dir.path())
            .enabled(true) // code's opt-in overrides only defaults, never an opt-out
            .stderr(out.clone())
            .build();
        let guard = client.flush_guard();
        for n in 0..100 {
            client.track(Counted { n });
        }
        drop(guard);
        assert!(!client.is_enabled() && client.header().is_none(), "{label}: off, no id");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), content, "{label}: untouched");
        assert_eq!(dir.entries(), vec![path], "{label}: no other file (no lock file either)");
        assert_eq!(out.text(), "", "{label}: nothing printed");
        if cfg!(target_os = "linux") {
            let names = thread_names();
            assert!(!names.iter().any(|n| n.starts_with("telemetry")), "{label}: no worker thread: {names:?}");
            assert_eq!(open_sockets(), 0, "{label}: no socket");
        }
    }
}
