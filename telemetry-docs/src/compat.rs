//! The compatibility gate: what changed between two descriptions of an event's fields, and whether every payload
//! valid under the old one stays valid under the new one.
//!
//! Decided from the catalog's field descriptions (`name`, `kind`, `required`, `values`, `fields`, and `max` and
//! `buckets` when present), not by comparing JSON Schema documents: the rules read like the changes an author
//! makes, and the messages can name them. A description is a JSON array of fields as `catalog.json` and
//! `schemas/archive.json` write them.

use std::fmt;

use serde_json::Value;

/// One difference between an old and a new description of the same event's fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The field, `group.field` inside a nested group.
    pub field: String,
    /// What happened to it.
    pub kind: ChangeKind,
}

/// What happened to a field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeKind {
    /// The field is gone (a rename is a removal and an addition).
    Removed,
    /// A new field that is always present: old payloads lack it.
    AddedRequired,
    /// A new optional field.
    AddedOptional,
    /// An optional field became always present.
    BecameRequired,
    /// An always-present field became optional.
    BecameOptional,
    /// Another kind of value (`count`, `enum`, …).
    KindChanged {
        /// The old kind.
        from: String,
        /// The new kind.
        to: String,
    },
    /// A value of an enum or enum set is gone (a rename is a removal and an addition).
    VariantRemoved(String),
    /// A new value of an enum or enum set.
    VariantAdded(String),
    /// A key of a map is gone: a map that held it is refused.
    KeyRemoved(String),
    /// A new key of a map: every old map is still valid.
    KeyAdded(String),
    /// The largest value allowed went down (or a bound appeared where there was none).
    MaxLowered {
        /// The old bound, `None` when there was none.
        from: Option<u64>,
        /// The new bound.
        to: u64,
    },
    /// The largest value allowed went up (or the bound is gone).
    MaxRaised {
        /// The old bound.
        from: u64,
        /// The new bound, `None` when there is none.
        to: Option<u64>,
    },
    /// The values are rounded to other buckets (or rounded where they were exact).
    BucketsChanged {
        /// The old scale, `None` when values were exact.
        from: Option<String>,
        /// The new scale.
        to: String,
    },
    /// The values are no longer rounded: every old bucket value is still allowed.
    BucketsRemoved {
        /// The old scale.
        from: String,
    },
    /// A version is sent with other parts (`1.4` against `1.4.0`): each precision has its own pattern, so no
    /// change of precision keeps every old payload valid.
    PrecisionChanged {
        /// The old precision, `None` when the version was sent whole.
        from: Option<String>,
        /// The new precision, `None` when the version is sent whole.
        to: Option<String>,
    },
}

impl ChangeKind {
    /// Whether every payload valid before stays valid after this change.
    pub fn is_compatible(&self) -> bool {
        matches!(
            self,
            Self::AddedOptional
                | Self::BecameOptional
                | Self::VariantAdded(_)
                | Self::KeyAdded(_)
                | Self::MaxRaised { .. }
                | Self::BucketsRemoved { .. }
        )
    }
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Removed => f.write_str("removed (or renamed)"),
            Self::AddedRequired => f.write_str("added as a required field"),
            Self::AddedOptional => f.write_str("added as an optional field"),
            Self::BecameRequired => f.write_str("became required (it was optional)"),
            Self::BecameOptional => f.write_str("became optional (it was required)"),
            Self::KindChanged { from, to } => write!(f, "kind changed from {from} to {to}"),
            Self::VariantRemoved(name) => write!(f, "value `{name}` removed (or renamed)"),
            Self::VariantAdded(name) => write!(f, "value `{name}` added"),
            Self::KeyRemoved(name) => write!(f, "map key `{name}` removed (or renamed)"),
            Self::KeyAdded(name) => write!(f, "map key `{name}` added"),
            Self::MaxLowered { from: Some(from), to } => write!(f, "max lowered from {from} to {to}"),
            Self::MaxLowered { from: None, to } => write!(f, "max {to} added (it had none)"),
            Self::MaxRaised { from, to: Some(to) } => write!(f, "max raised from {from} to {to}"),
            Self::MaxRaised { from, to: None } => write!(f, "max {from} removed"),
            Self::BucketsChanged { from: Some(from), to } => write!(f, "bucket scale changed from {from} to {to}"),
            Self::BucketsChanged { from: None, to } => write!(f, "bucket scale {to} added (values were exact)"),
            Self::BucketsRemoved { from } => write!(f, "bucket scale {from} removed (values are exact)"),
            Self::PrecisionChanged { from, to } => write!(
                f,
                "version precision changed from {} to {}",
                from.as_deref().unwrap_or("the whole version"),
                to.as_deref().unwrap_or("the whole version")
            ),
        }
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "field `{}`: {}", self.field, self.kind)
    }
}

