//! Hand-written impls of the open traits can only send allowed data, and a visitor that disagrees with its own
//! metadata is refused with an error instead of producing JSON that contradicts the schema.

use std::collections::BTreeSet;

use telemetry_schema::{
    CollectableKind, CountWidth, DerivedKind, EncodeProblem, EnumMeta, EnumShape, EventMeta, FieldMeta, Fields,
    TelemetryEnum, TelemetryEvent, VariantMeta, to_json,
};

/// A hand-written enum over a type with many values: whatever it returns, only names from its const table can
/// reach the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Bucket(u32);

impl TelemetryEnum for Bucket {
    const META: EnumMeta = EnumMeta::new(
        "Bucket",
        "A size bucket.",
        &[VariantMeta::new("Small", "Under 10."), VariantMeta::new("Large", "10 or more.")],
    );
    fn variant_index(self) -> usize {
        // Deliberately sloppy: values past the table produce indices past the table.
        if self.0 < 10 { 0 } else { (self.0 / 10) as usize }
    }
}

impl DerivedKind for Bucket {
    type Shape = EnumShape;
}

const BUCKET_KIND: CollectableKind = CollectableKind::Enum(&<Bucket as TelemetryEnum>::META);

struct Sized {
    bucket: Bucket,
}

impl TelemetryEvent for Sized {
    const META: EventMeta =
        EventMeta::new("SIZED", 1, "A hand-written event.", &[FieldMeta::new("bucket", "The bucket.", BUCKET_KIND)]);
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.bucket);
    }
}

