//! From request bytes to rows: decompression with caps, the batch's shape, each envelope through the validator,
//! then one typed value per column. Pure and synchronous, so it is tested without a server.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::io::Read as _;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Value, json};

use crate::model::{ColumnType, Model};
use crate::store::{EventRow, PreparedBatch, QuarantineRow, SqlValue};
use crate::validate::{Limits, Reason, Validator};

/// At most this many problems go back in a response.
pub const MAX_PROBLEMS_IN_RESPONSE: usize = 20;
/// At most this many problems are kept for one quarantined event (the rest are counted).
pub const MAX_PROBLEMS_PER_EVENT: usize = 10;
/// Pointers and event names from a hostile body are cut to this many bytes before they are stored or answered.
const MAX_ECHOED_TEXT: usize = 128;
/// A problem's explanation (`expected`) is cut to this many bytes: it can quote what was sent (an unknown
/// field's name, a string that does not match), and `--quarantine-bytes` bounds only the bytes kept.
const MAX_EXPLANATION: usize = 256;

/// Bounds on what one request may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IngestLimits {
    /// The largest request body, as sent (compressed or not).
    pub max_body_bytes: usize,
    /// The largest body after decompression; decompression stops as soon as it is passed.
    pub max_decompressed_bytes: usize,
    /// The most envelopes in one batch.
    pub max_batch_events: usize,
    /// The largest envelope (a valid one is well under 4 KiB): a larger one is quarantined unparsed, so the
    /// validator never works on more than this at once, whatever the body holds.
    pub max_envelope_bytes: usize,
    /// The deepest nesting inside one envelope (the envelope itself is 1).
    pub max_envelope_depth: usize,
    /// How many bytes of a rejected event or body are kept in `quarantine.body`.
    pub quarantine_bytes: usize,
}

impl Default for IngestLimits {
    fn default() -> Self {
        Self {
            max_body_bytes: 1 << 20,
            max_decompressed_bytes: 1 << 20,
            max_batch_events: 1_000,
            max_envelope_bytes: 16 << 10,
            max_envelope_depth: 8,
            quarantine_bytes: 64 << 10,
        }
    }
}

/// A body refused before it is read as a batch: answered 413, 415 or 400, and not stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// Larger than a limit (`what` says which: "body" or "decompressed body").
    TooLarge {
        /// Which limit.
        what: &'static str,
        /// The limit, in bytes.
        limit: usize,
    },
    /// `Content-Encoding: gzip` but not gzip, or truncated.
    BadGzip(String),
    /// A `Content-Encoding` other than gzip or identity, or more than one coding (gzip applied twice).
    UnsupportedEncoding(String),
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::TooLarge { what, limit } => {
                write!(f, "the {what} is larger than {limit} bytes; send smaller batches")
            }
            Self::BadGzip(error) => write!(f, "the body is not valid gzip: {error}"),
            Self::UnsupportedEncoding(encoding) => {
                write!(f, "Content-Encoding {encoding:?} is not supported; send gzip or no encoding")
            }
        }
    }
}

/// What one body becomes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prepared {
    /// What to commit.
    pub batch: PreparedBatch,
    /// For a body that is not a batch: why (answered 400 once the body is in quarantine).
    pub body_reason: Option<Reason>,
    /// The problems to answer with (body or events), at most [`MAX_PROBLEMS_IN_RESPONSE`], pointers from the
    /// body's root.
    pub problems: Vec<Value>,
    /// The reason of each quarantined row, for the metrics.
    pub quarantine_reasons: Vec<Reason>,
}

/// Turns bodies into rows. Shared by all request handlers (`Send + Sync`).
#[derive(Debug)]
pub struct Ingest {
    validator: Validator,
    model: Model,
    limits: IngestLimits,
}

impl Ingest {
    /// An ingest over `model`, validating with `validator` (its limits are set from `limits`).
    pub fn new(validator: Validator, model: Model, limits: IngestLimits) -> Self {
        let validator = validator.with_limits(Limits {
            max_body_bytes: limits.max_envelope_bytes,
            max_batch_len: limits.max_batch_events,
            max_depth: limits.max_envelope_depth,
        });
        Self { validator, model, limits }
    }

    /// The tables.
    pub fn model(&self) -> &Model {
        &self.model
    }

