//! The strict typed decode, for Rust servers that link the event crate: JSON straight into the event type,
//! without building a `serde_json::Value`.
//!
//! It accepts exactly what the schema accepts (and the serializer writes), and refuses unknown or repeated
//! fields, missing required fields, `null`, wrong JSON types, negative or out-of-range counts, unknown enum
//! variants, repeated set items, versions that are not privacy-safe (build metadata, free-text tags), an
//! `sdk.name` other than the product's, and any number that is not written as a plain integer (`1.0`, `1e2`,
//! `-0`: the client never writes one; JSON Schema's `integer`, and so other validators, would accept them).
//!
//! A type becomes decodable through [`Decode`]. The toolkit implements it for every collectable kind; enums,
//! groups and events get it from their derives (which emit [`impl_decode!`](crate::impl_decode)), so a server
//! turns on this crate's `serde` feature and decodes the SDK's own event types.
//!
//! ```
//! use telemetry_schema::decode::decode_payload;
//! use telemetry_schema::{TelemetryEnum, TelemetryEvent};
//!
//! /// How the command was started.
//! #[derive(Debug, Clone, Copy, PartialEq, Eq, TelemetryEnum)]
//! enum Launch {
//!     /// From an interactive terminal.
//!     Terminal,
//!     /// From a script.
//!     Script,
//! }
//!
//! /// Sent once each time a command runs.
//! #[derive(Debug, PartialEq, TelemetryEvent)]
//! struct CommandRan {
//!     /// How it was started.
//!     launch: Launch,
//!     /// How many files it touched, if it touched any.
//!     files: Option<u16>,
//! }
//!
//! let event: CommandRan = decode_payload(br#"{"launch":"Script"}"#).unwrap();
//! assert_eq!(event, CommandRan { launch: Launch::Script, files: None });
//!
//! let err = decode_payload::<CommandRan>(br#"{"launch":"Script","files":70000}"#).unwrap_err();
//! assert!(err.to_string().contains("70000 is above 65535, the largest u16 count"), "{err}");
//! assert!(decode_payload::<CommandRan>(br#"{"launch":"Robot"}"#).is_err());
//! assert!(decode_payload::<CommandRan>(br#"{"launch":"Script","user":"jane"}"#).is_err());
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use serde::de::{DeserializeSeed, Error as _, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserializer, de};

use crate::bound::{Bound, FieldBound};
use crate::envelope::{AnonymousId, Context, ProjectId};
use crate::event::TelemetryEvent;
use crate::flow::FlowId;
use crate::kind::{CountWidth, TelemetryEnum};
use crate::meta::{EnumMeta, FieldMeta};
use crate::product::Product;
use crate::version::Version;

/// A value that can be decoded strictly from the wire format.
///
/// Implemented for every collectable kind; enums, groups and events implement it with
/// [`impl_decode!`](crate::impl_decode).
pub trait Decode: Sized {
    /// The value of a field whose key is absent: `None` for a required field (then absence is an error),
    /// `Some(None)` for an `Option`.
    fn absent() -> Option<Self> {
        None
    }

    /// Decodes one value.
    ///
    /// # Errors
    /// When the input is not exactly what the serializer would write for this type.
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;

    /// Decodes one value of a field bounded by `bound` (`#[telemetry(max, buckets, precision)]`): refused unless the
    /// serializer could have sent it, as the schema refuses it. Only counts, durations, versions and their
    /// `Option`s are ever bounded; for every other kind this is [`Decode::decode`].
    ///
    /// # Errors
    /// As [`Decode::decode`], and when the value is outside the bound.
    fn decode_bounded<'de, D: Deserializer<'de>>(deserializer: D, bound: &Bound) -> Result<Self, D::Error> {
        let _ = bound;
        Self::decode(deserializer)
    }
}

/// A [`DeserializeSeed`] that decodes the value of one field with [`Decode::decode_bounded`], under the field's
/// bound. Used by [`impl_decode!`](crate::impl_decode).
pub struct FieldSeed<T>(Bound, PhantomData<fn() -> T>);

impl<T> FieldSeed<T> {
    /// The seed for the field at `index` of metadata whose bounds are `bounds`.
    pub fn new(bounds: &'static [FieldBound], index: usize) -> Self {
        Self(crate::bound::bound_of(bounds, index), PhantomData)
    }
}

impl<T> fmt::Debug for FieldSeed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FieldSeed({:?})", self.0)
    }
}

impl<'de, T: Decode> DeserializeSeed<'de> for FieldSeed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        if self.0.is_none() { T::decode(deserializer) } else { T::decode_bounded(deserializer, &self.0) }
    }
}

