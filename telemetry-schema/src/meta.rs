//! Compile-time metadata: what an event, a field, an enum or a nested group *is*.
//!
//! Every value here is built by a `const fn` constructor that checks its input while the program compiles, so a
//! name that could break the wire format (or a missing description) is a build error even for hand-written impls.
//! Docs-gen, the schema renderer and the serializer all read these types; nothing else describes an event.

use crate::bound::{Bound, FieldBound};
use crate::date::Date;
use crate::kind::CollectableKind;

/// Longest name (event, field, enum variant) the toolkit accepts.
pub const MAX_NAME_LEN: usize = 64;

/// Describes one telemetry event: the associated `const` [`TelemetryEvent::META`](crate::TelemetryEvent::META).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventMeta {
    name: &'static str,
    version: u32,
    doc: &'static str,
    fields: &'static [FieldMeta],
    sample_per_million: u32,
    sample_by: Option<usize>,
    dedup_window_secs: Option<u64>,
    bounds: &'static [FieldBound],
    expires: Option<Date>,
}

impl EventMeta {
    /// Builds event metadata, refusing (at compile time, when used in a `const`) an invalid event name, a
    /// version of 0, an empty doc, or two fields with the same name.
    pub const fn new(name: &'static str, version: u32, doc: &'static str, fields: &'static [FieldMeta]) -> Self {
        assert!(
            is_valid_event_name(name),
            "telemetry: an event name must start with an ASCII letter, contain only ASCII letters, digits, '_' and \
             '.', with no '.' at the end or next to another, and be at most 64 bytes"
        );
        assert!(version >= 1, "telemetry: an event's schema version starts at 1");
        assert!(!is_blank(doc), "telemetry: every event needs a doc comment");
        assert!(is_visible_text(doc), "{}", HIDDEN_IN_DOC);
        assert!(fields_are_unique(fields), "telemetry: two fields of one event have the same name");
        Self {
            name,
            version,
            doc,
            fields,
            sample_per_million: 1_000_000,
            sample_by: None,
            dedup_window_secs: None,
            bounds: &[],
            expires: None,
        }
    }

    /// Sends only this many occurrences per million (`#[telemetry(sample_rate = 0.1)]` is 100 000). Refused at
    /// compile time (in a `const`) after [`Self::with_sample_by`], as that refuses an event-wide rate before it.
    pub const fn with_sample_rate_per_million(self, per_million: u32) -> Self {
        assert!(
            per_million >= 1 && per_million <= 1_000_000,
            "telemetry: a sample rate is between 1 and 1 000 000 per million"
        );
        assert!(
            self.sample_by.is_none(),
            "telemetry: an event sampled by value (`sample_by`) cannot also have an event-wide `sample_rate`: give \
             each variant its rate"
        );
        Self { sample_per_million: per_million, ..self }
    }

    /// Samples by the value of the enum field at `field` (`#[telemetry(sample_by = "component")]`): each occurrence
    /// is sent with the rate of that value's variant ([`VariantMeta::sample_rate_per_million`]), so `SignIn`
    /// can be sent every time and other components one time in ten. Refused at compile time (in a `const`) when
    /// the field does not exist, is not a plain enum, or the event also has an event-wide sample rate.
    pub const fn with_sample_by(self, field: usize) -> Self {
        if let Err(error) = check_sample_by(self.fields, self.sample_per_million, Some(field)) {
            panic!("{}", error.problem.message());
        }
        Self { sample_by: Some(field), ..self }
    }

    /// For `#[derive(TelemetryEvent)]`, which has checked the field at the attribute (the compiler checks that
    /// it is an enum). Not public API; [`Self::check`] checks it again before anything is rendered.
    #[doc(hidden)]
    pub const fn __with_sample_by(self, field: usize) -> Self {
        Self { sample_by: Some(field), ..self }
    }

    /// The index in [`Self::fields`] of the enum field whose value decides the sample rate, if any (see
    /// [`Self::with_sample_by`]).
    pub const fn sample_by(&self) -> Option<usize> {
        self.sample_by
    }

    /// Sends an identical payload at most once per window (`#[telemetry(dedup = "24h")]`).
    pub const fn with_dedup_window_secs(self, secs: u64) -> Self {
        assert!(secs >= 1, "telemetry: a dedup window is at least one second");
        Self { dedup_window_secs: Some(secs), ..self }
    }

    /// Bounds some fields (`#[telemetry(max = …, buckets = …, precision = …)]`): each is capped, rounded or (a
    /// version) cut to its first parts before it is sent. Refused at compile time (in a `const`) when a bound
    /// names no field, names one twice, or does not fit the field's kind.
    pub const fn with_bounds(self, bounds: &'static [FieldBound]) -> Self {
        if let Err(error) = check_bounds(self.fields, bounds) {
            panic!("{}", error.problem.message());
        }
        Self { bounds, ..self }
    }

    /// For `#[derive(TelemetryEvent)]`, which has checked each bound at its attribute. Not public API; what it
    /// builds is checked again by everything that renders it.
    #[doc(hidden)]
    pub const fn __with_bounds(self, bounds: &'static [FieldBound]) -> Self {
        Self { bounds, ..self }
    }

