//! Lower-case hexadecimal, the form of the envelope's ids (and of the client's stored salt and throttle keys).

use std::fmt;

/// Decodes exactly `2 * N` lower-case hex digits; anything else (upper case, other characters, another length)
/// is `None`.
pub fn decode<const N: usize>(text: &str) -> Option<[u8; N]> {
    let bytes = text.as_bytes();
    if bytes.len() != 2 * N {
        return None;
    }
    // One table lookup per digit, checked once at the end: the server decodes two or three ids per envelope.
    let mut out = [0u8; N];
    let mut invalid = 0u8;
    for (i, pair) in bytes.chunks_exact(2).enumerate() {
        let (high, low) = (HEX_DIGIT[usize::from(pair[0])], HEX_DIGIT[usize::from(pair[1])]);
        invalid |= high | low;
        out[i] = high << 4 | low;
    }
    (invalid & NOT_HEX == 0).then_some(out)
}

/// Marks a byte that is not a lower-case hex digit in [`HEX_DIGIT`].
const NOT_HEX: u8 = 0x80;

/// The value of each lower-case hex digit (`0-9`, `a-f`); [`NOT_HEX`] for every other byte.
const HEX_DIGIT: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        i += 1;
    }
    table
};

/// Writes `bytes` as lower-case hex digits.
///
/// # Errors
/// Only those of `out`.
pub fn write(out: &mut impl fmt::Write, bytes: &[u8]) -> fmt::Result {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    for b in bytes {
        out.write_char(HEX[usize::from(b >> 4)] as char)?;
        out.write_char(HEX[usize::from(b & 0xf)] as char)?;
    }
    Ok(())
}

/// `bytes` as lower-case hex digits.
pub fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    // `fmt::Write` for `String` never fails.
    let _ = write(&mut out, bytes);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AnonymousId;

    #[test]
    fn parse_hex_accepts_exactly_lower_case_hex_digits() {
        for c in (0..=0x7f_u8).map(char::from).chain(['é', 'Ａ', '\u{ff}']) {
            let expected = c.to_digit(16).filter(|_| !c.is_ascii_uppercase());
            for text in [format!("{c}0"), format!("0{c}")] {
                let parsed = decode::<1>(&text).map(|[b]| b);
                let want = expected.map(|d| if text.starts_with(c) { (d as u8) << 4 } else { d as u8 });
                // A multi-byte character makes the text longer than two bytes: refused by length.
                assert_eq!(parsed, want, "{text:?}");
            }
        }
        let id = AnonymousId::from_random_bytes([0x5a; 16]);
        assert_eq!(AnonymousId::parse_hex(&id.to_string()), Some(id));
        assert_eq!(AnonymousId::parse_hex(&"0".repeat(31)), None);
    }

    #[test]
    fn hex_round_trips() {
        let bytes = [0x00, 0x7f, 0xa5, 0xff];
        assert_eq!(encode(&bytes), "007fa5ff");
        assert_eq!(decode::<4>("007fa5ff"), Some(bytes));
        assert_eq!(decode::<4>("007FA5FF"), None);
        assert_eq!(decode::<4>("007fa5f"), None);
    }
}
