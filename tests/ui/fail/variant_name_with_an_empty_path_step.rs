use telemetry_schema::TelemetryEnum;

/// The Next.js feature in use.
#[derive(Clone, Copy, TelemetryEnum)]
enum Feature {
    /// The image component.
    #[telemetry(rename = "next//image")]
    NextImage,
}

fn main() {}
