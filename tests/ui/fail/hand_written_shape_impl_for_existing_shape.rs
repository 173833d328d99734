// An existing shape cannot be given a new meaning for another type: `Shape`'s items are private, so this impl
// (which would let `encode` write anything) cannot be written.
use telemetry_schema::{DerivedKind, EnumShape, Shape};

struct Secret(String);

impl Shape<Secret> for EnumShape {}

impl DerivedKind for Secret {
    type Shape = EnumShape;
}

fn main() {
    let _ = Secret(String::new()).0;
}
