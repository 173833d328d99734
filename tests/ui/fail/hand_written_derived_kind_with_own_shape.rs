// A hand-written `DerivedKind` impl cannot bring its own shape: `Shape` is sealed, only the toolkit's exist.
use telemetry_schema::{CollectableKind, DerivedKind, Encoder, Shape};

struct Email(String);

enum TextShape {}

impl Shape<Email> for TextShape {
    const KIND: CollectableKind = CollectableKind::Bool;
    fn encode(_value: &Email, _out: &mut Encoder<'_>) {}
}

impl DerivedKind for Email {
    type Shape = TextShape;
}

fn main() {}