    /// The bounds of the fields that have one (most have none: their values are sent as they are).
    pub const fn bounds(&self) -> &'static [FieldBound] {
        self.bounds
    }

    /// The bound of the field at `index` in [`Self::fields`] ([`Bound::NONE`] when it has none).
    pub const fn bound(&self, index: usize) -> Bound {
        crate::bound::bound_of(self.bounds, index)
    }

    /// `log2` of the number of distinct values the field at `index` can be sent as (an `Option`'s absence is one
    /// of them); the payload's figure is the sum of its fields' (see [`Self::payload_bits`]).
    pub const fn field_bits(&self, index: usize) -> f64 {
        crate::bound::field_bits(&self.fields[index], self.bound(index))
    }

    /// Stops sending the event after `date` (`#[telemetry(expires = "2027-06-30")]`): from the next day on, the
    /// client drops it and `docs-gen --check` fails until the event is removed or given a later date.
    pub const fn with_expires(self, date: Date) -> Self {
        Self { expires: Some(date), ..self }
    }

    /// The last day the event is sent, if it expires.
    pub const fn expires(&self) -> Option<Date> {
        self.expires
    }

    /// Whether the event has expired on the day `days_since_epoch` (UTC): it has an expiry date before that day.
    pub const fn is_expired_on(&self, days_since_epoch: u32) -> bool {
        match self.expires {
            Some(date) => date.days_since_epoch() < days_since_epoch,
            None => false,
        }
    }

    /// How many occurrences per million are sent; 1 000 000 (the default) sends every one. With
    /// [`Self::sample_by`], the rate depends on the value and this is 1 000 000: see
    /// [`sample_rate_of`](crate::sample_rate_of), which the client applies.
    pub const fn sample_rate_per_million(&self) -> u32 {
        self.sample_per_million
    }

    /// The window during which an identical payload is sent only once, if the event is throttled.
    pub const fn dedup_window(&self) -> Option<std::time::Duration> {
        match self.dedup_window_secs {
            Some(secs) => Some(std::time::Duration::from_secs(secs)),
            None => None,
        }
    }

    /// For `#[derive(TelemetryEvent)]`, which has already checked everything [`EventMeta::new`] checks, with
    /// spans; skipping the repeat keeps compile-time evaluation cheap. Not public API.
    /// Calling it by hand gains nothing: what it builds is checked again by everything that uses it (see
    /// [`MetaError`]).
    #[doc(hidden)]
    pub const fn __derived(name: &'static str, version: u32, doc: &'static str, fields: &'static [FieldMeta]) -> Self {
        Self {
            name,
            version,
            doc,
            fields,
            sample_per_million: 1_000_000,
            sample_by: None,
            dedup_window_secs: None,
            bounds: &[],
            expires: None,
        }
    }

    /// The event name on the wire, e.g. `CLI_COMMAND`.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The schema version of the payload, starting at 1.
    pub const fn version(&self) -> u32 {
        self.version
    }

    /// The doc comment of the event, as written for the person reading the disclosure page.
    pub const fn doc(&self) -> &'static str {
        self.doc
    }

    /// The payload's fields, in declaration order (which is also the order on the wire).
    pub const fn fields(&self) -> &'static [FieldMeta] {
        self.fields
    }

    /// The information bound of the event: `log2` of the number of distinct payloads its type allows, after
    /// every field's [`Bound`]. A bool is 1 bit, an enum of n variants `log2 n`, a set of n variants n, an
    /// `Option<T>` `log2(|T| + 1)`, a group the sum of its fields, a count or a duration `log2` of the number of
    /// values it can be sent as, a version by its grammar, a map over n variants `n * log2(|V| + 1)` (each key
    /// absent or holding a value), a [`FlowId`](crate::FlowId) 0 (its value is random: it links the events of one
    /// flow, and the author chooses none of its bits). At most 2^bits different payloads can be sent, so this
    /// is how much one event can say. A `const fn`: free at run time, and checkable at compile time
    /// (`#[telemetry(max_bits = N)]`).
    ///
    /// ```
    /// use telemetry_schema::TelemetryEvent;
    ///
    /// /// Sent when a build finishes.
    /// #[derive(TelemetryEvent)]
    /// struct Built {
    ///     /// Whether the cache was used.
    ///     cached: bool,
    ///     /// How many pages, capped.
    ///     #[telemetry(max = 1023)]
    ///     pages: u32,
    /// }
    /// assert_eq!(Built::META.payload_bits(), 11.0);
    /// ```
    pub const fn payload_bits(&self) -> f64 {
        crate::bound::fields_bits(self.fields, self.bounds)
    }
}

/// Describes one field of an event or of a nested group.
///
/// The fields are public only for `#[derive]`'s struct literal (the const evaluator pays more for a constructor call
/// than for everything it would check); they are not public API, and nothing downstream trusts them unchecked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldMeta {
    #[doc(hidden)]
    pub name: &'static str,
    #[doc(hidden)]
    pub doc: &'static str,
    #[doc(hidden)]
    pub kind: CollectableKind,
}

impl FieldMeta {
    /// Builds field metadata, refusing an invalid name or an empty doc at compile time.
    pub const fn new(name: &'static str, doc: &'static str, kind: CollectableKind) -> Self {
        assert!(
            is_valid_name(name),
            "telemetry: a field name must start with an ASCII letter, contain only ASCII letters, digits, '_' and \
             '-', and be at most 64 bytes"
        );
        assert!(!is_blank(doc), "telemetry: every field needs a doc comment");
        assert!(is_visible_text(doc), "{}", HIDDEN_IN_DOC);
        Self { name, doc, kind }
    }

    /// For the derives, which have already checked the name and the doc. Not public API.
    /// Calling it by hand gains nothing: what it builds is checked again by everything that uses it (see
    /// [`MetaError`]).
    #[doc(hidden)]
    pub const fn __derived(name: &'static str, doc: &'static str, kind: CollectableKind) -> Self {
        Self { name, doc, kind }
    }

    /// The key of this field in the JSON payload.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The doc comment of the field.
    pub const fn doc(&self) -> &'static str {
        self.doc
    }

    /// What kind of value the field holds.
    pub const fn kind(&self) -> CollectableKind {
        self.kind
    }

    /// `log2` of the number of distinct values the field can be sent as under `bound` (its event's or group's
    /// `bound(index)`); an `Option`'s absence is one of them.
    pub const fn payload_bits(&self, bound: Bound) -> f64 {
        crate::bound::field_bits(self, bound)
    }

    /// Whether the field is always present (everything but `Option`).
    pub const fn is_required(&self) -> bool {
        !matches!(self.kind, CollectableKind::Optional(_))
    }
}

/// Describes a fieldless enum deriving [`TelemetryEnum`](crate::TelemetryEnum).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumMeta {
    name: &'static str,
    doc: &'static str,
    variants: &'static [VariantMeta],
}

impl EnumMeta {
    /// Builds enum metadata, refusing at compile time an empty doc, an enum without variants, or two variants
    /// with the same wire name.
    pub const fn new(name: &'static str, doc: &'static str, variants: &'static [VariantMeta]) -> Self {
        assert!(is_valid_name(name), "telemetry: invalid enum type name");
        assert!(!is_blank(doc), "telemetry: every enum needs a doc comment");
        assert!(is_visible_text(doc), "{}", HIDDEN_IN_DOC);
        assert!(!variants.is_empty(), "telemetry: an enum without variants can never be sent");
        assert!(variants_are_unique(variants), "telemetry: two variants of one enum have the same name");
        Self { name, doc, variants }
    }

