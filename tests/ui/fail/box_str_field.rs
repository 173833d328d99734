use telemetry_schema::TelemetryEvent;

/// Sent when a user signs in.
#[derive(TelemetryEvent)]
struct SignedIn {
    /// The provider the user signed in with.
    provider: Box<str>,
    /// Whether two-factor authentication was used.
    two_factor: bool,
}

fn main() {}
