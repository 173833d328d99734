//! The derives of [`telemetry-schema`](https://docs.rs/telemetry-schema): `TelemetryEvent`, `TelemetryGroup` and
//! `TelemetryEnum`. Depend on `telemetry-schema` and use them from there:
//! `use telemetry_schema::{TelemetryEnum, TelemetryEvent, TelemetryGroup};`.
//!
//! Every event, field, group and variant needs a doc comment (it is what the disclosure page shows), and every
//! field must be a collectable kind (`bool`, an unsigned count, a `Duration`, a `Version`, a random `FlowId`, a
//! `TelemetryEnum`, an `Option` of those, a `BTreeSet<E>` or `BTreeMap<E, T>` keyed by a `TelemetryEnum`, a
//! `TelemetryGroup`); anything else is a compile error at the field.
//!
//! ```
//! use std::collections::BTreeSet;
//! use std::time::Duration;
//! use telemetry_schema::{TelemetryEnum, TelemetryEvent, TelemetryGroup, Version, to_json};
//!
//! /// Where a project deploys. Sent in a set, so it derives `Ord` (with `PartialOrd`, `Eq`, `PartialEq`).
//! #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
//! #[telemetry(rename_all = "lowercase")]
//! enum Target {
//!     /// Amazon Web Services.
//!     Aws,
//!     /// Fly.io.
//!     #[telemetry(rename = "fly-io")]
//!     Fly,
//! }
//!
//! /// How the build went.
//! #[derive(TelemetryGroup)]
//! #[telemetry(rename_all = "camelCase")]
//! struct BuildStats {
//!     /// Pages built.
//!     page_count: u32,
//! }
//!
//! /// Sent after each deployment; identical payloads at most once a day, one in two sent.
//! #[derive(TelemetryEvent)]
//! #[telemetry(name = "DEPLOYED", version = 2, sample_rate = 0.5, dedup = "24h")]
//! struct Deployed {
//!     /// Where it went.
//!     targets: BTreeSet<Target>,
//!     /// Whether it went to production.
//!     #[telemetry(rename = "prod")]
//!     production: bool,
//!     /// How long it took.
//!     duration: Duration,
//!     /// The CLI version.
//!     cli_version: Version,
//!     /// The build, when there was one.
//!     build: Option<BuildStats>,
//! }
//!
//! let event = Deployed {
//!     targets: BTreeSet::from([Target::Fly]),
//!     production: true,
//!     duration: Duration::from_millis(1500),
//!     cli_version: Version::new(1, 2, 0),
//!     build: Some(BuildStats { page_count: 3 }),
//! };
//! assert_eq!(
//!     to_json(&event).unwrap(),
//!     r#"{"targets":["fly-io"],"prod":true,"duration":1500,"cli_version":"1.2.0","build":{"pageCount":3}}"#
//! );
//! assert_eq!((Deployed::META.name(), Deployed::META.version()), ("DEPLOYED", 2));
//! ```
//!
//! # Attributes
//!
//! | attribute | on | what it does |
//! |---|---|---|
//! | `#[telemetry(name = "DEPLOYED")]` | event | the name on the wire and the page (default: the struct's name in `SCREAMING_SNAKE_CASE`): an ASCII letter, then letters, digits, `_` and single dots (`cli.start`) |
//! | `#[telemetry(version = 2)]` | event | the schema version (default 1); a change a collector could not read needs a new one |
//! | `#[telemetry(sample_rate = 0.5)]` | event | the share of these events that is sent, decided on the client (debug mode still prints all) |
//! | `#[telemetry(sample_by = "component")]` | event | sample by the value of this enum field: each occurrence is sent with the `sample_rate` of the field's variant (not together with an event-wide `sample_rate`) |
//! | `#[telemetry(sample_rate = 0.1)]` | variant | in an event sampled by this enum (`sample_by`), the share of occurrences with this value that is sent (default 1: every one) |
//! | `#[telemetry(dedup = "24h")]` | event | an identical payload is sent at most once per window (`s`, `m`, `h` or `d`) |
//! | `#[telemetry(rename_all = "camelCase")]` | event, group, enum | how field or variant names are written: `lowercase`, `UPPERCASE`, `PascalCase`, `camelCase`, `snake_case`, `SCREAMING_SNAKE_CASE`, `kebab-case`, `SCREAMING-KEBAB-CASE` |
//! | `#[telemetry(max_bits = 64)]` | event | the most bits one payload may carry (`EventMeta::payload_bits`), checked at compile time |
//! | `#[telemetry(rename = "prod")]` | field, variant | this one name. A field name is an ASCII letter, then letters, digits, `_` and `-`; a variant name (a value, never a key) may also hold `.` and `/` and start with a digit or `@`: `next/image`, `gpt-5.5`, `2025-11`, `@clerk/nextjs` |
//! | `#[telemetry(max = 64)]`, `#[telemetry(max = "10m")]` | field | the largest value sent, a larger one is sent as it: a count, a duration (`ms`, `s`, `m`, `h`), or each part of a version (`9`, `99`, …, with `precision`) |
//! | `#[telemetry(buckets = "exp2")]` | field | a count or duration is rounded down to 0 or a power of two (`"exp2/4"`: four steps per power of two) |
//! | `#[telemetry(precision = "minor")]` | field | only the first parts of a version are sent: `major`, `minor` or `patch` |
//! | `#[telemetry(crate = "my_sdk::telemetry_schema")]` | event, group, enum | where generated code finds `telemetry_schema`, for users of an SDK that re-exports it and do not depend on it themselves (default `::telemetry_schema`) |
//!
//! A doc comment may come from a file or a macro: `#[doc = include_str!("deployed.md")]` and `#[doc = concat!(…)]`
//! are read like `///` lines (one leading space per line and trailing white space removed, blank lines at either end
//! dropped), and the same checks run while compiling: a blank text, or one with a hidden or direction-changing
//! character, is an error at the attribute that names the item and the code point; so is a text over 64 KiB (the
//! page prints every doc in full).
//!
//! A `BTreeSet<E>` or `BTreeMap<E, T>` field needs `E: Ord`, so a set or key enum derives `Clone, Copy, PartialEq,
//! Eq, PartialOrd, Ord, TelemetryEnum`. A map's value cannot be an `Option` (leave the key out instead).
//!
//! An enum deriving `TelemetryEnum` whose variants are fieldless or carry one `TelemetryGroup` each
//! (`Failure(FailureInfo)`) is a tagged union (`telemetry_schema::TelemetryUnion`): sent as an object holding the
//! variant's name under `"kind"` and the group's fields; a group with a field named `kind` does not compile. A case
//! name is a step of the page's paths (`outcome.Failure.retries`), so it follows the field-name rule (no '.', '/'
//! or '@'), and a case takes no `sample_rate` (sampling by value needs a plain enum).
//!
//! `#[serde(...)]` is refused with an explanation: the toolkit has its own serializer.