/// `value`, if a field bounded by `bound` can be sent as it: the cap, or (below the cap) a value of the scale.
fn check_bounded_number<E: de::Error>(value: u64, bound: &Bound, kind: crate::CollectableKind) -> Result<u64, E> {
    if bound.round(value) == value {
        return Ok(value);
    }
    let what = if kind == crate::CollectableKind::DurationMillis { "duration" } else { "count" };
    Err(E::custom(format_args!(
        "{value} is not a value this {what} is sent as: {}",
        bound.describe(&kind).unwrap_or_default()
    )))
}

/// A [`DeserializeSeed`] that decodes a `T` with [`Decode`].
pub struct DecodeSeed<T>(PhantomData<fn() -> T>);

impl<T> DecodeSeed<T> {
    /// The seed.
    pub const NEW: Self = Self(PhantomData);
}

impl<T> fmt::Debug for DecodeSeed<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("DecodeSeed")
    }
}

impl<'de, T: Decode> DeserializeSeed<'de> for DecodeSeed<T> {
    type Value = T;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        T::decode(deserializer)
    }
}

/// Runs `$body` with `$de` bound to a `serde_json` deserializer over `$bytes`. Input that is valid UTF-8 (checked
/// once, over the whole input, which is much cheaper than serde_json's check of each string in turn) is read as a
/// `str`; anything else is read as bytes, so every error is reported exactly as the byte reader reports it.
macro_rules! with_deserializer {
    ($bytes:expr, |$de:ident| $body:expr) => {
        match std::str::from_utf8($bytes) {
            Ok(text) => {
                let mut $de = serde_json::Deserializer::from_str(text);
                $body
            }
            Err(_) => {
                let mut $de = serde_json::Deserializer::from_slice($bytes);
                $body
            }
        }
    };
}

/// Decodes an event's payload (`{"field": value, ...}`) from JSON bytes.
///
/// # Errors
/// When the bytes are not exactly a payload the serializer could have written for `E`; the error says what
/// was wrong and where.
pub fn decode_payload<E: TelemetryEvent + Decode>(bytes: &[u8]) -> Result<E, DecodeError> {
    check_size(bytes)?;
    with_deserializer!(bytes, |deserializer| {
        let event = E::decode(&mut deserializer).map_err(DecodeError)?;
        deserializer.end().map_err(DecodeError)?;
        Ok(event)
    })
}

/// Decodes an envelope around an event of type `E` from JSON bytes, checking that it names `E` and its schema
/// version, and that its `sdk.name` is `product`'s, as the schema docs-gen writes for the product pins it
/// ([`SchemaOptions::for_product`](crate::schema::SchemaOptions::for_product)).
///
/// # Errors
/// When the bytes are not exactly an envelope `product`'s client could have written for `E`.
pub fn decode_envelope<E: TelemetryEvent + Decode>(
    bytes: &[u8],
    product: &Product,
) -> Result<Envelope<E>, DecodeError> {
    check_size(bytes)?;
    with_deserializer!(bytes, |deserializer| {
        let seed = EnvelopeSeed::<E> { sdk_name: product.sdk_name(), event: PhantomData };
        let envelope = seed.deserialize(&mut deserializer).map_err(DecodeError)?;
        deserializer.end().map_err(DecodeError)?;
        Ok(envelope)
    })
}

/// Reads the `event` and `schema_version` of an envelope without decoding the rest, so a server can pick the
/// type to call [`decode_envelope`] with. The payload and other fields are skipped unchecked.
///
/// # Errors
/// When the bytes are not a JSON object with a string `event` and an integer `schema_version`.
pub fn peek_event(bytes: &[u8]) -> Result<(String, u32), DecodeError> {
    check_size(bytes)?;
    struct Peek;
    impl<'de> Visitor<'de> for Peek {
        type Value = (String, u32);
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an envelope object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let (mut event, mut version) = (None, None);
            while let Some(key) = map.next_key::<StrKey<'de>>()? {
                match key.as_str() {
                    "event" => event = Some(map.next_value::<String>()?),
                    "schema_version" => version = Some(map.next_value::<u32>()?),
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            match (event, version) {
                (Some(event), Some(version)) => Ok((event, version)),
                _ => Err(A::Error::custom("an envelope needs `event` and `schema_version`")),
            }
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let peeked = deserializer.deserialize_map(Peek).map_err(DecodeError)?;
    deserializer.end().map_err(DecodeError)?;
    Ok(peeked)
}

/// The largest input the decode functions accept, in bytes (1 MiB, the validator's default body limit). An
/// envelope is a few hundred bytes; anything near this is padding or an attack.
pub const MAX_DECODE_BYTES: usize = 1 << 20;

fn check_size(bytes: &[u8]) -> Result<(), DecodeError> {
    if bytes.len() > MAX_DECODE_BYTES {
        return Err(DecodeError(serde_json::Error::custom(format_args!(
            "the input is {} bytes, more than the {MAX_DECODE_BYTES} bytes an envelope may have",
            bytes.len()
        ))));
    }
    Ok(())
}

/// A strictly decoded envelope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope<E> {
    /// Everything around the payload.
    pub header: ReceivedHeader,
    /// The event.
    pub event: E,
}

/// The envelope fields around the payload, as received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedHeader {
    /// The SDK's name: always the product's (anything else is refused).
    pub sdk_name: String,
    /// The SDK's version.
    pub sdk_version: Version,
    /// The toolkit version of the sender.
    pub toolkit_version: Version,
    /// The anonymous install id.
    pub install_id: AnonymousId,
    /// The salted project id, when sent.
    pub project_id: Option<ProjectId>,
    /// The session id.
    pub session_id: AnonymousId,
    /// The machine facts.
    pub context: Context,
}

