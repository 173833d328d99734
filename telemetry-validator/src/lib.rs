//! The server-side validator: enforces a bundle schema on envelopes and batches received as bytes.
//!
//! A server does not need to link the SDK: it builds a [`Validator`] from the `bundle.json` that
//! [`bundle_schema`](telemetry_schema::schema::bundle_schema) wrote, then checks each request body. Bodies are bounded before
//! they are parsed ([`Limits`]): size first, then while parsing, which stops at the first violation, nesting depth,
//! batch length, array length (no longer than the bundle's largest `maxItems`), object size (no larger than its
//! largest closed object, plus a margin), the number of arrays and objects (no more than the envelopes a body may
//! carry can hold, plus a margin), repeated keys, and numbers that are not plain integers. Problems are collected
//! up to [`MAX_REPORTED_PROBLEMS`]. So a hostile body within the
//! limits costs a bounded multiple of its size (`tests/hostile_cost.rs` measures the worst shapes we know). No
//! input makes the validator panic.
//!
//! ```
//! use telemetry_schema::TelemetryEvent;
//! use telemetry_schema::schema::{SchemaOptions, bundle_schema};
//! use telemetry_validator::Validator;
//!
//! /// Sent when the development server starts.
//! #[derive(TelemetryEvent)]
//! struct DevStarted {
//!     /// How many routes the project has.
//!     routes: u16,
//! }
//!
//! let bundle = bundle_schema(&[&DevStarted::META], &SchemaOptions::default());
//! let validator = Validator::from_bundle(&bundle).unwrap();
//!
//! let body = br#"{"event":"DEV_STARTED","schema_version":1,"sdk":{"name":"acme","version":"1.0.0"},
//!     "toolkit_version":"0.1.0","install_id":"00112233445566778899aabbccddeeff",
//!     "session_id":"00112233445566778899aabbccddeeff",
//!     "context":{"os":"linux","arch":"x86_64","cpu_count":8,"is_ci":false,"is_tty":true},
//!     "payload":{"routes":70000}}"#;
//! let rejection = validator.validate_envelope(body).unwrap_err();
//! let problem = &rejection.problems()[0];
//! assert_eq!(problem.pointer(), "/payload/routes");
//! assert_eq!(problem.event_name(), Some("DEV_STARTED"));
//! assert_eq!(problem.expected(), "a number of at most 65535");
//! ```

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{Draft, PatternOptions, ValidationError};
use serde_json::Value;

use telemetry_schema::BATCH_EVENTS_KEY;
use telemetry_schema::schema::{BUNDLE_ENVELOPE_DEF, DRAFT_2020_12};

/// Parses a bundle `$defs` key `<EVENT>.v<N>` (`CLI_COMMAND.v2`, `cli.start.v1`) into the event name and version,
/// with the toolkit's one event-name rule; what [`Validator::from_bundle`] accepts. Re-exported so that a server
/// reading the same bundle (the collector's storage model) parses its keys exactly as the validator does.
pub use telemetry_schema::schema::parse_bundle_def_key;

mod fast;
mod parse;
use fast::{Doc, DocJson};
use parse::{Bounds, LimitHit, Stopped};

/// Bounds on what one request body may be. Checked before (size) and while (depth, batch length) parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// The largest body accepted, in bytes. Default: 1 MiB.
    pub max_body_bytes: usize,
    /// The most envelopes one batch may hold. Default: 1 000.
    pub max_batch_len: usize,
    /// The deepest nesting of arrays and objects, counting the outermost one as 1. A batch of envelopes whose
    /// payloads nest one group is 5 deep. Default: 16; values above 128 act as 128 (the parser's own bound).
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self { max_body_bytes: 1 << 20, max_batch_len: 1_000, max_depth: 16 }
    }
}

/// At most this many problems are reported for one body. Past it the validator stops walking for errors, so a
/// body full of mistakes costs no more to refuse than one with a hundred; see [`Rejection::unreported`].
pub const MAX_REPORTED_PROBLEMS: usize = 100;

/// How many members an object may have past the most any closed object schema of the bundle lists: none of them
/// can be valid, but a few are worth naming in the rejection (a client sending a field the bundle lacks).
const OBJECT_SLACK: usize = 32;

/// How many arrays and objects a body may hold past the most its valid envelopes can have (a batch object and its
/// array, then a margin): a few unknown ones are still worth naming in the rejection.
const CONTAINER_SLACK: usize = 32;

/// Enforces a bundle schema. Cheap to share between threads (`Send + Sync`).
///
/// A body is first tried on a fast path that can only accept (see the `fast` module); anything it does not
/// accept goes through the exact path, which decides and reports what is wrong.
pub struct Validator {
    envelope: jsonschema::Validator,
    /// Event name -> each version in the bundle, in ascending order.
    events: HashMap<String, Vec<EventVersion>>,
    limits: Limits,
    /// The longest array and the largest object a valid envelope can hold.
    shapes: Shapes,
}

struct EventVersion {
    version: u32,
    /// The event's payload schema, for the exact path.
    payload: jsonschema::Validator,
    /// The envelope and payload schemas in one, over the fast path's parse.
    combined: jsonschema::Validator<DocJson>,
}

impl fmt::Debug for Validator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Validator").field("events", &self.events.len()).field("limits", &self.limits).finish()
    }
}

