//! `real-events-docs`, the second binary: it documents the ported real events under `docs/real-events/` and
//! nothing else, and the committed files there are what it writes.

#[path = "../../telemetry-docs/tests/common/mod.rs"]
mod common;

use std::path::Path;
use std::process::{Command, Output};

fn real_events_docs(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_real-events-docs")).args(args).output().expect("run real-events-docs")
}

#[test]
fn committed_files_are_what_the_binary_writes_into_docs_real_events() {
    // No `--out`: the default is `docs/real-events` under the workspace root, which CI checks the same way.
    let check = real_events_docs(&["--check"]);
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert_eq!(check.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&check.stderr));
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("docs/real-events");
    assert!(stdout.ends_with(&format!("files in {} are up to date\n", out.display())), "{stdout}");
}

#[test]
fn the_committed_page_is_well_formed_markdown_and_self_contained_html() {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join("docs/real-events");
    let markdown = std::fs::read_to_string(out.join("docs/telemetry.md")).unwrap();
    let parsed = common::assert_well_formed_markdown(&markdown, 4);
    // One table per event, plus the envelope's.
    assert_eq!(parsed.table_rows.len(), 6);
    common::assert_self_contained_html(&std::fs::read_to_string(out.join("docs/telemetry.html")).unwrap());
}

#[test]
fn it_documents_the_five_ports_and_not_the_example_sdk() {
    let dir = common::TempDir::new("real-events-docs");
    let out = dir.path().to_str().expect("a UTF-8 temp dir").to_owned();
    let write = real_events_docs(&["--out", &out]);
    assert!(write.status.success(), "{}", String::from_utf8_lossy(&write.stderr));

    let catalog: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("docs/catalog.json")).unwrap()).unwrap();
    assert_eq!(catalog["product"]["sdk_name"], "real-events", "{}", catalog["product"]);
    let names: Vec<&str> = catalog["events"].as_array().unwrap().iter().map(|e| e["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["COMPONENT_MOUNTED", "NEXT_CLI_SESSION_STARTED", "TURBO_RUN", "cli.start", "init"]);

    // A stale file says how to regenerate it with this binary, not with the example SDK's.
    std::fs::write(dir.path().join("docs/catalog.json"), "{}\n").unwrap();
    let check = real_events_docs(&["--out", &out, "--check"]);
    assert_eq!(check.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(stderr.contains("run `cargo run -p docs-gen --bin real-events-docs`"), "{stderr}");
}
