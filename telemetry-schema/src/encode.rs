//! The one serializer: keys come from `const` metadata, values from the field visitor.
//!
//! Names in metadata are checked at compile time to need no escaping (see [`crate::meta::is_valid_name`]), so
//! the encoder copies them verbatim; values are only ever bools, integers, versions and metadata names. That is
//! what makes it both unable to emit free text and faster than a general-purpose serializer.

use std::fmt;

use crate::bound::{Bound, FieldBound, bound_of};
use crate::event::TelemetryEvent;
use crate::flow::FlowId;
use crate::kind::{Collectable, CollectableKind};
use crate::meta::{Checked, EnumMeta, FieldMeta, GroupMeta};
use crate::union::{UnionMeta, UnionVariant};
use crate::version::Version;

/// Serializes an event's payload to a compact JSON object.
///
/// ```
/// use telemetry_schema::{TelemetryEvent, to_json};
///
/// /// Sent when the development server starts.
/// #[derive(TelemetryEvent)]
/// struct DevStarted {
///     /// Whether hot reloading is on.
///     hot_reload: bool,
///     /// How many routes the project has.
///     routes: u32,
/// }
///
/// let json = to_json(&DevStarted { hot_reload: true, routes: 12 }).unwrap();
/// assert_eq!(json, r#"{"hot_reload":true,"routes":12}"#);
/// ```
///
/// # Errors
/// Only a hand-written [`TelemetryEvent`] impl whose visitor disagrees with its metadata can fail; derived
/// events always encode.
pub fn to_json<E: TelemetryEvent + ?Sized>(event: &E) -> Result<String, EncodeError> {
    let mut out = String::with_capacity(64 + 32 * Checked::<E>::META.fields().len());
    write_json(event, &mut out)?;
    Ok(out)
}

/// Appends an event's payload as a compact JSON object to `out`. On error, `out` is left as it was.
///
/// # Errors
/// See [`to_json`].
pub fn write_json<E: TelemetryEvent + ?Sized>(event: &E, out: &mut String) -> Result<(), EncodeError> {
    // Keys are copied verbatim from the metadata, so it is read only through `Checked`, which refuses (at compile
    // time, once per event type) any that the derive's unchecked constructors or a hand-written impl let through.
    let meta = Checked::<E>::META;
    let start = out.len();
    let mut encoder = Encoder { buf: out, problem: None, bound: Bound::NONE, probe: None };
    encoder.write_fields(meta.fields(), meta.bounds(), |fields| event.visit_fields(fields));
    match encoder.problem {
        None => Ok(()),
        Some(problem) => {
            out.truncate(start);
            Err(EncodeError { event: meta.name(), problem })
        }
    }
}

/// How many occurrences per million like `event` are sent: the event-wide rate, or for an event sampled by value
/// ([`EventMeta::sample_by`](crate::EventMeta::sample_by)) the rate of the variant its field holds. The variant is
/// read through the event's own visitor, so it is the value that would be sent, whoever wrote the impl; nothing
/// is written or allocated. This is what the client applies to every occurrence.
///
/// ```
/// use telemetry_schema::{TelemetryEnum, TelemetryEvent, sample_rate_of};
///
/// /// A component of the sign-in UI.
/// #[derive(Clone, Copy, TelemetryEnum)]
/// enum Component {
///     /// The sign-in form: sent every time.
///     SignIn,
///     /// The account menu: one mount in ten is sent.
///     #[telemetry(sample_rate = 0.1)]
///     UserButton,
/// }
///
/// /// Sent when a component mounts.
/// #[derive(TelemetryEvent)]
/// #[telemetry(sample_by = "component")]
/// struct Mounted {
///     /// Which component mounted.
///     component: Component,
/// }
///
/// assert_eq!(sample_rate_of(&Mounted { component: Component::SignIn }), 1_000_000);
/// assert_eq!(sample_rate_of(&Mounted { component: Component::UserButton }), 100_000);
/// ```
pub fn sample_rate_of<E: TelemetryEvent + ?Sized>(event: &E) -> u32 {
    let meta = &E::META;
    let Some(index) = meta.sample_by() else { return meta.sample_rate_per_million() };
    let Some(CollectableKind::Enum(values)) = meta.fields().get(index).map(FieldMeta::kind) else {
        // Refused by `EventMeta::check` before anything is rendered or sent; read as "every time" meanwhile.
        return meta.sample_rate_per_million();
    };
    let mut nowhere = String::new();
    let out = Encoder { buf: &mut nowhere, problem: None, bound: Bound::NONE, probe: Some(None) };
    let mut fields = Fields { out, meta: meta.fields(), bounds: &[], next: 0, wrote_any: false, only: Some(index) };
    event.visit_fields(&mut fields);
    match fields.out.probe.flatten().and_then(|variant| values.variants().get(variant)) {
        Some(variant) if fields.out.problem.is_none() => variant.sample_rate_per_million(),
        // A visitor that disagrees with its metadata cannot be encoded either: the event is not sent.
        _ => meta.sample_rate_per_million(),
    }
}