impl Validator {
    /// Builds a validator from a bundle schema (the value [`bundle_schema`](telemetry_schema::schema::bundle_schema)
    /// returns, or `bundle.json` parsed), with default [`Limits`].
    ///
    /// # Errors
    /// When the value is not a draft 2020-12 bundle with the toolkit's layout (`$defs/envelope` and
    /// `$defs/<EVENT>.v<N>`), or one of its schemas does not compile.
    pub fn from_bundle(bundle: &Value) -> Result<Self, BundleError> {
        let Some(root) = bundle.as_object() else {
            return Err(BundleError::new("the bundle is not a JSON object"));
        };
        if root.get("$schema").and_then(Value::as_str) != Some(DRAFT_2020_12) {
            return Err(BundleError::new(format!("the bundle's \"$schema\" is not \"{DRAFT_2020_12}\"")));
        }
        let Some(defs) = root.get("$defs").and_then(Value::as_object) else {
            return Err(BundleError::new("the bundle has no \"$defs\" object holding the envelope and event schemas"));
        };
        let Some(envelope) = defs.get(BUNDLE_ENVELOPE_DEF) else {
            return Err(BundleError::new(format!("the bundle has no \"$defs/{BUNDLE_ENVELOPE_DEF}\" schema")));
        };
        let envelope_schema = envelope;
        let envelope = compile(envelope_schema, BUNDLE_ENVELOPE_DEF)?;
        // The envelope's own schema for `event`, alone, to check it accepts each name the bundle holds.
        let event_name_schema = envelope_schema
            .get("properties")
            .and_then(|properties| properties.get("event"))
            .and_then(|schema| compile(schema, BUNDLE_ENVELOPE_DEF).ok());
        let mut events: HashMap<String, Vec<EventVersion>> = HashMap::new();
        for (key, schema) in defs {
            if key == BUNDLE_ENVELOPE_DEF {
                continue;
            }
            let Some((name, version)) = parse_bundle_def_key(key) else {
                return Err(BundleError::new(format!(
                    "\"$defs/{key}\" is neither \"{BUNDLE_ENVELOPE_DEF}\" nor an event key like \"CLI_COMMAND.v1\""
                )));
            };
            let payload = compile(schema, key)?;
            let name_accepted = event_name_schema.as_ref().is_some_and(|names| names.is_valid(&Value::from(name)));
            let combined = fast::combined_schema(envelope_schema, schema, name, name_accepted);
            let combined = compile_options()
                .build(&with_draft(combined))
                .map_err(|err| BundleError::new(format!("\"$defs/{key}\" is not a valid schema: {err}")))?;
            events.entry(name.to_owned()).or_default().push(EventVersion { version, payload, combined });
        }
        for versions in events.values_mut() {
            versions.sort_by_key(|event| event.version);
        }
        Ok(Self { envelope, events, limits: Limits::default(), shapes: Shapes::of(defs) })
    }

    /// Builds a validator from the bytes of a `bundle.json`.
    ///
    /// # Errors
    /// When the bytes are not JSON, or see [`Validator::from_bundle`].
    pub fn from_bundle_bytes(bytes: &[u8]) -> Result<Self, BundleError> {
        let bundle: Value = serde_json::from_slice(bytes)
            .map_err(|err| BundleError::new(format!("the bundle is not valid JSON: {err}")))?;
        Self::from_bundle(&bundle)
    }

