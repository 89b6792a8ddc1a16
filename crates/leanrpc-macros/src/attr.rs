//! Parsing of the macro's own attributes: the `#[rpc_service(...)]` arguments and the
//! `#[rpc(...)]` keys on methods and parameters. Checks here are about one key at a time
//! (is it known, does it have the right kind of value); rules that relate keys to the rest of
//! the impl block live in `valid.rs`.

use proc_macro2::{Group, Ident, TokenStream};
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream, Parser};
use syn::punctuated::Punctuated;
use syn::{Attribute, Expr, Lit, LitStr, Meta, Token};

use crate::errors::Errors;

/// One `key`, `key = value` or `key(...)` inside the parentheses of an attribute.
struct Entry {
    key: Ident,
    value: Value,
}

enum Value {
    None,
    Assign(Expr),
    List(Group),
}

impl Parse for Entry {
    fn parse(input: ParseStream<'_>) -> syn::Result<Self> {
        // `parse_any` accepts keywords, so `#[rpc(type = "x")]` is an unknown key, not a parse error.
        let key = Ident::parse_any(input)
            .map_err(|e| syn::Error::new(e.span(), "expected a key such as `name = \"...\"`"))?;
        let value = if input.peek(Token![=]) {
            input.parse::<Token![=]>()?;
            Value::Assign(input.parse()?)
        } else if input.peek(syn::token::Paren) {
            Value::List(input.parse()?)
        } else {
            Value::None
        };
        Ok(Entry { key, value })
    }
}

impl Entry {
    fn name(&self) -> String {
        self.key.unraw().to_string()
    }

    /// The value of `key = "..."`, or an error showing that syntax.
    fn string(&self, errors: &mut Errors) -> Option<LitStr> {
        let key = self.name();
        match &self.value {
            Value::Assign(Expr::Lit(lit)) if matches!(lit.lit, Lit::Str(_)) => match &lit.lit {
                Lit::Str(s) => Some(s.clone()),
                _ => None,
            },
            Value::Assign(other) => {
                errors.spanned(
                    other,
                    format!("expected a string literal: `{key} = \"...\"`"),
                );
                None
            }
            Value::None => {
                errors.spanned(&self.key, format!("expected `{key} = \"...\"`"));
                None
            }
            Value::List(group) => {
                errors.spanned(group, format!("expected `{key} = \"...\"`"));
                None
            }
        }
    }

    /// The integer codes of `key(-32002, 404)`, or an error showing that syntax.
    fn codes(&self, errors: &mut Errors) -> Vec<i32> {
        const SYNTAX: &str = "expected integer error codes: `errors(-32002, -32005)`";
        let Value::List(group) = &self.value else {
            errors.spanned(&self.key, SYNTAX);
            return Vec::new();
        };
        let parsed = Punctuated::<Expr, Token![,]>::parse_terminated.parse2(group.stream());
        let list = match parsed {
            Ok(list) if !list.is_empty() => list,
            Ok(_) => {
                errors.spanned(group, SYNTAX);
                return Vec::new();
            }
            Err(e) => {
                errors.push(syn::Error::new(e.span(), SYNTAX));
                return Vec::new();
            }
        };
        let mut codes = Vec::new();
        for expr in &list {
            let (negative, lit) = match expr {
                Expr::Unary(syn::ExprUnary {
                    op: syn::UnOp::Neg(_),
                    expr,
                    ..
                }) => (true, &**expr),
                other => (false, other),
            };
            let value = match lit {
                Expr::Lit(syn::ExprLit {
                    lit: Lit::Int(int), ..
                }) => int.base10_parse::<i64>().ok(),
                _ => None,
            };
            match value
                .map(|v| if negative { -v } else { v })
                .and_then(|v| i32::try_from(v).ok())
            {
                Some(code) => codes.push(code),
                None => errors.spanned(expr, SYNTAX),
            }
        }
        codes
    }

    /// A key that takes no value (`skip`, `default`, ...).
    fn flag(&self, errors: &mut Errors) -> Ident {
        self.flag_in("rpc", errors)
    }

