// A hand-written enum impl for a type that owns text: `TelemetryEnum` requires `Copy`, so it cannot hold a String.
use telemetry_schema::{EnumMeta, TelemetryEnum, VariantMeta};

struct Region(String);

impl TelemetryEnum for Region {
    const META: EnumMeta =
        EnumMeta::new("Region", "Where the project is hosted.", &[VariantMeta::new("Eu", "In the European Union.")]);

    fn variant_index(self) -> usize {
        0
    }
}

fn main() {}
