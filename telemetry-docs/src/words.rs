//! Plain words for kinds, presence and frequency, shared by the page and the catalog.

use telemetry_schema::{
    Bound, CollectableKind, CountWidth, EnumMeta, EnvelopeFieldKind, EventMeta, GroupMeta, PreTag, Precision, Product,
};

use crate::GenerateError;
use crate::page::{Inline, code, t};

/// How many enum values a "one of" cell names before it refers to the list under the table.
const VALUES_IN_CELL: usize = 6;

/// A field's kind with `Option` peeled off (presence is its own column). Exhaustive, unlike
/// [`CollectableKind`], so every kind the page can describe is matched here once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Bool,
    Count(CountWidth),
    DurationMillis,
    Version,
    Enum(&'static EnumMeta),
    EnumSet(&'static EnumMeta),
    Group(&'static GroupMeta),
    /// The keys' enum and the values' kind (never an `Option`; checked by [`Kind::of`], so [`Kind::value`] holds).
    Map(&'static EnumMeta, &'static CollectableKind),
    FlowId,
    Union(&'static telemetry_schema::UnionMeta),
}

impl Kind {
    /// Classifies a field kind.
    ///
    /// # Errors
    /// When the toolkit has a kind this version of docs-gen does not know (`CollectableKind` is
    /// `#[non_exhaustive]`): the page must never describe a field vaguely.
    pub(crate) fn of(kind: &CollectableKind) -> Result<Self, GenerateError> {
        Ok(match *kind {
            CollectableKind::Bool => Self::Bool,
            CollectableKind::Count(width) => Self::Count(width),
            CollectableKind::DurationMillis => Self::DurationMillis,
            CollectableKind::Version => Self::Version,
            CollectableKind::Enum(meta) => Self::Enum(meta),
            CollectableKind::EnumSet(meta) => Self::EnumSet(meta),
            CollectableKind::Group(meta) => Self::Group(meta),
            CollectableKind::FlowId => Self::FlowId,
            CollectableKind::Union(meta) => Self::Union(meta),
            CollectableKind::Map(_, CollectableKind::Optional(_)) => {
                return Err(GenerateError::UnknownKind(format!("{kind:?}")));
            }
            CollectableKind::Map(meta, value) => {
                // The value must be describable too.
                Self::of(value)?;
                Self::Map(meta, value)
            }
            // `Option<Option<T>>` does not compile in the toolkit; refuse it here too rather than guess.
            CollectableKind::Optional(CollectableKind::Optional(_)) => {
                return Err(GenerateError::UnknownKind(format!("{kind:?}")));
            }
            CollectableKind::Optional(inner) => Self::of(inner)?,
            _ => return Err(GenerateError::UnknownKind(format!("{kind:?}"))),
        })
    }

    /// The kind of a map's values (`None` for any other kind). [`Kind::of`] has classified it already.
    pub(crate) fn value(self) -> Option<Kind> {
        match self {
            Self::Map(_, value) => Self::of(value).ok(),
            _ => None,
        }
    }

    /// The kind in plain words, e.g. "yes / no" or "a count (0 to 65,535)".
    pub(crate) fn describe(self) -> Vec<Inline> {
        self.describe_listed(None)
    }

    /// The kind in plain words; an enum whose values are listed in a section of their own (a shared enum,
    /// `list` is its anchor) links to it instead of pointing below the table.
    pub(crate) fn describe_listed(self, list: Option<&str>) -> Vec<Inline> {
        match self {
            Self::Bool => vec![t("yes / no")],
            Self::Count(width) => vec![t(format!("a count (0 to {})", thousands(width.max())))],
            Self::DurationMillis => vec![t("a duration in milliseconds")],
            Self::Version => vec![t("a version number like 1.2.3")],
            Self::Enum(meta) => value_list("one of: ", meta, list),
            Self::EnumSet(meta) => {
                let mut out = value_list("a set of: ", meta, list);
                out.push(t(" (none, some or all)"));
                out
            }
            Self::Group(_) => vec![t("a group of the fields below")],
            Self::Map(meta, _) => {
                let mut out = value_list("a map whose keys are some of: ", meta, list);
                out.push(t(" (each at most once), each with a value: "));
                out.extend(self.value().map_or_else(Vec::new, Kind::describe));
                out
            }
            Self::FlowId => vec![t(FLOW_ID_WORDS)],
            Self::Union(meta) => {
                let mut out = vec![t("one of the cases: ")];
                for (i, variant) in meta.variants().iter().enumerate() {
                    if i > 0 {
                        out.push(t(", "));
                    }
                    out.push(code(variant.name()));
                }
                out.push(t(" (its name in "));
                out.push(code(telemetry_schema::UNION_TAG));
                out.push(t(", with the fields of that case listed below)"));
                out
            }
        }
    }

    /// The kind in plain words, with what its bound does to a value (see [`Bound::describe`]): "a count (0 to
    /// 64)", then "64 or more is sent as 64".
    pub(crate) fn describe_bounded(self, kind: &CollectableKind, bound: &Bound) -> Vec<Inline> {
        let Some(sentence) = bound.describe(kind) else {
            return self.describe();
        };
        let mut out = self.bounded_head(bound);
        out.push(Inline::Break);
        out.push(t(sentence));
        out
    }

    /// The kind as a bound leaves it, without the bound's sentence: "a count (0 to 64)". A map's bound is on each
    /// value.
    fn bounded_head(self, bound: &Bound) -> Vec<Inline> {
        match self {
            Self::Map(meta, _) => {
                let mut out = value_list("a map whose keys are some of: ", meta, None);
                out.push(t(" (each at most once), each with a value: "));
                out.extend(self.value().map_or_else(Vec::new, |value| value.bounded_head(bound)));
                out
            }
            Self::Count(width) => vec![t(format!("a count (0 to {})", thousands(bound.largest(width.max()))))],
            Self::Version => vec![t(match bound.precision() {
                Precision::Major => "a major version number like 1",
                Precision::Minor => "a version number like 1.4",
                _ => "a version number like 1.4.2",
            })],
            _ => self.describe(),
        }
    }

    /// The kind and its bound in plain words without markup, for the catalog.
    pub(crate) fn describe_plain_bounded(self, kind: &CollectableKind, bound: &Bound) -> String {
        plain(&self.describe_bounded(kind, bound))
    }

    /// The attribute that would shrink a field of this kind, for the budget's error (`None`: no attribute can).
    pub(crate) fn shrinking_attribute(self) -> Option<&'static str> {
        match self {
            Self::Count(_) => Some("#[telemetry(max = N)] or #[telemetry(buckets = \"exp2\")]"),
            Self::DurationMillis => Some("#[telemetry(buckets = \"exp2\", max = \"10m\")]"),
            Self::Version => Some("#[telemetry(precision = \"minor\", max = 99)]"),
            Self::Group(_) => Some("bounds on the group's own fields"),
            Self::Map(..) => match self.value() {
                Some(Self::Count(_)) => Some("#[telemetry(max = N)] on the map (it bounds each value)"),
                Some(Self::DurationMillis) => Some("#[telemetry(buckets = \"exp2\", max = \"10m\")] on the map"),
                Some(Self::Version) => Some("#[telemetry(precision = \"minor\", max = 99)] on the map"),
                _ => Some("fewer keys in its enum, or a smaller value kind"),
            },
            Self::Union(_) => Some("bounds on the fields of its cases' groups"),
            Self::Bool | Self::Enum(_) | Self::EnumSet(_) | Self::FlowId => None,
        }
    }

    /// The kind in general, for the tally on the page.
    fn tally_name(self) -> String {
        match self {
            Self::Bool => "yes / no".to_owned(),
            Self::Count(_) => {
                "a count: a whole number from 0 up to the largest value of its type, or capped or rounded as shown"
                    .to_owned()
            }
            Self::DurationMillis => "a duration in whole milliseconds".to_owned(),
            Self::Version => {
                let tags: Vec<&str> = PreTag::ALL.iter().map(|tag| tag.as_str()).collect();
                format!("a version number like 1.2.3, where a pre-release tag can only be one of: {}", tags.join(", "))
            }
            Self::Enum(_) => "one value from a fixed list".to_owned(),
            Self::EnumSet(_) => "a set of values from a fixed list".to_owned(),
            Self::Group(_) => "a group of fields of these same kinds".to_owned(),
            Self::Map(..) => "a map from values of a fixed list to values of these same kinds".to_owned(),
            Self::FlowId => FLOW_ID_WORDS.to_owned(),
            Self::Union(_) => "one case of a fixed list, each case with its own fields of these same kinds".to_owned(),
        }
    }
}

/// Whether any of `fields` (or of their groups and map values) is a flow id.
pub(crate) fn has_flow_id(fields: &[telemetry_schema::FieldMeta]) -> bool {
    fn kind_has(kind: &CollectableKind) -> bool {
        match kind {
            CollectableKind::FlowId => true,
            CollectableKind::Optional(inner) | CollectableKind::Map(_, inner) => kind_has(inner),
            CollectableKind::Group(group) => has_flow_id(group.fields()),
            CollectableKind::Union(meta) => {
                meta.variants().iter().filter_map(|v| v.group()).any(|group| has_flow_id(group.fields()))
            }
            _ => false,
        }
    }
    fields.iter().any(|field| kind_has(&field.kind()))
}

/// What the page says a flow id is, wherever it names one.
const FLOW_ID_WORDS: &str = "a random id that links the events of one flow (the client draws 128 random bits for \
                             each flow; the program cannot choose them, only which events share one)";

fn value_list(lead: &str, meta: &EnumMeta, list: Option<&str>) -> Vec<Inline> {
    let variants = meta.variants();
    let mut out = vec![t(lead)];
    for (i, variant) in variants.iter().take(VALUES_IN_CELL).enumerate() {
        if i > 0 {
            out.push(t(", "));
        }
        out.push(code(variant.name()));
    }
    match (variants.len() > VALUES_IN_CELL, list) {
        (true, None) => out.push(t(format!(", \u{2026} ({} values, all listed below)", variants.len()))),
        (true, Some(anchor)) => {
            out.push(t(format!(", \u{2026} ({} values, all listed under ", variants.len())));
            out.push(Inline::Link { content: vec![code(meta.name())], anchor: anchor.to_owned() });
            out.push(t(")"));
        }
        (false, Some(anchor)) => {
            out.push(t(" (see "));
            out.push(Inline::Link { content: vec![code(meta.name())], anchor: anchor.to_owned() });
            out.push(t(")"));
        }
        (false, None) => {}
    }
    out
}

/// Inline content as plain text (code spans keep no markers).
pub(crate) fn plain(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for inline in inlines {
        match inline {
            Inline::Text(text) | Inline::Code(text) | Inline::Strong(text) => out.push_str(text),
            Inline::Link { content, .. } => out.push_str(&plain(content)),
            Inline::Break => out.push(' '),
        }
    }
    out
}

/// An information bound for people: rounded up to one decimal (so it stays "at most"), without a trailing `.0`.
pub(crate) fn bits(bits: f64) -> String {
    // The tiny slack keeps an exact figure like 64 from being shown as 64.1 after floating-point noise.
    let tenths = (bits * 10.0 - 1e-6).ceil().max(0.0);
    if tenths % 10.0 == 0.0 { format!("{}", tenths / 10.0) } else { format!("{:.1}", tenths / 10.0) }
}

/// "1 bit", "9.6 bits".
pub(crate) fn plural_bits(value: f64) -> String {
    let shown = bits(value);
    if shown == "1" { "1 bit".to_owned() } else { format!("{shown} bits") }
}

/// "always" or "optional".
pub(crate) fn presence(required: bool) -> &'static str {
    if required { "always" } else { "optional" }
}

/// How often an event is sent, from its sample rate (or its rates by value) and dedup window, as a sentence.
pub(crate) fn frequency(meta: &EventMeta) -> String {
    let per_million = meta.sample_rate_per_million();
    let by_value = meta.sample_by().and_then(|index| meta.fields().get(index)).and_then(|field| match field.kind() {
        CollectableKind::Enum(values) => Some((field.name(), values)),
        _ => None,
    });
    let mut out = if let Some((field, values)) = by_value {
        sampled_by_value(field, values)
    } else if per_million >= 1_000_000 {
        "Each time it happens".to_owned()
    } else if 1_000_000u32.is_multiple_of(per_million) {
        format!(
            "Sampled: about 1 in {} occurrences ({}) is sent, chosen at random",
            thousands(u64::from(1_000_000 / per_million)),
            percent(per_million)
        )
    } else {
        format!("Sampled: about {} of occurrences are sent, chosen at random", percent(per_million))
    };
    if let Some(window) = meta.dedup_window() {
        out.push_str(&format!(
            "; an event with exactly the same values is sent at most once every {}",
            duration_words(window.as_secs())
        ));
    }
    out.push('.');
    out
}

/// "Sampled by the value of `component`: `SignIn` and `SignUp` each time it happens; `UserButton` … about 1 in 10
/// occurrences (10%), chosen at random": the values grouped by rate, highest first, in declaration order.
fn sampled_by_value(field: &str, values: &EnumMeta) -> String {
    let mut rates: Vec<u32> = values.variants().iter().map(|v| v.sample_rate_per_million()).collect();
    rates.sort_unstable_by(|a, b| b.cmp(a));
    rates.dedup();
    let groups: Vec<String> = rates
        .into_iter()
        .map(|rate| {
            let names: Vec<String> = values
                .variants()
                .iter()
                .filter(|v| v.sample_rate_per_million() == rate)
                .map(|v| format!("`{}`", v.name()))
                .collect();
            let how = if rate >= 1_000_000 {
                "each time it happens".to_owned()
            } else if 1_000_000u32.is_multiple_of(rate) {
                format!("about 1 in {} occurrences ({})", thousands(u64::from(1_000_000 / rate)), percent(rate))
            } else {
                format!("about {} of occurrences", percent(rate))
            };
            format!("{} {how}", and_list(&names))
        })
        .collect();
    let sampled = values.variants().iter().any(|v| v.sample_rate_per_million() < 1_000_000);
    format!(
        "Sampled by the value of `{field}`: {}{}",
        groups.join("; "),
        if sampled { ", chosen at random" } else { "" }
    )
}

/// "a", "a and b", "a, b and c".
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// `per_million` as a percentage with no trailing zeros: 100 000 is "10%", 125 is "0.0125%".
pub(crate) fn percent(per_million: u32) -> String {
    let whole = per_million / 10_000;
    let fraction = per_million % 10_000;
    if fraction == 0 {
        format!("{whole}%")
    } else {
        let digits = format!("{fraction:04}");
        format!("{whole}.{}%", digits.trim_end_matches('0'))
    }
}

/// A whole number of seconds in the largest unit that divides it: "24 hours", "minute", "90 seconds".
pub(crate) fn duration_words(secs: u64) -> String {
    const UNITS: [(u64, &str, &str); 4] =
        [(86_400, "day", "days"), (3_600, "hour", "hours"), (60, "minute", "minutes"), (1, "second", "seconds")];
    for (size, one, many) in UNITS {
        // Up to three days read better in hours ("24 hours", "48 hours").
        if secs.is_multiple_of(size) && (size != 86_400 || secs > 3 * 86_400) {
            let n = secs / size;
            return if n == 1 { one.to_owned() } else { format!("{} {many}", thousands(n)) };
        }
    }
    // Unreachable in practice: every number of seconds divides into seconds.
    format!("{secs} seconds")
}

/// 65535 as "65,535".
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// "1 field", "3 fields".
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 { format!("1 {one}") } else { format!("{n} {many}") }
}