    /// Builds a validator from a `bundle.json` file, as written by docs-gen (`schemas/bundle.json`).
    ///
    /// # Errors
    /// When the file cannot be read (the error names the path), or see [`Validator::from_bundle_bytes`].
    pub fn from_bundle_file(path: impl AsRef<Path>) -> Result<Self, BundleError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|err| BundleError::new(format!("cannot read the bundle {}: {err}", path.display())))?;
        Self::from_bundle_bytes(&bytes).map_err(|err| BundleError::new(format!("{}: {}", path.display(), err.message)))
    }

    /// The same validator with other limits.
    #[must_use]
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// The limits in force.
    pub fn limits(&self) -> Limits {
        self.limits
    }

    /// The names of the events the bundle knows, sorted.
    pub fn event_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.events.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// Validates a body holding one envelope.
    ///
    /// # Errors
    /// A [`Rejection`] listing what was wrong.
    pub fn validate_envelope(&self, body: &[u8]) -> Result<(), Rejection> {
        match self.fast_parse(body, false) {
            Ok(doc) if self.fast_accepts(&doc) => Ok(()),
            Err(Some(rejection)) => Err(rejection),
            // Dropped before the exact path parses again, so the two trees never coexist.
            _ => self.validate_envelope_exact(body),
        }
    }

    /// [`Validator::validate_envelope`] without the fast path, for tests that compare the two.
    #[doc(hidden)]
    pub fn validate_envelope_exact(&self, body: &[u8]) -> Result<(), Rejection> {
        let value = self.parse(body, false)?;
        let mut report = Report::default();
        self.check_envelope(&value, None, "", &mut report);
        report.finish()
    }

    /// Validates a body holding a batch, `{"events": [<envelope>, ...]}`, and returns how many envelopes it
    /// held. Every envelope is checked, so one rejection lists the problems of all of them (up to
    /// [`MAX_REPORTED_PROBLEMS`]).
    ///
    /// # Errors
    /// A [`Rejection`] listing what was wrong.
    pub fn validate_batch(&self, body: &[u8]) -> Result<usize, Rejection> {
        match self.fast_parse(body, true) {
            Ok(Doc::Object(ref members))
                if let [(key, Doc::Array(envelopes))] = members.as_slice()
                    && key == BATCH_EVENTS_KEY
                    && envelopes.iter().all(|envelope| self.fast_accepts(envelope)) =>
            {
                Ok(envelopes.len())
            }
            Err(Some(rejection)) => Err(rejection),
            _ => self.validate_batch_exact(body),
        }
    }

    /// [`Validator::validate_batch`] without the fast path, for tests that compare the two.
    #[doc(hidden)]
    pub fn validate_batch_exact(&self, body: &[u8]) -> Result<usize, Rejection> {
        let value = self.parse(body, true)?;
        let mut report = Report::default();
        let events = match &value {
            Value::Object(map) => {
                for key in map.keys().filter(|key| *key != BATCH_EVENTS_KEY) {
                    report.push(Problem::body(
                        format!("/{}", escape_pointer(key)),
                        ProblemKind::Schema,
                        format!("no property but \"{BATCH_EVENTS_KEY}\" in a batch"),
                    ));
                }
                map.get(BATCH_EVENTS_KEY)
            }
            _ => None,
        };
        let Some(Value::Array(events)) = events else {
            report.push(Problem::body(
                if value.is_object() { format!("/{BATCH_EVENTS_KEY}") } else { String::new() },
                ProblemKind::NotABatch,
                format!("an object {{\"{BATCH_EVENTS_KEY}\": [...]}} whose array holds the envelopes"),
            ));
            return report.finish().map(|()| 0);
        };
        for (index, envelope) in events.iter().enumerate() {
            self.check_envelope(envelope, Some(index), &format!("/{BATCH_EVENTS_KEY}/{index}"), &mut report);
        }
        report.finish().map(|()| events.len())
    }

    fn bounds(&self, batch: bool) -> Bounds {
        Bounds {
            limits: self.limits,
            max_array_len: self.shapes.max_array_len,
            // Room past the largest object, so an envelope with a few unknown keys still has them named.
            max_object_len: self.shapes.max_object_len.map(|members| members + OBJECT_SLACK),
            max_containers: self.max_containers(batch),
            batch,
        }
    }

    /// The most arrays and objects a body may hold: as many as the envelopes it may carry can have, plus the
    /// batch's own two and [`CONTAINER_SLACK`].
    fn max_containers(&self, batch: bool) -> Option<usize> {
        let envelopes = if batch { self.limits.max_batch_len } else { 1 };
        let per_envelope = self.shapes.max_containers?;
        Some(per_envelope.saturating_mul(envelopes).saturating_add(2 + CONTAINER_SLACK))
    }

    /// The fast path's parse. `Err(Some(_))`: refused by the shared parser (a limit, not JSON), with the same
    /// rejection the exact path would give; `Err(None)`: left to the exact path (not UTF-8, or an object too
    /// large for the fast representation).
    fn fast_parse<'b>(&self, body: &'b [u8], batch: bool) -> Result<Doc<'b>, Option<Rejection>> {
        let limits = self.limits;
        if body.len() > limits.max_body_bytes {
            return Err(Some(body_too_large(&limits, body.len())));
        }
        // One UTF-8 check over the whole body, rather than serde_json's check of each string in turn; a body
        // that is not UTF-8 goes to the exact path, whose byte reader says where it breaks.
        let text = std::str::from_utf8(body).map_err(|_| None)?;
        let mut deserializer = serde_json::Deserializer::from_str(text);
        parse::parse(&mut deserializer, &self.bounds(batch)).map_err(|stopped| match stopped.hit {
            Some(LimitHit::LeftToExactPath) => None,
            _ => Some(self.stopped(stopped, batch)),
        })
    }

    /// Whether the fast path accepts one envelope. `false` means "ask the exact path", not "rejected".
    fn fast_accepts(&self, envelope: &Doc<'_>) -> bool {
        let Some(versions) = envelope.get("event").and_then(Doc::as_str).and_then(|name| self.events.get(name)) else {
            return false;
        };
        let Some(version) = envelope.get("schema_version").and_then(Doc::as_u64) else {
            return false;
        };
        versions
            .iter()
            .find(|event| u64::from(event.version) == version)
            .is_some_and(|event| event.combined.is_valid(envelope))
    }

    fn parse(&self, body: &[u8], batch: bool) -> Result<Value, Rejection> {
        if body.len() > self.limits.max_body_bytes {
            return Err(body_too_large(&self.limits, body.len()));
        }
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        parse::parse(&mut deserializer, &self.bounds(batch)).map_err(|stopped| self.stopped(stopped, batch))
    }

    /// The rejection for a parse the shared parser stopped.
    fn stopped(&self, Stopped { hit, error }: Stopped, batch: bool) -> Rejection {
        let limits = &self.limits;
        let (line, column) = (error.line(), error.column());
        Rejection::one(match hit {
            Some(LimitHit::Depth) => Problem::body(
                String::new(),
                ProblemKind::TooDeep { limit: limits.max_depth },
                format!("arrays and objects nested at most {} deep", limits.max_depth),
            ),
            Some(LimitHit::BatchLength) => Problem::body(
                format!("/{BATCH_EVENTS_KEY}"),
                ProblemKind::BatchTooLong { limit: limits.max_batch_len },
                format!("at most {} envelopes in one batch; send several batches", limits.max_batch_len),
            ),
            Some(LimitHit::ObjectLength) => {
                let limit = self.bounds(false).max_object_len.unwrap_or(usize::MAX);
                Problem::body(
                    String::new(),
                    ProblemKind::ObjectTooLarge { limit, line, column },
                    format!(
                        "objects of at most {limit} members ({OBJECT_SLACK} more than any schema in the bundle lists)"
                    ),
                )
            }
            Some(LimitHit::Containers) => {
                let limit = self.max_containers(batch).unwrap_or(usize::MAX);
                Problem::body(
                    String::new(),
                    ProblemKind::TooManyContainers { limit, line, column },
                    format!(
                        "no more arrays and objects than the envelopes a body may carry can have ({CONTAINER_SLACK} \
                         more at most)"
                    ),
                )
            }
            Some(LimitHit::ArrayLength) => {
                let limit = self.shapes.max_array_len.unwrap_or(usize::MAX);
                Problem::body(
                    String::new(),
                    ProblemKind::ArrayTooLong { limit, line, column },
                    format!("arrays of at most {limit} items, the most any schema in the bundle allows"),
                )
            }
            Some(LimitHit::DuplicateKey) => Problem::body(
                String::new(),
                ProblemKind::DuplicateKey { line, column },
                "each key at most once in an object".to_owned(),
            ),
            Some(LimitHit::NotAnInteger) => Problem::body(
                String::new(),
                ProblemKind::NotAnInteger { line, column },
                "numbers written as plain integers (digits only: no fraction, exponent or -0), within 64 bits"
                    .to_owned(),
            ),
            // The exact path's map takes any number of members, so this only comes from the fast path.
            Some(LimitHit::LeftToExactPath) | None => Problem::body(
                String::new(),
                ProblemKind::NotJson { line, column },
                format!("a JSON document ({error})"),
            ),
        })
    }

    fn check_envelope(&self, envelope: &Value, index: Option<usize>, base: &str, report: &mut Report) {
        let name = envelope.get("event").and_then(Value::as_str);
        let context = EventContext { index, name, base };
        if !self.envelope.is_valid(envelope) {
            report.walk(self.envelope.iter_errors(envelope), |error| context.problem_from(error, ""));
        }
        let Some(name) = name else {
            return; // The envelope schema has reported the missing or mistyped name.
        };
        let Some(versions) = self.events.get(name) else {
            report.push(context.problem(
                "/event",
                ProblemKind::UnknownEvent,
                format!("the name of one of the {} events in the bundle", self.events.len()),
            ));
            return;
        };
        // The parser refuses `2.0` and the like, so an integral version is a `u64` here. (JSON Schema's `integer`
        // accepts `2.0`; reading only `2` once let `2.0` skip the payload check altogether.)
        let Some(version) = envelope.get("schema_version").and_then(Value::as_u64) else {
            return; // Reported by the envelope schema.
        };
        let Some(EventVersion { payload: payload_validator, .. }) =
            versions.iter().find(|event| u64::from(event.version) == version)
        else {
            let known: Vec<String> = versions.iter().map(|event| event.version.to_string()).collect();
            report.push(context.problem(
                "/schema_version",
                ProblemKind::UnknownSchemaVersion,
                format!("schema version {} of event {name}", known.join(" or ")),
            ));
            return;
        };
        let Some(payload) = envelope.get("payload") else {
            return; // Reported by the envelope schema.
        };
        if !payload_validator.is_valid(payload) {
            report.walk(payload_validator.iter_errors(payload), |error| context.problem_from(error, "/payload"));
        }
    }
}