    /// A key that takes no value, in the attribute `attr` (`rpc`, `rpc_service`).
    fn flag_in(&self, attr: &str, errors: &mut Errors) -> Ident {
        if !matches!(self.value, Value::None) {
            let key = self.name();
            let span = match &self.value {
                Value::Assign(expr) => syn::spanned::Spanned::span(expr),
                Value::List(group) => group.span(),
                Value::None => unreachable!(),
            };
            errors.at(
                span,
                format!("`{key}` takes no value: write `#[{attr}({key})]`"),
            );
        }
        self.key.clone()
    }
}

/// The single-valued keys seen so far in one attribute set, to report repeats.
#[derive(Default)]
struct Seen(Vec<String>);

impl Seen {
    /// Whether `key` is new; reports it otherwise.
    fn first(&mut self, key: &Ident, errors: &mut Errors, hint: &str) -> bool {
        let name = key.unraw().to_string();
        if self.0.contains(&name) {
            errors.spanned(key, format!("duplicate `{name}`{hint}"));
            false
        } else {
            self.0.push(name);
            true
        }
    }
}

/// A role named in `min_role = "..."`, checked against Leantime's six.
#[derive(Clone)]
pub(crate) struct RoleLit {
    /// The variant of `leanrpc::Role`.
    pub(crate) variant: Ident,
}

const ROLES: [(&str, &str); 6] = [
    ("readonly", "Readonly"),
    ("commenter", "Commenter"),
    ("editor", "Editor"),
    ("manager", "Manager"),
    ("admin", "Admin"),
    ("owner", "Owner"),
];

fn role(lit: &LitStr, errors: &mut Errors) -> Option<RoleLit> {
    let value = lit.value();
    match ROLES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(&value))
    {
        Some((_, variant)) => Some(RoleLit {
            variant: Ident::new(variant, lit.span()),
        }),
        None => {
            errors.spanned(
                lit,
                format!(
                    "unknown role `{value}`: expected one of \
                     readonly, commenter, editor, manager, admin, owner"
                ),
            );
            None
        }
    }
}

/// The policy named in `unknown_params = "..."`.
#[derive(Clone)]
pub(crate) struct PolicyLit {
    /// The variant of `leanrpc::UnknownParams`.
    pub(crate) variant: Ident,
    /// The literal as written, for spans.
    pub(crate) lit: LitStr,
}

fn unknown_params(lit: &LitStr, errors: &mut Errors) -> Option<PolicyLit> {
    let variant = match lit.value().as_str() {
        "reject" => "Reject",
        "ignore" => "Ignore",
        other => {
            errors.spanned(
                lit,
                format!(
                    "unknown policy `{other}`: expected `unknown_params = \"reject\"` (the default) \
                     or `unknown_params = \"ignore\"`"
                ),
            );
            return None;
        }
    };
    Some(PolicyLit {
        variant: Ident::new(variant, lit.span()),
        lit: lit.clone(),
    })
}

/// Whether `attr` is one of ours.
pub(crate) fn is_rpc(attr: &Attribute) -> bool {
    attr.path().is_ident("rpc")
}

/// The entries of every `#[rpc(...)]` among `attrs`, in order.
fn entries(attrs: &[Attribute], errors: &mut Errors) -> Vec<Entry> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| is_rpc(a)) {
        let list = match &attr.meta {
            Meta::List(list) => list,
            _ => {
                errors.spanned(
                    attr,
                    "expected `#[rpc(...)]`, e.g. `#[rpc(name = \"...\")]`",
                );
                continue;
            }
        };
        match Punctuated::<Entry, Token![,]>::parse_terminated.parse2(list.tokens.clone()) {
            Ok(parsed) if parsed.is_empty() => errors.spanned(
                attr,
                "expected at least one key in `#[rpc(...)]`, e.g. `#[rpc(name = \"...\")]`",
            ),
            Ok(parsed) => out.extend(parsed),
            Err(e) => errors.push(e),
        }
    }
    out
}

