//! The one limit-checking parser behind both validator paths.
//!
//! It reads a body with `serde_json`'s tokenizer and builds either representation the validator uses (the fast
//! path's [`Doc`](crate::fast::Doc), the exact path's `serde_json::Value`) through [`Tree`], and it stops at the
//! first token that passes a limit, so a hostile body costs no more than the limits allow:
//!
//! - arrays and objects nested deeper than [`Limits::max_depth`];
//! - a batch's `events` array longer than [`Limits::max_batch_len`];
//! - any other array longer than the longest the bundle allows (its largest `maxItems`), since no longer array
//!   can be valid anywhere in an envelope;
//! - an object with more members than the bundle's largest closed object lists (plus a margin);
//! - more arrays and objects in the whole body than the valid envelopes it may hold can have (plus a margin):
//!   each one is an allocation however little input it takes (`{"":{"":…}}` costs a `BTreeMap` node of ~600
//!   bytes for every 5 bytes), so only their number bounds what nested one-child containers cost;
//! - a key repeated in one object (readers disagree on which value counts);
//! - a number token that is not a plain integer (`1.0`, `1e2`, `-0`, `9e-999`, or digits beyond 64 bits): the
//!   client never writes one, and JSON Schema's `integer` would accept `14.000…0` with a megabyte of zeros.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde_json::Number;
use telemetry_schema::BATCH_EVENTS_KEY;

use crate::Limits;

/// Which limit stopped the parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LimitHit {
    Depth,
    BatchLength,
    ArrayLength,
    DuplicateKey,
    NotAnInteger,
    ObjectLength,
    Containers,
    /// The representation gave up on an object (the fast path's objects are small); not a verdict on the body.
    LeftToExactPath,
}

/// A JSON representation the parser can build.
pub(crate) trait Tree<'de>: Sized {
    /// An object under construction.
    type Members;
    fn null() -> Self;
    fn bool(value: bool) -> Self;
    /// Only integers reach here.
    fn number(value: Number) -> Self;
    fn borrowed_str(value: &'de str) -> Self;
    fn owned_str(value: String) -> Self;
    fn array(items: Vec<Self>) -> Self;
    fn members() -> Self::Members;
    /// Called with each key before its value is parsed.
    ///
    /// # Errors
    /// [`LimitHit::DuplicateKey`] when `members` holds `key` already, or [`LimitHit::LeftToExactPath`].
    fn admit_key(members: &Self::Members, key: &str) -> Result<(), LimitHit>;
    fn insert(members: &mut Self::Members, key: Cow<'de, str>, value: Self);
    fn object(members: Self::Members) -> Self;
}

/// What the parser needs to know besides the [`Limits`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bounds {
    pub(crate) limits: Limits,
    /// The longest array the bundle allows outside a batch's `events`; `None` when some array is unbounded.
    pub(crate) max_array_len: Option<usize>,
    /// The most members an object may have; `None` when unbounded.
    pub(crate) max_object_len: Option<usize>,
    /// The most arrays and objects the whole body may hold; `None` when unbounded.
    pub(crate) max_containers: Option<usize>,
    /// Whether the body is a batch (`{"events": [...]}`).
    pub(crate) batch: bool,
}

/// Why the parse stopped: the limit hit, if one was, and `serde_json`'s error (for its line and column).
pub(crate) struct Stopped {
    pub(crate) hit: Option<LimitHit>,
    pub(crate) error: serde_json::Error,
}

/// Parses one JSON document from `deserializer` into `T`, stopping at the first limit passed.
pub(crate) fn parse<'de, R: serde_json::de::Read<'de>, T: Tree<'de>>(
    deserializer: &mut serde_json::Deserializer<R>,
    bounds: &Bounds,
) -> Result<T, Stopped> {
    let hit = Cell::new(None);
    let containers = Cell::new(0);
    let seed =
        Limited::<T> { depth: 1, bounds, hit: &hit, containers: &containers, batch_array: false, tree: PhantomData };
    let parsed = seed.deserialize(&mut *deserializer).and_then(|value| deserializer.end().map(|()| value));
    parsed.map_err(|error| Stopped { hit: hit.get(), error })
}

struct Limited<'a, T> {
    /// The depth of the value being parsed, the root being 1.
    depth: usize,
    bounds: &'a Bounds,
    hit: &'a Cell<Option<LimitHit>>,
    /// How many arrays and objects the body has opened so far.
    containers: &'a Cell<usize>,
    /// Whether this value is the batch's `events` array.
    batch_array: bool,
    tree: PhantomData<fn() -> T>,
}

