//! Reads `#[telemetry(...)]` attributes and doc comments. Attribute names live here, in one place.

use heck::{ToKebabCase, ToLowerCamelCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::Span;
use syn::meta::ParseNestedMeta;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprLit, Lit, LitInt, LitStr, Meta};

use crate::ctxt::Ctxt;

const TELEMETRY: &str = "telemetry";

/// Where an attribute list sits; each place has its own parser and accepts its own keys.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    Event,
    Group,
    Enum,
    Field,
    Variant,
}

impl Position {
    fn describe(self) -> &'static str {
        match self {
            Self::Event => "an event",
            Self::Group => "a group",
            Self::Enum => "an enum",
            Self::Field => "a field",
            Self::Variant => "a variant",
        }
    }

    /// What the user is told to do instead of `#[serde(...)]`.
    fn instead_of_serde(self) -> &'static str {
        match self {
            Self::Event => "use #[telemetry(name = \"...\", version = N, rename_all = \"...\")]",
            Self::Group | Self::Enum => "use #[telemetry(rename_all = \"...\")]",
            Self::Field | Self::Variant => "use #[telemetry(rename = \"...\")]; every field is always sent",
        }
    }
}

/// A value together with the span of the attribute that set it.
pub(crate) struct WithSpan<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

/// How one key of one position is read: its name and a function that parses `= value` into the position's
/// settings. Each position's keys are one table ([`EventAttrs::KEYS`], …): the table is the list shown in
/// "unknown attribute" errors and the only dispatch, so a new key is one row (and one settings field), and it
/// cannot be accepted by one match and misread by another. Duplicates are found by name, for every key alike.
type Key<T> = (&'static str, fn(&mut T, &mut Ctxt, &ParseNestedMeta<'_>) -> syn::Result<()>);

/// `#[telemetry(...)]` on an event struct.
#[derive(Default)]
pub(crate) struct EventAttrs {
    pub(crate) name: Option<WithSpan<String>>,
    pub(crate) version: Option<WithSpan<u32>>,
    pub(crate) rename_all: Option<RenameRule>,
    /// Parts per million of occurrences that are sent.
    pub(crate) sample_per_million: Option<u32>,
    /// The enum field whose value's variant rate decides sampling (`sample_by = "component"`).
    pub(crate) sample_by: Option<WithSpan<String>>,
    /// Seconds during which an identical payload is sent only once.
    pub(crate) dedup_secs: Option<u64>,
    /// The most bits the payload may carry (`EventMeta::payload_bits`), checked at compile time.
    pub(crate) max_bits: Option<WithSpan<u32>>,
    /// The last day the event is sent, as (year, month, day), checked to exist.
    pub(crate) expires: Option<(u16, u8, u8)>,
    /// The path to `telemetry_schema` in generated code, for SDKs that re-export it (default `::telemetry_schema`).
    pub(crate) krate: Option<syn::Path>,
}

impl EventAttrs {
    const KEYS: &'static [Key<Self>] = &[
        ("name", |out, _, meta| {
            let lit: LitStr = meta.value()?.parse()?;
            out.name = Some(WithSpan { value: lit.value(), span: lit.span() });
            Ok(())
        }),
        ("version", |out, cx, meta| {
            let lit: LitInt = meta.value()?.parse()?;
            match lit.base10_parse::<u32>() {
                Ok(version) if version >= 1 => out.version = Some(WithSpan { value: version, span: lit.span() }),
                _ => cx.error_spanned_by(
                    &lit,
                    "the schema version is a whole number from 1 up; raise it when a field's meaning or kind changes",
                ),
            }
            Ok(())
        }),
        ("rename_all", |out, cx, meta| {
            out.rename_all = parse_rename_all(cx, meta)?;
            Ok(())
        }),
        ("sample_rate", |out, cx, meta| {
            out.sample_per_million = parse_sample_rate(cx, meta)?;
            Ok(())
        }),
        ("sample_by", |out, _, meta| {
            let lit: LitStr = meta.value()?.parse()?;
            out.sample_by = Some(WithSpan { value: lit.value(), span: lit.span() });
            Ok(())
        }),
        ("dedup", |out, cx, meta| {
            let lit: LitStr = meta.value()?.parse()?;
            match parse_window(&lit.value()) {
                Some(secs) => out.dedup_secs = Some(secs),
                None => cx.error_spanned_by(
                    &lit,
                    "dedup is a time window during which an identical payload is sent only once: a whole number \
                     followed by s, m, h or d, like \"24h\"",
                ),
            }
            Ok(())
        }),
        ("max_bits", |out, cx, meta| {
            let lit: LitInt = meta.value()?.parse()?;
            match lit.base10_parse::<u32>() {
                Ok(bits) => out.max_bits = Some(WithSpan { value: bits, span: meta.path.span() }),
                Err(_) => cx.error_spanned_by(
                    &lit,
                    "max_bits is the most bits one payload may carry, a whole number like `max_bits = 64`",
                ),
            }
            Ok(())
        }),
        ("expires", |out, cx, meta| {
            let lit: LitStr = meta.value()?.parse()?;
            match telemetry_date(&lit.value()) {
                Some(date) => out.expires = Some(date),
                None => cx.error_spanned_by(
                    &lit,
                    "expires is the last day the event is sent, an existing date written YYYY-MM-DD between 1970 \
                     and 9999, like \"2027-06-30\"",
                ),
            }
            Ok(())
        }),
        ("crate", |out, cx, meta| {
            out.krate = parse_crate(cx, meta)?;
            Ok(())
        }),
    ];

    pub(crate) fn parse(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        parse_keys(cx, attrs, Position::Event, Self::KEYS)
    }
}

