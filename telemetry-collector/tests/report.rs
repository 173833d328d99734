//! `report` over a store that holds random valid events of every example event: the text table and the HTML
//! page, which headless Chromium renders with every chart (skipped, with a message, without `chromium`).
//! With `TELEMETRY_TEST_{POSTGRES,CLICKHOUSE}_URL` set, the same report is read from those stores and must
//! say the same.

mod support;

use std::path::Path;
use std::process::Command;

use support::warehouse::*;
use support::*;

/// Fills a store through a collector: 60 batches of 20 random events of every example event.
fn fill(store: &str) {
    let collector = start_with_store(store, &[]);
    let metas = example_metas();
    let mut rng = Rng(0x12);
    for n in 0..60 {
        let envelopes: Vec<String> = (0..20)
            .map(|_| random_envelope(metas[usize::try_from(rng.below(metas.len() as u64)).unwrap()], &mut rng))
            .collect();
        let response = post(collector.addr, batch_body(&batch_id(0x9E00 + n), &envelopes).as_bytes());
        assert_eq!(response.status, 200);
    }
}

fn report(store: &str, html: Option<&Path>) -> String {
    let mut command = Command::new(env!("CARGO_BIN_EXE_telemetry-collector"));
    command.args(["report", "--store", store, "--schemas"]).arg(schemas_dir());
    if let Some(html) = html {
        command.arg("--html").arg(html);
    }
    let out = command.output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn report_renders_every_chart_in_text_html_and_a_real_browser() {
    let dir = temp_dir("report");
    let store = format!("sqlite:{}", dir.join("telemetry.db").display());
    fill(&store);
    let text = report(&store, None);
    assert!(text.contains("Events stored"), "{text}");
    assert!(text.contains("Active installs per day"), "{text}");
    assert!(text.contains("SDK version adoption"), "{text}");
    assert!(text.contains("CLI_COMMAND v2 · command"), "{text}");
    // Every section of the text but the totals is a chart, unless nothing was stored for it.
    let charts = text.lines().filter(|line| !line.starts_with(' ') && !line.is_empty()).count()
        - 1
        - text.lines().filter(|line| *line == "  (none)").count();
    assert!(charts > 50, "{text}");
    let page = dir.join("report.html");
    report(&store, Some(&page));
    let html = std::fs::read_to_string(&page).unwrap();
    assert_eq!(html.matches("<svg").count(), charts, "one chart per section of the text report");
    // No script and nothing fetched: no script element, no src/href, no CSS url() or @import.
    for forbidden in ["<script", "src=", "href=", "url(", "@import", "<link", "<iframe", "<img"] {
        assert!(!html.contains(forbidden), "the page contains {forbidden}");
    }

    let Ok(chromium) = which("chromium") else {
        eprintln!(
            "SKIPPED the browser half of report_renders_every_chart_in_text_html_and_a_real_browser: no chromium on PATH"
        );
        return;
    };
    let profile = dir.join("chromium-profile");
    let base = |extra: &[&str]| {
        let mut command = Command::new(&chromium);
        command
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            .args(["--disable-component-update", "--disable-sync", "--no-first-run"])
            .arg(format!("--user-data-dir={}", profile.display()))
            .args(extra)
            .arg(format!("file://{}", page.display()));
        command
    };
    let dom = base(&["--dump-dom"]).output().unwrap();
    assert!(dom.status.success(), "{}", String::from_utf8_lossy(&dom.stderr));
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert_eq!(dom.matches("<svg").count(), charts, "Chromium's DOM has every chart");
    for (name, size) in [("phone", "390,2400"), ("desktop", "1280,2400")] {
        let shot = dir.join(format!("report-{name}.png"));
        let status = base(&[&format!("--screenshot={}", shot.display()), &format!("--window-size={size}")])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        assert!(std::fs::metadata(&shot).unwrap().len() > 10_000, "{name} screenshot is blank");
        eprintln!("screenshot: {}", shot.display());
    }

    for (var, fresh, drop) in [
        ("TELEMETRY_TEST_POSTGRES_URL", fresh_postgres as fn(&str, &str) -> String, drop_postgres as fn(&str)),
        ("TELEMETRY_TEST_CLICKHOUSE_URL", fresh_clickhouse, drop_clickhouse),
    ] {
        let Some(url) = server_url(var, "report over PostgreSQL and ClickHouse") else { continue };
        let url = fresh(&url, "report");
        fill(&url);
        let other = report(&url, None);
        let first = text.lines().zip(other.lines()).position(|(a, b)| a != b);
        assert!(
            other == text,
            "the report from {var} differs from SQLite's at line {first:?}: {:?}",
            first.map(|i| (text.lines().nth(i), other.lines().nth(i)))
        );
        drop(&url);
    }
}

fn which(name: &str) -> Result<std::path::PathBuf, ()> {
    std::env::var_os("PATH")
        .and_then(|path| std::env::split_paths(&path).map(|dir| dir.join(name)).find(|p| p.is_file()))
        .ok_or(())
}
