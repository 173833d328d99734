//! The rules that need the whole model: docs everywhere, no generics, valid and unique names.

use std::collections::BTreeMap;

use syn::spanned::Spanned;
use syn::{Fields, GenericParam, Generics};

use crate::ast::{Enum, Struct, StructRole};
use crate::attr::{FieldAttrs, MaxValue};
use crate::ctxt::Ctxt;
use crate::refused;

const NAME_RULE: &str = "start with an ASCII letter, use only ASCII letters, digits, '_' and '-', and be at most \
                         64 bytes";
const EVENT_NAME_RULE: &str = "start with an ASCII letter, use only ASCII letters, digits, '_' and '.' (as in \
                               \"cli.start\"), with no '.' at the end or next to another, and be at most 64 \
                               bytes";
pub(crate) const VARIANT_NAME_RULE: &str = "start with an ASCII letter or digit (or '@' and one, as in \"@scope/package\"), \
                                 use only ASCII letters, digits, '_', '-', '.' and '/' (as in \"next/image\" or \
                                 \"gpt-5.5\"), with no '.' or '/' at the end or next to another, and be at most 64 \
                                 bytes";

pub(crate) fn check_struct(cx: &mut Ctxt, model: &Struct<'_>) {
    let noun = model.role.noun();
    check_generics(cx, &model.input.generics, noun);
    let ident = &model.input.ident;
    if model.doc.is_none() {
        let hint = match model.role {
            StructRole::Event => "what the event records and when it is sent",
            StructRole::Group => "what this group of fields describes",
        };
        cx.error_spanned_by(
            ident,
            format_args!(
                "missing doc comment on telemetry {noun} `{ident}`: the \"what is collected\" page shows it to \
                 users; add `/// ...` above the struct saying {hint}"
            ),
        );
    }
    if model.role == StructRole::Group {
        check_type_name(cx, ident, "group");
    }
    if model.role == StructRole::Event {
        let name = model.event_name();
        if !is_event_name(&name) {
            let span = model.attrs.name.as_ref().map_or(ident.span(), |n| n.span);
            cx.error_at(span, format_args!("invalid event name {name:?}: an event name must {EVENT_NAME_RULE}"));
        }
    }
    let mut seen = BTreeMap::new();
    for field in &model.fields {
        if field.doc.is_none() {
            cx.error_spanned_by(
                field.ident,
                format_args!(
                    "missing doc comment on field `{}`: every field is explained to users on the \"what is \
                     collected\" page; add `/// ...` saying what it records",
                    field.ident
                ),
            );
        }
        if let Some((tokens, message)) = refused::explain(field.ty) {
            cx.error_spanned_by(tokens, message);
        }
        check_version_bound(cx, &field.attrs);
        let wire = model.wire_name(field);
        let span = field.attrs.rename.as_ref().map_or(field.ident.span(), |r| r.span);
        if !is_name(&wire, true) {
            cx.error_at(
                span,
                format_args!(
                    "invalid field name {wire:?}: a field name must {NAME_RULE} (it is a step of a path, \
                     `group.field` on the page and a column name in the collector, so '.' and '/' are only for \
                     variant names)"
                ),
            );
        } else if let Some(first) = seen.insert(wire.clone(), field.ident) {
            cx.error_at(
                span,
                format_args!(
                    "field `{}` is sent as {wire:?}, which field `{first}` already uses; rename one of them",
                    field.ident
                ),
            );
        }
    }
    crate::sampling::check(cx, model);
}

