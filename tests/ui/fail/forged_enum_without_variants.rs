// `EnumMeta::__derived` skips the "at least one variant" check: an enum no value of which can be sent is refused
// by the serializer at compile time.
use telemetry_schema::{DerivedKind, EnumMeta, EnumShape, TelemetryEnum, TelemetryEvent};

#[derive(Clone, Copy)]
struct Nothing;

impl TelemetryEnum for Nothing {
    const META: EnumMeta = EnumMeta::__derived("Nothing", "Nothing at all.", &[]);
    fn variant_index(self) -> usize {
        0
    }
}

impl DerivedKind for Nothing {
    type Shape = EnumShape;
}

/// Sent when nothing happens.
#[derive(TelemetryEvent)]
struct NothingHappened {
    /// What happened.
    what: Nothing,
}

fn main() {
    let _ = telemetry_schema::to_json(&NothingHappened { what: Nothing });
}
