//! A docs-gen binary that forgot to link its SDK crate: no events, no product. The error says where and how to
//! fix it, and nothing is written. (A test binary of its own that links no SDK.)

use std::ffi::OsString;

use telemetry_docs::cli::{Binary, SourceLocation, run_with};
use telemetry_docs::{Disclosure, Lint};

#[test]
fn an_empty_registry_says_how_to_link_the_sdk() {
    let lints = Disclosure::from_registry().unwrap_err();
    assert_eq!(lints.problems(), [Lint::NoEvents, Lint::NoProduct]);

    let dir = std::env::temp_dir().join(format!("docs-gen-test-{}-empty", std::process::id()));
    let binary = Binary {
        package: "my-docs",
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        main: SourceLocation { file: "my-docs/src/main.rs", line: 3 },
    };
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let args = [OsString::from("my-docs"), "--out".into(), dir.clone().into()];
    assert_eq!(run_with(&binary, args, &mut stdout, &mut stderr), 2);
    let stderr = String::from_utf8(stderr).unwrap();
    assert!(stderr.starts_with("my-docs/src/main.rs:3: error: no telemetry events are linked"), "{stderr}");
    assert!(stderr.contains("`use your_sdk as _;`"), "says how to link the SDK: {stderr}");
    assert!(stderr.contains("register_product!(PRODUCT)"), "says how to register the product: {stderr}");
    assert!(!dir.exists(), "nothing is written");
}
