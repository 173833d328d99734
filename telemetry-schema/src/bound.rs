//! Bounded numbers and versions, and the information bound of a payload.
//!
//! A [`Bound`] says how a count, a duration or a version is cut down before it leaves the process: capped
//! (`#[telemetry(max = N)]`), rounded down to a scale (`#[telemetry(buckets = "exp2")]`) or, for a version, cut to
//! its first parts (`#[telemetry(precision = "minor")]`). The serializer applies it from the `const` metadata, so
//! the raw value never reaches the wire, the debug output or the queue; the schema accepts only what it can
//! produce; and because every field then has a closed domain, [`EventMeta::payload_bits`](crate::EventMeta) is
//! `log2` of the exact number of distinct payloads.

use crate::kind::{CollectableKind, CountWidth};
use crate::meta::FieldMeta;
use crate::version::MAX_COMPONENT;

/// The bound of one field of an event or group: the field's index in the metadata's fields, and its bound.
/// Bounds are listed apart from the fields so that the many unbounded fields cost nothing to build at compile
/// time (see docs/PERFORMANCE.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FieldBound {
    /// The index of the field in [`EventMeta::fields`](crate::EventMeta::fields) or
    /// [`GroupMeta::fields`](crate::GroupMeta::fields).
    pub field: usize,
    /// Its bound.
    pub bound: Bound,
}

/// The bound of the field at `index` ([`Bound::NONE`] when none is listed).
pub(crate) const fn bound_of(bounds: &[FieldBound], index: usize) -> Bound {
    let mut rest = bounds;
    while let [first, tail @ ..] = rest {
        if first.field == index {
            return first.bound;
        }
        rest = tail;
    }
    Bound::NONE
}

/// How a field's value is bounded before it is sent. [`Bound::NONE`] sends the value as it is.
///
/// ```
/// use telemetry_schema::{Bound, Scale};
///
/// let capped = Bound::NONE.with_max(64);
/// assert_eq!(capped.round(12), 12);
/// assert_eq!(capped.round(200), 64);
/// let rounded = Bound::NONE.with_scale(Scale::Exp2);
/// assert_eq!(rounded.round(1000), 512);
/// assert_eq!(rounded.round(0), 0);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Bound {
    /// The cap: a larger value is sent as this one. Counts in units, durations in milliseconds, versions per part.
    #[doc(hidden)]
    pub max: Option<u64>,
    /// The scale a count or duration is rounded down to.
    #[doc(hidden)]
    pub scale: Scale,
    /// How many parts of a version are sent.
    #[doc(hidden)]
    pub precision: Precision,
}

/// The scale a count or a duration is rounded down to (`#[telemetry(buckets = "...")]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// Sent as it is.
    Exact,
    /// `"exp2"`: rounded down to 0 or a power of two (1, 2, 4, 8, …).
    Exp2,
    /// `"exp2/4"`: rounded down to 0, 1, 2, 3, or four steps per power of two (4, 5, 6, 7, 8, 10, 12, 14, 16, …):
    /// never more than 25 % below the value.
    Exp2Quarter,
}

impl Scale {
    /// The attribute value that selects the scale (`None` for [`Scale::Exact`]).
    pub const fn attribute(self) -> Option<&'static str> {
        match self {
            Self::Exact => None,
            Self::Exp2 => Some("exp2"),
            Self::Exp2Quarter => Some("exp2/4"),
        }
    }

    /// The scale an attribute value names.
    pub fn from_attribute(text: &str) -> Option<Self> {
        match text {
            "exp2" => Some(Self::Exp2),
            "exp2/4" => Some(Self::Exp2Quarter),
            _ => None,
        }
    }

    /// The significant binary digits a rounded value keeps (`None`: all).
    const fn kept_bits(self) -> Option<u32> {
        match self {
            Self::Exact => None,
            Self::Exp2 => Some(1),
            Self::Exp2Quarter => Some(3),
        }
    }

    /// `value` rounded down to this scale.
    pub const fn round_down(self, value: u64) -> u64 {
        match self.kept_bits() {
            None => value,
            Some(kept) => {
                let width = u64::BITS - value.leading_zeros();
                if width <= kept {
                    value
                } else {
                    let drop = width - kept;
                    (value >> drop) << drop
                }
            }
        }
    }

    /// The smallest value of this scale above `value`, if any fits in a `u64`.
    const fn next(self, value: u64) -> Option<u64> {
        match self.kept_bits() {
            None => value.checked_add(1),
            Some(kept) => {
                let width = u64::BITS - value.leading_zeros();
                let step = if width <= kept { 1 } else { 1u64 << (width - kept) };
                value.checked_add(step)
            }
        }
    }

    /// How many values of this scale are at most `limit` (0 included).
    const fn count_up_to(self, limit: u64) -> u64 {
        match self {
            Self::Exact => limit.saturating_add(1),
            _ => {
                let mut count = 1;
                let mut value = 0;
                while let Some(next) = self.next(value) {
                    if next > limit {
                        break;
                    }
                    count += 1;
                    value = next;
                }
                count
            }
        }
    }
}