fn body_too_large(limits: &Limits, actual: usize) -> Rejection {
    Rejection::one(Problem::body(
        String::new(),
        ProblemKind::BodyTooLarge { limit: limits.max_body_bytes, actual },
        format!("a body of at most {} bytes; send smaller batches", limits.max_body_bytes),
    ))
}

/// How long an array and how many members an object of a valid envelope can have, read from the bundle's schemas:
/// the largest `maxItems`, and the most `properties` a closed object (`"additionalProperties": false`) lists.
/// Either is `None` when some schema leaves it open (an array schema without `maxItems`, an object schema that
/// is not closed), and the body size alone bounds it then. The envelope's own `payload` (any object) is not
/// counted as open: the bundle narrows it to the event's payload schema, which is closed. A schema that does not
/// say a value's type at all (`{}`, `true`, `{"minimum": 1}`) would accept any array or object there, and is not
/// looked for: the toolkit's renderer gives every value a type, a `$ref` or an enumeration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Shapes {
    max_array_len: Option<usize>,
    max_object_len: Option<usize>,
    /// The most arrays and objects one valid envelope can hold (see [`containers`]).
    max_containers: Option<usize>,
}

impl Shapes {
    fn of(defs: &serde_json::Map<String, Value>) -> Self {
        let mut shapes = Self { max_array_len: Some(0), max_object_len: Some(0), max_containers: None };
        for (key, schema) in defs {
            if key == BUNDLE_ENVELOPE_DEF
                && let Some(envelope) = schema.as_object()
            {
                for (keyword, value) in envelope {
                    if keyword == "properties"
                        && let Some(properties) = value.as_object()
                    {
                        shapes.object(envelope);
                        for (name, property) in properties {
                            if name != "payload" {
                                shapes.walk(property);
                            }
                        }
                    } else if keyword != "const" && keyword != "enum" {
                        shapes.walk(value);
                    }
                }
            } else {
                shapes.walk(schema);
            }
        }
        shapes.max_containers = envelope_containers(defs);
        shapes
    }

