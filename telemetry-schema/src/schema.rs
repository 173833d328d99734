//! JSON Schema (draft 2020-12) for events, the envelope, the batch and the bundle the ingest server enforces.
//!
//! Everything here is computed from the same `const` metadata the serializer reads ([`EventMeta`],
//! [`ENVELOPE_FIELDS`], [`Context`]), so the schema cannot drift from the wire format. Output is deterministic:
//! [`to_canonical_string`] sorts keys and formats the same way on every machine.
//!
//! ```
//! use telemetry_schema::TelemetryEvent;
//! use telemetry_schema::schema::{SchemaOptions, event_file_name, event_schema, to_canonical_string};
//!
//! /// Sent when the development server starts.
//! #[derive(TelemetryEvent)]
//! struct DevStarted {
//!     /// How many routes the project has.
//!     routes: u16,
//! }
//!
//! let schema = event_schema(&DevStarted::META, &SchemaOptions::default());
//! assert_eq!(schema["$id"], "https://telemetry.invalid/schemas/events/DEV_STARTED.v1.json");
//! assert_eq!(schema["properties"]["routes"]["maximum"], 65535);
//! assert_eq!(schema["additionalProperties"], false);
//! assert_eq!(event_file_name(&DevStarted::META), "DEV_STARTED.v1.json");
//! assert!(to_canonical_string(&schema).ends_with("}\n"));
//! ```
//!
//! # Layout
//! With the default base URI `B`, the files are meant to live at `B/events/<EVENT>.v<N>.json`, `B/envelope.json`,
//! `B/batch.json` and `B/bundle.json`. Every schema is self-contained: nothing is fetched to use it.
//!
//! The bundle embeds the envelope under `$defs/envelope` and each event's payload schema under
//! `$defs/<EVENT>.v<N>`, each keeping its own `$id`, and dispatches on the envelope's `event` and
//! `schema_version` with `if`/`then`. The server-side validator (crate `telemetry-validator`) reads that layout back.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::{Map, Value, json};

use crate::bound::{Bound, FieldBound};
use crate::envelope::{Context, ENVELOPE_FIELDS, EnvelopeFieldKind};
use crate::kind::{Collectable, CollectableKind, CountWidth};
use crate::meta::{EnumMeta, EventMeta, FieldMeta, GroupMeta};

/// The `$schema` of every emitted schema.
pub const DRAFT_2020_12: &str = "https://json-schema.org/draft/2020-12/schema";

/// The `pattern` of a [`Version`](crate::Version) on the wire: exactly what `Version` serializes to (three
/// components of at most nine digits without leading zeros, optionally `-TAG` or `-TAG.N` from the closed
/// vocabulary [`PreTag`](crate::PreTag)), and nothing else. Build metadata is never sent, so it is refused.
pub const VERSION_PATTERN: &str = "^(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})\
     (-(alpha|beta|canary|dev|next|nightly|pre|preview|rc)(\\.(0|[1-9][0-9]{0,8}))?)?$";

/// The `pattern` of an event name ([`is_valid_event_name`](crate::is_valid_event_name)): its characters and length.
/// Where a '.' may stand (not last, not doubled) needs a look-ahead, which not every validator's regex engine has;
/// every event a schema names is a `const` there, checked by the rule itself.
pub const EVENT_NAME_PATTERN: &str = "^[A-Za-z][A-Za-z0-9_.]{0,63}$";

/// The `pattern` of an SDK name ([`is_valid_name`](crate::is_valid_name)).
pub const NAME_PATTERN: &str = "^[A-Za-z][A-Za-z0-9_-]{0,63}$";

/// The key of the envelope schema inside the bundle's `$defs`.
pub const BUNDLE_ENVELOPE_DEF: &str = "envelope";

/// Where the emitted schemas say they live.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SchemaOptions {
    /// The URI of the folder holding the schema files; each `$id` is this plus the file's relative path
    /// (a missing trailing `/` is added). It is an identifier: nothing is ever fetched from it.
    pub base_uri: String,
    /// The one SDK name the envelope may carry (`sdk.name` becomes a `const`), usually
    /// [`Product::sdk_name`](crate::Product::sdk_name). `None` accepts any well-formed name, which a server
    /// that receives from several SDKs may want; an SDK's own schemas should pin it, so that `sdk.name` cannot
    /// carry anything but the SDK's name.
    pub sdk_name: Option<String>,
}