/// An envelope field's kind in plain words.
///
/// # Errors
/// For an envelope kind this version of docs-gen does not know.
pub(crate) fn envelope_kind(kind: EnvelopeFieldKind, product: &Product) -> Result<Vec<Inline>, GenerateError> {
    Ok(match kind {
        EnvelopeFieldKind::EventName => vec![t("the event's name, one of those above")],
        EnvelopeFieldKind::SchemaVersion => vec![t("a whole number from 1")],
        EnvelopeFieldKind::Sdk => {
            vec![t("the SDK's name ("), code(product.sdk_name()), t(") and version number")]
        }
        EnvelopeFieldKind::Version => vec![t("a version number like 1.2.3")],
        EnvelopeFieldKind::Id128 => vec![t("a random identifier (32 hexadecimal digits)")],
        EnvelopeFieldKind::Id256 => vec![t("a salted hash (64 hexadecimal digits)")],
        EnvelopeFieldKind::Context => vec![t("a group of the fields below")],
        EnvelopeFieldKind::Payload => vec![t("the event's fields, as listed for each event")],
        _ => return Err(GenerateError::UnknownKind(format!("envelope field kind {kind:?}"))),
    })
}

/// How many fields (nested ones included) of each kind the events have.
#[derive(Debug, Default)]
pub(crate) struct KindTally {
    counts: Vec<(Kind, usize)>,
}

