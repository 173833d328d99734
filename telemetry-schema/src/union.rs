//! Tagged unions: an enum deriving `TelemetryEnum` whose variants are each fieldless or carry one
//! [`TelemetryGroup`](crate::TelemetryGroup), sent as an object holding the variant's name under [`UNION_TAG`] and
//! the group's fields beside it.

use crate::encode::{EncodeProblem, Encoder};
use crate::kind::TelemetryGroup;
use crate::meta::GroupMeta;

/// The key that holds a union's variant name on the wire: `{"kind": "Failure", "code": "Timeout"}`. A group
/// carried by a variant cannot have a field of this name (a compile error: the key would be sent twice).
pub const UNION_TAG: &str = "kind";

/// Describes an enum deriving `TelemetryEnum` whose variants carry groups: its name, doc and variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnionMeta {
    name: &'static str,
    doc: &'static str,
    variants: &'static [UnionVariantMeta],
}

impl UnionMeta {
    /// Builds union metadata; everything that uses it checks it (names, docs, no field named [`UNION_TAG`]) at
    /// compile time, see [`CollectableKind::check`](crate::CollectableKind::check).
    pub const fn new(name: &'static str, doc: &'static str, variants: &'static [UnionVariantMeta]) -> Self {
        Self { name, doc, variants }
    }

    /// For `#[derive(TelemetryEnum)]`. Not public API.
    #[doc(hidden)]
    pub const fn __derived(name: &'static str, doc: &'static str, variants: &'static [UnionVariantMeta]) -> Self {
        Self { name, doc, variants }
    }

    /// The Rust name of the enum type.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The doc comment of the enum type.
    pub const fn doc(&self) -> &'static str {
        self.doc
    }

    /// The variants, in declaration order.
    pub const fn variants(&self) -> &'static [UnionVariantMeta] {
        self.variants
    }
}

/// One variant of a union: its wire name, its doc, and the group it carries, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnionVariantMeta {
    name: &'static str,
    doc: &'static str,
    group: Option<&'static GroupMeta>,
}

impl UnionVariantMeta {
    /// Builds variant metadata (checked where it is used, like [`UnionMeta::new`]).
    pub const fn new(name: &'static str, doc: &'static str, group: Option<&'static GroupMeta>) -> Self {
        Self { name, doc, group }
    }

    /// For `#[derive(TelemetryEnum)]`. Not public API.
    #[doc(hidden)]
    pub const fn __derived(name: &'static str, doc: &'static str, group: Option<&'static GroupMeta>) -> Self {
        Self { name, doc, group }
    }

    /// The variant's name, the value of [`UNION_TAG`].
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The doc comment of the variant.
    pub const fn doc(&self) -> &'static str {
        self.doc
    }

    /// The group whose fields are sent beside the tag, or `None` for a fieldless variant.
    pub const fn group(&self) -> Option<&'static GroupMeta> {
        self.group
    }
}

/// An enum whose variants are each fieldless or carry one [`TelemetryGroup`] (`Failure(FailureInfo)`); derive it
/// with `#[derive(TelemetryEnum)]`, which implements this trait instead of [`TelemetryEnum`](crate::TelemetryEnum)
/// when a variant carries a group.
///
/// ```
/// use telemetry_schema::{TelemetryEnum, TelemetryEvent, TelemetryGroup, to_json};
///
/// /// Why a build failed.
/// #[derive(TelemetryGroup)]
/// struct Failure {
///     /// How many errors were reported.
///     #[telemetry(max = 100)]
///     errors: u16,
/// }
///
/// /// How a build ended.
/// #[derive(TelemetryEnum)]
/// enum Outcome {
///     /// It succeeded.
///     Success,
///     /// It failed.
///     Failure(Failure),
/// }
///
/// /// Sent when a build ends.
/// #[derive(TelemetryEvent)]
/// struct BuildEnded {
///     /// How it ended.
///     outcome: Outcome,
/// }
///
/// let json = to_json(&BuildEnded { outcome: Outcome::Failure(Failure { errors: 3 }) }).unwrap();
/// assert_eq!(json, r#"{"outcome":{"kind":"Failure","errors":3}}"#);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a telemetry enum with groups",
    label = "needs `#[derive(TelemetryEnum)]`",
    note = "derive `TelemetryEnum` on an enum whose variants are fieldless or carry one `TelemetryGroup` each"
)]
pub trait TelemetryUnion: 'static {
    /// The enum's name, doc and variants.
    const META: UnionMeta;

    /// [`Self::META`] at one address for the whole program (see
    /// [`TelemetryEnum::META_REF`](crate::TelemetryEnum)). Not public API.
    #[doc(hidden)]
    const META_REF: &'static UnionMeta = &Self::META;

    /// Says which variant `self` is, and hands over its group: exactly one call on `variant`.
    fn visit(&self, variant: &mut UnionVariant<'_, '_>);
}

/// What a [`TelemetryUnion`] hands its value to: the variant's index in [`UnionMeta::variants`] and its group. The
/// name and the keys come from the `const` metadata; a group is accepted only if it is the one the metadata
/// declares for that variant.
#[derive(Debug)]
pub struct UnionVariant<'a, 'b> {
    out: &'a mut Encoder<'b>,
    meta: &'static UnionMeta,
    written: bool,
}

impl<'a, 'b> UnionVariant<'a, 'b> {
    pub(crate) fn new(out: &'a mut Encoder<'b>, meta: &'static UnionMeta) -> Self {
        Self { out, meta, written: false }
    }

    pub(crate) fn written(&self) -> bool {
        self.written
    }

    /// The value is the fieldless variant at `index`.
    pub fn fieldless(&mut self, index: usize) {
        let Some(variant) = self.begin(index) else { return };
        if variant.group.is_some() {
            self.out.fail_kind(variant.name);
            return;
        }
        self.out.write_tagged_fields(variant.name, &[], &[], |_| {});
    }

    /// The value is the variant at `index`, carrying `group`.
    pub fn with_group<G: TelemetryGroup>(&mut self, index: usize, group: &G) {
        let Some(variant) = self.begin(index) else { return };
        let declared = match variant.group {
            Some(declared) if std::ptr::eq(declared, G::META_REF) || *declared == *G::META_REF => declared,
            _ => {
                self.out.fail_kind(variant.name);
                return;
            }
        };
        self.out.write_tagged_fields(variant.name, declared.fields(), declared.bounds(), |fields| {
            group.visit_fields(fields);
        });
    }

    fn begin(&mut self, index: usize) -> Option<&'static UnionVariantMeta> {
        if std::mem::replace(&mut self.written, true) {
            self.out.fail_problem(EncodeProblem::ExtraField { expected: 1 });
            return None;
        }
        match self.meta.variants.get(index) {
            Some(variant) => Some(variant),
            None => {
                self.out.fail_problem(EncodeProblem::VariantOutOfRange { enum_name: self.meta.name, index });
                None
            }
        }
    }
}