/// `#[telemetry(...)]` on a group struct or an enum.
#[derive(Default)]
pub(crate) struct ContainerAttrs {
    pub(crate) rename_all: Option<RenameRule>,
    /// The path to `telemetry_schema` in generated code, as [`EventAttrs::krate`].
    pub(crate) krate: Option<syn::Path>,
}

impl ContainerAttrs {
    const KEYS: &'static [Key<Self>] = &[
        ("rename_all", |out, cx, meta| {
            out.rename_all = parse_rename_all(cx, meta)?;
            Ok(())
        }),
        ("crate", |out, cx, meta| {
            out.krate = parse_crate(cx, meta)?;
            Ok(())
        }),
    ];

    pub(crate) fn parse(cx: &mut Ctxt, attrs: &[Attribute], position: Position) -> Self {
        parse_keys(cx, attrs, position, Self::KEYS)
    }
}

/// A field's `max`: a plain number (a count, or each part of a version) or a duration with a unit.
#[derive(Clone, Copy)]
pub(crate) enum MaxValue {
    Number(u64),
    Millis(u64),
}

/// `#[telemetry(...)]` on a field of an event or group.
#[derive(Default)]
pub(crate) struct FieldAttrs {
    pub(crate) rename: Option<WithSpan<String>>,
    pub(crate) max: Option<WithSpan<MaxValue>>,
    /// The scale's attribute value, already known to be one of [`BUCKET_SCALES`].
    pub(crate) buckets: Option<WithSpan<String>>,
    /// The precision's attribute value, already known to be one of [`PRECISIONS`].
    pub(crate) precision: Option<WithSpan<String>>,
}

/// The values `buckets` accepts (`telemetry_schema::Scale`).
pub(crate) const BUCKET_SCALES: &[&str] = &["exp2", "exp2/4"];
/// The values `precision` accepts (`telemetry_schema::Precision`).
pub(crate) const PRECISIONS: &[&str] = &["major", "minor", "patch"];

impl FieldAttrs {
    const KEYS: &'static [Key<Self>] = &[
        ("rename", |out, _, meta| {
            out.rename = Some(parse_rename(meta)?);
            Ok(())
        }),
        ("max", |out, cx, meta| {
            let lit: Lit = meta.value()?.parse()?;
            let value = match &lit {
                Lit::Int(int) => int.base10_parse::<u64>().ok().map(MaxValue::Number),
                Lit::Str(text) => parse_duration_millis(&text.value()).map(MaxValue::Millis),
                _ => None,
            };
            match value {
                Some(MaxValue::Number(0) | MaxValue::Millis(0)) => cx.error_spanned_by(
                    &lit,
                    "`max = 0` would always send 0, which says nothing; remove the field or raise the cap",
                ),
                Some(value) => out.max = Some(WithSpan { value, span: meta.path.span() }),
                None => cx.error_spanned_by(
                    &lit,
                    "max is the largest value sent (a larger one is sent as it): a whole number for a count \
                     (`max = 64`) or for each part of a version, and for a duration a whole number followed by \
                     ms, s, m or h (`max = \"10m\"`)",
                ),
            }
            Ok(())
        }),
        ("buckets", |out, cx, meta| {
            let lit: LitStr = meta.value()?.parse()?;
            if BUCKET_SCALES.contains(&lit.value().as_str()) {
                out.buckets = Some(WithSpan { value: lit.value(), span: meta.path.span() });
            } else {
                cx.error_spanned_by(
                    &lit,
                    format_args!(
                        "unknown bucket scale {:?}; expected {} (\"exp2\" rounds down to 0 or a power of two, \
                         \"exp2/4\" to four steps per power of two)",
                        lit.value(),
                        one_of(BUCKET_SCALES)
                    ),
                );
            }
            Ok(())
        }),
        ("precision", |out, cx, meta| {
            let lit: LitStr = meta.value()?.parse()?;
            if PRECISIONS.contains(&lit.value().as_str()) {
                out.precision = Some(WithSpan { value: lit.value(), span: meta.path.span() });
            } else {
                cx.error_spanned_by(
                    &lit,
                    format_args!(
                        "unknown version precision {:?}; expected {} (the parts of the version that are sent)",
                        lit.value(),
                        one_of(PRECISIONS)
                    ),
                );
            }
            Ok(())
        }),
    ];

    pub(crate) fn parse(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        parse_keys(cx, attrs, Position::Field, Self::KEYS)
    }

    /// Whether any of `max`, `buckets` or `precision` is set.
    pub(crate) fn is_bounded(&self) -> bool {
        self.max.is_some() || self.buckets.is_some() || self.precision.is_some()
    }

    /// The span of the first bound key, where a bound that does not fit the field's type is reported.
    pub(crate) fn bound_span(&self) -> Option<Span> {
        [
            self.max.as_ref().map(|m| m.span),
            self.buckets.as_ref().map(|b| b.span),
            self.precision.as_ref().map(|p| p.span),
        ]
        .into_iter()
        .flatten()
        .next()
    }
}

