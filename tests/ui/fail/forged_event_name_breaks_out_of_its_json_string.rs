// `EventMeta::__derived` (the derive's unchecked constructor) is public, so anyone can call it: the serializer
// and the envelope writer check the metadata themselves, at compile time. This event name would add a key to
// the envelope.
use telemetry_schema::{EventMeta, Fields, TelemetryEvent};

struct Forged;

impl TelemetryEvent for Forged {
    const META: EventMeta = EventMeta::__derived("X\",\"injected_key\":\"1", 1, "A hand-written event.", &[]);
    fn visit_fields(&self, _: &mut Fields<'_>) {}
}

fn main() {
    let _ = telemetry_schema::to_json(&Forged);
}
