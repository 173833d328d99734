//! `cargo run -p docs-gen --bin real-events-docs`: writes the page, catalog and schemas of the ported real
//! events (the `real-events` crate) under `docs/real-events/`; `-- --check` fails when the committed files are
//! out of date. The example SDK's files at the workspace root are `cargo run -p docs-gen`'s, and this binary
//! never touches them: it links only the `real-events` crate, so its registry holds only those events and
//! their product.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use telemetry_docs::cli::{Binary, SourceLocation, run, workspace_root};

// Linking the crate is what puts its events and product in the registry.
use real_events as _;

/// Where the files go unless `--out` says otherwise, relative to the workspace root.
const OUT_DIR: &str = "docs/real-events";

fn main() -> ExitCode {
    let binary = Binary {
        // Shown in the usage line and in the "run `cargo run -p …` to regenerate" hint.
        package: "docs-gen --bin real-events-docs",
        manifest_dir: env!("CARGO_MANIFEST_DIR"),
        main: SourceLocation { file: file!(), line: line!() },
    };
    let mut args: Vec<OsString> = std::env::args_os().collect();
    let has_out = args.iter().any(|arg| arg == "--out" || arg.to_str().is_some_and(|arg| arg.starts_with("--out=")));
    if !has_out {
        // As for `cargo run -p docs-gen`: the runtime manifest directory when cargo runs it (a moved checkout
        // still works), else the one from build time.
        let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .filter(|dir| dir.join("Cargo.toml").is_file())
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
        let root = workspace_root(Path::new(&manifest_dir)).unwrap_or(manifest_dir);
        args.push("--out".into());
        args.push(root.join(OUT_DIR).into_os_string());
    }
    run(&binary, args)
}