/// How many parts of a version are sent (`#[telemetry(precision = "...")]`). A version cut to fewer parts never
/// carries a pre-release tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Precision {
    /// The whole version, `1.4.2-rc.1`.
    Full,
    /// `"major"`: `1`.
    Major,
    /// `"minor"`: `1.4`.
    Minor,
    /// `"patch"`: `1.4.2`, without a pre-release tag.
    Patch,
}

impl Precision {
    /// The attribute value that selects the precision (`None` for [`Precision::Full`]).
    pub const fn attribute(self) -> Option<&'static str> {
        match self {
            Self::Full => None,
            Self::Major => Some("major"),
            Self::Minor => Some("minor"),
            Self::Patch => Some("patch"),
        }
    }

    /// The precision an attribute value names.
    pub fn from_attribute(text: &str) -> Option<Self> {
        match text {
            "major" => Some(Self::Major),
            "minor" => Some(Self::Minor),
            "patch" => Some(Self::Patch),
            _ => None,
        }
    }

    /// How many numeric parts are sent; `None` for the whole version.
    pub const fn parts(self) -> Option<usize> {
        match self {
            Self::Full => None,
            Self::Major => Some(1),
            Self::Minor => Some(2),
            Self::Patch => Some(3),
        }
    }
}

impl Bound {
    /// No bound: the value is sent as it is.
    pub const NONE: Bound = Bound { max: None, scale: Scale::Exact, precision: Precision::Full };

    /// Caps the value: a larger one is sent as `max` (for a version, each part).
    pub const fn with_max(self, max: u64) -> Self {
        Self { max: Some(max), ..self }
    }

    /// Rounds the value down to `scale` (below the cap, if any).
    pub const fn with_scale(self, scale: Scale) -> Self {
        Self { scale, ..self }
    }

    /// Sends only the first parts of a version.
    pub const fn with_precision(self, precision: Precision) -> Self {
        Self { precision, ..self }
    }

    /// The cap, if any.
    pub const fn max(&self) -> Option<u64> {
        self.max
    }

    /// The scale.
    pub const fn scale(&self) -> Scale {
        self.scale
    }

    /// The version precision.
    pub const fn precision(&self) -> Precision {
        self.precision
    }

    /// Whether this is [`Bound::NONE`].
    pub const fn is_none(&self) -> bool {
        self.max.is_none() && matches!(self.scale, Scale::Exact) && matches!(self.precision, Precision::Full)
    }

    /// What a count or a duration (in milliseconds) is sent as: `max` when it is `max` or more, otherwise the value
    /// rounded down to the scale.
    pub const fn round(&self, value: u64) -> u64 {
        match self.max {
            Some(max) if value >= max => max,
            _ => self.scale.round_down(value),
        }
    }

    /// What a version part is sent as: at most the cap.
    pub const fn cap_part(&self, part: u32) -> u32 {
        match self.max {
            Some(max) if part as u64 > max => max as u32,
            _ => part,
        }
    }

    /// Every value a count or duration bounded this way can be sent as, in increasing order, when the bound
    /// rounds to a scale (the schema's `enum`); `None` for an exact value, which the schema bounds by `maximum`.
    pub fn values(&self, type_max: u64) -> Option<Vec<u64>> {
        if matches!(self.scale, Scale::Exact) {
            return None;
        }
        let limit = self.max.map_or(type_max, |max| max.min(type_max));
        let mut values = vec![0];
        let mut value = 0;
        while let Some(next) = self.scale.next(value) {
            if next >= limit {
                break;
            }
            values.push(next);
            value = next;
        }
        let last = match self.max {
            Some(max) => max.min(type_max),
            None => self.scale.round_down(type_max),
        };
        if values.last() != Some(&last) {
            values.push(last);
        }
        Some(values)
    }