/// The arguments of `#[rpc_service(...)]`.
#[derive(Default)]
pub(crate) struct ServiceArgs {
    /// The service name; `None` serves the methods at the root.
    pub(crate) name: Option<LitStr>,
    /// The default minimum role of every method.
    pub(crate) min_role: Option<RoleLit>,
    /// The default scopes of every method.
    pub(crate) scopes: Vec<LitStr>,
    /// The default policy for params a method does not declare.
    pub(crate) unknown_params: Option<PolicyLit>,
    /// `client`: generate a typed Rust client beside the service.
    pub(crate) client: Option<Ident>,
}

const SERVICE_KEYS: &str = "expected `\"service_name\"`, `min_role = \"...\"`, `scope = \"...\"`, \
                            `unknown_params = \"...\"` or `client`";

impl ServiceArgs {
    pub(crate) fn parse(tokens: TokenStream, errors: &mut Errors) -> Self {
        let mut args = ServiceArgs::default();
        let parsed = (|input: ParseStream<'_>| {
            let name = if input.peek(LitStr) {
                let name: LitStr = input.parse()?;
                if !input.is_empty() {
                    input.parse::<Token![,]>()?;
                }
                Some(name)
            } else {
                None
            };
            let rest = Punctuated::<Entry, Token![,]>::parse_terminated(input)?;
            Ok((name, rest))
        })
        .parse2(tokens);
        let (name, entries) = match parsed {
            Ok(parsed) => parsed,
            Err(e) => {
                errors.push(syn::Error::new(e.span(), format!("{e}: {SERVICE_KEYS}")));
                return args;
            }
        };
        args.name = name;
        let mut seen = Seen::default();
        for (i, entry) in entries.iter().enumerate() {
            match entry.name().as_str() {
                "min_role" => {
                    if seen.first(&entry.key, errors, "") {
                        args.min_role = entry.string(errors).and_then(|lit| role(&lit, errors));
                    }
                }
                "scope" => args.scopes.extend(entry.string(errors)),
                "client" => {
                    let flag = entry.flag_in("rpc_service", errors);
                    if seen.first(&entry.key, errors, "") {
                        args.client = Some(flag);
                    }
                }
                "unknown_params" => {
                    if seen.first(&entry.key, errors, "") {
                        args.unknown_params = entry
                            .string(errors)
                            .and_then(|lit| unknown_params(&lit, errors));
                    }
                }
                other if i == 0 && args.name.is_none() && matches!(entry.value, Value::None) => {
                    errors.spanned(
                        &entry.key,
                        format!(
                            "expected the service name as a string: `#[rpc_service(\"{other}\")]`"
                        ),
                    );
                }
                other => errors.spanned(
                    &entry.key,
                    format!("unknown argument `{other}`: {SERVICE_KEYS}"),
                ),
            }
        }
        args
    }
}

/// The keys of `#[rpc(...)]` on a method.
#[derive(Default)]
pub(crate) struct MethodAttrs {
    /// `skip`: the method is not exported.
    pub(crate) skip: Option<Ident>,
    /// `name = "..."`.
    pub(crate) name: Option<LitStr>,
    /// `alias = "..."`, repeatable.
    pub(crate) aliases: Vec<LitStr>,
    /// `min_role = "..."`; the literal is kept for its span.
    pub(crate) min_role: Option<RoleLit>,
    /// `scope = "..."`, repeatable.
    pub(crate) scopes: Vec<LitStr>,
    /// `project = "param"`.
    pub(crate) project: Option<LitStr>,
    /// `errors(-32002, ...)`, repeatable: error codes the method may answer, for discovery.
    pub(crate) errors: Vec<i32>,
    /// `unknown_params = "..."`: what to do with params the method does not declare.
    pub(crate) unknown_params: Option<PolicyLit>,
    /// Every key other than `skip`, for the rule that `skip` stands alone.
    pub(crate) others: Vec<Ident>,
}

const METHOD_KEYS: &str = "expected one of `name = \"...\"`, `alias = \"...\"`, `skip`, \
                           `min_role = \"...\"`, `scope = \"...\"`, `project = \"...\"`, \
                           `errors(...)`, `unknown_params = \"...\"`";

