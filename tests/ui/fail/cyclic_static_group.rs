// A group type whose metadata leads into a `static` group that holds itself describes an endless object: refused
// at compile time, at the type. (A cycle only in an event's declared metadata, behind no type, can never be
// written: docs-gen and the schema renderer refuse it at run time, see telemetry-docs/tests/forged_metadata.rs.)
use telemetry_schema::{
    CollectableKind, DerivedKind, FieldMeta, Fields, GroupMeta, GroupShape, TelemetryEvent, TelemetryGroup,
};

static LOOP: GroupMeta = GroupMeta::new("Loop", "A group inside itself.", &LOOP_FIELDS);
static LOOP_FIELDS: [FieldMeta; 1] = [FieldMeta::new("inner", "Itself.", CollectableKind::Group(&LOOP))];

struct Loop;

impl TelemetryGroup for Loop {
    const META: GroupMeta = GroupMeta::new("Loop", "A group inside itself.", &LOOP_FIELDS);
    fn visit_fields(&self, _: &mut Fields<'_>) {}
}

impl DerivedKind for Loop {
    type Shape = GroupShape;
}

/// Sent with a loop.
#[derive(TelemetryEvent)]
struct Looped {
    /// The loop.
    group: Loop,
}

fn main() {}