    /// The largest value a count or duration bounded this way can be sent as.
    pub const fn largest(&self, type_max: u64) -> u64 {
        match self.max {
            Some(max) if max < type_max => max,
            _ => self.scale.round_down(type_max),
        }
    }

    /// How many distinct values a count or duration of `type_max` bounded this way can be sent as.
    const fn count_values(&self, type_max: u64) -> Count {
        match self.max {
            Some(max) if max <= type_max => {
                // Every value of the scale below the cap, and the cap.
                if max == 0 { Count::ONE } else { Count::from_u64(self.scale.count_up_to(max - 1)).plus_one() }
            }
            _ => match self.scale {
                // 0..=type_max: `type_max + 1` may not fit a u64.
                Scale::Exact => Count::from_u64(type_max).plus_one(),
                _ => Count::from_u64(self.scale.count_up_to(type_max)),
            },
        }
    }

    /// The largest part a version bounded this way can send.
    pub const fn part_max(&self) -> u64 {
        match self.max {
            Some(max) if max < MAX_COMPONENT as u64 => max,
            _ => MAX_COMPONENT as u64,
        }
    }

    /// Whether the bound may be put on a field of `kind` (seen through `Option`), and if not, why.
    ///
    /// # Errors
    /// What is wrong, in words.
    pub const fn check_for(&self, kind: &CollectableKind) -> Result<(), &'static str> {
        if self.is_none() {
            return Ok(());
        }
        let kind = kind.bounded();
        match kind {
            CollectableKind::Count(_) | CollectableKind::DurationMillis => {
                let type_max = match kind {
                    CollectableKind::Count(width) => CountWidth::max(*width),
                    _ => u64::MAX,
                };
                if !matches!(self.precision, Precision::Full) {
                    return Err(BOUND_PRECISION_NOT_VERSION);
                }
                match self.max {
                    Some(0) => Err(BOUND_ZERO_MAX),
                    Some(max) if max > type_max => Err(BOUND_MAX_ABOVE_TYPE),
                    _ => Ok(()),
                }
            }
            CollectableKind::Version => {
                if !matches!(self.scale, Scale::Exact) {
                    return Err(BOUND_BUCKETS_NOT_NUMBER);
                }
                if matches!(self.precision, Precision::Full) {
                    return Err(BOUND_VERSION_NEEDS_PRECISION);
                }
                match self.max {
                    Some(max) if !is_all_nines(max) => Err(BOUND_VERSION_MAX_DIGITS),
                    _ => Ok(()),
                }
            }
            _ => Err(BOUND_WRONG_KIND),
        }
    }
}

impl Bound {
    /// The bound in words, for the page and the schema's `description` (`None` when unbounded). `kind` is the
    /// field's kind, seen through `Option`.
    pub fn describe(&self, kind: &CollectableKind) -> Option<String> {
        if self.is_none() {
            return None;
        }
        let kind = kind.bounded();
        if let CollectableKind::Version = kind {
            let shape = match self.precision {
                Precision::Major => "MAJOR",
                Precision::Minor => "MAJOR.MINOR",
                _ => "MAJOR.MINOR.PATCH",
            };
            let dropped = match self.precision {
                Precision::Major => "the rest and any pre-release tag are dropped",
                Precision::Minor => "the patch number and any pre-release tag are dropped",
                _ => "any pre-release tag is dropped",
            };
            let mut text = format!("Only {shape} is sent ({dropped})");
            if let Some(max) = self.max {
                text.push_str(&format!("; a part above {max} is sent as {max}"));
            }
            text.push('.');
            return Some(text);
        }
        let duration = matches!(kind, CollectableKind::DurationMillis);
        let mut parts = Vec::new();
        match self.scale {
            Scale::Exact => {}
            Scale::Exp2 => parts.push(format!(
                "Rounded down to 0 or a power of two{} (1, 2, 4, 8, 16, …)",
                if duration { " of milliseconds" } else { "" }
            )),
            Scale::Exp2Quarter => parts.push(format!(
                "Rounded down to four steps per power of two{} (0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20, …), \
                 at most 25 % below the real value",
                if duration { " of milliseconds" } else { "" }
            )),
        }
        if let Some(max) = self.max {
            let shown = if duration { format_millis(max) } else { max.to_string() };
            parts.push(format!("{shown} or more is sent as {shown}"));
        }
        let mut text = parts.join("; ");
        text.push('.');
        Some(text)
    }
}

