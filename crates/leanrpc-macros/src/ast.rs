//! The typed model of an `#[rpc_service]` impl block. It borrows the `syn` originals so that
//! validation and expansion can span every message and every generated check on the user's own
//! tokens.

use proc_macro2::{Ident, TokenStream};
use syn::ext::IdentExt;
use syn::{
    FnArg, GenericArgument, ImplItem, ImplItemFn, ItemImpl, Pat, PatType, PathArguments, Receiver,
    ReturnType, Type,
};

use crate::attr::{self, MethodAttrs, ParamAttrs, ServiceArgs};
use crate::case::lower_camel;
use crate::errors::Errors;

/// The impl block and its exported methods.
pub(crate) struct Service<'a> {
    /// The impl block as written.
    pub(crate) item: &'a ItemImpl,
    /// The `#[rpc_service(...)]` arguments.
    pub(crate) args: ServiceArgs,
    /// Every method of the block, skipped ones included.
    pub(crate) methods: Vec<Method<'a>>,
}

/// One `fn` of the impl block.
pub(crate) struct Method<'a> {
    /// The method as written.
    pub(crate) original: &'a ImplItemFn,
    /// Its `#[rpc(...)]` keys.
    pub(crate) attrs: MethodAttrs,
    /// `self`, `&self`, `&mut self`, ... if any.
    pub(crate) receiver: Option<&'a Receiver>,
    /// The parameters after the receiver.
    pub(crate) params: Vec<Param<'a>>,
    /// What it returns.
    pub(crate) ret: Return<'a>,
    /// The doc comment.
    pub(crate) doc: String,
}

/// The return type, as far as syntax tells.
pub(crate) enum Return<'a> {
    /// No return type, or `()`.
    Unit,
    /// `Result<T, E>` spelled out: its parts get their own trait checks.
    Result {
        /// The whole type.
        ty: &'a Type,
        /// `T`.
        ok: &'a Type,
        /// `E`.
        err: &'a Type,
    },
    /// Any other type, which may still be an alias of `Result`.
    Other(&'a Type),
}

/// One parameter after the receiver.
pub(crate) struct Param<'a> {
    /// The parameter as written.
    pub(crate) original: &'a PatType,
    /// The identifier, when the pattern is one.
    pub(crate) ident: Option<&'a Ident>,
    /// Its type.
    pub(crate) ty: &'a Type,
    /// Its `#[rpc(...)]` keys.
    pub(crate) attrs: ParamAttrs,
    /// How it is filled.
    pub(crate) kind: Kind,
}

/// How a parameter is filled.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A JSON param that must be present.
    Required,
    /// An `Option<T>` JSON param: missing or `null` is `None`.
    Optional,
    /// A `#[rpc(default)]` JSON param: missing is `Default::default()`.
    Default,
    /// Filled from the call context (`&Caller`, `&CallContext<'_>`, `#[rpc(context)]`).
    Context,
    /// The whole params (`Params<'_>`, `#[rpc(raw)]`).
    Raw,
}

impl Kind {
    /// Whether the parameter is read from the JSON params by name or position.
    pub(crate) fn is_json(self) -> bool {
        matches!(self, Kind::Required | Kind::Optional | Kind::Default)
    }
}

impl<'a> Service<'a> {
    pub(crate) fn from_syn(item: &'a ItemImpl, args: TokenStream, errors: &mut Errors) -> Self {
        let args = ServiceArgs::parse(args, errors);
        let mut methods = Vec::new();
        for impl_item in &item.items {
            match impl_item {
                ImplItem::Fn(f) => methods.push(Method::from_syn(f, errors)),
                ImplItem::Const(c) => no_rpc(&c.attrs, errors),
                ImplItem::Type(t) => no_rpc(&t.attrs, errors),
                ImplItem::Macro(m) => no_rpc(&m.attrs, errors),
                _ => {}
            }
        }
        Service {
            item,
            args,
            methods,
        }
    }

    /// The methods the server will call.
    pub(crate) fn exported(&self) -> impl Iterator<Item = &Method<'a>> {
        self.methods.iter().filter(|m| m.attrs.skip.is_none())
    }
}

fn no_rpc(attrs: &[syn::Attribute], errors: &mut Errors) {
    if let Some(attr) = attr::first_rpc(attrs) {
        errors.spanned(attr, "`#[rpc(...)]` goes on methods and their parameters");
    }
}

impl<'a> Method<'a> {
    fn from_syn(original: &'a ImplItemFn, errors: &mut Errors) -> Self {
        let attrs = MethodAttrs::parse(&original.attrs, errors);
        let mut receiver = None;
        let mut params = Vec::new();
        for input in &original.sig.inputs {
            match input {
                FnArg::Receiver(r) => receiver = Some(r),
                FnArg::Typed(pat_type) => params.push(Param::from_syn(pat_type, errors)),
            }
        }
        let ret = match &original.sig.output {
            ReturnType::Default => Return::Unit,
            ReturnType::Type(_, ty) => Return::from_type(ty),
        };
        Method {
            original,
            attrs,
            receiver,
            params,
            ret,
            doc: attr::doc(&original.attrs),
        }
    }

