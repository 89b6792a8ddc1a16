//! The rules that relate the parsed model to itself: receivers, names, duplicates, parameter
//! kinds. Every broken rule is recorded, spanned on the tokens that break it.

use proc_macro2::Span;
use quote::ToTokens;
use syn::spanned::Spanned;
use syn::{LitStr, Type};

use crate::ast::{self, Kind, Method, Param, Service};
use crate::case::normalize;
use crate::errors::Errors;

pub(crate) fn check(service: &Service<'_>, errors: &mut Errors) {
    check_impl(service, errors);
    check_service_args(service, errors);
    let mut taken: Vec<(String, String)> = Vec::new();
    for method in &service.methods {
        if method.attrs.skip.is_some() {
            if let Some(other) = method.attrs.others.first() {
                errors.spanned(
                    other,
                    format!(
                        "`{other}` has no effect on a skipped method: \
                         `#[rpc(skip)]` stands alone"
                    ),
                );
            }
            continue;
        }
        check_signature(method, errors);
        check_names(method, &mut taken, errors);
        check_params(method, errors);
        for scope in &method.attrs.scopes {
            check_scope(scope, errors);
        }
    }
    if service.args.client.is_some() {
        check_client(service, errors);
    }
}

/// The rules of `client`: a type the client can be named after, return types the client can
/// name, and no method name the client already uses.
fn check_client(service: &Service<'_>, errors: &mut Errors) {
    if crate::client::client_name(service).is_none() {
        errors.spanned(
            &service.item.self_ty,
            "`client` names the client after the service type (`impl Tickets` gives \
             `TicketsClient`): expected a type name",
        );
    }
    let exported: Vec<&Method<'_>> = service.exported().collect();
    for method in &exported {
        let rust_name = method.rust_name();
        if let ast::Return::Result { ty, .. } | ast::Return::Other(ty) = method.ret
            && contains_impl_trait(ty)
        {
            errors.spanned(
                ty,
                "a method returning `impl Trait` cannot have a client: the client cannot name \
                 the type to decode; return a concrete type, or remove `client`",
            );
        }
        let clash = if rust_name == "new" || rust_name == "client" {
            Some(format!(
                "`client` generates `{rust_name}` on the client itself"
            ))
        } else {
            rust_name.strip_prefix("notify_").and_then(|notified| {
                exported
                    .iter()
                    .find(|m| m.rust_name() == notified && matches!(m.ret, ast::Return::Unit))
                    .map(|_| {
                        format!(
                            "`client` generates `{rust_name}` to notify `{notified}`, \
                             which returns `()`"
                        )
                    })
            })
        };
        if let Some(why) = clash {
            errors.spanned(
                &method.original.sig.ident,
                format!(
                    "{why}: rename this method in Rust and keep its JSON name with \
                     `#[rpc(name = \"...\")]`"
                ),
            );
        }
    }
}

