//! [`Version::parse_lenient`]: the versions programs find at run time, reduced to the safe form.

use super::{MAX_COMPONENT, PreRelease, PreTag, Version};

impl Version {
    /// Reads a version the way programs find one at run time (`node --version`, a `package.json`, a lock file)
    /// and reduces it to the privacy-safe form, or returns `None` when the text does not name one version.
    ///
    /// Use it for text the author does not control; use [`Version::parse`] where a malformed version is a bug.
    /// Nothing of the input passes through but numbers and a tag from the closed vocabulary ([`PreTag`]): an
    /// unknown word, a hash, a branch name or a path is dropped or makes the result `None`, never copied.
    ///
    /// | Rule | Input | Result |
    /// |---|---|---|
    /// | Surrounding ASCII whitespace is trimmed (a command's output ends with a newline) | `"v20.11.1\n"` | `20.11.1` |
    /// | One leading `v` or `V` is dropped | `v20.11.1` | `20.11.1` |
    /// | Missing minor and patch are padded with `0` | `2.35`, `v20` | `2.35.0`, `20.0.0` |
    /// | Leading zeros are read as the number (calendar versions) | `2024.01.05` | `2024.1.5` |
    /// | A range that names its lowest version, `^`, `~`, `=` or `>=` (a space may follow), becomes that version | `^15.1.0`, `~1.2`, `>= 1.0.0` | `15.1.0`, `1.2.0`, `1.0.0` |
    /// | Any other range is `None`: it does not name one version (`>`, `<`, `<=`, `~>`, `||`, a space, `x`, `*`) | `<2.0.0`, `1.x`, `>=1 <2` | `None` |
    /// | Build metadata `+…` (SemVer's characters `0-9A-Za-z.-`) is dropped | `1.2.3+build.5` | `1.2.3` |
    /// | A known tag leading the pre-release keeps one number (of at most four digits) when exactly one follows (after `.`, `-` or nothing) | `15.0.0-canary.52`, `1.0.0-RC1` | `15.0.0-canary.52`, `1.0.0-rc.1` |
    /// | A known tag followed by anything else keeps the tag only: the hash, date or timestamp is dropped | `6.29.4-canary.v20260821144439`, `19.0.0-rc-66855b96-20241106` | `6.29.4-canary`, `19.0.0-rc` |
    /// | Otherwise the first identifier that is a known tag, or a known tag followed by digits, gives the tag | `21.0.0-v8-canary2023abc` | `21.0.0-canary` |
    /// | A pre-release with no known tag becomes `pre`: it stays a pre-release, its words are not sent | `0.0.0-experimental-3ad2e1b-20241106`, `1.0.0-jane.doe` | `0.0.0-pre` |
    /// | A number above [`MAX_COMPONENT`] (nine digits) makes a version component `None` | `1.2.20241106093000` | `None` |
    /// | A pre-release number of more than four digits is a date, a timestamp or a hash fragment, not a count: it is dropped, the tag kept | `5.4.0-dev.20231215`, `19.0.0-rc.66855`, `1.0.0-rc.20260821144439` | `5.4.0-dev`, `19.0.0-rc`, `1.0.0-rc` |
    /// | Only ASCII digits are numbers (`١.٢.٣` or full-width digits are `None`) | `١.٢.٣` | `None` |
    /// | Four or more numbers are `None` (not a SemVer version) | `10.0.19045.1234` | `None` |
    /// | Anything else is `None`: an empty text, a tag or dist-tag, a protocol, a path, a URL | `latest`, `workspace:*`, `file:../x`, `github:a/b#v1.2.3` | `None` |
    ///
    /// The pre-release tail and the build metadata must use SemVer's characters (`0-9A-Za-z.-`), and the
    /// pre-release tail must not be empty; otherwise the text is `None`.
    ///
    /// ```
    /// use telemetry_schema::Version;
    ///
    /// let lenient = |text| Version::parse_lenient(text).map(|v| v.to_string());
    /// assert_eq!(lenient("v20.11.1").as_deref(), Some("20.11.1"));
    /// assert_eq!(lenient("^15.1.0").as_deref(), Some("15.1.0"));
    /// assert_eq!(lenient("19.0.0-rc-66855b96-20241106").as_deref(), Some("19.0.0-rc"));
    /// assert_eq!(lenient("0.0.0-experimental-3ad2e1b-20241106").as_deref(), Some("0.0.0-pre"));
    /// assert_eq!(lenient("workspace:*"), None);
    /// ```
    pub fn parse_lenient(text: &str) -> Option<Version> {
        let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
        let text = strip_lower_bound_operator(text)?;
        let text = text.strip_prefix(['v', 'V']).unwrap_or(text);

        let (text, build) = match text.split_once('+') {
            Some((text, build)) => (text, Some(build)),
            None => (text, None),
        };
        if let Some(build) = build
            && !is_semver_identifier_text(build)
        {
            return None;
        }
        let (core, pre) = match text.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (text, None),
        };

