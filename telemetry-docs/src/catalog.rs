//! `catalog.json`: the page's content as data, for dashboards and review tools.

use telemetry_schema::{
    BATCH_EVENTS_KEY, Bound, ConsentDefault, Context, DO_NOT_TRACK, ENVELOPE_FIELDS, EnumMeta, EventMeta, FieldBound,
    FieldMeta, Precision, TOOLKIT_VERSION, TelemetryGroup,
};

use crate::json::{F64, Json};
use crate::words::{self, Kind};
use crate::{Archive, Disclosure, GenerateError, example, page};

/// The version of the catalog's own layout; raised when a key is renamed or removed.
pub const CATALOG_FORMAT_VERSION: u64 = 1;

/// The catalog as pretty-printed JSON, ending with one newline.
pub(crate) fn render(disclosure: &Disclosure<'_>, archive: &Archive) -> Result<String, GenerateError> {
    Ok(build(disclosure, archive)?.pretty())
}

pub(crate) fn build(disclosure: &Disclosure<'_>, archive: &Archive) -> Result<Json, GenerateError> {
    let product = disclosure.product;
    let string = |s: &str| Json::String(s.to_owned());
    let optional = |s: Option<&str>| s.map_or(Json::Null, string);

    let product_json = Json::Object(vec![
        ("name", string(product.name())),
        ("sdk_name", string(product.sdk_name())),
        ("sdk_version", Json::String(product.sdk_version().to_string())),
        (
            "consent_default",
            string(match product.consent_default() {
                ConsentDefault::OptOut => "opt-out",
                ConsentDefault::OptIn => "opt-in",
            }),
        ),
        ("purpose", string(product.purpose())),
        ("endpoint", string(product.endpoint())),
        ("cli_command", optional(product.cli_command())),
        (
            "config_switch",
            product.config_switch().map_or(Json::Null, |switch| {
                Json::Object(vec![
                    ("file", string(switch.file())),
                    (
                        "format",
                        string(match switch.format() {
                            telemetry_schema::ConfigFormat::Json => "json",
                            telemetry_schema::ConfigFormat::Toml => "toml",
                            _ => "other",
                        }),
                    ),
                    ("key", string(switch.key())),
                    ("setting", Json::String(switch.setting())),
                ])
            }),
        ),
        ("page_url", optional(product.page_url())),
        ("retention", optional(product.retention())),
        ("contact", optional(product.contact())),
        ("deletion", optional(product.deletion())),
        ("payload_budget_bits", product.payload_budget_bits().map_or(Json::Null, |bits| Json::Number(u64::from(bits)))),
        (
            "environment",
            Json::Object(vec![
                ("disabled", Json::String(product.disabled_var())),
                ("enabled", Json::String(product.enabled_var())),
                ("debug", Json::String(product.debug_var())),
                ("endpoint", Json::String(product.endpoint_var())),
                ("do_not_track", string(DO_NOT_TRACK)),
            ]),
        ),
    ]);

    let mut envelope_fields = Vec::with_capacity(ENVELOPE_FIELDS.len());
    for field in ENVELOPE_FIELDS {
        let mut entries = vec![
            ("name", string(field.name)),
            ("doc", string(field.doc)),
            ("kind_text", string(&words::plain(&words::envelope_kind(field.kind, product)?))),
            ("required", Json::Bool(field.required)),
        ];
        if field.kind == telemetry_schema::EnvelopeFieldKind::Context {
            let context = <Context as TelemetryGroup>::META;
            entries.push(("payload_bits", Json::Fraction(F64(context.payload_bits()))));
            entries.push(("fields", fields(context.fields(), context.bounds(), &|i| context.field_bits(i))?));
        }
        envelope_fields.push(Json::Object(entries));
    }
    let envelope = match disclosure.events.first() {
        Some(first) => example::envelope(first, product)?,
        None => Json::Null,
    };

    let mut events = Vec::with_capacity(disclosure.events.len());
    for meta in &disclosure.events {
        events.push(event(meta, archive)?);
    }

    Ok(Json::Object(vec![
        ("catalog_format_version", Json::Number(CATALOG_FORMAT_VERSION)),
        ("toolkit_version", Json::String(TOOLKIT_VERSION.to_string())),
        ("product", product_json),
        (
            "envelope",
            Json::Object(vec![
                ("batch_key", string(BATCH_EVENTS_KEY)),
                ("fields", Json::Array(envelope_fields)),
                ("example", envelope),
            ]),
        ),
        ("events", Json::Array(events)),
    ]))
}

