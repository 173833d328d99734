// Hand-built metadata goes through the checking constructors, which refuse hidden characters in docs too.
use telemetry_schema::{CollectableKind, EventMeta, FieldMeta, Fields, TelemetryEvent};

struct HandBuilt {
    flag: bool,
}

impl TelemetryEvent for HandBuilt {
    const META: EventMeta = EventMeta::new(
        "HAND_BUILT",
        1,
        "A hand-written event.",
        &[FieldMeta::new("flag", "Whether it \u{202E}deliaf\u{202C} worked.", CollectableKind::Bool)],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.flag);
    }
}

fn main() {
    let _ = telemetry_schema::to_json(&HandBuilt { flag: true });
}
