//! A tiny ordered JSON tree for the generated JSON files.
//!
//! `serde_json::Value` sorts object keys, or keeps insertion order when some crate in the build turns on its
//! `preserve_order` feature: its output would depend on what else is compiled. Generated files must be
//! byte-identical everywhere, so they are written from this tree, whose objects keep the order the code gives.

/// An `f64` that is compared by its bits, so that [`Json`] can stay `Eq`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct F64(pub(crate) f64);

impl PartialEq for F64 {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}

impl Eq for F64 {}

/// A JSON value whose objects keep their keys in insertion order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Json {
    Null,
    Bool(bool),
    Number(u64),
    /// A finite fraction, written as Rust's shortest round-trip form (the same on every machine).
    Fraction(F64),
    String(String),
    Array(Vec<Json>),
    Object(Vec<(&'static str, Json)>),
}

impl Json {
    /// Pretty-printed with two-space indentation and a trailing newline.
    pub(crate) fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, 0);
        out.push('\n');
        out
    }

    /// The same value as a `serde_json::Value` (whose objects may reorder keys: for data, not for output).
    pub(crate) fn to_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            Self::Null => Value::Null,
            Self::Bool(b) => Value::Bool(*b),
            Self::Number(n) => Value::from(*n),
            Self::Fraction(F64(x)) => Value::from(*x),
            Self::String(s) => Value::String(s.clone()),
            Self::Array(items) => Value::Array(items.iter().map(Self::to_value).collect()),
            Self::Object(entries) => {
                Value::Object(entries.iter().map(|(key, value)| ((*key).to_owned(), value.to_value())).collect())
            }
        }
    }

    fn write(&self, out: &mut String, indent: usize) {
        match self {
            Self::Null => out.push_str("null"),
            Self::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Self::Number(n) => out.push_str(&n.to_string()),
            Self::Fraction(F64(x)) => out.push_str(&x.to_string()),
            Self::String(s) => push_string(out, s),
            Self::Array(items) if items.is_empty() => out.push_str("[]"),
            Self::Object(entries) if entries.is_empty() => out.push_str("{}"),
            Self::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    push_indent(out, indent + 1);
                    item.write(out, indent + 1);
                }
                out.push('\n');
                push_indent(out, indent);
                out.push(']');
            }
            Self::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    push_indent(out, indent + 1);
                    push_string(out, key);
                    out.push_str(": ");
                    value.write(out, indent + 1);
                }
                out.push('\n');
                push_indent(out, indent);
                out.push('}');
            }
        }
    }
}

/// A JSON string literal, escaped as `serde_json` escapes it.
fn push_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c < ' ' => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
}

fn push_indent(out: &mut String, indent: usize) {
    for _ in 0..indent {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_like_serde_json() {
        let text = "quote \" backslash \\ newline \n tab \t bell \u{7} nul \u{0} del \u{7f} é ✓ \u{1F600}";
        let mut ours = String::new();
        push_string(&mut ours, text);
        assert_eq!(ours, serde_json::Value::from(text).to_string());
    }

    #[test]
    fn pretty_printing_keeps_order_and_nests() {
        let json = Json::Object(vec![
            ("z", Json::Number(1)),
            ("a", Json::Array(vec![Json::String("x\"y".into()), Json::Bool(true)])),
            ("e", Json::Array(vec![])),
            ("o", Json::Object(vec![])),
        ]);
        assert_eq!(
            json.pretty(),
            "{\n  \"z\": 1,\n  \"a\": [\n    \"x\\\"y\",\n    true\n  ],\n  \"e\": [],\n  \"o\": {}\n}\n"
        );
    }
}