impl MethodAttrs {
    pub(crate) fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut out = MethodAttrs::default();
        let mut seen = Seen::default();
        for entry in entries(attrs, errors) {
            let key = entry.name();
            if key != "skip" {
                out.others.push(entry.key.clone());
            }
            match key.as_str() {
                "skip" => {
                    let flag = entry.flag(errors);
                    if seen.first(&entry.key, errors, "") {
                        out.skip = Some(flag);
                    }
                }
                "name" => {
                    let hint = ": a method has one name; add more with `alias = \"...\"`";
                    if seen.first(&entry.key, errors, hint) {
                        out.name = entry.string(errors);
                    }
                }
                "alias" => out.aliases.extend(entry.string(errors)),
                "min_role" => {
                    if seen.first(&entry.key, errors, "") {
                        out.min_role = entry.string(errors).and_then(|lit| role(&lit, errors));
                    }
                }
                "scope" => out.scopes.extend(entry.string(errors)),
                "project" => {
                    if seen.first(&entry.key, errors, "") {
                        out.project = entry.string(errors);
                    }
                }
                "unknown_params" => {
                    if seen.first(&entry.key, errors, "") {
                        out.unknown_params = entry
                            .string(errors)
                            .and_then(|lit| unknown_params(&lit, errors));
                    }
                }
                "errors" => {
                    for code in entry.codes(errors) {
                        if !out.errors.contains(&code) {
                            out.errors.push(code);
                        }
                    }
                }
                other => {
                    errors.spanned(&entry.key, format!("unknown key `{other}`: {METHOD_KEYS}"));
                }
            }
        }
        out
    }
}

/// The keys of `#[rpc(...)]` on a parameter.
#[derive(Default)]
pub(crate) struct ParamAttrs {
    /// `default`: a missing value is `Default::default()`.
    pub(crate) default: Option<Ident>,
    /// `context`: filled from the call context.
    pub(crate) context: Option<Ident>,
    /// `raw`: receives the whole params.
    pub(crate) raw: Option<Ident>,
    /// `name = "..."`: the JSON name.
    pub(crate) name: Option<LitStr>,
}

const PARAM_KEYS: &str = "expected one of `default`, `context`, `raw`, `name = \"...\"`";

impl ParamAttrs {
    pub(crate) fn parse(attrs: &[Attribute], errors: &mut Errors) -> Self {
        let mut out = ParamAttrs::default();
        let mut seen = Seen::default();
        for entry in entries(attrs, errors) {
            let key = entry.name();
            let slot = match key.as_str() {
                "default" => &mut out.default,
                "context" => &mut out.context,
                "raw" => &mut out.raw,
                "name" => {
                    if seen.first(&entry.key, errors, "") {
                        out.name = entry.string(errors);
                    }
                    continue;
                }
                other => {
                    errors.spanned(
                        &entry.key,
                        format!("unknown key `{other}` on a parameter: {PARAM_KEYS}"),
                    );
                    continue;
                }
            };
            let flag = entry.flag(errors);
            if seen.first(&entry.key, errors, "") {
                *slot = Some(flag);
            }
        }
        out
    }
}

/// Whether `attrs` hold any `#[rpc]`; used to reject it where it has no meaning.
pub(crate) fn first_rpc(attrs: &[Attribute]) -> Option<&Attribute> {
    attrs.iter().find(|a| is_rpc(a))
}

/// The doc comment: `#[doc = "..."]` lines, one leading space trimmed, joined with `\n`.
pub(crate) fn doc(attrs: &[Attribute]) -> String {
    let mut lines = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        if let Meta::NameValue(syn::MetaNameValue {
            value: Expr::Lit(syn::ExprLit {
                lit: Lit::Str(s), ..
            }),
            ..
        }) = &attr.meta
        {
            let text = s.value();
            for line in text.split('\n') {
                lines.push(line.strip_prefix(' ').unwrap_or(line).to_owned());
            }
        }
    }
    lines.join("\n")
}
