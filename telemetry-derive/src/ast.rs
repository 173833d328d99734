//! The derive's own model of its input, keeping references to the original tokens for spans.

use syn::{Data, DeriveInput, Fields, Ident, Type};

use crate::attr::{self, ContainerAttrs, EventAttrs, FieldAttrs, Position, VariantAttrs};
use crate::ctxt::Ctxt;

/// Which trait a struct derive implements.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum StructRole {
    Event,
    Group,
}

impl StructRole {
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Self::Event => "event",
            Self::Group => "group",
        }
    }

    pub(crate) fn derive_name(self) -> &'static str {
        match self {
            Self::Event => "TelemetryEvent",
            Self::Group => "TelemetryGroup",
        }
    }
}

pub(crate) struct Struct<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) role: StructRole,
    pub(crate) doc: Option<attr::Doc>,
    /// A group's attributes are read by [`ContainerAttrs`]; only its `rename_all` and `crate` are set here.
    pub(crate) attrs: EventAttrs,
    pub(crate) fields: Vec<Field<'a>>,
}

pub(crate) struct Field<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) ty: &'a Type,
    pub(crate) doc: Option<attr::Doc>,
    pub(crate) attrs: FieldAttrs,
}

pub(crate) struct Enum<'a> {
    pub(crate) input: &'a DeriveInput,
    pub(crate) doc: Option<attr::Doc>,
    pub(crate) attrs: ContainerAttrs,
    pub(crate) variants: Vec<Variant<'a>>,
}

pub(crate) struct Variant<'a> {
    pub(crate) ident: &'a Ident,
    pub(crate) doc: Option<attr::Doc>,
    pub(crate) attrs: VariantAttrs,
    pub(crate) fields: &'a Fields,
}

impl<'a> Struct<'a> {
    /// `None` when the input is not a struct with named fields or a unit struct (the error is recorded).
    pub(crate) fn from_syn(cx: &mut Ctxt, input: &'a DeriveInput, role: StructRole) -> Option<Self> {
        let noun = role.noun();
        let fields = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(named) => named.named.iter().collect(),
                Fields::Unit => Vec::new(),
                Fields::Unnamed(_) => {
                    cx.error_spanned_by(
                        &input.ident,
                        format_args!(
                            "a tuple struct cannot be a telemetry {noun}: every field needs a name (its key on the \
                             wire) and a doc comment (its line on the disclosure page); use named fields"
                        ),
                    );
                    return None;
                }
            },
            Data::Enum(data) => {
                cx.error_spanned_by(
                    data.enum_token,
                    format_args!(
                        "`{}` works on structs; for a documented choice between fixed values, derive \
                         `TelemetryEnum` on this enum and use it as a field",
                        role.derive_name()
                    ),
                );
                return None;
            }
            Data::Union(data) => {
                cx.error_spanned_by(
                    data.union_token,
                    format_args!(
                        "a union cannot be a telemetry {noun}: the serializer could not know which field holds \
                         a value; use a struct with named fields"
                    ),
                );
                return None;
            }
        };
        let attrs = match role {
            StructRole::Event => EventAttrs::parse(cx, &input.attrs),
            StructRole::Group => {
                let container = ContainerAttrs::parse(cx, &input.attrs, Position::Group);
                EventAttrs { rename_all: container.rename_all, krate: container.krate, ..EventAttrs::default() }
            }
        };
        let fields = fields
            .into_iter()
            .map(|field| Field {
                ident: field.ident.as_ref().expect("named fields have idents"),
                ty: &field.ty,
                doc: attr::doc(cx, &field.attrs),
                attrs: FieldAttrs::parse(cx, &field.attrs),
            })
            .collect();
        let doc = attr::doc(cx, &input.attrs);
        Some(Self { input, role, doc, attrs, fields })
    }

    /// The name on the wire of a field, after `rename` and `rename_all`.
    pub(crate) fn wire_name(&self, field: &Field<'_>) -> String {
        if let Some(rename) = &field.attrs.rename {
            return rename.value.clone();
        }
        let written = unraw(field.ident);
        match self.attrs.rename_all {
            Some(rule) => rule.apply(&written),
            None => written,
        }
    }

    /// The event name: `#[telemetry(name)]`, or SCREAMING_SNAKE_CASE of the type name.
    pub(crate) fn event_name(&self) -> String {
        match &self.attrs.name {
            Some(name) => name.value.clone(),
            None => attr::default_event_name(&unraw(&self.input.ident)),
        }
    }

    pub(crate) fn version(&self) -> u32 {
        self.attrs.version.as_ref().map_or(1, |v| v.value)
    }
}

impl<'a> Enum<'a> {
    /// `None` when the input is not an enum (the error is recorded).
    pub(crate) fn from_syn(cx: &mut Ctxt, input: &'a DeriveInput) -> Option<Self> {
        let Data::Enum(data) = &input.data else {
            cx.error_spanned_by(
                &input.ident,
                "`TelemetryEnum` works on fieldless enums; for a struct of fields derive `TelemetryEvent` (a \
                 whole event) or `TelemetryGroup` (a group nested in an event)",
            );
            return None;
        };
        let attrs = ContainerAttrs::parse(cx, &input.attrs, Position::Enum);
        let variants = data
            .variants
            .iter()
            .map(|variant| Variant {
                ident: &variant.ident,
                doc: attr::doc(cx, &variant.attrs),
                attrs: VariantAttrs::parse(cx, &variant.attrs),
                fields: &variant.fields,
            })
            .collect();
        let doc = attr::doc(cx, &input.attrs);
        Some(Self { input, doc, attrs, variants })
    }

    /// The name on the wire of a variant, after `rename` and `rename_all`.
    pub(crate) fn wire_name(&self, variant: &Variant<'_>) -> String {
        if let Some(rename) = &variant.attrs.rename {
            return rename.value.clone();
        }
        let written = unraw(variant.ident);
        match self.attrs.rename_all {
            Some(rule) => rule.apply(&written),
            None => written,
        }
    }
}

/// `r#type` → `type`.
pub(crate) fn unraw(ident: &Ident) -> String {
    let text = ident.to_string();
    match text.strip_prefix("r#") {
        Some(stripped) => stripped.to_owned(),
        None => text,
    }
}
