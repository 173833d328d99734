//! Writes the tokens. Generated code uses fully qualified paths and lives in one `const _: () = { ... };`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::DeriveInput;
use syn::spanned::Spanned;

use crate::ast::{self, Enum, Struct, StructRole};
use crate::attr::{Doc, FieldAttrs, MaxValue};
use crate::ctxt::Ctxt;
use crate::{refused, valid};

pub(crate) fn derive_struct(input: &DeriveInput, role: StructRole) -> TokenStream {
    let mut cx = Ctxt::default();
    let Some(model) = Struct::from_syn(&mut cx, input, role) else {
        return with_fallback(cx, fallback_struct(input, role, &[], None));
    };
    valid::check_struct(&mut cx, &model);
    if cx.has_errors() {
        let fallback = fallback_struct(input, role, &model.fields, model.attrs.krate.as_ref());
        return with_fallback(cx, fallback);
    }
    expand_struct(&model)
}

pub(crate) fn derive_enum(input: &DeriveInput) -> TokenStream {
    let mut cx = Ctxt::default();
    let Some(model) = Enum::from_syn(&mut cx, input) else {
        // Not an enum: the derive itself is the mistake, and an impl of `TelemetryEnum` for a struct or union
        // would only add errors about it (it needs `Copy`); only the collected error is emitted.
        return cx.into_compile_errors();
    };
    valid::check_enum(&mut cx, &model);
    if cx.has_errors() {
        return with_fallback(cx, fallback_enum(input, model.attrs.krate.as_ref()));
    }
    expand_enum(&model)
}

fn with_fallback(cx: Ctxt, fallback: TokenStream) -> TokenStream {
    let mut tokens = cx.into_compile_errors();
    tokens.extend(fallback);
    tokens
}

