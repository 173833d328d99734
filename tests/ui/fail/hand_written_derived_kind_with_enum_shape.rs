// A hand-written `DerivedKind` impl may only pick a toolkit shape, and `EnumShape` requires a `TelemetryEnum`.
use telemetry_schema::{DerivedKind, EnumShape};

struct Email(String);

impl DerivedKind for Email {
    type Shape = EnumShape;
}

fn main() {}