/// Why bytes could not be decoded: what was wrong, with the line and column.
#[derive(Debug)]
pub struct DecodeError(serde_json::Error);

impl DecodeError {
    /// 1-based line of the problem.
    pub fn line(&self) -> usize {
        self.0.line()
    }

    /// 1-based column of the problem.
    pub fn column(&self) -> usize {
        self.0.column()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot decode telemetry: {}", self.0)
    }
}

impl std::error::Error for DecodeError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The kinds
// ---------------------------------------------------------------------------------------------------------------

impl Decode for bool {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = bool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("true or false")
            }
            fn visit_bool<E>(self, v: bool) -> Result<bool, E> {
                Ok(v)
            }
        }
        deserializer.deserialize_bool(V)
    }
}

struct CountVisitor(CountWidth, &'static str);

impl Visitor<'_> for CountVisitor {
    type Value = u64;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (a whole number from 0 to {})", self.1, self.0.max())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        if v > self.0.max() {
            return Err(E::custom(format_args!(
                "{v} is above {}, the largest {} count",
                self.0.max(),
                self.0.rust_type()
            )));
        }
        Ok(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        match u64::try_from(v) {
            Ok(v) => self.visit_u64(v),
            Err(_) => Err(E::custom(format_args!("{v} is negative; {} is never below 0", self.1))),
        }
    }
}

macro_rules! decode_counts {
    ($($ty:ty => $width:ident),*) => {$(
        impl Decode for $ty {
            fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let v = deserializer.deserialize_u64(CountVisitor(CountWidth::$width, "a count"))?;
                // In range by the visitor's check.
                <$ty>::try_from(v).map_err(|_| D::Error::custom("count out of range"))
            }
            fn decode_bounded<'de, D: Deserializer<'de>>(deserializer: D, bound: &Bound) -> Result<Self, D::Error> {
                let v = Self::decode(deserializer)?;
                check_bounded_number::<D::Error>(v as u64, bound, crate::CollectableKind::Count(CountWidth::$width))?;
                Ok(v)
            }
        }
    )*};
}
decode_counts!(u8 => U8, u16 => U16, u32 => U32, u64 => U64, usize => Usize);

impl Decode for Duration {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let millis = deserializer.deserialize_u64(CountVisitor(CountWidth::U64, "a duration in milliseconds"))?;
        Ok(Duration::from_millis(millis))
    }

    fn decode_bounded<'de, D: Deserializer<'de>>(deserializer: D, bound: &Bound) -> Result<Self, D::Error> {
        let millis = deserializer.deserialize_u64(CountVisitor(CountWidth::U64, "a duration in milliseconds"))?;
        check_bounded_number::<D::Error>(millis, bound, crate::CollectableKind::DurationMillis)?;
        Ok(Duration::from_millis(millis))
    }
}

/// Calls `f` with a string, borrowed when the input allows.
struct StrVisitor<F>(F, &'static str);

impl<T, F: FnOnce(&str) -> Result<T, String>> Visitor<'_> for StrVisitor<F> {
    type Value = T;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.1)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<T, E> {
        (self.0)(v).map_err(E::custom)
    }
}