/// The path to `telemetry_schema` in generated code: `#[telemetry(crate = "...")]`, else `::telemetry_schema`.
fn krate(path: Option<&syn::Path>) -> TokenStream {
    match path {
        Some(path) => quote!(#path),
        None => quote!(::telemetry_schema),
    }
}

/// [`krate`] for the per-field checks spanned at the field's type: the default path is put at `span`, so the
/// compiler reports an uncollectable type there, even one a macro made; a `crate = "..."` path keeps the span of
/// its string, so a wrong path is reported at the attribute, not at every field.
fn krate_at(path: Option<&syn::Path>, span: proc_macro2::Span) -> TokenStream {
    match path {
        Some(path) => quote!(#path),
        None => quote_spanned!(span=> ::telemetry_schema),
    }
}

/// The doc as an expression of type `&'static str`: the literal text, or (for `#[doc = include_str!("…")]` and
/// `concat!`) the parts joined and normalized while compiling by `telemetry_schema::__private::doc!`, which refuses
/// a blank text or a hidden character with an error that names `item` and is reported at the attribute. Empty
/// when there is no doc (only after an error has been reported).
fn doc_tokens(krate_path: Option<&syn::Path>, doc: Option<&Doc>, item: &str) -> TokenStream {
    match doc {
        None => quote!(""),
        Some(Doc::Text(text)) => quote!(#text),
        Some(Doc::Expr { parts, span }) => {
            let message_item = format!("the doc comment of {item}");
            // Joined with newlines, as rustdoc joins `#[doc]` attributes.
            let mut joined = TokenStream::new();
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    joined.extend(quote!("\n",));
                }
                joined.extend(quote!(#part,));
            }
            let at = krate_at(krate_path, *span);
            quote_spanned! {*span=>
                #at::__private::doc!(#message_item, ::core::concat!(#joined))
            }
        }
    }
}

/// `codec::<Ty>().kind`, spanned at the field's type so an uncollectable type is reported there (once: the visitor
/// calls the same `codec::<Ty>()` at the same span). A struct literal and one call per field: the const evaluator
/// charges for every call, and every event's metadata is evaluated at compile time.
fn field_metas(model: &Struct<'_>) -> Vec<TokenStream> {
    let krate = krate(model.attrs.krate.as_ref());
    model
        .fields
        .iter()
        .map(|field| {
            let name = model.wire_name(field);
            let item = format!("field `{}` of `{}`", field.ident, model.input.ident);
            let doc = doc_tokens(model.attrs.krate.as_ref(), field.doc.as_ref(), &item);
            let ty = field.ty;
            let at = krate_at(model.attrs.krate.as_ref(), ty.span());
            let kind = quote_spanned!(ty.span()=> #at::__private::codec::<#ty>().kind);
            quote!(#krate::FieldMeta { name: #name, doc: #doc, kind: #kind })
        })
        .collect()
}

/// The element type of a field written `BTreeSet<E>` (or `Option<BTreeSet<E>>`), as far as the syntax shows.
fn set_element(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    let Some(syn::GenericArgument::Type(inner)) = args.args.first() else { return None };
    match last.ident.to_string().as_str() {
        "BTreeSet" if args.args.len() == 1 => Some(inner),
        "Option" => set_element(inner),
        _ => None,
    }
}

/// The key type of a field written `BTreeMap<K, V>` (or `Option<BTreeMap<K, V>>`), as far as the syntax shows.
fn map_key(ty: &syn::Type) -> Option<&syn::Type> {
    let syn::Type::Path(path) = ty else { return None };
    let last = path.path.segments.last()?;
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return None };
    let Some(syn::GenericArgument::Type(inner)) = args.args.first() else { return None };
    match last.ident.to_string().as_str() {
        "BTreeMap" if args.args.len() == 2 => Some(inner),
        "Option" => map_key(inner),
        _ => None,
    }
}

/// `const _: () = set_element::<E>();` for each set field, spanned at `E`: a set of an enum that is not `Ord`
/// fails at the field, saying which derives a set enum needs, instead of where a set is built. Likewise
/// `map_key::<K>()` for each map field, spanned at `K`: a key that is not an `Ord` `TelemetryEnum` is named there.
fn set_element_checks(model: &Struct<'_>) -> Vec<TokenStream> {
    let sets = model.fields.iter().filter_map(|field| set_element(field.ty)).map(|elem| {
        let at = krate_at(model.attrs.krate.as_ref(), elem.span());
        quote_spanned!(elem.span()=> const _: () = #at::__private::set_element::<#elem>();)
    });
    let maps = model.fields.iter().filter_map(|field| map_key(field.ty)).map(|key| {
        let at = krate_at(model.attrs.krate.as_ref(), key.span());
        quote_spanned!(key.span()=> const _: () = #at::__private::map_key::<#key>();)
    });
    sets.chain(maps).collect()
}

/// `.__with_bounds(&[FieldBound { field: i, bound }, ...])` for the bounded fields, or nothing: bounds are listed
/// apart from the fields so that an unbounded field costs the const evaluator nothing more.
fn with_bounds(model: &Struct<'_>) -> Option<TokenStream> {
    let krate = krate(model.attrs.krate.as_ref());
    let bounds: Vec<TokenStream> = model
        .fields
        .iter()
        .enumerate()
        .filter(|(_, field)| field.attrs.is_bounded())
        .map(|(index, field)| {
            let bound = bound_tokens(&krate, &field.attrs);
            quote!(#krate::FieldBound { field: #index, bound: #bound })
        })
        .collect();
    (!bounds.is_empty()).then(|| quote!(.__with_bounds(&[#(#bounds),*])))
}

/// A bounded field's `Bound` as a struct literal.
fn bound_tokens(krate: &TokenStream, attrs: &FieldAttrs) -> TokenStream {
    let max = match attrs.max.as_ref().map(|m| m.value) {
        Some(MaxValue::Number(n) | MaxValue::Millis(n)) => quote!(::core::option::Option::Some(#n)),
        None => quote!(::core::option::Option::None),
    };
    let scale = match attrs.buckets.as_ref().map(|b| b.value.as_str()) {
        Some("exp2") => quote!(Exp2),
        Some(_) => quote!(Exp2Quarter),
        None => quote!(Exact),
    };
    let precision = match attrs.precision.as_ref().map(|p| p.value.as_str()) {
        Some("major") => quote!(Major),
        Some("minor") => quote!(Minor),
        Some(_) => quote!(Patch),
        None => quote!(Full),
    };
    quote!(#krate::Bound {
        max: #max,
        scale: #krate::Scale::#scale,
        precision: #krate::Precision::#precision,
    })
}

/// For each bounded field, a compile-time check that the bound fits the field's type (only the compiler knows the
/// type's kind: aliases and macro-made types are seen through), reported at the attribute. Unbounded fields cost
/// nothing.
fn bound_checks(model: &Struct<'_>) -> Vec<TokenStream> {
    model
        .fields
        .iter()
        .filter_map(|field| {
            let span = field.attrs.bound_span()?;
            let ty = field.ty;
            let at = krate_at(model.attrs.krate.as_ref(), span);
            let bound = bound_tokens(&at, &field.attrs);
            let written_for = if field.attrs.precision.is_some() {
                quote!(Version)
            } else {
                match field.attrs.max.as_ref().map(|m| m.value) {
                    Some(MaxValue::Number(_)) => quote!(Count),
                    Some(MaxValue::Millis(_)) => quote!(Duration),
                    None => quote!(Number),
                }
            };
            Some(quote_spanned! {span=>
                const _: () = #at::__private::check_bound(
                    #at::__private::codec::<#ty>().kind,
                    #bound,
                    #at::__private::BoundFor::#written_for,
                );
            })
        })
        .collect()
}

/// `let Self { a: __field_0, b: __field_1 } = self; codec::<A>().write(__fields, __field_0); ...`: destructuring
/// means a field can never be forgotten. The bindings and the visitor's parameter are the expansion's own names
/// (underscored, with [`Span::mixed_site`] hygiene), never the user's field names, so a field may be called
/// `fields`, `self_`, `value` or anything else without shadowing what the expansion uses.
fn visit_body(model: &Struct<'_>, visitor: &Ident) -> TokenStream {
    if model.fields.is_empty() {
        return quote!(let _ = (self, #visitor););
    }
    let bindings: Vec<Ident> =
        (0..model.fields.len()).map(|i| Ident::new(&format!("__field_{i}"), Span::mixed_site())).collect();
    let idents: Vec<_> = model.fields.iter().map(|f| f.ident).collect();
    let calls = model.fields.iter().zip(&bindings).map(|(field, binding)| {
        let ty = field.ty;
        let at = krate_at(model.attrs.krate.as_ref(), ty.span());
        quote_spanned!(ty.span()=> #at::__private::codec::<#ty>().write(#visitor, #binding);)
    });
    quote! {
        let Self { #(#idents: #bindings),* } = self;
        #(#calls)*
    }
}

fn expand_struct(model: &Struct<'_>) -> TokenStream {
    let krate = krate(model.attrs.krate.as_ref());
    let ident = &model.input.ident;
    let doc = doc_tokens(model.attrs.krate.as_ref(), model.doc.as_ref(), &format!("{} `{ident}`", model.role.noun()));
    let fields = field_metas(model);
    let bound_checks = bound_checks(model);
    let with_bounds = with_bounds(model);
    let visitor = Ident::new("__fields", Span::mixed_site());
    let visit = visit_body(model, &visitor);
    let idents: Vec<_> = model.fields.iter().map(|f| f.ident).collect();
    let set_checks = set_element_checks(model);
    let visit_fn = quote! {
        #[inline]
        fn visit_fields(&self, #visitor: &mut #krate::Fields<'_>) {
            #visit
        }
    };
    match model.role {
        StructRole::Event => {
            let name = model.event_name();
            let version = model.version();
            let line = quote_spanned!(ident.span()=> ::core::line!());
            let rust_name = ast::unraw(ident);
            let sampling = model.attrs.sample_per_million.map(|ppm| quote!(.with_sample_rate_per_million(#ppm)));
            let sample_by = crate::sampling::meta_suffix(model);
            let sample_rate_fn = crate::sampling::rate_method(model, |span| krate_at(model.attrs.krate.as_ref(), span));
            let dedup = model.attrs.dedup_secs.map(|secs| quote!(.with_dedup_window_secs(#secs)));
            let max_bits = model.attrs.max_bits.as_ref().map(|max_bits| {
                let bits = max_bits.value;
                let at = krate_at(model.attrs.krate.as_ref(), max_bits.span);
                quote_spanned! {max_bits.span=>
                    const _: () = #at::__private::check_max_bits(
                        &<#ident as #at::TelemetryEvent>::META,
                        #bits,
                    );
                }
            });
            let expires = model.attrs.expires.map(|(y, m, d)| quote!(.with_expires(#krate::Date::new(#y, #m, #d))));
            quote! {
                #[doc(hidden)]
                const _: () = {
                    #(#set_checks)*
                    #[automatically_derived]
                    impl #krate::TelemetryEvent for #ident {
                        const META: #krate::EventMeta = #krate::EventMeta::__derived(
                            #name, #version, #doc, &[#(#fields),*],
                        )#sampling #sample_by #dedup #expires #with_bounds;
                        #visit_fn
                        #sample_rate_fn
                    }
                    #(#bound_checks)*
                    #max_bits
                    #krate::__private::inventory::submit! {
                        #krate::RegisteredEvent::new::<#ident>(
                            ::core::concat!(::core::module_path!(), "::", #rust_name),
                            #krate::SourceLocation { file: ::core::file!(), line: #line },
                        )
                    }
                };
                #krate::impl_decode!(event #ident { #(#idents),* });
            }
        }
        StructRole::Group => {
            let type_name = ast::unraw(ident);
            quote! {
                #[doc(hidden)]
                const _: () = {
                    // One address for the whole program, so the serializer recognizes the metadata by identity.
                    #(#set_checks)*
                    static __TELEMETRY_META: #krate::GroupMeta =
                        #krate::GroupMeta::__derived(#type_name, #doc, &[#(#fields),*])#with_bounds;
                    #[automatically_derived]
                    impl #krate::TelemetryGroup for #ident {
                        const META: #krate::GroupMeta = __TELEMETRY_META;
                        const META_REF: &'static #krate::GroupMeta = &__TELEMETRY_META;
                        #visit_fn
                    }
                    #[automatically_derived]
                    impl #krate::DerivedKind for #ident {
                        type Shape = #krate::GroupShape;
                    }
                    #(#bound_checks)*
                };
                #krate::impl_decode!(group #ident { #(#idents),* });
            }
        }
    }
}

/// The group type a variant carries (`Failure(Info)`), if any; the variant was checked to carry at most one.
fn variant_group<'a>(variant: &ast::Variant<'a>) -> Option<&'a syn::Type> {
    match variant.fields {
        syn::Fields::Unnamed(fields) => fields.unnamed.first().map(|field| &field.ty),
        _ => None,
    }
}

/// The doc of a derived enum (or union), read and checked like every doc (see `doc_tokens`).
fn enum_doc(model: &Enum<'_>) -> TokenStream {
    doc_tokens(model.attrs.krate.as_ref(), model.doc.as_ref(), &format!("enum `{}`", model.input.ident))
}

/// The doc of one variant of a derived enum (or case of a union).
fn variant_doc(model: &Enum<'_>, variant: &ast::Variant<'_>) -> TokenStream {
    let item = format!("variant `{}` of `{}`", variant.ident, model.input.ident);
    doc_tokens(model.attrs.krate.as_ref(), variant.doc.as_ref(), &item)
}

/// An enum with a variant that carries a group: a `TelemetryUnion`, sent as `{"kind": "<variant>", <group fields>}`.
/// Each group type is checked (`TelemetryGroup`) at its own tokens.
fn expand_union(model: &Enum<'_>) -> TokenStream {
    let krate = krate(model.attrs.krate.as_ref());
    let ident = &model.input.ident;
    let type_name = ast::unraw(ident);
    let doc = enum_doc(model);
    let variants = model.variants.iter().map(|variant| {
        let name = model.wire_name(variant);
        let doc = variant_doc(model, variant);
        let group = match variant_group(variant) {
            Some(ty) => {
                let at = krate_at(model.attrs.krate.as_ref(), ty.span());
                quote_spanned!(ty.span()=> ::core::option::Option::Some(<#ty as #at::TelemetryGroup>::META_REF))
            }
            None => quote!(::core::option::Option::None),
        };
        quote!(#krate::UnionVariantMeta::__derived(#name, #doc, #group))
    });
    let arms = model.variants.iter().enumerate().map(|(index, variant)| {
        let name = variant.ident;
        match variant_group(variant) {
            // Spanned at the group type, like its `META_REF` above: a type that is not a group is reported there.
            Some(ty) => quote_spanned!(ty.span()=> Self::#name(group) => variant.with_group(#index, group),),
            None => quote!(Self::#name => variant.fieldless(#index),),
        }
    });
    // A case's group with a field named like the tag: one error at the group type, in this crate.
    let case_checks = model.variants.iter().filter_map(|variant| {
        let ty = variant_group(variant)?;
        let at = krate_at(model.attrs.krate.as_ref(), ty.span());
        let group = quote!(#ty).to_string().replace(' ', "");
        let message = format!(
            "variant `{}` of `{ident}` carries `{group}`, which has a field named `kind`: the variant's name is sent \
             under that key; rename that field of `{group}` (`#[telemetry(rename = \"...\")]`)",
            variant.ident
        );
        Some(quote_spanned!(ty.span()=>
            const _: () = #at::__private::union_case(<#ty as #at::TelemetryGroup>::META_REF, #message);
        ))
    });
    let decode_variants = model.variants.iter().map(|variant| {
        let name = variant.ident;
        match variant_group(variant) {
            Some(ty) => quote!(#name(#ty)),
            None => quote!(#name),
        }
    });
    quote! {
        #[doc(hidden)]
        const _: () = {
            static __TELEMETRY_META: #krate::UnionMeta =
                #krate::UnionMeta::__derived(#type_name, #doc, &[#(#variants),*]);
            #[automatically_derived]
            impl #krate::TelemetryUnion for #ident {
                const META: #krate::UnionMeta = __TELEMETRY_META;
                const META_REF: &'static #krate::UnionMeta = &__TELEMETRY_META;
                #[inline]
                fn visit(&self, variant: &mut #krate::UnionVariant<'_, '_>) {
                    match self {
                        #(#arms)*
                    }
                }
            }
            #[automatically_derived]
            impl #krate::DerivedKind for #ident {
                type Shape = #krate::UnionShape;
            }
            #(#case_checks)*
        };
        #krate::impl_decode!(union #ident { #(#decode_variants),* });
    }
}

fn expand_enum(model: &Enum<'_>) -> TokenStream {
    if model.variants.iter().any(|variant| variant_group(variant).is_some()) {
        return expand_union(model);
    }
    let krate = krate(model.attrs.krate.as_ref());
    let ident = &model.input.ident;
    let type_name = ast::unraw(ident);
    let doc = enum_doc(model);
    let variants = model.variants.iter().map(|variant| {
        let name = model.wire_name(variant);
        let doc = variant_doc(model, variant);
        let sampling = variant
            .attrs
            .sample_per_million
            .as_ref()
            .map(|ppm| ppm.value)
            .map(|ppm| quote!(.with_sample_rate_per_million(#ppm)));
        quote!(#krate::VariantMeta::__derived(#name, #doc)#sampling)
    });
    let variant_idents: Vec<_> = model.variants.iter().map(|v| v.ident).collect();
    let arms = model.variants.iter().enumerate().map(|(index, variant)| {
        let variant = variant.ident;
        quote!(Self::#variant => #index,)
    });
    quote! {
        #[doc(hidden)]
        const _: () = {
            // One address for the whole program, so the serializer recognizes the metadata by identity.
            static __TELEMETRY_META: #krate::EnumMeta =
                #krate::EnumMeta::__derived(#type_name, #doc, &[#(#variants),*]);
            #[automatically_derived]
            impl #krate::TelemetryEnum for #ident {
                const META: #krate::EnumMeta = __TELEMETRY_META;
                const META_REF: &'static #krate::EnumMeta = &__TELEMETRY_META;
                #[inline]
                fn variant_index(self) -> usize {
                    match self {
                        #(#arms)*
                    }
                }
            }
            #[automatically_derived]
            impl #krate::DerivedKind for #ident {
                type Shape = #krate::EnumShape;
            }
        };
        // Strict typed decode for servers; expands to nothing unless telemetry-schema's `serde` feature is on.
        #krate::impl_decode!(enum #ident { #(#variant_idents),* });
    }
}

/// After an error in an enum (an undocumented variant, a bad name, a data variant…): a minimal impl, so every use
/// of the enum as a field type-checks and the user sees the real error alone, not one more "not a collectable
/// kind" at each use. It needs `Copy` like any `TelemetryEnum`: an enum that lacks it gets that error too, which
/// it would get anyway once the first is fixed (an enum with a data variant gets a `TelemetryUnion` stand-in
/// instead, which needs no `Copy`). None for a generic enum, which no impl could cover.
fn fallback_enum(input: &DeriveInput, krate_path: Option<&syn::Path>) -> TokenStream {
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let krate = krate(krate_path);
    let ident = &input.ident;
    // An enum with a variant that carries data was meant as a tagged union: its stand-in is a union, which needs
    // no `Copy` (a union's groups are rarely `Copy`).
    let union_like = matches!(&input.data, syn::Data::Enum(data) if data.variants.iter().any(|v| !v.fields.is_empty()));
    if union_like {
        return quote! {
            const _: () = {
                static __TELEMETRY_META: #krate::UnionMeta = #krate::UnionMeta::new(
                    "Invalid",
                    "(does not compile)",
                    &[#krate::UnionVariantMeta::new("Invalid", "(does not compile)", ::core::option::Option::None)],
                );
                impl #krate::TelemetryUnion for #ident {
                    const META: #krate::UnionMeta = __TELEMETRY_META;
                    const META_REF: &'static #krate::UnionMeta = &__TELEMETRY_META;
                    fn visit(&self, _: &mut #krate::UnionVariant<'_, '_>) {}
                }
                impl #krate::DerivedKind for #ident {
                    type Shape = #krate::UnionShape;
                }
            };
        };
    }
    quote! {
        const _: () = {
            static __TELEMETRY_META: #krate::EnumMeta = #krate::EnumMeta::new(
                "Invalid",
                "(does not compile)",
                &[#krate::VariantMeta::new("Invalid", "(does not compile)")],
            );
            impl #krate::TelemetryEnum for #ident {
                const META: #krate::EnumMeta = __TELEMETRY_META;
                const META_REF: &'static #krate::EnumMeta = &__TELEMETRY_META;
                fn variant_index(self) -> usize {
                    0
                }
            }
            impl #krate::DerivedKind for #ident {
                type Shape = #krate::EnumShape;
            }
        };
    }
}

/// After an error: a minimal impl so uses of the type elsewhere do not add follow-on errors, plus the trait
/// check of every field not already explained, so every mistake still shows in this build.
fn fallback_struct(
    input: &DeriveInput,
    role: StructRole,
    fields: &[ast::Field<'_>],
    krate_path: Option<&syn::Path>,
) -> TokenStream {
    let krate = krate(krate_path);
    if !input.generics.params.is_empty() {
        return TokenStream::new();
    }
    let ident = &input.ident;
    let checks = fields.iter().filter(|f| refused::explain(f.ty).is_none()).map(|field| {
        let ty = field.ty;
        let at = krate_at(krate_path, ty.span());
        quote_spanned!(ty.span()=> #at::__private::codec::<#ty>();)
    });
    let body = quote! {
        #[inline]
        fn visit_fields(&self, _: &mut #krate::Fields<'_>) {}
    };
    let imp = match role {
        StructRole::Event => quote! {
            impl #krate::TelemetryEvent for #ident {
                const META: #krate::EventMeta =
                    #krate::EventMeta::new("INVALID", 1, "(does not compile)", &[]);
                #body
            }
        },
        StructRole::Group => quote! {
            impl #krate::TelemetryGroup for #ident {
                const META: #krate::GroupMeta =
                    #krate::GroupMeta::new("Invalid", "(does not compile)", &[]);
                #body
            }
            impl #krate::DerivedKind for #ident {
                type Shape = #krate::GroupShape;
            }
        },
    };
    quote! {
        const _: () = {
            #(#checks)*
            #imp
        };
    }
}