    /// For `#[derive(TelemetryEnum)]`, which has already checked the docs and the variants. Not public API.
    /// Calling it by hand gains nothing: what it builds is checked again by everything that uses it (see
    /// [`MetaError`]).
    #[doc(hidden)]
    pub const fn __derived(name: &'static str, doc: &'static str, variants: &'static [VariantMeta]) -> Self {
        Self { name, doc, variants }
    }

    /// The Rust name of the enum type (used in docs and as the schema definition name).
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The doc comment of the enum type.
    pub const fn doc(&self) -> &'static str {
        self.doc
    }

    /// The variants, in declaration order; a value is sent as the name of its variant.
    pub const fn variants(&self) -> &'static [VariantMeta] {
        self.variants
    }
}

/// Describes one variant of a [`TelemetryEnum`](crate::TelemetryEnum).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariantMeta {
    name: &'static str,
    doc: &'static str,
    sample_per_million: u32,
}

impl VariantMeta {
    /// Builds variant metadata, refusing an invalid name or an empty doc at compile time.
    pub const fn new(name: &'static str, doc: &'static str) -> Self {
        assert!(
            is_valid_variant_name(name),
            "telemetry: a variant name must start with an ASCII letter or digit (or '@' and one), contain only ASCII \
             letters, digits, '_', '-', '.' and '/', with no '.' or '/' at the end or next to another, and be at \
             most 64 bytes"
        );
        assert!(!is_blank(doc), "telemetry: every enum variant needs a doc comment");
        assert!(is_visible_text(doc), "{}", HIDDEN_IN_DOC);
        Self { name, doc, sample_per_million: 1_000_000 }
    }

    /// In an event sampled by this enum's value (`#[telemetry(sample_by = "…")]`), sends only this many
    /// occurrences per million that carry this variant (`#[telemetry(sample_rate = 0.1)]` on the variant is
    /// 100 000). Elsewhere the rate has no effect.
    pub const fn with_sample_rate_per_million(self, per_million: u32) -> Self {
        assert!(
            per_million >= 1 && per_million <= 1_000_000,
            "telemetry: a sample rate is between 1 and 1 000 000 per million"
        );
        Self { sample_per_million: per_million, ..self }
    }

    /// How many occurrences per million carrying this variant an event sampled by its enum sends; 1 000 000 (the
    /// default) sends every one.
    pub const fn sample_rate_per_million(&self) -> u32 {
        self.sample_per_million
    }

    /// For `#[derive(TelemetryEnum)]`, which has already checked the name and the doc. Not public API.
    /// Calling it by hand gains nothing: what it builds is checked again by everything that uses it (see
    /// [`MetaError`]).
    #[doc(hidden)]
    pub const fn __derived(name: &'static str, doc: &'static str) -> Self {
        Self { name, doc, sample_per_million: 1_000_000 }
    }

    /// The variant's value on the wire.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The doc comment of the variant.
    pub const fn doc(&self) -> &'static str {
        self.doc
    }
}

/// Describes a nested group of fields deriving [`TelemetryGroup`](crate::TelemetryGroup).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupMeta {
    name: &'static str,
    doc: &'static str,
    fields: &'static [FieldMeta],
    bounds: &'static [FieldBound],
}

impl GroupMeta {
    /// Builds group metadata, refusing an empty doc or duplicate field names at compile time.
    pub const fn new(name: &'static str, doc: &'static str, fields: &'static [FieldMeta]) -> Self {
        assert!(is_valid_name(name), "telemetry: invalid group type name");
        assert!(!is_blank(doc), "telemetry: every group needs a doc comment");
        assert!(is_visible_text(doc), "{}", HIDDEN_IN_DOC);
        assert!(fields_are_unique(fields), "telemetry: two fields of one group have the same name");
        Self { name, doc, fields, bounds: &[] }
    }

    /// For `#[derive(TelemetryGroup)]`, which has already checked the docs and the fields. Not public API.
    /// Calling it by hand gains nothing: what it builds is checked again by everything that uses it (see
    /// [`MetaError`]).
    #[doc(hidden)]
    pub const fn __derived(name: &'static str, doc: &'static str, fields: &'static [FieldMeta]) -> Self {
        Self { name, doc, fields, bounds: &[] }
    }

    /// Bounds some fields, as [`EventMeta::with_bounds`].
    pub const fn with_bounds(self, bounds: &'static [FieldBound]) -> Self {
        if let Err(error) = check_bounds(self.fields, bounds) {
            panic!("{}", error.problem.message());
        }
        Self { bounds, ..self }
    }

    /// For `#[derive(TelemetryGroup)]`, as [`EventMeta::__with_bounds`]. Not public API.
    #[doc(hidden)]
    pub const fn __with_bounds(self, bounds: &'static [FieldBound]) -> Self {
        Self { bounds, ..self }
    }

    /// The bounds of the fields that have one.
    pub const fn bounds(&self) -> &'static [FieldBound] {
        self.bounds
    }

    /// The bound of the field at `index` in [`Self::fields`] ([`Bound::NONE`] when it has none).
    pub const fn bound(&self, index: usize) -> Bound {
        crate::bound::bound_of(self.bounds, index)
    }

    /// `log2` of the number of distinct values of the field at `index` (see [`EventMeta::field_bits`]).
    pub const fn field_bits(&self, index: usize) -> f64 {
        crate::bound::field_bits(&self.fields[index], self.bound(index))
    }

    /// The Rust name of the group type.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The doc comment of the group type.
    pub const fn doc(&self) -> &'static str {
        self.doc
    }

    /// The group's fields, in wire order.
    pub const fn fields(&self) -> &'static [FieldMeta] {
        self.fields
    }

    /// `log2` of the number of distinct values of the group: the sum of its fields' figures (see
    /// [`EventMeta::payload_bits`]). For the envelope's [`Context`](crate::Context), what the machine facts sent
    /// with every event can say.
    pub const fn payload_bits(&self) -> f64 {
        crate::bound::fields_bits(self.fields, self.bounds)
    }
}

/// How deep groups (and maps) may nest: a group in a group in … an event, at most this many levels. A deeper chain
/// is refused like a cycle (a `static` group whose field points back at itself), which it cannot be told from.
pub const MAX_GROUP_DEPTH: usize = 8;

const HIDDEN_IN_DOC: &str = "telemetry: a doc comment contains an invisible or direction-changing character (a \
                             control, bidi or zero-width character, a variation selector, a tag or a private-use \
                             character); it would hide or reorder text on the disclosure page";

