//! Helpers shared by the integration tests: temporary directories, a spec-conformant HTML parse, a GFM parse.

#![allow(dead_code, unreachable_pub)] // each test binary uses a different part

use std::borrow::Cow;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use html5ever::tendril::{StrTendril, TendrilSink};
use html5ever::tokenizer::TokenizerOpts;
use html5ever::tree_builder::{ElementFlags, NodeOrText, QuirksMode, TreeBuilderOpts, TreeSink};
use html5ever::{Attribute, ExpandedName, ParseOpts, QualName, parse_document};

/// A directory under the system temp dir, removed on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("docs-gen-test-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("create temp dir");
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// What an HTML5 parser made of a document.
#[derive(Debug, Default)]
pub struct ParsedHtml {
    /// Parse errors, as the HTML specification defines them (exact messages).
    pub errors: Vec<String>,
    /// Every element: local name and attributes.
    pub elements: Vec<(String, Vec<(String, String)>)>,
    /// All text content, in document order.
    pub text: String,
}

/// Parses `html` with html5ever (the parser of Servo), collecting parse errors, elements and text.
pub fn parse_html(html: &str) -> ParsedHtml {
    let sink = Sink { next_id: Cell::new(1), names: RefCell::new(HashMap::new()), parsed: RefCell::default() };
    let opts = ParseOpts {
        tokenizer: TokenizerOpts { exact_errors: true, ..Default::default() },
        tree_builder: TreeBuilderOpts { exact_errors: true, ..Default::default() },
    };
    let sink = parse_document(sink, opts).one(html);
    sink.parsed.into_inner()
}

struct Sink {
    next_id: Cell<usize>,
    names: RefCell<HashMap<usize, &'static QualName>>,
    parsed: RefCell<ParsedHtml>,
}

impl Sink {
    fn new_id(&self) -> usize {
        let id = self.next_id.get();
        self.next_id.set(id + 2);
        id
    }
}

impl TreeSink for Sink {
    type Handle = usize;
    type Output = Self;
    type ElemName<'a> = ExpandedName<'a>;

    fn finish(self) -> Self {
        self
    }
    fn parse_error(&self, msg: Cow<'static, str>) {
        self.parsed.borrow_mut().errors.push(msg.into_owned());
    }
    fn get_document(&self) -> usize {
        0
    }
    fn elem_name(&self, target: &usize) -> ExpandedName<'_> {
        self.names.borrow().get(target).expect("an element").expanded()
    }
    fn create_element(&self, name: QualName, attrs: Vec<Attribute>, _: ElementFlags) -> usize {
        let id = self.new_id();
        let attrs = attrs.iter().map(|a| (a.name.local.to_string(), a.value.to_string())).collect();
        self.parsed.borrow_mut().elements.push((name.local.to_string(), attrs));
        self.names.borrow_mut().insert(id, Box::leak(Box::new(name)));
        id
    }
    fn create_comment(&self, _text: StrTendril) -> usize {
        self.new_id()
    }
    fn create_pi(&self, _target: StrTendril, _data: StrTendril) -> usize {
        self.new_id()
    }
    fn append(&self, _parent: &usize, child: NodeOrText<usize>) {
        if let NodeOrText::AppendText(text) = child {
            self.parsed.borrow_mut().text.push_str(&text);
        }
    }
    fn append_based_on_parent_node(&self, _: &usize, _: &usize, _: NodeOrText<usize>) {}
    fn append_doctype_to_document(&self, _: StrTendril, _: StrTendril, _: StrTendril) {}
    fn get_template_contents(&self, target: &usize) -> usize {
        target + 1
    }
    fn same_node(&self, x: &usize, y: &usize) -> bool {
        x == y
    }
    fn set_quirks_mode(&self, mode: QuirksMode) {
        if mode != QuirksMode::NoQuirks {
            self.parsed.borrow_mut().errors.push(format!("quirks mode: {mode:?}"));
        }
    }
    fn append_before_sibling(&self, _: &usize, _: NodeOrText<usize>) {}
    fn add_attrs_if_missing(&self, _: &usize, _: Vec<Attribute>) {}
    fn remove_from_parent(&self, _: &usize) {}
    fn reparent_children(&self, _: &usize, _: &usize) {}
}

/// Asserts that `html` is a self-contained page: it parses without a single HTML parse error, in standards
/// mode, has no script, loads nothing (no `src`, no external `href`, no `url(` or `@import` in CSS), and is set
/// up for phones.
pub fn assert_self_contained_html(html: &str) -> ParsedHtml {
    let parsed = parse_html(html);
    assert!(parsed.errors.is_empty(), "HTML parse errors: {:#?}", parsed.errors);
    for (name, attrs) in &parsed.elements {
        assert!(
            !matches!(name.as_str(), "script" | "img" | "iframe" | "object" | "embed" | "link" | "base" | "form"),
            "unexpected <{name}> element"
        );
        for (attr, value) in attrs {
            assert!(attr != "src" && attr != "srcset" && !attr.starts_with("on"), "<{name} {attr}={value:?}>");
            if attr == "href" {
                assert!(value.starts_with('#'), "<{name} href={value:?}> leaves the page");
            }
        }
    }
    let style = html.split("<style>").nth(1).and_then(|rest| rest.split("</style>").next()).unwrap_or("");
    assert!(!style.contains("url(") && !style.contains("@import"), "the CSS loads something");
    let meta_named = |key: &str, value: &str| {
        parsed.elements.iter().any(|(name, attrs)| name == "meta" && attrs.iter().any(|(k, v)| k == key && v == value))
    };
    assert!(meta_named("name", "viewport"), "no viewport meta: unreadable on a phone");
    assert!(meta_named("http-equiv", "Content-Security-Policy"), "no Content-Security-Policy");
    parsed
}

