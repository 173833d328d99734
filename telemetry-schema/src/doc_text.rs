//! Doc comments whose text only the compiler knows: `#[doc = include_str!("…")]` and `#[doc = concat!(…)]`.
//!
//! The derives normalize a `///` doc themselves and refuse a blank one or a hidden character at its line. For a
//! doc written with a macro they emit `doc!("the doc comment of field `x` of `E`", concat!(part, "\n", …))`
//! instead, and this module does the same work in the const evaluator: the same normalization (one leading space
//! removed per line, trailing white space removed, blank lines at either end dropped), and the same refusals, as
//! a compile error that names the item and the code point. A test in `tests/` holds the two normalizations equal.

use crate::meta::{HIDDEN_CHARACTERS, find_hidden_character};

/// `doc!(item, text)`: `text` (a `&'static str` constant) normalized as a `///` doc, as a `&'static str`; a blank
/// text or one with a character of [`HIDDEN_CHARACTERS`] is a compile error naming `item`.
#[doc(hidden)]
#[macro_export]
macro_rules! __doc {
    ($item:expr, $text:expr) => {{
        const RAW: &str = $text;
        // The refusals in a constant of their own that nothing reads, so the error is reported once, here.
        const _: () = $crate::__private::check_doc(RAW, $item);
        const NORMALIZED: ([u8; RAW.len()], usize) = $crate::__private::normalize_doc::<{ RAW.len() }>(RAW);
        const BYTES: &[u8] = &NORMALIZED.0;
        const DOC: &str = $crate::__private::doc_text(BYTES, NORMALIZED.1);
        DOC
    }};
}

/// The longest doc a macro may make, in bytes (64 KiB). The page prints every doc in full, and each is checked and
/// normalized in the const evaluator, which gives up on a constant after a few million steps
/// (`long_running_const_eval`): a limit with its own message keeps far from that, whatever the script.
pub const MAX_MACRO_DOC_LEN: usize = 64 * 1024;

/// Panics (a compile error, in a `const`) with a message naming `item` when `raw` is longer than
/// `MAX_MACRO_DOC_LEN` (64 KiB), blank once normalized as a `///` doc, or has a character of [`HIDDEN_CHARACTERS`].
pub const fn check_doc(raw: &str, item: &str) {
    if raw.len() > MAX_MACRO_DOC_LEN {
        let mut message = Message::new();
        message.push("telemetry: ");
        message.push(item);
        message.push(
            " is longer than 65 536 bytes (64 KiB), the most a doc made by `include_str!` or `concat!` may have: \
             the page prints every doc in full; say what the item is in a few paragraphs and link to the rest",
        );
        message.panic();
    }
    if let Some((_, c)) = find_hidden_character(raw) {
        refuse_hidden(item, c);
    }
    if is_blank(raw.as_bytes()) {
        let mut message = Message::new();
        message.push("telemetry: ");
        message.push(item);
        message.push(
            " is blank: the \"what is collected\" page shows it to users; put text in the file or the \
             `concat!` it is made of",
        );
        message.panic();
    }
}

/// Whether every character of `bytes` is white space (`char::is_whitespace`): what normalizes to nothing.
const fn is_blank(bytes: &[u8]) -> bool {
    trim_end(bytes, 0, bytes.len()) == 0
}

/// `raw` normalized as the derives normalize a `///` doc, in the first `.1` bytes of `.0`. [`check_doc`] refuses
/// what may not be normalized.
pub const fn normalize_doc<const N: usize>(raw: &str) -> ([u8; N], usize) {
    let bytes = raw.as_bytes();
    let mut out = [0u8; N];
    if bytes.len() > MAX_MACRO_DOC_LEN {
        // Refused by `check_doc` with its own message; not walked, so the compiler does not add that it gave up.
        return (out, 0);
    }
    let mut len = 0;
    let mut wrote_any = false;
    let mut pending_blank_lines = 0;
    let mut line_start = 0;
    while line_start <= bytes.len() {
        let mut line_end = line_start;
        while line_end < bytes.len() && bytes[line_end] != b'\n' {
            line_end += 1;
        }
        let mut start = line_start;
        if start < line_end && bytes[start] == b' ' {
            start += 1;
        }
        let end = trim_end(bytes, start, line_end);
        if start == end {
            if wrote_any {
                pending_blank_lines += 1;
            }
        } else {
            if wrote_any {
                let mut newlines = pending_blank_lines + 1;
                while newlines > 0 {
                    out[len] = b'\n';
                    len += 1;
                    newlines -= 1;
                }
            }
            let mut i = start;
            while i < end {
                out[len] = bytes[i];
                len += 1;
                i += 1;
            }
            wrote_any = true;
            pending_blank_lines = 0;
        }
        line_start = line_end + 1;
    }
    (out, len)
}

