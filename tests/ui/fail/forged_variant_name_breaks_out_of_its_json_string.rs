// `VariantMeta::__derived` skips the name check: a variant name is copied verbatim onto the wire, so the
// serializer checks it itself, at compile time, even for a derived event around a hand-written enum.
use telemetry_schema::{DerivedKind, EnumMeta, EnumShape, TelemetryEnum, TelemetryEvent, VariantMeta};

#[derive(Clone, Copy)]
struct Plan;

impl TelemetryEnum for Plan {
    const META: EnumMeta =
        EnumMeta::new("Plan", "The plan.", &[VariantMeta::__derived("Free\",\"user\":\"jane-doe", "Free.")]);
    fn variant_index(self) -> usize {
        0
    }
}

impl DerivedKind for Plan {
    type Shape = EnumShape;
}

/// Sent when the plan is shown.
#[derive(TelemetryEvent)]
struct PlanShown {
    /// The plan.
    plan: Plan,
}

fn main() {
    let _ = telemetry_schema::to_json(&PlanShown { plan: Plan });
}