/// Metadata that the serializer, the registry, the schema renderer or docs-gen refuses to trust, and why.
///
/// The checking constructors ([`EventMeta::new`] and the others) refuse all of this while compiling. Metadata can
/// also be built without them (the derives use unchecked constructors, and a `static` can point back at itself),
/// so everything downstream checks again: the serializer, the envelope writer and the registry at compile time
/// ([`EventMeta::check_wire`] once per event type, [`CollectableKind::check`] once per field type), docs-gen and
/// the schema renderer before they render anything ([`EventMeta::check`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetaError {
    problem: MetaProblem,
    item: &'static str,
}

/// What is wrong with refused metadata.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MetaProblem {
    /// An event name that [`is_valid_event_name`] refuses.
    InvalidEventName,
    /// A schema version of 0.
    VersionZero,
    /// A field, enum or group name that is not `[A-Za-z][A-Za-z0-9_-]*` of at most [`MAX_NAME_LEN`] bytes.
    InvalidName,
    /// A variant name that [`is_valid_variant_name`] refuses.
    InvalidVariantName,
    /// Two fields of one event or group, or two variants of one enum, with the same name.
    DuplicateName,
    /// An enum without variants.
    NoVariants,
    /// `Optional(Optional(..))`: `None` and `Some(None)` would look the same on the wire.
    OptionalOfOptional,
    /// `Map(_, Optional(..))`: a key holding `None` and a missing key would look the same on the wire.
    OptionalMapValue,
    /// A group carried by a union's variant has a field named [`UNION_TAG`](crate::UNION_TAG): the key would be
    /// sent twice.
    TagCollision,
    /// Groups nested more than [`MAX_GROUP_DEPTH`] deep, or a group that contains itself.
    TooDeep,
    /// An empty or blank doc.
    BlankDoc,
    /// A doc with a character that would hide or reorder text on the page.
    HiddenCharacter(char),
    /// A bound (`max`, `buckets`, `precision`) that does not fit the field's kind; the message says how.
    Bound(&'static str),
    /// Sampling by value that cannot work (a `sample_by` field that is missing or not a plain enum, together
    /// with an event-wide rate, or a rate outside 1 to 1 000 000 per million); the message says how.
    Sampling(&'static str),
}

impl MetaError {
    /// What is wrong.
    pub const fn problem(&self) -> MetaProblem {
        self.problem
    }

    /// The name of the event, field, variant, enum or group at fault (for an invalid name, the name itself).
    pub const fn item(&self) -> &'static str {
        self.item
    }
}

impl MetaProblem {
    /// The problem in words, without the item: what a failed compile-time check prints.
    pub const fn message(self) -> &'static str {
        match self {
            Self::InvalidEventName => {
                "telemetry: refused metadata: an event name must start with an ASCII letter, contain only ASCII \
                 letters, digits, '_' and '.', with no '.' at the end or next to another, and be at most 64 bytes"
            }
            Self::VersionZero => "telemetry: refused metadata: an event's schema version starts at 1",
            Self::InvalidName => {
                "telemetry: refused metadata: a field, enum or group name must start with an ASCII letter, contain \
                 only ASCII letters, digits, '_' and '-', and be at most 64 bytes"
            }
            Self::InvalidVariantName => {
                "telemetry: refused metadata: a variant name must start with an ASCII letter or digit (or '@' and \
                 one), contain only ASCII letters, digits, '_', '-', '.' and '/', with no '.' or '/' at the end or \
                 next to another, and be at most 64 bytes"
            }
            Self::DuplicateName => {
                "telemetry: refused metadata: two fields of one event or group, or two variants of one enum, have \
                 the same name"
            }
            Self::NoVariants => "telemetry: refused metadata: an enum without variants can never be sent",
            Self::OptionalOfOptional => {
                "telemetry: refused metadata: an optional optional value cannot be sent: `None` and `Some(None)` \
                 would look the same"
            }
            Self::TagCollision => {
                "telemetry: a group carried by a variant of a telemetry enum cannot have a field named `kind`: the \
                 variant's name is sent under that key; rename the field (`#[telemetry(rename = \"...\")]`)"
            }
            Self::OptionalMapValue => {
                "telemetry: refused metadata: the value of a map cannot be optional: a key holding `None` and a \
                 missing key would look the same"
            }
            Self::TooDeep => {
                "telemetry: refused metadata: groups and maps nested more than 8 deep, or a group that contains itself \
                 (or a map whose values do)"
            }
            Self::BlankDoc => "telemetry: refused metadata: every event, field, enum, variant and group needs a doc",
            Self::HiddenCharacter(_) => HIDDEN_IN_DOC,
            Self::Bound(message) | Self::Sampling(message) => message,
        }
    }
}

impl std::fmt::Display for MetaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `{:?}` escapes quotes, controls and invisible characters, so a hostile name is shown, not obeyed.
        write!(f, "{} (at {:?})", self.problem.message(), self.item)?;
        if let MetaProblem::HiddenCharacter(c) = self.problem {
            write!(f, ": U+{:04X}, {}", u32::from(c), hidden_character_name(c).unwrap_or("a hidden character"))?;
        }
        Ok(())
    }
}

impl std::error::Error for MetaError {}

const fn fail(problem: MetaProblem, item: &'static str) -> Result<(), MetaError> {
    Err(MetaError { problem, item })
}

/// `?` is not usable in `const fn` yet.
macro_rules! check {
    ($e:expr) => {
        if let Err(e) = $e {
            return Err(e);
        }
    };
}

impl EventMeta {
    /// What the serializer and the envelope writer copy verbatim from this metadata: the event name (an ASCII letter,
    /// then letters, digits and '_'), the version (from 1) and every field name (also '-'), so that nothing they
    /// write ever needs escaping. They and the registry evaluate this once per event type, at compile time,
    /// whichever constructor built the metadata. The 64-byte limit, which only file names and the schemas need, is
    /// left to [`Self::check`]. The fields' kinds are checked once per enum and group type instead
    /// ([`CollectableKind::check`], with variant names, cycles and duplicate names), and a value is written only
    /// when its type's kind equals the declared one; what only the page and the schemas read (the declared kinds,
    /// duplicate field names, docs) is checked by [`Self::check`] before they are rendered.
    ///
    /// # Errors
    /// The first problem found.
    pub const fn check_wire(&self) -> Result<(), MetaError> {
        if !is_wire_event_name(self.name) {
            return fail(MetaProblem::InvalidEventName, self.name);
        }
        if self.version == 0 {
            return fail(MetaProblem::VersionZero, self.name);
        }
        let mut i = 0;
        while i < self.fields.len() {
            if !is_name_with(self.fields[i].name, true, usize::MAX) {
                return fail(MetaProblem::InvalidName, self.fields[i].name);
            }
            i += 1;
        }
        Ok(())
    }