impl Default for SchemaOptions {
    /// `https://telemetry.invalid/schemas/`: a placeholder (`.invalid` never resolves), to be replaced by the
    /// URI where a product publishes its schemas; any SDK name.
    fn default() -> Self {
        Self { base_uri: "https://telemetry.invalid/schemas/".to_owned(), sdk_name: None }
    }
}

impl SchemaOptions {
    /// The default base URI, with `sdk.name` pinned to the product's SDK name.
    pub fn for_product(product: &crate::Product) -> Self {
        Self { sdk_name: Some(product.sdk_name().to_owned()), ..Self::default() }
    }

    fn uri(&self, relative: &str) -> String {
        let mut uri = self.base_uri.clone();
        if !uri.ends_with('/') {
            uri.push('/');
        }
        uri.push_str(relative);
        uri
    }
}

/// The file name of an event's schema: `<EVENT_NAME>.v<N>.json`, e.g. `CLI_COMMAND.v1.json`. It is also the
/// event's key in the bundle's `$defs`, without the `.json`.
pub fn event_file_name(meta: &EventMeta) -> String {
    format!("{}.json", bundle_def_key(meta))
}

/// `<EVENT_NAME>.v<N>`: an event's key in the bundle's `$defs`.
pub(crate) fn bundle_def_key(meta: &EventMeta) -> String {
    format!("{}.v{}", meta.name(), meta.version())
}

/// Parses a bundle `$defs` key `<EVENT_NAME>.v<N>` back into the name and version, as a server reading
/// `bundle.json` does (`telemetry-validator`). Only the form [`event_file_name`] writes (without `.json`) parses.
///
/// ```
/// use telemetry_schema::schema::parse_bundle_def_key;
/// assert_eq!(parse_bundle_def_key("CLI_COMMAND.v2"), Some(("CLI_COMMAND", 2)));
/// assert_eq!(parse_bundle_def_key("CLI_COMMAND.v02"), None);
/// ```
pub fn parse_bundle_def_key(key: &str) -> Option<(&str, u32)> {
    let (name, digits) = key.rsplit_once(".v")?;
    let version: u32 = digits.parse().ok()?;
    // Only the form `bundle_def_key` writes: no sign, no leading zero, no version 0.
    let canonical = version >= 1 && digits == version.to_string();
    (canonical && crate::meta::is_valid_event_name(name)).then_some((name, version))
}

/// The schema of one event's payload: a closed object with one property per field, `required` listing every
/// field that is not an `Option`, and the enums and groups it uses under `$defs`.
///
/// # Panics
/// When [`EventMeta::check`] refuses the metadata (a name that is not an identifier, a group that contains itself,
/// a hidden character in a doc): only metadata built with the unchecked constructors can be refused.
pub fn event_schema(meta: &EventMeta, opts: &SchemaOptions) -> Value {
    let mut schema = event_schema_body(meta, opts);
    schema.insert("$schema".into(), DRAFT_2020_12.into());
    Value::Object(schema)
}

fn event_schema_body(meta: &EventMeta, opts: &SchemaOptions) -> Map<String, Value> {
    // Names become `$id`s, keys and `$defs` names, and the renderer recurses into groups: never unchecked.
    if let Err(error) = meta.check() {
        panic!("telemetry_schema::schema: refusing to render the schema of event {:?}: {error}", meta.name());
    }
    let mut defs = Defs::default();
    let mut schema = Map::new();
    schema.insert("$id".into(), opts.uri(&format!("events/{}", event_file_name(meta))).into());
    schema.insert("title".into(), format!("{} (schema version {})", meta.name(), meta.version()).into());
    schema.insert("description".into(), meta.doc().into());
    object_schema(&mut schema, meta.fields(), meta.bounds(), &mut defs);
    defs.insert_into(&mut schema);
    schema
}

/// The schema of the generic envelope: every field of [`ENVELOPE_FIELDS`], with `payload` an object of any
/// shape. The [`bundle_schema`] narrows `payload` per event.
pub fn envelope_schema(opts: &SchemaOptions) -> Value {
    let mut schema = envelope_schema_body(opts);
    schema.insert("$schema".into(), DRAFT_2020_12.into());
    Value::Object(schema)
}

