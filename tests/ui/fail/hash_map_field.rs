use std::collections::HashMap;

use telemetry_schema::TelemetryEvent;

/// Sent when the auth library is initialized.
#[derive(TelemetryEvent)]
struct AuthInitialized {
    /// Which features are enabled, by name.
    features: HashMap<String, bool>,
    /// How many trusted origins are configured.
    trusted_origins: u16,
}

fn main() {}