#[test]
fn a_hand_written_enum_sends_only_names_from_its_table() {
    assert_eq!(to_json(&Sized { bucket: Bucket(3) }).unwrap(), r#"{"bucket":"Small"}"#);
    assert_eq!(to_json(&Sized { bucket: Bucket(12) }).unwrap(), r#"{"bucket":"Large"}"#);
}

#[test]
fn an_index_past_the_variant_table_is_an_error_not_data() {
    let err = to_json(&Sized { bucket: Bucket(4_000) }).unwrap_err();
    assert_eq!(err.event(), "SIZED");
    assert_eq!(err.problem(), &EncodeProblem::VariantOutOfRange { enum_name: "Bucket", index: 400 });
    assert!(err.to_string().contains("past its variant table"), "{err}");
}

struct Sets {
    buckets: BTreeSet<Bucket>,
}

impl TelemetryEvent for Sets {
    const META: EventMeta = EventMeta::new(
        "SETS",
        1,
        "A set whose distinct values share variants.",
        &[FieldMeta::new("buckets", "The buckets.", CollectableKind::EnumSet(&<Bucket as TelemetryEnum>::META))],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.buckets);
    }
}

#[test]
fn a_set_stays_a_set_when_values_share_a_variant() {
    let event = Sets { buckets: BTreeSet::from([Bucket(1), Bucket(2), Bucket(15), Bucket(5)]) };
    assert_eq!(to_json(&event).unwrap(), r#"{"buckets":["Small","Large"]}"#);
}

/// Lies about its fields in every way a visitor can.
struct Liar {
    mode: u8,
}

const LIAR_FIELDS: &[FieldMeta] =
    &[FieldMeta::new("a", "First.", CollectableKind::Bool), FieldMeta::new("b", "Second.", CollectableKind::Bool)];

impl TelemetryEvent for Liar {
    const META: EventMeta = EventMeta::new("LIAR", 1, "Disagrees with itself.", LIAR_FIELDS);
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        match self.mode {
            0 => fields.field(&true),
            1 => {
                fields.field(&true);
                fields.field(&7_u32);
            }
            _ => {
                fields.field(&true);
                fields.field(&false);
                fields.field(&true);
            }
        }
    }
}

#[test]
fn a_visitor_that_skips_a_field_is_refused() {
    let err = to_json(&Liar { mode: 0 }).unwrap_err();
    assert_eq!(err.problem(), &EncodeProblem::MissingField { field: "b" });
}

#[test]
fn a_visitor_that_passes_another_kind_is_refused() {
    let err = to_json(&Liar { mode: 1 }).unwrap_err();
    assert_eq!(err.problem(), &EncodeProblem::KindMismatch { field: "b" });
}

#[test]
fn a_visitor_that_passes_an_extra_value_is_refused() {
    let err = to_json(&Liar { mode: 2 }).unwrap_err();
    assert_eq!(err.problem(), &EncodeProblem::ExtraField { expected: 2 });
}

#[test]
fn a_failed_encode_leaves_the_buffer_as_it_was() {
    let mut out = String::from("[");
    telemetry_schema::write_json(&Liar { mode: 0 }, &mut out).unwrap_err();
    assert_eq!(out, "[");
}

#[test]
fn count_widths_bound_their_values() {
    assert_eq!(CountWidth::U8.max(), 255);
    assert_eq!(CountWidth::U16.max(), 65_535);
    assert_eq!(CountWidth::Usize.max(), u64::MAX);
}

// Same-name substitution: the serializer compares a value's kind with the declared one by identity or full
// structure, never by name. With only the checked public constructors, each of these once sent data the page
// did not describe.

/// What the page documents: a group `Props` with one bool.
const PROPS: telemetry_schema::GroupMeta = telemetry_schema::GroupMeta::new(
    "Props",
    "Display settings.",
    &[FieldMeta::new("dark_mode", "Dark mode.", K::Bool)],
);

/// What is sent instead: another group called `Props`, with four counts (eight bytes of a file path each).
struct SmugglingProps {
    bytes: [u64; 4],
}

const U64: CollectableKind = CollectableKind::Count(CountWidth::U64);

impl TelemetryGroup for SmugglingProps {
    const META: telemetry_schema::GroupMeta = telemetry_schema::GroupMeta::new(
        "Props",
        "Display settings.",
        &[
            FieldMeta::new("a", "A.", U64),
            FieldMeta::new("b", "B.", U64),
            FieldMeta::new("c", "C.", U64),
            FieldMeta::new("d", "D.", U64),
        ],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        for byte in &self.bytes {
            fields.field(byte);
        }
    }
}

impl DerivedKind for SmugglingProps {
    type Shape = telemetry_schema::GroupShape;
}

use telemetry_schema::CollectableKind as K;
use telemetry_schema::TelemetryGroup;

fn smuggled() -> SmugglingProps {
    SmugglingProps { bytes: [u64::from_le_bytes(*b"/home/ja"), u64::from_le_bytes(*b"ne/.ssh/"), 0, 0] }
}

struct SettingsChanged {
    props: SmugglingProps,
}

impl TelemetryEvent for SettingsChanged {
    const META: EventMeta = EventMeta::new(
        "SETTINGS_CHANGED",
        1,
        "Settings changed.",
        &[FieldMeta::new("props", "The settings.", K::Group(&PROPS))],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.props);
    }
}

#[test]
fn a_group_with_the_documented_name_but_other_fields_is_refused() {
    let err = to_json(&SettingsChanged { props: smuggled() }).unwrap_err();
    assert_eq!(err.problem(), &EncodeProblem::KindMismatch { field: "props" });
}

/// The documented group, nested one level down: the substitution is caught however deep it sits.
const OUTER: telemetry_schema::GroupMeta = telemetry_schema::GroupMeta::new(
    "Outer",
    "Holds the settings.",
    &[FieldMeta::new("props", "The settings.", K::Optional(&K::Group(&PROPS)))],
);

struct SmugglingOuter {
    props: Option<SmugglingProps>,
}

