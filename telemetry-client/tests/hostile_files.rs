//! Files the client reads cannot hang or bloat the host: a named pipe, a 2 GiB file, `/dev/zero`, a directory,
//! a symlink to a pipe at the settings path or the throttle path. Every case ends in bounded time, reads at most
//! 64 KiB, turns telemetry off when it is the settings file, and `status` says why and how to fix it.
#![cfg(unix)]

mod support;

use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

use support::{Captured, OPT_OUT, TempDir, Throttled, within};
use telemetry_client::{
    Client, ConsentSource, LOCK_FILE_NAME, MapEnv, MemoryTransport, SETTINGS_FILE_NAME, THROTTLE_FILE_NAME,
};

const LIMIT: Duration = Duration::from_secs(5);

/// The peak resident memory of this process so far, in KiB (Linux).
fn peak_rss_kib() -> u64 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find_map(|l| l.strip_prefix("VmHWM:").map(|v| v.trim().trim_end_matches(" kB").to_owned()))
        })
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0)
}

fn build(dir: &Path) -> Client {
    Client::builder(&OPT_OUT)
        .env(MapEnv::new())
        .config_dir(dir)
        .transport(MemoryTransport::new())
        .stderr(Captured::default())
        .build()
}

/// Builds a client over a hostile settings file; checks it is off, decided by the file, fast and inert.
fn assert_fails_closed(label: &str, plant: impl FnOnce(&Path)) -> Client {
    let dir = TempDir::new(label);
    plant(&dir.path().join(SETTINGS_FILE_NAME));
    let path = dir.path().to_path_buf();
    let start = Instant::now();
    let client = within(LIMIT, &format!("{label}: building the client"), move || build(&path));
    assert!(start.elapsed() < Duration::from_secs(1), "{label}: {:?}", start.elapsed());
    assert!(!client.is_enabled() && client.header().is_none(), "{label}: off and inert");
    assert_eq!(client.consent().source, ConsentSource::SettingsUnreadable, "{label}");
    let status = within(LIMIT, &format!("{label}: status"), {
        let client = client.clone();
        move || client.status().to_string()
    });
    assert!(status.contains("Acme telemetry is disabled."), "{label}: {status}");
    assert!(status.contains("cannot be read"), "{label}: status says why: {status}");
    assert!(status.contains("acme telemetry disable"), "{label}: status says how to fix it: {status}");
    client
}

#[test]
fn a_fifo_at_the_settings_path_does_not_hang_and_disable_replaces_it() {
    let client = assert_fails_closed("fifo", support::mkfifo);
    let path = client.settings_path().unwrap();
    let status = within(LIMIT, "disable over a fifo", move || client.disable().map(|s| s.to_string()));
    let status = status.expect("disable replaces the pipe with a regular file");
    assert!(fs::symlink_metadata(&path).unwrap().is_file(), "{status}");
    assert!(status.contains("reason:   you disabled it (saved choice)"), "{status}");
}

#[test]
fn a_2_gib_settings_file_is_refused_without_reading_it() {
    let before = peak_rss_kib();
    assert_fails_closed("huge", |path| {
        // Sparse: costs no disk, but 2 GiB to whoever reads it all.
        fs::File::create(path).unwrap().set_len(2 << 30).unwrap();
    });
    let grew = peak_rss_kib().saturating_sub(before);
    assert!(grew < 64 * 1024, "peak memory grew by {grew} KiB");
}

#[test]
fn dev_zero_at_the_settings_path_is_refused() {
    let before = peak_rss_kib();
    assert_fails_closed("devzero", |path| std::os::unix::fs::symlink("/dev/zero", path).unwrap());
    let grew = peak_rss_kib().saturating_sub(before);
    assert!(grew < 64 * 1024, "peak memory grew by {grew} KiB");
}

#[test]
fn a_directory_or_a_symlink_to_a_fifo_at_the_settings_path_fails_closed() {
    assert_fails_closed("dir", |path| fs::create_dir(path).unwrap());
    assert_fails_closed("symlink-fifo", |path| {
        let pipe = path.with_file_name("pipe");
        support::mkfifo(&pipe);
        std::os::unix::fs::symlink(&pipe, path).unwrap();
    });
}

