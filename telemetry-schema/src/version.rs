//! A version number that cannot carry anything but a version.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

mod lenient;

/// The largest number a version component (or pre-release number) may have: nine digits, which fits calendar
/// versions like `20261122` but not a timestamp or a phone number.
pub const MAX_COMPONENT: u32 = 999_999_999;

/// A privacy-safe version: `MAJOR.MINOR.PATCH`, optionally `-TAG` or `-TAG.N` where TAG comes from a closed
/// vocabulary ([`PreTag`]). Build metadata (`+...`) is accepted when parsing and dropped.
///
/// A free-text pre-release such as `1.0.0-jane.doe` is refused, since it could carry a name or a branch.
///
/// ```
/// use telemetry_schema::Version;
///
/// let v: Version = "2.1.0-rc.3+build.7".parse().unwrap();
/// assert_eq!(v.to_string(), "2.1.0-rc.3");
/// assert!("1.0.0-jane.doe".parse::<Version>().is_err());
///
/// // Checked at compile time: an invalid crate version would not build.
/// const SDK: Version = telemetry_schema::version!();
/// # let _ = SDK;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Version {
    major: u32,
    minor: u32,
    patch: u32,
    pre: Option<PreRelease>,
}

/// A pre-release suffix: a [`PreTag`] and an optional number (`rc.2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PreRelease {
    tag: PreTag,
    number: Option<u32>,
}

impl PreRelease {
    /// Builds a pre-release suffix; the number is refused above [`MAX_COMPONENT`] at compile time.
    ///
    /// # Panics
    /// When the number is above [`MAX_COMPONENT`]; use [`PreRelease::try_new`] for numbers known at run time.
    pub const fn new(tag: PreTag, number: Option<u32>) -> Self {
        if let Some(n) = number {
            assert!(n <= MAX_COMPONENT, "telemetry: a version number has at most nine digits");
        }
        Self { tag, number }
    }

    /// A pre-release suffix, or `None` when the number is above [`MAX_COMPONENT`].
    pub const fn try_new(tag: PreTag, number: Option<u32>) -> Option<Self> {
        match number {
            Some(n) if n > MAX_COMPONENT => None,
            _ => Some(Self { tag, number }),
        }
    }

    /// The tag, e.g. [`PreTag::Rc`].
    pub const fn tag(&self) -> PreTag {
        self.tag
    }

    /// The number after the tag, e.g. `2` in `rc.2`.
    pub const fn number(&self) -> Option<u32> {
        self.number
    }
}

/// The closed vocabulary of pre-release tags. Declared in ASCII order, so the derived `Ord` is SemVer's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PreTag {
    /// `alpha`
    Alpha,
    /// `beta`
    Beta,
    /// `canary`
    Canary,
    /// `dev`
    Dev,
    /// `next`
    Next,
    /// `nightly`
    Nightly,
    /// `pre`
    Pre,
    /// `preview`
    Preview,
    /// `rc`
    Rc,
}

impl PreTag {
    /// Every tag, in order.
    pub const ALL: [PreTag; 9] = [
        Self::Alpha,
        Self::Beta,
        Self::Canary,
        Self::Dev,
        Self::Next,
        Self::Nightly,
        Self::Pre,
        Self::Preview,
        Self::Rc,
    ];

    /// The tag as written in a version.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Alpha => "alpha",
            Self::Beta => "beta",
            Self::Canary => "canary",
            Self::Dev => "dev",
            Self::Next => "next",
            Self::Nightly => "nightly",
            Self::Pre => "pre",
            Self::Preview => "preview",
            Self::Rc => "rc",
        }
    }

    const fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let mut i = 0;
        while i < Self::ALL.len() {
            if crate::meta::bytes_eq(Self::ALL[i].as_str().as_bytes(), bytes) {
                return Some(Self::ALL[i]);
            }
            i += 1;
        }
        None
    }
}