    fn walk(&mut self, schema: &Value) {
        match schema {
            Value::Object(map) => {
                self.object(map);
                for (key, value) in map {
                    // `const` and `enum` hold instances, not schemas.
                    if key != "const" && key != "enum" {
                        self.walk(value);
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| self.walk(item)),
            _ => {}
        }
    }

    /// Takes in what one schema object says about arrays and objects.
    fn object(&mut self, map: &serde_json::Map<String, Value>) {
        let says_type = |name: &str| {
            map.get("type")
                .is_some_and(|ty| ty == name || ty.as_array().is_some_and(|types| types.iter().any(|t| t == name)))
        };
        let is_array = says_type("array") || map.contains_key("items") || map.contains_key("prefixItems");
        match map.get("maxItems").and_then(Value::as_u64) {
            Some(max) => widen(&mut self.max_array_len, max),
            None if is_array => self.max_array_len = None,
            None => {}
        }
        let is_object = says_type("object") || map.contains_key("properties") || map.contains_key("patternProperties");
        let closed =
            map.get("additionalProperties") == Some(&Value::Bool(false)) && !map.contains_key("patternProperties");
        if is_object {
            if is_closed_union(map) {
                // Its value matches one branch, a closed object that `walk` counts on its own.
            } else if closed {
                let listed = map.get("properties").and_then(Value::as_object).map_or(0, serde_json::Map::len);
                widen(&mut self.max_object_len, listed as u64);
            } else if let Some(max) = map_max_properties(map) {
                widen(&mut self.max_object_len, max as u64);
            } else {
                self.max_object_len = None;
            }
        }
    }
}

/// The most arrays and objects one valid envelope can hold: those of the envelope schema without its `payload`,
/// plus the most any event's payload schema allows. `None` (no container limit) when a schema says something
/// [`containers`] does not follow.
fn envelope_containers(defs: &serde_json::Map<String, Value>) -> Option<usize> {
    let mut envelope = defs.get(BUNDLE_ENVELOPE_DEF)?.clone();
    envelope.get_mut("properties")?.as_object_mut()?.remove("payload");
    let around = containers(&envelope, &envelope, 0)?;
    let mut payload = 0;
    for schema in defs.iter().filter(|(key, _)| *key != BUNDLE_ENVELOPE_DEF).map(|(_, schema)| schema) {
        payload = payload.max(containers(schema, schema, 0)?);
    }
    around.checked_add(payload)
}

/// The most arrays and objects a value valid against `schema` can hold (itself included), following `$ref`s into
/// `root`'s `$defs`. Knows the keywords the toolkit's renderer writes; any other keyword that could let more
/// containers in (`patternProperties`, `allOf`, `anyOf`, an open object, an array without `maxItems`, …) gives
/// `None`. Only ever an over-estimate, so no valid body is refused for it.
fn containers(schema: &Value, root: &Value, depth: usize) -> Option<usize> {
    const SCALAR_KEYWORDS: &[&str] = &[
        "$id",
        "$schema",
        "$defs",
        "title",
        "description",
        "type",
        "required",
        "const",
        "enum",
        "minimum",
        "maximum",
        "pattern",
        "maxLength",
        "minLength",
        "uniqueItems",
        "minItems",
        "maxItems",
        "not",
    ];
    if depth > 32 {
        return None; // a cycle, or nesting no toolkit schema has
    }
    let map = match schema {
        Value::Bool(_) => return if schema == &Value::Bool(false) { Some(0) } else { None },
        Value::Object(map) => map,
        _ => return None,
    };
    let mut count: usize = 0;
    let says_type = |name: &str| {
        map.get("type")
            .is_some_and(|ty| ty == name || ty.as_array().is_some_and(|types| types.iter().any(|t| t == name)))
    };
    if says_type("object") || map.contains_key("properties") {
        if is_closed_union(map) {
            // A tagged union: the value is one of the branches, each a closed object counted (itself included)
            // by the `oneOf` arm below.
        } else if let Some(max) = map_max_properties(map) {
            // A map keyed by an enum: at most `maxProperties` values, each of the `additionalProperties` schema.
            let per_value = containers(map.get("additionalProperties")?, root, depth + 1)?;
            count = max.checked_mul(per_value)?.checked_add(1)?;
        } else {
            if map.get("additionalProperties") != Some(&Value::Bool(false)) {
                return None;
            }
            count = 1;
            for property in map.get("properties").and_then(Value::as_object).into_iter().flat_map(|p| p.values()) {
                count = count.checked_add(containers(property, root, depth + 1)?)?;
            }
        }
    }
    if says_type("array") || map.contains_key("items") {
        let max_items = usize::try_from(map.get("maxItems")?.as_u64()?).ok()?;
        let per_item = match map.get("items") {
            Some(items) => containers(items, root, depth + 1)?,
            None => return None,
        };
        count = count.checked_add(max_items.checked_mul(per_item)?.checked_add(1)?)?;
    }
    for (keyword, value) in map {
        match keyword.as_str() {
            // `propertyNames` only constrains key strings; `maxProperties` was read above.
            "properties" | "additionalProperties" | "items" | "propertyNames" | "maxProperties" => {}
            "$ref" => {
                let name = value.as_str()?.strip_prefix("#/$defs/")?;
                let target = root.get("$defs")?.get(name)?;
                count = count.checked_add(containers(target, root, depth + 1)?)?;
            }
            "oneOf" => {
                let mut most = 0;
                for branch in value.as_array()? {
                    most = most.max(containers(branch, root, depth + 1)?);
                }
                count = count.checked_add(most)?;
            }
            other if SCALAR_KEYWORDS.contains(&other) => {}
            _ => return None,
        }
    }
    Some(count)
}

/// The `maxProperties` of a map the toolkit's renderer writes (a `BTreeMap` keyed by an enum): an object with no
/// `properties`, its keys limited by `propertyNames`, its values by an `additionalProperties` schema, and at most
/// `maxProperties` of them. `None` for any other object schema.
fn map_max_properties(map: &serde_json::Map<String, Value>) -> Option<usize> {
    if map.contains_key("properties") || map.contains_key("patternProperties") || !map.contains_key("propertyNames") {
        return None;
    }
    if !map.get("additionalProperties").is_some_and(Value::is_object) {
        return None;
    }
    usize::try_from(map.get("maxProperties")?.as_u64()?).ok()
}

/// A tagged union as the renderer writes it (`{"type": "object", "oneOf": [...]}`): nothing of its own but the type
/// and words, and every branch a closed object (`"additionalProperties": false`, no `patternProperties`). A value
/// valid against it is valid against one branch, so the branches bound its members and containers; anything else
/// next to the `oneOf` (properties, an `additionalProperties` schema) leaves the object open.
fn is_closed_union(map: &serde_json::Map<String, Value>) -> bool {
    let words_only = map.keys().all(|key| matches!(key.as_str(), "type" | "oneOf" | "title" | "description"));
    let Some(branches) = map.get("oneOf").and_then(Value::as_array) else { return false };
    words_only
        && !branches.is_empty()
        && branches.iter().all(|branch| {
            branch.get("type") == Some(&Value::from("object"))
                && branch.get("additionalProperties") == Some(&Value::Bool(false))
                && branch.get("patternProperties").is_none()
        })
}

fn widen(longest: &mut Option<usize>, candidate: u64) {
    if let Some(longest) = longest {
        *longest = (*longest).max(usize::try_from(candidate).unwrap_or(usize::MAX));
    }
}

fn compile(schema: &Value, key: &str) -> Result<jsonschema::Validator, BundleError> {
    compile_options()
        .build(&with_draft(schema.clone()))
        .map_err(|err| BundleError::new(format!("\"$defs/{key}\" is not a valid schema: {err}")))
}

fn with_draft(mut schema: Value) -> Value {
    if let Value::Object(map) = &mut schema {
        map.insert("$schema".into(), DRAFT_2020_12.into());
    }
    schema
}

/// The same options for both representations.
fn compile_options<'i, F: jsonschema::json::Json>()
-> jsonschema::ValidationOptions<'i, std::sync::Arc<dyn jsonschema::Retrieve>, F> {
    jsonschema::options_for::<F>()
        .with_draft(Draft::Draft202012)
        // Linear-time matching: the patterns are the toolkit's own and need no backtracking.
        .with_pattern_options(PatternOptions::regex())
}

/// The bundle could not be turned into a validator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleError {
    message: String,
}

