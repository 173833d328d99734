//! The collectable kinds: the only values that can reach the wire.
//!
//! [`Collectable`] is sealed by a supertrait in a private module, so no crate but this one can add a kind. The
//! two open extension points, [`TelemetryEnum`] and [`TelemetryGroup`], are shaped so that even a hand-written
//! impl can only send compile-time constants (an index into a `const` table of variant names) or other
//! collectable values (a group hands its fields to the same visitor as an event).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use crate::encode::{Encoder, Fields};
use crate::flow::FlowId;
use crate::meta::{EnumMeta, GroupMeta};
use crate::union::{TelemetryUnion, UnionMeta};
use crate::version::Version;

mod sealed {
    use super::{CollectableKind, Encoder};

    /// Not nameable outside this module's parent: this is what keeps [`super::Collectable`] closed.
    #[diagnostic::on_unimplemented(
        message = "`Collectable` cannot be implemented by hand: the toolkit alone decides which kinds may be sent",
        label = "not one of the toolkit's collectable kinds",
        note = "derive `TelemetryEnum` (a fieldless enum) or `TelemetryGroup` (a struct of collectable fields) \
                instead"
    )]
    pub trait Sealed {}

    /// How a derived type is described and written. Private, with its items, so that no crate can add a shape
    /// or give an existing shape a new meaning for its own type: only the two impls below exist.
    #[diagnostic::on_unimplemented(
        message = "`{Self}` is not a shape of the toolkit for `{T}`: only `EnumShape`, `GroupShape` and `UnionShape` exist",
        label = "not `EnumShape` (of a `TelemetryEnum`), `GroupShape` (of a `TelemetryGroup`) or `UnionShape`",
        note = "derive `TelemetryEnum` or `TelemetryGroup` instead of implementing `DerivedKind` by hand"
    )]
    pub trait SealedShape<T: ?Sized> {
        const KIND: CollectableKind;
        fn encode(value: &T, out: &mut Encoder<'_>);
    }
}