impl KindTally {
    /// Counts the fields of every event, nested group fields included.
    ///
    /// # Errors
    /// See [`Kind::of`].
    pub(crate) fn of(events: &[&EventMeta]) -> Result<Self, GenerateError> {
        let mut tally = Self::default();
        for meta in events {
            tally.add(meta.fields())?;
        }
        Ok(tally)
    }

    fn add(&mut self, fields: &[telemetry_schema::FieldMeta]) -> Result<(), GenerateError> {
        for field in fields {
            let kind = Kind::of(&field.kind())?;
            let slot = std::mem::discriminant(&kind);
            match self.counts.iter_mut().find(|(known, _)| std::mem::discriminant(known) == slot) {
                Some((_, n)) => *n += 1,
                None => self.counts.push((kind, 1)),
            }
            if let Kind::Group(group) = kind {
                self.add(group.fields())?;
            }
        }
        Ok(())
    }

    /// All fields counted.
    pub(crate) fn total(&self) -> usize {
        self.counts.iter().map(|(_, n)| n).sum()
    }

    /// One line per kind present, in a fixed order: "yes / no (23 fields)".
    pub(crate) fn lines(&self) -> Vec<String> {
        let mut counts = self.counts.clone();
        counts.sort_by_key(|(kind, _)| kind_order(*kind));
        counts
            .into_iter()
            .map(|(kind, n)| format!("{} ({})", kind.tally_name(), plural(n, "field", "fields")))
            .collect()
    }
}