#[test]
fn a_lock_file_that_is_a_fifo_a_directory_or_a_device_does_not_stop_enable_or_disable() {
    // The lock only orders changes; first runs never write without it, so saving the user's choice unlocked
    // cannot be overwritten. Refusing the choice would leave the user no way to opt out but a variable.
    type Plant = fn(&Path);
    let plants: [(&str, Plant); 3] = [
        ("lock-fifo", |lock| support::mkfifo(lock)),
        ("lock-dir", |lock| fs::create_dir(lock).unwrap()),
        ("lock-dev-zero", |lock| std::os::unix::fs::symlink("/dev/zero", lock).unwrap()),
    ];
    for (label, plant) in plants {
        let dir = TempDir::new(label);
        plant(&dir.path().join(LOCK_FILE_NAME));
        let path = dir.path().to_path_buf();
        let client = within(LIMIT, label, move || build(&path));
        let status = within(LIMIT, &format!("{label}: disable"), {
            let client = client.clone();
            move || client.disable()
        });
        let status = status.unwrap_or_else(|err| panic!("{label}: disable must be saved: {err}"));
        assert_eq!(status.consent.source, ConsentSource::Persisted, "{label}");
        assert!(!status.is_enabled(), "{label}");
        assert!(!build(dir.path()).is_enabled(), "{label}: the next run is off");
        let status = client.enable().unwrap_or_else(|err| panic!("{label}: enable must be saved: {err}"));
        assert!(status.is_enabled(), "{label}");
    }
}

#[test]
fn a_settings_file_of_exactly_64_kib_is_read_and_one_byte_more_is_refused() {
    let dir = TempDir::new("limit");
    let path = dir.path().join(SETTINGS_FILE_NAME);
    let body = r#"{"enabled":false}"#;
    fs::write(&path, format!("{}{body}", " ".repeat(64 * 1024 - body.len()))).unwrap();
    assert_eq!(build(dir.path()).consent().source, ConsentSource::Persisted, "64 KiB is read");
    fs::write(&path, format!("{}{body}", " ".repeat(64 * 1024 + 1 - body.len()))).unwrap();
    assert_eq!(build(dir.path()).consent().source, ConsentSource::SettingsUnreadable, "64 KiB + 1 is refused");
}

#[test]
fn a_fifo_at_the_throttle_path_does_not_stall_delivery() {
    let dir = TempDir::new("throttle-fifo");
    support::mkfifo(&dir.path().join(THROTTLE_FILE_NAME));
    let sent = MemoryTransport::new();
    let client = Client::builder(&OPT_OUT)
        .env(MapEnv::new())
        .config_dir(dir.path())
        .enabled(true)
        .transport(sent.clone())
        .stderr(Captured::default())
        .build();
    assert!(client.is_enabled());
    client.track(Throttled { value: 1 });
    let outcome = client.flush(Instant::now() + LIMIT);
    assert!(outcome.is_complete(), "the worker is stuck on the pipe: {outcome:?}");
    assert_eq!(sent.envelopes().len(), 1, "the event went out; the throttle only holds for this process");
}

#[test]
fn a_fifo_at_the_ndjson_path_fails_the_batch_instead_of_stalling_the_worker() {
    let dir = TempDir::new("ndjson-fifo");
    let path = dir.path().join("events.ndjson");
    support::mkfifo(&path);
    let client = Client::builder(&OPT_OUT)
        .env(MapEnv::new())
        .config_dir(dir.path())
        .enabled(true)
        .transport(telemetry_client::NdjsonFileTransport::new(&path))
        .stderr(Captured::default())
        .build();
    client.track(support::Counted { n: 1 });
    let outcome = client.flush(Instant::now() + LIMIT);
    assert!(outcome.is_complete(), "the worker is stuck on the pipe: {outcome:?}");
    assert_eq!(client.stats().failed, 1);
    let problem = client.status().problem.unwrap_or_default();
    // Opening a pipe without a reader fails at once (ENXIO); with a reader, the regular-file check refuses it.
    assert!(problem.starts_with(&format!("could not append telemetry to {}", path.display())), "{problem}");
}
