use telemetry_schema::TelemetryEvent;

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// Whether the image component was used.
    #[telemetry(rename = "next/image")]
    next_image: bool,
}

fn main() {}