    /// The limits.
    pub fn limits(&self) -> IngestLimits {
        self.limits
    }

    /// Decompresses a body per its `Content-Encoding` (every field of the header, joined with commas), stopping
    /// as soon as the decompressed size passes the limit. A gzip body whose trailer announces more than the limit
    /// is refused before any inflating; a body that does not start like gzip is refused as not gzip.
    ///
    /// # Errors
    /// See [`BodyError`].
    pub fn decode<'b>(&self, content_encoding: Option<&str>, body: &'b [u8]) -> Result<Cow<'b, [u8]>, BodyError> {
        let limit = self.limits.max_decompressed_bytes;
        if body.len() > self.limits.max_body_bytes {
            return Err(BodyError::TooLarge { what: "body", limit: self.limits.max_body_bytes });
        }
        // A list of codings, in the order applied (several header fields are one comma-separated list);
        // `identity` is no coding, and coding names are case-insensitive.
        let mut codings = content_encoding
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|coding| !coding.is_empty() && !coding.eq_ignore_ascii_case("identity"));
        match (codings.next(), codings.next()) {
            (None, _) => {
                if body.len() > limit {
                    return Err(BodyError::TooLarge { what: "decompressed body", limit });
                }
                Ok(Cow::Borrowed(body))
            }
            (Some(encoding), None)
                if encoding.eq_ignore_ascii_case("gzip") || encoding.eq_ignore_ascii_case("x-gzip") =>
            {
                // Not gzip at all (a client that labels plain JSON gzip): say so, rather than read its last
                // bytes as a trailer announcing gigabytes.
                if !body.starts_with(&[0x1f, 0x8b]) {
                    return Err(BodyError::BadGzip("it does not start with the gzip magic bytes 1f 8b".into()));
                }
                // The trailer's ISIZE is the size of the last member modulo 2^32: a cheap early refusal of an
                // honest bomb; a lying trailer is still stopped by the capped read below.
                if let Some(trailer) = body.len().checked_sub(4).and_then(|at| body.get(at..))
                    && body.len() >= 18
                {
                    let announced = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
                    if announced as usize > limit {
                        return Err(BodyError::TooLarge {
                            what: "decompressed body the gzip trailer announces",
                            limit,
                        });
                    }
                }
                let mut out = Vec::with_capacity((body.len() * 4).min(limit));
                let decoder = flate2::read::MultiGzDecoder::new(body);
                decoder
                    .take(limit as u64 + 1)
                    .read_to_end(&mut out)
                    .map_err(|error| BodyError::BadGzip(error.to_string()))?;
                if out.len() > limit {
                    return Err(BodyError::TooLarge { what: "decompressed body", limit });
                }
                Ok(Cow::Owned(out))
            }
            _ => Err(BodyError::UnsupportedEncoding(cut(content_encoding.unwrap_or_default()).into_owned())),
        }
    }

    /// Reads a decompressed body as a batch and each envelope against the bundle.
    pub fn prepare(&self, body: &[u8], received_at: i64) -> Prepared {
        let mut prepared = Prepared {
            batch: PreparedBatch { received_at, ..PreparedBatch::default() },
            body_reason: None,
            problems: Vec::new(),
            quarantine_reasons: Vec::new(),
        };
        let batch = match parse_batch(body, self.limits.max_batch_events) {
            Ok(batch) => batch,
            Err((reason, expected)) => {
                self.quarantine_body(&mut prepared, body, reason, expected);
                return prepared;
            }
        };
        let Some(batch_id) = batch.batch_id.filter(|id| is_batch_id(id.get())) else {
            let expected = "a \"batch_id\" of 32 lower-case hex digits (the same on every retry of the batch)";
            self.quarantine_body(&mut prepared, body, Reason::BatchId, expected.into());
            return prepared;
        };
        let batch_id = batch_id.get().trim_matches('"').to_owned();
        prepared.batch.batch_id = Some(batch_id.clone());
        prepared.batch.event_count = batch.events.len();
        for (index, envelope) in batch.events.iter().enumerate() {
            if let Err((reason, problems, event)) = self.row(envelope.get(), received_at).map(|row| {
                prepared.batch.rows.push(row);
            }) {
                for problem in &problems {
                    if prepared.problems.len() < MAX_PROBLEMS_IN_RESPONSE {
                        let mut problem = problem.clone();
                        problem["pointer"] =
                            format!("/events/{index}{}", problem["pointer"].as_str().unwrap_or("")).into();
                        problem["event_index"] = index.into();
                        prepared.problems.push(problem);
                    }
                }
                prepared.quarantine_reasons.push(reason);
                prepared.batch.quarantine.push(QuarantineRow {
                    batch_id: Some(batch_id.clone()),
                    event_index: u32::try_from(index).ok(),
                    event,
                    reason: reason.label(),
                    problems: Value::Array(problems).to_string(),
                    bytes: envelope.get().as_bytes()[..envelope.get().len().min(self.limits.quarantine_bytes)].to_vec(),
                    size: envelope.get().len(),
                });
            }
        }
        prepared
    }

    fn quarantine_body(&self, prepared: &mut Prepared, body: &[u8], reason: Reason, expected: String) {
        let problem = json!({"pointer": "", "kind": reason.label(), "expected": cut_at(&expected, MAX_EXPLANATION)});
        prepared.body_reason = Some(reason);
        prepared.problems.push(problem.clone());
        prepared.quarantine_reasons.push(reason);
        prepared.batch.quarantine.push(QuarantineRow {
            batch_id: None,
            event_index: None,
            event: None,
            reason: reason.label(),
            problems: Value::Array(vec![problem]).to_string(),
            bytes: body[..body.len().min(self.limits.quarantine_bytes)].to_vec(),
            size: body.len(),
        });
    }

    /// One envelope → one row, or why not: (reason, problems with pointers from the envelope, event name).
    #[allow(clippy::type_complexity)]
    fn row(&self, envelope: &str, received_at: i64) -> Result<EventRow, (Reason, Vec<Value>, Option<String>)> {
        if envelope.len() > self.limits.max_envelope_bytes {
            let expected = format!("an envelope of at most {} bytes", self.limits.max_envelope_bytes);
            return Err((
                Reason::TooLarge,
                vec![json!({"pointer": "", "kind": "too_large", "expected": expected})],
                None,
            ));
        }
        if let Err(rejection) = self.validator.validate_envelope(envelope.as_bytes()) {
            let mut problems: Vec<Value> = rejection
                .problems()
                .iter()
                .take(MAX_PROBLEMS_PER_EVENT)
                .map(|problem| {
                    json!({
                        "pointer": cut(problem.pointer()),
                        "kind": Reason::of(problem.kind()).label(),
                        "expected": cut_at(problem.expected(), MAX_EXPLANATION),
                    })
                })
                .collect();
            let unreported = rejection.problems().len().saturating_sub(MAX_PROBLEMS_PER_EVENT) + rejection.unreported();
            if unreported > 0 {
                problems
                    .push(json!({"pointer": "", "kind": "more", "expected": format!("{unreported} more problems")}));
            }
            let reason = rejection.problems().first().map_or(Reason::Schema, |problem| Reason::of(problem.kind()));
            let event =
                rejection.problems().iter().find_map(|problem| problem.event_name()).map(|n| cut(n).into_owned());
            return Err((reason, problems, event));
        }
        // Valid, so small and well-formed: a parse that borrows its strings from the body is bounded and cheap.
        let value: Node<'_> = serde_json::from_str(envelope).map_err(|error| {
            (Reason::NotJson, vec![json!({"pointer": "", "kind": "not_json", "expected": error.to_string()})], None)
        })?;
        let event = match value.get("event") {
            Some(Node::Str(name)) => name.as_ref(),
            _ => "",
        };
        let refuse = |reason: Reason, pointer: String, expected: &str| {
            Err((
                reason,
                vec![json!({"pointer": pointer, "kind": reason.label(), "expected": expected})],
                Some(cut(event).into_owned()),
            ))
        };
        // JSON Schema's `integer` also accepts `1.0`; the store takes whole numbers written as such only.
        let Some(version) = value.get("schema_version").and_then(Node::as_u64).and_then(|v| u32::try_from(v).ok())
        else {
            return refuse(Reason::Schema, "/schema_version".into(), "a whole number written without a fraction");
        };
        let Some((table_index, table)) = self.model.table(event, version) else {
            return refuse(Reason::UnknownSchemaVersion, "/schema_version".into(), "an event version with a table");
        };
        let mut values = Vec::with_capacity(table.columns.len());
        for column in &table.columns {
            if column.path.is_empty() {
                values.push(match column.name.as_str() {
                    crate::model::BATCH_ID_COLUMN => SqlValue::BatchId,
                    _ => SqlValue::Integer(received_at),
                });
                continue;
            }
            let pointer = || format!("/{}", column.path.join("/"));
            let Some(field) = column.path.iter().try_fold(&value, |node, key| node.get(key)) else {
                values.push(SqlValue::Null);
                continue;
            };
            let sql = match (&column.ty, field) {
                (ColumnType::Bool, Node::Bool(flag)) => SqlValue::Integer(i64::from(*flag)),
                (ColumnType::Integer { .. }, Node::Whole(n)) => match i64::try_from(*n) {
                    Ok(n) => SqlValue::Integer(n),
                    Err(_) => {
                        return refuse(
                            Reason::StoreRange,
                            pointer(),
                            "a number of at most 9223372036854775807 (the store's integer range)",
                        );
                    }
                },
                (ColumnType::Integer { .. }, Node::OtherNumber) => {
                    return refuse(Reason::Schema, pointer(), "a whole number written without a fraction");
                }
                (ColumnType::Text | ColumnType::Enum(_), Node::Str(text)) => SqlValue::Text(text.as_ref().to_owned()),
                (ColumnType::EnumSet(_), Node::Array(items)) => {
                    let names: Option<Vec<&str>> = items
                        .iter()
                        .map(|item| match item {
                            Node::Str(name) => Some(name.as_ref()),
                            _ => None,
                        })
                        .collect();
                    match names {
                        Some(names) => SqlValue::Text(serde_json::to_string(&names).unwrap_or_default()),
                        None => return refuse(Reason::Schema, pointer(), "an array of variant names"),
                    }
                }
                (ColumnType::Map(_) | ColumnType::Union(_), Node::Object(_)) => {
                    let mut json = String::new();
                    if !write_node(field, &mut json) {
                        return refuse(Reason::Schema, pointer(), "an object of plain values");
                    }
                    SqlValue::Text(json)
                }
                _ => return refuse(Reason::Schema, pointer(), "a value of the column's type"),
            };
            values.push(sql);
        }
        Ok(EventRow { table: table_index, values })
    }
}

