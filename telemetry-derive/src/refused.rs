//! Tailored messages for the field types people reach for first. The trait bound on every field is the real
//! check (it sees through aliases and macros); this only explains the common mistakes in their own words.

use syn::spanned::Spanned;
use syn::{GenericArgument, PathArguments, Type};

/// Why a field type, as written, can never be collectable, if it is one of the well-known refusals.
pub(crate) fn explain(ty: &Type) -> Option<(proc_macro2::Span, String)> {
    match ty {
        Type::Reference(reference) => Some((
            ty.span(),
            match &*reference.elem {
                Type::Path(p) if p.path.is_ident("str") => {
                    "`&str` is free text and cannot be a telemetry field: it could carry names, paths or \
                     secrets; send an enum of the known values instead"
                        .to_owned()
                }
                _ => "a reference cannot be a telemetry field: events own their values; use a collectable \
                      kind (bool, count, Duration, Version, TelemetryEnum, TelemetryGroup)"
                    .to_owned(),
            },
        )),
        Type::Array(_) | Type::Slice(_) => Some((
            ty.span(),
            "an array cannot be a telemetry field: a sequence of values can spell out an identifier byte by \
             byte; use a count, or a BTreeSet of a TelemetryEnum for which known options are present"
                .to_owned(),
        )),
        Type::Tuple(tuple) if !tuple.elems.is_empty() => Some((
            ty.span(),
            "a tuple cannot be a telemetry field: its parts have no names or docs for the disclosure page; \
             use a struct deriving TelemetryGroup with documented fields"
                .to_owned(),
        )),
        Type::TraitObject(_) | Type::ImplTrait(_) => Some((
            ty.span(),
            "a trait object cannot be a telemetry field: its value is unknown at compile time; use a concrete \
             collectable kind"
                .to_owned(),
        )),
        Type::Paren(inner) => explain(&inner.elem),
        Type::Group(inner) => explain(&inner.elem),
        Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last()?;
            let name = last.ident.to_string();
            // Look inside the containers the toolkit accepts, so `Option<String>` points at `String`.
            if matches!(name.as_str(), "Box" | "Rc" | "Arc") {
                let holds_str = matches!(
                    first_type_argument(&last.arguments),
                    Some(Type::Path(inner)) if inner.path.is_ident("str")
                );
                let message = if holds_str {
                    format!(
                        "`{name}<str>` cannot be a telemetry field: it is free text, which could carry names, \
                             emails, paths or secrets; send an enum of the known values instead"
                    )
                } else {
                    format!("`{name}` cannot be a telemetry field: store the collectable value itself")
                };
                return Some((ty.span(), message));
            }
            if matches!(name.as_str(), "Option" | "BTreeSet") {
                return first_type_argument(&last.arguments).and_then(explain);
            }
            message_for(&name).map(|message| (ty.span(), message))
        }
        _ => None,
    }
}

fn message_for(name: &str) -> Option<String> {
    let why = match name {
        "String" | "str" | "Cow" | "CString" | "CStr" => {
            "is (or may hold) free text, which could carry names, emails, paths or secrets; send an enum of the \
             known values, or a bool or count describing the text (whether it is set, how long it is)"
        }
        "char" => "could spell out free text one field at a time; send an enum of the known values",
        "PathBuf" | "Path" | "OsString" | "OsStr" => {
            "is a path or OS string, which routinely contains user names and project names; send an enum \
             (which known location) or a bool (whether it exists)"
        }
        "IpAddr" | "Ipv4Addr" | "Ipv6Addr" | "SocketAddr" | "SocketAddrV4" | "SocketAddrV6" => {
            "is a network address, which identifies a person or a machine; leave it out (the server sees the \
             connection anyway and must not store it)"
        }
        "Url" | "Uri" => "is a URL, which can carry hosts, paths, tokens and query strings; send an enum instead",
        "Uuid" => {
            "is an identifier; the client adds anonymous, salted ids to the envelope, so events never carry ids \
             of their own"
        }
        "f32" | "f64" => {
            "is a floating-point number, whose many bits could encode anything; send a count (rounded, in a \
             stated unit) or a Duration"
        }
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => {
            "is a signed integer; counts are never negative, so use u8, u16, u32, u64 or usize"
        }
        "u128" => "is wider than any count needs and could carry a whole identifier; use u64 or smaller",
        "Vec" | "VecDeque" | "LinkedList" | "HashSet" | "BinaryHeap" => {
            "is a collection, whose length and order can encode anything; send a count, or a BTreeSet of a \
             TelemetryEnum for which known options are present"
        }
        "HashMap" | "BTreeMap" | "IndexMap" => {
            "is a map, whose keys and values are unconstrained; use a struct deriving TelemetryGroup with one \
             documented field per known key"
        }
        "Value" | "Map" | "Number" => {
            "is free-form JSON, which can hold anything; describe each fact with a documented, typed field"
        }
        "SystemTime" | "Instant" | "DateTime" | "NaiveDateTime" => {
            "is a timestamp, which can be joined with other data to identify a person; the server records when \
             an event arrives, and a Duration measures how long something took"
        }
        _ => return None,
    };
    Some(format!("`{name}` cannot be a telemetry field: it {why}"))
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
