// A `static` kind that is optional of itself (`Option<Option<Option<…>>>` without end) is refused at the group type
// that uses it.
use telemetry_schema::{
    CollectableKind, DerivedKind, FieldMeta, Fields, GroupMeta, GroupShape, TelemetryEvent, TelemetryGroup,
};

static MAYBE: CollectableKind = CollectableKind::Optional(&MAYBE);
static FIELDS: [FieldMeta; 1] = [FieldMeta::new("maybe", "Maybe.", CollectableKind::Optional(&MAYBE))];

struct Maybe;

impl TelemetryGroup for Maybe {
    const META: GroupMeta = GroupMeta::new("Maybe", "Maybe something.", &FIELDS);
    fn visit_fields(&self, _: &mut Fields<'_>) {}
}

impl DerivedKind for Maybe {
    type Shape = GroupShape;
}

/// Sent maybe.
#[derive(TelemetryEvent)]
struct Maybes {
    /// The maybe.
    maybe: Maybe,
}

fn main() {}
