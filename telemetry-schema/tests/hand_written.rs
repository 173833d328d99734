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
