//! Telemetry events that cannot carry personal data, by construction.
//!
//! An event is a struct deriving [`TelemetryEvent`]. Every field must be a *collectable kind* — `bool`, an
//! unsigned count, a [`Duration`](std::time::Duration), a privacy-safe [`Version`], a random [`FlowId`], a
//! documented enum deriving [`TelemetryEnum`], an `Option` of those, a `BTreeSet` of such an enum or a `BTreeMap`
//! keyed by one, a nested [`TelemetryGroup`], or an enum whose variants carry groups ([`TelemetryUnion`]) — and the
//! compiler refuses anything else (`String`, paths, addresses, signed or float numbers, collections…) at the field.
//! Every event, field and variant must have a doc comment: the "what is collected" page is generated from them.
//!
//! ```
//! use std::collections::BTreeSet;
//! use std::time::Duration;
//! use telemetry_schema::{TelemetryEnum, TelemetryEvent, to_json};
//!
//! /// A bundler plugin the project uses.
//! #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
//! enum Plugin {
//!     /// The image optimizer.
//!     Images,
//!     /// The MDX loader.
//!     Mdx,
//! }
//!
//! /// Sent when a production build finishes.
//! #[derive(TelemetryEvent)]
//! struct BuildFinished {
//!     /// How long the build took.
//!     duration: Duration,
//!     /// How many pages were built.
//!     pages: u32,
//!     /// Which known plugins are present.
//!     plugins: BTreeSet<Plugin>,
//! }
//!
//! let event = BuildFinished {
//!     duration: Duration::from_millis(1520),
//!     pages: 14,
//!     plugins: BTreeSet::from([Plugin::Mdx]),
//! };
//! assert_eq!(to_json(&event).unwrap(), r#"{"duration":1520,"pages":14,"plugins":["Mdx"]}"#);
//! assert_eq!(BuildFinished::META.name(), "BUILD_FINISHED");
//! ```
//!
//! A field that could carry free text does not compile:
//!
//! ```compile_fail
//! /// Sent when a project is created.
//! #[derive(telemetry_schema::TelemetryEvent)]
//! struct ProjectCreated {
//!     /// The project's name.
//!     name: String,
//! }
//! ```

// docs.rs (which sets `docsrs`) marks what each feature adds.
#![cfg_attr(docsrs, feature(doc_cfg))]

// The derives emit `::telemetry_schema::...` paths; this lets the toolkit derive its own types (the envelope
// context) with them.
extern crate self as telemetry_schema;

mod bound;
mod date;
#[cfg(feature = "serde")]
pub mod decode;
mod doc_text;
mod encode;
mod envelope;
mod event;
mod flow;
pub mod hex;
mod kind;
mod meta;
mod product;
mod registry;
#[cfg(feature = "schema")]
pub mod schema;
mod union;
mod version;

pub use bound::{Bound, FieldBound, Precision, Scale};
pub use date::Date;
pub use encode::{EncodeError, EncodeProblem, Encoder, Fields, sample_rate_of, to_json, write_json};
pub use envelope::{
    AnonymousId, Arch, BATCH_EVENTS_KEY, Context, ENVELOPE_FIELDS, EnvelopeField, EnvelopeFieldKind, EnvelopeHeader,
    Os, ProjectId, TOOLKIT_VERSION, write_envelope,
};
pub use event::TelemetryEvent;
pub use flow::FlowId;
pub use kind::{
    Collectable, CollectableKind, CountWidth, DerivedKind, EnumShape, GroupShape, Shape, TelemetryEnum, TelemetryGroup,
    UnionShape,
};
pub use meta::{
    EnumMeta, EventMeta, FieldMeta, GroupMeta, HIDDEN_CHARACTERS, MAX_GROUP_DEPTH, MAX_NAME_LEN, MetaError,
    MetaProblem, VariantMeta, find_hidden_character, hidden_character_name, is_valid_event_name, is_valid_name,
    is_valid_variant_name, is_visible_text,
};
pub use product::{
    ConfigFormat, ConfigSwitch, ConsentDefault, DO_NOT_TRACK, Product, ProductBuilder, ProductError, RegisteredProduct,
    products,
};
pub use registry::{
    DuplicateEvent, RegisteredEvent, RegistryError, SourceLocation, events, is_registered, sorted_and_unique,
};
pub use telemetry_derive::{TelemetryEnum, TelemetryEvent, TelemetryGroup, telemetry_enum_from_list};
pub use union::{TelemetryUnion, UNION_TAG, UnionMeta, UnionVariant, UnionVariantMeta};
pub use version::{MAX_COMPONENT, PreRelease, PreTag, Version, VersionError, VersionProblem};

