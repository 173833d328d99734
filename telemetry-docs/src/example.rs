//! A deterministic example of an event as it would be sent, built from metadata alone: the first value of every
//! list, fixed numbers, fixed all-zero identifiers, keys in wire order.

use telemetry_schema::{
    Bound, Context, ENVELOPE_FIELDS, EnvelopeFieldKind, EventMeta, FieldBound, FieldMeta, Product, TOOLKIT_VERSION,
    TelemetryGroup, Version,
};

use crate::GenerateError;
use crate::json::Json;
use crate::words::Kind;

/// The count every example count field holds.
const EXAMPLE_COUNT: u64 = 3;
/// The milliseconds every example duration holds.
const EXAMPLE_MILLIS: u64 = 1_500;
/// The id every example flow id holds: fixed, so the page is the same on every machine (a real one is random).
const EXAMPLE_FLOW_ID: &str = "0123456789abcdef0123456789abcdef";
/// The version every example version field holds (cut to the field's precision, if bounded).
const EXAMPLE_VERSION: Version = Version::new(1, 2, 3);

/// An example payload of `meta`: every field present, optional ones included.
///
/// # Errors
/// For a field kind this version of docs-gen does not know.
pub(crate) fn payload(meta: &EventMeta) -> Result<Json, GenerateError> {
    fields(meta.fields(), meta.bounds())
}

/// Example values go through each field's bound, as the serializer sends them.
fn fields(fields: &[FieldMeta], bounds: &[FieldBound]) -> Result<Json, GenerateError> {
    let mut entries = Vec::with_capacity(fields.len());
    for (index, field) in fields.iter().enumerate() {
        let bound = bounds.iter().find(|b| b.field == index).map_or(Bound::NONE, |b| b.bound);
        entries.push((field.name(), value(Kind::of(&field.kind())?, &bound)?));
    }
    Ok(Json::Object(entries))
}

fn value(kind: Kind, bound: &Bound) -> Result<Json, GenerateError> {
    Ok(match kind {
        Kind::Bool => Json::Bool(false),
        Kind::Count(width) => Json::Number(bound.round(EXAMPLE_COUNT.min(width.max()))),
        Kind::DurationMillis => Json::Number(bound.round(EXAMPLE_MILLIS)),
        Kind::Version => Json::String(match bound.precision().parts() {
            Some(parts) => {
                let all = [EXAMPLE_VERSION.major(), EXAMPLE_VERSION.minor(), EXAMPLE_VERSION.patch()];
                let kept: Vec<String> = all.iter().take(parts).map(|part| bound.cap_part(*part).to_string()).collect();
                kept.join(".")
            }
            None => EXAMPLE_VERSION.to_string(),
        }),
        // The toolkit refuses an enum without variants at compile time; an empty list is still well-formed.
        Kind::Enum(meta) => match meta.variants().first() {
            Some(first) => Json::String(first.name().to_owned()),
            None => return Err(GenerateError::EmptyEnum(meta.name())),
        },
        Kind::EnumSet(meta) => Json::Array(
            meta.variants().first().map(|first| Json::String(first.name().to_owned())).into_iter().collect(),
        ),
        Kind::Group(group) => fields(group.fields(), group.bounds())?,
        // The first key with an example value.
        Kind::Map(keys, _) => match (keys.variants().first(), kind.value()) {
            (Some(first), Some(value_kind)) => Json::Object(vec![(first.name(), value(value_kind, bound)?)]),
            _ => return Err(GenerateError::EmptyEnum(keys.name())),
        },
        Kind::FlowId => Json::String(EXAMPLE_FLOW_ID.to_owned()),
        // The first case, with its group's fields.
        Kind::Union(meta) => match meta.variants().first() {
            Some(first) => {
                let mut entries = vec![(telemetry_schema::UNION_TAG, Json::String(first.name().to_owned()))];
                if let Some(group) = first.group()
                    && let Json::Object(group_fields) = fields(group.fields(), group.bounds())?
                {
                    entries.extend(group_fields);
                }
                Json::Object(entries)
            }
            None => return Err(GenerateError::EmptyEnum(meta.name())),
        },
    })
}

/// The full envelope around an example of `meta`, as `product` would send it.
///
/// # Errors
/// For a field or envelope kind this version of docs-gen does not know.
pub(crate) fn envelope(meta: &EventMeta, product: &Product) -> Result<Json, GenerateError> {
    let mut entries = Vec::with_capacity(ENVELOPE_FIELDS.len());
    for field in ENVELOPE_FIELDS {
        let value = match field.kind {
            EnvelopeFieldKind::EventName => Json::String(meta.name().to_owned()),
            EnvelopeFieldKind::SchemaVersion => Json::Number(u64::from(meta.version())),
            EnvelopeFieldKind::Sdk => Json::Object(vec![
                ("name", Json::String(product.sdk_name().to_owned())),
                ("version", Json::String(product.sdk_version().to_string())),
            ]),
            EnvelopeFieldKind::Version => Json::String(TOOLKIT_VERSION.to_string()),
            EnvelopeFieldKind::Id128 => Json::String("0".repeat(32)),
            EnvelopeFieldKind::Id256 => Json::String("0".repeat(64)),
            EnvelopeFieldKind::Context => {
                let context = <Context as TelemetryGroup>::META;
                fields(context.fields(), context.bounds())?
            }
            EnvelopeFieldKind::Payload => payload(meta)?,
            other => return Err(GenerateError::UnknownKind(format!("envelope field kind {other:?}"))),
        };
        entries.push((field.name, value));
    }
    Ok(Json::Object(entries))
}