/// `600000` → `10 minutes`, `1500` → `1500 ms`: the largest unit that divides the value, in words.
pub fn format_millis(millis: u64) -> String {
    let units: [(u64, &str, &str); 4] = [
        (86_400_000, "day", "days"),
        (3_600_000, "hour", "hours"),
        (60_000, "minute", "minutes"),
        (1000, "second", "seconds"),
    ];
    for (size, one, many) in units {
        if millis > 0 && millis.is_multiple_of(size) {
            let n = millis / size;
            return format!("{n} {}", if n == 1 { one } else { many });
        }
    }
    format!("{millis} ms")
}

#[cfg(feature = "schema")]
/// The `pattern` of a version cut to `parts` parts of at most `digits` digits each.
pub fn bounded_version_pattern(parts: usize, digits: usize) -> String {
    let part = if digits <= 1 { "(0|[1-9])".to_owned() } else { format!("(0|[1-9][0-9]{{0,{}}})", digits - 1) };
    let mut pattern = format!("^{part}");
    for _ in 1..parts {
        pattern.push_str("\\.");
        pattern.push_str(&part);
    }
    pattern.push('$');
    pattern
}

/// A bound on a field that is not a count, a duration or a version.
pub(crate) const BOUND_WRONG_KIND: &str = "telemetry: `max`, `buckets` and `precision` bound counts, durations and \
                                           versions; this field is none of them";
const BOUND_PRECISION_NOT_VERSION: &str =
    "telemetry: `precision` cuts a version to its first parts; this field is a count or a duration";
const BOUND_BUCKETS_NOT_NUMBER: &str =
    "telemetry: `buckets` rounds counts and durations; for a version use `precision` (and `max` for each part)";
const BOUND_VERSION_NEEDS_PRECISION: &str = "telemetry: a bounded version says which parts it sends: add \
                                             `precision = \"major\"`, `\"minor\"` or `\"patch\"`";
const BOUND_VERSION_MAX_DIGITS: &str = "telemetry: the `max` of a version part is 9, 99, 999, … (a number of \
                                        digits), at most 999999999";
const BOUND_ZERO_MAX: &str = "telemetry: `max = 0` would always send 0; remove the field instead";
const BOUND_MAX_ABOVE_TYPE: &str = "telemetry: `max` is above the largest value of the field's type, so it bounds \
                                    nothing; lower it or use a wider type";

/// 9, 99, …, 999 999 999.
const fn is_all_nines(mut n: u64) -> bool {
    if n == 0 || n > MAX_COMPONENT as u64 {
        return false;
    }
    while n > 0 {
        if n % 10 != 9 {
            return false;
        }
        n /= 10;
    }
    true
}

/// A number of distinct payloads, possibly far beyond `u64` (a group of three `u64` counts has 2^192): a mantissa
/// in `[1, 2)` and a power of two. Only its `log2` is ever read, to about 15 significant digits.
#[derive(Debug, Clone, Copy)]
struct Count {
    mantissa: f64,
    exponent: i64,
}

impl Count {
    const ONE: Count = Count { mantissa: 1.0, exponent: 0 };

    const fn from_u64(n: u64) -> Self {
        if n == 0 {
            return Count { mantissa: 0.0, exponent: 0 };
        }
        Count { mantissa: n as f64, exponent: 0 }.normalized()
    }

    const fn normalized(self) -> Self {
        let Count { mut mantissa, mut exponent } = self;
        if mantissa == 0.0 {
            return self;
        }
        while mantissa >= 2.0 {
            mantissa /= 2.0;
            exponent += 1;
        }
        while mantissa < 1.0 {
            mantissa *= 2.0;
            exponent -= 1;
        }
        Count { mantissa, exponent }
    }

