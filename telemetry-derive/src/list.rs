//! `telemetry_enum_from_list!`: a `TelemetryEnum` whose values are kept in a file, one documented value per line,
//! so a list of 140 known packages is data, not hand-written code (issue 14, item 6).
//!
//! The macro reads the list, checks every line (reporting `file:line` and what is wrong), and writes an ordinary
//! enum with one documented, renamed variant per line and `#[derive(TelemetryEnum)]`: everything the derive
//! checks and generates applies unchanged. An `include_bytes!` of the file makes the compiler rebuild the crate
//! when the list changes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Ident, LitStr, Token, Visibility};

/// `#[attrs] vis enum Name = "path";`
pub(crate) struct ListInput {
    attrs: Vec<Attribute>,
    vis: Visibility,
    ident: Ident,
    path: LitStr,
}

impl Parse for ListInput {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        let attrs = input.call(Attribute::parse_outer)?;
        let vis: Visibility = input.parse()?;
        input.parse::<Token![enum]>().map_err(|e| {
            syn::Error::new(
                e.span(),
                "expected `enum`: write `/// What the choice is.` then `pub enum Name = \"lists/name.txt\";`",
            )
        })?;
        let ident: Ident = input.parse()?;
        input.parse::<Token![=]>().map_err(|e| {
            syn::Error::new(e.span(), "expected `=` and the list's path in quotes: `enum Name = \"lists/name.txt\";`")
        })?;
        let path: LitStr = input.parse()?;
        if input.peek(Token![;]) {
            input.parse::<Token![;]>()?;
        }
        if !input.is_empty() {
            return Err(input.error("unexpected tokens after the list's path: one enum per macro call"));
        }
        Ok(Self { attrs, vis, ident, path })
    }
}

/// One value of the list: its wire name, doc sentence, the variant identifier made from the name, and its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) wire: String,
    pub(crate) doc: String,
    pub(crate) ident: String,
    pub(crate) line: usize,
}

/// Parses the text of a list. Every problem is returned, each as `line: what is wrong` (line 0: the whole file).
pub(crate) fn parse_list(text: &str) -> Result<Vec<Entry>, Vec<(usize, String)>> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut problems = Vec::new();
    let mut by_wire: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_ident: BTreeMap<String, (usize, String)> = BTreeMap::new();
    // A byte order mark at the start says how the file is encoded (Windows editors write one); it is not text.
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    for (index, raw) in text.split('\n').enumerate() {
        let line = index + 1;
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        if let Some((c, what)) = crate::hidden::find(raw) {
            problems.push((
                line,
                format!(
                    "the line holds U+{:04X}, {what}: the page would show text a reader cannot see; remove it",
                    u32::from(c)
                ),
            ));
            continue;
        }
        let (wire, doc) = match trimmed.split_once(char::is_whitespace) {
            Some((wire, doc)) => (wire, doc.trim()),
            None => (trimmed, ""),
        };
        if doc.is_empty() {
            problems.push((
                line,
                format!(
                    "missing doc for {wire:?}: every value is explained on the \"what is collected\" page; write \
                     the name, a space, then a sentence saying what it means"
                ),
            ));
            continue;
        }
        if !crate::valid::is_variant_name(wire) {
            problems.push((
                line,
                format!("invalid value name {wire:?}: a value name must {}", crate::valid::VARIANT_NAME_RULE),
            ));
            continue;
        }
        if let Some(first) = by_wire.insert(wire.to_owned(), line) {
            problems.push((line, format!("{wire:?} is already listed on line {first}; list each value once")));
            continue;
        }
        let Some(ident) = identifier(wire) else {
            problems.push((line, format!("{wire:?} has no letter or digit to make a Rust name from")));
            continue;
        };
        if let Some((first, other)) = by_ident.get(&ident) {
            problems.push((
                line,
                format!(
                    "{wire:?} and {other:?} (line {first}) both become the variant `{ident}`; they differ only in \
                     punctuation or case, so keep one of them"
                ),
            ));
            continue;
        }
        by_ident.insert(ident.clone(), (line, wire.to_owned()));
        entries.push(Entry { wire: wire.to_owned(), doc: doc.to_owned(), ident, line });
    }
    if entries.is_empty() && problems.is_empty() {
        problems.push((
            0,
            "the list has no values, so no value of the enum could ever be sent; write one value per line: the \
             name, a space, then a sentence saying what it means"
                .to_owned(),
        ));
    }
    if problems.is_empty() { Ok(entries) } else { Err(problems) }
}

