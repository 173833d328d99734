use telemetry_schema::TelemetryGroup;

#[derive(TelemetryGroup)]
struct EmailOptions {
    /// Whether email and password sign-in is enabled.
    enabled: bool,
    /// Whether emails must be verified before sign-in.
    require_verification: bool,
}

fn main() {}
