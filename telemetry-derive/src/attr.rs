//! Reads `#[telemetry(...)]` attributes and doc comments. Attribute names live here, in one place.

use heck::{ToKebabCase, ToLowerCamelCase, ToShoutyKebabCase, ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};
use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{Attribute, Expr, ExprLit, Lit, LitInt, LitStr, Meta};

use crate::ctxt::Ctxt;

const TELEMETRY: &str = "telemetry";
const NAME: &str = "name";
const VERSION: &str = "version";
const RENAME_ALL: &str = "rename_all";
const RENAME: &str = "rename";
const SAMPLE_RATE: &str = "sample_rate";
const DEDUP: &str = "dedup";
const EXPIRES: &str = "expires";
const CRATE: &str = "crate";

/// Where an attribute list sits; each place accepts its own keys.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Position {
    Event,
    Group,
    Enum,
    Field,
    Variant,
}

impl Position {
    fn keys(self) -> &'static [&'static str] {
        match self {
            Self::Event => &[NAME, VERSION, RENAME_ALL, SAMPLE_RATE, DEDUP, EXPIRES, CRATE],
            Self::Group | Self::Enum => &[RENAME_ALL, CRATE],
            Self::Field | Self::Variant => &[RENAME],
        }
    }

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

/// The `#[telemetry(...)]` settings of one item.
#[derive(Default)]
pub(crate) struct Attrs {
    pub(crate) name: Option<WithSpan<String>>,
    pub(crate) version: Option<WithSpan<u32>>,
    pub(crate) rename_all: Option<RenameRule>,
    pub(crate) rename: Option<WithSpan<String>>,
    /// Parts per million of occurrences that are sent.
    pub(crate) sample_per_million: Option<u32>,
    /// Seconds during which an identical payload is sent only once.
    pub(crate) dedup_secs: Option<u64>,
    /// The last day the event is sent, as (year, month, day), checked to exist.
    pub(crate) expires: Option<(u16, u8, u8)>,
    /// The path to `telemetry_schema` in generated code, for SDKs that re-export it (default `::telemetry_schema`).
    pub(crate) krate: Option<syn::Path>,
}

/// Parses the `#[telemetry(...)]` attributes of an item, reporting unknown, duplicate and malformed keys and any
/// `#[serde(...)]` attribute.
pub(crate) fn parse(cx: &mut Ctxt, attrs: &[Attribute], position: Position) -> Attrs {
    let mut out = Attrs::default();
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
            if !position.keys().contains(&key.as_str()) {
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
                        one_of(position.keys())
                    ),
                );
                skip_value(&meta)?;
                return Ok(());
            }
            let already_set = match key.as_str() {
                NAME => out.name.is_some(),
                VERSION => out.version.is_some(),
                RENAME_ALL => out.rename_all.is_some(),
                SAMPLE_RATE => out.sample_per_million.is_some(),
                DEDUP => out.dedup_secs.is_some(),
                EXPIRES => out.expires.is_some(),
                CRATE => out.krate.is_some(),
                _ => out.rename.is_some(),
            };
            if already_set {
                cx.error_at(span, format_args!("duplicate telemetry attribute `{key}`; keep only one"));
                skip_value(&meta)?;
                return Ok(());
            }
            match key.as_str() {
                NAME => {
                    let lit: LitStr = meta.value()?.parse()?;
                    out.name = Some(WithSpan { value: lit.value(), span: lit.span() });
                }
                VERSION => {
                    let lit: LitInt = meta.value()?.parse()?;
                    match lit.base10_parse::<u32>() {
                        Ok(version) if version >= 1 => {
                            out.version = Some(WithSpan { value: version, span: lit.span() });
                        }
                        _ => cx.error_spanned_by(
                            &lit,
                            "the schema version is a whole number from 1 up; raise it when a field's meaning \
                             or kind changes",
                        ),
                    }
                }
                RENAME_ALL => {
                    let lit: LitStr = meta.value()?.parse()?;
                    match RenameRule::from_str(&lit.value()) {
                        Some(rule) => out.rename_all = Some(rule),
                        None => cx.error_spanned_by(
                            &lit,
                            format_args!(
                                "unknown rename_all rule {:?}; expected {}",
                                lit.value(),
                                one_of(RenameRule::NAMES)
                            ),
                        ),
                    }
                }
                SAMPLE_RATE => {
                    let lit: Lit = meta.value()?.parse()?;
                    let rate = match &lit {
                        Lit::Float(f) => f.base10_parse::<f64>().ok(),
                        Lit::Int(i) => i.base10_parse::<u8>().ok().map(f64::from),
                        _ => None,
                    };
                    match rate {
                        Some(rate) if rate > 0.0 && rate <= 1.0 => {
                            // Rounded to parts per million; at least one, so a rate is never silently zero.
                            out.sample_per_million = Some(((rate * 1e6).round() as u32).max(1));
                        }
                        _ => cx.error_spanned_by(
                            &lit,
                            "sample_rate is the fraction of occurrences sent, a number above 0 and at most 1 \
                             (e.g. `sample_rate = 0.1` sends one in ten)",
                        ),
                    }
                }
                DEDUP => {
                    let lit: LitStr = meta.value()?.parse()?;
                    match parse_window(&lit.value()) {
                        Some(secs) => out.dedup_secs = Some(secs),
                        None => cx.error_spanned_by(
                            &lit,
                            "dedup is a time window during which an identical payload is sent only once: a \
                             whole number followed by s, m, h or d, like \"24h\"",
                        ),
                    }
                }
                EXPIRES => {
                    let lit: LitStr = meta.value()?.parse()?;
                    match telemetry_date(&lit.value()) {
                        Some(date) => out.expires = Some(date),
                        None => cx.error_spanned_by(
                            &lit,
                            "expires is the last day the event is sent, an existing date written YYYY-MM-DD \
                             between 1970 and 9999, like \"2027-06-30\"",
                        ),
                    }
                }
                CRATE => {
                    let lit: LitStr = meta.value()?.parse()?;
                    match lit.parse::<syn::Path>() {
                        Ok(path) => out.krate = Some(path),
                        Err(_) => cx.error_spanned_by(
                            &lit,
                            "crate is the path to telemetry_schema as this crate sees it, like \
                             \"my_sdk::telemetry_schema\" when the SDK re-exports it",
                        ),
                    }
                }
                _ => {
                    let lit: LitStr = meta.value()?.parse()?;
                    out.rename = Some(WithSpan { value: lit.value(), span: lit.span() });
                }
            }
            Ok(())
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

fn one_of(keys: &[&str]) -> String {
    let quoted: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    match quoted.as_slice() {
        [only] => only.clone(),
        [init @ .., last] => format!("one of {} or {last}", init.join(", ")),
        [] => String::new(),
    }
}

/// The doc comment of an item: its `///` lines joined with newlines, one leading space removed per line, blank
/// lines at either end dropped. `None` when there is no doc or it is blank. A doc line with a character that
/// would hide or reorder text on the page (bidi, zero-width, control…) is reported at that line.
pub(crate) fn doc(cx: &mut Ctxt, attrs: &[Attribute]) -> Option<String> {
    let mut lines = Vec::new();
    for attr in attrs {
        if !attr.path().is_ident("doc") {
            continue;
        }
        if let Meta::NameValue(nv) = &attr.meta
            && let Expr::Lit(ExprLit { lit: Lit::Str(text), .. }) = &nv.value
        {
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
    }
    let first = lines.iter().position(|l| !l.trim().is_empty())?;
    let last = lines.iter().rposition(|l| !l.trim().is_empty())?;
    Some(lines[first..=last].join("\n"))
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