fn envelope_schema_body(opts: &SchemaOptions) -> Map<String, Value> {
    let mut defs = Defs::default();
    let mut properties = Map::new();
    let mut required = Vec::new();
    for field in ENVELOPE_FIELDS {
        let mut property = match field.kind {
            EnvelopeFieldKind::EventName => string_pattern(EVENT_NAME_PATTERN),
            EnvelopeFieldKind::SchemaVersion => object(json!({"type": "integer", "minimum": 1, "maximum": u32::MAX})),
            EnvelopeFieldKind::Sdk => object(json!({
                "type": "object",
                "properties": {
                    "name": match &opts.sdk_name {
                        Some(name) => json!({"const": name, "description": "The SDK's name."}),
                        None => {
                            let mut name = string_pattern(NAME_PATTERN);
                            name.insert("description".into(), "The SDK's name.".into());
                            Value::Object(name)
                        }
                    },
                    "version": {
                        "description": "The SDK's version.",
                        "type": "string",
                        "pattern": VERSION_PATTERN,
                        "not": no_newline(),
                    },
                },
                "required": ["name", "version"],
                "additionalProperties": false,
            })),
            EnvelopeFieldKind::Version => string_pattern(VERSION_PATTERN),
            EnvelopeFieldKind::Id128 => hex_string(32),
            EnvelopeFieldKind::Id256 => hex_string(64),
            EnvelopeFieldKind::Context => kind_schema(&<Context as Collectable>::KIND, &mut defs),
            EnvelopeFieldKind::Payload => object(json!({"type": "object"})),
        };
        property.insert("description".into(), field.doc.into());
        properties.insert(field.name.into(), Value::Object(property));
        if field.required {
            required.push(Value::from(field.name));
        }
    }
    let mut schema = Map::new();
    schema.insert("$id".into(), opts.uri("envelope.json").into());
    schema.insert("title".into(), "Telemetry envelope".into());
    schema.insert(
        "description".into(),
        "One event as the client sends it: who sent it (SDK, anonymous ids, machine context) around the event's \
         payload."
            .into(),
    );
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert("required".into(), Value::Array(required));
    schema.insert("additionalProperties".into(), false.into());
    defs.insert_into(&mut schema);
    schema
}

/// The `pattern` of a batch's `batch_id`: 32 lower-case hex digits (128 random bits).
pub const BATCH_ID_PATTERN: &str = "^[0-9a-f]{32}$";

/// The schema of the batch the client posts: `{"batch_id": "<32 hex>", "events": [<envelope>, ...]}`, with the
/// generic envelope embedded under `$defs` so the file is self-contained.
///
/// `batch_id` is required: it is how a collector stores a retried batch once. A collector cannot derive it from
/// the body instead, since envelopes carry no timestamp: two real batches can be byte-identical.
pub fn batch_schema(opts: &SchemaOptions) -> Value {
    let envelope_id = opts.uri("envelope.json");
    json!({
        "$schema": DRAFT_2020_12,
        "$id": opts.uri("batch.json"),
        "title": "Telemetry batch",
        "description": "What the client posts: a batch of envelopes, in the order the events happened.",
        "type": "object",
        "properties": {
            "batch_id": {
                "description": "A random identifier of the batch, the same on every retry of it, so that the \
                                collector stores it once. It says nothing about the machine or the user.",
                "type": "string",
                "pattern": BATCH_ID_PATTERN,
            },
            crate::envelope::BATCH_EVENTS_KEY: {
                "description": "The envelopes.",
                "type": "array",
                "items": {"$ref": envelope_id},
            },
        },
        "required": ["batch_id", crate::envelope::BATCH_EVENTS_KEY],
        "additionalProperties": false,
        "$defs": {BUNDLE_ENVELOPE_DEF: Value::Object(envelope_schema_body(opts))},
    })
}

/// The schema of one envelope whose payload is any of `events`, dispatching on the envelope's `event` (and, when
/// one name has several versions, its `schema_version`) with `if`/`then`: a validator only checks the payload
/// against the schema of the event the envelope names, and its errors point at that schema.
///
/// Events are sorted by name and version; an entry whose name and version both repeat an earlier one is left
/// out (pass the list from [`events`](crate::events), which refuses duplicate names).
///
/// # Panics
/// As [`event_schema`], for any of the events.
pub fn bundle_schema(events: &[&EventMeta], opts: &SchemaOptions) -> Value {
    bundle_schema_with_archive(events, &[], opts)
}

