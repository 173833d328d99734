//! Sampling by value (issue 14, item 8): `#[telemetry(sample_by = "component")]` on an event names an enum field
//! whose variants carry their own `#[telemetry(sample_rate = …)]`, so one value can be sent every time and the
//! others one time in ten. The check that the field is a `TelemetryEnum` is the compiler's (it knows the type,
//! aliases included), reported at the attribute; the rest is checked here.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use crate::ast::{self, Field, Struct};
use crate::ctxt::Ctxt;

fn sampled_field<'m, 'a>(model: &'m Struct<'a>) -> Option<(usize, &'m Field<'a>)> {
    let by = model.attrs.sample_by.as_ref()?;
    model.fields.iter().enumerate().find(|(_, field)| ast::unraw(field.ident) == by.value)
}

/// `sample_by` names a field of the event, and the event has no event-wide `sample_rate` besides.
pub(crate) fn check(cx: &mut Ctxt, model: &Struct<'_>) {
    let Some(by) = &model.attrs.sample_by else { return };
    let renamed = model.fields.iter().find(|f| model.wire_name(f) == by.value);
    match (sampled_field(model), renamed) {
        (Some(_), _) => {}
        // The page shows the name a field is sent under; say which field that is when it is what was written.
        (None, Some(field)) => {
            let rust = ast::unraw(field.ident);
            cx.error_at(
                by.span,
                format_args!(
                    "`sample_by` takes the field's Rust name: {:?} is the name `{rust}` is sent under; write \
                     `sample_by = \"{rust}\"`",
                    by.value
                ),
            );
        }
        (None, None) => {
            let names: Vec<String> = model.fields.iter().map(|f| format!("`{}`", ast::unraw(f.ident))).collect();
            let fields =
                if names.is_empty() { "it has none".to_owned() } else { format!("it has {}", names.join(", ")) };
            cx.error_at(
                by.span,
                format_args!(
                    "`sample_by` names {:?}, which is not a field of `{}` ({fields}); name the enum field whose \
                     value sets the rate",
                    by.value, model.input.ident
                ),
            );
        }
    }
    if model.attrs.sample_per_million.is_some() {
        cx.error_at(
            by.span,
            "an event sampled by value cannot also have an event-wide `sample_rate`: give the variants of the \
             `sample_by` field their rates (`#[telemetry(sample_rate = 0.1)]`), a variant without one is sent \
             every time",
        );
    }
}

/// `.__with_sample_by(index)` for the event's metadata, or nothing.
pub(crate) fn meta_suffix(model: &Struct<'_>) -> Option<TokenStream> {
    let (index, _) = sampled_field(model)?;
    Some(quote!(.__with_sample_by(#index)))
}

/// The event's `sample_rate_per_million` method, reading the variant of the sampled field; spanned at the
/// attribute so that a field that is not a `TelemetryEnum` is reported there.
pub(crate) fn rate_method(
    model: &Struct<'_>,
    krate_at: impl Fn(proc_macro2::Span) -> TokenStream,
) -> Option<TokenStream> {
    let by = model.attrs.sample_by.as_ref()?;
    let (_, field) = sampled_field(model)?;
    let (ident, ty) = (field.ident, field.ty);
    let at = krate_at(by.span);
    Some(quote_spanned! {by.span=>
        #[inline]
        fn sample_rate_per_million(&self) -> u32 {
            #at::__private::variant_sample_rate::<#ty>(&self.#ident)
        }
    })
}
