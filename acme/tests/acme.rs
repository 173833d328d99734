//! The demo CLI as a person runs it: real processes, a temp config dir, loopback endpoints.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A directory under the system temp dir standing in for the home directory; removed on drop.
struct Home(PathBuf);

impl Home {
    fn new(label: &str) -> Self {
        let path = std::env::temp_dir().join(format!("acme-test-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        Home(path)
    }

    fn settings(&self) -> PathBuf {
        self.0.join("config").join("acme").join("telemetry.json")
    }
}

impl Drop for Home {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Accepts connections and never answers; counts them. Stops by itself after 60 s or when dropped.
struct BlackHole {
    port: u16,
    connections: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
}

impl BlackHole {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let connections = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, halt) = (connections.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut held = Vec::new();
            let end = Instant::now() + Duration::from_secs(60);
            while !halt.load(Ordering::Relaxed) && Instant::now() < end {
                match listener.accept() {
                    Ok((stream, _)) => {
                        count.fetch_add(1, Ordering::SeqCst);
                        held.push(stream);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(2)),
                }
            }
        });
        BlackHole { port, connections, stop }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}/v1/batch", self.port)
    }
}

impl Drop for BlackHole {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Runs `acme` with only the variables given (plus a temp home), as a fresh shell would.
fn acme(home: &Home, vars: &[(&str, &str)], args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_acme"));
    command
        .args(args)
        .env_clear()
        .env("HOME", &home.0)
        .env("XDG_CONFIG_HOME", home.0.join("config"))
        .env("APPDATA", home.0.join("config"))
        .current_dir(&home.0);
    for (key, value) in vars {
        command.env(key, value);
    }
    let output = command.output().expect("acme runs");
    assert!(output.status.success(), "acme {args:?} failed: {}", String::from_utf8_lossy(&output.stderr));
    output
}

fn fastest(runs: usize, mut run: impl FnMut()) -> Duration {
    (0..runs)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed()
        })
        .min()
        .unwrap()
}

#[test]
fn black_hole_endpoint_does_not_delay_exit() {
    let hole = BlackHole::start();
    let endpoint = hole.endpoint();
    let home = Home::new("blackhole");
    let enabled = [("ACME_TELEMETRY_ENDPOINT", endpoint.as_str())];
    let disabled = [("ACME_TELEMETRY_ENDPOINT", endpoint.as_str()), ("ACME_TELEMETRY_DISABLED", "1")];
    acme(&home, &enabled, &["build"]); // first run: the notice, the settings file
    let with_telemetry = fastest(3, || drop(acme(&home, &enabled, &["build"])));
    let without = fastest(3, || drop(acme(&home, &disabled, &["build"])));
    assert!(hole.connections.load(Ordering::SeqCst) >= 1, "the batches did go to the black hole");
    let delay = with_telemetry.saturating_sub(without);
    // The bar is 100 ms; 300 ms of slack for a loaded machine. Without the hard budget it would be the 5 s
    // HTTP timeout.
    assert!(delay < Duration::from_millis(400), "exit delay {delay:?} ({with_telemetry:?} vs {without:?})");
}

#[test]
fn first_run_shows_the_notice_once_and_status_explains() {
    let home = Home::new("notice");
    let hole = BlackHole::start();
    let vars = [("ACME_TELEMETRY_ENDPOINT", hole.endpoint())];
    let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let first = acme(&home, &vars, &["dev"]);
    let stderr = String::from_utf8_lossy(&first.stderr);
    assert!(stderr.starts_with("Acme sends usage data (telemetry) unless you turn it off.\n"), "{stderr}");
    assert!(stderr.contains("a random install id, created on this machine and kept in"), "{stderr}");
    assert!(stderr.contains("https://acme.example/docs/telemetry"), "{stderr}");
    assert!(acme(&home, &vars, &["dev"]).stderr.is_empty(), "shown once");
    assert!(acme(&home, &[("CI", "true")], &["telemetry"]).stderr.is_empty());

    let status = String::from_utf8(acme(&home, &vars, &["telemetry", "status"]).stdout).unwrap();
    assert!(status.starts_with("Acme telemetry is enabled.\n"), "{status}");
    assert!(status.contains(&home.settings().display().to_string()), "{status}");
}

#[test]
fn disable_stops_sending_from_the_next_run() {
    let home = Home::new("disable");
    let hole = BlackHole::start();
    let endpoint = hole.endpoint();
    let vars = [("ACME_TELEMETRY_ENDPOINT", endpoint.as_str())];
    let out = acme(&home, &vars, &["telemetry", "disable"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("telemetry disabled"));
    assert!(out.stderr.is_empty(), "deciding about telemetry shows no notice");
    acme(&home, &vars, &["build"]);
    acme(&home, &vars, &["deploy", "--production"]);
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(hole.connections.load(Ordering::SeqCst), 0, "nothing was sent after disable");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(home.settings()).unwrap()).unwrap();
    assert_eq!(saved["enabled"], false);
}