/// The first `len` bytes of `bytes`, which [`normalize_doc`] wrote from a `str` cut at line boundaries.
pub const fn doc_text(bytes: &'static [u8], len: usize) -> &'static str {
    match core::str::from_utf8(bytes.split_at(len).0) {
        Ok(text) => text,
        Err(_) => panic!("telemetry: a normalized doc is not UTF-8"),
    }
}

/// `end`, moved back over white space (`char::is_whitespace`), but not before `start`.
const fn trim_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start {
        // The last character: back over continuation bytes to its first byte.
        let mut first = end - 1;
        while first > start && bytes[first] & 0xC0 == 0x80 {
            first -= 1;
        }
        if !is_white_space(decode(bytes, first)) {
            break;
        }
        end = first;
    }
    end
}

/// The code point of the well-formed UTF-8 sequence at `i`.
const fn decode(bytes: &[u8], i: usize) -> u32 {
    let b = bytes[i] as u32;
    if b < 0x80 {
        b
    } else if b >= 0xF0 {
        ((b & 0x07) << 18)
            | ((bytes[i + 1] as u32 & 0x3F) << 12)
            | ((bytes[i + 2] as u32 & 0x3F) << 6)
            | (bytes[i + 3] as u32 & 0x3F)
    } else if b >= 0xE0 {
        ((b & 0x0F) << 12) | ((bytes[i + 1] as u32 & 0x3F) << 6) | (bytes[i + 2] as u32 & 0x3F)
    } else {
        ((b & 0x1F) << 6) | (bytes[i + 1] as u32 & 0x3F)
    }
}

/// Unicode's `White_Space` property, which `str::trim_end` (the derive's normalization) removes.
const fn is_white_space(c: u32) -> bool {
    matches!(
        c,
        0x09..=0x0D | 0x20 | 0x85 | 0xA0 | 0x1680 | 0x2000..=0x200A | 0x2028 | 0x2029 | 0x202F | 0x205F | 0x3000
    )
}

#[cold]
const fn refuse_hidden(item: &str, c: char) -> ! {
    let code = c as u32;
    let mut what = "a hidden character";
    let mut r = 0;
    while r < HIDDEN_CHARACTERS.len() {
        let (first, last, name) = HIDDEN_CHARACTERS[r];
        if code >= first && code <= last {
            what = name;
        }
        r += 1;
    }
    let mut message = Message::new();
    message.push("telemetry: ");
    message.push(item);
    message.push(" contains U+");
    message.push_hex(code);
    message.push(", ");
    message.push(what);
    message.push(
        ": on the \"what is collected\" page it would hide or reorder the text around it; remove it from the file \
         or text the doc is made of, and write it with visible characters only",
    );
    message.panic()
}

/// A panic message built in the const evaluator, which formats nothing but `&str`.
struct Message {
    bytes: [u8; 512],
    len: usize,
}

impl Message {
    const fn new() -> Self {
        Self { bytes: [0; 512], len: 0 }
    }

    /// Appends `text`, cut at a character boundary when the message is full.
    const fn push(&mut self, text: &str) {
        let text = text.as_bytes();
        let mut i = 0;
        while i < text.len() && self.len < self.bytes.len() {
            self.bytes[self.len] = text[i];
            self.len += 1;
            i += 1;
        }
        while self.len > 0 && core::str::from_utf8(self.bytes.split_at(self.len).0).is_err() {
            self.len -= 1;
        }
    }

    /// Appends `code` in upper-case hex, at least four digits (`202E`, `E0041`).
    const fn push_hex(&mut self, code: u32) {
        let mut digits = [0u8; 8];
        let mut count = 0;
        let mut rest = code;
        while count < 4 || rest > 0 {
            digits[count] = b"0123456789ABCDEF"[(rest & 0xF) as usize];
            rest >>= 4;
            count += 1;
        }
        while count > 0 {
            count -= 1;
            if self.len < self.bytes.len() {
                self.bytes[self.len] = digits[count];
                self.len += 1;
            }
        }
    }

    const fn panic(&self) -> ! {
        match core::str::from_utf8(self.bytes.split_at(self.len).0) {
            Ok(text) => panic!("{}", text),
            Err(_) => panic!("telemetry: a doc comment is refused"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn white_space_is_what_trim_end_removes() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            assert_eq!(is_white_space(c as u32), c.is_whitespace(), "U+{:04X}", c as u32);
        }
    }

    #[test]
    fn blank_is_white_space_only() {
        assert!(is_blank(b""));
        assert!(is_blank(" \n\t\r\n\u{3000}".as_bytes()));
        assert!(!is_blank(b" . "));
    }

    #[test]
    fn normalizes_as_the_derive_does() {
        let cases = [
            (" One line.", "One line."),
            ("\n\n First.\n\n Second.  \n\n", "First.\n\nSecond."),
            ("  Two spaces keep one.\n\tTab kept.\u{3000}", " Two spaces keep one.\n\tTab kept."),
            ("Windows\r\n lines\r\n", "Windows\nlines"),
            (" Ünïcödé ✓ \u{A0}\n \n", "Ünïcödé ✓"),
        ];
        for (raw, expected) in cases {
            let (bytes, len) = normalize_doc::<64>(raw);
            assert_eq!(std::str::from_utf8(&bytes[..len]).unwrap(), expected, "{raw:?}");
        }
    }
}