/// Every change from `old` to `new` (arrays of catalog field descriptions), in the old order, then new fields.
pub fn diff(old: &Value, new: &Value) -> Vec<Change> {
    let mut changes = Vec::new();
    diff_fields("", old, new, &mut changes);
    changes
}

/// The changes from `old` to `new` that some payload valid under `old` would not survive.
pub fn incompatible(old: &Value, new: &Value) -> Vec<Change> {
    diff(old, new).into_iter().filter(|change| !change.kind.is_compatible()).collect()
}

fn fields(list: &Value) -> Vec<&Value> {
    list.as_array().map(|items| items.iter().collect()).unwrap_or_default()
}

fn text<'a>(field: &'a Value, key: &str) -> Option<&'a str> {
    field.get(key).and_then(Value::as_str)
}

fn find<'a>(list: &[&'a Value], name: &str) -> Option<&'a Value> {
    list.iter().copied().find(|field| text(field, "name") == Some(name))
}

fn diff_fields(prefix: &str, old: &Value, new: &Value, out: &mut Vec<Change>) {
    let (old, new) = (fields(old), fields(new));
    for before in &old {
        let name = text(before, "name").unwrap_or_default();
        let path = format!("{prefix}{name}");
        match find(&new, name) {
            None => out.push(Change { field: path, kind: ChangeKind::Removed }),
            Some(after) => diff_field(&path, before, after, out),
        }
    }
    for after in &new {
        let name = text(after, "name").unwrap_or_default();
        if find(&old, name).is_none() {
            let required = after.get("required").and_then(Value::as_bool).unwrap_or(true);
            let kind = if required { ChangeKind::AddedRequired } else { ChangeKind::AddedOptional };
            out.push(Change { field: format!("{prefix}{name}"), kind });
        }
    }
}