pub(crate) fn check_enum(cx: &mut Ctxt, model: &Enum<'_>) {
    check_generics(cx, &model.input.generics, "enum");
    let ident = &model.input.ident;
    check_type_name(cx, ident, "enum");
    if model.doc.is_none() {
        cx.error_spanned_by(
            ident,
            format_args!(
                "missing doc comment on telemetry enum `{ident}`: the \"what is collected\" page shows it to \
                 users; add `/// ...` above the enum saying what the choice is"
            ),
        );
    }
    if model.variants.is_empty() {
        cx.error_spanned_by(
            ident,
            format_args!("telemetry enum `{ident}` has no variants, so no value of it could ever be sent; add one"),
        );
    }
    // An enum with a variant that carries data is a tagged union (`TelemetryUnion`): its case names follow the
    // stricter name rule, and its variants take no `sample_rate`.
    let union = model.variants.iter().any(|variant| !matches!(variant.fields, Fields::Unit));
    let mut seen = BTreeMap::new();
    for variant in &model.variants {
        // A variant is fieldless, or carries exactly one unnamed field: a `TelemetryGroup` (checked by its trait
        // bound, at the field's type), sent beside the variant's name.
        match variant.fields {
            Fields::Unit => {}
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {}
            Fields::Unnamed(_) => cx.error_spanned_by(
                variant.fields,
                format_args!(
                    "variant `{}` carries several values: a variant of a telemetry enum carries at most one \
                     struct deriving TelemetryGroup, as `{}(Info)`; put the values in that group's documented fields",
                    variant.ident, variant.ident
                ),
            ),
            Fields::Named(_) => cx.error_spanned_by(
                variant.fields,
                format_args!(
                    "variant `{}` has named fields, which have no docs for the disclosure page: a variant of a \
                     telemetry enum carries at most one struct deriving TelemetryGroup, as `{}(Info)`; move the \
                     fields into that group, each with a doc comment",
                    variant.ident, variant.ident
                ),
            ),
        }
        if variant.doc.is_none() {
            cx.error_spanned_by(
                variant.ident,
                format_args!(
                    "missing doc comment on variant `{}`: every value is explained to users on the \"what is \
                     collected\" page; add `/// ...` saying what it means",
                    variant.ident
                ),
            );
        }
        let wire = model.wire_name(variant);
        let span = variant.attrs.rename.as_ref().map_or(variant.ident.span(), |r| r.span);
        if union && let Some(rate) = &variant.attrs.sample_per_million {
            cx.error_at(
                rate.span,
                format_args!(
                    "`sample_rate` on variant `{}` would be ignored: a variant's rate applies only to an event \
                     sampled by a plain enum field (`sample_by`), and `{ident}` has variants that carry groups; \
                     give the event a `sample_rate` instead, or sample by a plain enum field",
                    variant.ident
                ),
            );
        }
        if union && !is_name(&wire, true) {
            // A case name is also a step of the page's paths (`outcome.Case.field`): no '.', '/' or '@'.
            cx.error_at(
                span,
                format_args!(
                    "invalid case name {wire:?}: `{ident}` has variants that carry groups, and the name of each \
                     case is a step of the paths the page prints (`field.case.group_field`), so it must {NAME_RULE}"
                ),
            );
        } else if !is_variant_name(&wire) {
            cx.error_at(span, format_args!("invalid variant name {wire:?}: a variant name must {VARIANT_NAME_RULE}"));
        } else if let Some(first) = seen.insert(wire.clone(), variant.ident) {
            cx.error_at(
                span,
                format_args!(
                    "variant `{}` is sent as {wire:?}, which variant `{first}` already uses; rename one of them",
                    variant.ident
                ),
            );
        }
    }
}

/// With `precision` (a version), `max` caps each part: 9, 99, 999, … so that the schema's pattern is a number of
/// digits. Whether the field is a version at all is checked by the compiler, which knows its type.
fn check_version_bound(cx: &mut Ctxt, attrs: &FieldAttrs) {
    let (Some(_), Some(max)) = (&attrs.precision, &attrs.max) else {
        return;
    };
    let fits = match max.value {
        MaxValue::Number(n) => n <= 999_999_999 && n.to_string().bytes().all(|b| b == b'9'),
        MaxValue::Millis(_) => false,
    };
    if !fits {
        cx.error_at(
            max.span,
            "with `precision`, `max` caps each part of the version: a plain number of nines (9, 99, 999, …, at \
             most 999999999), so that the page and the schema can say \"at most N digits\"",
        );
    }
}