/// The schema of a version that is no longer the one in the code, as it was published (the file docs-gen
/// archived under `events/`), for [`bundle_schema_with_archive`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ArchivedSchema<'a> {
    /// The event name.
    pub name: &'a str,
    /// Its schema version.
    pub version: u32,
    /// The published schema document (`$schema` and all).
    pub schema: &'a Value,
}

/// [`bundle_schema`], also accepting older versions still in use by installed clients: each archived schema is
/// embedded as published (less its `$schema`), and the dispatch marks every version but the current one of an
/// event `"deprecated": true` (an annotation: validators still accept it). An archived version that is also in
/// `events` is left out (the code's version is the current one); an event only in `archived` has no current
/// version, so all of its versions are deprecated.
///
/// # Panics
/// As [`event_schema`], for any of the events.
pub fn bundle_schema_with_archive(
    events: &[&EventMeta],
    archived: &[ArchivedSchema<'_>],
    opts: &SchemaOptions,
) -> Value {
    struct Part {
        body: Map<String, Value>,
        payload_ref: Value,
        current: bool,
    }
    // (name, version) -> part, in order.
    let mut parts: BTreeMap<(String, u32), Part> = BTreeMap::new();
    for meta in events {
        parts.entry((meta.name().to_owned(), meta.version())).or_insert_with(|| Part {
            body: event_schema_body(meta, opts),
            payload_ref: json!({"$ref": opts.uri(&format!("events/{}", event_file_name(meta)))}),
            current: true,
        });
    }
    for old in archived {
        let mut body = object(old.schema.clone());
        body.remove("$schema");
        let id = body
            .get("$id")
            .cloned()
            .unwrap_or_else(|| opts.uri(&format!("events/{}.v{}.json", old.name, old.version)).into());
        parts.entry((old.name.to_owned(), old.version)).or_insert(Part {
            body,
            payload_ref: json!({"$ref": id}),
            current: false,
        });
    }

    let mut defs = Map::new();
    defs.insert(BUNDLE_ENVELOPE_DEF.into(), Value::Object(envelope_schema_body(opts)));
    // name -> versions, in order
    let mut by_name: BTreeMap<&str, Vec<(u32, &Part)>> = BTreeMap::new();
    for ((name, version), part) in &parts {
        defs.insert(format!("{name}.v{version}"), Value::Object(part.body.clone()));
        by_name.entry(name).or_default().push((*version, part));
    }
    let deprecate = |mut then: Value, part: &Part| {
        if !part.current {
            then["deprecated"] = Value::Bool(true);
        }
        then
    };

    let dispatch: Vec<Value> = by_name
        .iter()
        .map(|(name, versions)| {
            let then = match versions.as_slice() {
                [(version, only)] => deprecate(
                    json!({
                        "type": "object",
                        "properties": {"schema_version": {"const": version}, "payload": only.payload_ref},
                    }),
                    only,
                ),
                several => {
                    let numbers: Vec<u32> = several.iter().map(|(version, _)| *version).collect();
                    let per_version: Vec<Value> = several
                        .iter()
                        .map(|(version, part)| {
                            json!({
                                "if": {"type": "object", "properties": {"schema_version": {"const": version}}},
                                "then": deprecate(
                                    json!({"type": "object", "properties": {"payload": part.payload_ref}}),
                                    part,
                                ),
                            })
                        })
                        .collect();
                    json!({
                        "type": "object",
                        "properties": {"schema_version": {"enum": numbers}},
                        "allOf": per_version,
                    })
                }
            };
            // Every subschema that uses `properties` says `"type": "object"`: ajv's strict mode requires it.
            json!({
                "if": {"type": "object", "properties": {"event": {"const": name}}, "required": ["event"]},
                "then": then,
            })
        })
        .collect();
    let sorted = &parts;
    let names: Vec<&str> = by_name.keys().copied().collect();

    let mut schema = Map::new();
    schema.insert("$schema".into(), DRAFT_2020_12.into());
    schema.insert("$id".into(), opts.uri("bundle.json").into());
    schema.insert("title".into(), "Telemetry bundle".into());
    schema.insert(
        "description".into(),
        format!(
            "One envelope carrying any of the {} registered events; the payload must match the schema of the \
             event and version the envelope names.",
            sorted.len()
        )
        .into(),
    );
    schema.insert("$ref".into(), opts.uri("envelope.json").into());
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), json!({"event": {"enum": names}}));
    if !dispatch.is_empty() {
        schema.insert("allOf".into(), Value::Array(dispatch));
    }
    schema.insert("$defs".into(), Value::Object(defs));
    Value::Object(schema)
}

