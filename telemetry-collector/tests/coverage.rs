//! End to end: every `acme` command runs against a collector, and `coverage` lists what acme declares but never
//! emits; `--fail-under` turns it into a CI gate.

mod support;

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use support::*;

/// The acme binary, built (or found up to date) next to the collector's: another crate's binary is not built
/// for this crate's tests, and one left from an older build would send an older wire format.
fn acme() -> PathBuf {
    let status =
        Command::new(env!("CARGO")).args(["build", "--quiet", "-p", "acme", "--bin", "acme"]).status().unwrap();
    assert!(status.success(), "cannot build acme");
    let collector = PathBuf::from(env!("CARGO_BIN_EXE_telemetry-collector"));
    collector.with_file_name(format!("acme{}", std::env::consts::EXE_SUFFIX))
}

fn coverage(store: &str, extra: &[&str]) -> (bool, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_telemetry-collector"))
        .args(["coverage", "--store", store, "--schemas"])
        .arg(schemas_dir())
        .args(extra)
        .output()
        .unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap())
}

#[test]
fn every_acme_command_against_a_collector_shows_what_acme_never_emits() {
    let dir = temp_dir("coverage");
    let collector = start(&dir, &[]);
    let store = format!("sqlite:{}", collector.db.display());
    let acme = acme();
    let home = dir.join("home");
    let project = dir.join("project");
    std::fs::create_dir_all(&project).unwrap();
    let commands: [&[&str]; 5] =
        [&["build"], &["dev"], &["deploy"], &["deploy", "--production"], &["telemetry", "status"]];
    for args in commands {
        let out = Command::new(&acme)
            .args(args)
            .current_dir(&project)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .env("ACME_TELEMETRY_ENDPOINT", format!("http://{}/v1/batch", collector.addr))
            .output()
            .unwrap();
        assert!(out.status.success(), "acme {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    // Four commands send a batch each on exit.
    let conn = open_db(&collector.db);
    let deadline = Instant::now() + Duration::from_secs(10);
    while conn.query_row("SELECT count(*) FROM batches", [], |r| r.get::<_, i64>(0)).unwrap() < 4 {
        assert!(Instant::now() < deadline, "acme's batches did not arrive:\n{}", collector.logs());
        std::thread::sleep(Duration::from_millis(50));
    }

    let (passed, report) = coverage(&store, &[]);
    assert!(passed);
    eprintln!("{report}");
    let unseen: Vec<&str> = report.lines().filter_map(|line| line.strip_prefix("  ")).collect();
    // Emitted by the commands that ran:
    for seen in ["CLI_COMMAND v2", "CLI_COMMAND v2 · command = build", "DEPLOY_FINISHED v2 · production = true"] {
        assert!(!unseen.contains(&seen), "{seen} was emitted but is listed:\n{report}");
    }
    // Declared, never emitted by any acme command:
    for never in ["CLI_COMMAND v2 · command = init", "DEPLOY_FINISHED v2 · outcome = failed"] {
        assert!(unseen.contains(&never), "{never} is not listed:\n{report}");
    }
    assert!(unseen.iter().any(|line| line.starts_with("AUTH_INIT v1 (never stored")), "{report}");
    // The archived version the bundle still accepts: only older releases of acme send it.
    assert!(unseen.iter().any(|line| line.starts_with("CLI_COMMAND v1 (never stored")), "{report}");
    assert!(report.contains("Quarantined, by reason:\n  (none)"), "{report}");

    assert!(!coverage(&store, &["--fail-under", "100"]).0, "--fail-under 100 passed with unseen values");
    assert!(coverage(&store, &["--fail-under", "1"]).0);
}
