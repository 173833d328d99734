//! Tailored messages for the field types people reach for first. The trait bound on every field is the real
//! check (it sees through aliases and macros); this only explains the common mistakes in their own words.
//!
//! A message here is a hard error, so it must never fire for a type that could be collectable. Only shapes that
//! can never be collectable qualify: primitives, references, arrays, tuples, trait objects, any generic type but
//! `Option`, `BTreeSet` and `BTreeMap` (a collectable user type cannot be generic), and names from `std` and well-known crates
//! that nobody gives a telemetry enum. An ambiguous name like `Value` or `Path` is only matched with its crate path
//! (`serde_json::Value`); written bare, it is left to the trait bound, whose message is general but never wrong.

use syn::{GenericArgument, PathArguments, Type, TypePath};

/// Why a field type, as written, can never be collectable, if it is one of the well-known refusals: the tokens to
/// point at (the whole offending type) and the message.
pub(crate) fn explain(ty: &Type) -> Option<(&Type, String)> {
    let message = match ty {
        Type::Reference(reference) => match &*reference.elem {
            Type::Path(p) if p.path.is_ident("str") => "`&str` is free text and cannot be a telemetry field: it could \
                                                       carry names, paths or secrets; send an enum of the known values \
                                                       instead"
                .to_owned(),
            _ => "a reference cannot be a telemetry field: events own their values; use a collectable kind (bool, \
                  count, Duration, Version, TelemetryEnum, TelemetryGroup)"
                .to_owned(),
        },
        Type::Array(_) | Type::Slice(_) => "an array cannot be a telemetry field: a sequence of values can spell out \
                                            an identifier byte by byte; use a count, or a BTreeSet of a \
                                            TelemetryEnum for which known options are present"
            .to_owned(),
        Type::Tuple(tuple) if !tuple.elems.is_empty() => "a tuple cannot be a telemetry field: its parts have no \
                                                          names or docs for the disclosure page; use a struct \
                                                          deriving TelemetryGroup with documented fields"
            .to_owned(),
        Type::TraitObject(_) | Type::ImplTrait(_) => trait_object_message(),
        Type::Paren(inner) => return explain(&inner.elem),
        Type::Group(inner) => return explain(&inner.elem),
        Type::Path(path) if path.qself.is_none() => return explain_path(ty, path),
        _ => return None,
    };
    Some((ty, message))
}

fn trait_object_message() -> String {
    "a trait object cannot be a telemetry field: what it holds is only known at run time; send a TelemetryEnum of \
     the known cases instead (for an error, an error-code enum)"
        .to_owned()
}

fn explain_path<'a>(ty: &'a Type, path: &'a TypePath) -> Option<(&'a Type, String)> {
    let last = path.path.segments.last()?;
    let name = last.ident.to_string();
    let inner = first_type_argument(&last.arguments);
    match name.as_str() {
        "Option" => {
            let inner = inner?;
            if let Type::Path(p) = inner
                && p.path.segments.last().is_some_and(|s| s.ident == "Option")
            {
                return Some((
                    ty,
                    "`Option<Option<_>>` cannot be a telemetry field: `None` and `Some(None)` would both leave the \
                     key out, so they could not be told apart; use one `Option`, or an enum for the three cases"
                        .to_owned(),
                ));
            }
            return explain(inner);
        }
        "BTreeSet" => return inner.and_then(explain),
        "BTreeMap" => return explain_btree_map(&last.arguments),
        "Box" | "Rc" | "Arc" => {
            return match inner {
                Some(Type::Path(p)) if p.path.is_ident("str") => Some((
                    ty,
                    format!(
                        "`{name}<str>` cannot be a telemetry field: it is free text, which could carry names, \
                         emails, paths or secrets; send an enum of the known values instead"
                    ),
                )),
                Some(Type::TraitObject(_)) => Some((ty, trait_object_message())),
                Some(inner) => match explain(inner) {
                    Some(found) => Some(found),
                    None => {
                        Some((ty, format!("`{name}` cannot be a telemetry field: store the collectable value itself")))
                    }
                },
                None => None,
            };
        }
        _ => {}
    }
    // A path, or generic arguments (no collectable user type is generic), makes an ambiguous name certain.
    let qualified = path.path.segments.len() > 1 || !matches!(last.arguments, PathArguments::None);
    let message = message_for(&name, qualified)?;
    Some((ty, format!("`{}` cannot be a telemetry field: it {message}", shown_name(path))))
}

