use std::collections::BTreeMap;

use telemetry_schema::TelemetryEvent;

/// Sent when a project is linted.
#[derive(TelemetryEvent)]
struct Linted {
    /// Whether each rule is enabled, by rule name.
    rules: BTreeMap<String, bool>,
}

fn main() {}