/// What kind of value a field holds; part of every [`FieldMeta`](crate::FieldMeta).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CollectableKind {
    /// `true` or `false`.
    Bool,
    /// A non-negative count that fits the given width.
    Count(CountWidth),
    /// A [`Duration`], sent as whole milliseconds.
    DurationMillis,
    /// A privacy-safe [`Version`], sent as a string like `1.2.3` or `2.0.0-rc.1`.
    Version,
    /// One variant of a [`TelemetryEnum`], sent as its name.
    Enum(&'static EnumMeta),
    /// A set of variants of a [`TelemetryEnum`], sent as an array of distinct names in declaration order.
    EnumSet(&'static EnumMeta),
    /// A nested group of fields, sent as an object.
    Group(&'static GroupMeta),
    /// An optional value: the key is omitted when the value is `None`.
    Optional(&'static CollectableKind),
    /// A `BTreeMap` from the variants of a [`TelemetryEnum`] (its keys) to values of one kind, sent as an object
    /// keyed by variant names in declaration order. A variant without a value is left out, so the value is never
    /// an `Option` (that absence would be sent twice over).
    Map(&'static EnumMeta, &'static CollectableKind),
    /// A [`FlowId`]: 128 bits of fresh OS randomness, sent as 32 lower-case hex digits, that links the events of
    /// one flow. The author cannot choose its value, so it carries no author-chosen bits; what the author does
    /// choose is which events share an id, which is the link it exists for.
    FlowId,
    /// An enum whose variants are fieldless or carry one [`TelemetryGroup`] each, sent as an object with the
    /// variant's name under [`UNION_TAG`](crate::UNION_TAG) and the group's fields beside it.
    Union(&'static UnionMeta),
}

impl CollectableKind {
    /// Whether a value of kind `self` may stand where metadata promised `expected`: the same kind, with enum and
    /// group metadata the very same or equal in full (names, docs, variants, fields, all the way down), never
    /// merely of the same name. The pointer comparison answers for derived types; the full comparison, for a
    /// second copy of the same metadata (a `const` may be duplicated across crates). It terminates because
    /// `expected` was checked free of cycles at compile time ([`EventMeta::check_wire`](crate::EventMeta)).
    pub(crate) fn fits(&self, expected: &CollectableKind) -> bool {
        use CollectableKind as K;
        match (self, expected) {
            (K::Bool, K::Bool)
            | (K::DurationMillis, K::DurationMillis)
            | (K::Version, K::Version)
            | (K::FlowId, K::FlowId) => true,
            (K::Count(a), K::Count(b)) => a == b,
            (K::Enum(a), K::Enum(b)) | (K::EnumSet(a), K::EnumSet(b)) => std::ptr::eq(*a, *b) || a == b,
            (K::Group(a), K::Group(b)) => std::ptr::eq(*a, *b) || a == b,
            (K::Union(a), K::Union(b)) => std::ptr::eq(*a, *b) || a == b,
            (K::Optional(a), K::Optional(b)) => a.fits(b),
            (K::Map(a, av), K::Map(b, bv)) => (std::ptr::eq(*a, *b) || a == b) && av.fits(bv),
            _ => false,
        }
    }
}

impl CollectableKind {
    /// The kind a field's bound (`max`, `buckets`, `precision`) applies to: `self` seen through `Option` and
    /// through a map's values (a bound on a map bounds each value).
    pub const fn bounded(&self) -> &CollectableKind {
        let mut kind = self;
        loop {
            match kind {
                CollectableKind::Optional(inner) | CollectableKind::Map(_, inner) => kind = inner,
                _ => return kind,
            }
        }
    }
}

/// The unsigned integer type behind a count; it fixes the largest value the schema accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CountWidth {
    /// `u8`
    U8,
    /// `u16`
    U16,
    /// `u32`
    U32,
    /// `u64`
    U64,
    /// `usize`, documented with the 64-bit range so generated files do not depend on the build machine.
    Usize,
}

impl CountWidth {
    /// The largest value of this width.
    pub const fn max(self) -> u64 {
        match self {
            Self::U8 => u8::MAX as u64,
            Self::U16 => u16::MAX as u64,
            Self::U32 => u32::MAX as u64,
            Self::U64 | Self::Usize => u64::MAX,
        }
    }

    /// The Rust type name, e.g. `u16`.
    pub const fn rust_type(self) -> &'static str {
        match self {
            Self::U8 => "u8",
            Self::U16 => "u16",
            Self::U32 => "u32",
            Self::U64 => "u64",
            Self::Usize => "usize",
        }
    }
}

/// A type whose values may be sent as a telemetry field.
///
/// This trait is sealed: the toolkit implements it for exactly the kinds that cannot carry free text or
/// identifying data, and for the types that derive [`TelemetryEnum`] or [`TelemetryGroup`].
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a telemetry field: it is not a collectable kind",
    label = "not a collectable kind",
    note = "a telemetry field may only be: bool; a count (u8, u16, u32, u64, usize); std::time::Duration; \
            telemetry_schema::Version; telemetry_schema::FlowId; an enum deriving `TelemetryEnum`; `Option<T>` of \
            those; `BTreeSet<E>` or `BTreeMap<E, T>` keyed by such an enum; or a struct deriving `TelemetryGroup`",
    note = "if `{Self}` is (or contains) your own type: derive `TelemetryEnum` on a fieldless enum, or \
            `TelemetryGroup` on a struct of collectable fields",
    note = "text, paths, addresses, ids, signed or floating-point numbers and collections are refused because \
            nothing would stop them from carrying names, secrets or file contents: describe the fact you need \
            with an enum (which value) or a bool/count (whether, how many) instead"
)]
pub trait Collectable: sealed::Sealed + 'static {
    /// What the schema and the docs say about values of this type.
    const KIND: CollectableKind;

    /// `false` only for `None`: the field is then left out of the payload.
    #[doc(hidden)]
    fn is_present(&self) -> bool {
        true
    }

    /// Writes the value as JSON. Only the toolkit can implement this.
    #[doc(hidden)]
    fn encode(&self, out: &mut Encoder<'_>);
}

macro_rules! counts {
    ($($ty:ty => $width:ident),* $(,)?) => {$(
        impl sealed::Sealed for $ty {}
        impl Collectable for $ty {
            const KIND: CollectableKind = CollectableKind::Count(CountWidth::$width);
            #[inline]
            fn encode(&self, out: &mut Encoder<'_>) {
                out.write_u64(*self as u64);
            }
        }
    )*};
}
counts!(u8 => U8, u16 => U16, u32 => U32, u64 => U64, usize => Usize);

impl sealed::Sealed for bool {}
impl Collectable for bool {
    const KIND: CollectableKind = CollectableKind::Bool;
    #[inline]
    fn encode(&self, out: &mut Encoder<'_>) {
        out.write_raw(if *self { "true" } else { "false" });
    }
}

