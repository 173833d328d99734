//! Doc comments are arbitrary text. Hostile ones must stay text on both pages: no broken table, no injected
//! heading, list, link, HTML or script, and every character still shown.

mod common;

use telemetry_docs::{Disclosure, render_catalog, render_html, render_markdown};
use telemetry_schema::{
    CollectableKind, ConfigSwitch, CountWidth, EnumMeta, EventMeta, FieldMeta, GroupMeta, Product, VariantMeta,
};

/// Everything Markdown or HTML could mistake for markup, on several lines.
const HOSTILE: &str = "Pipes | in | text, a `code | span`, ``double `tick` code``, an unclosed ` backtick,
<script>alert('x')</script> <img src=\"https://evil.example/x.png\"> &amp; &lt; &copy;
*stars* _under_ **bold** [link](https://evil.example) ![image](https://evil.example/i.png) <https://evil.example>
$x^2$ ~~strike~~ \\backslash\\ trailing spaces   

# not a heading
- not a list
+ not a list either
1. not ordered
> not a quote
---
=====
| not | a | table |
|---|---|---|
```
not a fence
```
    not indented code
- [ ] not a task
[^1]: not a footnote";

/// What a reader must still see, as text, somewhere on the page.
const MUST_SHOW: &[&str] = &[
    "Pipes | in | text",
    "code | span",
    "double `tick` code",
    "an unclosed ` backtick",
    "<script>alert('x')</script>",
    "<img src=\"https://evil.example/x.png\">",
    "&amp; &lt; &copy;",
    "*stars* _under_ **bold** [link](https://evil.example) ![image](https://evil.example/i.png)",
    "$x^2$ ~~strike~~ \\backslash\\",
    "# not a heading - not a list + not a list either 1. not ordered > not a quote --- =====",
    "| not | a | table |",
];

const VARIANTS: &[VariantMeta] = &[VariantMeta::new("first", HOSTILE), VariantMeta::new("second-one", "# Two")];
const ENUM: EnumMeta = EnumMeta::new("Hostile", HOSTILE, VARIANTS);
const GROUP_FIELDS: &[FieldMeta] = &[FieldMeta::new("inner", HOSTILE, CollectableKind::Count(CountWidth::U8))];
const GROUP: GroupMeta = GroupMeta::new("HostileGroup", HOSTILE, GROUP_FIELDS);
const FIELDS: &[FieldMeta] = &[
    FieldMeta::new("choice", HOSTILE, CollectableKind::Enum(&ENUM)),
    FieldMeta::new("choices", "- starts like a list | and has a pipe", CollectableKind::EnumSet(&ENUM)),
    FieldMeta::new("group", HOSTILE, CollectableKind::Group(&GROUP)),
    FieldMeta::new("maybe", "1. looks ordered", CollectableKind::Optional(&CollectableKind::Bool)),
];
const EVENT: EventMeta = EventMeta::new("HOSTILE_EVENT", 1, HOSTILE, FIELDS);
/// Paragraphs that start the way Markdown blocks start.
const BLOCK_STARTS: &str = "# Heading-like start\n\n> and a quote\n\n- a list-like paragraph\n\n+ another one\n\n\
                            3. ordered-like\n\n4) also ordered-like\n\n---\n\n===";
const OTHER: EventMeta = EventMeta::new("B_EVENT", 3, BLOCK_STARTS, &[]);

fn hostile_product(purpose: &'static str) -> Product {
    Product::builder("Evil <b>Corp</b> & | Co", "evil", telemetry_schema::version!("1.0.0"))
        .env_prefix("EVIL")
        .opt_out()
        .endpoint("https://telemetry.evil.example/v1?a=1&b=<2>")
        .purpose(purpose)
        .cli_command("evil `tele|metry`")
        .config_switch(ConfigSwitch::json("<config> | \"file\"`.json", "evil"))
        .retention("kept <forever> | `ever`")
        .contact("<script>alert(1)</script>")
        .deletion("ask | `nicely` & *twice*")
        .build()
}

/// A very long doc (one line of about 17 000 characters, long words included), built at run time.
fn very_long_doc() -> &'static str {
    let line = format!("{} | {} `{}`", "word ".repeat(2_000), "x".repeat(5_000), "y|".repeat(1_000));
    Box::leak(line.into_boxed_str())
}