    /// Everything: [`Self::check_wire`], unique field names, every field's kind down to the last variant (names,
    /// uniqueness, enums not empty, no optional optional, groups at most [`MAX_GROUP_DEPTH`] deep, so no cycle) and
    /// every doc (not blank, no character of [`HIDDEN_CHARACTERS`]). docs-gen and the schema renderer run it before
    /// rendering anything; it is cheap at run time.
    ///
    /// # Errors
    /// The first problem found.
    pub const fn check(&self) -> Result<(), MetaError> {
        check!(self.check_wire());
        if !is_valid_event_name(self.name) {
            return fail(MetaProblem::InvalidEventName, self.name);
        }
        check!(check_doc(self.doc, self.name));
        check!(check_sample_by(self.fields, self.sample_per_million, self.sample_by));
        check_fields(self.fields, self.bounds, 0, true)
    }
}

impl CollectableKind {
    /// What [`EventMeta::check_wire`] checks of a field, for one kind. Evaluated at compile time once per enum
    /// and group type, so that an error names the type at fault.
    ///
    /// # Errors
    /// The first problem found.
    pub const fn check(&self) -> Result<(), MetaError> {
        check_kind(self, 0, false)
    }
}

/// Sampling by the value of `fields[field]`: the field exists, is a plain enum (not optional, not a set), the
/// event has no event-wide rate besides, and every variant's rate is between 1 and 1 000 000 per million.
const fn check_sample_by(fields: &'static [FieldMeta], event_rate: u32, field: Option<usize>) -> Result<(), MetaError> {
    if event_rate == 0 || event_rate > 1_000_000 {
        return fail(MetaProblem::Sampling("telemetry: a sample rate is between 1 and 1 000 000 per million"), "");
    }
    let Some(index) = field else { return Ok(()) };
    if index >= fields.len() {
        return fail(MetaProblem::Sampling("telemetry: `sample_by` names no field of the event"), "");
    }
    let field = &fields[index];
    let CollectableKind::Enum(meta) = field.kind else {
        return fail(
            MetaProblem::Sampling(
                "telemetry: `sample_by` names a field that is not a plain enum (not an `Option`, not a set): the \
                 sample rate is the rate of the field's variant",
            ),
            field.name,
        );
    };
    if event_rate != 1_000_000 {
        return fail(
            MetaProblem::Sampling(
                "telemetry: an event sampled by value (`sample_by`) cannot also have an event-wide `sample_rate`: \
                 give each variant its rate",
            ),
            field.name,
        );
    }
    let mut i = 0;
    while i < meta.variants.len() {
        let rate = meta.variants[i].sample_per_million;
        if rate == 0 || rate > 1_000_000 {
            return fail(
                MetaProblem::Sampling("telemetry: a sample rate is between 1 and 1 000 000 per million"),
                meta.variants[i].name,
            );
        }
        i += 1;
    }
    Ok(())
}

const fn check_field_names(fields: &[FieldMeta]) -> Result<(), MetaError> {
    let mut i = 0;
    while i < fields.len() {
        let name = fields[i].name;
        if !is_valid_name(name) {
            return fail(MetaProblem::InvalidName, name);
        }
        let mut j = i + 1;
        while j < fields.len() {
            if str_eq(name, fields[j].name) {
                return fail(MetaProblem::DuplicateName, name);
            }
            j += 1;
        }
        i += 1;
    }
    Ok(())
}

/// Each bound names a field (by index) once, and fits its kind.
const fn check_bounds(fields: &'static [FieldMeta], bounds: &[FieldBound]) -> Result<(), MetaError> {
    let mut i = 0;
    while i < bounds.len() {
        let index = bounds[i].field;
        if index >= fields.len() {
            return fail(
                MetaProblem::Bound("telemetry: refused metadata: a bound names a field that does not exist"),
                "",
            );
        }
        let mut j = i + 1;
        while j < bounds.len() {
            if bounds[j].field == index {
                return fail(
                    MetaProblem::Bound("telemetry: refused metadata: a field has two bounds"),
                    fields[index].name,
                );
            }
            j += 1;
        }
        if let Err(message) = bounds[i].bound.check_for(&fields[index].kind) {
            return fail(MetaProblem::Bound(message), fields[index].name);
        }
        i += 1;
    }
    Ok(())
}

/// `depth` is the number of groups around `fields`.
const fn check_fields(
    fields: &'static [FieldMeta],
    bounds: &[FieldBound],
    depth: usize,
    docs: bool,
) -> Result<(), MetaError> {
    check!(check_field_names(fields));
    check!(check_bounds(fields, bounds));
    let mut i = 0;
    while i < fields.len() {
        if docs {
            check!(check_doc(fields[i].doc, fields[i].name));
        }
        check!(check_kind(&fields[i].kind, depth, docs));
        i += 1;
    }
    Ok(())
}

const fn check_kind(kind: &CollectableKind, depth: usize, docs: bool) -> Result<(), MetaError> {
    match kind {
        CollectableKind::Bool
        | CollectableKind::Count(_)
        | CollectableKind::DurationMillis
        | CollectableKind::Version
        | CollectableKind::FlowId => Ok(()),
        CollectableKind::Enum(meta) | CollectableKind::EnumSet(meta) => check_enum(meta, docs),
        CollectableKind::Union(meta) => {
            if depth >= MAX_GROUP_DEPTH {
                return fail(MetaProblem::TooDeep, meta.name());
            }
            check!(check_union(meta, depth, docs));
            Ok(())
        }
        // A map's values are a level deeper, like a group's fields: a `static` map kind whose value points back
        // at itself is refused as too deep instead of recursing forever.
        CollectableKind::Map(meta, value) => {
            if depth >= MAX_GROUP_DEPTH {
                return fail(MetaProblem::TooDeep, meta.name);
            }
            check!(check_enum(meta, docs));
            match value {
                CollectableKind::Optional(_) => fail(MetaProblem::OptionalMapValue, meta.name),
                _ => check_kind(value, depth + 1, docs),
            }
        }
        CollectableKind::Group(meta) => {
            if depth >= MAX_GROUP_DEPTH {
                return fail(MetaProblem::TooDeep, meta.name);
            }
            if !is_valid_name(meta.name) {
                return fail(MetaProblem::InvalidName, meta.name);
            }
            if docs {
                check!(check_doc(meta.doc, meta.name));
            }
            check_fields(meta.fields, meta.bounds, depth + 1, docs)
        }
        CollectableKind::Optional(inner) => match inner {
            CollectableKind::Optional(_) => fail(MetaProblem::OptionalOfOptional, "Option"),
            _ => check_kind(inner, depth, docs),
        },
    }
}