/// `#[telemetry(...)]` on an enum variant.
#[derive(Default)]
pub(crate) struct VariantAttrs {
    pub(crate) rename: Option<WithSpan<String>>,
    /// Parts per million of the occurrences carrying this variant that an event sampled by its enum sends, with
    /// the span of `sample_rate` (refused on a case of a union, which `sample_by` cannot name).
    pub(crate) sample_per_million: Option<WithSpan<u32>>,
}

impl VariantAttrs {
    const KEYS: &'static [Key<Self>] = &[
        ("rename", |out, _, meta| {
            out.rename = Some(parse_rename(meta)?);
            Ok(())
        }),
        ("sample_rate", |out, cx, meta| {
            let span = meta.path.span();
            out.sample_per_million = parse_sample_rate(cx, meta)?.map(|value| WithSpan { value, span });
            Ok(())
        }),
    ];

    pub(crate) fn parse(cx: &mut Ctxt, attrs: &[Attribute]) -> Self {
        parse_keys(cx, attrs, Position::Variant, Self::KEYS)
    }
}

/// `sample_rate = 0.1` as parts per million (rounded to the nearest); `None` after reporting a rate that is not a
/// number above 0 and at most 1 (`f64::NAN` and `INFINITY` included), or that is below one in a million: it would
/// round to zero, and raising it to one in a million would silently send a thousand times `1e-9`.
fn parse_sample_rate(cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<u32>> {
    // An expression, not a literal: `f64::NAN` or `-0.5` then get this message rather than "expected literal".
    let value: Expr = meta.value()?.parse()?;
    let rate = match &value {
        Expr::Lit(ExprLit { lit: Lit::Float(f), .. }) => f.base10_parse::<f64>().ok(),
        Expr::Lit(ExprLit { lit: Lit::Int(i), .. }) => i.base10_parse::<u8>().ok().map(f64::from),
        _ => None,
    };
    match rate {
        Some(rate) if rate > 0.0 && rate <= 1.0 => {
            let per_million = (rate * 1e6).round();
            if per_million < 1.0 {
                cx.error_spanned_by(
                    &value,
                    "sample_rate is at least 0.000001 (one occurrence in a million, the finest rate the client \
                     applies); a smaller rate cannot be kept, so write 0.000001 or stop sending the event",
                );
                return Ok(None);
            }
            Ok(Some(per_million as u32))
        }
        _ => {
            cx.error_spanned_by(
                &value,
                "sample_rate is the fraction of occurrences sent, a number above 0 and at most 1 (e.g. \
                 `sample_rate = 0.1` sends one in ten)",
            );
            Ok(None)
        }
    }
}

fn parse_rename(meta: &ParseNestedMeta<'_>) -> syn::Result<WithSpan<String>> {
    let lit: LitStr = meta.value()?.parse()?;
    Ok(WithSpan { value: lit.value(), span: lit.span() })
}

fn parse_rename_all(cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<RenameRule>> {
    let lit: LitStr = meta.value()?.parse()?;
    let rule = RenameRule::from_str(&lit.value());
    if rule.is_none() {
        cx.error_spanned_by(
            &lit,
            format_args!("unknown rename_all rule {:?}; expected {}", lit.value(), one_of(RenameRule::NAMES)),
        );
    }
    Ok(rule)
}

fn parse_crate(cx: &mut Ctxt, meta: &ParseNestedMeta<'_>) -> syn::Result<Option<syn::Path>> {
    let lit: LitStr = meta.value()?.parse()?;
    match lit.parse::<syn::Path>() {
        Ok(path) => Ok(Some(path)),
        Err(_) => {
            cx.error_spanned_by(
                &lit,
                "crate is the path to telemetry_schema as this crate sees it, like \"my_sdk::telemetry_schema\" \
                 when the SDK re-exports it",
            );
            Ok(None)
        }
    }
}

/// Reads every `#[telemetry(...)]` list of an item with one position's key table, reporting unknown and
/// duplicate keys (naming the valid ones), malformed values, and any `#[serde(...)]` attribute.
fn parse_keys<T: Default>(cx: &mut Ctxt, attrs: &[Attribute], position: Position, keys: &[Key<T>]) -> T {
    let mut out = T::default();
    let mut seen: Vec<&'static str> = Vec::new();
    let names: Vec<&str> = keys.iter().map(|(name, _)| *name).collect();
    for attr in attrs {
        if attr.path().is_ident("serde") {
            cx.error_spanned_by(
                attr,
                format_args!(
                    "`#[serde]` has no effect on telemetry types: the wire format is generated from the \
                     telemetry metadata, so serde attributes would only mislead a reader; {}",
                    position.instead_of_serde()
                ),
            );
            continue;
        }
        if !attr.path().is_ident(TELEMETRY) {
            continue;
        }
        if let Err(err) = attr.parse_nested_meta(|meta| {
            let key = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
            let span = meta.path.span();
            let Some((name, parse)) = keys.iter().find(|(name, _)| *name == key) else {
                let shown = if key.is_empty() {
                    quote::ToTokens::to_token_stream(&meta.path).to_string().replace(' ', "")
                } else {
                    key
                };
                cx.error_at(
                    span,
                    format_args!(
                        "unknown telemetry attribute `{shown}` on {}; expected {}",
                        position.describe(),
                        one_of(&names)
                    ),
                );
                return skip_value(&meta);
            };
            if seen.contains(name) {
                cx.error_at(span, format_args!("duplicate telemetry attribute `{key}`; keep only one"));
                return skip_value(&meta);
            }
            seen.push(name);
            parse(&mut out, cx, &meta)
        }) {
            cx.syn_error(err);
        }
    }
    out
}

/// Consumes `= value` or `(...)` after a key we already reported, so the rest of the list is still read.
fn skip_value(meta: &syn::meta::ParseNestedMeta<'_>) -> syn::Result<()> {
    if meta.input.peek(syn::Token![=]) {
        meta.value()?.parse::<proc_macro2::TokenTree>()?;
    } else if !meta.input.is_empty() && !meta.input.peek(syn::Token![,]) {
        meta.input.parse::<proc_macro2::TokenTree>()?;
    }
    Ok(())
}

/// `"90s"`, `"30m"`, `"24h"`, `"7d"` → seconds; `None` when malformed or zero.
fn parse_window(text: &str) -> Option<u64> {
    let split = text.len().checked_sub(1)?;
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok().filter(|n| *n > 0)?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return None,
    };
    number.checked_mul(scale)
}

/// `"500ms"`, `"30s"`, `"10m"`, `"2h"` → milliseconds; `None` when malformed or too large.
fn parse_duration_millis(text: &str) -> Option<u64> {
    let (number, scale) = if let Some(number) = text.strip_suffix("ms") {
        (number, 1)
    } else if let Some(number) = text.strip_suffix('s') {
        (number, 1000)
    } else if let Some(number) = text.strip_suffix('m') {
        (number, 60_000)
    } else if let Some(number) = text.strip_suffix('h') {
        (number, 3_600_000)
    } else {
        return None;
    };
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    number.parse::<u64>().ok()?.checked_mul(scale)
}

fn one_of(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.as_slice() {
        [only] => only.clone(),
        [init @ .., last] => format!("one of {} or {last}", init.join(", ")),
        [] => String::new(),
    }
}

/// A doc comment as the derive found it.
pub(crate) enum Doc {
    /// Every `#[doc]` is a string literal (`///` lines): the text, normalized here.
    Text(String),
    /// At least one `#[doc = ...]` is a macro call (`include_str!("…")`, `concat!(…)`) whose text only the compiler
    /// knows: every part in order, to be joined with newlines by `concat!` and normalized (and checked for
    /// hidden characters and blankness) by `telemetry_schema::__private::doc!` while compiling. `span` is the
    /// macro call of the first such attribute, where a problem with the text is reported.
    Expr { parts: Vec<Expr>, span: Span },
}

/// The doc comment of an item: its `///` lines joined with newlines, one leading space removed per line, trailing
/// white space removed, blank lines at either end dropped. `None` when there is no doc, or only literal lines that
/// are all blank. A literal doc line with a character that would hide or reorder text on the page (bidi,
/// zero-width, control…) is reported at that line; an expression's text is checked the same way while compiling.
pub(crate) fn doc(cx: &mut Ctxt, attrs: &[Attribute]) -> Option<Doc> {
    let mut lines = Vec::new();
    let mut parts = Vec::new();
    let mut expr_span = None;
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        let Meta::NameValue(nv) = &attr.meta else { continue };
        parts.push(nv.value.clone());
        let Expr::Lit(ExprLit { lit: Lit::Str(text), .. }) = &nv.value else {
            expr_span.get_or_insert_with(|| nv.value.span());
            continue;
        };
        let text = text.value();
        if let Some((c, what)) = crate::hidden::find(&text) {
            cx.error_spanned_by(
                attr,
                format_args!(
                    "this doc comment contains U+{:04X}, {what}: on the \"what is collected\" page it would hide \
                     or reorder the text around it; remove it and write the text with visible characters only",
                    u32::from(c)
                ),
            );
        }
        // `split`, not `lines`: a blank `///` line is an empty string, and it separates paragraphs.
        for line in text.split('\n') {
            lines.push(line.strip_prefix(' ').unwrap_or(line).trim_end().to_owned());
        }
    }
    if let Some(span) = expr_span {
        return Some(Doc::Expr { parts, span });
    }
    let first = lines.iter().position(|l| !l.trim().is_empty())?;
    let last = lines.iter().rposition(|l| !l.trim().is_empty())?;
    Some(Doc::Text(lines[first..=last].join("\n")))
}