#[test]
fn the_project_config_switch_documented_on_the_page_turns_telemetry_off() {
    let home = Home::new("config-switch");
    let hole = BlackHole::start();
    let endpoint = hole.endpoint();
    let vars = [("ACME_TELEMETRY_ENDPOINT", endpoint.as_str())];
    std::fs::write(home.0.join("acme.config.json"), r#"{"telemetry": false}"#).unwrap();
    let status = acme(&home, &vars, &["telemetry", "status"]);
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(status.contains("is disabled"), "{status}");
    assert!(status.contains("acme.config.json"), "status says where it was switched off: {status}");
    let out = acme(&home, &vars, &["build"]);
    assert!(out.stderr.is_empty(), "no notice when the project switched telemetry off");
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(hole.connections.load(Ordering::SeqCst), 0, "nothing was sent");
    assert!(!home.0.join("config").exists(), "nothing was written");

    // A value that is not a boolean fails closed; `true` leaves the decision to the default.
    std::fs::write(home.0.join("acme.config.json"), r#"{"telemetry": "off please"}"#).unwrap();
    let status = acme(&home, &vars, &["telemetry", "status"]);
    assert!(String::from_utf8_lossy(&status.stdout).contains("is disabled"));
    std::fs::write(home.0.join("acme.config.json"), r#"{"telemetry": true}"#).unwrap();
    let status = acme(&home, &vars, &["telemetry", "status"]);
    assert!(String::from_utf8_lossy(&status.stdout).contains("is enabled"));
}

#[test]
fn a_project_config_that_repeats_the_telemetry_key_turns_telemetry_off() {
    // A hand edit that put `"telemetry": false` above the old line: readers disagree on which value counts
    // (serde_json's `Value`, Python and JavaScript keep the last), so the file may say off: fail closed.
    let home = Home::new("config-switch-twice");
    let hole = BlackHole::start();
    let endpoint = hole.endpoint();
    let vars = [("ACME_TELEMETRY_ENDPOINT", endpoint.as_str())];
    std::fs::write(home.0.join("acme.config.json"), "{\"telemetry\": false,\n \"telemetry\": true}").unwrap();
    let status = acme(&home, &vars, &["telemetry", "status"]);
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(status.contains("is disabled"), "{status}");
}

#[test]
fn debug_mode_prints_every_event_and_sends_and_writes_nothing() {
    let home = Home::new("debug");
    let hole = BlackHole::start();
    let endpoint = hole.endpoint();
    let vars = [
        ("ACME_TELEMETRY_ENDPOINT", endpoint.as_str()),
        ("ACME_TELEMETRY_DEBUG", "1"),
        ("ACME_TELEMETRY_DISABLED", "1"),
    ];
    let out = acme(&home, &vars, &["build"]);
    let stderr = String::from_utf8(out.stderr).unwrap();
    let events: Vec<String> = stderr
        .lines()
        .map(|line| line.strip_prefix("[telemetry] ").unwrap_or_else(|| panic!("only event lines: {line:?}")))
        .map(|json| serde_json::from_str::<serde_json::Value>(json).unwrap()["event"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(events, ["CLI_COMMAND", "BUILD_FINISHED", "BUILD_FEATURE_USAGE", "BUILD_FEATURE_USAGE"]);
    assert_eq!(hole.connections.load(Ordering::SeqCst), 0, "nothing sent");
    assert!(!home.0.join("config").exists(), "nothing written");
}

#[test]
fn two_processes_toggling_at_once_never_leave_a_corrupt_file() {
    let home = Home::new("toggle");
    let settings = home.settings();
    let done = AtomicBool::new(false);
    std::thread::scope(|scope| {
        let toggler = |first: &'static str, second: &'static str| {
            let home = &home;
            move || {
                for _ in 0..10 {
                    acme(home, &[], &["telemetry", first]);
                    acme(home, &[], &["telemetry", second]);
                }
            }
        };
        let a = scope.spawn(toggler("enable", "disable"));
        let b = scope.spawn(toggler("disable", "enable"));
        let done = &done;
        let reader = scope.spawn(move || check_while_running(&settings, done));
        a.join().unwrap();
        b.join().unwrap();
        done.store(true, Ordering::Relaxed);
        assert!(reader.join().unwrap() > 0, "the reader saw the file");
    });
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(home.settings()).unwrap()).unwrap();
    assert!(saved["enabled"].is_boolean());
}

/// Parses the settings file over and over until `done`; panics on a corrupt read. Returns how many reads.
fn check_while_running(path: &Path, done: &AtomicBool) -> usize {
    let mut reads = 0;
    while !done.load(Ordering::Relaxed) {
        if let Ok(bytes) = std::fs::read(path) {
            let value: serde_json::Value = serde_json::from_slice(&bytes)
                .unwrap_or_else(|e| panic!("corrupt read ({e}): {}", String::from_utf8_lossy(&bytes)));
            assert!(value["enabled"].is_boolean());
            reads += 1;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    reads
}

/// Starts `acme` with only the variables given (plus a temp home), without waiting for it.
fn spawn_acme(home: &Home, vars: &[(&str, &str)], args: &[&str]) -> std::process::Child {
    let mut command = Command::new(env!("CARGO_BIN_EXE_acme"));
    command
        .args(args)
        .env_clear()
        .env("HOME", &home.0)
        .env("XDG_CONFIG_HOME", home.0.join("config"))
        .env("APPDATA", home.0.join("config"))
        .current_dir(&home.0)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    for (key, value) in vars {
        command.env(key, value);
    }
    command.spawn().expect("acme starts")
}

/// Waits for `child` at most `limit`; kills it and panics if it is still running then.
fn finish_within(mut child: std::process::Child, limit: Duration, what: &str) -> Output {
    let deadline = Instant::now() + limit;
    while child.try_wait().expect("waiting works").is_none() {
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {limit:?}: it hangs");
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    child.wait_with_output().expect("output is readable")
}

#[test]
fn disable_during_a_first_run_build_is_never_lost() {
    const TRIES: usize = 200;
    // A closed port: the build's batch fails at once, so each try takes milliseconds.
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let endpoint = format!("http://127.0.0.1:{port}/v1/batch");
    let vars = [("ACME_TELEMETRY_ENDPOINT", endpoint.as_str())];
    let mut lost = Vec::new();
    for i in 0..TRIES {
        let home = Home::new(&format!("race-{i}"));
        let build = spawn_acme(&home, &vars, &["build"]);
        let disable = spawn_acme(&home, &vars, &["telemetry", "disable"]);
        let disable = finish_within(disable, Duration::from_secs(20), "acme telemetry disable");
        let build = finish_within(build, Duration::from_secs(20), "acme build");
        assert!(disable.status.success() && build.status.success(), "{:?}", String::from_utf8_lossy(&disable.stderr));
        let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(home.settings()).unwrap()).unwrap();
        if saved["enabled"] != false || saved.get("install_id").is_some() {
            lost.push(saved);
        }
    }
    assert!(lost.is_empty(), "the opt-out was lost in {} of {TRIES} tries; e.g. {}", lost.len(), lost[0]);
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().expect("mkfifo runs").success());
}

#[test]
#[cfg(unix)]
fn a_fifo_as_settings_file_or_project_config_does_not_hang_acme() {
    let home = Home::new("fifo");
    let hole = BlackHole::start();
    let endpoint = hole.endpoint();
    let vars = [("ACME_TELEMETRY_ENDPOINT", endpoint.as_str())];
    std::fs::create_dir_all(home.settings().parent().unwrap()).unwrap();
    mkfifo(&home.settings());
    let limit = Duration::from_secs(10);
    let build = finish_within(spawn_acme(&home, &vars, &["build"]), limit, "acme build (settings file is a fifo)");
    assert!(build.status.success() && build.stderr.is_empty(), "{}", String::from_utf8_lossy(&build.stderr));
    let status = finish_within(spawn_acme(&home, &vars, &["telemetry"]), limit, "acme telemetry status");
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.starts_with("Acme telemetry is disabled."),
        "a settings file that cannot be read fails closed: {status}"
    );
    assert!(status.contains("cannot be read"), "{status}");
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(hole.connections.load(Ordering::SeqCst), 0, "nothing was sent");

    std::fs::remove_file(home.settings()).unwrap();
    mkfifo(&home.0.join("acme.config.json"));
    let build = finish_within(spawn_acme(&home, &vars, &["build"]), limit, "acme build (project config is a fifo)");
    assert!(build.status.success(), "{}", String::from_utf8_lossy(&build.stderr));
    let status = finish_within(spawn_acme(&home, &vars, &["telemetry"]), limit, "acme telemetry status");
    let status = String::from_utf8_lossy(&status.stdout);
    assert!(
        status.starts_with("Acme telemetry is disabled."),
        "a project config that cannot be read fails closed: {status}"
    );
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(hole.connections.load(Ordering::SeqCst), 0, "nothing was sent");
}