fn diff_field(path: &str, before: &Value, after: &Value, out: &mut Vec<Change>) {
    let mut push = |kind| out.push(Change { field: path.to_owned(), kind });
    let required = |field: &Value| field.get("required").and_then(Value::as_bool).unwrap_or(true);
    match (required(before), required(after)) {
        (false, true) => push(ChangeKind::BecameRequired),
        (true, false) => push(ChangeKind::BecameOptional),
        _ => {}
    }
    let (kind_before, kind_after) = (text(before, "kind").unwrap_or_default(), text(after, "kind").unwrap_or_default());
    if kind_before != kind_after {
        // Nothing else compares across kinds.
        push(ChangeKind::KindChanged { from: kind_before.to_owned(), to: kind_after.to_owned() });
        return;
    }
    // A map: its values' kind first (nothing else compares across kinds), then its keys, like an enum's values;
    // the rest of the entry describes its values with their kind's rules.
    let (value_before, value_after) = (text(before, "value_kind"), text(after, "value_kind"));
    if value_before != value_after {
        let shown = |kind: Option<&str>| kind.map_or_else(|| kind_before.to_owned(), |k| format!("map of {k}"));
        push(ChangeKind::KindChanged { from: shown(value_before), to: shown(value_after) });
        return;
    }
    let keys = |field: &Value| -> Vec<String> {
        fields(field.get("keys").unwrap_or(&Value::Null))
            .into_iter()
            .filter_map(|key| text(key, "name").map(str::to_owned))
            .collect()
    };
    let (keys_before, keys_after) = (keys(before), keys(after));
    for name in keys_before.iter().filter(|name| !keys_after.contains(name)) {
        push(ChangeKind::KeyRemoved(name.clone()));
    }
    for name in keys_after.iter().filter(|name| !keys_before.contains(name)) {
        push(ChangeKind::KeyAdded(name.clone()));
    }
    let max = |field: &Value| field.get("max").and_then(Value::as_u64);
    match (max(before), max(after)) {
        (Some(from), Some(to)) if to < from => push(ChangeKind::MaxLowered { from: Some(from), to }),
        (Some(from), Some(to)) if to > from => push(ChangeKind::MaxRaised { from, to: Some(to) }),
        (None, Some(to)) => push(ChangeKind::MaxLowered { from: None, to }),
        (Some(from), None) => push(ChangeKind::MaxRaised { from, to: None }),
        _ => {}
    }
    let buckets = |field: &Value| text(field, "buckets").map(str::to_owned);
    match (buckets(before), buckets(after)) {
        (from, Some(to)) if from.as_deref() != Some(to.as_str()) => push(ChangeKind::BucketsChanged { from, to }),
        (Some(from), None) => push(ChangeKind::BucketsRemoved { from }),
        _ => {}
    }
    let precision = |field: &Value| text(field, "precision").map(str::to_owned);
    let (precision_before, precision_after) = (precision(before), precision(after));
    if precision_before != precision_after {
        push(ChangeKind::PrecisionChanged { from: precision_before, to: precision_after });
    }
    let names = |field: &Value| -> Vec<String> {
        fields(field.get("values").unwrap_or(&Value::Null))
            .into_iter()
            .filter_map(|value| text(value, "name").map(str::to_owned))
            .collect()
    };
    let (values_before, values_after) = (names(before), names(after));
    for name in values_before.iter().filter(|name| !values_after.contains(name)) {
        push(ChangeKind::VariantRemoved(name.clone()));
    }
    for name in values_after.iter().filter(|name| !values_before.contains(name)) {
        push(ChangeKind::VariantAdded(name.clone()));
    }
    if let (Some(inner_before), Some(inner_after)) = (before.get("fields"), after.get("fields")) {
        diff_fields(&format!("{path}."), inner_before, inner_after, out);
    }
    // The fields of each case of a union that both sides have.
    for case in fields(before.get("values").unwrap_or(&Value::Null)) {
        let name = text(case, "name").unwrap_or_default();
        let after_case = find(&fields(after.get("values").unwrap_or(&Value::Null)), name);
        if let (Some(inner_before), Some(inner_after)) = (case.get("fields"), after_case.and_then(|c| c.get("fields")))
        {
            diff_fields(&format!("{path}.{name}."), inner_before, inner_after, out);
        }
    }
    // The values of a map of maps.
    if let (Some(inner_before), Some(inner_after)) = (before.get("value"), after.get("value")) {
        diff_field(&format!("{path}.*"), inner_before, inner_after, out);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn count(name: &str, max: u64) -> Value {
        json!({"name": name, "kind": "count", "required": true, "max": max})
    }

    fn enumeration(name: &str, values: &[&str]) -> Value {
        let values: Vec<Value> = values.iter().map(|v| json!({"name": v, "doc": "A value."})).collect();
        json!({"name": name, "kind": "enum", "required": true, "values": values})
    }

    /// The one change from `old` to `new`, with whether it is compatible.
    fn only_change(old: Value, new: Value) -> (String, bool) {
        let changes = diff(&json!([old]), &json!([new]));
        assert_eq!(changes.len(), 1, "{changes:?}");
        (changes[0].to_string(), changes[0].kind.is_compatible())
    }

    #[test]
    fn identical_fields_have_no_change() {
        let fields = json!([count("pages", 255), enumeration("bundler", &["a", "b"])]);
        assert_eq!(diff(&fields, &fields), []);
    }

    #[test]
    fn adding_an_optional_field_is_compatible_and_a_required_one_is_not() {
        let old = json!([count("pages", 255)]);
        let optional = json!([count("pages", 255), {"name": "ci", "kind": "bool", "required": false}]);
        let required = json!([count("pages", 255), {"name": "ci", "kind": "bool", "required": true}]);
        assert_eq!(incompatible(&old, &optional), []);
        assert_eq!(diff(&old, &optional)[0].to_string(), "field `ci`: added as an optional field");
        let refused = incompatible(&old, &required);
        assert_eq!(refused.len(), 1);
        assert_eq!(refused[0].to_string(), "field `ci`: added as a required field");
    }

    #[test]
    fn removing_or_renaming_a_field_is_incompatible() {
        let old = json!([count("pages", 255), {"name": "ci", "kind": "bool", "required": true}]);
        let removed = json!([count("pages", 255)]);
        assert_eq!(incompatible(&old, &removed)[0].to_string(), "field `ci`: removed (or renamed)");
        let renamed = json!([count("pages", 255), {"name": "is_ci", "kind": "bool", "required": true}]);
        let refused: Vec<String> = incompatible(&old, &renamed).iter().map(ToString::to_string).collect();
        assert_eq!(refused, ["field `ci`: removed (or renamed)", "field `is_ci`: added as a required field"]);
    }

    #[test]
    fn optional_becoming_required_is_incompatible_and_the_reverse_is_not() {
        let optional = json!({"name": "ci", "kind": "bool", "required": false});
        let required = json!({"name": "ci", "kind": "bool", "required": true});
        assert_eq!(
            only_change(optional.clone(), required.clone()),
            ("field `ci`: became required (it was optional)".to_owned(), false)
        );
        assert_eq!(only_change(required, optional), ("field `ci`: became optional (it was required)".to_owned(), true));
    }

    #[test]
    fn adding_a_variant_is_compatible_and_removing_or_renaming_one_is_not() {
        let (added, ok) = only_change(enumeration("bundler", &["a", "b"]), enumeration("bundler", &["a", "b", "c"]));
        assert_eq!((added.as_str(), ok), ("field `bundler`: value `c` added", true));
        let (removed, ok) = only_change(enumeration("bundler", &["a", "b"]), enumeration("bundler", &["a"]));
        assert_eq!((removed.as_str(), ok), ("field `bundler`: value `b` removed (or renamed)", false));
        let renamed = incompatible(
            &json!([enumeration("bundler", &["a", "b"])]),
            &json!([enumeration("bundler", &["a", "bee"])]),
        );
        assert_eq!(renamed.len(), 1);
        assert_eq!(renamed[0].to_string(), "field `bundler`: value `b` removed (or renamed)");
    }

    #[test]
    fn an_enum_set_is_compared_like_an_enum() {
        let set = |values: &[&str]| {
            let mut field = enumeration("plugins", values);
            field["kind"] = json!("enum_set");
            field
        };
        assert!(only_change(set(&["a"]), set(&["a", "b"])).1);
        assert!(!only_change(set(&["a", "b"]), set(&["a"])).1);
    }

    #[test]
    fn changing_a_kind_is_incompatible() {
        let (change, ok) = only_change(count("bundler", 255), enumeration("bundler", &["a"]));
        assert_eq!((change.as_str(), ok), ("field `bundler`: kind changed from count to enum", false));
        let (change, ok) =
            only_change(json!({"name": "took", "kind": "duration_ms", "required": true}), count("took", 4_294_967_295));
        assert_eq!((change.as_str(), ok), ("field `took`: kind changed from duration_ms to count", false));
    }

    #[test]
    fn raising_a_max_is_compatible_and_lowering_one_is_not() {
        assert_eq!(
            only_change(count("pages", 255), count("pages", 65_535)),
            ("field `pages`: max raised from 255 to 65535".to_owned(), true)
        );
        assert_eq!(
            only_change(count("pages", 65_535), count("pages", 1000)),
            ("field `pages`: max lowered from 65535 to 1000".to_owned(), false)
        );
        // A duration (issue 9's `max` on durations): a bound that appears lowers the max, one that goes raises it.
        let unbounded = json!({"name": "took", "kind": "duration_ms", "required": true});
        let bounded = json!({"name": "took", "kind": "duration_ms", "required": true, "max": 60_000});
        assert_eq!(
            only_change(unbounded.clone(), bounded.clone()),
            ("field `took`: max 60000 added (it had none)".to_owned(), false)
        );
        assert_eq!(only_change(bounded, unbounded), ("field `took`: max 60000 removed".to_owned(), true));
    }

    #[test]
    fn changing_a_bucket_scale_is_incompatible_and_dropping_it_is_not() {
        let with = |buckets: Option<&str>| {
            let mut field = count("pages", 65_535);
            if let Some(buckets) = buckets {
                field["buckets"] = json!(buckets);
            }
            field
        };
        assert_eq!(
            only_change(with(Some("exp2")), with(Some("exp10"))),
            ("field `pages`: bucket scale changed from exp2 to exp10".to_owned(), false)
        );
        assert_eq!(
            only_change(with(None), with(Some("exp2"))),
            ("field `pages`: bucket scale exp2 added (values were exact)".to_owned(), false)
        );
        assert_eq!(
            only_change(with(Some("exp2")), with(None)),
            ("field `pages`: bucket scale exp2 removed (values are exact)".to_owned(), true)
        );
        assert_eq!(diff(&json!([with(Some("exp2"))]), &json!([with(Some("exp2"))])), []);
    }

    #[test]
    fn changing_a_version_precision_is_incompatible_either_way() {
        let with = |precision: Option<&str>| {
            let mut field = json!({"name": "cli_version", "kind": "version", "required": true});
            if let Some(precision) = precision {
                field["precision"] = json!(precision);
            }
            field
        };
        assert_eq!(
            only_change(with(Some("minor")), with(Some("major"))),
            ("field `cli_version`: version precision changed from minor to major".to_owned(), false)
        );
        assert_eq!(
            only_change(with(Some("minor")), with(Some("patch"))),
            ("field `cli_version`: version precision changed from minor to patch".to_owned(), false)
        );
        assert_eq!(
            only_change(with(None), with(Some("minor"))),
            ("field `cli_version`: version precision changed from the whole version to minor".to_owned(), false)
        );
        assert_eq!(
            only_change(with(Some("minor")), with(None)),
            ("field `cli_version`: version precision changed from minor to the whole version".to_owned(), false)
        );
        assert_eq!(diff(&json!([with(Some("minor"))]), &json!([with(Some("minor"))])), []);
    }

    #[test]
    fn fields_of_a_nested_group_are_named_by_their_path() {
        let group = |inner: Value| json!({"name": "project", "kind": "group", "required": true, "fields": inner});
        let old = json!([group(json!([count("pages", 255), enumeration("kind", &["app", "lib"])]))]);
        let new = json!([group(json!([enumeration("kind", &["app", "lib", "site"])]))]);
        let changes: Vec<String> = diff(&old, &new).iter().map(ToString::to_string).collect();
        assert_eq!(
            changes,
            ["field `project.pages`: removed (or renamed)", "field `project.kind`: value `site` added"]
        );
        assert_eq!(incompatible(&old, &new).len(), 1);
    }

    fn map(name: &str, keys: &[&str], value_kind: &str, extra: Value) -> Value {
        let keys: Vec<Value> = keys.iter().map(|k| json!({"name": k, "doc": "A key."})).collect();
        let mut field = json!({"name": name, "kind": "map", "required": true, "keys": keys, "value_kind": value_kind});
        field.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        field
    }

    #[test]
    fn adding_a_map_key_is_compatible_and_removing_one_is_not() {
        let old = map("enabled", &["github", "google"], "bool", json!({}));
        let (added, ok) = only_change(old.clone(), map("enabled", &["github", "google", "email"], "bool", json!({})));
        assert_eq!((added.as_str(), ok), ("field `enabled`: map key `email` added", true));
        let (removed, ok) = only_change(old, map("enabled", &["github"], "bool", json!({})));
        assert_eq!((removed.as_str(), ok), ("field `enabled`: map key `google` removed (or renamed)", false));
    }

    #[test]
    fn a_map_s_values_follow_the_rules_of_their_kind() {
        let capped = |max: u64| map("sign_ins", &["github"], "count", json!({"max": max, "buckets": null}));
        assert_eq!(
            only_change(capped(100), capped(1000)),
            ("field `sign_ins`: max raised from 100 to 1000".into(), true)
        );
        assert_eq!(
            only_change(capped(1000), capped(100)),
            ("field `sign_ins`: max lowered from 1000 to 100".into(), false)
        );
        let levels = |values: &[&str]| {
            let values: Vec<Value> = values.iter().map(|v| json!({"name": v, "doc": "A value."})).collect();
            map("levels", &["github"], "enum", json!({"values": values}))
        };
        assert!(only_change(levels(&["warn"]), levels(&["warn", "error"])).1);
        assert!(!only_change(levels(&["warn", "error"]), levels(&["warn"])).1);
        let (changed, ok) = only_change(map("m", &["a"], "bool", json!({})), map("m", &["a"], "count", json!({})));
        assert_eq!((changed.as_str(), ok), ("field `m`: kind changed from map of bool to map of count", false));
        let (changed, ok) = only_change(map("m", &["a"], "bool", json!({})), json!({"name": "m", "kind": "bool"}));
        assert_eq!((changed.as_str(), ok), ("field `m`: kind changed from map to bool", false));
    }

    #[test]
    fn a_flow_id_is_its_own_kind() {
        let flow = json!({"name": "run", "kind": "flow_id", "required": true});
        assert_eq!(diff(&json!([flow.clone()]), &json!([flow.clone()])), []);
        let (changed, ok) = only_change(flow, json!({"name": "run", "kind": "count", "required": true, "max": 9}));
        assert_eq!((changed.as_str(), ok), ("field `run`: kind changed from flow_id to count", false));
    }

    #[test]
    fn a_union_s_cases_compare_like_values_and_their_fields_like_a_group_s() {
        let case = |name: &str, fields: Value| json!({"name": name, "doc": "A case.", "fields": fields});
        let union = |cases: Vec<Value>| json!({"name": "outcome", "kind": "union", "required": true, "values": cases});
        let failure = |max: u64| case("Failure", json!([count("retries", max)]));
        let (added, ok) = only_change(union(vec![failure(3)]), union(vec![failure(3), json!({"name": "Skipped"})]));
        assert_eq!((added.as_str(), ok), ("field `outcome`: value `Skipped` added", true));
        let (removed, ok) = only_change(union(vec![failure(3), json!({"name": "Skipped"})]), union(vec![failure(3)]));
        assert_eq!((removed.as_str(), ok), ("field `outcome`: value `Skipped` removed (or renamed)", false));
        let (lowered, ok) = only_change(union(vec![failure(9)]), union(vec![failure(3)]));
        assert_eq!((lowered.as_str(), ok), ("field `outcome.Failure.retries`: max lowered from 9 to 3", false));
    }
}
