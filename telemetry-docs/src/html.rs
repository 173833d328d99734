//! Renders the page as one self-contained HTML file: inline CSS, no scripts, no external resources (a
//! Content-Security-Policy says so to the browser too), every piece of text escaped. On a narrow screen the
//! tables turn into one card per row, so nothing needs sideways scrolling on a phone.

use crate::page::{Block, Inline, Item, Page, Table};

const STYLE: &str = "\
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--line:#d1d9e0;--code:#eff2f5;--link:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--line:#3d444d;--code:#262c36;--link:#4493f8}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.6 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif}
main{max-width:60rem;margin:0 auto;padding:1rem 1.25rem 4rem}
h1{font-size:2rem;line-height:1.25;margin:1.5rem 0 1rem}
h2{font-size:1.5rem;margin:2.5rem 0 1rem;padding-bottom:.3rem;border-bottom:1px solid var(--line)}
h3{font-size:1.2rem;margin:2rem 0 .75rem}
p,li,td,th{overflow-wrap:anywhere}
a{color:var(--link)}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.875em}
code{background:var(--code);border-radius:4px;padding:.1em .3em}
pre{background:var(--code);border-radius:6px;padding:1rem;overflow-x:auto;line-height:1.45}
pre code{background:none;padding:0;font-size:1em}
table{border-collapse:collapse;width:100%;margin:1rem 0}
th,td{border:1px solid var(--line);padding:.4rem .6rem;text-align:left;vertical-align:top}
th{background:var(--code)}
th,td:first-child,td:nth-child(3){white-space:nowrap}
th:nth-child(2){width:30%}
th:nth-child(4){width:45%}
@media (max-width:40rem){
main{padding:.5rem .9rem 3rem}
table,thead,tbody,tr,th,td{display:block;width:100%}
thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
tr{border:1px solid var(--line);border-radius:6px;margin:0 0 .75rem;padding:.25rem 0}
td{border:0;padding:.2rem .75rem}
td:first-child,td:nth-child(3){white-space:normal}
td::before{content:attr(data-label);display:block;font-size:.8em;color:var(--muted)}
}
";

/// The page as HTML, ending with one newline.
pub(crate) fn render(page: &Page) -> String {
    let mut out = String::with_capacity(32 * 1024);
    let title = escape(&page.title);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    // Nothing is ever loaded from elsewhere; the browser enforces it.
    out.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
    );
    out.push_str(&format!("<title>{title}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n"));
    out.push_str(&format!("<h1>{title}</h1>\n"));
    for block in &page.blocks {
        render_block(&mut out, block);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

fn render_block(out: &mut String, block: &Block) {
    match block {
        Block::Heading { level, id, content } => {
            let level = level.to_string();
            push_all(out, &["<h", &level, " id=\""]);
            push_escaped(out, id);
            out.push_str("\">");
            push_inlines(out, content);
            push_all(out, &["</h", &level, ">\n"]);
        }
        Block::Paragraph(content) => {
            out.push_str("<p>");
            push_inlines(out, content);
            out.push_str("</p>\n");
        }
        Block::List(items) => render_list(out, items),
        Block::Table(table) => render_table(out, table),
        Block::Code { language, text } => {
            out.push_str("<pre><code class=\"language-");
            push_escaped(out, language);
            out.push_str("\">");
            push_escaped(out, text);
            out.push_str("</code></pre>\n");
        }
    }
}

fn render_list(out: &mut String, items: &[Item]) {
    out.push_str("<ul>\n");
    for item in items {
        out.push_str("<li>");
        push_inlines(out, &item.content);
        if !item.children.is_empty() {
            out.push('\n');
            render_list(out, &item.children);
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
}

fn render_table(out: &mut String, table: &Table) {
    out.push_str("<table>\n<thead><tr>");
    for column in &table.columns {
        out.push_str("<th>");
        push_escaped(out, column);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, column) in table.columns.iter().enumerate() {
            // The label is what a phone shows above each cell, where the header row is hidden.
            out.push_str("<td data-label=\"");
            push_escaped(out, column);
            out.push_str("\">");
            if let Some(cell) = row.get(i) {
                push_inlines(out, cell);
            }
            out.push_str("</td>");
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
}

fn push_inlines(out: &mut String, content: &[Inline]) {
    for inline in content {
        match inline {
            Inline::Text(text) => push_escaped(out, text),
            Inline::Code(code) => {
                out.push_str("<code>");
                push_escaped(out, code);
                out.push_str("</code>");
            }
            Inline::Strong(text) => {
                out.push_str("<strong>");
                push_escaped(out, text);
                out.push_str("</strong>");
            }
            Inline::Link { content, anchor } => {
                out.push_str("<a href=\"#");
                push_escaped(out, anchor);
                out.push_str("\">");
                push_inlines(out, content);
                out.push_str("</a>");
            }
            Inline::Break => out.push_str("<br>"),
        }
    }
}

fn push_all(out: &mut String, parts: &[&str]) {
    for part in parts {
        out.push_str(part);
    }
}

/// Escapes text for HTML element content and double- or single-quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_escaped(&mut out, text);
    out
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"y\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;y&quot;"
        );
    }
}
