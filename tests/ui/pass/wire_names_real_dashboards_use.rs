//! Issue 14: variant names with the characters real telemetry sends (`next/image`, `gpt-5.5`, `2025-11`,
//! `@clerk/nextjs`) and event names with dots (`cli.start`).

use telemetry_schema::{TelemetryEnum, TelemetryEvent, is_valid_event_name, is_valid_variant_name, to_json};

/// The Next.js feature in use.
#[derive(Clone, Copy, TelemetryEnum)]
enum Feature {
    /// The image component.
    #[telemetry(rename = "next/image")]
    NextImage,
    /// AVIF images.
    #[telemetry(rename = "image/avif")]
    ImageAvif,
    /// The model.
    #[telemetry(rename = "gpt-5.5")]
    Gpt55,
    /// The protocol version of November 2025.
    #[telemetry(rename = "2025-11")]
    November2025,
    /// An MCP tool.
    #[telemetry(rename = "mcp/get_errors")]
    McpGetErrors,
    /// Clerk's Next.js package.
    #[telemetry(rename = "@clerk/nextjs")]
    ClerkNextjs,
}

/// Sent when the CLI starts.
#[derive(TelemetryEvent)]
#[telemetry(name = "cli.start")]
struct CliStart {
    /// The feature used.
    feature: Feature,
}

fn main() {
    assert_eq!(CliStart::META.name(), "cli.start");
    assert_eq!(CliStart::META.check(), Ok(()));
    let names: Vec<&str> = Feature::META.variants().iter().map(|v| v.name()).collect();
    assert_eq!(names, ["next/image", "image/avif", "gpt-5.5", "2025-11", "mcp/get_errors", "@clerk/nextjs"]);
    assert!(names.iter().all(|name| is_valid_variant_name(name)));
    assert!(is_valid_event_name(CliStart::META.name()));
    // Written verbatim: none of the characters needs escaping in JSON.
    assert_eq!(to_json(&CliStart { feature: Feature::ClerkNextjs }).unwrap(), r#"{"feature":"@clerk/nextjs"}"#);
    assert_eq!(to_json(&CliStart { feature: Feature::NextImage }).unwrap(), r#"{"feature":"next/image"}"#);
}