fn event(meta: &EventMeta, archive: &Archive) -> Result<Json, GenerateError> {
    let older = archive.older_accepted(meta).iter().map(|v| Json::Number(u64::from(v.version))).collect();
    Ok(Json::Object(vec![
        ("name", Json::String(meta.name().to_owned())),
        ("version", Json::Number(u64::from(meta.version()))),
        ("doc", Json::String(meta.doc().to_owned())),
        ("anchor", Json::String(page::event_anchor(meta))),
        ("schema", Json::String(crate::event_schema_path(meta))),
        ("sample_rate_per_million", Json::Number(u64::from(meta.sample_rate_per_million()))),
        ("sample_by", sample_by(meta)),
        ("dedup_window_secs", meta.dedup_window().map_or(Json::Null, |window| Json::Number(window.as_secs()))),
        ("frequency", Json::String(words::frequency(meta))),
        ("payload_bits", Json::Fraction(F64(meta.payload_bits()))),
        ("older_versions_accepted", Json::Array(older)),
        ("expires", meta.expires().map_or(Json::Null, |date| Json::String(date.to_string()))),
        ("fields", fields(meta.fields(), meta.bounds(), &|i| meta.field_bits(i))?),
        ("example_payload", example::payload(meta)?),
    ]))
}

/// For an event sampled by value: the field and each value's rate per million, so that a server can weight a
/// stored occurrence by `1 000 000 / rate` (as by `sample_rate_per_million` for the others); else null.
fn sample_by(meta: &EventMeta) -> Json {
    let field = meta.sample_by().and_then(|index| meta.fields().get(index));
    match field.map(|field| (field, field.kind())) {
        Some((field, telemetry_schema::CollectableKind::Enum(values))) => Json::Object(vec![
            ("field", Json::String(field.name().to_owned())),
            (
                "rates_per_million",
                Json::Array(
                    values
                        .variants()
                        .iter()
                        .map(|v| {
                            Json::Object(vec![
                                ("value", Json::String(v.name().to_owned())),
                                ("sample_rate_per_million", Json::Number(u64::from(v.sample_rate_per_million()))),
                            ])
                        })
                        .collect(),
                ),
            ),
        ]),
        _ => Json::Null,
    }
}

/// The catalog's description of an event's fields, as data (what the archive stores and the compatibility gate
/// compares).
pub(crate) fn fields_value(meta: &EventMeta) -> Result<serde_json::Value, GenerateError> {
    Ok(self::fields(meta.fields(), meta.bounds(), &|i| meta.field_bits(i))?.to_value())
}

/// The fields with their bounds and figures. Counts and durations carry `max` (the largest value sent: the cap,
/// the largest bucket, or the type's largest value) and `buckets` (the scale's attribute value, or null);
/// versions carry `precision` (`major`, `minor`, `patch`, or null for the whole version) and `max` (the cap on
/// each part, or null). Every field carries `payload_bits`, the `log2` of its number of possible values.
fn fields(fields: &[FieldMeta], bounds: &[FieldBound], bits: &dyn Fn(usize) -> f64) -> Result<Json, GenerateError> {
    let mut out = Vec::with_capacity(fields.len());
    for (index, field) in fields.iter().enumerate() {
        let kind = Kind::of(&field.kind())?;
        let bound = bounds.iter().find(|b| b.field == index).map_or(Bound::NONE, |b| b.bound);
        let mut entries = vec![
            ("name", Json::String(field.name().to_owned())),
            ("doc", Json::String(field.doc().to_owned())),
            ("kind", Json::String(kind_name(kind).to_owned())),
            ("kind_text", Json::String(kind.describe_plain_bounded(&field.kind(), &bound))),
            ("required", Json::Bool(field.is_required())),
        ];
        if let (Kind::Map(keys, _), Some(value)) = (kind, kind.value()) {
            // A map: its keys, then what its values' kind would carry as a field (`max`, `values`, `fields`, …),
            // so the compatibility gate compares a map's values with the rules of their kind.
            entries.push(("keys", values(keys)));
            entries.push(("value_kind", Json::String(kind_name(value).to_owned())));
            kind_entries(value, &bound, &mut entries)?;
        } else {
            kind_entries(kind, &bound, &mut entries)?;
        }
        entries.push(("payload_bits", Json::Fraction(F64(bits(index)))));
        out.push(Json::Object(entries));
    }
    Ok(Json::Array(out))
}