/// The type name of an enum or group names its definition in the schemas and on the page.
fn check_type_name(cx: &mut Ctxt, ident: &syn::Ident, noun: &str) {
    let name = crate::ast::unraw(ident);
    if !is_name(&name, true) {
        cx.error_spanned_by(ident, format_args!("the name of a telemetry {noun} must {NAME_RULE}; rename `{name}`"));
    }
}

fn check_generics(cx: &mut Ctxt, generics: &Generics, noun: &str) {
    for param in &generics.params {
        match param {
            GenericParam::Lifetime(lifetime) => cx.error_spanned_by(
                lifetime,
                format_args!(
                    "a telemetry {noun} cannot have a lifetime parameter: it would let a field borrow data, and a \
                     borrowed value (like `&str`) can carry free text; own collectable values instead"
                ),
            ),
            GenericParam::Type(ty) => cx.error_spanned_by(
                ty,
                format_args!(
                    "a telemetry {noun} cannot be generic: `{}` could be any type, including free text, so no \
                     check could vouch for it; write the concrete collectable type in each field",
                    ty.ident
                ),
            ),
            GenericParam::Const(constant) => cx.error_at(
                constant.span(),
                format_args!(
                    "a telemetry {noun} cannot have const parameters: its metadata must be one fixed \
                     description; remove `{}`",
                    constant.ident
                ),
            ),
        }
    }
}

// The name rules of telemetry-schema (`is_valid_name`, `is_valid_event_name`, `is_valid_variant_name`), mirrored
// so that a mistake is reported at its span rather than as a failed `const` assertion: a proc-macro crate cannot
// depend on the crate that re-exports it. The tests below hold each mirror equal to the original.

/// `telemetry_schema::is_valid_name` (`allow_dash`) for fields and type names; without the dash, the old event rule.
pub(crate) fn is_name(name: &str, allow_dash: bool) -> bool {
    let mut bytes = name.bytes();
    name.len() <= 64
        && bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || (allow_dash && b == b'-'))
}

/// `telemetry_schema::is_valid_event_name`.
fn is_event_name(name: &str) -> bool {
    name.split('.').enumerate().all(|(i, part)| {
        if i == 0 {
            is_name(part, false)
        } else {
            !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        }
    }) && name.len() <= 64
}

/// `telemetry_schema::is_valid_variant_name`.
pub(crate) fn is_variant_name(name: &str) -> bool {
    let body = name.strip_prefix('@').unwrap_or(name);
    name.len() <= 64
        && body.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && body
            .split(['.', '/'])
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-'))
}

#[cfg(test)]
mod tests {
    use super::{is_event_name, is_name, is_variant_name};

    /// Every string of up to four characters over an alphabet of each character class the rules tell apart, plus
    /// real names and the length limits.
    fn corpus() -> Vec<String> {
        let alphabet = ["a", "Z", "0", "_", "-", ".", "/", "@", " ", "\"", "é"];
        let mut out = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..4 {
            last = last.iter().flat_map(|prefix| alphabet.iter().map(move |c| format!("{prefix}{c}"))).collect();
            out.extend(last.iter().cloned());
        }
        for real in ["next/image", "@clerk/nextjs", "gpt-5.5", "2025-11", "cli.start", "CLI_COMMAND", "mcp/get_errors"]
        {
            out.push(real.to_owned());
        }
        for len in [63, 64, 65] {
            out.push("x".repeat(len));
            out.push(format!("a.{}", "b".repeat(len - 2)));
            out.push(format!("@{}", "b".repeat(len - 1)));
        }
        out
    }

    #[test]
    fn the_mirrors_accept_exactly_what_telemetry_schema_accepts() {
        let corpus = corpus();
        assert!(corpus.len() > 15_000);
        for name in &corpus {
            assert_eq!(is_name(name, true), telemetry_schema::is_valid_name(name), "field name {name:?}");
            assert_eq!(is_event_name(name), telemetry_schema::is_valid_event_name(name), "event name {name:?}");
            assert_eq!(is_variant_name(name), telemetry_schema::is_valid_variant_name(name), "variant name {name:?}");
        }
    }
}
