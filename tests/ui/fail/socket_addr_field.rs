use std::net::SocketAddr;

use telemetry_schema::TelemetryEvent;

/// Sent when the dev server starts listening.
#[derive(TelemetryEvent)]
struct DevServerStarted {
    /// The address and port the server listens on.
    listen: SocketAddr,
    /// Whether HTTPS is enabled.
    https: bool,
}

fn main() {}