/// Writes `node` as compact JSON (a map's column holds the object sent, keys in the order sent); `false` for a
/// number that is not a plain integer, which the validator never lets through.
fn write_node(node: &Node<'_>, out: &mut String) -> bool {
    match node {
        Node::Null => out.push_str("null"),
        Node::Bool(flag) => out.push_str(if *flag { "true" } else { "false" }),
        Node::Whole(n) => out.push_str(&n.to_string()),
        Node::OtherNumber => return false,
        Node::Str(text) => out.push_str(&serde_json::to_string(text.as_ref()).unwrap_or_default()),
        Node::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                if !write_node(item, out) {
                    return false;
                }
            }
            out.push(']');
        }
        Node::Object(members) => {
            out.push('{');
            for (i, (key, value)) in members.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(key.as_ref()).unwrap_or_default());
                out.push(':');
                if !write_node(value, out) {
                    return false;
                }
            }
            out.push('}');
        }
    }
    true
}

/// A parsed envelope whose strings borrow from the body where they can: only what the row needs.
#[derive(Debug)]
enum Node<'a> {
    Null,
    Bool(bool),
    /// A non-negative integer written without fraction or exponent.
    Whole(u64),
    /// Any other number.
    OtherNumber,
    Str(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl<'a> Node<'a> {
    fn get(&self, key: &str) -> Option<&Node<'a>> {
        match self {
            Node::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_u64(&self) -> Option<u64> {
        match self {
            Node::Whole(n) => Some(*n),
            _ => None,
        }
    }
}

impl<'de> serde::Deserialize<'de> for Node<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Node<'de>, E> {
        Ok(Node::Bool(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Node<'de>, E> {
        Ok(Node::Whole(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Node<'de>, E> {
        Ok(u64::try_from(v).map_or(Node::OtherNumber, Node::Whole))
    }

    fn visit_f64<E>(self, _: f64) -> Result<Node<'de>, E> {
        Ok(Node::OtherNumber)
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Borrowed(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E>(self, v: String) -> Result<Node<'de>, E> {
        Ok(Node::Str(Cow::Owned(v)))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let mut members = Vec::with_capacity(map.size_hint().unwrap_or(8).min(32));
        // Keys through the same visitor, so they borrow (serde's `Cow<str>` always copies).
        while let Some(key) = map.next_key::<Node<'de>>()? {
            let Node::Str(key) = key else {
                return Err(A::Error::custom("a key that is not a string"));
            };
            members.push((key, map.next_value()?));
        }
        Ok(Node::Object(members))
    }
}

/// Cuts text from a body to [`MAX_ECHOED_TEXT`] bytes, at a character boundary.
fn cut(text: &str) -> Cow<'_, str> {
    cut_at(text, MAX_ECHOED_TEXT)
}

/// Cuts text to `max` bytes, at a character boundary, marking the cut with `…`.
fn cut_at(text: &str, max: usize) -> Cow<'_, str> {
    if text.len() <= max {
        return Cow::Borrowed(text);
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…", &text[..end]))
}

/// `"` + 32 lower-case hex digits + `"`, as raw JSON.
fn is_batch_id(raw: &str) -> bool {
    raw.len() == 34
        && raw.starts_with('"')
        && raw.ends_with('"')
        && raw[1..33].bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A batch whose envelopes are still raw text.
struct RawBatch<'a> {
    batch_id: Option<&'a RawValue>,
    events: Vec<&'a RawValue>,
}

/// Reads `{"batch_id": …, "events": [...]}` without parsing the envelopes, refusing any other key, a repeated
/// key and more than `max_events` envelopes as soon as they are seen.
fn parse_batch(body: &[u8], max_events: usize) -> Result<RawBatch<'_>, (Reason, String)> {
    let text = std::str::from_utf8(body).map_err(|error| (Reason::NotJson, format!("a UTF-8 body ({error})")))?;
    let hit = Cell::new(None);
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let parsed = BatchSeed { max_events, hit: &hit }
        .deserialize(&mut deserializer)
        .and_then(|batch| deserializer.end().map(|()| batch));
    match parsed {
        Ok(batch) => Ok(batch),
        Err(error) => Err(match hit.get() {
            Some(Reason::BatchTooLong) => {
                (Reason::BatchTooLong, format!("at most {max_events} envelopes in one batch; send several batches"))
            }
            Some(Reason::DuplicateKey) => (Reason::DuplicateKey, "each key at most once".into()),
            Some(reason) => (reason, format!("{{\"batch_id\": \"<32 hex>\", \"events\": [...]}} ({error})")),
            None if error.to_string().contains("recursion limit") => {
                (Reason::TooDeep, "arrays and objects nested less deep".into())
            }
            None if error.is_data() => {
                (Reason::NotABatch, format!("{{\"batch_id\": \"<32 hex>\", \"events\": [...]}} ({error})"))
            }
            None => (Reason::NotJson, format!("a JSON document ({error})")),
        }),
    }
}

#[derive(Clone, Copy)]
struct BatchSeed<'c> {
    max_events: usize,
    hit: &'c Cell<Option<Reason>>,
}