impl Decode for Version {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(StrVisitor(parse_wire_version, "a version string like 1.2.3 or 2.0.0-rc.1"))
    }

    /// A bounded version is its first parts (`1.4` for `precision = "minor"`), each within the cap, without a
    /// pre-release tag; the parts not sent decode as 0.
    fn decode_bounded<'de, D: Deserializer<'de>>(deserializer: D, bound: &Bound) -> Result<Self, D::Error> {
        let Some(parts) = bound.precision().parts() else {
            return Self::decode(deserializer);
        };
        let digits = bound.part_max().to_string().len();
        let parse = move |text: &str| -> Result<Version, String> {
            let mut numbers = [0u32; 3];
            let mut count = 0;
            for part in text.split('.') {
                let well_formed = !part.is_empty()
                    && part.len() <= digits
                    && part.bytes().all(|b| b.is_ascii_digit())
                    && (part == "0" || !part.starts_with('0'));
                let value = part.parse::<u64>().ok().filter(|v| well_formed && *v <= bound.part_max());
                match (value, numbers.get_mut(count)) {
                    (Some(value), Some(slot)) if count < parts => *slot = value as u32,
                    _ => {
                        return Err(format!(
                            "{text:?} is not a version of {parts} part(s) of at most {digits} digit(s)"
                        ));
                    }
                }
                count += 1;
            }
            if count != parts {
                return Err(format!("{text:?} is not a version of {parts} part(s) of at most {digits} digit(s)"));
            }
            Version::try_new(numbers[0], numbers[1], numbers[2]).ok_or_else(|| "version part too large".to_owned())
        };
        deserializer.deserialize_str(StrVisitor(parse, "a bounded version string like 1.4"))
    }
}

fn parse_wire_version(text: &str) -> Result<Version, String> {
    if text.contains('+') {
        return Err(format!("version {text:?} has build metadata, which is never sent"));
    }
    Version::parse(text).map_err(|err| err.to_string())
}

impl<T: Decode> Decode for Option<T> {
    fn absent() -> Option<Self> {
        Some(None)
    }

    /// A present key holds a value: `null` is refused, since `None` is sent by leaving the key out.
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::decode(deserializer).map(Some)
    }

    fn decode_bounded<'de, D: Deserializer<'de>>(deserializer: D, bound: &Bound) -> Result<Self, D::Error> {
        T::decode_bounded(deserializer, bound).map(Some)
    }
}

impl<E: TelemetryEnum + Decode + Ord> Decode for BTreeSet<E> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<E>(PhantomData<E>);
        impl<'de, E: TelemetryEnum + Decode + Ord> Visitor<'de> for V<E> {
            type Value = BTreeSet<E>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "an array of distinct {} values", E::META_REF.name())
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut set = BTreeSet::new();
                while let Some(item) = seq.next_element_seed(DecodeSeed::<E>::NEW)? {
                    if !set.insert(item) {
                        let name = E::META_REF.variants().get(item.variant_index()).map_or("?", |v| v.name());
                        return Err(A::Error::custom(format_args!(
                            "{name:?} appears twice in a set of {}",
                            E::META_REF.name()
                        )));
                    }
                }
                Ok(set)
            }
        }
        deserializer.deserialize_seq(V(PhantomData))
    }
}

/// An object keyed by variant names, each at most once (serde_json hands a repeated key over twice; it is refused
/// here), every value decoded under the field's bound. Any key order is accepted, as the schema accepts it.
impl<E: TelemetryEnum + Decode + Ord, V: Decode> Decode for BTreeMap<E, V> {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Self::decode_bounded(deserializer, &Bound::NONE)
    }

    fn decode_bounded<'de, D: Deserializer<'de>>(deserializer: D, bound: &Bound) -> Result<Self, D::Error> {
        struct MapVisitor<'b, E, T>(&'b Bound, PhantomData<fn() -> (E, T)>);
        impl<'de, E: TelemetryEnum + Decode + Ord, T: Decode> Visitor<'de> for MapVisitor<'_, E, T> {
            type Value = BTreeMap<E, T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "an object keyed by {} values", E::META_REF.name())
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key_seed(DecodeSeed::<E>::NEW)? {
                    if out.contains_key(&key) {
                        let name = E::META_REF.variants().get(key.variant_index()).map_or("?", |v| v.name());
                        return Err(A::Error::custom(format_args!(
                            "key {name:?} appears twice in a map keyed by {}",
                            E::META_REF.name()
                        )));
                    }
                    let value = map.next_value_seed(BoundSeed::<T>(self.0, PhantomData))?;
                    out.insert(key, value);
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(MapVisitor::<E, V>(bound, PhantomData))
    }
}

/// A [`DeserializeSeed`] that decodes a `T` under a bound.
struct BoundSeed<'b, T>(&'b Bound, PhantomData<fn() -> T>);

impl<'de, T: Decode> DeserializeSeed<'de> for BoundSeed<'_, T> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        if self.0.is_none() { T::decode(deserializer) } else { T::decode_bounded(deserializer, self.0) }
    }
}

