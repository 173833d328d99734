use telemetry_schema::TelemetryEvent;

/// Sent when an image is optimized.
#[derive(TelemetryEvent)]
struct ImageOptimized {
    /// How much smaller the image got, as a ratio.
    compression_ratio: f32,
    /// Whether the image was converted to WebP.
    webp: bool,
}

fn main() {}
