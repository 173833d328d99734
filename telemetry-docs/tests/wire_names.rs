//! Issue 14: event names with dots (`cli.start`) and variant names with the characters real telemetry sends
//! (`next/image`, `image/avif`, `gpt-5.5`, `2025-11`, `mcp/get_errors`, `@clerk/nextjs`) stay what they are on every
//! output: text (never a link, markup or an e-mail address) on both pages, a working anchor, a schema file of their
//! own, a catalog key.

mod common;

use telemetry_docs::{Disclosure, Format, generate, render_catalog, render_html, render_markdown};
use telemetry_schema::schema::SchemaOptions;
use telemetry_schema::{Product, TelemetryEnum, TelemetryEvent};

const PRODUCT: Product = Product::builder("Tool", "tool", telemetry_schema::version!("1.0.0"))
    .env_prefix("TOOL")
    .opt_in()
    .endpoint("https://telemetry.tool.example/v1")
    .purpose("Tool counts which features are used.")
    .build();

/// The feature in use.
#[derive(Clone, Copy, TelemetryEnum)]
#[allow(dead_code)] // only its metadata is rendered
enum Feature {
    /// The image component.
    #[telemetry(rename = "next/image")]
    NextImage,
    /// AVIF images.
    #[telemetry(rename = "image/avif")]
    ImageAvif,
    /// The model.
    #[telemetry(rename = "gpt-5.5")]
    Gpt,
    /// The protocol version of November 2025.
    #[telemetry(rename = "2025-11")]
    November2025,
    /// An MCP tool.
    #[telemetry(rename = "mcp/get_errors")]
    McpGetErrors,
    /// Clerk's Next.js package.
    #[telemetry(rename = "@clerk/nextjs")]
    ClerkNextjs,
    /// A host-like value, which GitHub would autolink in plain text.
    #[telemetry(rename = "www.example.com")]
    Www,
}

/// Sent when the CLI starts.
#[derive(TelemetryEvent)]
#[telemetry(name = "cli.start")]
struct CliStart {
    /// The feature used.
    feature: Feature,
}

/// Sent when the CLI starts, under the older name (a different event, with a different table and file).
#[derive(TelemetryEvent)]
#[telemetry(name = "cli_start")]
struct CliStartOld {
    /// The feature used.
    feature: Feature,
}

const VARIANTS: [&str; 7] =
    ["next/image", "image/avif", "gpt-5.5", "2025-11", "mcp/get_errors", "@clerk/nextjs", "www.example.com"];

fn disclosure() -> Disclosure<'static> {
    Disclosure::new(&PRODUCT, [&CliStart::META, &CliStartOld::META]).unwrap()
}

#[test]
fn markdown_shows_the_names_as_code_with_a_working_anchor() {
    let markdown = render_markdown(&disclosure()).unwrap();
    let parsed = common::assert_well_formed_markdown(&markdown, 4);
    for name in VARIANTS.iter().chain(&["cli.start", "cli_start"]) {
        assert!(markdown.contains(&format!("`{name}`")), "{name} is not a code span:\n{markdown}");
        assert!(parsed.text.contains(name), "{name} is not shown as text");
    }
    // Links only to the page's own anchors: no autolink, mention or e-mail link came from a name.
    assert!(parsed.destinations.contains(&"#event-cli.start".to_owned()), "{:?}", parsed.destinations);
    assert!(parsed.html.contains(&"<a id=\"event-cli.start\">".to_owned()), "{:?}", parsed.html);
    assert!(parsed.destinations.iter().all(|d| d.starts_with('#')), "{:?}", parsed.destinations);
}

#[test]
fn html_shows_the_names_as_text_with_a_working_anchor() {
    let html = render_html(&disclosure()).unwrap();
    let parsed = common::assert_self_contained_html(&html);
    for name in VARIANTS.iter().chain(&["cli.start", "cli_start"]) {
        assert!(parsed.text.contains(name), "{name} is not shown");
    }
    let attribute = |element: &str, key: &str, value: &str| {
        parsed.elements.iter().any(|(name, attrs)| name == element && attrs.iter().any(|(k, v)| k == key && v == value))
    };
    assert!(attribute("a", "href", "#event-cli.start"), "no link to the event");
    assert!(parsed.elements.iter().any(|(_, attrs)| attrs.iter().any(|(k, v)| k == "id" && v == "event-cli.start")));
    let hrefs: Vec<&String> = parsed
        .elements
        .iter()
        .flat_map(|(_, attrs)| attrs.iter().filter(|(k, _)| k == "href").map(|(_, v)| v))
        .collect();
    assert!(hrefs.iter().all(|href| href.starts_with('#')), "{hrefs:?}");
}

#[test]
fn each_event_gets_its_own_schema_file_and_catalog_entry() {
    let generated = generate(&disclosure(), &Format::ALL, &SchemaOptions::default()).unwrap();
    let paths: Vec<&str> = generated.files.iter().map(|file| file.path.as_str()).collect();
    let dotted = paths.iter().find(|p| p.ends_with("/cli.start.v1.json")).expect("a file for cli.start");
    assert!(paths.iter().any(|p| p.ends_with("/cli_start.v1.json")), "{paths:?}");
    assert!(!dotted.contains("..") && dotted.split('/').all(|part| !part.starts_with('.')), "{dotted}");
    let dir = common::TempDir::new("wire-names");
    generated.write(dir.path()).unwrap();
    let schema = std::fs::read_to_string(dir.path().join(dotted)).unwrap();
    for name in VARIANTS {
        assert!(schema.contains(&format!("\"{name}\"")), "{name} is not verbatim in the schema");
    }
    let catalog: serde_json::Value = serde_json::from_str(&render_catalog(&disclosure()).unwrap()).unwrap();
    assert!(catalog.to_string().contains("\"cli.start\""), "{catalog}");
}