/// 32 lower-case hex digits.
impl Decode for FlowId {
    fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(StrVisitor(
            |text: &str| FlowId::parse_wire(text).ok_or_else(|| format!("{text:?} is not 32 lower-case hex digits")),
            "a flow id (32 lower-case hex digits)",
        ))
    }
}

/// Reads a union's object: the index of the variant its [`UNION_TAG`](crate::UNION_TAG) names, and its other
/// members (the group's fields, decoded next by [`union_group`]). A repeated key, a missing or unknown tag are
/// refused. Used by [`impl_decode!`](crate::impl_decode).
#[doc(hidden)]
pub fn decode_union<'de, D: Deserializer<'de>>(
    deserializer: D,
    meta: &'static crate::union::UnionMeta,
) -> Result<(usize, serde_json::Map<String, serde_json::Value>), D::Error> {
    struct UnionVisitor(&'static crate::union::UnionMeta);
    impl<'de> Visitor<'de> for UnionVisitor {
        type Value = (usize, serde_json::Map<String, serde_json::Value>);
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "an object with a {:?} naming a {} variant", crate::union::UNION_TAG, self.0.name())
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut members = serde_json::Map::new();
            while let Some(key) = map.next_key::<String>()? {
                if members.contains_key(&key) {
                    return Err(A::Error::custom(format_args!("field {key:?} appears twice in {}", self.0.name())));
                }
                let value = map.next_value::<serde_json::Value>()?;
                members.insert(key, value);
            }
            let tag = crate::union::UNION_TAG;
            let name = match members.remove(tag) {
                Some(serde_json::Value::String(name)) => name,
                Some(other) => {
                    return Err(A::Error::custom(format_args!("{tag:?} of {} is {other}, not a name", self.0.name())));
                }
                None => return Err(A::Error::custom(format_args!("missing field {tag:?} in {}", self.0.name()))),
            };
            match self.0.variants().iter().position(|v| v.name() == name) {
                Some(index) => Ok((index, members)),
                None => {
                    let names: Vec<&str> = self.0.variants().iter().map(|v| v.name()).collect();
                    Err(A::Error::custom(format_args!(
                        "unknown {} {name:?}; expected one of: {}",
                        self.0.name(),
                        names.join(", ")
                    )))
                }
            }
        }
    }
    deserializer.deserialize_map(UnionVisitor(meta))
}

/// The group of a union's variant, from the members beside the tag. Used by [`impl_decode!`](crate::impl_decode).
#[doc(hidden)]
pub fn union_group<G: Decode, E: de::Error>(members: serde_json::Map<String, serde_json::Value>) -> Result<G, E> {
    G::decode(serde_json::Value::Object(members)).map_err(E::custom)
}

/// A fieldless variant of a union: nothing may stand beside the tag. Used by [`impl_decode!`](crate::impl_decode).
#[doc(hidden)]
pub fn union_fieldless<E: de::Error>(members: serde_json::Map<String, serde_json::Value>) -> Result<(), E> {
    match members.keys().next() {
        None => Ok(()),
        Some(key) => Err(E::custom(format_args!("unknown field {key:?}: this variant carries no fields"))),
    }
}

/// Decodes a variant name into its index in `meta`. Used by [`impl_decode!`](crate::impl_decode).
#[doc(hidden)]
pub fn decode_variant_index<'de, D: Deserializer<'de>>(
    deserializer: D,
    meta: &'static EnumMeta,
) -> Result<usize, D::Error> {
    deserializer.deserialize_str(StrVisitor(
        |text: &str| {
            meta.variants().iter().position(|v| v.name() == text).ok_or_else(|| {
                let names: Vec<&str> = meta.variants().iter().map(|v| v.name()).collect();
                format!("unknown {} {text:?}; expected one of: {}", meta.name(), names.join(", "))
            })
        },
        "an enum variant name",
    ))
}

// ---------------------------------------------------------------------------------------------------------------
// Objects: groups, events and the envelope
// ---------------------------------------------------------------------------------------------------------------

/// A map key, borrowed when the input has no escapes.
enum StrKey<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl StrKey<'_> {
    fn as_str(&self) -> &str {
        match self {
            Self::Borrowed(s) => s,
            Self::Owned(s) => s,
        }
    }
}

impl<'de> de::Deserialize<'de> for StrKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = StrKey<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(StrKey::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
                Ok(StrKey::Owned(v.to_owned()))
            }
        }
        deserializer.deserialize_str(V)
    }
}