/// Appends one collectable value (used for the envelope's context group).
pub(crate) fn write_value<T: Collectable>(out: &mut String, value: &T) {
    // The group's field names are copied verbatim: evaluating its kind runs the compile-time check of the type.
    let _checked = const { T::KIND };
    let mut encoder = Encoder { buf: out, problem: None, bound: Bound::NONE, probe: None };
    value.encode(&mut encoder);
}

/// Where a value is written. Opaque: only the toolkit's [`Collectable`] impls can write to it.
#[derive(Debug)]
pub struct Encoder<'a> {
    buf: &'a mut String,
    problem: Option<EncodeProblem>,
    /// The bound of the field being written, from its `const` metadata: numbers and versions are cut down here,
    /// so the raw value never reaches the buffer.
    bound: Bound,
    /// `Some` when reading a variant instead of writing ([`sample_rate_of`]): the variant index handed over.
    probe: Option<Option<usize>>,
}

impl Encoder<'_> {
    #[inline]
    pub(crate) fn write_raw(&mut self, text: &str) {
        self.buf.push_str(text);
    }

    /// Writes a count or a duration in milliseconds, capped and rounded by the field's bound.
    #[inline]
    pub(crate) fn write_u64(&mut self, value: u64) {
        self.buf.push_str(itoa::Buffer::new().format(self.bound.round(value)));
    }

    pub(crate) fn write_version(&mut self, version: &Version) {
        let mut digits = itoa::Buffer::new();
        if let Some(parts) = self.bound.precision().parts() {
            // A bounded version: its first parts, each capped, and never a pre-release tag.
            self.buf.push('"');
            let all = [version.major(), version.minor(), version.patch()];
            for (i, part) in all.into_iter().take(parts).enumerate() {
                if i > 0 {
                    self.buf.push('.');
                }
                self.buf.push_str(digits.format(self.bound.cap_part(part)));
            }
            self.buf.push('"');
            return;
        }
        self.buf.push('"');
        self.buf.push_str(digits.format(version.major()));
        self.buf.push('.');
        self.buf.push_str(digits.format(version.minor()));
        self.buf.push('.');
        self.buf.push_str(digits.format(version.patch()));
        if let Some(pre) = version.pre_release() {
            self.buf.push('-');
            self.buf.push_str(pre.tag().as_str());
            if let Some(number) = pre.number() {
                self.buf.push('.');
                self.buf.push_str(digits.format(number));
            }
        }
        self.buf.push('"');
    }

    #[inline]
    pub(crate) fn write_variant(&mut self, meta: &'static EnumMeta, index: usize) {
        if let Some(probe) = &mut self.probe {
            *probe = Some(index);
            return;
        }
        match meta.variants().get(index) {
            Some(variant) => {
                self.buf.push('"');
                self.buf.push_str(variant.name());
                self.buf.push('"');
            }
            None => self.fail(EncodeProblem::VariantOutOfRange { enum_name: meta.name(), index }),
        }
    }

    pub(crate) fn write_enum_set(&mut self, meta: &'static EnumMeta, indices: impl Iterator<Item = usize> + Clone) {
        // A derived enum's `Ord` follows declaration order, so a `BTreeSet` yields strictly increasing indices.
        // Anything else (a hand-written impl) is sorted and deduplicated so the array stays a set.
        let start = self.buf.len();
        self.buf.push('[');
        let mut previous: Option<usize> = None;
        for index in indices.clone() {
            if previous.is_some_and(|p| p >= index) {
                self.buf.truncate(start);
                self.buf.push('[');
                let mut sorted: Vec<usize> = indices.collect();
                sorted.sort_unstable();
                sorted.dedup();
                for (i, index) in sorted.into_iter().enumerate() {
                    if i > 0 {
                        self.buf.push(',');
                    }
                    self.write_variant(meta, index);
                }
                break;
            }
            if previous.is_some() {
                self.buf.push(',');
            }
            self.write_variant(meta, index);
            previous = Some(index);
        }
        self.buf.push(']');
    }

    /// Writes `{"Variant": value, ...}`. As with a set, a derived enum's `Ord` gives strictly increasing indices;
    /// anything else is put in declaration order, each key once (the first value kept).
    pub(crate) fn write_enum_map<'v, V: Collectable>(
        &mut self,
        meta: &'static EnumMeta,
        entries: impl Iterator<Item = (usize, &'v V)> + Clone,
    ) {
        let mut previous: Option<usize> = None;
        let in_order = entries.clone().all(|(index, _)| {
            let increasing = previous.is_none_or(|p| p < index);
            previous = Some(index);
            increasing
        });
        if in_order {
            self.write_map_entries(meta, entries);
        } else {
            let mut sorted: Vec<(usize, &V)> = entries.collect();
            // Stable: the first value of a repeated key stays first, and `dedup_by_key` keeps it.
            sorted.sort_by_key(|(index, _)| *index);
            sorted.dedup_by_key(|(index, _)| *index);
            self.write_map_entries(meta, sorted.into_iter());
        }
    }

    fn write_map_entries<'v, V: Collectable>(
        &mut self,
        meta: &'static EnumMeta,
        entries: impl Iterator<Item = (usize, &'v V)>,
    ) {
        self.buf.push('{');
        for (i, (index, value)) in entries.enumerate() {
            if i > 0 {
                self.buf.push(',');
            }
            self.write_variant(meta, index);
            self.buf.push(':');
            value.encode(self);
        }
        self.buf.push('}');
    }

    pub(crate) fn write_flow_id(&mut self, id: &FlowId) {
        if id.was_received() {
            self.fail(EncodeProblem::ReceivedFlowId);
            return;
        }
        match id.bytes() {
            Some(bytes) => {
                self.buf.push('"');
                // Writing to a `String` cannot fail.
                let _ = crate::hex::write(self.buf, bytes);
                self.buf.push('"');
            }
            None => self.fail(EncodeProblem::NoRandomness),
        }
    }

    pub(crate) fn write_group(&mut self, meta: &'static GroupMeta, visit: impl FnOnce(&mut Fields<'_>)) {
        self.write_fields(meta.fields(), meta.bounds(), visit);
    }

    /// Writes a union's value: `{"kind": "<variant>", <the variant's group fields>}`.
    pub(crate) fn write_union(&mut self, meta: &'static UnionMeta, visit: impl FnOnce(&mut UnionVariant<'_, '_>)) {
        let start = self.buf.len();
        let mut variant = UnionVariant::new(self, meta);
        visit(&mut variant);
        if !variant.written() {
            self.buf.truncate(start);
            self.buf.push_str("{}");
            self.fail(EncodeProblem::MissingField { field: crate::union::UNION_TAG });
        }
    }

    /// `{"kind":"<tag>"` then the fields, as [`Self::write_group`] writes them.
    pub(crate) fn write_tagged_fields(
        &mut self,
        tag: &'static str,
        meta: &'static [FieldMeta],
        bounds: &'static [FieldBound],
        visit: impl FnOnce(&mut Fields<'_>),
    ) {
        self.write_fields_after(Some(tag), meta, bounds, visit);
    }

    pub(crate) fn fail_kind(&mut self, variant: &'static str) {
        self.fail(EncodeProblem::KindMismatch { field: variant });
    }

    pub(crate) fn fail_problem(&mut self, problem: EncodeProblem) {
        self.fail(problem);
    }

    fn write_fields(
        &mut self,
        meta: &'static [FieldMeta],
        bounds: &'static [FieldBound],
        visit: impl FnOnce(&mut Fields<'_>),
    ) {
        self.write_fields_after(None, meta, bounds, visit);
    }

    /// An object of `meta`'s fields, after the union tag when there is one. The tag's value is a variant name, checked
    /// at compile time to need no escaping, like every key.
    fn write_fields_after(
        &mut self,
        tag: Option<&'static str>,
        meta: &'static [FieldMeta],
        bounds: &'static [FieldBound],
        visit: impl FnOnce(&mut Fields<'_>),
    ) {
        self.buf.push('{');
        if let Some(tag) = tag {
            self.buf.push('"');
            self.buf.push_str(crate::union::UNION_TAG);
            self.buf.push_str("\":\"");
            self.buf.push_str(tag);
            self.buf.push('"');
        }
        let out = Encoder { buf: &mut *self.buf, problem: None, bound: Bound::NONE, probe: None };
        let mut fields = Fields { out, meta, bounds, next: 0, wrote_any: tag.is_some(), only: None };
        visit(&mut fields);
        if fields.next < meta.len() && fields.out.problem.is_none() {
            fields.out.problem = Some(EncodeProblem::MissingField { field: meta[fields.next].name() });
        }
        if let Some(problem) = fields.out.problem {
            self.fail(problem);
        }
        self.buf.push('}');
    }

    #[cold]
    fn fail(&mut self, problem: EncodeProblem) {
        self.problem.get_or_insert(problem);
    }
}

/// The visitor an event or group hands its field values to, in the order of its metadata.
///
/// It accepts only [`Collectable`] values and takes every key from the `const` metadata.
#[derive(Debug)]
pub struct Fields<'a> {
    out: Encoder<'a>,
    meta: &'static [FieldMeta],
    bounds: &'static [FieldBound],
    next: usize,
    wrote_any: bool,
    /// `Some(i)` when only field `i` is read, for its variant ([`sample_rate_of`]); nothing is written.
    only: Option<usize>,
}

impl Fields<'_> {
    /// Writes the next field. `None` values are left out of the payload.
    #[inline]
    pub fn field<T: Collectable>(&mut self, value: &T) {
        let Some(meta) = self.meta.get(self.next) else {
            self.out.fail(EncodeProblem::ExtraField { expected: self.meta.len() });
            return;
        };
        self.next += 1;
        if self.only.is_some_and(|only| only != self.next - 1) {
            return;
        }
        if !T::KIND.fits(&meta.kind()) {
            self.out.fail(EncodeProblem::KindMismatch { field: meta.name() });
            return;
        }
        if self.only.is_some() {
            value.encode(&mut self.out);
            return;
        }
        if !value.is_present() {
            return;
        }
        if self.wrote_any {
            self.out.buf.push(',');
        }
        self.wrote_any = true;
        self.out.buf.push('"');
        self.out.buf.push_str(meta.name());
        self.out.buf.push_str("\":");
        // `next` was advanced above: this field is `next - 1`.
        self.out.bound = bound_of(self.bounds, self.next - 1);
        value.encode(&mut self.out);
        self.out.bound = Bound::NONE;
    }
}

