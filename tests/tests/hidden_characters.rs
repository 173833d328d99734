//! The derive refuses hidden characters in docs with its own copy of the table (a proc-macro crate cannot depend
//! on `telemetry-schema`); docs-gen and the checking constructors use `telemetry_schema::HIDDEN_CHARACTERS`.
//! Both must refuse exactly the same characters.

use telemetry_schema::{HIDDEN_CHARACTERS, find_hidden_character, hidden_character_name, is_visible_text};

/// The `(first, last, "what")` rows of the derive's table, read from its source.
fn derive_table() -> Vec<(u32, u32, String)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../telemetry-derive/src/hidden.rs");
    let source = std::fs::read_to_string(path).expect("the derive's table");
    source
        .lines()
        .map(str::trim)
        .filter(|line| line.starts_with("(0x"))
        .map(|line| {
            let inner = line.trim_start_matches('(').trim_end_matches("),");
            let mut parts = inner.splitn(3, ", ");
            let number = |s: &str| u32::from_str_radix(s.trim_start_matches("0x"), 16).expect("hex");
            let first = number(parts.next().expect("first"));
            let last = number(parts.next().expect("last"));
            let what = parts.next().expect("what").trim_matches('"').to_owned();
            (first, last, what)
        })
        .collect()
}

#[test]
fn the_derive_refuses_exactly_the_characters_the_toolkit_refuses() {
    let schema: Vec<(u32, u32, String)> =
        HIDDEN_CHARACTERS.iter().map(|(first, last, what)| (*first, *last, (*what).to_owned())).collect();
    assert_eq!(derive_table(), schema);
}

#[test]
fn the_table_is_sorted_and_its_ranges_do_not_overlap() {
    for pair in HIDDEN_CHARACTERS.windows(2) {
        assert!(pair[0].0 <= pair[0].1 && pair[0].1 < pair[1].0, "{pair:?}");
    }
}

#[test]
fn every_bidi_control_and_zero_width_character_is_refused() {
    let refused = [
        '\u{202A}',
        '\u{202B}',
        '\u{202C}',
        '\u{202D}',
        '\u{202E}', // embeddings and overrides
        '\u{2066}',
        '\u{2067}',
        '\u{2068}',
        '\u{2069}', // isolates
        '\u{200E}',
        '\u{200F}',
        '\u{061C}', // marks
        '\u{200B}',
        '\u{200C}',
        '\u{200D}',
        '\u{2060}',
        '\u{FEFF}', // zero-width
        '\u{00AD}',
        '\u{034F}',
        '\u{180E}',
        '\u{3164}',
        '\u{FFA0}', // invisible
        '\u{FE0F}',
        '\u{E0100}',
        '\u{E0041}',
        '\u{E0001}', // variation selectors and tags
        '\u{2028}',
        '\u{2029}',
        '\r',
        '\u{0}',
        '\u{1B}',
        '\u{7F}',
        '\u{85}',
        '\u{9B}', // separators and controls
        '\u{E000}',
        '\u{10FFFD}',
        '\u{FFFE}', // private use, noncharacters
    ];
    for c in refused {
        let text = format!("before {c} after");
        assert_eq!(find_hidden_character(&text), Some((7, c)), "U+{:04X}", u32::from(c));
        assert!(hidden_character_name(c).is_some(), "U+{:04X}", u32::from(c));
    }
}

#[test]
fn ordinary_text_in_any_script_is_accepted() {
    for text in [
        "Whether the build worked.\n\nA second paragraph,\twith a tab.",
        "Durée de la compilation, en millisecondes — « arrondie ».",
        "ビルドにかかった時間。",
        "Сколько файлов было собрано.",
        "عدد الملفات", // right-to-left script without any control: shown as written
        "emoji 🚀 and math ∑ and a non-breaking\u{A0}space",
        "a CRLF line ending\r\nis allowed",
    ] {
        assert!(is_visible_text(text), "{text}");
    }
}