impl TelemetryGroup for SmugglingOuter {
    const META: telemetry_schema::GroupMeta = telemetry_schema::GroupMeta::new(
        "Outer",
        "Holds the settings.",
        &[FieldMeta::new(
            "props",
            "The settings.",
            K::Optional(&<SmugglingProps as telemetry_schema::Collectable>::KIND),
        )],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.props);
    }
}

impl DerivedKind for SmugglingOuter {
    type Shape = telemetry_schema::GroupShape;
}

struct Nested {
    outer: SmugglingOuter,
}

impl TelemetryEvent for Nested {
    const META: EventMeta = EventMeta::new(
        "NESTED",
        1,
        "Nested settings.",
        &[FieldMeta::new("outer", "The outer group.", K::Group(&OUTER))],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.outer);
    }
}

#[test]
fn a_substituted_group_inside_a_group_of_the_documented_name_is_refused() {
    let err = to_json(&Nested { outer: SmugglingOuter { props: Some(smuggled()) } }).unwrap_err();
    assert_eq!(err.problem(), &EncodeProblem::KindMismatch { field: "outer" });
    // Even when the optional inner group is absent: the kinds differ, whatever the value.
    let err = to_json(&Nested { outer: SmugglingOuter { props: None } }).unwrap_err();
    assert_eq!(err.problem(), &EncodeProblem::KindMismatch { field: "outer" });
}

/// What the page documents: `Plan`, one of `Free` or `Pro`.
const PLAN: EnumMeta = EnumMeta::new(
    "Plan",
    "The plan.",
    &[VariantMeta::new("Free", "The free plan."), VariantMeta::new("Pro", "The paid plan.")],
);

/// What is sent instead: another enum called `Plan`, whose variants are user names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct UserName;

impl TelemetryEnum for UserName {
    const META: EnumMeta = EnumMeta::new("Plan", "The plan.", &[VariantMeta::new("jane-doe", "Jane.")]);
    fn variant_index(self) -> usize {
        0
    }
}

impl DerivedKind for UserName {
    type Shape = EnumShape;
}

struct PlanShown {
    plan: Option<UserName>,
}

impl TelemetryEvent for PlanShown {
    const META: EventMeta = EventMeta::new(
        "PLAN_SHOWN",
        1,
        "A plan was shown.",
        &[FieldMeta::new("plan", "The plan.", K::Optional(&K::Enum(&PLAN)))],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.plan);
    }
}

#[test]
fn an_enum_with_the_documented_name_but_other_variants_is_refused() {
    let err = to_json(&PlanShown { plan: Some(UserName) }).unwrap_err();
    assert_eq!(err.problem(), &EncodeProblem::KindMismatch { field: "plan" });
}

struct PlansShown {
    plans: BTreeSet<UserName>,
}

impl TelemetryEvent for PlansShown {
    const META: EventMeta = EventMeta::new(
        "PLANS_SHOWN",
        1,
        "Plans were shown.",
        &[FieldMeta::new("plans", "The plans.", K::EnumSet(&PLAN))],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.plans);
    }
}

#[test]
fn a_set_of_an_enum_with_the_documented_name_but_other_variants_is_refused() {
    let err = to_json(&PlansShown { plans: BTreeSet::from([UserName]) }).unwrap_err();
    assert_eq!(err.problem(), &EncodeProblem::KindMismatch { field: "plans" });
}

/// The documented group, defined a second time with the same structure (as a copy in another crate would be):
/// accepted, because it sends exactly what the page says.
struct SameProps {
    dark_mode: bool,
}

impl TelemetryGroup for SameProps {
    const META: telemetry_schema::GroupMeta = telemetry_schema::GroupMeta::new(
        "Props",
        "Display settings.",
        &[FieldMeta::new("dark_mode", "Dark mode.", K::Bool)],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.dark_mode);
    }
}

impl DerivedKind for SameProps {
    type Shape = telemetry_schema::GroupShape;
}

struct SameSettings {
    props: SameProps,
}