/// The variant identifier for a wire name: the runs of ASCII letters and digits, each starting with a capital,
/// joined (`next/image` → `NextImage`, `image/avif` → `ImageAvif`, `mcp/get_errors` → `McpGetErrors`); two runs
/// of digits keep a `_` between them (`gpt-5.5` → `Gpt5_5`), and a name starting with a digit gets a `V`
/// (`2025-11` → `V2025_11`); `self` becomes `Self_`, since `Self` is a keyword. `None` when there is no letter or
/// digit.
pub(crate) fn identifier(wire: &str) -> Option<String> {
    let mut out = String::new();
    for run in wire.split(|c: char| !c.is_ascii_alphanumeric()).filter(|run| !run.is_empty()) {
        if out.ends_with(|c: char| c.is_ascii_digit()) && run.starts_with(|c: char| c.is_ascii_digit()) {
            out.push('_');
        }
        let mut chars = run.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if out == "Self" {
        out.push('_');
    }
    (!out.is_empty()).then_some(out)
}

/// Where the list is: relative to the directory of the file that calls the macro, as for `include_str!`.
/// Always absolute: Cargo gives the compiler the sources of a workspace's crates as paths relative to its working
/// directory (`tests/tests/x.rs`), which is right for reading here but would be read again relative to the calling
/// file by the `include_bytes!` that tracks the list.
fn resolve(path: &str) -> PathBuf {
    let path = Path::new(path);
    if path.is_absolute() {
        return path.to_owned();
    }
    let caller = proc_macro::Span::call_site().local_file();
    let base = caller.as_deref().and_then(Path::parent).map(Path::to_owned).or_else(|| {
        // No source file (e.g. code made by another tool): the crate's root, as Cargo runs the compiler there.
        std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from)
    });
    let resolved = match base {
        Some(base) => base.join(path),
        None => path.to_owned(),
    };
    match std::env::current_dir() {
        Ok(cwd) if resolved.is_relative() => cwd.join(resolved),
        _ => resolved,
    }
}