// How the derives are built: each runs in stages, one per file, like `thiserror` and `serde_derive`: `ast` turns
// `syn` input into the crate's model (reading attributes through `attr`), `valid` checks the rules that need the
// whole model, and `expand` writes tokens. Every mistake is collected in a `ctxt::Ctxt` with its span, so a user
// sees all of them in one build; when there are any, a minimal fallback impl is emitted so no follow-on errors
// drown the real ones. `serde` is declared as a helper attribute only so that a stray `#[serde(...)]` gets this
// crate's explanation instead of the compiler's "cannot find attribute".

mod ast;
mod attr;
mod ctxt;
mod expand;
mod hidden;
mod list;
mod refused;
mod sampling;
mod valid;

use proc_macro::TokenStream;
use syn::{DeriveInput, parse_macro_input};

/// Derives `telemetry_schema::TelemetryEvent` for a struct of documented, collectable fields, and registers
/// the event. Attributes: `#[telemetry(name = "EVENT_NAME", version = N, sample_rate = R, dedup = "24h",
/// rename_all = "...")]` on the struct, `#[telemetry(rename = "...")]` on a field; see the [crate docs](crate).
#[proc_macro_derive(TelemetryEvent, attributes(telemetry, serde))]
pub fn derive_telemetry_event(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand::derive_struct(&input, ast::StructRole::Event).into()
}

/// Derives `telemetry_schema::TelemetryGroup` for a struct of documented, collectable fields nested in an
/// event. Attributes: `#[telemetry(rename_all = "...")]` on the struct; on a field `rename` and the bounds of
/// [`TelemetryEvent`](derive@TelemetryEvent)'s fields.
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

/// Defines a `TelemetryEnum` whose values are kept in a file, one documented value per line, so that a long list
/// (known packages, CI services, error codes) is data reviewed in the repository, not hand-written code.
///
/// ```ignore
/// telemetry_schema::telemetry_enum_from_list! {
///     /// A CI service the build runs on.
///     pub enum CiService = "lists/ci_services.txt";
/// }
/// ```
///
/// The path is relative to the directory of the file that calls the macro, as for `include_str!`, and editing
/// the list rebuilds the crate. Each line of the list is a value's name as sent, then whitespace, then the
/// sentence the page shows for it; blank lines and lines starting with `#` are ignored:
///
/// ```text
/// # CI services we recognise.
/// github-actions  GitHub Actions.
/// circleci        CircleCI.
/// ```
///
/// The enum derives `Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug` and `TelemetryEnum` (so it can
/// be the element of a `BTreeSet` field); other attributes written before it, doc comment included, are kept.
/// Each variant's name is made from the value's name: its runs of letters and digits, each starting with a
/// capital (`next/image` → `NextImage`, `gpt-5.5` → `Gpt5_5`, `2025-11` → `V2025_11`, `self` → `Self_`). A
/// line without a sentence, an invalid or repeated name, two names that make the same variant, or an empty list
/// is a compile error that names the file and line. A byte order mark at the start of the file is skipped.
#[proc_macro]
pub fn telemetry_enum_from_list(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as list::ListInput);
    list::expand(input).into()
}