/// Writes `value` as pretty JSON with object keys sorted, two-space indentation and a trailing newline: the
/// same bytes on every machine, whatever order the map holds its keys in.
pub fn to_canonical_string(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(&mut out, value, 0);
    out.push('\n');
    out
}

fn write_canonical(out: &mut String, value: &Value, depth: usize) {
    match value {
        Value::Array(items) if !items.is_empty() => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, depth + 1);
                write_canonical(out, item, depth + 1);
            }
            out.push('\n');
            indent(out, depth);
            out.push(']');
        }
        Value::Object(map) if !map.is_empty() => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                indent(out, depth + 1);
                write_scalar(out, &Value::String(key.clone()));
                out.push_str(": ");
                write_canonical(out, item, depth + 1);
            }
            out.push('\n');
            indent(out, depth);
            out.push('}');
        }
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
        scalar => write_scalar(out, scalar),
    }
}

fn write_scalar(out: &mut String, value: &Value) {
    // `Display` for a scalar `Value` is its compact JSON; writing to a `String` cannot fail.
    let _ = write!(out, "{value}");
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// A string matching `pattern`, which is anchored (`^…$`), and holding no line feed: Python's `re.search`, which
/// python-jsonschema uses, lets `$` match before a final `\n`, so `"1.2.3\n"` would pass the pattern alone there
/// (ECMA-262 validators such as ajv, and ours, refuse it). The `not` makes every validator refuse it.
fn string_pattern(pattern: &str) -> Map<String, Value> {
    object(json!({"type": "string", "pattern": pattern, "not": no_newline()}))
}

/// The strings [`string_pattern`] refuses whatever the pattern says: any holding a line feed.
fn no_newline() -> Value {
    json!({"type": "string", "pattern": "\n"})
}

/// `digits` lower-case hex digits. The length also refuses a trailing `\n` that Python's `$` lets through.
fn hex_string(digits: usize) -> Map<String, Value> {
    object(json!({"type": "string", "pattern": format!("^[0-9a-f]{{{digits}}}$"), "maxLength": digits}))
}

/// Fills `type`, `properties`, `required` and `additionalProperties` of a closed object.
fn object_schema(schema: &mut Map<String, Value>, fields: &[FieldMeta], bounds: &[FieldBound], defs: &mut Defs) {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        let bound = bounds.iter().find(|b| b.field == index).map_or(Bound::NONE, |b| b.bound);
        properties.insert(field.name().into(), Value::Object(field_schema(field, &bound, defs)));
        if field.is_required() {
            required.push(Value::from(field.name()));
        }
    }
    schema.insert("type".into(), "object".into());
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert("required".into(), Value::Array(required));
    schema.insert("additionalProperties".into(), false.into());
}

fn field_schema(field: &FieldMeta, bound: &Bound, defs: &mut Defs) -> Map<String, Value> {
    let schema_kind = field.kind();
    let mut schema = bounded_kind_schema(&schema_kind, bound, defs);
    let kind = *schema_kind.bounded();
    let mut description = match kind {
        CollectableKind::DurationMillis => {
            format!("{} Sent as a whole number of milliseconds.", field.doc().trim_end())
        }
        CollectableKind::FlowId => format!("{} {FLOW_ID_DESCRIPTION}", field.doc().trim_end()),
        _ => field.doc().to_owned(),
    };
    if let Some(bound) = bound.describe(&kind) {
        description = format!("{} {bound}", description.trim_end());
    }
    schema.insert("description".into(), description.into());
    schema
}