/// The `#[telemetry(crate = "...")]` path among the attributes, for the derive's own path.
fn crate_path(attrs: &[Attribute]) -> syn::Result<TokenStream> {
    let mut found = None;
    for attr in attrs.iter().filter(|a| a.path().is_ident("telemetry")) {
        attr.parse_nested_meta(|meta| {
            if meta.path.is_ident("crate") {
                let lit: LitStr = meta.value()?.parse()?;
                found = Some(lit.parse::<syn::Path>()?);
            } else if meta.input.peek(Token![=]) {
                // Another container attribute (e.g. `rename_all`): the derive reads and checks it.
                let _: syn::Expr = meta.value()?.parse()?;
            }
            Ok(())
        })?;
    }
    Ok(match found {
        Some(path) => quote!(#path),
        None => quote!(::telemetry_schema),
    })
}

pub(crate) fn expand(input: ListInput) -> TokenStream {
    let written = input.path.value();
    let path = resolve(&written);
    let fail = |message: String| syn::Error::new(input.path.span(), message).to_compile_error();
    let text = match std::fs::read(&path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => {
                return fail(format!(
                    "{written}: the list is not UTF-8 (byte {} is not); save it as UTF-8",
                    e.utf8_error().valid_up_to()
                ));
            }
        },
        Err(e) => {
            return fail(format!(
                "cannot read the list {written:?} (looked at {}): {e}; the path is relative to the directory of \
                 the file that calls the macro, as for `include_str!`",
                path.display()
            ));
        }
    };
    let entries = match parse_list(&text) {
        Ok(entries) => entries,
        Err(problems) => {
            return problems
                .into_iter()
                .map(|(line, what)| match line {
                    0 => fail(format!("{written}: {what}")),
                    line => fail(format!("{written}:{line}: {what}")),
                })
                .collect();
        }
    };
    let krate = match crate_path(&input.attrs) {
        Ok(krate) => krate,
        Err(e) => return e.to_compile_error(),
    };
    let ListInput { attrs, vis, ident, .. } = &input;
    let variants = entries.iter().map(|entry| {
        let variant = format_ident!("{}", entry.ident, span = Span::call_site());
        let (doc, wire) = (&entry.doc, &entry.wire);
        quote! {
            #[doc = #doc]
            #[telemetry(rename = #wire)]
            #variant,
        }
    });
    let tracked = path.to_string_lossy().into_owned();
    quote! {
        #(#attrs)*
        #[derive(
            ::core::clone::Clone,
            ::core::marker::Copy,
            ::core::cmp::PartialEq,
            ::core::cmp::Eq,
            ::core::cmp::PartialOrd,
            ::core::cmp::Ord,
            ::core::hash::Hash,
            ::core::fmt::Debug,
            #krate::TelemetryEnum,
        )]
        #vis enum #ident {
            #(#variants)*
        }
        // Makes the compiler track the list: editing it rebuilds the crate.
        const _: &[u8] = ::core::include_bytes!(#tracked);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_map_every_punctuation_to_a_word_boundary() {
        for (wire, ident) in [
            ("next", "Next"),
            ("next/image", "NextImage"),
            ("image/avif", "ImageAvif"),
            ("mcp/get_errors", "McpGetErrors"),
            ("gpt-5.5", "Gpt5_5"),
            ("2025-11", "V2025_11"),
            ("github-actions", "GithubActions"),
            ("SCREAMING_CASE", "SCREAMINGCASE"),
            ("cli.start", "CliStart"),
            ("@clerk/nextjs", "ClerkNextjs"),
        ] {
            assert_eq!(identifier(wire).as_deref(), Some(ident), "{wire}");
        }
        assert_eq!(identifier("self").as_deref(), Some("Self_"));
        assert_eq!(identifier("-/-"), None);
    }

    #[test]
    fn a_list_parses_with_comments_blank_lines_and_crlf() {
        let entries =
            parse_list("# CI services\r\n\r\ngithub-actions  GitHub Actions.\r\ncircleci\tCircleCI.\n").unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(
            entries[0],
            Entry {
                wire: "github-actions".into(),
                doc: "GitHub Actions.".into(),
                ident: "GithubActions".into(),
                line: 3
            }
        );
        assert_eq!((entries[1].ident.as_str(), entries[1].line), ("Circleci", 4));
    }

    /// Editors on Windows may save UTF-8 with a byte order mark: it is how the file is encoded, not a value.
    #[test]
    fn a_byte_order_mark_at_the_start_is_not_part_of_the_first_line() {
        for text in ["\u{FEFF}# CI services\r\ncircleci CircleCI.\r\n", "\u{FEFF}circleci CircleCI.\n"] {
            let entries = parse_list(text).unwrap_or_else(|problems| panic!("{text:?}: {problems:?}"));
            assert_eq!(entries.iter().map(|e| e.wire.as_str()).collect::<Vec<_>>(), ["circleci"]);
        }
        // Anywhere else it is a hidden character like any other.
        let problems = parse_list("circleci CircleCI.\n\u{FEFF}travis Travis CI.\n").unwrap_err();
        assert_eq!(problems[0].0, 2);
        assert!(problems[0].1.contains("U+FEFF"), "{}", problems[0].1);
    }

    /// `self` is a real value (self-hosted) and a valid wire name; its variant cannot be the keyword `Self`.
    #[test]
    fn a_value_named_self_gets_a_variant_that_is_not_the_keyword() {
        let entries = parse_list("self Self-hosted.\nSelf-hosted Also self-hosted.\n")
            .unwrap_or_else(|problems| panic!("{problems:?}"));
        let idents: Vec<&str> = entries.iter().map(|e| e.ident.as_str()).collect();
        assert_eq!(idents, ["Self_", "SelfHosted"]);
        // Two spellings of it still collide, with the message that says so.
        let problems = parse_list("self Self-hosted.\nSELF Self-hosted again.\nSelf_ Once more.\n").unwrap_err();
        assert_eq!(problems.iter().map(|(line, _)| *line).collect::<Vec<_>>(), [3], "{problems:?}");
        assert!(problems[0].1.contains("both become the variant `Self_`"), "{}", problems[0].1);
    }

    #[test]
    fn every_bad_line_is_reported_with_its_number() {
        let problems = parse_list("a One.\nb\na Again.\nA-b X.\na_b Y.\nnext/ Z.\nx\u{200B} Hidden.\n").unwrap_err();
        let lines: Vec<usize> = problems.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [2, 3, 5, 6, 7], "{problems:#?}");
        assert!(problems[0].1.starts_with("missing doc for \"b\""));
        assert!(problems[1].1.contains("already listed on line 1"));
        assert!(problems[2].1.contains("both become the variant `AB`"), "{}", problems[2].1);
        assert!(problems[3].1.starts_with("invalid value name \"next/\""));
        assert!(problems[4].1.contains("U+200B"));
        assert_eq!(parse_list("# only a comment\n\n").unwrap_err()[0].0, 0);
    }
}
