//! Renders the page as GitHub-flavoured Markdown.
//!
//! Text from doc comments is escaped so that it can only ever be text: Markdown punctuation is backslash-escaped,
//! a line never starts a block (heading, list, quote), and inside tables every `|` is escaped, code spans
//! included (as GFM requires). Line breaks never reach the output: [`crate::text`] has already turned them into
//! spaces or into a `<br>`.

use crate::page::{Block, Inline, Item, Page, Table};

/// Where inline content is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    Block,
    Cell,
}

/// The page as Markdown, ending with one newline.
pub(crate) fn render(page: &Page) -> String {
    let mut out = String::with_capacity(16 * 1024);
    out.push_str("# ");
    push_block_start(&mut out, &page.title);
    out.push_str("\n\n");
    for block in &page.blocks {
        render_block(&mut out, block);
        out.push('\n');
    }
    // Exactly one trailing newline.
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

fn render_block(out: &mut String, block: &Block) {
    match block {
        Block::Heading { level, id, content } => {
            for _ in 0..*level {
                out.push('#');
            }
            // An explicit anchor: stable whatever the heading says, and the same as the HTML page's.
            out.push_str(" <a id=\"");
            out.push_str(&crate::html::escape(id));
            out.push_str("\"></a>");
            push_inlines(out, content, Context::Block);
            out.push('\n');
        }
        Block::Paragraph(content) => {
            push_inlines(out, content, Context::Block);
            out.push('\n');
        }
        Block::List(items) => render_list(out, items, 0),
        Block::Table(table) => render_table(out, table),
        Block::Code { language, text } => {
            let fence = "`".repeat(longest_backtick_run(text).max(2) + 1);
            out.push_str(&format!("{fence}{language}\n{text}"));
            if !text.ends_with('\n') {
                out.push('\n');
            }
            out.push_str(&fence);
            out.push('\n');
        }
    }
}

fn render_list(out: &mut String, items: &[Item], depth: usize) {
    for item in items {
        out.push_str(&"  ".repeat(depth));
        out.push_str("- ");
        push_inlines(out, &item.content, Context::Block);
        out.push('\n');
        render_list(out, &item.children, depth + 1);
    }
}

fn render_table(out: &mut String, table: &Table) {
    out.push('|');
    for column in &table.columns {
        out.push(' ');
        push_escaped(out, column);
        out.push_str(" |");
    }
    out.push_str("\n|");
    for _ in &table.columns {
        out.push_str("---|");
    }
    out.push('\n');
    for row in &table.rows {
        out.push('|');
        // A row with fewer cells than columns still closes every column.
        for i in 0..table.columns.len() {
            out.push(' ');
            if let Some(cell) = row.get(i) {
                push_inlines(out, cell, Context::Cell);
            }
            out.push_str(" |");
        }
        out.push('\n');
    }
}

/// Renders inline content. In a block (not a cell), the first text is protected from starting a block.
fn push_inlines(out: &mut String, content: &[Inline], context: Context) {
    for (i, inline) in content.iter().enumerate() {
        match inline {
            Inline::Text(text) => {
                if i == 0 && context == Context::Block {
                    push_block_start(out, text);
                } else {
                    push_escaped(out, text);
                }
            }
            Inline::Code(code) => push_code_span(out, code, context),
            Inline::Strong(text) => {
                out.push_str("**");
                push_escaped(out, text);
                out.push_str("**");
            }
            Inline::Link { content, anchor } => {
                out.push('[');
                push_inlines(out, content, Context::Cell);
                out.push_str("](#");
                out.push_str(anchor);
                out.push(')');
            }
            Inline::Break => out.push_str("<br>"),
        }
    }
}

/// Backslash-escapes every character that could start Markdown or HTML syntax inside a line. `|` is escaped
/// everywhere (it is harmless outside tables). Newlines cannot occur; if one did, it becomes a space.
fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '$' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
}

/// Escaped text at the start of a line, kept from being read as a heading, list, quote, setext underline or
/// ordered list.
fn push_block_start(out: &mut String, text: &str) {
    // `>` is escaped anywhere by `push_escaped`; these only matter here.
    if text.starts_with(['#', '-', '+', '=']) {
        out.push('\\');
    }
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits > 0 && matches!(text.as_bytes().get(digits), Some(b'.' | b')')) {
        out.push_str(&text[..digits]);
        out.push('\\');
        push_escaped(out, &text[digits..]);
    } else {
        push_escaped(out, text);
    }
}

/// A code span that shows `code` literally: its fence is longer than any run of backticks inside, and in a table
/// every `|` is escaped (GFM removes the backslash before rendering the span).
fn push_code_span(out: &mut String, code: &str, context: Context) {
    let fence = longest_backtick_run(code) + 1;
    let pad = code.starts_with('`') || code.ends_with('`') || (code.starts_with(' ') && code.ends_with(' '));
    push_backticks(out, fence);
    if pad {
        out.push(' ');
    }
    for c in code.chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '|' if context == Context::Cell => out.push_str("\\|"),
            c => out.push(c),
        }
    }
    if pad {
        out.push(' ');
    }
    push_backticks(out, fence);
}

fn push_backticks(out: &mut String, n: usize) {
    for _ in 0..n {
        out.push('`');
    }
}

fn longest_backtick_run(text: &str) -> usize {
    text.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escape_text(text: &str) -> String {
        let mut out = String::new();
        push_escaped(&mut out, text);
        out
    }

    #[test]
    fn text_cannot_become_markup() {
        assert_eq!(
            escape_text("a|b *c* <d> & [e](f) `g` \\ $x$ ~~s~~ _u_"),
            "a\\|b \\*c\\* \\<d\\> \\& \\[e\\](f) \\`g\\` \\\\ \\$x\\$ \\~\\~s\\~\\~ \\_u\\_"
        );
        let block_start = |text: &str| {
            let mut out = String::new();
            push_block_start(&mut out, text);
            out
        };
        assert_eq!(block_start("# title"), "\\# title");
        assert_eq!(block_start("- item"), "\\- item");
        assert_eq!(block_start("12. item"), "12\\. item");
        assert_eq!(block_start("2024 was"), "2024 was");
        assert_eq!(block_start("*x"), "\\*x");
        assert_eq!(block_start("> quote"), "\\> quote");
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        let code_span = |code: &str, context| {
            let mut out = String::new();
            push_code_span(&mut out, code, context);
            out
        };
        assert_eq!(code_span("a|b", Context::Cell), "`a\\|b`");
        assert_eq!(code_span("a|b", Context::Block), "`a|b`");
        assert_eq!(code_span("x ` y", Context::Block), "``x ` y``");
        assert_eq!(code_span("`tick", Context::Block), "`` `tick ``");
    }
}