/// Reads the next key of an object and returns the index of the field it names. Used by
/// [`impl_decode!`](crate::impl_decode).
///
/// # Errors
/// On an unknown key, naming the allowed ones.
#[doc(hidden)]
pub fn next_field_index<'de, A: MapAccess<'de>>(
    map: &mut A,
    owner: &'static str,
    fields: &'static [FieldMeta],
) -> Result<Option<usize>, A::Error> {
    let Some(key) = map.next_key::<StrKey<'de>>()? else {
        return Ok(None);
    };
    let key = key.as_str();
    match fields.iter().position(|f| f.name() == key) {
        Some(index) => Ok(Some(index)),
        None => {
            let names: Vec<&str> = fields.iter().map(|f| f.name()).collect();
            Err(A::Error::custom(format_args!("unknown field {key:?} in {owner}; expected only: {}", names.join(", "))))
        }
    }
}

/// The error for a field seen twice. Used by [`impl_decode!`](crate::impl_decode).
#[doc(hidden)]
pub fn duplicate_field<E: de::Error>(owner: &'static str, field: &'static FieldMeta) -> E {
    E::custom(format_args!("field {:?} appears twice in {owner}", field.name()))
}

/// Fills a field that was not seen: its [`Decode::absent`] value, or an error naming it. Used by
/// [`impl_decode!`](crate::impl_decode).
#[doc(hidden)]
pub fn finish_field<T: Decode, E: de::Error>(
    slot: Option<T>,
    owner: &'static str,
    field: &'static FieldMeta,
) -> Result<T, E> {
    match slot {
        Some(value) => Ok(value),
        None => T::absent().ok_or_else(|| E::custom(format_args!("missing field {:?} in {owner}", field.name()))),
    }
}