impl TelemetryEvent for SameSettings {
    const META: EventMeta = EventMeta::new(
        "SAME_SETTINGS",
        1,
        "Settings changed.",
        &[FieldMeta::new("props", "The settings.", K::Group(&PROPS))],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.props);
    }
}

#[test]
fn a_group_with_the_same_structure_as_the_documented_one_is_accepted() {
    assert_eq!(
        to_json(&SameSettings { props: SameProps { dark_mode: true } }).unwrap(),
        r#"{"props":{"dark_mode":true}}"#
    );
}

/// What a failure reports.
#[derive(telemetry_schema::TelemetryGroup)]
struct Reason {
    /// Whether it was retried.
    retried: bool,
}

/// Another group with the same shape but other metadata.
#[derive(telemetry_schema::TelemetryGroup)]
struct Other {
    /// Whether it was retried.
    retried: bool,
}

/// A hand-written union whose `visit` does whatever its `Misuse` says: only declared variants with their declared
/// groups reach the wire; anything else is an encode error.
enum Misuse {
    Fine,
    FineWithGroup,
    GroupOnFieldless,
    OtherGroup,
    PastTheTable,
    Nothing,
    Twice,
}

const OUTCOME: telemetry_schema::UnionMeta = telemetry_schema::UnionMeta::new(
    "Outcome",
    "How it ended.",
    &[
        telemetry_schema::UnionVariantMeta::new("Done", "It worked.", None),
        telemetry_schema::UnionVariantMeta::new(
            "Failed",
            "It failed.",
            Some(<Reason as telemetry_schema::TelemetryGroup>::META_REF),
        ),
    ],
);

impl telemetry_schema::TelemetryUnion for Misuse {
    const META: telemetry_schema::UnionMeta = OUTCOME;
    fn visit(&self, variant: &mut telemetry_schema::UnionVariant<'_, '_>) {
        let reason = Reason { retried: true };
        match self {
            Self::Fine => variant.fieldless(0),
            Self::FineWithGroup => variant.with_group(1, &reason),
            Self::GroupOnFieldless => variant.with_group(0, &reason),
            Self::OtherGroup => variant.with_group(1, &Other { retried: true }),
            Self::PastTheTable => variant.fieldless(7),
            Self::Nothing => {}
            Self::Twice => {
                variant.fieldless(0);
                variant.fieldless(0);
            }
        }
    }
}

impl DerivedKind for Misuse {
    type Shape = telemetry_schema::UnionShape;
}

struct Ended {
    outcome: Misuse,
}

impl TelemetryEvent for Ended {
    const META: EventMeta = EventMeta::new(
        "ENDED",
        1,
        "A hand-written event with a union.",
        &[FieldMeta::new("outcome", "How it ended.", CollectableKind::Union(&OUTCOME))],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.outcome);
    }
}

#[test]
fn a_hand_written_union_sends_only_declared_variants_with_their_declared_groups() {
    let json = |outcome| to_json(&Ended { outcome });
    assert_eq!(json(Misuse::Fine).unwrap(), r#"{"outcome":{"kind":"Done"}}"#);
    assert_eq!(json(Misuse::FineWithGroup).unwrap(), r#"{"outcome":{"kind":"Failed","retried":true}}"#);
    let problem = |outcome| json(outcome).unwrap_err().problem().clone();
    assert_eq!(problem(Misuse::GroupOnFieldless), EncodeProblem::KindMismatch { field: "Done" });
    assert_eq!(problem(Misuse::OtherGroup), EncodeProblem::KindMismatch { field: "Failed" });
    assert_eq!(problem(Misuse::PastTheTable), EncodeProblem::VariantOutOfRange { enum_name: "Outcome", index: 7 });
    assert_eq!(problem(Misuse::Nothing), EncodeProblem::MissingField { field: "kind" });
    assert_eq!(problem(Misuse::Twice), EncodeProblem::ExtraField { expected: 1 });
}