/// A `rename_all` rule, with serde's names.
#[derive(Clone, Copy)]
pub(crate) enum RenameRule {
    Lower,
    Upper,
    Pascal,
    Camel,
    Snake,
    ScreamingSnake,
    Kebab,
    ScreamingKebab,
}

impl RenameRule {
    const NAMES: &'static [&'static str] = &[
        "lowercase",
        "UPPERCASE",
        "PascalCase",
        "camelCase",
        "snake_case",
        "SCREAMING_SNAKE_CASE",
        "kebab-case",
        "SCREAMING-KEBAB-CASE",
    ];

    fn from_str(name: &str) -> Option<Self> {
        Some(match name {
            "lowercase" => Self::Lower,
            "UPPERCASE" => Self::Upper,
            "PascalCase" => Self::Pascal,
            "camelCase" => Self::Camel,
            "snake_case" => Self::Snake,
            "SCREAMING_SNAKE_CASE" => Self::ScreamingSnake,
            "kebab-case" => Self::Kebab,
            "SCREAMING-KEBAB-CASE" => Self::ScreamingKebab,
            _ => return None,
        })
    }

    pub(crate) fn apply(self, name: &str) -> String {
        match self {
            Self::Lower => name.to_lowercase(),
            Self::Upper => name.to_uppercase(),
            Self::Pascal => name.to_upper_camel_case(),
            Self::Camel => name.to_lower_camel_case(),
            Self::Snake => name.to_snake_case(),
            Self::ScreamingSnake => name.to_shouty_snake_case(),
            Self::Kebab => name.to_kebab_case(),
            Self::ScreamingKebab => name.to_shouty_kebab_case(),
        }
    }
}

/// `CliCommand` → `CLI_COMMAND`: the default event name.
pub(crate) fn default_event_name(type_name: &str) -> String {
    type_name.to_shouty_snake_case()
}

/// `YYYY-MM-DD`, a date that exists, from 1970 to 9999 (what `telemetry_schema::Date::parse` accepts; the derive
/// cannot depend on the schema crate, so the rule is repeated here and the expansion calls the checking
/// `Date::new` again).
fn telemetry_date(text: &str) -> Option<(u16, u8, u8)> {
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return None;
    }
    let digits = |range: std::ops::Range<usize>| {
        let part = &text[range];
        part.bytes().all(|b| b.is_ascii_digit()).then(|| part.parse::<u16>().ok()).flatten()
    };
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    ((1970..=9999).contains(&year) && (1..=days).contains(&day)).then_some((year, month as u8, day as u8))
}
