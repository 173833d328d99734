// An event name is a schema file name and a page anchor: one that climbs out of the output directory is refused
// when the event is registered (what docs-gen reads), whatever constructor built it.
use telemetry_schema::{EventMeta, Fields, RegisteredEvent, SourceLocation, TelemetryEvent};

struct Escaped;

impl TelemetryEvent for Escaped {
    const META: EventMeta = EventMeta::__derived("../../../escaped", 1, "A hand-written event.", &[]);
    fn visit_fields(&self, _: &mut Fields<'_>) {}
}

telemetry_schema::__private::inventory::submit! {
    RegisteredEvent::new::<Escaped>("Escaped", SourceLocation { file: file!(), line: line!() })
}

fn main() {}
