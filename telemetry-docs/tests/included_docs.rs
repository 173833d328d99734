//! A doc written as `#[doc = include_str!("…")]` or `#[doc = concat!(…)]` is what the page shows, like a `///` doc.

mod common;

use telemetry_docs::{Disclosure, render_html, render_markdown};
use telemetry_schema::{Product, TelemetryEnum, TelemetryEvent};

const PRODUCT: Product = Product::builder("Tool", "tool", telemetry_schema::version!("1.0.0"))
    .env_prefix("TOOL")
    .opt_in()
    .endpoint("https://telemetry.tool.example/v1")
    .purpose("Tool counts deployments.")
    .build();

/// Where a deployment went.
#[derive(Clone, Copy, TelemetryEnum)]
enum Target {
    #[doc = concat!("A region of the ", "European Union.")]
    Europe,
    /// Anywhere else.
    Elsewhere,
}

#[doc = include_str!("included_doc.md")]
#[derive(TelemetryEvent)]
struct Deployed {
    #[doc = concat!("Where it went, ", "from `concat!`.")]
    target: Target,
}

#[test]
fn the_page_shows_included_and_concatenated_docs() {
    // The event as a program builds it (only its metadata is rendered below).
    for target in [Target::Europe, Target::Elsewhere] {
        let _ = Deployed { target };
    }
    let disclosure = Disclosure::new(&PRODUCT, [&Deployed::META]).unwrap();
    let markdown = render_markdown(&disclosure).unwrap();
    let html = common::parse_html(&render_html(&disclosure).unwrap()).text;
    for page in [&markdown, &html] {
        for text in [
            "Sent after each deployment: the text of this doc is kept in a file next to the code.",
            "nothing",
            "A region of the European Union.",
            "Where it went, from",
        ] {
            assert!(page.contains(text), "the page does not show {text:?}:\n{page}");
        }
    }
}