impl BundleError {
    fn new(message: impl Into<String>) -> Self {
        Self { message: message.into() }
    }
}

impl fmt::Display for BundleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "cannot build a telemetry validator: {}; regenerate bundle.json with the toolkit's `bundle_schema` \
             (docs-gen writes it to schemas/bundle.json)",
            self.message
        )
    }
}

impl std::error::Error for BundleError {}

/// Why a body was refused: one or more [`Problem`]s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    problems: Vec<Problem>,
    unreported: usize,
}

impl Rejection {
    fn one(problem: Problem) -> Self {
        Self { problems: vec![problem], unreported: 0 }
    }

    /// The problems, in the order of the body (at most [`MAX_REPORTED_PROBLEMS`]); never empty.
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }

    /// At least how many further problems there were. Once [`MAX_REPORTED_PROBLEMS`] are reported, each further
    /// failed check (an envelope, or its payload) is walked only far enough to see one more problem, and counted
    /// once: `0` means the list is complete.
    pub fn unreported(&self) -> usize {
        self.unreported
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "telemetry body rejected:")?;
        for problem in &self.problems {
            write!(f, "\n  {problem}")?;
        }
        if self.unreported > 0 {
            write!(f, "\n  … and {} more", self.unreported)?;
        }
        Ok(())
    }
}

impl std::error::Error for Rejection {}

/// One thing wrong with a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    event_index: Option<usize>,
    event_name: Option<String>,
    pointer: String,
    kind: ProblemKind,
    expected: String,
}

impl Problem {
    fn body(pointer: String, kind: ProblemKind, expected: String) -> Self {
        Self { event_index: None, event_name: None, pointer, kind, expected }
    }

    /// The index of the envelope in the batch; `None` for a single envelope or a problem of the whole body.
    pub fn event_index(&self) -> Option<usize> {
        self.event_index
    }

    /// The envelope's `event`, when it is a string (even an unknown one).
    pub fn event_name(&self) -> Option<&str> {
        self.event_name.as_deref()
    }

    /// Where in the body: a JSON pointer (RFC 6901) from the body's root, e.g. `/events/3/payload/page_count`.
    pub fn pointer(&self) -> &str {
        &self.pointer
    }

    /// What kind of problem.
    pub fn kind(&self) -> &ProblemKind {
        &self.kind
    }

    /// What was expected there, in words, e.g. `a number of at most 255`.
    pub fn expected(&self) -> &str {
        &self.expected
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(index) = self.event_index {
            write!(f, "event #{index} ")?;
        }
        if let Some(name) = &self.event_name {
            write!(f, "({name}) ")?;
        }
        let at = if self.pointer.is_empty() { "the body" } else { &self.pointer };
        write!(f, "at {at}: expected {}", self.expected)
    }
}