impl<'de> DeserializeSeed<'de> for BatchSeed<'_> {
    type Value = RawBatch<'de>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for BatchSeed<'_> {
    type Value = RawBatch<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a batch object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut batch_id = None;
        let mut events = None;
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "batch_id" if batch_id.is_none() => batch_id = Some(map.next_value::<&'de RawValue>()?),
                "events" if events.is_none() => events = Some(map.next_value_seed(EventsSeed(self))?),
                "batch_id" | "events" => {
                    self.hit.set(Some(Reason::DuplicateKey));
                    return Err(A::Error::custom("duplicate key"));
                }
                _ => {
                    self.hit.set(Some(Reason::NotABatch));
                    let _ = map.next_value::<IgnoredAny>();
                    return Err(A::Error::custom(format!(
                        "no key but \"batch_id\" and \"events\" (found {:?})",
                        cut(&key)
                    )));
                }
            }
        }
        let Some(events) = events else {
            self.hit.set(Some(Reason::NotABatch));
            return Err(A::Error::custom("no \"events\" array"));
        };
        Ok(RawBatch { batch_id, events })
    }
}

struct EventsSeed<'c>(BatchSeed<'c>);

impl<'de> DeserializeSeed<'de> for EventsSeed<'_> {
    type Value = Vec<&'de RawValue>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for EventsSeed<'_> {
    type Value = Vec<&'de RawValue>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of envelopes")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut events = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        while let Some(envelope) = seq.next_element::<&'de RawValue>()? {
            if events.len() == self.0.max_events {
                self.0.hit.set(Some(Reason::BatchTooLong));
                return Err(A::Error::custom("batch too long"));
            }
            events.push(envelope);
        }
        Ok(events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ingest() -> Ingest {
        let bundle: Value = serde_json::from_slice(
            &std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../schemas/bundle.json")).unwrap(),
        )
        .unwrap();
        let validator = Validator::from_bundle(&bundle).unwrap();
        Ingest::new(validator, Model::from_bundle(&bundle).unwrap(), IngestLimits::default())
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write as _;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    #[test]
    fn a_gzip_bomb_with_an_honest_trailer_is_refused_before_inflating() {
        let ingest = ingest();
        let bomb = gzip(&vec![0u8; 8 << 20]);
        // The announced size is over the limit: refused without allocating the output.
        let error = ingest.decode(Some("gzip"), &bomb).unwrap_err();
        assert_eq!(error, BodyError::TooLarge { what: "decompressed body the gzip trailer announces", limit: 1 << 20 });
    }

    #[test]
    fn a_gzip_bomb_with_a_lying_trailer_stops_at_the_limit() {
        let ingest = ingest();
        let mut bomb = gzip(&vec![0u8; 8 << 20]);
        let at = bomb.len() - 4;
        bomb[at..].copy_from_slice(&10u32.to_le_bytes());
        assert_eq!(
            ingest.decode(Some("gzip"), &bomb).unwrap_err(),
            BodyError::TooLarge { what: "decompressed body", limit: 1 << 20 }
        );
    }

    #[test]
    fn encodings_other_than_gzip_are_refused() {
        let ingest = ingest();
        assert!(matches!(ingest.decode(Some("br"), b"x"), Err(BodyError::UnsupportedEncoding(_))));
        assert_eq!(ingest.decode(Some("identity"), b"x").unwrap().as_ref(), b"x");
        assert_eq!(ingest.decode(Some("GZIP"), &gzip(b"{}")).unwrap().as_ref(), b"{}");
    }

    #[test]
    fn batch_ids_are_32_lower_case_hex_digits() {
        assert!(is_batch_id("\"0123456789abcdef0123456789abcdef\""));
        for bad in ["\"0123456789ABCDEF0123456789abcdef\"", "\"0123\"", "0123456789abcdef0123456789abcdef", "1"] {
            assert!(!is_batch_id(bad), "{bad}");
        }
    }

    #[test]
    fn a_body_that_is_not_a_batch_is_quarantined_whole_with_its_reason() {
        let ingest = ingest();
        for (body, reason) in [
            (&b"[1]"[..], Reason::NotABatch),
            (b"{\"events\":[]}", Reason::BatchId),
            (b"{\"batch_id\":\"0123456789abcdef0123456789abcdef\"}", Reason::NotABatch),
            (b"\xff", Reason::NotJson),
            (b"{\"batch_id\":\"0123456789abcdef0123456789abcdef\",\"events\":[],\"events\":[]}", Reason::DuplicateKey),
        ] {
            let prepared = ingest.prepare(body, 0);
            assert_eq!(prepared.body_reason, Some(reason), "{}", String::from_utf8_lossy(body));
            assert_eq!(prepared.batch.batch_id, None);
            assert_eq!(prepared.batch.quarantine.len(), 1);
            assert_eq!(prepared.batch.quarantine[0].bytes, body);
        }
    }

    #[test]
    fn echoed_text_is_cut_at_a_character_boundary() {
        let long = "é".repeat(100);
        let cut = cut(&long);
        assert!(cut.len() <= MAX_ECHOED_TEXT + "…".len());
        assert!(cut.ends_with('…'));
    }
}
