use telemetry_schema::TelemetryEvent;

/// Sent when the auth library is initialized.
#[derive(TelemetryEvent)]
struct AuthInitialized {
    /// A redacted snapshot of the configuration.
    config: serde_json::Value,
    /// How many social providers are configured.
    social_providers: u8,
}

fn main() {}