/// The kinds of [`Problem`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProblemKind {
    /// The body is larger than [`Limits::max_body_bytes`]; it was not parsed.
    BodyTooLarge {
        /// The limit.
        limit: usize,
        /// The body's size.
        actual: usize,
    },
    /// Arrays or objects nest deeper than [`Limits::max_depth`]; parsing stopped there.
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// The batch holds more than [`Limits::max_batch_len`] envelopes; parsing stopped there.
    BatchTooLong {
        /// The limit.
        limit: usize,
    },
    /// An array is longer than any the bundle allows (its largest `maxItems`); parsing stopped there.
    ArrayTooLong {
        /// The longest array any schema of the bundle allows.
        limit: usize,
        /// 1-based line where parsing stopped.
        line: usize,
        /// 1-based column where parsing stopped.
        column: usize,
    },
    /// An object has more members than any schema in the bundle allows (plus a small margin, so that a few
    /// unknown keys are still named); parsing stopped there.
    ObjectTooLarge {
        /// The most members accepted.
        limit: usize,
        /// 1-based line where parsing stopped.
        line: usize,
        /// 1-based column where parsing stopped.
        column: usize,
    },
    /// The body holds more arrays and objects than the envelopes it may carry can have (plus a small margin);
    /// parsing stopped there. Each is an allocation however little input it takes, so only their number bounds
    /// what a body of nested one-child arrays or objects costs.
    TooManyContainers {
        /// The most arrays and objects accepted in this body (a batch or one envelope).
        limit: usize,
        /// 1-based line where parsing stopped.
        line: usize,
        /// 1-based column where parsing stopped.
        column: usize,
    },
    /// A number is not written as a plain integer: it has a fraction (`1.0`), an exponent (`1e2`), is `-0`, or
    /// needs more than 64 bits. The client never writes one, and JSON Schema's `integer` would let `14.000…0`
    /// carry a megabyte of digits, so none is accepted.
    NotAnInteger {
        /// 1-based line where parsing stopped.
        line: usize,
        /// 1-based column where parsing stopped.
        column: usize,
    },
    /// The body is not one JSON document (or not UTF-8).
    NotJson {
        /// 1-based line of the error, 0 when at the end.
        line: usize,
        /// 1-based column of the error.
        column: usize,
    },
    /// An object repeats a key (readers disagree on which value counts, so none is accepted).
    DuplicateKey {
        /// 1-based line where parsing stopped.
        line: usize,
        /// 1-based column where parsing stopped.
        column: usize,
    },
    /// The body is not a batch object with an `events` array.
    NotABatch,
    /// The envelope names an event the bundle does not know.
    UnknownEvent,
    /// The bundle knows the event, but not in this schema version.
    UnknownSchemaVersion,
    /// A value does not match the schema (wrong type, out of range, unknown field or variant, …).
    Schema,
}

struct EventContext<'a> {
    index: Option<usize>,
    name: Option<&'a str>,
    base: &'a str,
}

impl EventContext<'_> {
    fn problem(&self, pointer: &str, kind: ProblemKind, expected: String) -> Problem {
        Problem {
            event_index: self.index,
            event_name: self.name.map(str::to_owned),
            pointer: format!("{}{pointer}", self.base),
            kind,
            expected,
        }
    }

    fn problem_from(&self, error: &ValidationError<'_>, prefix: &str) -> Problem {
        let pointer = format!("{prefix}{}", error.instance_path().as_str());
        self.problem(&pointer, ProblemKind::Schema, expected(error))
    }
}

/// Says in words what the schema wanted.
fn expected(error: &ValidationError<'_>) -> String {
    match error.kind() {
        ValidationErrorKind::Type { kind } => match kind {
            TypeKind::Single(ty) => format!("{} {ty}", article(&ty.to_string())),
            TypeKind::Multiple(types) => {
                let names: Vec<String> = types.iter().map(|t| t.to_string()).collect();
                format!("one of the types {}", names.join(", "))
            }
        },
        ValidationErrorKind::Minimum { limit } => format!("a number of at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("a number of at most {limit}"),
        ValidationErrorKind::Required { property } => format!("the required property {property}"),
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            // A hostile object may hold a hundred thousand unknown keys: name a few.
            const NAMED: usize = 10;
            let mut names: Vec<String> = unexpected.iter().take(NAMED).map(|name| format!("{name:?}")).collect();
            if unexpected.len() > NAMED {
                names.push(format!("and {} more", unexpected.len() - NAMED));
            }
            format!("no property {} (the schema lists every allowed property)", names.join(", "))
        }
        ValidationErrorKind::Pattern { pattern } => format!("a string matching {pattern}"),
        ValidationErrorKind::Constant { expected_value } => format!("the value {expected_value}"),
        ValidationErrorKind::Enum { options } => format!("one of {options}"),
        ValidationErrorKind::OneOfNotValid { context } | ValidationErrorKind::AnyOf { context } => {
            // The toolkit's enums are `oneOf` of `const` + `description`: list the allowed names.
            let consts: Option<Vec<String>> = context
                .iter()
                .map(|branch| match branch.as_slice() {
                    [only] => match only.kind() {
                        ValidationErrorKind::Constant { expected_value } => Some(expected_value.to_string()),
                        _ => None,
                    },
                    _ => None,
                })
                .collect();
            match consts {
                Some(names) if !names.is_empty() => format!("one of {}", names.join(", ")),
                _ => union_expected(error, context).unwrap_or_else(|| error.to_string()),
            }
        }
        ValidationErrorKind::UniqueItems => "an array without repeated items".to_owned(),
        ValidationErrorKind::MaxItems { limit } => format!("an array of at most {limit} items"),
        // A map keyed by an enum: its keys are the enum's names, each at most once.
        ValidationErrorKind::MaxProperties { limit } => format!("an object of at most {limit} properties"),
        ValidationErrorKind::PropertyNames { error } => format!("property names that are each {}", expected(error)),
        _ => error.to_string(),
    }
}

