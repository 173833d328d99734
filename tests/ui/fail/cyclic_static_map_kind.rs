// A `static` map kind whose values are maps of itself (`BTreeMap<K, BTreeMap<K, …>>` without end) is refused at the
// group type that uses it, not a stack overflow in the compiler.
use telemetry_schema::{
    CollectableKind, DerivedKind, EnumMeta, FieldMeta, Fields, GroupMeta, GroupShape, TelemetryEvent, TelemetryGroup,
    VariantMeta,
};

static KEYS: EnumMeta = EnumMeta::new("Keys", "The keys.", &[VariantMeta::new("A", "The first key.")]);
static ENDLESS: CollectableKind = CollectableKind::Map(&KEYS, &ENDLESS);
static FIELDS: [FieldMeta; 1] = [FieldMeta::new("endless", "A map of itself.", ENDLESS)];

struct Endless;

impl TelemetryGroup for Endless {
    const META: GroupMeta = GroupMeta::new("Endless", "Maps all the way down.", &FIELDS);
    fn visit_fields(&self, _: &mut Fields<'_>) {}
}

impl DerivedKind for Endless {
    type Shape = GroupShape;
}

/// Sent never.
#[derive(TelemetryEvent)]
struct Endlessly {
    /// The endless map.
    endless: Endless,
}

fn main() {}