/// Implements [`Decode`](crate::decode::Decode) for a type deriving `TelemetryEnum`, `TelemetryGroup` or
/// `TelemetryEvent`. The derives emit it, listing the variants or fields in declaration order; write it yourself
/// only for a hand-written impl of those traits (`impl_decode!(enum Colour { Red, Blue })`,
/// `impl_decode!(group Options { colour })`, `impl_decode!(event Ran { colour, count })`,
/// `impl_decode!(union Outcome { Success, Failure(FailureInfo) })`, variants in declaration order). Without the `serde`
/// feature it expands to nothing, so it can be emitted unconditionally.
#[cfg(feature = "serde")]
#[macro_export]
macro_rules! impl_decode {
    (enum $ty:ident { $($variant:ident),* $(,)? }) => {
        const _: () = {
            impl $crate::decode::Decode for $ty {
                fn decode<'de, D: $crate::__private::serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> ::core::result::Result<Self, D::Error> {
                    let index = $crate::decode::decode_variant_index(
                        deserializer,
                        // `META_REF`, as the serializer and the schema read it: never a second table.
                        <$ty as $crate::TelemetryEnum>::META_REF,
                    )?;
                    const ALL: &[$ty] = &[$($ty::$variant),*];
                    // Matched by the index the type itself reports, so the list's order cannot matter.
                    ALL.iter()
                        .copied()
                        .find(|value| $crate::TelemetryEnum::variant_index(*value) == index)
                        .ok_or_else(|| <D::Error as $crate::__private::serde::de::Error>::custom(
                            "a variant is missing from impl_decode!",
                        ))
                }
            }
        };
    };
    (union $ty:ident { $($variant:ident $(($group:ty))?),* $(,)? }) => {
        const _: () = {
            impl $crate::decode::Decode for $ty {
                fn decode<'de, D: $crate::__private::serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> ::core::result::Result<Self, D::Error> {
                    let (index, rest) = $crate::decode::decode_union(
                        deserializer,
                        <$ty as $crate::TelemetryUnion>::META_REF,
                    )?;
                    let mut position = 0usize;
                    $(
                        if index == position {
                            return $crate::impl_decode!(@union_variant $ty, $variant, rest, D $(, $group)?);
                        }
                        position += 1;
                    )*
                    let _ = position;
                    ::core::result::Result::Err(<D::Error as $crate::__private::serde::de::Error>::custom(
                        "a variant is missing from impl_decode!",
                    ))
                }
            }
        };
    };
    (@union_variant $ty:ident, $variant:ident, $rest:ident, $d:ident) => {
        $crate::decode::union_fieldless::<$d::Error>($rest).map(|()| $ty::$variant)
    };
    (@union_variant $ty:ident, $variant:ident, $rest:ident, $d:ident, $group:ty) => {
        $crate::decode::union_group::<$group, $d::Error>($rest).map($ty::$variant)
    };
    (group $ty:ident { $($field:ident),* $(,)? }) => {
        $crate::impl_decode!(@object $ty, <$ty as $crate::TelemetryGroup>::META_REF.name(),
            <$ty as $crate::TelemetryGroup>::META_REF.fields(), <$ty as $crate::TelemetryGroup>::META_REF.bounds(),
            { $($field),* });
    };
    (event $ty:ident { $($field:ident),* $(,)? }) => {
        $crate::impl_decode!(@object $ty, <$ty as $crate::TelemetryEvent>::META.name(),
            <$ty as $crate::TelemetryEvent>::META.fields(), <$ty as $crate::TelemetryEvent>::META.bounds(),
            { $($field),* });
    };
    (@object $ty:ident, $owner:expr, $fields:expr, $bounds:expr, { $($field:ident),* }) => {
        // The fields' names become local variables of `visit_map`, so nothing the expansion names may be in the
        // value namespace there: the visitor is a braced struct (which is not) and its constants are associated
        // (`Self::OWNER`), so a field may be called `OWNER`, `FIELDS`, `ObjectVisitor` or `map`.
        const _: () = {
            use $crate::__private::serde;
            struct ObjectVisitor {}
            impl ObjectVisitor {
                const OWNER: &str = $owner;
                const FIELDS: &[$crate::FieldMeta] = $fields;
                const BOUNDS: &[$crate::FieldBound] = $bounds;
            }
            impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
                type Value = $ty;
                fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                    ::core::write!(f, "an object with the fields of {}", Self::OWNER)
                }
                #[allow(unused_mut, unused_variables, unused_assignments, non_snake_case)]
                fn visit_map<A: serde::de::MapAccess<'de>>(
                    self,
                    mut map: A,
                ) -> ::core::result::Result<$ty, A::Error> {
                    $(let mut $field = ::core::option::Option::None;)*
                    while let ::core::option::Option::Some(index) =
                        $crate::decode::next_field_index(&mut map, Self::OWNER, Self::FIELDS)?
                    {
                        let mut position = 0usize;
                        $(
                            if index == position {
                                if $field.is_some() {
                                    return ::core::result::Result::Err(
                                        $crate::decode::duplicate_field(Self::OWNER, &Self::FIELDS[position]),
                                    );
                                }
                                $field = ::core::option::Option::Some(
                                    map.next_value_seed($crate::decode::FieldSeed::new(Self::BOUNDS, position))?,
                                );
                            }
                            position += 1;
                        )*
                    }
                    let mut position = 0usize;
                    ::core::result::Result::Ok($ty {
                        $($field: {
                            let value = $crate::decode::finish_field($field, Self::OWNER, &Self::FIELDS[position])?;
                            position += 1;
                            value
                        },)*
                    })
                }
            }
            impl $crate::decode::Decode for $ty {
                fn decode<'de, D: serde::Deserializer<'de>>(
                    deserializer: D,
                ) -> ::core::result::Result<Self, D::Error> {
                    // Checked while compiling: the list must name every field, in metadata order.
                    const _: () = ::core::assert!(
                        <[&str]>::len(&[$(::core::stringify!($field)),*]) == $fields.len(),
                        "impl_decode! must list every field of the struct, in declaration order"
                    );
                    deserializer.deserialize_map(ObjectVisitor {})
                }
            }
        };
    };
}

// `Os`, `Arch` and `Context` get their `Decode` impls from their derives, like every user type.

struct EnvelopeSeed<'p, E> {
    /// The one `sdk.name` accepted.
    sdk_name: &'p str,
    event: PhantomData<fn() -> E>,
}