/// Narrows the schema of a bounded field to exactly what the serializer can send: `maximum` for a capped count or
/// duration, the `enum` of every value a rounded one can be sent as, the pattern of a version cut to its first
/// parts. A tampered client sending 14 where only powers of two are allowed is refused.
fn bound_schema(schema: &mut Map<String, Value>, kind: &CollectableKind, bound: &Bound) {
    if bound.is_none() {
        return;
    }
    match kind {
        CollectableKind::Count(_) | CollectableKind::DurationMillis => {
            let type_max = crate::bound::type_max(kind).unwrap_or(u64::MAX);
            schema.insert("maximum".into(), bound.largest(type_max).into());
            if let Some(values) = bound.values(type_max) {
                schema.insert("enum".into(), values.into());
            }
        }
        CollectableKind::Version => {
            if let Some(parts) = bound.precision().parts() {
                let digits = bound.part_max().to_string().len();
                let pattern = crate::bound::bounded_version_pattern(parts, digits);
                *schema = string_pattern(&pattern);
            }
        }
        _ => {}
    }
}

/// What the schema says of every flow id, after the field's doc.
const FLOW_ID_DESCRIPTION: &str = "A random id (128 bits the client drew from the operating system, in hex) that \
                                   links the events of one flow; the program cannot choose its value.";

/// The schema of a value of `kind`, with `bound` applied where it bounds (the value itself, or each value of a
/// map, seen through `Option`).
fn bounded_kind_schema(kind: &CollectableKind, bound: &Bound, defs: &mut Defs) -> Map<String, Value> {
    match kind {
        CollectableKind::Optional(inner) => bounded_kind_schema(inner, bound, defs),
        CollectableKind::Map(meta, value) => map_schema(meta, bounded_kind_schema(value, bound, defs), defs),
        _ => {
            let mut schema = kind_schema(kind, defs);
            bound_schema(&mut schema, kind, bound);
            schema
        }
    }
}

/// An object whose keys are variant names of `meta` (each at most once: JSON objects have unique keys, and the
/// validators refuse a repeated one) and whose values match `value`.
fn map_schema(meta: &'static EnumMeta, value: Map<String, Value>, defs: &mut Defs) -> Map<String, Value> {
    object(json!({
        "type": "object",
        "propertyNames": {"$ref": defs.enum_ref(meta)},
        "additionalProperties": Value::Object(value),
        "maxProperties": meta.variants().len(),
    }))
}

fn kind_schema(kind: &CollectableKind, defs: &mut Defs) -> Map<String, Value> {
    match kind {
        CollectableKind::Bool => object(json!({"type": "boolean"})),
        CollectableKind::Count(width) => {
            object(json!({"type": "integer", "minimum": 0, "maximum": CountWidth::max(*width)}))
        }
        CollectableKind::DurationMillis => object(json!({"type": "integer", "minimum": 0, "maximum": u64::MAX})),
        CollectableKind::Version => string_pattern(VERSION_PATTERN),
        CollectableKind::Enum(meta) => object(json!({"$ref": defs.enum_ref(meta)})),
        CollectableKind::EnumSet(meta) => object(json!({
            "type": "array",
            "uniqueItems": true,
            "maxItems": meta.variants().len(),
            "items": {"$ref": defs.enum_ref(meta)},
        })),
        CollectableKind::Group(meta) => object(json!({"$ref": defs.group_ref(meta)})),
        // The key is left out for `None`: `null` is never sent, so it is not accepted either.
        CollectableKind::Optional(inner) => kind_schema(inner, defs),
        CollectableKind::Map(meta, value) => {
            let value = kind_schema(value, defs);
            map_schema(meta, value, defs)
        }
        CollectableKind::FlowId => hex_string(32),
        CollectableKind::Union(meta) => object(json!({"$ref": defs.union_ref(meta)})),
    }
}