impl Version {
    /// `MAJOR.MINOR.PATCH`; a component above [`MAX_COMPONENT`] is refused at compile time in a `const`.
    ///
    /// # Panics
    /// When a component is above [`MAX_COMPONENT`] (at compile time in a `const`). For numbers known only at run
    /// time, use [`Version::try_new`] or [`Version::parse`].
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        assert!(
            major <= MAX_COMPONENT && minor <= MAX_COMPONENT && patch <= MAX_COMPONENT,
            "telemetry: a version component has at most nine digits"
        );
        Self { major, minor, patch, pre: None }
    }

    /// `MAJOR.MINOR.PATCH`, or `None` when a component is above [`MAX_COMPONENT`].
    pub const fn try_new(major: u32, minor: u32, patch: u32) -> Option<Self> {
        if major <= MAX_COMPONENT && minor <= MAX_COMPONENT && patch <= MAX_COMPONENT {
            Some(Self { major, minor, patch, pre: None })
        } else {
            None
        }
    }

    /// The same version with a pre-release suffix.
    pub const fn with_pre_release(self, pre: PreRelease) -> Self {
        Self { pre: Some(pre), ..self }
    }

    /// Parses a version (see [`FromStr`] for a runtime error that says what was wrong).
    ///
    /// # Errors
    /// When the text is not a privacy-safe version.
    pub fn parse(text: &str) -> Result<Self, VersionError> {
        match parse_bytes(text.as_bytes()) {
            Ok(version) => Ok(version),
            Err(problem) => Err(VersionError { input: truncate_for_error(text), problem }),
        }
    }

    /// Parses a version in a `const` context, failing the build when the text is invalid. Prefer the
    /// [`version!`](crate::version!) macro, which always evaluates at compile time.
    ///
    /// # Panics
    /// When `text` is not a valid version; in a `const` this is a compile error.
    pub const fn from_const_str(text: &str) -> Self {
        match parse_bytes(text.as_bytes()) {
            Ok(version) => version,
            Err(problem) => panic!("{}", problem.message()),
        }
    }

    /// The major component.
    pub const fn major(&self) -> u32 {
        self.major
    }

    /// The minor component.
    pub const fn minor(&self) -> u32 {
        self.minor
    }

    /// The patch component.
    pub const fn patch(&self) -> u32 {
        self.patch
    }

    /// The pre-release suffix, if any.
    pub const fn pre_release(&self) -> Option<PreRelease> {
        self.pre
    }
}

/// Builds a [`Version`] at compile time: `version!()` reads `CARGO_PKG_VERSION` of the calling crate,
/// `version!("1.2.3")` parses the given literal. Invalid text fails the build.
#[macro_export]
macro_rules! version {
    () => {
        $crate::version!(::core::env!("CARGO_PKG_VERSION"))
    };
    ($text:expr $(,)?) => {
        const { $crate::Version::from_const_str($text) }
    };
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch).cmp(&(other.major, other.minor, other.patch)).then_with(|| {
            match (&self.pre, &other.pre) {
                (None, None) => Ordering::Equal,
                // A release sorts after its pre-releases.
                (None, Some(_)) => Ordering::Greater,
                (Some(_), None) => Ordering::Less,
                (Some(a), Some(b)) => a.cmp(b),
            }
        })
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if let Some(pre) = self.pre {
            write!(f, "-{}", pre.tag.as_str())?;
            if let Some(n) = pre.number {
                write!(f, ".{n}")?;
            }
        }
        Ok(())
    }
}

impl FromStr for Version {
    type Err = VersionError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

/// Why a text is not a privacy-safe [`Version`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionError {
    input: String,
    problem: VersionProblem,
}

impl VersionError {
    /// What was wrong.
    pub fn problem(&self) -> VersionProblem {
        self.problem
    }
}

/// The ways a version text can be refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum VersionProblem {
    /// Empty input.
    Empty,
    /// Fewer or more than three dot-separated components, or a component that is not a number.
    NotThreeNumbers,
    /// A component with a leading zero, like `01`.
    LeadingZero,
    /// A component above [`MAX_COMPONENT`].
    TooLarge,
    /// A pre-release tag outside the closed vocabulary.
    UnknownPreReleaseTag,
    /// Something other than one number after the pre-release tag.
    BadPreReleaseNumber,
    /// Build metadata that is empty or has characters other than `[0-9A-Za-z.-]`.
    BadBuildMetadata,
}

impl VersionProblem {
    const fn message(self) -> &'static str {
        match self {
            Self::Empty => "a version cannot be empty; write MAJOR.MINOR.PATCH, like 1.4.2",
            Self::NotThreeNumbers => {
                "a version is three numbers separated by dots (MAJOR.MINOR.PATCH, like 1.4.2), optionally \
                 followed by -TAG or -TAG.N"
            }
            Self::LeadingZero => "a version number cannot have a leading zero (write 1.2.3, not 01.2.3)",
            Self::TooLarge => "a version number has at most nine digits (999999999)",
            Self::UnknownPreReleaseTag => {
                "the pre-release tag must be one of alpha, beta, canary, dev, next, nightly, pre, preview, rc \
                 (a free-text tag could carry a name or a branch); write e.g. 1.0.0-beta.2"
            }
            Self::BadPreReleaseNumber => "after the pre-release tag only one number may follow, as in 1.0.0-rc.2",
            Self::BadBuildMetadata => {
                "build metadata after '+' must be non-empty and use only 0-9, A-Z, a-z, '.' and '-' (it is \
                 dropped anyway)"
            }
        }
    }
}