    const fn times(self, other: Count) -> Self {
        Count { mantissa: self.mantissa * other.mantissa, exponent: self.exponent + other.exponent }.normalized()
    }

    /// `self + 1`. Past 2^60 the one is below the mantissa's precision and changes nothing that `log2` shows.
    const fn plus_one(self) -> Self {
        if self.exponent > 60 {
            return self;
        }
        let mut value = self.mantissa;
        let mut e = self.exponent;
        while e > 0 {
            value *= 2.0;
            e -= 1;
        }
        while e < 0 {
            value /= 2.0;
            e += 1;
        }
        Count { mantissa: value + 1.0, exponent: 0 }.normalized()
    }

    /// `self + other`; a term more than 2^60 times smaller than the other changes nothing `log2` shows.
    const fn plus(self, other: Count) -> Self {
        if self.mantissa == 0.0 {
            return other;
        }
        if other.mantissa == 0.0 {
            return self;
        }
        let (big, small) = if self.exponent >= other.exponent { (self, other) } else { (other, self) };
        let shift = big.exponent - small.exponent;
        if shift > 60 {
            return big;
        }
        let mut added = small.mantissa;
        let mut i = 0;
        while i < shift {
            added /= 2.0;
            i += 1;
        }
        Count { mantissa: big.mantissa + added, exponent: big.exponent }.normalized()
    }

    const fn pow2(n: usize) -> Self {
        Count { mantissa: 1.0, exponent: n as i64 }
    }

    const fn log2(self) -> f64 {
        if self.mantissa == 0.0 {
            return 0.0;
        }
        self.exponent as f64 + log2_of_mantissa(self.mantissa)
    }
}

/// `log2(x)` for `x` in `[1, 2)`, one binary digit per squaring: exact to the last bits of an `f64`.
const fn log2_of_mantissa(mut x: f64) -> f64 {
    let mut result = 0.0;
    let mut digit = 0.5;
    let mut i = 0;
    while i < 53 && x != 1.0 {
        x *= x;
        if x >= 2.0 {
            x /= 2.0;
            result += digit;
        }
        digit /= 2.0;
        i += 1;
    }
    result
}

/// How many distinct values a field of `kind` bounded by `bound` can take (`None` for `Option` is one of them).
const fn kind_count(kind: &CollectableKind, bound: &Bound) -> Count {
    match kind {
        CollectableKind::Bool => Count::from_u64(2),
        CollectableKind::Count(width) => bound.count_values(CountWidth::max(*width)),
        CollectableKind::DurationMillis => bound.count_values(u64::MAX),
        CollectableKind::Version => match bound.precision.parts() {
            None => {
                // MAJOR.MINOR.PATCH, each 0..=MAX_COMPONENT, then no tag, a tag, or a tag and a number.
                let part = Count::from_u64(MAX_COMPONENT as u64).plus_one();
                let numbers = part.times(part).times(part);
                let tags = crate::version::PreTag::ALL.len() as u64;
                let suffixes = Count::from_u64(tags).times(part.plus_one()).plus_one();
                numbers.times(suffixes)
            }
            Some(parts) => {
                let part = Count::from_u64(bound.part_max()).plus_one();
                let mut count = Count::ONE;
                let mut i = 0;
                while i < parts {
                    count = count.times(part);
                    i += 1;
                }
                count
            }
        },
        CollectableKind::Enum(meta) => Count::from_u64(meta.variants().len() as u64),
        CollectableKind::EnumSet(meta) => Count::pow2(meta.variants().len()),
        CollectableKind::Group(meta) => fields_count(meta.fields(), meta.bounds()),
        CollectableKind::Optional(inner) => kind_count(inner, bound).plus_one(),
        // Each variant's key is absent or holds one value: (|V| + 1) ^ variants, as a struct of `Option<V>`.
        CollectableKind::Map(meta, value) => {
            let per_key = kind_count(value, bound).plus_one();
            let mut count = Count::ONE;
            let mut i = 0;
            while i < meta.variants().len() {
                count = count.times(per_key);
                i += 1;
            }
            count
        }
        // Drawn by the OS when the author calls `FlowId::new()`: the author chooses none of its 128 bits, so it
        // is one value as far as what the author can say goes (it links events; it cannot carry a fact).
        CollectableKind::FlowId => Count::ONE,
        // One of the variants, each with the values of its group (a fieldless one is one value): the sum.
        CollectableKind::Union(meta) => {
            let variants = meta.variants();
            let mut count = Count::from_u64(0);
            let mut i = 0;
            while i < variants.len() {
                let each = match variants[i].group() {
                    Some(group) => fields_count(group.fields(), group.bounds()),
                    None => Count::ONE,
                };
                count = count.plus(each);
                i += 1;
            }
            count
        }
    }
}

