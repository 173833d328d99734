// `GroupMeta::__derived` skips the uniqueness check: a group whose object would carry one key twice is refused
// by the serializer at compile time.
use telemetry_schema::{
    CollectableKind, DerivedKind, FieldMeta, Fields, GroupMeta, GroupShape, TelemetryEvent, TelemetryGroup,
};

struct Twice {
    a: bool,
    b: bool,
}

impl TelemetryGroup for Twice {
    const META: GroupMeta = GroupMeta::__derived(
        "Twice",
        "A group.",
        &[
            FieldMeta::__derived("a", "First.", CollectableKind::Bool),
            FieldMeta::__derived("a", "Second.", CollectableKind::Bool),
        ],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.a);
        fields.field(&self.b);
    }
}

impl DerivedKind for Twice {
    type Shape = GroupShape;
}

/// Sent with a group.
#[derive(TelemetryEvent)]
struct WithGroup {
    /// The group.
    group: Twice,
}

fn main() {
    let _ = telemetry_schema::to_json(&WithGroup { group: Twice { a: true, b: false } });
}
