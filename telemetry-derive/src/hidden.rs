//! Characters a doc comment may not contain. A mirror of `telemetry_schema::HIDDEN_CHARACTERS` (a proc-macro
//! crate cannot depend on the crate that re-exports it); `tests/tests/hidden_characters.rs` keeps the two equal.

/// Inclusive ranges of code points, with what they are: each is invisible, changes the direction of the text
/// around it, or is a control, so on the disclosure page it would hide or reorder what a reader sees.
pub(crate) const HIDDEN_CHARACTERS: &[(u32, u32, &str)] = &[
    (0x0000, 0x0008, "a control character"),
    (0x000B, 0x001F, "a control character"),
    (0x007F, 0x009F, "a control character"),
    (0x00AD, 0x00AD, "the soft hyphen, invisible"),
    (0x034F, 0x034F, "the combining grapheme joiner, invisible"),
    (0x0600, 0x0605, "an Arabic number sign, a format character"),
    (0x061C, 0x061C, "the Arabic letter mark, a bidi control"),
    (0x06DD, 0x06DD, "the Arabic end of ayah, a format character"),
    (0x070F, 0x070F, "the Syriac abbreviation mark, a format character"),
    (0x0890, 0x0891, "an Arabic pound or piastre mark above, a format character"),
    (0x08E2, 0x08E2, "the Arabic disputed end of ayah, a format character"),
    (0x115F, 0x1160, "a Hangul filler, invisible"),
    (0x17B4, 0x17B5, "a Khmer inherent vowel, invisible"),
    (0x180B, 0x180F, "a Mongolian variation selector or vowel separator, invisible"),
    (0x200B, 0x200D, "a zero-width space or joiner, invisible"),
    (0x200E, 0x200F, "a bidi mark"),
    (0x2028, 0x2029, "a line or paragraph separator"),
    (0x202A, 0x202E, "a bidi embedding or override"),
    (0x2060, 0x2064, "a word joiner or an invisible operator"),
    (0x2065, 0x2065, "an unassigned format character"),
    (0x2066, 0x2069, "a bidi isolate"),
    (0x206A, 0x206F, "a deprecated format character"),
    (0x3164, 0x3164, "the Hangul filler, invisible"),
    (0xE000, 0xF8FF, "a private-use character"),
    (0xFDD0, 0xFDEF, "a noncharacter"),
    (0xFE00, 0xFE0F, "a variation selector, invisible"),
    (0xFEFF, 0xFEFF, "the zero-width no-break space (byte order mark)"),
    (0xFFA0, 0xFFA0, "the halfwidth Hangul filler, invisible"),
    (0xFFF0, 0xFFFB, "an interlinear annotation or unassigned special, a format character"),
    (0xFFFE, 0xFFFF, "a noncharacter"),
    (0x110BD, 0x110BD, "the Kaithi number sign, a format character"),
    (0x110CD, 0x110CD, "the Kaithi number sign above, a format character"),
    (0x13430, 0x1343F, "an Egyptian hieroglyph format control"),
    (0x1BCA0, 0x1BCA3, "a shorthand format control, invisible"),
    (0x1D173, 0x1D17A, "a musical symbol format control, invisible"),
    (0xE0000, 0xE007F, "a tag character, invisible"),
    (0xE0080, 0xE00FF, "an unassigned format character"),
    (0xE0100, 0xE01EF, "a variation selector, invisible"),
    (0xE01F0, 0xE0FFF, "an unassigned format character"),
    (0xF0000, 0x10FFFF, "a private-use character"),
];

/// The first refused character of `text`, with what it is. Tab, newline and a carriage return right before a
/// newline (CRLF) are allowed.
pub(crate) fn find(text: &str) -> Option<(char, &'static str)> {
    let mut chars = text.chars().peekable();
    std::iter::from_fn(|| chars.next().map(|c| (c, chars.peek() == Some(&'\n')))).find_map(|(c, before_newline)| {
        // Printable ASCII, tab, newline and CRLF: the common case, decided without the table.
        if (' '..='~').contains(&c) || c == '\t' || c == '\n' || (c == '\r' && before_newline) {
            return None;
        }
        let code = u32::from(c);
        HIDDEN_CHARACTERS
            .iter()
            .find(|(first, last, _)| (*first..=*last).contains(&code))
            .map(|(_, _, what)| (c, *what))
    })
}

#[cfg(test)]
mod tests {
    use super::find;

    #[test]
    fn a_carriage_return_is_allowed_only_before_a_newline() {
        assert_eq!(find("one\r\ntwo\tthree\n"), None);
        assert_eq!(find("one\rtwo").map(|(c, _)| c), Some('\r'));
        assert_eq!(find("end\r").map(|(c, _)| c), Some('\r'));
        assert_eq!(find("a \u{202E} b").map(|(c, _)| c), Some('\u{202E}'));
    }
}