const fn fields_count(fields: &[FieldMeta], bounds: &[FieldBound]) -> Count {
    let mut count = Count::ONE;
    let mut i = 0;
    while i < fields.len() {
        count = count.times(kind_count(&fields[i].kind, &bound_of(bounds, i)));
        i += 1;
    }
    count
}

/// `log2` of the number of distinct values of fields (a payload or a group).
pub(crate) const fn fields_bits(fields: &[FieldMeta], bounds: &[FieldBound]) -> f64 {
    fields_count(fields, bounds).log2()
}

/// `log2` of the number of distinct values of one field.
pub(crate) const fn field_bits(field: &FieldMeta, bound: Bound) -> f64 {
    kind_count(&field.kind, &bound).log2()
}

/// The largest value of a count's width (a `Duration`'s milliseconds: `u64::MAX`).
#[cfg(feature = "schema")]
pub(crate) const fn type_max(kind: &CollectableKind) -> Option<u64> {
    match kind {
        CollectableKind::Count(width) => Some(CountWidth::max(*width)),
        CollectableKind::DurationMillis => Some(u64::MAX),
        CollectableKind::Optional(inner) | CollectableKind::Map(_, inner) => type_max(inner),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp2_rounds_down_to_zero_or_a_power_of_two() {
        let b = Bound::NONE.with_scale(Scale::Exp2);
        for (v, r) in [(0, 0), (1, 1), (2, 2), (3, 2), (14, 8), (16, 16), (u64::MAX, 1 << 63)] {
            assert_eq!(b.round(v), r, "{v}");
        }
    }

    #[test]
    fn exp2_quarter_keeps_three_significant_bits() {
        let b = Bound::NONE.with_scale(Scale::Exp2Quarter);
        for (v, r) in [(3, 3), (7, 7), (9, 8), (11, 10), (15, 14), (23, 20), (1000, 896)] {
            assert_eq!(b.round(v), r, "{v}");
        }
        assert_eq!(b.values(20).unwrap(), vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 14, 16, 20]);
    }

    #[test]
    fn a_cap_is_sent_for_anything_at_or_above_it() {
        let b = Bound::NONE.with_max(600_000).with_scale(Scale::Exp2);
        assert_eq!(b.round(599_999), 524_288);
        assert_eq!(b.round(600_000), 600_000);
        assert_eq!(b.round(u64::MAX), 600_000);
        let values = b.values(u64::MAX).unwrap();
        assert_eq!(values.last(), Some(&600_000));
        assert_eq!(values.len() as u64, b.scale.count_up_to(599_999) + 1);
    }

    #[test]
    fn counts_of_values_match_the_lists() {
        for scale in [Scale::Exp2, Scale::Exp2Quarter] {
            for max in [None, Some(1), Some(2), Some(7), Some(64), Some(100), Some(255)] {
                let mut b = Bound::NONE.with_scale(scale);
                if let Some(max) = max {
                    b = b.with_max(max);
                }
                let listed = b.values(255).unwrap();
                let brute: std::collections::BTreeSet<u64> = (0..=255).map(|v| b.round(v)).collect();
                assert_eq!(listed, brute.into_iter().collect::<Vec<_>>(), "{b:?}");
                assert!((b.count_values(255).log2() - (listed.len() as f64).log2()).abs() < 1e-12, "{b:?}");
            }
        }
    }

    #[test]
    fn log2_is_exact_where_it_can_be() {
        assert_eq!(Count::from_u64(1 << 40).log2(), 40.0);
        assert!((Count::from_u64(10).log2() - 10f64.log2()).abs() < 1e-14);
        assert_eq!(Count::from_u64(u64::MAX).plus_one().log2(), 64.0);
    }
}
