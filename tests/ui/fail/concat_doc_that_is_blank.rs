use telemetry_schema::TelemetryEnum;

/// Where it went.
#[derive(Clone, Copy, TelemetryEnum)]
enum Region {
    #[doc = concat!(" ", "\n")]
    Europe,
}

fn main() {}