/// A hand-written event or group impl disagreed with its own metadata; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EncodeError {
    event: &'static str,
    problem: EncodeProblem,
}

impl EncodeError {
    pub(crate) fn new(event: &'static str, problem: EncodeProblem) -> Self {
        Self { event, problem }
    }

    /// The name of the event that could not be encoded.
    pub fn event(&self) -> &'static str {
        self.event
    }

    /// What went wrong.
    pub fn problem(&self) -> &EncodeProblem {
        &self.problem
    }
}

/// The ways a visitor can disagree with metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EncodeProblem {
    /// The visitor passed more values than the metadata lists fields.
    ExtraField {
        /// How many fields the metadata lists.
        expected: usize,
    },
    /// The visitor stopped before this field.
    MissingField {
        /// The first field not visited.
        field: &'static str,
    },
    /// The value's kind is not the kind the metadata declares for this field.
    KindMismatch {
        /// The field.
        field: &'static str,
    },
    /// The envelope header's SDK name is not a valid name (take it from a validated `Product`).
    InvalidSdkName,
    /// A [`FlowId`] was drawn while the operating system gave no randomness; sending it would link unrelated
    /// flows, so the event is not encoded.
    NoRandomness,
    /// A [`FlowId`] read from the wire by the strict decode: its digits came from whoever wrote the text, so it is
    /// not sent again; only [`FlowId::new`] draws ids a client sends.
    ReceivedFlowId,
    /// An enum reported a variant index outside its variant table.
    VariantOutOfRange {
        /// The enum type.
        enum_name: &'static str,
        /// The index it reported.
        index: usize,
    },
}