fn check_impl(service: &Service<'_>, errors: &mut Errors) {
    let item = service.item;
    if let Some((_, path, for_token)) = &item.trait_ {
        errors.spanned(
            quote::quote!(#path #for_token),
            "expected an inherent impl (`impl Service { ... }`), not a trait impl",
        );
    }
    if !item.generics.params.is_empty() {
        errors.spanned(
            &item.generics,
            "generic impl blocks cannot be served: write `impl Service { ... }` for a concrete type",
        );
    }
    if let Some(where_clause) = &item.generics.where_clause {
        errors.spanned(
            where_clause,
            "impl blocks with a where clause cannot be served: write `impl Service { ... }` \
             for a concrete type",
        );
    }
}

fn check_service_args(service: &Service<'_>, errors: &mut Errors) {
    if let Some(lit) = &service.args.name {
        let name = lit.value();
        if name.is_empty() {
            errors.spanned(
                lit,
                "empty service name: omit the argument (`#[rpc_service]`) to serve the methods \
                 at the root",
            );
        } else if name.contains('.') {
            errors.spanned(
                lit,
                format!(
                    "service name `{name}` contains `.`: the dot separates namespace, \
                     service and method"
                ),
            );
        } else if !is_name(&name) {
            errors.spanned(
                lit,
                format!(
                    "invalid service name `{name}`: expected ASCII letters, digits, `_` and `-`"
                ),
            );
        }
    }
    for scope in &service.args.scopes {
        check_scope(scope, errors);
    }
}

fn check_scope(scope: &LitStr, errors: &mut Errors) {
    let value = scope.value();
    if value.is_empty() || value.chars().any(char::is_whitespace) {
        errors.spanned(
            scope,
            "expected a non-empty scope without spaces, e.g. `scope = \"tickets:write\"`",
        );
    }
}

/// ASCII letters, digits, `_` and `-`, with at least one letter or digit.
fn is_name(name: &str) -> bool {
    name.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && name.chars().any(|c| c.is_ascii_alphanumeric())
}

fn check_signature(method: &Method<'_>, errors: &mut Errors) {
    let sig = &method.original.sig;
    match method.receiver {
        None => errors.spanned(
            &sig.ident,
            "expected `&self` as the first parameter; mark constructors and helpers \
             `#[rpc(skip)]`",
        ),
        Some(r) if r.colon_token.is_some() => {
            let shared_self = matches!(
                &*r.ty,
                Type::Reference(t) if t.mutability.is_none()
                    && matches!(&*t.elem, Type::Path(p) if p.path.is_ident("Self"))
            );
            if !shared_self {
                errors.spanned(
                    r,
                    "expected `&self`: the server shares the service between calls",
                );
            }
        }
        Some(r) => match (&r.reference, &r.mutability) {
            (None, _) => errors.spanned(
                r,
                "expected `&self`, not `self`: the server shares the service between calls",
            ),
            (Some(_), Some(mutability)) => errors.spanned(
                quote::quote!(#mutability #r),
                "expected `&self`, not `&mut self`: calls share the service; keep state in a \
                 `Mutex` or atomics",
            ),
            (Some(_), None) => {}
        },
    }
    if !sig.generics.params.is_empty() {
        errors.spanned(
            &sig.generics,
            "generic methods cannot be exported: use concrete types, or mark it `#[rpc(skip)]`",
        );
    } else if let Some(where_clause) = &sig.generics.where_clause {
        errors.spanned(
            where_clause,
            "methods with a where clause cannot be exported: use concrete types, \
             or mark it `#[rpc(skip)]`",
        );
    }
    if let Some(unsafety) = &sig.unsafety {
        errors.spanned(
            unsafety,
            "unsafe methods cannot be exported: a client cannot uphold their contract",
        );
    }
    if let Some(abi) = &sig.abi {
        errors.spanned(abi, "extern methods cannot be exported: remove the ABI");
    }
    if let Some(variadic) = &sig.variadic {
        errors.spanned(variadic, "variadic methods cannot be exported");
    }
}

/// Checks the name and aliases, and records them in `taken` (matching form, Rust name).
fn check_names(method: &Method<'_>, taken: &mut Vec<(String, String)>, errors: &mut Errors) {
    let ident = &method.original.sig.ident;
    let rust_name = method.rust_name();
    let (name_span, derived) = match &method.attrs.name {
        Some(lit) => (lit.span(), false),
        None => (ident.span(), true),
    };
    let names = std::iter::once(("method name", method.name(), name_span, derived)).chain(
        method
            .attrs
            .aliases
            .iter()
            .map(|lit| ("alias", lit.value(), lit.span(), false)),
    );
    for (what, name, span, derived) in names {
        if let Err(message) = check_method_name(what, &name) {
            let hint = if derived {
                "; rename it with `#[rpc(name = \"...\")]`"
            } else {
                ""
            };
            errors.at(span, format!("{message}{hint}"));
            continue;
        }
        let key = normalize(&name);
        match taken.iter().find(|(k, _)| *k == key) {
            Some((_, owner)) if *owner == rust_name => errors.at(
                span,
                format!("{what} `{name}` repeats a name of this method"),
            ),
            Some((_, owner)) => errors.at(
                span,
                format!(
                    "{what} `{name}` is already taken by `fn {owner}` (names match ignoring \
                     case, `_` and `-`); rename one with `#[rpc(name = \"...\")]`"
                ),
            ),
            None => taken.push((key, rust_name.clone())),
        }
    }
}

fn check_method_name(what: &str, name: &str) -> Result<(), String> {
    if name.is_empty() {
        Err(format!("empty {what}"))
    } else if name.len() >= 4 && name[..4].eq_ignore_ascii_case("rpc.") {
        Err(format!(
            "{what} `{name}` is reserved: JSON-RPC 2.0 keeps names starting with `rpc.`"
        ))
    } else if name.contains('.') {
        Err(format!(
            "{what} `{name}` contains `.`: the dot separates namespace, service and method"
        ))
    } else if !is_name(name) {
        Err(format!(
            "invalid {what} `{name}`: expected ASCII letters, digits, `_` and `-`"
        ))
    } else {
        Ok(())
    }
}

fn check_params(method: &Method<'_>, errors: &mut Errors) {
    let mut json_names: Vec<String> = Vec::new();
    let mut raw_seen = false;
    let json_count = method.params.iter().filter(|p| p.kind.is_json()).count();
    for param in &method.params {
        check_param_keys(param, errors);
        match param.kind {
            Kind::Raw => {
                if raw_seen {
                    errors.spanned(param.original, "a method takes at most one raw `Params`");
                } else if json_count > 0 {
                    errors.spanned(
                        param.original,
                        "a method that takes raw `Params` takes no other JSON params: \
                         read them from the raw params, or mark them `#[rpc(context)]`",
                    );
                }
                raw_seen = true;
            }
            Kind::Context => {}
            Kind::Required | Kind::Optional | Kind::Default => {
                check_json_param(param, &mut json_names, errors);
            }
        }
    }
    if let Some(project) = &method.attrs.project {
        check_project(method, project, errors);
    }
    if let (true, Some(policy)) = (raw_seen, &method.attrs.unknown_params) {
        errors.spanned(
            &policy.lit,
            "`unknown_params` has no effect on a method that takes raw `Params`: it reads \
             every param itself; remove the key",
        );
    }
}

fn check_param_keys(param: &Param<'_>, errors: &mut Errors) {
    let attrs = &param.attrs;
    if let Some(default) = &attrs.default {
        if let Some(other) = attrs.context.as_ref().or(attrs.raw.as_ref()) {
            errors.spanned(
                default,
                format!(
                    "`default` cannot be combined with `{other}`: only JSON params have a default"
                ),
            );
        } else if ast::is_option(param.ty) {
            errors.spanned(
                default,
                "`default` has no effect on an `Option` param: a missing `Option` is already `None`",
            );
        }
    }
    if let (Some(context), Some(_)) = (&attrs.context, &attrs.raw) {
        errors.spanned(
            context,
            "`context` cannot be combined with `raw`: choose one",
        );
    }
    if let (Some(name), false) = (&attrs.name, param.kind.is_json()) {
        errors.spanned(
            name,
            "`name` applies to JSON params only: context and raw params have no JSON name",
        );
    }
}

fn check_json_param(param: &Param<'_>, taken: &mut Vec<String>, errors: &mut Errors) {
    if param.ident.is_none() {
        errors.spanned(
            &param.original.pat,
            "expected an identifier: JSON params are matched by name, e.g. `id: i64`",
        );
    }
    if ast::is_borrowed_str(param.ty) {
        errors.spanned(
            param.ty,
            "expected `String`, not `&str`: params are decoded into owned values",
        );
    }
    if contains_impl_trait(param.ty) {
        errors.spanned(
            param.ty,
            "expected a concrete type: `impl Trait` makes the method generic",
        );
    }
    let Some((name, camel)) = param.json_names() else {
        return;
    };
    let span: Span = match &param.attrs.name {
        Some(lit) => lit.span(),
        None => param.original.pat.span(),
    };
    if let Some(lit) = &param.attrs.name
        && lit.value().is_empty()
    {
        errors.at(span, "empty param name");
        return;
    }
    if let Some(clash) = [&name, &camel].into_iter().find(|n| taken.contains(n)) {
        errors.at(
            span,
            format!("two params answer to `{clash}`: rename one with `#[rpc(name = \"...\")]`"),
        );
    }
    taken.push(name);
    taken.push(camel);
}

fn contains_impl_trait(ty: &Type) -> bool {
    fn walk(tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => i == "impl",
            proc_macro2::TokenTree::Group(g) => walk(g.stream()),
            _ => false,
        })
    }
    walk(ty.to_token_stream())
}

fn check_project(method: &Method<'_>, project: &LitStr, errors: &mut Errors) {
    let wanted = project.value();
    let found = method
        .params
        .iter()
        .find(|p| p.rust_name().as_deref() == Some(wanted.as_str()));
    match found {
        Some(p) if p.kind.is_json() => {}
        Some(_) => errors.spanned(
            project,
            format!("`project = \"{wanted}\"` names a context or raw param: expected a JSON param"),
        ),
        None => {
            let json: Vec<String> = method
                .params
                .iter()
                .filter(|p| p.kind.is_json())
                .filter_map(|p| p.rust_name())
                .map(|n| format!("`{n}`"))
                .collect();
            let expected = if json.is_empty() {
                "this method has no JSON params".to_owned()
            } else {
                format!("expected one of {}", json.join(", "))
            };
            errors.spanned(
                project,
                format!("`project = \"{wanted}\"` names no parameter: {expected}"),
            );
        }
    }
}