/// What a tagged union wanted (an enum whose variants carry groups: `oneOf` a closed object per case, each with
/// its case name as a `const` under the tag, `telemetry_schema::UNION_TAG`): the tag's allowed names when no case
/// matched the tag, else what the named case's fields wanted. `None` for any other `oneOf`.
fn union_expected(error: &ValidationError<'_>, context: &[Vec<ValidationError<'_>>]) -> Option<String> {
    let tag_path = format!("{}/{}", error.instance_path().as_str(), telemetry_schema::UNION_TAG);
    let mut names = Vec::new();
    let mut named_case = None;
    for branch in context {
        let tag_error = branch.iter().find_map(|e| match e.kind() {
            ValidationErrorKind::Constant { expected_value } if e.instance_path().as_str() == tag_path => {
                Some(expected_value.to_string())
            }
            _ => None,
        });
        match tag_error {
            Some(name) => names.push(name),
            None => named_case = Some(branch),
        }
    }
    let tag = telemetry_schema::UNION_TAG;
    match named_case {
        // The tag names this case (or is missing, which every case requires): what this case wanted.
        Some(branch) => {
            let first = branch.first()?;
            let at = first.instance_path().as_str().strip_prefix(error.instance_path().as_str()).unwrap_or("");
            let at = if at.is_empty() { String::new() } else { format!(" at {at}") };
            Some(format!("{}{at}", expected(first)))
        }
        None if !names.is_empty() => Some(format!("an object whose {tag:?} is one of {}", names.join(", "))),
        None => None,
    }
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" }
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

#[derive(Default)]
struct Report {
    problems: Vec<Problem>,
    unreported: usize,
}

impl Report {
    fn push(&mut self, problem: Problem) {
        if self.problems.len() < MAX_REPORTED_PROBLEMS {
            self.problems.push(problem);
        } else {
            self.unreported += 1;
        }
    }

    /// Reports the errors of one failed check, walking no further than the report has room for: past the cap,
    /// one more error is taken only to count that there were more.
    fn walk<'e>(
        &mut self,
        errors: impl Iterator<Item = ValidationError<'e>>,
        mut problem: impl FnMut(&ValidationError<'e>) -> Problem,
    ) {
        let room = MAX_REPORTED_PROBLEMS - self.problems.len().min(MAX_REPORTED_PROBLEMS);
        for error in errors.take(room + 1) {
            if self.problems.len() < MAX_REPORTED_PROBLEMS {
                self.problems.push(problem(&error));
            } else {
                self.unreported += 1;
            }
        }
    }

    fn finish(self) -> Result<(), Rejection> {
        if self.problems.is_empty() {
            Ok(())
        } else {
            Err(Rejection { problems: self.problems, unreported: self.unreported })
        }
    }
}

#[cfg(test)]
mod map_shape_tests {
    use serde_json::json;

    use super::*;

    fn map_of_groups() -> Value {
        json!({
            "type": "object",
            "propertyNames": {"$ref": "#/$defs/Provider"},
            "additionalProperties": {
                "type": "object",
                "properties": {"on": {"type": "boolean"}},
                "required": ["on"],
                "additionalProperties": false
            },
            "maxProperties": 3
        })
    }

    #[test]
    fn a_map_keyed_by_an_enum_has_a_container_and_member_limit() {
        let root = json!({"$defs": {"Provider": {"type": "string", "enum": ["A", "B", "C"]}}});
        // The map itself, and at most 3 group values.
        assert_eq!(containers(&map_of_groups(), &root, 0), Some(4));
        let mut shapes = Shapes { max_array_len: Some(0), max_object_len: Some(0), max_containers: None };
        shapes.walk(&map_of_groups());
        assert_eq!(shapes.max_object_len, Some(3));
    }

    #[test]
    fn an_object_open_to_any_key_has_no_limit() {
        let root = json!({});
        for without in ["propertyNames", "maxProperties"] {
            let mut open = map_of_groups();
            open.as_object_mut().unwrap().remove(without);
            assert_eq!(containers(&open, &root, 0), None, "without {without}");
            let mut shapes = Shapes { max_array_len: Some(0), max_object_len: Some(0), max_containers: None };
            shapes.walk(&open);
            assert_eq!(shapes.max_object_len, None, "without {without}");
        }
    }

    /// A tagged union as the renderer writes it: an object whose `oneOf` branches are each a closed object.
    fn union_of_groups() -> Value {
        json!({
            "type": "object",
            "oneOf": [
                {"type": "object", "properties": {"kind": {"const": "Success"}}, "required": ["kind"],
                 "additionalProperties": false},
                {"type": "object",
                 "properties": {"kind": {"const": "Failure"}, "retries": {"type": "integer"}, "why": map_of_groups()},
                 "required": ["kind", "retries"], "additionalProperties": false}
            ]
        })
    }

    #[test]
    fn a_union_of_closed_groups_keeps_the_container_and_member_limits() {
        let root = json!({});
        // The union's object (counted by its largest branch), and the map with its 3 group values inside it.
        assert_eq!(containers(&union_of_groups(), &root, 0), Some(5));
        let mut shapes = Shapes { max_array_len: Some(0), max_object_len: Some(0), max_containers: None };
        shapes.walk(&union_of_groups());
        assert_eq!(shapes.max_object_len, Some(3));
    }

    #[test]
    fn a_union_with_an_open_branch_has_no_limit() {
        let root = json!({});
        let mut open = union_of_groups();
        open["oneOf"][0].as_object_mut().unwrap().remove("additionalProperties");
        assert_eq!(containers(&open, &root, 0), None);
        let mut shapes = Shapes { max_array_len: Some(0), max_object_len: Some(0), max_containers: None };
        shapes.walk(&open);
        assert_eq!(shapes.max_object_len, None);
        // Nor an outer object that lists properties of its own next to the branches.
        let mut listed = union_of_groups();
        listed["properties"] = json!({"extra": {"type": "integer"}});
        assert_eq!(containers(&listed, &root, 0), None);
    }
}