impl fmt::Display for EncodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot encode telemetry event `{}`: ", self.event)?;
        match &self.problem {
            EncodeProblem::ExtraField { expected } => {
                write!(f, "its visitor passed more than the {expected} fields its metadata lists")?;
            }
            EncodeProblem::MissingField { field } => {
                write!(f, "its visitor never passed field `{field}`")?;
            }
            EncodeProblem::KindMismatch { field } => {
                write!(f, "its visitor passed a value of another kind for field `{field}`")?;
            }
            EncodeProblem::VariantOutOfRange { enum_name, index } => {
                write!(f, "enum `{enum_name}` reported variant index {index}, past its variant table")?;
            }
            EncodeProblem::NoRandomness => {
                return f.write_str(
                    "a FlowId was drawn when the operating system gave no randomness; the event is not sent rather \
                     than sent with an id that is not random",
                );
            }
            EncodeProblem::ReceivedFlowId => {
                return f.write_str(
                    "a FlowId read from the wire (the strict decode) is not sent again: its digits were chosen by \
                     whoever wrote them; draw the ids a client sends with FlowId::new",
                );
            }
            EncodeProblem::InvalidSdkName => {
                return f.write_str("the envelope's SDK name is not a valid name; take it from a validated `Product`");
            }
        }
        f.write_str(" (a hand-written impl disagrees with its metadata; `#[derive]` it instead)")
    }
}

impl std::error::Error for EncodeError {}
