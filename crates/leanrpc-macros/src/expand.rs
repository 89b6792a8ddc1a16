//! Code generation: the user's impl block without our attributes, then one
//! `const _: () = { ... };` holding a handler, a `MethodDef` and an `inventory::submit!` per
//! method, the `RpcService` impl, and the trait checks spanned on the user's types. The shape
//! is pinned by `crates/leanrpc/tests/hand_expanded.rs`.

use proc_macro2::{Delimiter, Ident, Literal, Span, TokenStream, TokenTree};
use quote::{ToTokens, format_ident, quote};
use syn::{ImplItem, Item, ItemImpl, Type};

use crate::ast::{Kind, Method, Return, Service};
use crate::attr;
use crate::errors::Errors;
use crate::valid;

/// The whole macro: parse, validate, expand. On error, the impl block is still emitted (minus
/// our attributes) so the rest of the user's crate type-checks.
pub(crate) fn rpc_service(args: TokenStream, input: TokenStream) -> TokenStream {
    let item = match syn::parse2::<Item>(input.clone()) {
        Ok(Item::Impl(item)) => item,
        Ok(other) => {
            let error = syn::Error::new(
                keyword_span(&other),
                "expected an impl block: `#[rpc_service(\"name\")] impl Service { ... }`",
            )
            .to_compile_error();
            return quote!(#input #error);
        }
        Err(error) => {
            let error = error.to_compile_error();
            return quote!(#input #error);
        }
    };
    let mut errors = Errors::default();
    let service = Service::from_syn(&item, args, &mut errors);
    valid::check(&service, &mut errors);
    let stripped = strip(&item);
    match errors.finish() {
        Ok(()) => {
            let generated = generate(&service);
            let client = crate::client::generate(&service);
            quote!(#stripped #generated #client)
        }
        Err(error) => {
            let error = error.to_compile_error();
            quote!(#stripped #error)
        }
    }
}

/// The keyword that says what the item is (`fn`, `struct`, ...), for "expected an impl block".
fn keyword_span(item: &Item) -> Span {
    match item {
        Item::Fn(f) => f.sig.fn_token.span,
        Item::Struct(s) => s.struct_token.span,
        Item::Enum(e) => e.enum_token.span,
        Item::Union(u) => u.union_token.span,
        Item::Trait(t) => t.trait_token.span,
        Item::Mod(m) => m.mod_token.span,
        Item::Const(c) => c.const_token.span,
        Item::Static(s) => s.static_token.span,
        Item::Type(t) => t.type_token.span,
        Item::Use(u) => u.use_token.span,
        _ => Span::call_site(),
    }
}

/// The impl block without `#[rpc(...)]` on its items and parameters.
fn strip(item: &ItemImpl) -> ItemImpl {
    let mut item = item.clone();
    for impl_item in &mut item.items {
        let attrs = match impl_item {
            ImplItem::Fn(f) => {
                for input in &mut f.sig.inputs {
                    match input {
                        syn::FnArg::Typed(p) => p.attrs.retain(|a| !attr::is_rpc(a)),
                        syn::FnArg::Receiver(r) => r.attrs.retain(|a| !attr::is_rpc(a)),
                    }
                }
                &mut f.attrs
            }
            ImplItem::Const(c) => &mut c.attrs,
            ImplItem::Type(t) => &mut t.attrs,
            ImplItem::Macro(m) => &mut m.attrs,
            _ => continue,
        };
        attrs.retain(|a| !attr::is_rpc(a));
    }
    item
}

/// Identifiers of the generated code. Locals use mixed-site hygiene so that no parameter name of
/// the user's can shadow them; items carry a `__leanrpc` prefix for the same reason.
struct Names {
    lr: Ident,
    service: Ident,
    inv: Ident,
    this: Ident,
    slots: Ident,
    ret: Ident,
}

impl Names {
    fn new() -> Self {
        let local = |name: &str| Ident::new(name, Span::mixed_site());
        Names {
            lr: Ident::new("__leanrpc", Span::call_site()),
            service: local("service"),
            inv: local("inv"),
            this: local("this"),
            slots: local("slots"),
            ret: local("ret"),
        }
    }
}

fn generate(service: &Service<'_>) -> TokenStream {
    let names = Names::new();
    let lr = &names.lr;
    let self_ty = &service.item.self_ty;
    let service_name = service
        .args
        .name
        .as_ref()
        .map(syn::LitStr::value)
        .unwrap_or_default();
    let mut items = TokenStream::new();
    let mut defs = Vec::new();
    for (index, method) in service.exported().enumerate() {
        let params = format_ident!("__LEANRPC_PARAMS_{}", index);
        let handler = format_ident!("__leanrpc_handler_{}", index);
        if !method.is_raw() {
            items.extend(param_defs(service, method, index, &params, &names));
        }
        items.extend(result_schema_fn(service, method, index, &names));
        let slots_name = format_ident!("__LeanrpcSlots{}", index);
        let slots = slots_struct(service, method, &slots_name, &names);
        let slots_name = slots.is_some().then_some(&slots_name);
        items.extend(handler_fn(
            service, method, &params, slots_name, &handler, &names,
        ));
        items.extend(slots);
        defs.push(method_def(
            service,
            method,
            index,
            &service_name,
            &params,
            &handler,
            &names,
        ));
    }
    let count = defs.len();
    let submits = (0..count).map(|i| {
        quote! { #lr::inventory::submit! { #lr::Registration(&__LEANRPC_METHODS[#i]) } }
    });
    // On the user's type: two blocks for one type, or a type that is not `Send + Sync`, are
    // reported there.
    let service_impl = at(
        self_ty,
        quote! {
            impl #lr::RpcService for #self_ty {
                const NAME: &'static str = #service_name;
                fn methods() -> &'static [#lr::MethodDef] {
                    &__LEANRPC_METHODS
                }
            }
        },
    );
    quote! {
        const _: () = {
            use ::leanrpc::__private as #lr;

            #items

            static __LEANRPC_METHODS: [#lr::MethodDef; #count] = [#(#defs),*];

            #(#submits)*

            #service_impl
        };
    }
}

/// The `ParamDef` array of one method's JSON params, and a schema function per param.
fn param_defs(
    service: &Service<'_>,
    method: &Method<'_>,
    index: usize,
    params: &Ident,
    names: &Names,
) -> TokenStream {
    let lr = &names.lr;
    let mut schema_fns = TokenStream::new();
    let defs: Vec<TokenStream> = method
        .params
        .iter()
        .filter(|p| p.kind.is_json())
        .enumerate()
        .map(|(slot, p)| {
            let (name, camel) = p.json_names().unwrap_or_default();
            let required = p.kind == Kind::Required;
            let ty = type_string(p.ty);
            let schema = format_ident!("__leanrpc_schema_{}_{}", index, slot);
            let ty_tokens = replace_self(p.ty.to_token_stream(), &service.item.self_ty);
            schema_fns.extend(schema_fn(&schema, &ty_tokens, 2, names));
            let default = if p.kind == Kind::Default {
                let default = format_ident!("__leanrpc_default_{}_{}", index, slot);
                schema_fns.extend(quote! {
                    #[allow(clippy::needless_borrow)]
                    fn #default() -> ::core::option::Option<#lr::Value> {
                        #[allow(unused_imports)]
                        use #lr::default::{NoDefault as _, SerializedDefault as _};
                        (&&#lr::default::DefaultOf::<#ty_tokens>::new()).value()
                    }
                });
                quote!(#default)
            } else {
                quote!(#lr::no_default)
            };
            quote! {
                #lr::ParamDef {
                    name: #name, camel: #camel, required: #required, ty: #ty, schema: #schema,
                    default: #default,
                }
            }
        })
        .collect();
    let count = defs.len();
    quote! {
        #schema_fns
        static #params: [#lr::ParamDef; #count] = [#(#defs),*];
    }
}

/// The function that gives a method's result schema: `T`'s for a `Result<T, E>` spelled out,
/// `()`'s for no return type, otherwise the type's, looked through a `Result` alias.
fn result_schema_fn(
    service: &Service<'_>,
    method: &Method<'_>,
    index: usize,
    names: &Names,
) -> TokenStream {
    let name = format_ident!("__leanrpc_result_schema_{}", index);
    let self_ty = &service.item.self_ty;
    match method.ret {
        Return::Unit => schema_fn(&name, &quote!(()), 2, names),
        // An opaque type cannot be named outside its function: its schema is unknown.
        Return::Result { ty, .. } | Return::Other(ty) if has_impl_trait(ty.to_token_stream()) => {
            schema_fn(&name, &quote!(()), 0, names)
        }
        Return::Result { ok, .. } => schema_fn(
            &name,
            &replace_self(ok.to_token_stream(), self_ty),
            2,
            names,
        ),
        Return::Other(ty) => schema_fn(
            &name,
            &replace_self(ty.to_token_stream(), self_ty),
            4,
            names,
        ),
    }
}

/// Whether a type mentions `impl Trait`.
fn has_impl_trait(tokens: TokenStream) -> bool {
    tokens.into_iter().any(|token| match token {
        TokenTree::Ident(i) => i == "impl",
        TokenTree::Group(g) => has_impl_trait(g.stream()),
        _ => false,
    })
}

/// `fn name() -> Value` selecting `ty`'s schema by autoref specialization (see
/// `leanrpc::__private::schema`): `refs` is 2 for a plain type, 4 to see through `Result`, and
/// 0 for a type whose schema is unknown.
fn schema_fn(name: &Ident, ty: &TokenStream, refs: usize, names: &Names) -> TokenStream {
    let lr = &names.lr;
    if refs == 0 {
        return quote! {
            fn #name() -> #lr::Value {
                #lr::schema::any()
            }
        };
    }
    let borrows = (0..refs).map(|_| quote!(&));
    quote! {
        #[allow(clippy::needless_borrow)]
        fn #name() -> #lr::Value {
            #[allow(unused_imports)]
            use #lr::schema::{NoSchema as _, OkSchema as _, ResultNoSchema as _, TypeSchema as _};
            (#(#borrows)* #lr::schema::SchemaOf::<#ty>::new()).schema()
        }
    }
}

/// The struct that holds a method's bound JSON params, one `Option` per param, and its
/// `Slots` impl; `None` for a method without JSON params.
fn slots_struct(
    service: &Service<'_>,
    method: &Method<'_>,
    name: &Ident,
    names: &Names,
) -> Option<TokenStream> {
    let lr = &names.lr;
    let json: Vec<_> = method.params.iter().filter(|p| p.kind.is_json()).collect();
    if json.is_empty() {
        return None;
    }
    let de = Ident::new("de", Span::mixed_site());
    let index = Ident::new("index", Span::mixed_site());
    let lifetime = syn::Lifetime::new("'de", Span::mixed_site());
    let generic = Ident::new("D", Span::mixed_site());
    let types: Vec<_> = json
        .iter()
        .map(|p| replace_self(p.ty.to_token_stream(), &service.item.self_ty))
        .collect();
    let positions: Vec<_> = (0..json.len()).map(syn::Index::from).collect();
    let numbers = 0..json.len();
    // The type as written, in the turbofish: a type that is not `Deserialize` is reported there,
    // once.
    let fills = json.iter().zip(&types).zip(&positions).map(|((p, ty), i)| {
        let path = at(p.ty, quote!(#lr::fill));
        quote!(#path::<#ty, #generic>(&mut self.#i, #de))
    });
    let numbers2 = 0..json.len();
    Some(quote! {
        struct #name(#(::core::option::Option<#types>),*);

        impl #lr::Slots for #name {
            fn fill<#lifetime, #generic: #lr::Deserializer<#lifetime>>(
                &mut self,
                #index: ::core::primitive::usize,
                #de: #generic,
            ) -> ::core::result::Result<(), #generic::Error> {
                match #index {
                    #(#numbers => #fills,)*
                    _ => ::core::result::Result::Ok(()),
                }
            }

            fn is_filled(&self, #index: ::core::primitive::usize) -> ::core::primitive::bool {
                match #index {
                    #(#numbers2 => self.#positions.is_some(),)*
                    _ => false,
                }
            }
        }
    })
}

fn handler_fn(
    service: &Service<'_>,
    method: &Method<'_>,
    params: &Ident,
    slots_struct: Option<&Ident>,
    handler: &Ident,
    names: &Names,
) -> TokenStream {
    let Names {
        lr,
        service: service_arg,
        inv,
        this,
        slots,
        ret,
    } = names;
    let self_ty = &service.item.self_ty;
    let project = method.attrs.project.as_ref().map(syn::LitStr::value);
    let mut bindings = TokenStream::new();
    let mut args = Vec::new();
    if !method.is_raw() {
        // Called even without JSON params: it rejects params the method does not take.
        let init = match slots_struct {
            Some(name) => {
                let nones = method
                    .params
                    .iter()
                    .filter(|p| p.kind.is_json())
                    .map(|_| quote!(::core::option::Option::None));
                quote!(#name(#(#nones),*))
            }
            None => quote!(()),
        };
        let policy = unknown_params_policy(service, method, names);
        bindings.extend(quote! {
            let mut #slots = #init;
            #lr::bind_with(#inv.params, &#params, &mut #slots, #policy)?;
        });
    }
    let mut slot = 0usize;
    for (i, p) in method.params.iter().enumerate() {
        let arg = Ident::new(&format!("arg{i}"), Span::mixed_site());
        let ty = p.ty;
        // Spanned on the type: a type that is not `Deserialize` (or not a context value) is
        // reported there, once.
        let value = match p.kind {
            Kind::Context => at(ty, quote!(#lr::from_context(#inv.ctx))),
            Kind::Raw => quote!(#inv.params),
            Kind::Required | Kind::Optional | Kind::Default => {
                let take = match p.kind {
                    Kind::Required => quote!(take),
                    _ => quote!(take_or_default),
                };
                let index = syn::Index::from(slot);
                let value = at(ty, quote!(#lr::#take(#slots.#index)));
                slot += 1;
                value
            }
        };
        let value = match p.kind {
            Kind::Raw => value,
            _ => quote!(#value?),
        };
        let annotation = replace_self(ty.to_token_stream(), self_ty);
        bindings.extend(quote! { let #arg: #annotation = #value; });
        if p.kind.is_json() && project.is_some() && p.rust_name() == project {
            let check = call_at(
                ty,
                quote!(#lr::check_project),
                quote!(#inv.ctx, ),
                quote!(&#arg),
            );
            bindings.extend(quote! { #check?; });
        }
        args.push(arg);
    }
    let ident = &method.original.sig.ident;
    let call = if method.original.sig.asyncness.is_some() {
        quote!(#this.#ident(#(#args),*).await)
    } else {
        quote!(#this.#ident(#(#args),*))
    };
    let value = Ident::new("value", Span::mixed_site());
    let error = Ident::new("error", Span::mixed_site());
    let finish = match method.ret {
        Return::Unit => quote! {
            #call;
            #lr::write_value(#inv.out, &())
        },
        // Spelled out, `T` and `E` are checked apart, each where it is written.
        Return::Result { ok, err, .. } => {
            let write = call_at(
                ok,
                quote!(#lr::write_value),
                quote!(#inv.out, ),
                quote!(&#value),
            );
            let convert = call_at(
                err,
                quote!(::core::convert::Into::<#lr::RpcError>::into),
                quote!(),
                quote!(#error),
            );
            quote! {
                match #call {
                    ::core::result::Result::Ok(#value) => #write,
                    ::core::result::Result::Err(#error) => ::core::result::Result::Err(#convert),
                }
            }
        }
        // Any other type may be an alias of `Result`: autoref selection tells them apart.
        Return::Other(ty) => {
            let write = call_at(
                ty,
                quote!((&#ret).kind().write),
                quote!(#inv.out, ),
                quote!(#ret.0),
            );
            quote! {
                let #ret = #lr::Ret(#call);
                #[allow(unused_imports)]
                use #lr::{ResultKind as _, ValueKind as _};
                #write
            }
        }
    };
    let body = quote! {
        let #this = #lr::downcast::<#self_ty>(#service_arg)?;
        #bindings
        #finish
    };
    // An async method's future that is not `Send` makes this block not `Send`: place the
    // block's own tokens (not its contents) on `async fn name`, where the fix is.
    let sig = &method.original.sig;
    let (async_kw, body) = match &sig.asyncness {
        Some(asyncness) => {
            let mut group = proc_macro2::Group::new(Delimiter::Brace, body);
            group.set_span(Span::call_site().located_at(sig.ident.span()));
            let async_kw = Ident::new("async", Span::call_site().located_at(asyncness.span));
            (async_kw, group.into_token_stream())
        }
        None => (Ident::new("async", Span::call_site()), quote!({ #body })),
    };
    let answer = match &sig.asyncness {
        Some(_) => {
            let path = at(&quote!(#async_kw #ident), quote!(::std::boxed::Box::pin));
            let mut args =
                proc_macro2::Group::new(Delimiter::Parenthesis, quote!(#async_kw move #body));
            args.set_span(Span::call_site().located_at(ident.span()));
            quote!(#lr::Answer::Pending(#path #args))
        }
        // A synchronous method runs right here: no future, no allocation.
        None => quote! {
            #lr::Answer::Ready((move || -> ::core::result::Result<(), #lr::RpcError> #body)())
        },
    };
    quote! {
        fn #handler<'a>(
            #service_arg: &'a (dyn ::core::any::Any + ::core::marker::Send + ::core::marker::Sync),
            #inv: #lr::Invocation<'a>,
        ) -> #lr::Answer<'a> {
            #answer
        }
    }
}

fn method_def(
    service: &Service<'_>,
    method: &Method<'_>,
    index: usize,
    service_name: &str,
    params: &Ident,
    handler: &Ident,
    names: &Names,
) -> TokenStream {
    let lr = &names.lr;
    let self_ty = &service.item.self_ty;
    let name = method.name();
    let aliases = method.attrs.aliases.iter().map(syn::LitStr::value);
    let rust_name = method.rust_name();
    let raw = method.is_raw();
    let params = if raw { quote!(&[]) } else { quote!(&#params) };
    let result_schema = format_ident!("__leanrpc_result_schema_{}", index);
    let codes = &method.attrs.errors;
    let result = match method.ret {
        Return::Unit => "()".to_owned(),
        Return::Result { ty, .. } | Return::Other(ty) => type_string(ty),
    };
    let doc = &method.doc;
    let line = Literal::u32_unsuffixed(line_of(&method.original.sig.ident));
    let type_name = type_string(self_ty);
    let min_role = match method
        .attrs
        .min_role
        .as_ref()
        .or(service.args.min_role.as_ref())
    {
        Some(role) => {
            let variant = &role.variant;
            quote!(::core::option::Option::Some(#lr::Role::#variant))
        }
        None => quote!(::core::option::Option::None),
    };
    let scopes = if method.attrs.scopes.is_empty() {
        &service.args.scopes
    } else {
        &method.attrs.scopes
    };
    let scopes = scopes.iter().map(syn::LitStr::value);
    let policy = unknown_params_policy(service, method, names);
    quote! {
        #lr::MethodDef {
            service: #service_name,
            name: #name,
            aliases: &[#(#aliases),*],
            rust_name: #rust_name,
            params: #params,
            raw_params: #raw,
            result: #result,
            result_schema: #result_schema,
            errors: &[#(#codes),*],
            doc: #doc,
            file: ::core::file!(),
            line: #line,
            service_type: #lr::type_id::<#self_ty>,
            type_name: #type_name,
            access: #lr::Access {
                min_role: #min_role,
                scopes: &[#(#scopes),*],
            },
            unknown_params: #policy,
            handler: #handler,
        }
    }
}

/// The method's policy for params it does not declare: its own `unknown_params`, else its
/// service's, else `Reject`.
fn unknown_params_policy(service: &Service<'_>, method: &Method<'_>, names: &Names) -> TokenStream {
    let lr = &names.lr;
    let variant = method
        .attrs
        .unknown_params
        .as_ref()
        .or(service.args.unknown_params.as_ref())
        .map_or_else(
            || Ident::new("Reject", Span::call_site()),
            |policy| policy.variant.clone(),
        );
    quote!(#lr::UnknownParams::#variant)
}

/// `tokens` with `Self` replaced by the service type: the handler lives outside the impl block.
pub(crate) fn replace_self(tokens: TokenStream, self_ty: &Type) -> TokenStream {
    tokens
        .into_iter()
        .map(|token| match token {
            TokenTree::Ident(i) if i == "Self" => TokenTree::Group(proc_macro2::Group::new(
                Delimiter::None,
                self_ty.to_token_stream(),
            )),
            TokenTree::Group(g) => {
                let mut group =
                    proc_macro2::Group::new(g.delimiter(), replace_self(g.stream(), self_ty));
                group.set_span(g.span());
                TokenTree::Group(group)
            }
            other => other,
        })
        .collect()
}

/// `tokens` moved to where `user` is written, keeping their hygiene, so that a trait bound they
/// fail is reported on the user's tokens instead of on the attribute.
///
/// The first token goes to the start of `user` and every other one to its end: rustc spans an
/// expression from its first token to its last, so a path (`lr::required`), a call or an
/// operand (`&value`, `ret.0`) built this way underlines all of `user` even on stable, where
/// spans cannot be joined.
pub(crate) fn at(user: &dyn ToTokens, tokens: TokenStream) -> TokenStream {
    let mut user_tokens = user.to_token_stream().into_iter();
    let Some(first) = user_tokens.next().map(|t| t.span()) else {
        return tokens;
    };
    let last = user_tokens.last().map_or(first, |t| t.span());
    relocate(tokens, Some(first), last)
}

/// `path(args, last)` placed on `user`, with `last`, the argument a failed bound is usually
/// reported on, spanning all of `user` by itself.
pub(crate) fn call_at(
    user: &dyn ToTokens,
    path: TokenStream,
    args: TokenStream,
    last: TokenStream,
) -> TokenStream {
    let path = at(user, path);
    let last = at(user, last);
    let mut group = proc_macro2::Group::new(Delimiter::Parenthesis, quote!(#args #last));
    let end = user
        .to_token_stream()
        .into_iter()
        .last()
        .map_or_else(Span::call_site, |t| t.span());
    group.set_span(Span::call_site().located_at(end));
    quote!(#path #group)
}

fn relocate(tokens: TokenStream, mut first: Option<Span>, last: Span) -> TokenStream {
    tokens
        .into_iter()
        .map(|mut token| {
            let target = first.take().unwrap_or(last);
            if let TokenTree::Group(g) = &token {
                let mut group =
                    proc_macro2::Group::new(g.delimiter(), relocate(g.stream(), None, last));
                group.set_span(g.span().located_at(target));
                token = TokenTree::Group(group);
            } else {
                token.set_span(token.span().located_at(target));
            }
            token
        })
        .collect()
}

/// The source line of `ident`, or 0 outside a real macro invocation (unit tests).
fn line_of(ident: &Ident) -> u32 {
    if proc_macro::is_available() {
        u32::try_from(ident.span().unwrap().line()).unwrap_or(0)
    } else {
        0
    }
}

/// A type as a user would write it: `Result<Vec<u8>, MyError>`, not `Result < Vec < u8 > ...`.
fn type_string(ty: &Type) -> String {
    let mut out = String::new();
    write_tokens(ty.to_token_stream(), &mut out);
    out.replace("->", " -> ")
}

fn write_tokens(tokens: TokenStream, out: &mut String) {
    let mut word_before = false;
    for token in tokens {
        match token {
            TokenTree::Ident(_) | TokenTree::Literal(_) => {
                if word_before {
                    out.push(' ');
                }
                out.push_str(&token.to_string());
                word_before = true;
            }
            TokenTree::Punct(p) => {
                match p.as_char() {
                    ',' | ';' => {
                        out.push(p.as_char());
                        out.push(' ');
                    }
                    '+' => out.push_str(" + "),
                    c => out.push(c),
                }
                word_before = false;
            }
            TokenTree::Group(g) => {
                let (open, close) = match g.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                write_tokens(g.stream(), out);
                let trimmed = out.trim_end().len();
                out.truncate(trimmed);
                out.push_str(close);
                word_before = g.delimiter() == Delimiter::None;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_print_as_written() {
        for text in [
            "Result<Vec<u8>, MyError>",
            "&'a str",
            "&mut T",
            "Option<&Caller>",
            "(i64, i64)",
            "[u8; 4]",
            "std::collections::HashMap<String, i64>",
            "Box<dyn Fn(i64) -> i64 + Send>",
            "<T as Trait>::Out",
        ] {
            let ty: Type = syn::parse_str(text).unwrap();
            assert_eq!(type_string(&ty), text);
        }
    }

    #[test]
    fn expansion_is_valid_rust_without_our_attributes() {
        let out = rpc_service(
            quote!("tickets", min_role = "readonly"),
            quote! {
                impl Tickets {
                    /// Doc.
                    #[rpc(alias = "get", project = "project_id")]
                    async fn get_ticket(&self, c: &Caller, project_id: i64, #[rpc(default)] x: u8) -> Result<T, E> {}
                    #[rpc(skip)]
                    fn new() -> Self {}
                    fn sum(&self, p: Params<'_>) {}
                }
            },
        );
        let text = out.to_string();
        assert!(!text.contains("# [rpc"), "{text}");
        assert!(!text.contains("compile_error"), "{text}");
        let file: syn::File = syn::parse2(out).unwrap();
        assert_eq!(file.items.len(), 2);
    }

    #[test]
    fn errors_keep_the_impl_block() {
        let out = rpc_service(
            quote!(),
            quote!(impl S { fn f(self) {} #[rpc(skip)] fn g() {} }),
        );
        let text = out.to_string();
        assert!(text.contains("compile_error"), "{text}");
        assert!(text.contains("impl S"), "{text}");
        assert!(!text.contains("# [rpc"), "{text}");
    }
}
