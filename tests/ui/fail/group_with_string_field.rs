use telemetry_schema::{TelemetryEvent, TelemetryGroup};

/// Which options the session configuration uses.
#[derive(TelemetryGroup)]
struct SessionOptions {
    /// Whether sessions are refreshed automatically.
    auto_refresh: bool,
    /// The name of the session cookie.
    cookie_name: String,
}

/// Sent when the auth library is initialized.
#[derive(TelemetryEvent)]
struct AuthInitialized {
    /// The session configuration.
    session: SessionOptions,
}

fn main() {}
