//! Declaration macros of the `xportcn` SDK. Use them through `xportcn`
//! (`xportcn::model`, `xportcn::endpoint`); this crate has no API of its own.
//!
//! * `#[model]` turns a struct of plain fields into a lenient, lossless
//!   response model: every field is read leniently (number or string, null as
//!   empty), missing fields are `None` or empty, unknown fields are kept as raw
//!   JSON in an added `extra` field, in one pass with no intermediate tree.
//! * `#[endpoint(...)]` turns a request struct into an endpoint declaration:
//!   serialization, a builder, the `Endpoint` impl with its spec, and
//!   optionally the typed method on a platform handle.

use proc_macro::TokenStream;
use proc_macro2::{Span, TokenStream as TokenStream2};
use quote::quote;
use syn::parse::Parser;
use syn::spanned::Spanned;
use syn::{
    Attribute, Expr, ExprCall, ExprLit, Field, Fields, GenericArgument, Ident, ItemStruct, Lit,
    LitStr, PathArguments, Type, parse_macro_input,
};

fn err(span: Span, msg: impl std::fmt::Display) -> syn::Error {
    syn::Error::new(span, msg)
}

/// snake_case field name to the wire name under a rename rule.
fn wire_name(ident: &Ident, rule: &str) -> String {
    let name = ident.to_string();
    let name = name.trim_start_matches("r#");
    match rule {
        "snake_case" | "none" => name.to_owned(),
        _ => {
            let mut out = String::with_capacity(name.len());
            let mut upper = false;
            for c in name.chars() {
                if c == '_' {
                    upper = true;
                } else if upper {
                    out.extend(c.to_uppercase());
                    upper = false;
                } else {
                    out.push(c);
                }
            }
            out
        }
    }
}

/// Takes this macro's own attributes (`#[name(...)]`) off a list.
fn take_attrs(attrs: &mut Vec<Attribute>, name: &str) -> Vec<Attribute> {
    let (ours, rest): (Vec<_>, Vec<_>) = attrs.drain(..).partition(|a| a.path().is_ident(name));
    *attrs = rest;
    ours
}

/// The element type of `Vec<T>`, if the type is one.
fn vec_elem(ty: &Type) -> Option<&Type> {
    generic_arg(ty, "Vec")
}

fn generic_arg<'a>(ty: &'a Type, outer: &str) -> Option<&'a Type> {
    let Type::Path(p) = ty else { return None };
    let seg = p.path.segments.last()?;
    if seg.ident != outer {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &seg.arguments else {
        return None;
    };
    args.args.iter().find_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    })
}

/// The `rename = ".."` of a field's `#[serde(..)]` attributes, if any.
fn serde_rename(attrs: &[Attribute]) -> syn::Result<Option<String>> {
    let mut out = None;
    for a in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        a.parse_nested_meta(|m| {
            if m.path.is_ident("rename") {
                out = Some(m.value()?.parse::<LitStr>()?.value());
            } else if m.input.peek(syn::Token![=]) {
                // Any other `name = value` option: skip its value.
                m.value()?.parse::<Expr>()?;
            }
            Ok(())
        })?;
    }
    Ok(out)
}

fn is_option(ty: &Type) -> bool {
    generic_arg(ty, "Option").is_some()
}

fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                Expr::Lit(ExprLit {
                    lit: Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

// ---------------------------------------------------------------------------
// #[model]
// ---------------------------------------------------------------------------

struct ModelField {
    ident: Ident,
    names: Vec<String>,
    ty: Type,
    /// `FieldEvidence` tokens.
    evidence: TokenStream2,
}

/// A lenient, lossless response model. See the `xportcn::model` docs.
#[proc_macro_attribute]
pub fn model(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item = parse_macro_input!(item as ItemStruct);
    match expand_model(attr.into(), item) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

fn expand_model(attr: TokenStream2, mut item: ItemStruct) -> syn::Result<TokenStream2> {
    let mut rule = "camelCase".to_owned();
    let mut page: Option<(Ident, Option<Ident>, Option<Ident>)> = None;
    let parser = syn::meta::parser(|meta| {
        if meta.path.is_ident("rename_all") {
            rule = meta.value()?.parse::<LitStr>()?.value();
            if !matches!(rule.as_str(), "camelCase" | "snake_case" | "none") {
                return Err(meta.error("rename_all is \"camelCase\", \"snake_case\" or \"none\""));
            }
            Ok(())
        } else if meta.path.is_ident("page") {
            let (mut items, mut total, mut pages) = (None, None, None);
            meta.parse_nested_meta(|m| {
                let v: Ident = m.value()?.parse()?;
                if m.path.is_ident("items") {
                    items = Some(v);
                } else if m.path.is_ident("total") {
                    total = Some(v);
                } else if m.path.is_ident("pages") {
                    pages = Some(v);
                } else {
                    return Err(m.error("page(items = .., total = .., pages = ..)"));
                }
                Ok(())
            })?;
            let items = items.ok_or_else(|| meta.error("page(...) needs items = field"))?;
            page = Some((items, total, pages));
            Ok(())
        } else {
            Err(meta.error("unknown #[model] option"))
        }
    });
    parser.parse2(attr)?;

    let name = item.ident.clone();
    let Fields::Named(named) = &mut item.fields else {
        return Err(err(
            item.span(),
            "#[model] needs a struct with named fields",
        ));
    };
    let mut fields = Vec::new();
    for f in named.named.iter_mut() {
        let ident = f.ident.clone().expect("named field");
        if ident == "extra" {
            return Err(err(
                ident.span(),
                "#[model] adds the `extra` field itself; remove it",
            ));
        }
        let mut names = Vec::new();
        let mut primary = None;
        let mut evidence = quote!(::xportcn::endpoint::FieldEvidence::Doc);
        let mut evidence_doc = None;
        for a in take_attrs(&mut f.attrs, "model") {
            a.parse_nested_meta(|m| {
                let v = m.value()?.parse::<LitStr>()?.value();
                if m.path.is_ident("rename") {
                    primary = Some(v);
                } else if m.path.is_ident("alias") {
                    names.push(v);
                } else if m.path.is_ident("client") {
                    evidence = quote!(::xportcn::endpoint::FieldEvidence::Client(#v));
                    evidence_doc = Some(format!(
                        " Evidence: client: {v} (a shipped public client reads this field)."
                    ));
                } else if m.path.is_ident("recorded") {
                    evidence = quote!(::xportcn::endpoint::FieldEvidence::Recorded(#v));
                    evidence_doc = Some(format!(" Evidence: recorded: {v}."));
                } else {
                    return Err(m.error(
                        "field options are rename = \"..\", alias = \"..\", client = \"..\" and recorded = \"..\"",
                    ));
                }
                Ok(())
            })?;
        }
        if let Some(line) = evidence_doc {
            f.attrs.push(syn::parse_quote!(#[doc = ""]));
            f.attrs.push(syn::parse_quote!(#[doc = #line]));
        }
        names.insert(0, primary.unwrap_or_else(|| wire_name(&ident, &rule)));
        fields.push(ModelField {
            ident,
            names,
            ty: f.ty.clone(),
            evidence,
        });
    }
    let extra_field: Field = Field::parse_named.parse2(quote! {
        /// Fields of this object that the SDK does not model, kept as raw
        /// JSON text: read one with [`Extra::get_as`](::xportcn::types::Extra::get_as).
        pub extra: ::xportcn::types::Extra
    })?;
    named.named.push(extra_field);

    let arms = fields.iter().map(|f| {
        let ident = &f.ident;
        let names = &f.names;
        quote! {
            #( #names )|* => {
                out.#ident = map.next_value_seed(::xportcn::model::FieldSeed::new())?;
            }
        }
    });
    let ser = fields.iter().map(|f| {
        let ident = &f.ident;
        let wire = &f.names[0];
        quote! {
            if !::xportcn::model::Field::is_absent(&self.#ident) {
                m.serialize_entry(#wire, &self.#ident)?;
            }
        }
    });
    let listed = fields.iter().map(|f| {
        let wire = &f.names[0];
        let ty = &f.ty;
        let evidence = &f.evidence;
        quote! {
            out.push(MODEL, #wire, #evidence);
            <#ty as ::xportcn::model::Field>::nested_fields(out);
        }
    });
    let typed_keys: Vec<TokenStream2> = fields
        .iter()
        .flat_map(|f| {
            let field = f.ident.to_string();
            f.names.iter().map(move |wire| quote!((#wire, #field)))
        })
        .collect();
    let expecting = format!("a JSON object ({name})");
    let serde = quote!(::xportcn::__macro_support::serde);

    let page_impl = match page {
        None => quote!(),
        Some((items, total, pages)) => {
            let field = fields
                .iter()
                .position(|f| f.ident == items)
                .ok_or_else(|| err(items.span(), "page(items = ..) names no field"))?;
            let ty = &named.named[field].ty;
            let elem = vec_elem(ty)
                .ok_or_else(|| err(ty.span(), "page(items = ..) must be a Vec<T> field"))?;
            // The wire name of a named field, for the `*_FIELD` consts.
            let wire_of = |id: &Ident| -> syn::Result<String> {
                fields
                    .iter()
                    .find(|f| f.ident == *id)
                    .map(|f| f.names[0].clone())
                    .ok_or_else(|| err(id.span(), "page(..) names no field"))
            };
            let items_wire = wire_of(&items)?;
            let count = |c: Option<Ident>| -> syn::Result<(TokenStream2, TokenStream2)> {
                Ok(match c {
                    Some(t) => {
                        let wire = wire_of(&t)?;
                        (
                            quote!(::xportcn::model::Count::count(&self.#t)),
                            quote!(::core::option::Option::Some(#wire)),
                        )
                    }
                    None => (quote!(None), quote!(::core::option::Option::None)),
                })
            };
            let (total, total_wire) = count(total)?;
            let (pages, pages_wire) = count(pages)?;
            quote! {
                impl ::xportcn::model::Page for #name {
                    type Item = #elem;
                    fn total(&self) -> ::core::option::Option<u64> { #total }
                    fn total_pages(&self) -> ::core::option::Option<u64> { #pages }
                    fn into_items(self) -> ::std::vec::Vec<#elem> { self.#items }
                    const ITEMS_FIELD: &'static str = #items_wire;
                    const TOTAL_FIELD: ::core::option::Option<&'static str> = #total_wire;
                    const TOTAL_PAGES_FIELD: ::core::option::Option<&'static str> = #pages_wire;
                }
            }
        }
    };

    Ok(quote! {
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        #item

        impl<'de> #serde::Deserialize<'de> for #name {
            fn deserialize<D: #serde::Deserializer<'de>>(d: D) -> ::core::result::Result<Self, D::Error> {
                struct V;
                impl<'de> #serde::de::Visitor<'de> for V {
                    type Value = #name;
                    fn expecting(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                        f.write_str(#expecting)
                    }
                    fn visit_map<A: #serde::de::MapAccess<'de>>(self, mut map: A) -> ::core::result::Result<#name, A::Error> {
                        // The keys this model types: a read of one through
                        // `extra` is a caller's bug, made loud by `Extra::get`.
                        static TYPED: ::xportcn::types::TypedKeys = ::xportcn::types::TypedKeys {
                            model: ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#name)),
                            keys: &[ #( #typed_keys ),* ],
                        };
                        let mut out = <#name as ::core::default::Default>::default();
                        out.extra.set_typed(&TYPED);
                        while let ::core::option::Option::Some(key) = map.next_key::<::xportcn::model::Key<'de>>()? {
                            match key.as_str() {
                                #( #arms )*
                                _ => out.extra.push_raw(key.into_string(), map.next_value()?),
                            }
                        }
                        ::core::result::Result::Ok(out)
                    }
                }
                d.deserialize_map(V)
            }
        }

        impl #serde::Serialize for #name {
            fn serialize<S: #serde::Serializer>(&self, s: S) -> ::core::result::Result<S::Ok, S::Error> {
                use #serde::ser::SerializeMap as _;
                let mut m = s.serialize_map(::core::option::Option::None)?;
                #( #ser )*
                for (k, v) in self.extra.iter() {
                    m.serialize_entry(k, v)?;
                }
                m.end()
            }
        }

        impl ::xportcn::model::Scalar for #name {
            fn deserialize_opt<'de, D: #serde::Deserializer<'de>>(d: D) -> ::core::result::Result<::core::option::Option<Self>, D::Error> {
                <::core::option::Option<#name> as #serde::Deserialize>::deserialize(d)
            }
            fn nested_fields(out: &mut ::xportcn::endpoint::ResponseFields) {
                <#name as ::xportcn::endpoint::ResponseExample>::response_fields(out)
            }
        }

        impl ::xportcn::endpoint::ResponseExample for #name {
            fn response_example() -> ::core::option::Option<::xportcn::__macro_support::serde_json::Value> {
                ::xportcn::__macro_support::serde_json::to_value(<#name as ::core::default::Default>::default()).ok()
            }
            fn response_fields(out: &mut ::xportcn::endpoint::ResponseFields) {
                const MODEL: &str = ::core::concat!(::core::module_path!(), "::", ::core::stringify!(#name));
                if out.enter(MODEL) {
                    #( #listed )*
                }
            }
        }

        #page_impl
    })
}

// ---------------------------------------------------------------------------
// #[endpoint(...)]
// ---------------------------------------------------------------------------

#[derive(Default)]
struct EndpointArgs {
    id: Option<LitStr>,
    method: Option<Ident>,
    v1: Option<Expr>,
    v2: Option<Expr>,
    response: Option<Type>,
    idempotent: Option<bool>,
    signing: Option<Ident>,
    handle: Option<Ident>,
    via: Option<Ident>,
    name: Option<Ident>,
    paged: Option<(Ident, Option<Ident>)>,
    generation_check: Option<Expr>,
    open: bool,
    /// Fields taken as arguments of the handle method (`args(item_id)`).
    args: Vec<Ident>,
}

/// An endpoint declaration on a request struct. See the `xportcn::endpoint` docs.
#[proc_macro_attribute]
pub fn endpoint(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item = parse_macro_input!(item as ItemStruct);
    match expand_endpoint(attr.into(), item) {
        Ok(t) => t.into(),
        Err(e) => e.to_compile_error().into(),
    }
}

/// `verified("/p", "url")`, `derived("/p")`, `guessed("/p", "why")`, `unknown`.
fn path_spec(e: &Expr) -> syn::Result<(TokenStream2, String)> {
    let ps = quote!(::xportcn::endpoint::PathSpec);
    match e {
        Expr::Path(p) if p.path.is_ident("unknown") => Ok((quote!(#ps::UNKNOWN), "unknown".into())),
        Expr::Call(ExprCall { func, args, .. }) => {
            let Expr::Path(f) = &**func else {
                return Err(err(
                    func.span(),
                    "expected verified(..), derived(..), guessed(..)",
                ));
            };
            let kind = f.path.get_ident().map(Ident::to_string).unwrap_or_default();
            let lits: Vec<String> = args
                .iter()
                .map(|a| match a {
                    Expr::Lit(ExprLit {
                        lit: Lit::Str(s), ..
                    }) => Ok(s.value()),
                    other => Err(err(other.span(), "expected a string literal")),
                })
                .collect::<syn::Result<_>>()?;
            let path = lits.first().cloned().unwrap_or_default();
            if !path.starts_with('/') {
                return Err(err(e.span(), "the path must start with '/'"));
            }
            let ctor = match (kind.as_str(), lits.len()) {
                ("verified", 2) => {
                    let src = &lits[1];
                    quote!(#ps::verified(#path, #src))
                }
                ("derived", 1) => quote!(#ps::derived(#path)),
                ("guessed", 2) => {
                    let why = &lits[1];
                    quote!(#ps::guessed(#path, #why))
                }
                _ => {
                    return Err(err(
                        e.span(),
                        "expected verified(\"/path\", \"source URL\"), derived(\"/path\") or \
                         guessed(\"/path\", \"reason\")",
                    ));
                }
            };
            Ok((ctor, format!("`{path}` ({kind})")))
        }
        other => Err(err(
            other.span(),
            "expected verified(..), derived(..), guessed(..) or unknown",
        )),
    }
}

fn expand_endpoint(attr: TokenStream2, mut item: ItemStruct) -> syn::Result<TokenStream2> {
    let mut a = EndpointArgs::default();
    let parser = syn::meta::parser(|meta| {
        let p = &meta.path;
        if p.is_ident("id") {
            a.id = Some(meta.value()?.parse()?);
        } else if p.is_ident("method") {
            a.method = Some(meta.value()?.parse()?);
        } else if p.is_ident("v1") {
            a.v1 = Some(meta.value()?.parse()?);
        } else if p.is_ident("v2") {
            a.v2 = Some(meta.value()?.parse()?);
        } else if p.is_ident("response") {
            a.response = Some(meta.value()?.parse()?);
        } else if p.is_ident("idempotent") {
            a.idempotent = Some(true);
        } else if p.is_ident("write") {
            a.idempotent = Some(false);
        } else if p.is_ident("signing") {
            a.signing = Some(meta.value()?.parse()?);
        } else if p.is_ident("handle") {
            a.handle = Some(meta.value()?.parse()?);
        } else if p.is_ident("via") {
            return Err(meta.error(
                "`via` is gone: the handle names its Client method once \
                 (`impl xportcn::endpoint::Handle for YourHandle<'_> { const VIA: &str = \"..\"; }`); \
                 remove `via = ..`",
            ));
        } else if p.is_ident("name") {
            a.name = Some(meta.value()?.parse()?);
        } else if p.is_ident("open") {
            a.open = true;
        } else if p.is_ident("args") {
            meta.parse_nested_meta(|m| {
                let id = m
                    .path
                    .get_ident()
                    .cloned()
                    .ok_or_else(|| m.error("args(..) lists field names"))?;
                a.args.push(id);
                Ok(())
            })?;
        } else if p.is_ident("generation_check") {
            a.generation_check = Some(meta.value()?.parse()?);
        } else if p.is_ident("paged") {
            let (mut page, mut size) = (None, None);
            meta.parse_nested_meta(|m| {
                let v: Ident = m.value()?.parse()?;
                if m.path.is_ident("page") {
                    page = Some(v);
                } else if m.path.is_ident("size") {
                    size = Some(v);
                } else {
                    return Err(m.error("paged(page = field, size = field)"));
                }
                Ok(())
            })?;
            let page = page.ok_or_else(|| meta.error("paged(...) needs page = field"))?;
            a.paged = Some((page, size));
        } else {
            return Err(meta.error("unknown #[endpoint] option"));
        }
        Ok(())
    });
    parser.parse2(attr)?;

    let span = item.ident.span();
    let need = |what: &str| err(span, format!("#[endpoint] needs {what}"));
    let id = a.id.clone().ok_or_else(|| need("id = \"..\""))?;
    let method = a
        .method
        .clone()
        .ok_or_else(|| need("method = GET | POST"))?;
    let method_tokens = match method.to_string().as_str() {
        "GET" => quote!(::xportcn::endpoint::Method::Get),
        "POST" => quote!(::xportcn::endpoint::Method::Post),
        _ => return Err(err(method.span(), "method is GET or POST")),
    };
    let response = a.response.clone().ok_or_else(|| need("response = Type"))?;
    let idempotent = a
        .idempotent
        .ok_or_else(|| need("`idempotent` (reads, previews, renders) or `write`"))?;
    let unknown: Expr = syn::parse_quote!(unknown);
    let (v1, v1_doc) = path_spec(a.v1.as_ref().unwrap_or(&unknown))?;
    let (v2, v2_doc) = path_spec(a.v2.as_ref().unwrap_or(&unknown))?;
    let signing = match a.signing.as_ref().map(Ident::to_string).as_deref() {
        None | Some("headers") => quote!(::xportcn::endpoint::Signing::Headers),
        Some("query") => quote!(::xportcn::endpoint::Signing::Query),
        Some(_) => return Err(err(span, "signing is headers or query")),
    };

    let name = item.ident.clone();
    let Fields::Named(named) = &mut item.fields else {
        return Err(err(span, "#[endpoint] needs a struct with named fields"));
    };
    if a.open {
        let other: Field = Field::parse_named.parse2(quote! {
            /// Any other parameter, by its wire name, sent as given: for
            /// parameters the docs do not show (see [`param`](Self::param)).
            #[serde(flatten)]
            #[builder(default)]
            pub other: ::xportcn::__macro_support::serde_json::Map<
                ::std::string::String,
                ::xportcn::__macro_support::serde_json::Value,
            >
        })?;
        named.named.push(other);
    }
    let request_fields = request_field_list(&named.named)?;
    let mut path_params = Vec::new();
    let mut field_types = Vec::new();
    for f in named.named.iter_mut() {
        let ident = f.ident.clone().expect("named field");
        let is_path = !take_attrs(&mut f.attrs, "path_param").is_empty();
        if is_path {
            let wire = wire_name(&ident, "camelCase");
            f.attrs.push(syn::parse_quote!(#[serde(skip)]));
            path_params.push(quote!((#wire, ::std::string::ToString::to_string(&self.#ident))));
        } else if is_option(&f.ty) {
            f.attrs
                .push(syn::parse_quote!(#[serde(skip_serializing_if = "::core::option::Option::is_none")]));
        }
        field_types.push((ident, f.ty.clone()));
    }
    let path_params_fn = if path_params.is_empty() {
        quote!()
    } else {
        quote! {
            fn path_params(&self) -> ::std::vec::Vec<(&'static str, ::std::string::String)> {
                ::std::vec![ #( #path_params ),* ]
            }
        }
    };
    // `generation_check = method` calls `self.method(generation)`; any other
    // expression is a function of `(&Self, Generation)`, e.g. a closure.
    let generation_fn = match &a.generation_check {
        Some(check) => {
            let call = match check {
                Expr::Path(p) if p.path.get_ident().is_some() => quote!(self.#check(generation)),
                other => quote!((#other)(self, generation)),
            };
            quote! {
                fn check_generation(&self, generation: ::xportcn::endpoint::Generation) -> ::core::result::Result<(), ::std::string::String> {
                    #call
                }
            }
        }
        None => quote!(),
    };

    let docs = doc_lines(&item.attrs);
    let summary = docs
        .iter()
        .map(|l| l.trim())
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .to_owned();
    let sdk_method = match (&a.handle, &a.via, &a.name) {
        // `via` written out: a hand-written handle method, for the registry.
        (_, Some(via), Some(n)) => {
            let s = format!("{via}().{n}");
            quote!(#s)
        }
        // The handle names its client method itself (`Handle::VIA`).
        (Some(handle), None, Some(n)) => {
            let n = n.to_string();
            quote!({
                const VIA: &str = <#handle<'static> as ::xportcn::endpoint::Handle>::VIA;
                const NAME: &str = #n;
                const LEN: usize = VIA.len() + 3 + NAME.len();
                const BYTES: [u8; LEN] = ::xportcn::endpoint::__sdk_method::<LEN>(VIA, NAME);
                const METHOD: &str = match ::core::str::from_utf8(&BYTES) {
                    ::core::result::Result::Ok(s) => s,
                    ::core::result::Result::Err(_) => ::core::panic!("not UTF-8"),
                };
                METHOD
            })
        }
        _ => quote!(""),
    };

    let handle_impl = match (&a.handle, &a.name) {
        (Some(handle), Some(fn_name)) => fluent_method(FluentInput {
            handle,
            fn_name,
            name: &name,
            response: &response,
            named: &named.named,
            docs: &docs,
            id: &id.value(),
            method: &method,
            v1_doc: &v1_doc,
            v2_doc: &v2_doc,
            idempotent,
            paged: a.paged.is_some(),
            args: &a.args,
        })?,
        (None, None) => quote!(),
        // `via` and `name` alone name a hand-written method (for the registry).
        (None, Some(_)) if a.via.is_some() => quote!(),
        (None, Some(_)) => {
            return Err(err(
                span,
                "name = .. needs handle = .. (the handle type, e.g. handle = Taobao)",
            ));
        }
        (Some(_), None) => {
            return Err(err(
                span,
                "handle = .. needs name = .. (the method on the handle, e.g. name = product_get)",
            ));
        }
    };
    if !a.args.is_empty() && a.handle.is_none() {
        return Err(err(span, "args(..) needs handle = .. and name = .."));
    }

    let paging = match &a.paged {
        None => quote!(),
        Some((page, size)) => {
            let wire = |id: &Ident| -> syn::Result<String> {
                let field = named
                    .named
                    .iter()
                    .find(|f| f.ident.as_ref() == Some(id))
                    .ok_or_else(|| err(id.span(), "paged(..) names no field"))?;
                Ok(serde_rename(&field.attrs)?.unwrap_or_else(|| wire_name(id, "camelCase")))
            };
            let page_wire = wire(page)?;
            let size_wire = match size {
                Some(s) => {
                    let w = wire(s)?;
                    quote!(::core::option::Option::Some(#w))
                }
                None => quote!(::core::option::Option::None),
            };
            quote! {
                .paging(::xportcn::endpoint::Paging::new(
                    #page_wire,
                    #size_wire,
                    <#response as ::xportcn::model::Page>::ITEMS_FIELD,
                    <#response as ::xportcn::model::Page>::TOTAL_FIELD,
                    <#response as ::xportcn::model::Page>::TOTAL_PAGES_FIELD,
                ))
            }
        }
    };

    let paged_impl = match &a.paged {
        None => quote!(),
        Some((page, size)) => {
            let size = match size {
                Some(s) => quote!(::xportcn::endpoint::PageField::get(&self.#s)),
                None => quote!(None),
            };
            quote! {
                impl ::xportcn::endpoint::Paged for #name
                where #response: ::xportcn::model::Page
                {
                    fn page(&self) -> ::core::option::Option<u32> {
                        ::xportcn::endpoint::PageField::get(&self.#page)
                    }
                    fn set_page(&mut self, page: u32) {
                        ::xportcn::endpoint::PageField::set(&mut self.#page, page)
                    }
                    fn page_size(&self) -> ::core::option::Option<u32> { #size }
                }
            }
        }
    };

    let open_impl = if a.open {
        quote! {
            impl #name {
                /// Adds one parameter to `other`, by its wire name, and
                /// returns the request. For parameters the docs do not show:
                /// the SDK invents no name.
                pub fn param(
                    mut self,
                    name: impl ::core::convert::Into<::std::string::String>,
                    value: impl ::core::convert::Into<::xportcn::__macro_support::serde_json::Value>,
                ) -> Self {
                    self.other.insert(name.into(), value.into());
                    self
                }
            }
        }
    } else {
        quote!()
    };
    let id_s = id.value();
    // Registration: every endpoint the SDK declares is in `endpoint::all()`
    // by its declaration alone (a distributed slice, no hand-kept list).
    // Endpoints declared outside the SDK (a user's own) are not registered:
    // `all()` lists what this version of the SDK implements.
    let register = if std::env::var("CARGO_CRATE_NAME").as_deref() == Ok("xportcn") {
        let static_name = Ident::new(
            &format!("__XPORTCN_ENDPOINT_{}", name.to_string().to_uppercase()),
            Span::call_site(),
        );
        quote! {
            #[::xportcn::__macro_support::linkme::distributed_slice(::xportcn::endpoint::__REGISTRY)]
            #[linkme(crate = ::xportcn::__macro_support::linkme)]
            #[allow(unsafe_code)]
            #[doc(hidden)]
            static #static_name: ::xportcn::endpoint::EndpointSpec =
                <#name as ::xportcn::endpoint::Endpoint>::SPEC;
        }
    } else {
        quote!()
    };

    Ok(quote! {
        #[derive(Debug, Clone, PartialEq, ::xportcn::__macro_support::serde::Serialize, ::xportcn::__macro_support::bon::Builder)]
        #[serde(crate = "::xportcn::__macro_support::serde", rename_all = "camelCase")]
        #[builder(crate = ::xportcn::__macro_support::bon, on(String, into), on(Id, into))]
        #[non_exhaustive]
        #item

        impl ::xportcn::endpoint::Endpoint for #name {
            type Response = #response;
            const SPEC: ::xportcn::endpoint::EndpointSpec =
                ::xportcn::endpoint::EndpointSpec::new(#id_s, #method_tokens)
                    .v1(#v1)
                    .v2(#v2)
                    .idempotent(#idempotent)
                    .signing(#signing)
                    .sdk_method(#sdk_method)
                    .summary(#summary)
                    .example(<#response as ::xportcn::endpoint::ResponseExample>::response_example)
                    .fields(<#response as ::xportcn::endpoint::ResponseExample>::response_fields)
                    .request_fields(#request_fields)
                    #paging;
            #path_params_fn
            #generation_fn
        }

        #paged_impl
        #handle_impl
        #open_impl
        #register
    })
}

/// The request's fields as data, for `EndpointSpec::request_fields`
/// (`xportcn endpoints show`): Rust name, wire name, type, whether required,
/// a path parameter, the flattened `other` map, and whether its rustdoc
/// says INFERRED.
fn request_field_list(
    fields: &syn::punctuated::Punctuated<Field, syn::Token![,]>,
) -> syn::Result<TokenStream2> {
    let mut out = Vec::new();
    for f in fields {
        let Some(ident) = f.ident.as_ref() else {
            continue;
        };
        let attr_has = |name: &str, word: &str| {
            f.attrs.iter().any(|a| {
                a.path().is_ident(name)
                    && quote::ToTokens::to_token_stream(&a.meta)
                        .to_string()
                        .contains(word)
            })
        };
        let name = ident.to_string();
        let path_param = f.attrs.iter().any(|a| a.path().is_ident("path_param"));
        let flatten = attr_has("serde", "flatten");
        let wire = serde_rename(&f.attrs)?.unwrap_or_else(|| wire_name(ident, "camelCase"));
        let ty = &f.ty;
        let ty = quote!(#ty)
            .to_string()
            .split_whitespace()
            .collect::<String>()
            .replace("::xportcn::__macro_support::", "")
            .replace("::std::string::", "")
            .replace(",>", ">");
        let required = !is_option(&f.ty) && !attr_has("builder", "default") && !flatten;
        let inferred = doc_lines(&f.attrs).iter().any(|l| l.contains("INFERRED"));
        out.push(quote!(::xportcn::endpoint::RequestField::new(
            #name, #wire, #ty, #required, #path_param, #flatten, #inferred
        )));
    }
    Ok(quote!(&[ #( #out ),* ]))
}

struct FluentInput<'a> {
    handle: &'a Ident,
    fn_name: &'a Ident,
    name: &'a Ident,
    response: &'a Type,
    named: &'a syn::punctuated::Punctuated<Field, syn::Token![,]>,
    docs: &'a [String],
    id: &'a str,
    method: &'a Ident,
    v1_doc: &'a str,
    v2_doc: &'a str,
    idempotent: bool,
    paged: bool,
    args: &'a [Ident],
}

/// PascalCase to snake_case.
fn snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    for (i, c) in s.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a field has a default (`#[builder(default ..)]`).
fn has_builder_default(attrs: &[Attribute]) -> bool {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("builder"))
        .any(|a| {
            let mut yes = false;
            let _ = a.parse_nested_meta(|m| {
                if m.path.is_ident("default") {
                    yes = true;
                }
                if m.input.peek(syn::Token![=]) {
                    m.value()?.parse::<Expr>()?;
                } else if m.input.peek(syn::token::Paren) {
                    let _content;
                    syn::parenthesized!(_content in m.input);
                    let _ = _content.parse::<TokenStream2>();
                }
                Ok(())
            });
            yes
        })
}

/// The fluent handle method of an endpoint: `client.ali1688().keyword_search()
/// .keyword("..").await`. A typestate builder (bon) over the request's fields:
/// a required field left unset is a compile error, not a run-time one.
fn fluent_method(f: FluentInput<'_>) -> syn::Result<TokenStream2> {
    let FluentInput {
        handle,
        fn_name,
        name,
        response,
        named,
        docs,
        id,
        method,
        v1_doc,
        v2_doc,
        idempotent,
        paged,
        args,
    } = f;
    let base = name.to_string();
    let base = base.strip_suffix("Request").unwrap_or(&base);
    let call_ty = Ident::new(&format!("{base}Call"), name.span());
    let state_mod = Ident::new(&snake(&call_ty.to_string()), name.span());

    for arg in args {
        if !named.iter().any(|f| f.ident.as_ref() == Some(arg)) {
            return Err(err(arg.span(), "args(..) names no field of the request"));
        }
    }
    let mut params = Vec::new();
    let mut idents = Vec::new();
    let mut required = Vec::new();
    for field in named {
        let ident = field.ident.clone().expect("named field");
        let ty = &field.ty;
        let keep: Vec<&Attribute> = field
            .attrs
            .iter()
            .filter(|a| a.path().is_ident("doc") || a.path().is_ident("builder"))
            .collect();
        let start = if args.contains(&ident) {
            quote!(#[builder(start_fn)])
        } else {
            if !is_option(ty) && !has_builder_default(&field.attrs) {
                required.push(format!("`{ident}`"));
            }
            quote!()
        };
        params.push(quote!(#( #keep )* #start #ident: #ty));
        idents.push(ident);
    }

    let kind = if idempotent {
        "A read (idempotent): retried like every idempotent call."
    } else {
        "A write: sent once, never retried unless the call opts in with \
         `.retry_writes()`."
    };
    let evidence = format!(
        "Endpoint `{id}`: `{method}`; v1 {v1_doc}; v2 {v2_doc}. \
         See [`{name}::SPEC`](::xportcn::endpoint::Endpoint::SPEC) for the sources, \
         and correct a path with \
         [`ClientBuilder::override_path`](::xportcn::ClientBuilder::override_path)."
    );
    let arg_list = args
        .iter()
        .map(|a| format!("`{a}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut how = String::from("Returns a builder of the request [`");
    how.push_str(&base_doc_name(name));
    how.push_str("`]");
    if !arg_list.is_empty() {
        how.push_str(&format!(" (with {arg_list} given here)"));
    }
    how.push_str(": set its fields by name, then `.await` it (or `.send()`) for `data`");
    if paged {
        how.push_str(", or `.pages()` for a stream of every item of every page");
    }
    how.push_str(". ");
    if required.is_empty() {
        how.push_str("Every other field is optional.");
    } else {
        how.push_str(&format!(
            "Required (a compile error when left unset): {}.",
            required.join(", ")
        ));
    }
    let call_doc = format!(
        "The builder of [`{handle}::{fn_name}`]: set the request's fields by name, \
         then `.await` it."
    );

    let pages = if paged {
        quote! {
            /// Builds the request and streams every item of every page (see
            /// [`Call::pages`](::xportcn::Call::pages)).
            pub fn pages(self) -> ::xportcn::Pages<#name> {
                self.call().pages()
            }
        }
    } else {
        quote!()
    };

    Ok(quote! {
        #[::xportcn::__macro_support::bon::bon(crate = ::xportcn::__macro_support::bon)]
        impl<'c> #handle<'c> {
            #( #[doc = #docs] )*
            #[doc = ""]
            #[doc = #evidence]
            #[doc = ""]
            #[doc = #kind]
            #[doc = ""]
            #[doc = #how]
            #[builder(
                builder_type(name = #call_ty, vis = "pub", doc { #[doc = #call_doc] }),
                state_mod(name = #state_mod, vis = "pub"),
                finish_fn(name = call, doc {
                    /// Builds the request: the [`Call`](::xportcn::Call) to await,
                    /// or to adjust first (`retry_writes`, `send_full`).
                }),
                on(String, into),
                on(Id, into),
            )]
            pub fn #fn_name(self, #( #params ),*) -> ::xportcn::Call<#name> {
                self.client.call(#name { #( #idents ),* })
            }
        }

        impl<'c, S: #state_mod::IsComplete> #call_ty<'c, S> {
            /// Sends the call and returns the typed `data` (what `.await`
            /// on the builder does).
            pub fn send(self) -> <::xportcn::Call<#name> as ::core::future::IntoFuture>::IntoFuture {
                ::core::future::IntoFuture::into_future(self.call())
            }

            /// Sends the call and returns `data` with the envelope and raw body.
            pub fn send_full(
                self,
            ) -> impl ::core::future::Future<
                Output = ::core::result::Result<::xportcn::envelope::ApiResponse<#response>, ::xportcn::Error>,
            > + ::core::marker::Send + 'static {
                self.call().send_full()
            }

            #pages
        }

        impl<'c, S: #state_mod::IsComplete> ::core::future::IntoFuture for #call_ty<'c, S> {
            type Output = ::core::result::Result<#response, ::xportcn::Error>;
            type IntoFuture = <::xportcn::Call<#name> as ::core::future::IntoFuture>::IntoFuture;

            fn into_future(self) -> Self::IntoFuture {
                ::core::future::IntoFuture::into_future(self.call())
            }
        }
    })
}

fn base_doc_name(name: &Ident) -> String {
    name.to_string()
}
