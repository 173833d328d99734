use std::net::IpAddr;

use telemetry_schema::TelemetryEvent;

/// Sent when the dev server starts listening.
#[derive(TelemetryEvent)]
struct DevServerStarted {
    /// The address the server listens on.
    address: IpAddr,
    /// Whether HTTPS is enabled.
    https: bool,
}

fn main() {}