impl sealed::Sealed for Duration {}
impl Collectable for Duration {
    const KIND: CollectableKind = CollectableKind::DurationMillis;
    #[inline]
    fn encode(&self, out: &mut Encoder<'_>) {
        // Saturates: no real duration reaches u64::MAX milliseconds (585 million years).
        out.write_u64(u64::try_from(self.as_millis()).unwrap_or(u64::MAX));
    }
}

impl sealed::Sealed for Version {}
impl Collectable for Version {
    const KIND: CollectableKind = CollectableKind::Version;
    #[inline]
    fn encode(&self, out: &mut Encoder<'_>) {
        out.write_version(self);
    }
}

impl<T: Collectable> sealed::Sealed for Option<T> {}
impl<T: Collectable> Collectable for Option<T> {
    const KIND: CollectableKind = {
        assert!(
            !matches!(T::KIND, CollectableKind::Optional(_)),
            "telemetry: `Option<Option<T>>` cannot be sent: `None` and `Some(None)` would look the same"
        );
        CollectableKind::Optional(&T::KIND)
    };
    #[inline]
    fn is_present(&self) -> bool {
        self.is_some()
    }
    #[inline]
    fn encode(&self, out: &mut Encoder<'_>) {
        match self {
            Some(value) => value.encode(out),
            None => out.write_raw("null"),
        }
    }
}

impl<E: TelemetryEnum> sealed::Sealed for BTreeSet<E> {}
impl<E: TelemetryEnum> Collectable for BTreeSet<E> {
    const KIND: CollectableKind = checked(CollectableKind::EnumSet(E::META_REF));
    fn encode(&self, out: &mut Encoder<'_>) {
        out.write_enum_set(E::META_REF, self.iter().map(|e| e.variant_index()));
    }
}

/// A map keyed by the variants of a [`TelemetryEnum`]: the keys are a closed set (as in a `BTreeSet`), each with a
/// value of one collectable kind, sent as `{"Variant": value, ...}` in declaration order. A bound on the field
/// (`#[telemetry(max = …)]`) bounds every value. The value may not be an `Option` (leave the key out instead).
impl<E: TelemetryEnum, V: Collectable> sealed::Sealed for BTreeMap<E, V> {}
impl<E: TelemetryEnum, V: Collectable> Collectable for BTreeMap<E, V> {
    const KIND: CollectableKind = {
        assert!(
            !matches!(V::KIND, CollectableKind::Optional(_)),
            "telemetry: the value of a telemetry `BTreeMap` cannot be an `Option`: a key without a value is left \
             out of the map, so `Some(None)` and a missing key would look the same; leave the key out instead"
        );
        checked(CollectableKind::Map(E::META_REF, &V::KIND))
    };
    fn encode(&self, out: &mut Encoder<'_>) {
        out.write_enum_map(E::META_REF, self.iter().map(|(key, value)| (key.variant_index(), value)));
    }
}

impl sealed::Sealed for FlowId {}
impl Collectable for FlowId {
    const KIND: CollectableKind = CollectableKind::FlowId;
    #[inline]
    fn encode(&self, out: &mut Encoder<'_>) {
        out.write_flow_id(self);
    }
}

/// A fieldless enum whose variants are documented, closed choices; derive it with `#[derive(TelemetryEnum)]`.
///
/// A value is sent as the name of its variant, looked up by index in the `const` table [`Self::META`]: whatever
/// an impl does, it can only send one of those compile-time names. An index past the table is an encode error.
///
/// ```
/// use telemetry_schema::TelemetryEnum;
///
/// /// How the command was started.
/// #[derive(Clone, Copy, TelemetryEnum)]
/// enum Launch {
///     /// From an interactive terminal.
///     Terminal,
///     /// From a script or CI job.
///     Script,
/// }
/// assert_eq!(Launch::META.variants()[Launch::Script.variant_index()].name(), "Script");
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a telemetry enum",
    label = "needs `#[derive(TelemetryEnum)]`",
    note = "derive `TelemetryEnum` on a fieldless enum whose variants all have doc comments"
)]
pub trait TelemetryEnum: Copy + 'static {
    /// The enum's name, doc and variant table.
    const META: EnumMeta;

    /// [`Self::META`] at one address for the whole program. The derive points it at a `static`, so the serializer
    /// recognizes the metadata by identity (one pointer comparison per field); the default, a reference to the
    /// `const`, may have one copy per crate, and is then compared in full. Not public API.
    #[doc(hidden)]
    const META_REF: &'static EnumMeta = &Self::META;

    /// The index of `self` in [`EnumMeta::variants`].
    fn variant_index(self) -> usize;
}