/// What a field of `kind` carries besides its name, doc and kind: bounds, values, nested fields.
fn kind_entries(kind: Kind, bound: &Bound, entries: &mut Vec<(&'static str, Json)>) -> Result<(), GenerateError> {
    let buckets = || bound.scale().attribute().map_or(Json::Null, |scale| Json::String(scale.to_owned()));
    match kind {
        Kind::Count(width) => {
            entries.push(("max", Json::Number(bound.largest(width.max()))));
            entries.push(("buckets", buckets()));
        }
        Kind::DurationMillis => {
            entries.push(("max", Json::Number(bound.largest(u64::MAX))));
            entries.push(("buckets", buckets()));
        }
        Kind::Version => {
            let precision = bound.precision().attribute().map_or(Json::Null, |p| Json::String(p.to_owned()));
            entries.push(("precision", precision));
            let capped = bound.precision() != Precision::Full && bound.max().is_some();
            entries.push(("max", if capped { Json::Number(bound.part_max()) } else { Json::Null }));
        }
        Kind::Enum(meta) | Kind::EnumSet(meta) => entries.push(("values", values(meta))),
        Kind::Group(group) => {
            entries.push(("fields", self::fields(group.fields(), group.bounds(), &|i| group.field_bits(i))?));
        }
        // A map of maps: the inner map's keys and values, one level down.
        Kind::Map(keys, _) => {
            let mut inner = vec![("keys", values(keys))];
            if let Some(value) = kind.value() {
                inner.push(("value_kind", Json::String(kind_name(value).to_owned())));
                kind_entries(value, bound, &mut inner)?;
            }
            entries.push(("value", Json::Object(inner)));
        }
        // A union: its cases as `values` (compared like an enum's), each with its group's `fields`.
        Kind::Union(meta) => {
            let mut cases = Vec::new();
            for variant in meta.variants() {
                let mut case = vec![
                    ("name", Json::String(variant.name().to_owned())),
                    ("doc", Json::String(variant.doc().to_owned())),
                ];
                if let Some(group) = variant.group() {
                    case.push(("fields", self::fields(group.fields(), group.bounds(), &|i| group.field_bits(i))?));
                }
                cases.push(Json::Object(case));
            }
            entries.push(("tag", Json::String(telemetry_schema::UNION_TAG.to_owned())));
            entries.push(("values", Json::Array(cases)));
        }
        Kind::Bool | Kind::FlowId => {}
    }
    Ok(())
}

fn values(meta: &EnumMeta) -> Json {
    Json::Array(
        meta.variants()
            .iter()
            .map(|variant| {
                Json::Object(vec![
                    ("name", Json::String(variant.name().to_owned())),
                    ("doc", Json::String(variant.doc().to_owned())),
                ])
            })
            .collect(),
    )
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Bool => "bool",
        Kind::Count(_) => "count",
        Kind::DurationMillis => "duration_ms",
        Kind::Version => "version",
        Kind::Enum(_) => "enum",
        Kind::EnumSet(_) => "enum_set",
        Kind::Group(_) => "group",
        Kind::Map(..) => "map",
        Kind::FlowId => "flow_id",
        Kind::Union(_) => "union",
    }
}