/// Implements `Decode` for a derived enum, group or event (see `telemetry_schema::decode`, feature `serde`).
/// Without the `serde` feature it expands to nothing, so it can be written, or generated, unconditionally.
#[cfg(not(feature = "serde"))]
#[macro_export]
macro_rules! impl_decode {
    ($($tokens:tt)*) => {};
}

/// Used by the derives' generated code. Not public API: anything here may change in any release.
#[doc(hidden)]
pub mod __private {
    pub use inventory;

    pub use crate::__doc as doc;
    pub use crate::doc_text::{check_doc, doc_text, normalize_doc};

    /// What the element of a `BTreeSet` field needs besides `TelemetryEnum`: `Ord`, or the set cannot be built.
    /// The derive checks it at the field (see [`set_element`]), so the message names the missing derives there.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be the element of a telemetry `BTreeSet`: it is not `Ord`",
        label = "the element of a set must be `Ord`",
        note = "derive `Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum` on `{Self}`"
    )]
    pub trait SetElement {}
    impl<T: Ord> SetElement for T {}

    /// The derive's check of a `BTreeSet<E>` field's element, spanned at `E`.
    pub const fn set_element<E: SetElement>() {}

    /// What the key of a `BTreeMap` field needs: a `TelemetryEnum` (the keys are a closed set of documented
    /// names) that is `Ord`. The derive checks it at the key (see [`map_key`]).
    #[diagnostic::on_unimplemented(
        message = "`{Self}` cannot be the key of a telemetry `BTreeMap`: a key must be a `TelemetryEnum` that is `Ord`",
        label = "not a `TelemetryEnum` with `Ord`",
        note = "the keys of a telemetry map are a closed set of documented names: derive `Clone, Copy, PartialEq, \
                Eq, PartialOrd, Ord, TelemetryEnum` on a fieldless enum of the known keys and use it as the key"
    )]
    pub trait MapKey {}
    impl<T: crate::TelemetryEnum + Ord> MapKey for T {}

    /// The derive's check of a `BTreeMap<K, V>` field's key, spanned at `K`.
    pub const fn map_key<K: MapKey>() {}

    /// The derive's check of a union case's group, spanned at the group type: a group with a field named
    /// [`UNION_TAG`](crate::UNION_TAG) is refused there, with the derive's `message` (naming the variant and the
    /// group), rather than where the union is first used.
    pub const fn union_case(group: &crate::GroupMeta, message: &'static str) {
        let fields = group.fields();
        let mut i = 0;
        while i < fields.len() {
            if crate::meta::bytes_eq(fields[i].name().as_bytes(), crate::union::UNION_TAG.as_bytes()) {
                panic!("{}", message);
            }
            i += 1;
        }
    }
    #[cfg(feature = "serde")]
    pub use serde;

    use crate::{Bound, Collectable, CollectableKind, EventMeta, Fields};

    /// What a `#[telemetry(max = …, buckets = …, precision = …)]` attribute was written for, which decides the
    /// message when the field's type is of another kind.
    #[derive(Debug, Clone, Copy)]
    pub enum BoundFor {
        /// An integer `max` (and maybe `buckets`): a count.
        Count,
        /// A `max` with a unit (`"10m"`): a duration.
        Duration,
        /// Only `buckets`: a count or a duration.
        Number,
        /// `precision` (and maybe `max`): a version.
        Version,
    }

    /// The derive's compile-time check of a field's bound against the field's kind (which only the compiler
    /// knows: aliases and macro-made types are seen through). Emitted only for bounded fields, at the attribute.
    pub const fn check_bound(kind: CollectableKind, bound: Bound, written_for: BoundFor) {
        let inner = kind.bounded();
        match (written_for, inner) {
            (BoundFor::Count, CollectableKind::Count(_))
            | (BoundFor::Duration, CollectableKind::DurationMillis)
            | (BoundFor::Number, CollectableKind::Count(_) | CollectableKind::DurationMillis)
            | (BoundFor::Version, CollectableKind::Version) => {}
            (BoundFor::Count, CollectableKind::DurationMillis) => panic!(
                "telemetry: the `max` of a duration needs a unit: a string like \"500ms\", \"30s\", \"10m\" or \"2h\""
            ),
            (BoundFor::Duration, CollectableKind::Count(_)) => {
                panic!("telemetry: a `max` with a unit is for a duration; the `max` of a count is a plain number")
            }
            (BoundFor::Count | BoundFor::Duration, CollectableKind::Version) => panic!(
                "telemetry: a version is bounded by `precision = \"major\"`, `\"minor\"` or `\"patch\"` (and \
                 `max` for each part)"
            ),
            (BoundFor::Number, CollectableKind::Version) => {
                panic!("telemetry: `buckets` rounds counts and durations; bound a version with `precision`")
            }
            (BoundFor::Version, _) => {
                panic!("telemetry: `precision` cuts a version to its first parts; this field is not a version")
            }
            (_, CollectableKind::Bool) => {
                panic!("telemetry: `max` and `buckets` bound counts and durations; a bool is already one bit")
            }
            (_, CollectableKind::FlowId) => {
                panic!("telemetry: `max` and `buckets` bound counts and durations; a flow id is random, not a number")
            }
            (_, CollectableKind::Enum(_) | CollectableKind::EnumSet(_)) => panic!(
                "telemetry: `max` and `buckets` bound counts and durations; an enum is already bounded by its \
                 variants"
            ),
            _ => panic!("telemetry: `max` and `buckets` bound counts and durations; this field is neither"),
        }
        if let Err(message) = bound.check_for(&kind) {
            panic!("{}", message);
        }
    }

    /// What the field named by `#[telemetry(sample_by = "…")]` must be: a `TelemetryEnum` itself, whose variants
    /// carry the rates. The derive checks it at the attribute, so the message names the mistake there.
    #[diagnostic::on_unimplemented(
        message = "`sample_by` names a field of type `{Self}`, which is not a telemetry enum",
        label = "the field named by `sample_by` must be a `TelemetryEnum` (not an `Option` or a set of one)",
        note = "sampling by value gives each variant of an enum its own rate with `#[telemetry(sample_rate = 0.1)]` \
                on the variant; name a field whose type derives `TelemetryEnum`"
    )]
    pub trait SampleBy: crate::TelemetryEnum {}
    impl<T: crate::TelemetryEnum> SampleBy for T {}

    /// The rate of the variant `value` holds: what a derived event sampled by value returns from
    /// [`TelemetryEvent::sample_rate_per_million`](crate::TelemetryEvent::sample_rate_per_million).
    #[inline]
    pub fn variant_sample_rate<E: SampleBy>(value: &E) -> u32 {
        E::META_REF.variants().get(value.variant_index()).map_or(1_000_000, crate::VariantMeta::sample_rate_per_million)
    }

    /// `#[telemetry(max_bits = N)]`: the derive's compile-time check of the event's information bound.
    pub const fn check_max_bits(meta: &EventMeta, max_bits: u32) {
        if meta.payload_bits() > max_bits as f64 {
            panic!(
                "telemetry: this event can carry more bits than its `max_bits` allows: bound its heaviest fields \
                 with `max`, `buckets` or `precision`, or raise `max_bits` (docs-gen's page and catalog give the \
                 figure of each field)"
            );
        }
    }

    /// The per-field check and everything the generated code needs of a field's type, behind one function
    /// bound. Both the metadata and the visitor go through [`codec`], so an uncollectable field is reported
    /// once, at the field's type, with [`Collectable`]'s own message.
    #[derive(Debug)]
    pub struct Codec<T: ?Sized> {
        /// The field's kind, for its `FieldMeta` (a field, not a method: one call less per field for the const
        /// evaluator, which evaluates every event's metadata at compile time).
        pub kind: CollectableKind,
        write: fn(&mut Fields<'_>, &T),
    }

    impl<T: ?Sized> Clone for Codec<T> {
        fn clone(&self) -> Self {
            *self
        }
    }
    impl<T: ?Sized> Copy for Codec<T> {}

    /// See [`Codec`].
    #[inline(always)]
    pub const fn codec<T: Collectable>() -> Codec<T> {
        Codec { kind: T::KIND, write: WriteField::<T>::WRITE }
    }

    /// The function pointer, made once per type: reifying it in every `codec::<T>()` call made the const evaluator
    /// create a new function allocation per field of every event.
    struct WriteField<T>(std::marker::PhantomData<T>);

    impl<T: Collectable> WriteField<T> {
        const WRITE: fn(&mut Fields<'_>, &T) = write_field::<T>;
    }

    fn write_field<T: Collectable>(fields: &mut Fields<'_>, value: &T) {
        fields.field(value);
    }

    impl<T: ?Sized> Codec<T> {
        /// The field's kind.
        #[inline(always)]
        pub const fn kind(self) -> CollectableKind {
            self.kind
        }

        /// Hands the value to the visitor.
        #[inline(always)]
        pub fn write(self, fields: &mut Fields<'_>, value: &T) {
            (self.write)(fields, value);
        }
    }
}