#[test]
fn hostile_docs_stay_text_in_markdown() {
    let product = hostile_product(HOSTILE);
    let disclosure = Disclosure::new(&product, [&EVENT, &OTHER]).unwrap();
    let markdown = render_markdown(&disclosure).unwrap();
    let parsed = common::assert_well_formed_markdown(&markdown, 4);

    // Only the page's own headings: the title, the sections and one per event.
    assert_eq!(
        parsed.headings,
        [
            "What Evil <b>Corp</b> & | Co collects",
            "Contents",
            "What is collected",
            "B_EVENT",
            "HOSTILE_EVENT",
            "What changed",
            "What is sent with every event",
            "An example event",
            "What is never collected",
            "How much one event can say",
            "How to see what is sent",
            "How to turn it off",
            "What happens to the data",
        ]
    );
    // Two event tables (B_EVENT has no fields) and the envelope's: one per field row plus the header.
    assert_eq!(parsed.table_rows.len(), 2);
    assert_eq!(parsed.table_rows[0].len(), 1 + 5);
    let text = collapse(&parsed.text);
    for expected in MUST_SHOW {
        assert!(text.contains(&collapse(expected)), "the page lost {expected:?}");
    }
    // Table cells keep the whole doc too (GFM would silently drop what an unescaped pipe split off).
    let fields = &parsed.tables[0];
    for first in ["choice", "group", "group.inner"] {
        let description = collapse(&common::row(fields, first)[3]);
        for expected in MUST_SHOW.iter().take(6) {
            assert!(description.contains(&collapse(expected)), "row {first} lost {expected:?}: {description}");
        }
    }
    assert_eq!(common::row(fields, "choices")[3], "- starts like a list | and has a pipe");
    assert!(text.contains("evil `tele|metry` disable"), "CLI command with a pipe and backticks");
    assert!(text.contains("<config> | \"file\"`.json"), "the config switch's file name, as written");
    for (label, value) in [
        // Backticks make a code span, as in doc comments.
        ("How long it is kept:", "kept <forever> | ever"),
        ("Who to contact:", "<script>alert(1)</script>"),
        ("How to have it deleted:", "ask | nicely & *twice*"),
    ] {
        assert!(text.contains(&format!("{label} {value}")), "{label} {value:?} not shown as written");
    }
    let block_starts = collapse(&BLOCK_STARTS.replace("\n\n", " "));
    assert!(text.contains(&block_starts), "a paragraph became a block: {block_starts:?} not in the page");
    assert!(markdown.ends_with('\n') && !markdown.ends_with("\n\n"));
}

#[test]
fn hostile_docs_stay_text_in_html() {
    let product = hostile_product(HOSTILE);
    let disclosure = Disclosure::new(&product, [&EVENT, &OTHER]).unwrap();
    let html = render_html(&disclosure).unwrap();
    let parsed = common::assert_self_contained_html(&html);
    let text = collapse(&parsed.text);
    for expected in MUST_SHOW {
        assert!(text.contains(&collapse(expected)), "the page lost {expected:?}");
    }
    assert!(!html.contains("<script>") && !html.contains("<img") && !html.contains("<b>"));
}

#[test]
fn very_long_lines_do_not_break_tables() {
    let long = very_long_doc();
    let fields: &'static [FieldMeta] = Box::leak(Box::new([
        FieldMeta::new("long", long, CollectableKind::Bool),
        FieldMeta::new("after", "The row after.", CollectableKind::DurationMillis),
    ]));
    let event: &'static EventMeta = Box::leak(Box::new(EventMeta::new("LONG", 1, long, fields)));
    let product = hostile_product(long);
    let disclosure = Disclosure::new(&product, [event]).unwrap();

    let markdown = render_markdown(&disclosure).unwrap();
    let parsed = common::assert_well_formed_markdown(&markdown, 4);
    assert_eq!(parsed.table_rows[0], [4, 4, 4]);
    let row = markdown.lines().find(|line| line.starts_with("| `long` |")).expect("the long row");
    assert!(row.ends_with(" |") && row.len() > long.len(), "the row stays on one line");
    // The whole doc is in the cell; the code span shows without its backticks.
    assert_eq!(collapse(&common::row(&parsed.tables[0], "long")[3]), collapse(&long.replace('`', "")));

    let html = render_html(&disclosure).unwrap();
    common::assert_self_contained_html(&html);
    assert!(html.contains("overflow-wrap:anywhere"), "long words wrap instead of widening the page");
}

#[test]
fn control_characters_never_reach_the_pages() {
    let doc: &'static str = Box::leak("Bell\u{7} escape\u{1b}[31m null\u{0} del\u{7f} crlf\r\nend".into());
    // The checking constructor refuses it (at compile time in a `const`; here, at run time).
    assert!(std::panic::catch_unwind(|| FieldMeta::new("f", doc, CollectableKind::Bool)).is_err());
    // Built without the checks, docs-gen refuses it rather than show a page with it.
    let fields: &'static [FieldMeta] = Box::leak(Box::new([FieldMeta::__derived("f", doc, CollectableKind::Bool)]));
    let event: &'static EventMeta = Box::leak(Box::new(EventMeta::__derived("CTRL", 1, "Controls.", fields)));
    let product = hostile_product("Why.");
    let disclosure = Disclosure::new(&product, [event]).unwrap();
    for error in [render_markdown(&disclosure).unwrap_err(), render_html(&disclosure).unwrap_err()] {
        assert!(error.to_string().contains("U+0007, a control character"), "{error}");
    }
    // A CRLF line ending alone is not refused: it is how a doc read from a Windows file ends its lines.
    const CRLF: &[FieldMeta] = &[FieldMeta::new("f", "First line.\r\nSecond line.", CollectableKind::Bool)];
    const CRLF_EVENT: EventMeta = EventMeta::new("CRLF", 1, "Lines.\r\n", CRLF);
    let markdown = render_markdown(&Disclosure::new(&product, [&CRLF_EVENT]).unwrap()).unwrap();
    assert!(!markdown.contains('\r') && markdown.contains("First line. Second line."));
}

#[test]
fn catalog_keeps_docs_verbatim_and_is_valid_json() {
    let product = hostile_product(HOSTILE);
    let disclosure = Disclosure::new(&product, [&EVENT, &OTHER]).unwrap();
    let catalog: serde_json::Value = serde_json::from_str(&render_catalog(&disclosure).unwrap()).unwrap();
    assert_eq!(catalog["events"][1]["doc"], HOSTILE);
    assert_eq!(catalog["events"][1]["fields"][0]["values"][0]["doc"], HOSTILE);
    assert_eq!(catalog["product"]["name"], "Evil <b>Corp</b> & | Co");
}

/// Whitespace runs as one space: the page joins a doc's lines.
fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
