// `FieldMeta::__derived` skips the name check `FieldMeta::new` makes; `EventMeta::new` around it does not look
// inside. The serializer checks every name itself, at compile time.
use telemetry_schema::{CollectableKind, EventMeta, FieldMeta, Fields, TelemetryEvent};

struct Forged {
    flag: bool,
}

impl TelemetryEvent for Forged {
    const META: EventMeta = EventMeta::new(
        "FORGED",
        1,
        "A hand-written event.",
        &[FieldMeta::__derived("home\":\"/root/.ssh/id_rsa", "A flag.", CollectableKind::Bool)],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.flag);
    }
}

fn main() {
    let _ = telemetry_schema::to_json(&Forged { flag: true });
}