/// `BTreeMap<K, V>`: collectable when `K` is a `TelemetryEnum` and `V` a collectable kind other than `Option`. Only
/// what can never be either is refused here: a key or value that [`explain`] refuses, or an `Option` value.
fn explain_btree_map(arguments: &PathArguments) -> Option<(&Type, String)> {
    let PathArguments::AngleBracketed(args) = arguments else { return None };
    let mut types = args.args.iter().filter_map(|arg| match arg {
        GenericArgument::Type(ty) => Some(ty),
        _ => None,
    });
    let (key, value) = (types.next()?, types.next()?);
    if let Some((key, why)) = explain(key) {
        return Some((
            key,
            format!(
                "the key of a telemetry `BTreeMap` must be an enum deriving TelemetryEnum, so that every key is a \
                 known, documented name; {why}"
            ),
        ));
    }
    if let Type::Path(p) = value
        && p.path.segments.last().is_some_and(|s| s.ident == "Option")
    {
        return Some((
            value,
            "the value of a telemetry `BTreeMap` cannot be an `Option`: a key without a value is left out of the \
             map, so `Some(None)` and a missing key would look the same; leave the key out instead"
                .to_owned(),
        ));
    }
    explain(value)
}

/// The type as the user wrote it, without generic arguments' spacing noise: `Cow<str>`, `serde_json::Value`.
fn shown_name(path: &TypePath) -> String {
    let text = quote::ToTokens::to_token_stream(path).to_string();
    text.replace(" :: ", "::").replace(" <", "<").replace("< ", "<").replace(" >", ">").replace(" ,", ",")
}

/// `qualified` is whether the name was written with a path (`serde_json::Value`): ambiguous names need one.
fn message_for(name: &str, qualified: bool) -> Option<&'static str> {
    let unambiguous = match name {
        "String" | "str" | "CString" | "CStr" => Some(
            "is free text, which could carry names, emails, paths or secrets; send an enum of the known values, or \
             a bool or count describing the text (whether it is set, how long it is)",
        ),
        "char" => Some("could spell out free text one field at a time; send an enum of the known values"),
        "PathBuf" | "OsString" | "OsStr" => Some(
            "is a path or OS string, which routinely contains user names and project names; send an enum (which \
             known location) or a bool (whether it exists)",
        ),
        "IpAddr" | "Ipv4Addr" | "Ipv6Addr" | "SocketAddr" | "SocketAddrV4" | "SocketAddrV6" => Some(
            "is a network address, which identifies a person or a machine; leave it out (the server sees the \
             connection anyway and must not store it)",
        ),
        "f32" | "f64" => Some(
            "is a floating-point number, whose many bits could encode anything; send a count (rounded, in a stated \
             unit) or a Duration",
        ),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => {
            Some("is a signed integer; counts are never negative, so use u8, u16, u32, u64 or usize")
        }
        "u128" => Some("is wider than any count needs and could carry a whole identifier; use u64 or smaller"),
        "Vec" | "VecDeque" | "HashSet" | "BinaryHeap" | "LinkedList" => Some(
            "is a collection, whose length and order can encode anything; send a count, or a BTreeSet of a \
             TelemetryEnum for which known options are present",
        ),
        "HashMap" | "IndexMap" => Some(
            "is a map whose keys are unconstrained; use a `BTreeMap` keyed by an enum deriving TelemetryEnum (the \
             known keys), or a struct deriving TelemetryGroup with one documented field per known key",
        ),
        "SystemTime" => Some(
            "is a timestamp, which can be joined with other data to identify a person; the server records when an \
             event arrives, and a Duration measures how long something took",
        ),
        _ => None,
    };
    if unambiguous.is_some() || !qualified {
        return unambiguous;
    }
    match name {
        "Cow" => Some("is (or may hold) free text; send an enum of the known values"),
        "Path" => Some("is a path, which routinely contains user names and project names; send an enum or a bool"),
        "Value" | "Map" | "Number" => {
            Some("is free-form JSON, which can hold anything; describe each fact with a documented, typed field")
        }
        "Url" | "Uri" => Some("is a URL, which can carry hosts, paths, tokens and query strings; send an enum instead"),
        "Uuid" => Some(
            "is an identifier; the client adds anonymous, salted ids to the envelope, so events never carry ids of \
             their own",
        ),
        "Instant" | "DateTime" | "NaiveDateTime" => Some(
            "is a point in time, which can be joined with other data to identify a person; a Duration measures how \
             long something took",
        ),
        _ => None,
    }
}

fn first_type_argument(arguments: &PathArguments) -> Option<&Type> {
    match arguments {
        PathArguments::AngleBracketed(args) => args.args.iter().find_map(|arg| match arg {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        }),
        _ => None,
    }
}
