use telemetry_schema::TelemetryEvent;

/// Sent when a cache artifact is uploaded.
#[derive(TelemetryEvent)]
struct ArtifactUploaded {
    /// The size of the artifact, in bytes.
    bytes: u128,
    /// Whether the artifact was compressed.
    compressed: bool,
}

fn main() {}