/// A struct of collectable fields nested inside an event; derive it with `#[derive(TelemetryGroup)]`.
///
/// It works like an event: keys come from [`Self::META`], values go through the same visitor.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a telemetry group",
    label = "needs `#[derive(TelemetryGroup)]`",
    note = "derive `TelemetryGroup` on a struct whose fields are all collectable and documented"
)]
pub trait TelemetryGroup: 'static {
    /// The group's name, doc and fields.
    const META: GroupMeta;

    /// [`Self::META`] at one address for the whole program (see [`TelemetryEnum::META_REF`]). Not public API.
    #[doc(hidden)]
    const META_REF: &'static GroupMeta = &Self::META;

    /// Hands every field to `fields`, in the order of [`GroupMeta::fields`].
    fn visit_fields(&self, fields: &mut Fields<'_>);
}

/// Connects a user type to the kind it was derived as. The derives implement it; a hand-written impl can only
/// pick one of the toolkit's shapes ([`EnumShape`], [`GroupShape`]), each of which requires the matching trait.
pub trait DerivedKind: 'static {
    /// [`EnumShape`] or [`GroupShape`].
    type Shape: Shape<Self>;
}

/// The ways a user type can be collectable: only [`EnumShape`] (for a [`TelemetryEnum`]) and [`GroupShape`] (for a
/// [`TelemetryGroup`]). Sealed, items and all: how a shape describes and writes a value is private to the toolkit.
pub trait Shape<T: ?Sized>: sealed::SealedShape<T> {}

impl<T: ?Sized, S: sealed::SealedShape<T>> Shape<T> for S {}

/// The [`DerivedKind::Shape`] of a [`TelemetryEnum`].
#[derive(Debug)]
pub enum EnumShape {}
impl<E: TelemetryEnum> sealed::SealedShape<E> for EnumShape {
    const KIND: CollectableKind = checked(CollectableKind::Enum(E::META_REF));
    #[inline]
    fn encode(value: &E, out: &mut Encoder<'_>) {
        out.write_variant(E::META_REF, value.variant_index());
    }
}

/// The [`DerivedKind::Shape`] of a [`TelemetryGroup`].
#[derive(Debug)]
pub enum GroupShape {}
impl<G: TelemetryGroup> sealed::SealedShape<G> for GroupShape {
    const KIND: CollectableKind = checked(CollectableKind::Group(G::META_REF));
    #[inline]
    fn encode(value: &G, out: &mut Encoder<'_>) {
        out.write_group(G::META_REF, |fields| value.visit_fields(fields));
    }
}

/// The [`DerivedKind::Shape`] of a [`TelemetryUnion`] (an enum deriving `TelemetryEnum` whose variants carry groups).
#[derive(Debug)]
pub enum UnionShape {}
impl<U: TelemetryUnion> sealed::SealedShape<U> for UnionShape {
    const KIND: CollectableKind = checked(CollectableKind::Union(U::META_REF));
    #[inline]
    fn encode(value: &U, out: &mut Encoder<'_>) {
        out.write_union(U::META_REF, |variant| value.visit(variant));
    }
}

/// `kind`, or a compile-time error naming the enum or group type whose metadata [`CollectableKind::check`]
/// refuses (metadata built with the unchecked constructors). Evaluated once per type; the event that uses the type
/// is checked again as a whole, so this only makes the error point at the type at fault.
const fn checked(kind: CollectableKind) -> CollectableKind {
    match kind.check() {
        Ok(()) => kind,
        Err(error) => panic!("{}", error.problem().message()),
    }
}

// `do_not_recommend`: when a type is not collectable, say so in `Collectable`'s own words instead of pointing the
// user at this plumbing.
#[diagnostic::do_not_recommend]
impl<T: DerivedKind> sealed::Sealed for T {}
#[diagnostic::do_not_recommend]
impl<T: DerivedKind> Collectable for T {
    const KIND: CollectableKind = <T::Shape as sealed::SealedShape<T>>::KIND;
    #[inline]
    fn encode(&self, out: &mut Encoder<'_>) {
        <T::Shape as sealed::SealedShape<T>>::encode(self, out);
    }
}
