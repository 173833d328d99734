//! The validator's fast path for bodies that are accepted, which is nearly all of them.
//!
//! It parses the body (with the limit-checking parser both paths share, [`crate::parse`]) into a [`Doc`]: strings and keys borrowed from the body (owned only when they hold
//! escapes), objects as small vectors of members, so parsing allocates once per array or object rather than once
//! per key and string, and builds no `BTreeMap`. `jsonschema` validates that tree directly (it validates any
//! representation implementing its [`Json`] traits), against one schema per event and version that combines the
//! envelope schema and the event's payload schema (see [`combined_schema`]).
//!
//! The fast path only ever *accepts* on its own. A body the shared parser refuses (a limit, not JSON) is refused
//! with the same rejection the exact path would give, since both paths parse with the same code. Anything else
//! it cannot accept (not UTF-8, an object too large for its duplicate check, an unknown event, a schema
//! violation) is left to the exact path, which parses a `serde_json::Value` and reports the problems. So what the
//! validator accepts and rejects, and every problem it reports, is what the exact path decides; the fast path
//! must only never accept a body the exact path would reject, which holds because it checks at least what the
//! exact path checks.

use std::borrow::Cow;

use jsonschema::JsonType;
use jsonschema::json::{Array, Json, Node, NodeIdentity, Object};
use serde_json::{Map, Number, Value};

use crate::parse::{LimitHit, Tree};

/// A parsed JSON value whose strings borrow from the body where they can.
#[derive(Debug)]
pub(crate) enum Doc<'a> {
    Null,
    Bool(bool),
    Number(Number),
    String(Cow<'a, str>),
    Array(Vec<Doc<'a>>),
    Object(Vec<(Cow<'a, str>, Doc<'a>)>),
}

impl<'a> Doc<'a> {
    /// The value of `key`, when this is an object holding it.
    pub(crate) fn get(&self, key: &str) -> Option<&Doc<'a>> {
        match self {
            Doc::Object(members) => members.iter().find(|(name, _)| name == key).map(|(_, value)| value),
            _ => None,
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Doc::String(text) => Some(text),
            _ => None,
        }
    }

    pub(crate) fn as_u64(&self) -> Option<u64> {
        match self {
            Doc::Number(number) => number.as_u64(),
            _ => None,
        }
    }

    fn to_json(&self) -> Value {
        match self {
            Doc::Null => Value::Null,
            Doc::Bool(b) => Value::Bool(*b),
            Doc::Number(number) => Value::Number(number.clone()),
            Doc::String(text) => Value::String(text.clone().into_owned()),
            Doc::Array(items) => Value::Array(items.iter().map(Doc::to_json).collect()),
            Doc::Object(members) => {
                Value::Object(members.iter().map(|(key, value)| (key.clone().into_owned(), value.to_json())).collect())
            }
        }
    }
}

/// Objects with more members than this are left to the exact path (its duplicate-key check is a map lookup; the
/// fast path's is a scan of the members seen so far). Every object of the toolkit's envelopes is far smaller.
const MAX_FAST_MEMBERS: usize = 64;

