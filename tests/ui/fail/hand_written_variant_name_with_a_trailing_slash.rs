use telemetry_schema::VariantMeta;

// A hand-written variant is held to the derive's rule by its checking constructor.
const VARIANT: VariantMeta = VariantMeta::new("next/", "The image component.");

fn main() {
    let _ = VARIANT;
}
