//! Derive macros for `telemetry-schema`. Depend on `telemetry-schema` and use them from there:
//! `use telemetry_schema::{TelemetryEvent, TelemetryEnum, TelemetryGroup};`.
//!
//! Each derive runs in stages, one per file, like `thiserror` and `serde_derive`: [`ast`] turns `syn` input
//! into the crate's model (reading attributes through [`attr`]), [`valid`] checks the rules that need the whole
//! model, and [`expand`] writes tokens. Every mistake is collected in a [`ctxt::Ctxt`] with its span, so a user
//! sees all of them in one build; when there are any, a minimal fallback impl is emitted so no follow-on errors
//! drown the real ones.
//!
//! `serde` is declared as a helper attribute only so that a stray `#[serde(...)]` gets this crate's explanation
//! instead of the compiler's "cannot find attribute"; the derives refuse it.

mod ast;
mod attr;
mod ctxt;
mod expand;
mod hidden;
mod refused;
mod valid;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `telemetry_schema::TelemetryEvent` for a struct of documented, collectable fields, and registers
/// the event. Attributes: `#[telemetry(name = "EVENT_NAME", version = N, rename_all = "...")]` on the struct,
/// `#[telemetry(rename = "...")]` on a field.
#[proc_macro_derive(TelemetryEvent, attributes(telemetry, serde))]
pub fn derive_telemetry_event(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_struct(&input, ast::StructRole::Event).into()
}

/// Derives `telemetry_schema::TelemetryGroup` for a struct of documented, collectable fields nested in an
/// event. Attributes: `#[telemetry(rename_all = "...")]` on the struct, `#[telemetry(rename = "...")]` on a
/// field.
#[proc_macro_derive(TelemetryGroup, attributes(telemetry, serde))]
pub fn derive_telemetry_group(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_struct(&input, ast::StructRole::Group).into()
}

/// Derives `telemetry_schema::TelemetryEnum` for a fieldless enum with documented variants. Attributes:
/// `#[telemetry(rename_all = "...")]` on the enum, `#[telemetry(rename = "...")]` on a variant.
#[proc_macro_derive(TelemetryEnum, attributes(telemetry, serde))]
pub fn derive_telemetry_enum(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_enum(&input).into()
}
