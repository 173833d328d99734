//! Doc comments are arbitrary text. This module turns them into the page's inline model, understanding exactly one
//! piece of Markdown (`code spans`) and treating everything else as literal text for the renderers to escape.

use crate::page::Inline;

/// Splits a doc comment into paragraphs (separated by blank lines). Inside a paragraph, line breaks and runs of
/// whitespace become one space, so no doc comment can start a new Markdown block or break a table row.
pub(crate) fn paragraphs(doc: &str) -> Vec<Vec<Inline>> {
    let clean = sanitize(doc);
    let mut paragraphs = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in clean.split('\n') {
        if line.trim().is_empty() {
            if !current.is_empty() {
                paragraphs.push(inlines(&current.join(" ")));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        paragraphs.push(inlines(&current.join(" ")));
    }
    paragraphs
}

/// The doc comment as one run of inlines (for a table cell or a list item), paragraphs separated by a
/// [`Inline::Break`].
pub(crate) fn flow(doc: &str) -> Vec<Inline> {
    let mut out = Vec::new();
    for (i, paragraph) in paragraphs(doc).into_iter().enumerate() {
        if i > 0 {
            out.push(Inline::Break);
        }
        out.extend(paragraph);
    }
    out
}

/// Normalizes line endings and replaces characters that have no business in a page: control characters (other
/// than tab and newline) and Unicode noncharacters become U+FFFD, which HTML and Markdown both show as `�`.
fn sanitize(doc: &str) -> String {
    doc.replace("\r\n", "\n")
        .chars()
        .map(|c| match c {
            '\n' => '\n',
            '\t' | '\r' | '\u{0B}' | '\u{0C}' => ' ',
            c if c.is_control() || is_noncharacter(c) => '\u{FFFD}',
            c => c,
        })
        .collect()
}

fn is_noncharacter(c: char) -> bool {
    let u = u32::from(c);
    (0xFDD0..=0xFDEF).contains(&u) || (u & 0xFFFE) == 0xFFFE
}

/// Splits one line into text and code spans. A code span opens with a run of backticks and closes with the next
/// run of the same length (as in CommonMark); an unmatched run is literal text. Whitespace runs collapse to one
/// space.
fn inlines(line: &str) -> Vec<Inline> {
    let line = collapse_whitespace(line);
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = line.as_str();
    while let Some(start) = rest.find('`') {
        let run = backtick_run(&rest[start..]);
        let after = &rest[start + run..];
        match find_closing_run(after, run) {
            Some(end) => {
                text.push_str(&rest[..start]);
                let code = strip_one_space(&after[..end]);
                if code.is_empty() {
                    // "``" alone is not a code span with content: keep the backticks as text.
                    text.push_str(&rest[start..start + run + end + run]);
                } else {
                    push_text(&mut out, &mut text);
                    out.push(Inline::Code(code.to_owned()));
                }
                rest = &after[end + run..];
            }
            None => {
                text.push_str(&rest[..start + run]);
                rest = after;
            }
        }
    }
    text.push_str(rest);
    push_text(&mut out, &mut text);
    out
}

fn push_text(out: &mut Vec<Inline>, text: &mut String) {
    if !text.is_empty() {
        out.push(Inline::Text(std::mem::take(text)));
    }
}

fn collapse_whitespace(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn backtick_run(text: &str) -> usize {
    text.bytes().take_while(|&b| b == b'`').count()
}

/// The byte offset of the next run of exactly `len` backticks in `text`.
fn find_closing_run(text: &str, len: usize) -> Option<usize> {
    let mut offset = 0;
    while let Some(found) = text[offset..].find('`') {
        let start = offset + found;
        let run = backtick_run(&text[start..]);
        if run == len {
            return Some(start);
        }
        offset = start + run;
    }
    None
}

/// CommonMark strips one space from each end of a code span when both ends have one (so `` ` `` `` can show a
/// backtick).
fn strip_one_space(code: &str) -> &str {
    match code.strip_prefix(' ').and_then(|c| c.strip_suffix(' ')) {
        Some(inner) if !inner.trim().is_empty() => inner,
        _ => code.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Inline {
        Inline::Text(s.to_owned())
    }
    fn code(s: &str) -> Inline {
        Inline::Code(s.to_owned())
    }

    #[test]
    fn code_spans_are_recognized() {
        assert_eq!(inlines("`acme init`: create"), vec![code("acme init"), text(": create")]);
        assert_eq!(inlines("a ``x ` y`` b"), vec![text("a "), code("x ` y"), text(" b")]);
    }

    #[test]
    fn unmatched_backticks_stay_text() {
        assert_eq!(inlines("it's `open"), vec![text("it's `open")]);
        assert_eq!(inlines("a `` b ` c"), vec![text("a `` b ` c")]);
        assert_eq!(inlines("empty `` here"), vec![text("empty `` here")]);
    }

    #[test]
    fn lines_join_and_blank_lines_split_paragraphs() {
        let doc = "First line\n  continues.\n\n\nSecond\r\nparagraph.\n";
        assert_eq!(paragraphs(doc), vec![vec![text("First line continues.")], vec![text("Second paragraph.")]]);
        assert_eq!(flow(doc), vec![text("First line continues."), Inline::Break, text("Second paragraph.")]);
    }

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(flow("a\u{0}b\u{1b}[31mc\u{FFFF}"), vec![text("a\u{FFFD}b\u{FFFD}[31mc\u{FFFD}")]);
    }
}
