// Metadata is checked while compiling, even when written by hand: a name that would need escaping (and so
// could break out of its JSON key) does not build.
use telemetry_schema::{CollectableKind, EventMeta, FieldMeta, Fields, TelemetryEvent};

struct Forged {
    flag: bool,
}

impl TelemetryEvent for Forged {
    const META: EventMeta = EventMeta::new(
        "FORGED",
        1,
        "A hand-written event.",
        &[FieldMeta::new("flag\":\"injected", "A flag.", CollectableKind::Bool)],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.flag);
    }
}

fn main() {
    let _ = telemetry_schema::to_json(&Forged { flag: true });
}