/// The `$defs` of one schema resource: enums and groups by type name. Two different types with the same name
/// get `Name`, `Name_2`, … in the order they are first met, which is the field order: deterministic.
#[derive(Default)]
struct Defs {
    entries: BTreeMap<String, Value>,
    enums: Vec<(&'static EnumMeta, String)>,
    groups: Vec<(&'static GroupMeta, String)>,
    unions: Vec<(&'static crate::union::UnionMeta, String)>,
}

impl Defs {
    fn enum_ref(&mut self, meta: &'static EnumMeta) -> String {
        if let Some((_, key)) = self.enums.iter().find(|(m, _)| *m == meta) {
            return format!("#/$defs/{key}");
        }
        let key = self.free_key(meta.name());
        let variants: Vec<Value> =
            meta.variants().iter().map(|v| json!({"const": v.name(), "description": v.doc()})).collect();
        self.entries.insert(
            key.clone(),
            json!({"title": meta.name(), "description": meta.doc(), "type": "string", "oneOf": variants}),
        );
        self.enums.push((meta, key.clone()));
        format!("#/$defs/{key}")
    }

    fn group_ref(&mut self, meta: &'static GroupMeta) -> String {
        if let Some((_, key)) = self.groups.iter().find(|(m, _)| *m == meta) {
            return format!("#/$defs/{key}");
        }
        let key = self.free_key(meta.name());
        // Reserve the key before recursing, so a nested group with the same name gets another one.
        self.entries.insert(key.clone(), Value::Null);
        self.groups.push((meta, key.clone()));
        let mut schema = Map::new();
        schema.insert("title".into(), meta.name().into());
        schema.insert("description".into(), meta.doc().into());
        object_schema(&mut schema, meta.fields(), meta.bounds(), self);
        self.entries.insert(key.clone(), Value::Object(schema));
        format!("#/$defs/{key}")
    }

    /// A union: `oneOf` a closed object per variant, holding its name under the tag (a `const`) and its group's
    /// fields. Exactly one branch matches a valid value, since the tags differ.
    fn union_ref(&mut self, meta: &'static crate::union::UnionMeta) -> String {
        if let Some((_, key)) = self.unions.iter().find(|(m, _)| *m == meta) {
            return format!("#/$defs/{key}");
        }
        let key = self.free_key(meta.name());
        self.entries.insert(key.clone(), Value::Null);
        self.unions.push((meta, key.clone()));
        let tag = crate::union::UNION_TAG;
        let mut branches = Vec::new();
        for variant in meta.variants() {
            let mut branch = Map::new();
            branch.insert("description".into(), variant.doc().into());
            let (fields, bounds) = variant.group().map_or((&[][..], &[][..]), |g| (g.fields(), g.bounds()));
            object_schema(&mut branch, fields, bounds, self);
            if let Some(Value::Object(properties)) = branch.get_mut("properties") {
                properties.insert(tag.into(), json!({"const": variant.name()}));
            }
            if let Some(Value::Array(required)) = branch.get_mut("required") {
                required.insert(0, tag.into());
            }
            branches.push(Value::Object(branch));
        }
        self.entries.insert(
            key.clone(),
            json!({"title": meta.name(), "description": meta.doc(), "type": "object", "oneOf": branches}),
        );
        format!("#/$defs/{key}")
    }

    fn free_key(&self, name: &str) -> String {
        if !self.entries.contains_key(name) {
            return name.to_owned();
        }
        (2..).map(|n| format!("{name}_{n}")).find(|key| !self.entries.contains_key(key)).unwrap_or_default()
    }

    fn insert_into(self, schema: &mut Map<String, Value>) {
        if !self.entries.is_empty() {
            schema.insert("$defs".into(), Value::Object(self.entries.into_iter().collect()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundle_keys_round_trip() {
        assert_eq!(parse_bundle_def_key("CLI_COMMAND.v12"), Some(("CLI_COMMAND", 12)));
        // Event names may have dots: the version is what follows the last `.v`.
        assert_eq!(parse_bundle_def_key("cli.start.v1"), Some(("cli.start", 1)));
        assert_eq!(parse_bundle_def_key("cli.v2.v1"), Some(("cli.v2", 1)));
        for bad in ["envelope", "CLI_COMMAND.v0", "CLI_COMMAND.v", "1X.v1", "A..B.v1", "A..v1", ".A.v1", "A/B.v1"] {
            assert_eq!(parse_bundle_def_key(bad), None, "{bad}");
        }
        for bad in ["X.v-1", "X.v+1", "X.v01"] {
            assert_eq!(parse_bundle_def_key(bad), None, "{bad}");
        }
    }

    #[test]
    fn canonical_string_sorts_keys_and_ends_with_newline() {
        let value = json!({"b": [1, {}], "a": {"d": [], "c": "x\"y"}});
        assert_eq!(
            to_canonical_string(&value),
            "{\n  \"a\": {\n    \"c\": \"x\\\"y\",\n    \"d\": []\n  },\n  \"b\": [\n    1,\n    {}\n  ]\n}\n"
        );
    }

    #[test]
    fn base_uri_gets_a_trailing_slash() {
        let opts = SchemaOptions { base_uri: "https://example.com/s".into(), ..SchemaOptions::default() };
        assert_eq!(opts.uri("bundle.json"), "https://example.com/s/bundle.json");
    }
}