/// What a GFM parser made of a Markdown document.
#[derive(Debug, Default)]
pub struct ParsedMarkdown {
    /// Heading texts, in order.
    pub headings: Vec<String>,
    /// For each table, the number of cells in each row (the header row first).
    pub table_rows: Vec<Vec<usize>>,
    /// For each table, each row's cells as text (the header row first).
    pub tables: Vec<Vec<Vec<String>>>,
    /// Raw HTML the renderer would pass through.
    pub html: Vec<String>,
    /// Link and image destinations.
    pub destinations: Vec<String>,
    /// Emphasis, strikethrough, block quotes, rules and other constructs the page never writes.
    pub unexpected: Vec<String>,
    /// Languages of fenced code blocks.
    pub code_blocks: Vec<String>,
    /// All text (and inline code) content, in document order.
    pub text: String,
}

/// Parses `markdown` as GitHub does (tables, strikethrough, task lists).
pub fn parse_markdown(markdown: &str) -> ParsedMarkdown {
    use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_MATH
        | Options::ENABLE_FOOTNOTES;
    let mut parsed = ParsedMarkdown::default();
    let mut heading: Option<String> = None;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Start(Tag::Heading { .. }) => heading = Some(String::new()),
            Event::End(TagEnd::Heading(_)) => parsed.headings.extend(heading.take()),
            Event::Start(Tag::Table(_)) => {
                parsed.table_rows.push(Vec::new());
                parsed.tables.push(Vec::new());
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                parsed.table_rows.last_mut().expect("a row inside a table").push(0);
                parsed.tables.last_mut().expect("a row inside a table").push(Vec::new());
            }
            Event::Start(Tag::TableCell) => {
                *parsed.table_rows.last_mut().and_then(|t| t.last_mut()).expect("a cell inside a row") += 1;
                parsed.tables.last_mut().and_then(|t| t.last_mut()).expect("a cell inside a row").push(String::new());
            }
            Event::Html(html) | Event::InlineHtml(html) => parsed.html.push(html.to_string()),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                parsed.destinations.push(dest_url.to_string());
            }
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(lang))) => parsed.code_blocks.push(lang.to_string()),
            Event::Start(Tag::CodeBlock(CodeBlockKind::Indented)) => parsed.unexpected.push("indented code".into()),
            Event::Start(
                tag @ (Tag::Emphasis
                | Tag::Strikethrough
                | Tag::BlockQuote(_)
                | Tag::FootnoteDefinition(_)
                | Tag::HtmlBlock),
            ) => parsed.unexpected.push(format!("{tag:?}")),
            Event::Rule | Event::TaskListMarker(_) | Event::FootnoteReference(_) => {
                parsed.unexpected.push(format!("{event:?}"));
            }
            Event::InlineMath(math) | Event::DisplayMath(math) => parsed.unexpected.push(format!("math {math}")),
            Event::Text(text) | Event::Code(text) => {
                if let Some(heading) = heading.as_mut() {
                    heading.push_str(&text);
                }
                if let Some(cell) = parsed.tables.last_mut().and_then(|t| t.last_mut()).and_then(|r| r.last_mut()) {
                    cell.push_str(&text);
                }
                parsed.text.push_str(&text);
            }
            Event::SoftBreak | Event::HardBreak => parsed.text.push(' '),
            // Blocks are separate in the text too.
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::TableCell | TagEnd::CodeBlock) => {
                parsed.text.push(' ');
            }
            _ => {}
        }
    }
    parsed
}

/// Asserts the structural promises of the Markdown page: every table row has exactly `columns` cells (counted
/// on the raw line too, since GFM silently drops excess cells: every unescaped `|` splits, even in code), the only
/// raw HTML is the page's own anchors and line breaks, every link stays on the page, and no emphasis, quote,
/// rule or math appears (the page writes none; doc text must not create any).
pub fn assert_well_formed_markdown(markdown: &str, columns: usize) -> ParsedMarkdown {
    let parsed = parse_markdown(markdown);
    for line in markdown.lines().filter(|line| line.starts_with('|')) {
        assert_eq!(unescaped_pipes(line), columns + 1, "a table row splits into the wrong number of cells: {line}");
    }
    for (i, table) in parsed.table_rows.iter().enumerate() {
        for (row, cells) in table.iter().enumerate() {
            assert_eq!(*cells, columns, "table {i}, row {row} has {cells} cells");
        }
    }
    for html in &parsed.html {
        let ours = (html.starts_with("<a id=\"") && html.ends_with("\">")) || html == "</a>" || html == "<br>";
        assert!(ours, "raw HTML in the Markdown: {html:?}");
    }
    for destination in &parsed.destinations {
        assert!(destination.starts_with('#'), "a link leaves the page: {destination:?}");
    }
    assert!(parsed.unexpected.is_empty(), "unexpected Markdown constructs: {:?}", parsed.unexpected);
    parsed
}

/// The `|` characters of a line not escaped by a backslash.
fn unescaped_pipes(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        match c {
            '\\' if !escaped => escaped = true,
            '|' if !escaped => count += 1,
            _ => escaped = false,
        }
    }
    count
}

/// The cells of the row of `table` whose first cell is `first`.
pub fn row<'a>(table: &'a [Vec<String>], first: &str) -> &'a [String] {
    table.iter().find(|row| row.first().is_some_and(|cell| cell == first)).unwrap_or_else(|| panic!("no row {first}"))
}
