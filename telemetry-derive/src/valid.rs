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
const EVENT_NAME_RULE: &str = "start with an ASCII letter, use only ASCII letters, digits and '_', and be at \
                               most 64 bytes";

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
        if !is_name(&name, false) {
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
            cx.error_at(span, format_args!("invalid field name {wire:?}: a field name must {NAME_RULE}"));
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
        if !is_name(&wire, true) {
            cx.error_at(span, format_args!("invalid variant name {wire:?}: a variant name must {NAME_RULE}"));
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

/// Mirrors `telemetry_schema::is_valid_name` / `is_valid_event_name`, so the mistake is reported at its span
/// rather than as a failed `const` assertion.
fn is_name(name: &str, allow_dash: bool) -> bool {
    let mut bytes = name.bytes();
    name.len() <= 64
        && bytes.next().is_some_and(|b| b.is_ascii_alphabetic())
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_' || (allow_dash && b == b'-'))
}