impl fmt::Display for VersionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid version {:?}: {}", self.input, self.problem.message())
    }
}

impl std::error::Error for VersionError {}

fn truncate_for_error(text: &str) -> String {
    const KEEP: usize = 80;
    match text.char_indices().nth(KEEP) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Parses a decimal component `0|[1-9][0-9]{0,8}` from the start of `bytes`, returning it and its length.
const fn parse_number(bytes: &[u8]) -> Result<(u32, usize), VersionProblem> {
    let mut len = 0;
    let mut value: u64 = 0;
    while len < bytes.len() && bytes[len].is_ascii_digit() {
        if len == 9 {
            return Err(VersionProblem::TooLarge);
        }
        value = value * 10 + (bytes[len] - b'0') as u64;
        len += 1;
    }
    if len == 0 {
        return Err(VersionProblem::NotThreeNumbers);
    }
    if len > 1 && bytes[0] == b'0' {
        return Err(VersionProblem::LeadingZero);
    }
    Ok((value as u32, len))
}

const fn parse_bytes(input: &[u8]) -> Result<Version, VersionProblem> {
    if input.is_empty() {
        return Err(VersionProblem::Empty);
    }
    // Split off build metadata, which is validated and dropped.
    let mut end = 0;
    while end < input.len() && input[end] != b'+' {
        end += 1;
    }
    if end < input.len() {
        let build = input.split_at(end + 1).1;
        if build.is_empty() {
            return Err(VersionProblem::BadBuildMetadata);
        }
        let mut i = 0;
        while i < build.len() {
            let b = build[i];
            if !(b.is_ascii_alphanumeric() || b == b'.' || b == b'-') {
                return Err(VersionProblem::BadBuildMetadata);
            }
            i += 1;
        }
    }
    let (mut rest, _) = input.split_at(end);

    let mut parts = [0u32; 3];
    let mut i = 0;
    while i < 3 {
        let (value, len) = match parse_number(rest) {
            Ok(found) => found,
            Err(problem) => return Err(problem),
        };
        parts[i] = value;
        rest = rest.split_at(len).1;
        if i < 2 {
            if rest.is_empty() || rest[0] != b'.' {
                return Err(VersionProblem::NotThreeNumbers);
            }
            rest = rest.split_at(1).1;
        }
        i += 1;
    }
    let version = Version { major: parts[0], minor: parts[1], patch: parts[2], pre: None };
    if rest.is_empty() {
        return Ok(version);
    }
    if rest[0] != b'-' {
        return Err(VersionProblem::NotThreeNumbers);
    }
    rest = rest.split_at(1).1;
    let mut tag_len = 0;
    while tag_len < rest.len() && rest[tag_len] != b'.' {
        tag_len += 1;
    }
    let (tag, after_tag) = rest.split_at(tag_len);
    let Some(tag) = PreTag::from_bytes(tag) else {
        return Err(VersionProblem::UnknownPreReleaseTag);
    };
    if after_tag.is_empty() {
        return Ok(version.with_pre_release(PreRelease { tag, number: None }));
    }
    let number_text = after_tag.split_at(1).1;
    let (number, len) = match parse_number(number_text) {
        Ok(found) => found,
        Err(VersionProblem::NotThreeNumbers) => return Err(VersionProblem::BadPreReleaseNumber),
        Err(problem) => return Err(problem),
    };
    if len != number_text.len() {
        return Err(VersionProblem::BadPreReleaseNumber);
    }
    Ok(version.with_pre_release(PreRelease { tag, number: Some(number) }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_metadata_is_dropped() {
        assert_eq!(Version::parse("1.2.3+sha.5114f85").unwrap().to_string(), "1.2.3");
    }

    #[test]
    fn free_text_pre_release_is_refused_with_a_reason() {
        let err = Version::parse("1.0.0-jane.doe").unwrap_err();
        assert_eq!(err.problem(), VersionProblem::UnknownPreReleaseTag);
        assert!(err.to_string().contains("must be one of alpha, beta"), "{err}");
    }

    #[test]
    fn const_constructor_agrees_with_parse() {
        const V: Version = Version::from_const_str("3.10.0-beta.2");
        assert_eq!(V, Version::parse("3.10.0-beta.2").unwrap());
    }
}