impl<'de> Tree<'de> for Doc<'de> {
    type Members = Vec<(Cow<'de, str>, Doc<'de>)>;

    fn null() -> Self {
        Doc::Null
    }
    fn bool(value: bool) -> Self {
        Doc::Bool(value)
    }
    fn number(value: Number) -> Self {
        Doc::Number(value)
    }
    fn borrowed_str(value: &'de str) -> Self {
        Doc::String(Cow::Borrowed(value))
    }
    fn owned_str(value: String) -> Self {
        Doc::String(Cow::Owned(value))
    }
    fn array(items: Vec<Self>) -> Self {
        Doc::Array(items)
    }
    fn members() -> Self::Members {
        Vec::new()
    }
    fn admit_key(members: &Self::Members, key: &str) -> Result<(), LimitHit> {
        if members.iter().any(|(seen, _)| seen == key) {
            Err(LimitHit::DuplicateKey)
        } else if members.len() == MAX_FAST_MEMBERS {
            Err(LimitHit::LeftToExactPath)
        } else {
            Ok(())
        }
    }
    fn insert(members: &mut Self::Members, key: Cow<'de, str>, value: Self) {
        members.push((key, value));
    }
    fn object(members: Self::Members) -> Self {
        Doc::Object(members)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// `jsonschema` over `Doc`
// ---------------------------------------------------------------------------------------------------------------

/// The [`Doc`] representation, for `jsonschema::options_for::<DocJson>()`.
#[derive(Debug)]
pub(crate) struct DocJson;

impl Json for DocJson {
    type Node<'a> = &'a Doc<'a>;
    type PreparedKey = Box<str>;
    type StringBuffer = ();
    /// A lookup scans the members, as a members pass does: prefer lookups only for tiny objects.
    const KEYS_PER_LOOKUP: usize = 1;

    fn prepare_key(key: &str) -> Box<str> {
        key.into()
    }

    fn with_string_node<T>(_: &mut (), string: &str, f: impl FnOnce(Self::Node<'_>) -> T) -> T {
        f(&Doc::String(Cow::Borrowed(string)))
    }
}

impl<'a> Node<'a, DocJson> for &'a Doc<'a> {
    type Object = Members<'a>;
    type Array = Items<'a>;
    type Number = &'a Number;

    fn as_object(&self) -> Option<Members<'a>> {
        match self {
            Doc::Object(members) => Some(Members(members)),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<Items<'a>> {
        match self {
            Doc::Array(items) => Some(Items(items)),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match self {
            Doc::String(text) => Some(Cow::Borrowed(text)),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<&'a Number> {
        match self {
            Doc::Number(number) => Some(number),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self {
            Doc::Bool(b) => Some(*b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self, Doc::Null)
    }

    fn json_type(&self) -> JsonType {
        match self {
            Doc::Null => JsonType::Null,
            Doc::Bool(_) => JsonType::Boolean,
            Doc::Number(_) => JsonType::Number,
            Doc::String(_) => JsonType::String,
            Doc::Array(_) => JsonType::Array,
            Doc::Object(_) => JsonType::Object,
        }
    }

    fn string_length(&self) -> Option<u64> {
        self.as_str().map(|text| text.chars().count() as u64)
    }

    /// JSON equality as `jsonschema` defines it, without building a `Value` for scalars.
    fn equals_value(&self, expected: &Value) -> bool {
        match (self, expected) {
            (Doc::Null, Value::Null) => true,
            (Doc::Bool(a), Value::Bool(b)) => a == b,
            (Doc::String(a), Value::String(b)) => a == b,
            (Doc::Number(a), Value::Number(b)) => jsonschema::json::cmp::equal_numbers(a, b),
            (Doc::Array(_) | Doc::Object(_), _) => jsonschema::json::cmp::equal(&self.to_json(), expected),
            _ => false,
        }
    }

    fn to_value(&self) -> Cow<'a, Value> {
        Cow::Owned(self.to_json())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Doc<'a>>(*self) as usize))
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Members<'a>(&'a [(Cow<'a, str>, Doc<'a>)]);

impl<'a> Object<'a, DocJson> for Members<'a> {
    type Node = &'a Doc<'a>;
    type MemberName = &'a str;
    type MembersIter = std::iter::Map<
        std::slice::Iter<'a, (Cow<'a, str>, Doc<'a>)>,
        fn(&'a (Cow<'a, str>, Doc<'a>)) -> (&'a str, &'a Doc<'a>),
    >;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn get(&self, key: &Box<str>) -> Option<&'a Doc<'a>> {
        self.0.iter().find(|(name, _)| **name == **key).map(|(_, value)| value)
    }

    fn members(&self) -> Self::MembersIter {
        self.0.iter().map(|(name, value)| (&**name, value))
    }
}

#[derive(Clone, Copy)]
pub(crate) struct Items<'a>(&'a [Doc<'a>]);

impl<'a> Array<'a, DocJson> for Items<'a> {
    type Node = &'a Doc<'a>;
    type ElementsIter = std::slice::Iter<'a, Doc<'a>>;

    fn len(&self) -> usize {
        self.0.len()
    }

    fn elements(&self) -> Self::ElementsIter {
        self.0.iter()
    }

    /// `uniqueItems`: strings (the toolkit's sets) compared in place; anything else as `Value`s.
    fn is_unique(&self) -> bool {
        let strings: Option<Vec<&str>> = self.0.iter().map(Doc::as_str).collect();
        match strings {
            Some(mut strings) => {
                strings.sort_unstable();
                strings.windows(2).all(|pair| pair[0] != pair[1])
            }
            None => {
                let values: Vec<Value> = self.0.iter().map(Doc::to_json).collect();
                jsonschema::json::unique::is_unique(&values)
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The combined schema
// ---------------------------------------------------------------------------------------------------------------

/// The schema the fast path checks an envelope of one event version against: the bundle's envelope schema with
/// its `payload` property replaced by the event's payload schema (an embedded resource, keeping its `$id` and
/// `$defs`), and its `event` property by `{"const": name}` when the envelope's own `event` schema accepts `name`
/// (`event_accepts_name`; the fast path only runs for that name anyway). Each enum's `oneOf` of distinct
/// `const`s is written as the equivalent `enum`.
///
/// Equivalent to checking the envelope schema, then the payload schema, as the exact path does: an envelope
/// schema's `payload` is an object of any shape, and the payload schema requires an object.
pub(crate) fn combined_schema(envelope: &Value, payload: &Value, name: &str, event_accepts_name: bool) -> Value {
    let mut schema = envelope.clone();
    if let Some(properties) = schema.get_mut("properties").and_then(Value::as_object_mut) {
        if properties.contains_key("payload") {
            properties.insert("payload".into(), payload.clone());
        }
        if event_accepts_name && properties.contains_key("event") {
            properties.insert("event".into(), serde_json::json!({ "const": name }));
        }
    }
    one_of_consts_to_enum(&mut schema);
    schema
}

/// Rewrites every `"oneOf": [{"const": a, "description": ...}, ...]` whose `const`s are distinct strings as
/// `"enum": [a, ...]`: exactly one branch matches if and only if the value is one of them.
fn one_of_consts_to_enum(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if !map.contains_key("enum")
                && let Some(consts) = map.get("oneOf").and_then(distinct_string_consts)
            {
                map.remove("oneOf");
                map.insert("enum".into(), Value::Array(consts));
            }
            rewrite_children(map);
        }
        Value::Array(items) => items.iter_mut().for_each(one_of_consts_to_enum),
        _ => {}
    }
}

fn rewrite_children(map: &mut Map<String, Value>) {
    for (key, value) in map.iter_mut() {
        // `const` and `enum` hold instances, not schemas.
        if key != "const" && key != "enum" {
            one_of_consts_to_enum(value);
        }
    }
}

fn distinct_string_consts(one_of: &Value) -> Option<Vec<Value>> {
    let branches = one_of.as_array()?;
    let mut names: Vec<&str> = Vec::with_capacity(branches.len());
    for branch in branches {
        let branch = branch.as_object()?;
        if !branch.keys().all(|key| key == "const" || key == "description") {
            return None;
        }
        names.push(branch.get("const")?.as_str()?);
    }
    let mut sorted = names.clone();
    sorted.sort_unstable();
    if names.is_empty() || sorted.windows(2).any(|pair| pair[0] == pair[1]) {
        return None;
    }
    Some(names.into_iter().map(Value::from).collect())
}
