//! `cargo run -p docs-gen`: writes the "what is collected" page, the catalog and the schemas of the example SDK
//! at the workspace root; `cargo run -p docs-gen -- --check` fails when the committed files are out of date.

// Linking the SDK crate is what puts its events and product in the registry.
use example_sdk as _;

fn main() -> std::process::ExitCode {
    telemetry_docs::main!()
}
