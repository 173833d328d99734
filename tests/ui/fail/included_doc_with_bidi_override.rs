use telemetry_schema::TelemetryEvent;

/// Sent after each deployment.
#[derive(TelemetryEvent)]
struct Deployed {
    #[doc = include_str!("included_doc_with_bidi_override.md")]
    production: bool,
}

fn main() {}