/// Names, docs and uniqueness of a union's variants, no group field named [`UNION_TAG`](crate::UNION_TAG), and each
/// group as a group one level deeper.
const fn check_union(meta: &crate::union::UnionMeta, depth: usize, docs: bool) -> Result<(), MetaError> {
    if !is_valid_name(meta.name()) {
        return fail(MetaProblem::InvalidName, meta.name());
    }
    let variants = meta.variants();
    if variants.is_empty() {
        return fail(MetaProblem::NoVariants, meta.name());
    }
    if docs {
        check!(check_doc(meta.doc(), meta.name()));
    }
    let mut i = 0;
    while i < variants.len() {
        let name = variants[i].name();
        if !is_valid_name(name) {
            return fail(MetaProblem::InvalidName, name);
        }
        if docs {
            check!(check_doc(variants[i].doc(), name));
        }
        let mut j = i + 1;
        while j < variants.len() {
            if str_eq(name, variants[j].name()) {
                return fail(MetaProblem::DuplicateName, name);
            }
            j += 1;
        }
        if let Some(group) = variants[i].group() {
            let mut f = 0;
            while f < group.fields().len() {
                if str_eq(group.fields()[f].name, crate::union::UNION_TAG) {
                    return fail(MetaProblem::TagCollision, group.name());
                }
                f += 1;
            }
            check!(check_kind(&CollectableKind::Group(group), depth + 1, docs));
        }
        i += 1;
    }
    Ok(())
}

const fn check_enum(meta: &EnumMeta, docs: bool) -> Result<(), MetaError> {
    if !is_valid_name(meta.name) {
        return fail(MetaProblem::InvalidName, meta.name);
    }
    if meta.variants.is_empty() {
        return fail(MetaProblem::NoVariants, meta.name);
    }
    if docs {
        check!(check_doc(meta.doc, meta.name));
    }
    let variants = meta.variants;
    let mut i = 0;
    while i < variants.len() {
        let name = variants[i].name;
        if !is_valid_variant_name(name) {
            return fail(MetaProblem::InvalidVariantName, name);
        }
        if docs {
            check!(check_doc(variants[i].doc, name));
        }
        let mut j = i + 1;
        while j < variants.len() {
            if str_eq(name, variants[j].name) {
                return fail(MetaProblem::DuplicateName, name);
            }
            j += 1;
        }
        i += 1;
    }
    Ok(())
}

const fn check_doc(doc: &str, item: &'static str) -> Result<(), MetaError> {
    if is_blank(doc) {
        return fail(MetaProblem::BlankDoc, item);
    }
    match find_hidden_character(doc) {
        Some((_, c)) => fail(MetaProblem::HiddenCharacter(c), item),
        None => Ok(()),
    }
}

/// Characters a doc may not contain, as inclusive ranges of code points with what they are: each is invisible,
/// changes the direction of the text around it, or is a control. On a page they hide or reorder what a reader
/// sees (a "Trojan Source" doc), so the derives refuse them at the doc and docs-gen refuses them in any
/// metadata. Tab, newline and a carriage return right before a newline (CRLF) are allowed. `telemetry-derive` holds the same table; a test keeps them equal.
pub const HIDDEN_CHARACTERS: &[(u32, u32, &str)] = &[
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

/// The first character of `text` listed in [`HIDDEN_CHARACTERS`], with its byte offset.
pub const fn find_hidden_character(text: &str) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII fast path: only controls other than tab and newline (and DEL) are refused.
        if b < 0x80 {
            // A carriage return is allowed only as part of a CRLF line ending (a doc read from a Windows file).
            let crlf = b == b'\r' && i + 1 < bytes.len() && bytes[i + 1] == b'\n';
            if (b < 0x20 && b != b'\t' && b != b'\n' && !crlf) || b == 0x7F {
                return Some((i, b as char));
            }
            i += 1;
            continue;
        }
        // `text` is UTF-8, so the sequence is well formed.
        let (code, len) = if b >= 0xF0 {
            (
                ((b as u32 & 0x07) << 18)
                    | ((bytes[i + 1] as u32 & 0x3F) << 12)
                    | ((bytes[i + 2] as u32 & 0x3F) << 6)
                    | (bytes[i + 3] as u32 & 0x3F),
                4,
            )
        } else if b >= 0xE0 {
            (((b as u32 & 0x0F) << 12) | ((bytes[i + 1] as u32 & 0x3F) << 6) | (bytes[i + 2] as u32 & 0x3F), 3)
        } else {
            (((b as u32 & 0x1F) << 6) | (bytes[i + 1] as u32 & 0x3F), 2)
        };
        if is_hidden_code(code) {
            return match char::from_u32(code) {
                Some(c) => Some((i, c)),
                None => Some((i, char::REPLACEMENT_CHARACTER)),
            };
        }
        i += len;
    }
    None
}

/// Whether `code` is in a range of [`HIDDEN_CHARACTERS`]. Runs in the const evaluator for every non-ASCII character
/// of a doc made by a macro, where each step is costly and the compiler gives up on a constant after a few million
/// (`long_running_const_eval`): so the scripts most docs are written in (Latin, Greek, Cyrillic, Hebrew, and the
/// CJK and Hangul blocks) are answered by two comparisons, and the rest by a binary search of the sorted table,
/// never by walking it. A test holds it equal to the walk for every code point.
const fn is_hidden_code(code: u32) -> bool {
    if (code >= 0x00AE && code < 0x034F) || (code > 0x034F && code < 0x0600) || (code > 0x3164 && code < 0xE000) {
        return false;
    }
    let (mut low, mut high) = (0, HIDDEN_CHARACTERS.len());
    while low < high {
        let mid = (low + high) / 2;
        let (first, last, _) = HIDDEN_CHARACTERS[mid];
        if code < first {
            high = mid;
        } else if code > last {
            low = mid + 1;
        } else {
            return true;
        }
    }
    false
}