fn kind_order(kind: Kind) -> u8 {
    match kind {
        Kind::Bool => 0,
        Kind::Count(_) => 1,
        Kind::DurationMillis => 2,
        Kind::Version => 3,
        Kind::Enum(_) => 4,
        Kind::EnumSet(_) => 5,
        Kind::Group(_) => 6,
        Kind::Map(..) => 7,
        Kind::FlowId => 8,
        Kind::Union(_) => 9,
    }
}

/// How the page names a configuration file's format.
pub(crate) fn config_format(format: telemetry_schema::ConfigFormat) -> &'static str {
    match format {
        telemetry_schema::ConfigFormat::Json => "a JSON file",
        telemetry_schema::ConfigFormat::Toml => "a TOML file",
        _ => "a configuration file",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_naturally() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(255), "255");
        assert_eq!(thousands(65_535), "65,535");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
        assert_eq!(percent(100_000), "10%");
        assert_eq!(percent(125), "0.0125%");
        assert_eq!(percent(333_333), "33.3333%");
        assert_eq!(duration_words(86_400), "24 hours");
        assert_eq!(duration_words(7 * 86_400), "7 days");
        assert_eq!(duration_words(3_600), "hour");
        assert_eq!(duration_words(90), "90 seconds");
        assert_eq!(duration_words(120), "2 minutes");
    }

    #[test]
    fn frequency_says_sampling_and_throttling() {
        const FIELDS: &[telemetry_schema::FieldMeta] = &[];
        const PLAIN: EventMeta = EventMeta::new("PLAIN", 1, "Doc.", FIELDS);
        const SAMPLED: EventMeta = PLAIN.with_sample_rate_per_million(100_000);
        const BOTH: EventMeta = PLAIN.with_sample_rate_per_million(300_000).with_dedup_window_secs(86_400);
        assert_eq!(frequency(&PLAIN), "Each time it happens.");
        assert_eq!(frequency(&SAMPLED), "Sampled: about 1 in 10 occurrences (10%) is sent, chosen at random.");
        assert_eq!(
            frequency(&BOTH),
            "Sampled: about 30% of occurrences are sent, chosen at random; an event with exactly the same values \
             is sent at most once every 24 hours."
        );
    }

    #[test]
    fn frequency_by_value_groups_the_values_by_rate() {
        use telemetry_schema::{FieldMeta, VariantMeta};
        const VALUES: &[VariantMeta] = &[
            VariantMeta::new("SignIn", "Sign-in."),
            VariantMeta::new("Menu", "Menu.").with_sample_rate_per_million(100_000),
            VariantMeta::new("SignUp", "Sign-up."),
            VariantMeta::new("Profile", "Profile.").with_sample_rate_per_million(100_000),
            VariantMeta::new("Footer", "Footer.").with_sample_rate_per_million(300_000),
        ];
        const COMPONENT: EnumMeta = EnumMeta::new("Component", "A component.", VALUES);
        const FIELDS: &[FieldMeta] = &[FieldMeta::new("component", "Which.", CollectableKind::Enum(&COMPONENT))];
        const MOUNTED: EventMeta =
            EventMeta::new("MOUNTED", 1, "Doc.", FIELDS).with_sample_by(0).with_dedup_window_secs(3_600);
        assert_eq!(
            frequency(&MOUNTED),
            "Sampled by the value of `component`: `SignIn` and `SignUp` each time it happens; `Footer` about 30% of \
             occurrences; `Menu` and `Profile` about 1 in 10 occurrences (10%), chosen at random; an event with \
             exactly the same values is sent at most once every hour."
        );
        const UNRATED: &[VariantMeta] = &[VariantMeta::new("A", "A.")];
        const PLAIN_ENUM: EnumMeta = EnumMeta::new("Plain", "Plain.", UNRATED);
        const PLAIN_FIELDS: &[FieldMeta] = &[FieldMeta::new("a", "A.", CollectableKind::Enum(&PLAIN_ENUM))];
        const ALWAYS: EventMeta = EventMeta::new("ALWAYS", 1, "Doc.", PLAIN_FIELDS).with_sample_by(0);
        assert_eq!(frequency(&ALWAYS), "Sampled by the value of `a`: `A` each time it happens.");
    }
}
