//! Two events with one name, and no product: both are reported, the clash with the file and line of each
//! definition. (A test binary of its own: what is linked into it is the point.)

use std::ffi::OsString;

use telemetry_docs::cli::{Binary, SourceLocation, run_with};
use telemetry_docs::{Disclosure, Lint};
use telemetry_schema::TelemetryEvent;

/// Sent when something starts.
#[derive(Debug, TelemetryEvent)]
#[telemetry(name = "STARTED")]
pub struct Started {
    /// Whether it runs in CI.
    pub is_ci: bool,
}

/// Also sent when something starts: a copy-paste mistake.
#[derive(Debug, TelemetryEvent)]
#[telemetry(name = "STARTED")]
pub struct StartedAgain {
    /// How many times.
    pub count: u8,
}

#[test]
fn duplicate_names_and_a_missing_product_are_reported_together() {
    let lints = Disclosure::from_registry().unwrap_err();
    let [Lint::DuplicateEvents(clash), Lint::NoProduct] = lints.problems() else {
        panic!("unexpected lints: {lints:?}");
    };
    let message = clash.to_string();
    let file = file!();
    // Both definitions, each with its file and line, in the compiler's `file:line: error:` form.
    assert!(message.starts_with(&format!("{file}:")), "{message}");
    assert!(message.contains("error: telemetry event name `STARTED` is defined twice"), "{message}");
    assert!(message.contains("Started") && message.contains("StartedAgain"), "{message}");
    assert_eq!(message.matches(&format!("{file}:")).count(), 2, "both locations: {message}");
    assert!(message.contains("#[telemetry(name = \"...\")]"), "says how to fix it: {message}");
}

#[test]
fn the_command_line_reports_the_lints_and_exits_2() {
    let binary = Binary {
        package: "my-docs",
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        main: SourceLocation { file: "my-docs/src/main.rs", line: 4 },
    };
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let args = ["my-docs", "--check"].map(OsString::from);
    assert_eq!(run_with(&binary, args, &mut stdout, &mut stderr), 2);
    let stderr = String::from_utf8(stderr).unwrap();
    assert!(stderr.contains("is defined twice"), "{stderr}");
    assert!(stderr.contains("my-docs/src/main.rs:4: error: no telemetry `Product` is registered"), "{stderr}");
    assert!(stdout.is_empty(), "nothing is generated");
}

#[test]
fn disclosure_new_refuses_duplicate_names_too() {
    let lints = Disclosure::new(&PRODUCT, [&Started::META, &StartedAgain::META]).unwrap_err();
    assert_eq!(lints.problems(), [Lint::DuplicateName("STARTED")]);
    assert!(lints.to_string().contains("two events are named `STARTED`"));
}

const PRODUCT: telemetry_schema::Product =
    telemetry_schema::Product::builder("Tool", "tool", telemetry_schema::version!("1.0.0"))
        .env_prefix("TOOL")
        .opt_in()
        .endpoint("https://telemetry.tool.example/v1")
        .purpose("Why.")
        .build();