impl<T> Clone for Limited<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Limited<'_, T> {}

impl<T> Limited<'_, T> {
    fn stop<E: serde::de::Error>(&self, hit: LimitHit) -> E {
        self.hit.set(Some(hit));
        E::custom(match hit {
            LimitHit::Depth => "nested too deep",
            LimitHit::BatchLength => "batch too long",
            LimitHit::ArrayLength => "array too long",
            LimitHit::DuplicateKey => "duplicate key",
            LimitHit::NotAnInteger => "a number that is not a plain integer",
            LimitHit::ObjectLength => "object too large",
            LimitHit::Containers => "too many arrays and objects",
            LimitHit::LeftToExactPath => "object too large for this representation",
        })
    }

    /// Called as an array or object opens.
    fn enter<E: serde::de::Error>(&self) -> Result<(), E> {
        if self.depth > self.bounds.limits.max_depth {
            return Err(self.stop(LimitHit::Depth));
        }
        let containers = self.containers.get() + 1;
        if self.bounds.max_containers.is_some_and(|max| containers > max) {
            return Err(self.stop(LimitHit::Containers));
        }
        self.containers.set(containers);
        Ok(())
    }

    fn child(&self, batch_array: bool) -> Self {
        Self { depth: self.depth + 1, batch_array, ..*self }
    }
}

impl<'de, T: Tree<'de>> DeserializeSeed<'de> for Limited<'_, T> {
    type Value = T;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<T, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, T: Tree<'de>> Visitor<'de> for Limited<'_, T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<T, E> {
        Ok(T::bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<T, E> {
        Ok(T::number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<T, E> {
        Ok(T::number(v.into()))
    }

    /// `serde_json` calls this for every token with a fraction or an exponent, for `-0`, and for integers beyond
    /// 64 bits: none is a plain integer.
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<T, E> {
        Err(self.stop(LimitHit::NotAnInteger))
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<T, E> {
        Ok(T::borrowed_str(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<T, E> {
        Ok(T::owned_str(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<T, E> {
        Ok(T::owned_str(v))
    }

    fn visit_unit<E>(self) -> Result<T, E> {
        Ok(T::null())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<T, A::Error> {
        self.enter()?;
        let (limit, hit) = if self.batch_array {
            (self.bounds.limits.max_batch_len, LimitHit::BatchLength)
        } else {
            (self.bounds.max_array_len.unwrap_or(usize::MAX), LimitHit::ArrayLength)
        };
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self.child(false))? {
            if items.len() == limit {
                return Err(self.stop(hit));
            }
            items.push(item);
        }
        Ok(T::array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<T, A::Error> {
        self.enter()?;
        let mut members = T::members();
        let limit = self.bounds.max_object_len.unwrap_or(usize::MAX);
        let mut len = 0;
        while let Some(key) = access.next_key_seed(KeySeed)? {
            if len == limit {
                return Err(self.stop(LimitHit::ObjectLength));
            }
            len += 1;
            T::admit_key(&members, &key).map_err(|hit| self.stop::<A::Error>(hit))?;
            let batch_array = self.bounds.batch && self.depth == 1 && key == BATCH_EVENTS_KEY;
            let value = access.next_value_seed(self.child(batch_array))?;
            T::insert(&mut members, key, value);
        }
        Ok(T::object(members))
    }
}

/// An object key, borrowed unless it holds escapes.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
}

/// The exact path's representation.
impl<'de> Tree<'de> for serde_json::Value {
    type Members = serde_json::Map<String, serde_json::Value>;

    fn null() -> Self {
        Self::Null
    }
    fn bool(value: bool) -> Self {
        Self::Bool(value)
    }
    fn number(value: Number) -> Self {
        Self::Number(value)
    }
    fn borrowed_str(value: &'de str) -> Self {
        Self::String(value.to_owned())
    }
    fn owned_str(value: String) -> Self {
        Self::String(value)
    }
    fn array(items: Vec<Self>) -> Self {
        Self::Array(items)
    }
    fn members() -> Self::Members {
        serde_json::Map::new()
    }
    fn admit_key(members: &Self::Members, key: &str) -> Result<(), LimitHit> {
        if members.contains_key(key) { Err(LimitHit::DuplicateKey) } else { Ok(()) }
    }
    fn insert(members: &mut Self::Members, key: Cow<'de, str>, value: Self) {
        members.insert(key.into_owned(), value);
    }
    fn object(members: Self::Members) -> Self {
        Self::Object(members)
    }
}
