//! The opt-out race: `disable` while a first run starts must never be lost. The first run's bookkeeping (install
//! id, notice) and the user's choice are written under one lock, each re-reading the file under it, and only
//! `enable`/`disable` ever write `enabled`. (the acme crate's tests race the real `acme` processes too.)

mod support;

use std::sync::Barrier;

use support::{Captured, OPT_OUT, TempDir};
use telemetry_client::{Client, MapEnv, MemoryTransport, SETTINGS_FILE_NAME};

fn builder(dir: &TempDir) -> telemetry_client::ClientBuilder {
    Client::builder(&OPT_OUT)
        .env(MapEnv::new())
        .config_dir(dir.path())
        .transport(MemoryTransport::new())
        .stderr(Captured::default())
        .flush_budget(std::time::Duration::ZERO)
}

#[test]
fn disable_during_a_first_run_is_never_lost() {
    const TRIES: usize = 200;
    let mut lost = 0;
    let mut first_run_won = 0;
    for _ in 0..TRIES {
        let dir = TempDir::new("race");
        let barrier = Barrier::new(2);
        let started_enabled = std::thread::scope(|scope| {
            let first_run = scope.spawn(|| {
                barrier.wait();
                let client = builder(&dir).build();
                let on = client.is_enabled();
                drop(client.flush_guard());
                on
            });
            scope.spawn(|| {
                barrier.wait();
                builder(&dir).build_settings_only().disable().expect("the temp dir is writable");
            });
            first_run.join().unwrap()
        });
        first_run_won += usize::from(started_enabled);
        let text = std::fs::read_to_string(dir.path().join(SETTINGS_FILE_NAME)).expect("disable saved a file");
        let saved: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        if saved["enabled"] != false || saved.get("install_id").is_some() {
            lost += 1;
        }
    }
    assert_eq!(lost, 0, "the opt-out was lost in {lost} of {TRIES} races ({first_run_won} first runs started on)");
}

#[test]
fn a_first_run_waits_at_most_a_moment_for_a_held_settings_lock_then_sends_nothing() {
    let dir = TempDir::new("held-lock");
    let lock = std::fs::File::create(dir.path().join(telemetry_client::LOCK_FILE_NAME)).unwrap();
    lock.lock().unwrap(); // another process in the middle of `enable` or `disable`, say
    let start = std::time::Instant::now();
    let client = builder(&dir).build();
    let waited = start.elapsed();
    assert!(waited < std::time::Duration::from_secs(1), "the host waited {waited:?}");
    assert!(!client.is_enabled() && client.header().is_none(), "unsure what the file will say: nothing is sent");
    let problem = client.status().problem.unwrap_or_default();
    assert!(problem.contains("settings lock"), "{problem}");
    assert!(!dir.path().join(SETTINGS_FILE_NAME).exists(), "nothing written without the lock");
    lock.unlock().unwrap();
    assert!(builder(&dir).build().is_enabled(), "once released, the first run goes ahead");
}