    /// The Rust name, without `r#`.
    pub(crate) fn rust_name(&self) -> String {
        self.original.sig.ident.unraw().to_string()
    }

    /// The exported name: `name = "..."` or the lowerCamelCase Rust name.
    pub(crate) fn name(&self) -> String {
        match &self.attrs.name {
            Some(lit) => lit.value(),
            None => lower_camel(&self.rust_name()),
        }
    }

    /// Whether the method takes the whole params.
    pub(crate) fn is_raw(&self) -> bool {
        self.params.iter().any(|p| p.kind == Kind::Raw)
    }
}

impl<'a> Return<'a> {
    fn from_type(ty: &'a Type) -> Self {
        match ty {
            Type::Tuple(t) if t.elems.is_empty() => Return::Unit,
            Type::Paren(p) => Return::from_type(&p.elem),
            _ => match generic_args(ty, "Result").as_deref() {
                Some([ok, err]) => Return::Result { ty, ok, err },
                _ => Return::Other(ty),
            },
        }
    }
}

impl<'a> Param<'a> {
    fn from_syn(original: &'a PatType, errors: &mut Errors) -> Self {
        let attrs = ParamAttrs::parse(&original.attrs, errors);
        let ident = match &*original.pat {
            Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(&p.ident),
            _ => None,
        };
        let ty = &*original.ty;
        let kind = if attrs.raw.is_some() {
            Kind::Raw
        } else if attrs.context.is_some() {
            Kind::Context
        } else if attrs.default.is_some() {
            Kind::Default
        } else {
            Kind::of_type(ty)
        };
        Param {
            original,
            ident,
            ty,
            attrs,
            kind,
        }
    }

    /// The Rust name, without `r#`.
    pub(crate) fn rust_name(&self) -> Option<String> {
        self.ident.map(|i| i.unraw().to_string())
    }

    /// The JSON names (`name`, `camel`) the param answers to.
    pub(crate) fn json_names(&self) -> Option<(String, String)> {
        match &self.attrs.name {
            Some(lit) => Some((lit.value(), lit.value())),
            None => self.rust_name().map(|n| {
                let camel = lower_camel(&n);
                (n, camel)
            }),
        }
    }
}

impl Kind {
    /// The kind a parameter has without attributes, from its type alone.
    fn of_type(ty: &Type) -> Kind {
        match ty {
            Type::Reference(r) if !is_str(&r.elem) => Kind::Context,
            Type::Paren(p) => Kind::of_type(&p.elem),
            _ if last_segment(ty).is_some_and(|s| s.ident == "Params") => Kind::Raw,
            _ => match generic_args(ty, "Option").as_deref() {
                // `Option<&Caller>`: a context value that may be absent.
                Some([Type::Reference(r)]) if !is_str(&r.elem) => Kind::Context,
                Some([_]) => Kind::Optional,
                _ => Kind::Required,
            },
        }
    }
}

/// Whether `ty` is `str`.
fn is_str(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none() && p.path.is_ident("str"))
}

/// Whether `ty` is `Option<T>` (by its last path segment).
pub(crate) fn is_option(ty: &Type) -> bool {
    matches!(generic_args(ty, "Option").as_deref(), Some([_]))
}

/// Whether `ty` is `&str` or `Option<&str>`, which cannot own what they decode.
pub(crate) fn is_borrowed_str(ty: &Type) -> bool {
    match ty {
        Type::Reference(r) => is_str(&r.elem),
        Type::Paren(p) => is_borrowed_str(&p.elem),
        _ => {
            matches!(generic_args(ty, "Option").as_deref(), Some([inner]) if is_borrowed_str(inner))
        }
    }
}

fn last_segment(ty: &Type) -> Option<&syn::PathSegment> {
    match ty {
        Type::Path(p) if p.qself.is_none() => p.path.segments.last(),
        _ => None,
    }
}

/// The type arguments of `ty` when its last path segment is `name`.
fn generic_args<'t>(ty: &'t Type, name: &str) -> Option<Vec<&'t Type>> {
    let segment = last_segment(ty).filter(|s| s.ident == name)?;
    match &segment.arguments {
        PathArguments::AngleBracketed(args) => Some(
            args.args
                .iter()
                .filter_map(|a| match a {
                    GenericArgument::Type(t) => Some(t),
                    _ => None,
                })
                .collect(),
        ),
        _ => Some(Vec::new()),
    }
}