        let mut numbers = [0u32; 3];
        for (i, part) in core.split('.').enumerate() {
            *numbers.get_mut(i)? = lenient_number(part)?;
        }
        let version = Version::try_new(numbers[0], numbers[1], numbers[2])?;
        match pre {
            None => Some(version),
            Some(pre) if pre.is_empty() || !is_semver_identifier_text(pre) => None,
            Some(pre) => Some(version.with_pre_release(reduce_pre_release(pre))),
        }
    }
}

/// Strips `^`, `~`, `=` or `>=` (and spaces after it); `None` for an operator that does not name the lowest
/// version of its range, or for a text made of several comparators.
fn strip_lower_bound_operator(text: &str) -> Option<&str> {
    let rest = if let Some(rest) = text.strip_prefix(">=") {
        rest
    } else if text.starts_with(['>', '<']) || text.starts_with("~>") {
        return None;
    } else if let Some(rest) = text.strip_prefix(['^', '~', '=']) {
        rest
    } else {
        return Some(text);
    };
    Some(rest.trim_start_matches(' '))
}

/// A component: one or more ASCII digits, leading zeros allowed, value at most [`MAX_COMPONENT`].
fn lenient_number(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let significant = text.trim_start_matches('0');
    if significant.len() > 9 {
        return None;
    }
    // At most nine digits, so it fits in a u32 and the parse cannot fail; zero digits left means zero.
    let value = if significant.is_empty() { 0 } else { significant.parse::<u32>().ok()? };
    (value <= MAX_COMPONENT).then_some(value)
}

/// SemVer's identifier characters, the only ones a pre-release tail or build metadata may hold here.
fn is_semver_identifier_text(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
}

/// The known tag that an identifier is, or starts before a digit (`rc1`, `nightly2024abc`), and the digits that
/// follow it when nothing else does.
fn tag_of_identifier(identifier: &str) -> Option<(PreTag, Option<&str>)> {
    PreTag::ALL.iter().find_map(|&tag| {
        let name = tag.as_str();
        let head = identifier.get(..name.len())?;
        if !head.eq_ignore_ascii_case(name) {
            return None;
        }
        let rest = &identifier[name.len()..];
        if rest.is_empty() {
            Some((tag, None))
        } else if rest.as_bytes()[0].is_ascii_digit() {
            Some((tag, rest.bytes().all(|b| b.is_ascii_digit()).then_some(rest)))
        } else {
            None
        }
    })
}

/// Reduces a pre-release tail (`[0-9A-Za-z.-]+`) to a known tag and at most one number. One pass, nothing
/// allocated, however many identifiers the tail has.
fn reduce_pre_release(tail: &str) -> PreRelease {
    let mut identifiers = tail.split(['.', '-']);
    let Some((position, tag, glued)) =
        identifiers.by_ref().enumerate().find_map(|(i, id)| tag_of_identifier(id).map(|(tag, glued)| (i, tag, glued)))
    else {
        return PreRelease { tag: PreTag::Pre, number: None };
    };
    // The number is kept only for the plain shapes `TAG.N`, `TAG-N` and `TAGN`: then it is the whole of the
    // tail. Anything more (a hash, a second number, a word) means the digits are data, not a count.
    let number_text = if position != 0 {
        None
    } else {
        match (glued, identifiers.next(), identifiers.next()) {
            (Some(digits), None, _) => Some(digits),
            (None, Some(digits), None) => Some(digits),
            _ => None,
        }
    };
    let number = number_text.and_then(lenient_number).filter(|&n| n <= MAX_PRE_RELEASE_COUNT);
    PreRelease { tag, number }
}

/// The largest pre-release number kept: real counts have a few digits (`canary.207`, `beta.12`), while the
/// numbers of five digits or more found after a tag are dates (`dev.20231215`), times or hash fragments
/// (`rc-66855…`), which would tell which private build or day a program runs.
const MAX_PRE_RELEASE_COUNT: u32 = 9_999;