impl<'de, E: TelemetryEvent + Decode> DeserializeSeed<'de> for EnvelopeSeed<'_, E> {
    type Value = Envelope<E>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Envelope<E>, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de, E: TelemetryEvent + Decode> Visitor<'de> for EnvelopeSeed<'_, E> {
    type Value = Envelope<E>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an envelope of event {}", E::META.name())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Envelope<E>, A::Error> {
        use crate::envelope::at;
        let fields = crate::ENVELOPE_FIELDS;
        let mut seen = [false; crate::ENVELOPE_FIELDS.len()];
        let mut sdk = None;
        let (mut toolkit_version, mut install_id, mut project_id, mut session_id) = (None, None, None, None);
        let (mut context, mut payload) = (None, None);
        while let Some(key) = map.next_key::<StrKey<'de>>()? {
            let key = key.as_str();
            let Some(index) = fields.iter().position(|field| field.name == key) else {
                let names: Vec<&str> = fields.iter().map(|field| field.name).collect();
                return Err(A::Error::custom(format_args!(
                    "unknown envelope field {key:?}; expected only: {}",
                    names.join(", ")
                )));
            };
            if std::mem::replace(&mut seen[index], true) {
                return Err(A::Error::custom(format_args!("envelope field {key:?} appears twice")));
            }
            match index {
                at::EVENT => {
                    let expected = E::META.name();
                    map.next_value_seed(StrSeed(|name: &str| {
                        if name == expected {
                            Ok(())
                        } else {
                            Err(format!("the envelope is for event {name:?}, not {expected}"))
                        }
                    }))?;
                }
                at::SCHEMA_VERSION => {
                    let version = map.next_value::<u64>()?;
                    if version != u64::from(E::META.version()) {
                        return Err(A::Error::custom(format_args!(
                            "{} is schema version {}, not {version}",
                            E::META.name(),
                            E::META.version()
                        )));
                    }
                }
                at::SDK => sdk = Some(map.next_value_seed(SdkSeed { sdk_name: self.sdk_name })?),
                at::TOOLKIT_VERSION => toolkit_version = Some(map.next_value_seed(DecodeSeed::<Version>::NEW)?),
                at::INSTALL_ID => install_id = Some(map.next_value_seed(StrSeed(parse_id128))?),
                at::PROJECT_ID => project_id = Some(map.next_value_seed(StrSeed(parse_id256))?),
                at::SESSION_ID => session_id = Some(map.next_value_seed(StrSeed(parse_id128))?),
                at::CONTEXT => context = Some(map.next_value_seed(DecodeSeed::<Context>::NEW)?),
                at::PAYLOAD => payload = Some(map.next_value_seed(DecodeSeed::<E>::NEW)?),
                // `index` is a position in the table, and every position has an arm (checked at compile time in
                // envelope.rs); a table grown without an arm here is refused, not skipped.
                _ => return Err(A::Error::custom(format_args!("envelope field {key:?} is not decoded"))),
            }
        }
        if let Some((field, _)) = fields.iter().zip(seen).find(|(field, seen)| field.required && !seen) {
            return Err(A::Error::custom(format_args!("missing envelope field {:?}", field.name)));
        }
        let missing = || A::Error::custom("incomplete envelope");
        let (sdk_name, sdk_version) = sdk.ok_or_else(missing)?;
        Ok(Envelope {
            header: ReceivedHeader {
                sdk_name,
                sdk_version,
                toolkit_version: toolkit_version.ok_or_else(missing)?,
                install_id: install_id.ok_or_else(missing)?,
                project_id,
                session_id: session_id.ok_or_else(missing)?,
                context: context.ok_or_else(missing)?,
            },
            event: payload.ok_or_else(missing)?,
        })
    }
}

fn parse_id128(text: &str) -> Result<AnonymousId, String> {
    AnonymousId::parse_hex(text).ok_or_else(|| format!("{text:?} is not 32 lower-case hex digits"))
}

fn parse_id256(text: &str) -> Result<ProjectId, String> {
    ProjectId::parse_hex(text).ok_or_else(|| format!("{text:?} is not 64 lower-case hex digits"))
}

/// Decodes a string with a parsing function, borrowing when possible.
struct StrSeed<F>(F);

impl<'de, T, F: FnOnce(&str) -> Result<T, String>> DeserializeSeed<'de> for StrSeed<F> {
    type Value = T;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_str(StrVisitor(self.0, "a string"))
    }
}

/// `{"name": <name>, "version": <version>}`, the name being exactly `sdk_name`.
struct SdkSeed<'p> {
    sdk_name: &'p str,
}

impl<'de> DeserializeSeed<'de> for SdkSeed<'_> {
    type Value = (String, Version);
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SdkSeed<'_> {
    type Value = (String, Version);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object {\"name\": ..., \"version\": ...}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut name, mut version) = (None, None);
        while let Some(key) = map.next_key::<StrKey<'de>>()? {
            match key.as_str() {
                "name" if name.is_none() => {
                    let expected = self.sdk_name;
                    name = Some(map.next_value_seed(StrSeed(|text: &str| {
                        if text == expected {
                            Ok(text.to_owned())
                        } else {
                            Err(format!("sdk.name {text:?} is not {expected:?}, the SDK's name"))
                        }
                    }))?);
                }
                "version" if version.is_none() => version = Some(map.next_value_seed(DecodeSeed::<Version>::NEW)?),
                other => {
                    return Err(A::Error::custom(format_args!(
                        "unexpected or repeated field {other:?} in sdk; expected name and version"
                    )));
                }
            }
        }
        match (name, version) {
            (Some(name), Some(version)) => Ok((name, version)),
            _ => Err(A::Error::custom("sdk needs both name and version")),
        }
    }
}
