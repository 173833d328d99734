use telemetry_schema::TelemetryEnum;

/// The cloud region the project is deployed to.
#[derive(Clone, Copy, TelemetryEnum)]
enum Region {}

fn main() {}