/// Whether `text` has no character of [`HIDDEN_CHARACTERS`].
pub const fn is_visible_text(text: &str) -> bool {
    find_hidden_character(text).is_none()
}

/// What a character of [`HIDDEN_CHARACTERS`] is, in words; `None` for any other character.
pub fn hidden_character_name(c: char) -> Option<&'static str> {
    let code = u32::from(c);
    HIDDEN_CHARACTERS.iter().find(|(first, last, _)| (*first..=*last).contains(&code)).map(|(_, _, what)| *what)
}

// The compile-time fast path. `Checked` runs it for every event type, in the const evaluator, which pays for every
// step and every call: so one pass, a byte table instead of `is_ascii_*` calls, lengths compared before bytes,
// scalar kinds skipped inline. It accepts exactly what `check_wire` accepts (a unit test holds them together);
// only when it refuses does `Checked` run `check_wire` to say why.

/// Whether `$name` starts with an ASCII letter and continues with bytes matching `$tail`. A macro, not a function,
/// and slice patterns two bytes a step rather than indexing, `len()` or a counter: in the const evaluator every call
/// and every step costs thousands of instructions, far more than the comparisons themselves.
macro_rules! name_fits {
    ($name:expr, $($tail:pat_param)|+) => {{
        let mut bytes = $name.as_bytes();
        let starts_with_letter = matches!(bytes, [b'a'..=b'z' | b'A'..=b'Z', ..]);
        while let [$($tail)|+, $($tail)|+, rest @ ..] = bytes {
            bytes = rest;
        }
        starts_with_letter && matches!(bytes, [] | [$($tail)|+])
    }};
}

impl EventMeta {
    /// `self.check_wire().is_ok()`, in as few steps of the const evaluator as possible: `Checked` runs it for
    /// every event type, and each step there costs thousands of instructions (see docs/PERFORMANCE.md).
    const fn is_wire_sound(&self) -> bool {
        if self.version == 0 || !name_fits!(self.name, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'.') {
            return false;
        }
        let mut fields = self.fields;
        while let [field, rest @ ..] = fields {
            if !name_fits!(field.name, b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-') {
                return false;
            }
            fields = rest;
        }
        true
    }
}

/// `E::META`, refused at compile time unless [`EventMeta::check_wire`] accepts it: the one way the serializer,
/// the envelope writer and the registry read an event's metadata. Evaluated once per event type, so it costs
/// nothing at run time whichever constructor built the metadata.
pub(crate) struct Checked<E: ?Sized>(std::marker::PhantomData<E>);

/// Not generic, so that the panic's formatting is not part of every event's compile-time evaluation.
const fn refuse(meta: &EventMeta) -> ! {
    match meta.check_wire() {
        Err(error) => panic!("{}", error.problem.message()),
        // Unreachable while `is_wire_sound` and `check_wire` agree; refused all the same.
        Ok(()) => panic!("telemetry: refused metadata"),
    }
}

impl<E: crate::TelemetryEvent + ?Sized> Checked<E> {
    pub(crate) const META: &'static EventMeta = if E::META.is_wire_sound() { &E::META } else { refuse(&E::META) };
}

/// What the serializer and the envelope writer may copy verbatim as an event name: an ASCII letter, then ASCII
/// letters, digits, '_' and '.' (none needs escaping in JSON). [`is_valid_event_name`] adds what files and pages
/// need.
const fn is_wire_event_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() || !bytes[0].is_ascii_alphabetic() {
        return false;
    }
    let mut i = 1;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b.is_ascii_alphanumeric() || b == b'_' || b == b'.') {
            return false;
        }
        i += 1;
    }
    true
}

/// An event name: an ASCII letter, then ASCII letters, digits, '_' and '.' (`CLI_COMMAND`, `cli.start`), with no
/// '.' at the end or next to another, at most [`MAX_NAME_LEN`] bytes. The one rule for event names: the derive
/// mirrors it (a test holds the two equal), [`EventMeta::new`] and [`EventMeta::check`] enforce it.
///
/// Each character is safe everywhere an event name goes: a JSON string without escaping, Markdown and HTML (no
/// markup character), a file name `schemas/events/<NAME>.v<N>.json` (no '/', no leading '.', no `..`, no trailing
/// '.', which Windows drops), an anchor `#event-<NAME>`, and a quoted SQL table name `<name>_v<N>` (distinct names
/// give distinct tables, except for case, which docs-gen and the collector refuse).
///
/// ```
/// use telemetry_schema::is_valid_event_name;
/// assert!(is_valid_event_name("CLI_COMMAND") && is_valid_event_name("cli.start"));
/// assert!(!is_valid_event_name("cli..start") && !is_valid_event_name("cli.") && !is_valid_event_name("cli/start"));
/// ```
pub const fn is_valid_event_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.len() > MAX_NAME_LEN || !is_wire_event_name(name) {
        return false;
    }
    let mut i = 1;
    while i < bytes.len() {
        if bytes[i] == b'.' && (i + 1 == bytes.len() || bytes[i + 1] == b'.') {
            return false;
        }
        i += 1;
    }
    true
}

/// `[A-Za-z][A-Za-z0-9_-]*`, at most [`MAX_NAME_LEN`] bytes: a field name, an enum or group type name, an SDK name.
/// Such a name never needs escaping in JSON, HTML or Markdown, which is why the serializer can copy it verbatim. A
/// field name is also a step of a path (`group.field` on the page, `/payload/group/field` in a JSON pointer,
/// `group_field` as a column), so it has no '.' or '/': two different fields could not print the same path.
pub const fn is_valid_name(name: &str) -> bool {
    is_name_with(name, true, MAX_NAME_LEN)
}

/// A variant name, the value an enum is sent as: an ASCII letter or digit (or '@' and one, as in `@clerk/nextjs`),
/// then ASCII letters, digits, '_', '-', '.' and '/' (`next/image`, `image/avif`, `gpt-5.5`, `2025-11`,
/// `mcp/get_errors`), with no '.' or '/' at the end or next to another, at most [`MAX_NAME_LEN`] bytes. The one rule
/// for variant names: the derive mirrors it (a test holds the two equal), [`VariantMeta::new`] and every check of an
/// enum enforce it.
///
/// A variant name is a value, never a key, a path, a file name or an anchor: a JSON string (none of these characters
/// needs escaping), a code span on the page (none is markup there, and HTML escaping leaves them alone), a schema
/// `const` and an SQL string literal (no quote, no backslash). Characters outside the set (spaces, quotes, '#',
/// '?', '%', ':', '+', '~', non-ASCII) stay refused: real telemetry values did not need them, and each is special
/// somewhere a value goes (URLs, JSON pointers, shells, Markdown).
///
/// ```
/// use telemetry_schema::is_valid_variant_name;
/// for ok in ["Npm", "next/image", "image/avif", "gpt-5.5", "2025-11", "mcp/get_errors", "@clerk/nextjs"] {
///     assert!(is_valid_variant_name(ok), "{ok}");
/// }
/// for bad in ["", "@", "/x", ".x", "x/", "x.", "a//b", "a./b", "a b", "a\"b", "@/x", "-x", "é"] {
///     assert!(!is_valid_variant_name(bad), "{bad}");
/// }
/// ```
pub const fn is_valid_variant_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_NAME_LEN {
        return false;
    }
    let mut i = if bytes[0] == b'@' { 1 } else { 0 };
    if i >= bytes.len() || !bytes[i].is_ascii_alphanumeric() {
        return false;
    }
    i += 1;
    while i < bytes.len() {
        let b = bytes[i];
        let separator = b == b'.' || b == b'/';
        if separator {
            if i + 1 == bytes.len() || bytes[i + 1] == b'.' || bytes[i + 1] == b'/' {
                return false;
            }
        } else if !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            return false;
        }
        i += 1;
    }
    true
}

const fn is_name_with(name: &str, allow_dash: bool, max_len: usize) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() > max_len || !bytes[0].is_ascii_alphabetic() {
        return false;
    }
    let mut i = 1;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b.is_ascii_alphanumeric() || b == b'_' || (allow_dash && b == b'-')) {
            return false;
        }
        i += 1;
    }
    true
}

const fn is_blank(text: &str) -> bool {
    text.trim_ascii().is_empty()
}

const fn str_eq(a: &str, b: &str) -> bool {
    bytes_eq(a.as_bytes(), b.as_bytes())
}

/// `a == b` for byte slices, usable in `const fn` (slice `==` is not `const` yet).
pub(crate) const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn fields_are_unique(fields: &[FieldMeta]) -> bool {
    let mut i = 0;
    while i < fields.len() {
        let mut j = i + 1;
        while j < fields.len() {
            if str_eq(fields[i].name, fields[j].name) {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

const fn variants_are_unique(variants: &[VariantMeta]) -> bool {
    let mut i = 0;
    while i < variants.len() {
        let mut j = i + 1;
        while j < variants.len() {
            if str_eq(variants[i].name, variants[j].name) {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_accepts_exactly_what_check_wire_accepts() {
        const ENUM: EnumMeta = EnumMeta::__derived("Plan", "The plan.", &[VariantMeta::__derived("Free", "Free.")]);
        const EMPTY: EnumMeta = EnumMeta::__derived("Plan", "The plan.", &[]);
        const BAD_VARIANT: EnumMeta = EnumMeta::__derived("Plan", "The plan.", &[VariantMeta::__derived("a\"", "A.")]);
        const GROUP: GroupMeta =
            GroupMeta::__derived("G", "G.", &[FieldMeta::__derived("x", "X.", CollectableKind::Bool)]);
        const DUP_GROUP: GroupMeta = GroupMeta::__derived(
            "G",
            "G.",
            &[
                FieldMeta::__derived("x", "X.", CollectableKind::Bool),
                FieldMeta::__derived("x", "X.", CollectableKind::Bool),
            ],
        );
        let kinds = [
            CollectableKind::Bool,
            CollectableKind::Enum(&ENUM),
            CollectableKind::EnumSet(&EMPTY),
            CollectableKind::Enum(&BAD_VARIANT),
            CollectableKind::Group(&GROUP),
            CollectableKind::Group(&DUP_GROUP),
            CollectableKind::Optional(&CollectableKind::Optional(&CollectableKind::Bool)),
            CollectableKind::Optional(&CollectableKind::Group(&GROUP)),
        ];
        let names = ["ok", "is-ci", "a_1", "", "1a", "_a", "-a", "a b", "a\"b", "a.b", "é", "A-B", "a/b", "a..b", "a."];
        let mut cases = 0;
        for event_name in
            ["EVENT", "EV-ENT", "", "9", "cli.start", "cli..x", "cli.", ".cli", "a/b", &"X".repeat(64), &"X".repeat(65)]
        {
            for version in [0, 1] {
                for first in names {
                    for second in ["other", first] {
                        for kind in kinds {
                            let fields: &'static [FieldMeta] = Box::leak(Box::new([
                                FieldMeta::__derived(first, "F.", CollectableKind::Bool),
                                FieldMeta::__derived(second, "S.", kind),
                            ]));
                            let name: &'static str = Box::leak(event_name.to_owned().into_boxed_str());
                            let meta = EventMeta::__derived(name, version, "E.", fields);
                            assert_eq!(meta.is_wire_sound(), meta.check_wire().is_ok(), "{meta:?}");
                            cases += 1;
                        }
                    }
                }
            }
        }
        assert!(cases > 1000);
    }

    #[test]
    fn the_hidden_character_search_agrees_with_a_walk_of_the_table_for_every_code_point() {
        assert!(HIDDEN_CHARACTERS.windows(2).all(|pair| pair[0].1 < pair[1].0), "sorted, not overlapping");
        for code in 0..=0x10FFFF {
            let walked = HIDDEN_CHARACTERS.iter().any(|&(first, last, _)| (first..=last).contains(&code));
            assert_eq!(is_hidden_code(code), walked, "U+{code:04X}");
        }
    }

    #[test]
    fn names_are_identifiers() {
        assert!(is_valid_name("cpu_count"));
        assert!(is_valid_name("is-ci"));
        assert!(is_valid_event_name("CLI_COMMAND"));
        assert!(is_valid_event_name("cli.start"));
        assert!(!is_valid_event_name("cli-command"));
        for bad in ["", ".cli", "cli.", "cli..start", "cli/start", "1cli", "cli start", &"x".repeat(65)] {
            assert!(!is_valid_event_name(bad), "{bad:?} should be refused");
        }
        assert!(!is_valid_name("next/image") && !is_valid_name("gpt-5.5"), "field names stay identifiers");
        for bad in ["", "1abc", "_x", "a b", "a\"b", "émoji", "a.b", &"x".repeat(65)] {
            assert!(!is_valid_name(bad), "{bad:?} should be refused");
        }
    }
}
