//! Request params and their binding to handler arguments, by name or by position.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize as _;
use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor,
};
use serde_json::value::RawValue;

use crate::coerce::{Coerce, Coerced};
use crate::error::RpcError;

/// The `params` member of a call: absent, an array or an object, kept as raw JSON.
#[derive(Clone, Copy, Default)]
pub struct Params<'a>(Option<&'a RawValue>);

impl<'a> Params<'a> {
    /// No params.
    pub const NONE: Params<'static> = Params(None);

    /// The params held in `raw`, for a front end that calls [`Server::invoke`](crate::Server::invoke):
    /// an array or an object, or `null` for no params. Any other kind is -32602.
    ///
    /// ```
    /// use leanrpc_core::Params;
    /// use serde_json::value::RawValue;
    ///
    /// let raw: &RawValue = serde_json::from_str(r#"{"id": 9}"#).unwrap();
    /// assert!(!Params::from_raw(raw).unwrap().is_positional());
    /// let null: &RawValue = serde_json::from_str("null").unwrap();
    /// assert!(Params::from_raw(null).unwrap().is_none());
    /// let scalar: &RawValue = serde_json::from_str("42").unwrap();
    /// assert_eq!(Params::from_raw(scalar).unwrap_err().code().code(), -32602);
    /// ```
    pub fn from_raw(raw: &'a RawValue) -> Result<Self, RpcError> {
        match raw.get().trim_start().as_bytes().first() {
            Some(b'[' | b'{') => Ok(Self::new(raw)),
            Some(b'n') => Ok(Self::NONE),
            _ => Err(RpcError::invalid_params(
                "params must be an array, an object or null",
            )),
        }
    }

    /// Wraps raw params; callers guarantee it is an array or an object.
    pub(crate) fn new(raw: &'a RawValue) -> Self {
        Self(Some(raw))
    }

    /// Whether the call had no params (absent or `null`).
    pub fn is_none(&self) -> bool {
        self.0.is_none()
    }

    /// The raw JSON, if any.
    pub fn raw(&self) -> Option<&'a RawValue> {
        self.0
    }

    /// Whether the params are an array (positional).
    pub fn is_positional(&self) -> bool {
        self.0.is_some_and(|raw| raw.get().starts_with('['))
    }

    /// Deserializes the whole params value (absent params deserialize from `null`).
    pub fn parse<T: DeserializeOwned>(&self) -> Result<T, RpcError> {
        let text = self.0.map_or("null", RawValue::get);
        serde_json::from_str(text).map_err(|e| RpcError::invalid_params(serde_reason(&e)))
    }

    /// Deserializes positional params as a sequence of `T` (absent params are an empty sequence),
    /// with the same scalar coercion as named parameters.
    pub fn sequence<T: DeserializeOwned>(&self) -> Result<Vec<T>, RpcError> {
        let Some(raw) = self.0 else {
            return Ok(Vec::new());
        };
        if !self.is_positional() {
            return Err(RpcError::invalid_params(
                "expected positional params (an array)",
            ));
        }
        let items: Vec<&RawValue> =
            serde_json::from_str(raw.get()).map_err(|_| RpcError::internal())?;
        items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                T::deserialize(Coerce(item)).map_err(|e| {
                    let reason = serde_reason(&e);
                    RpcError::invalid_params_because(
                        format_args!("param {i}: {reason}"),
                        serde_json::json!({
                            "param": i,
                            "expected": std::any::type_name::<T>(),
                            "reason": reason,
                        }),
                    )
                })
            })
            .collect()
    }
}

impl fmt::Debug for Params<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(raw) => write!(f, "Params({})", raw.get()),
            None => f.write_str("Params(none)"),
        }
    }
}

/// Describes one JSON parameter of a method, as the `#[rpc_service]` macro records it.
#[derive(Debug, Clone, Copy)]
pub struct ParamDef {
    /// The Rust parameter name (`project_id`).
    pub name: &'static str,
    /// The lowerCamelCase name (`projectId`); equal to `name` when there is no difference.
    pub camel: &'static str,
    /// Whether a call must provide it (neither `Option<T>` nor `#[rpc(default)]`).
    pub required: bool,
    /// The Rust type as written, for error messages and discovery.
    pub ty: &'static str,
    /// The param's JSON Schema, for discovery (`rpc.discover` and the reference page). The
    /// macro fills it from `schemars` where the type implements `JsonSchema`; [`no_schema`]
    /// (`{}`, any value) otherwise.
    pub schema: fn() -> serde_json::Value,
    /// The value a missing `#[rpc(default)]` param takes (`Default::default()`), as JSON, for
    /// discovery; [`no_default`] for other params and for types that do not implement
    /// `Serialize`.
    pub default: fn() -> Option<serde_json::Value>,
}

/// The schema of a value discovery knows nothing about: `{}`, which accepts any JSON value.
pub fn no_schema() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// No default value known to discovery: a required or `Option<T>` param, or a default that
/// does not serialize.
pub fn no_default() -> Option<serde_json::Value> {
    None
}

/// A method's argument slots: one `Option` per JSON param, in declaration order. The
/// `#[rpc_service]` macro implements it for a struct it generates per method; [`bind`] fills it.
pub trait Slots {
    /// Deserializes param `index` from `de` into its slot, through [`fill`]. `de` already
    /// applies Leantime's coercion.
    fn fill<'de, D: Deserializer<'de>>(&mut self, index: usize, de: D) -> Result<(), D::Error>;

    /// Whether param `index` has a value.
    fn is_filled(&self, index: usize) -> bool;
}

/// A method without JSON params.
impl Slots for () {
    fn fill<'de, D: Deserializer<'de>>(&mut self, _index: usize, de: D) -> Result<(), D::Error> {
        de::IgnoredAny::deserialize(de).map(drop)
    }

    fn is_filled(&self, _index: usize) -> bool {
        false
    }
}

/// Tuples of `Option`s are slots too, for handlers written by hand:
/// `let mut slots = (None, None); bind(params, &DEFS, &mut slots)?;`, then [`take`] each field.
macro_rules! tuple_slots {
    ($(($($name:ident $index:tt),+))*) => {$(
        impl<$($name: DeserializeOwned),+> Slots for ($(Option<$name>,)+) {
            fn fill<'de, D: Deserializer<'de>>(&mut self, index: usize, de: D) -> Result<(), D::Error> {
                match index {
                    $($index => fill(&mut self.$index, de),)+
                    _ => de::IgnoredAny::deserialize(de).map(drop),
                }
            }

            fn is_filled(&self, index: usize) -> bool {
                match index {
                    $($index => self.$index.is_some(),)+
                    _ => false,
                }
            }
        }
    )*};
}

tuple_slots! {
    (A 0)
    (A 0, B 1)
    (A 0, B 1, C 2)
    (A 0, B 1, C 2, E 3)
    (A 0, B 1, C 2, E 3, F 4)
    (A 0, B 1, C 2, E 3, F 4, G 5)
    (A 0, B 1, C 2, E 3, F 4, G 5, H 6)
    (A 0, B 1, C 2, E 3, F 4, G 5, H 6, I 7)
}

/// Deserializes one param into its slot; what a [`Slots::fill`] does for each of its params.
pub fn fill<'de, T: DeserializeOwned, D: Deserializer<'de>>(
    slot: &mut Option<T>,
    de: D,
) -> Result<(), D::Error> {
    *slot = Some(T::deserialize(de)?);
    Ok(())
}

/// The value of a required param after [`bind`] succeeded (which guarantees it is there).
pub fn take<T>(slot: Option<T>) -> Result<T, RpcError> {
    slot.ok_or_else(RpcError::internal)
}

/// The value of an `Option<T>` or `#[rpc(default)]` param: missing is `T::default()`.
pub fn take_or_default<T: Default>(slot: Option<T>) -> Result<T, RpcError> {
    Ok(slot.unwrap_or_default())
}

/// What binding does with a named param the method does not declare.
///
/// Set per service or per method with `#[rpc_service(unknown_params = "...")]` or
/// `#[rpc(unknown_params = "...")]`; discovery lists it as `x-unknown-params`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum UnknownParams {
    /// Answer -32602 naming the unknown params and the expected ones (the default): a typo in a
    /// param name is an error the client hears about, not a silently missing value.
    #[default]
    Reject,
    /// Skip them, as Leantime does: its clients routinely send params a method does not take.
    /// Surplus *positional* values are still rejected: they are an arity mistake, not an extra.
    Ignore,
}

impl UnknownParams {
    /// The attribute spelling: `"reject"` or `"ignore"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            UnknownParams::Reject => "reject",
            UnknownParams::Ignore => "ignore",
        }
    }
}

/// Binds the params of a call to `slots`, by name or by position, in one pass over the params,
/// rejecting unknown names ([`bind_with`] with [`UnknownParams::Reject`]).
pub fn bind<S: Slots>(
    params: Params<'_>,
    defs: &'static [ParamDef],
    slots: &mut S,
) -> Result<(), RpcError> {
    bind_with(params, defs, slots, UnknownParams::Reject)
}

/// Binds the params of a call to `slots`, by name or by position, in one pass over the params.
///
/// Rejects unknown names (unless `unknown` is [`UnknownParams::Ignore`]), a name given twice,
/// surplus positional values, missing required params and values of the wrong type, each with
/// -32602, a message naming the param and the reason, and data saying the same in fields. When
/// anything is wrong, the params are read again, one value at a time, to say exactly what (the
/// first problem in declaration order, after unknown, repeated and surplus params); a call that
/// binds never pays for that.
pub fn bind_with<S: Slots>(
    params: Params<'_>,
    defs: &'static [ParamDef],
    slots: &mut S,
    unknown: UnknownParams,
) -> Result<(), RpcError> {
    if let Some(raw) = params.0 {
        let mut de = serde_json::Deserializer::from_str(raw.get());
        let one_pass = OnePass {
            slots: &mut *slots,
            defs,
            unknown,
        };
        if !matches!((&mut de).deserialize_any(one_pass), Ok(true)) {
            return explain(params, defs, slots, unknown);
        }
    }
    let complete = defs
        .iter()
        .enumerate()
        .all(|(i, def)| !def.required || slots.is_filled(i));
    if complete {
        Ok(())
    } else {
        explain(params, defs, slots, unknown)
    }
}

/// The one pass of [`bind_with`]: `Ok(true)` when every value went into its slot.
struct OnePass<'s, S> {
    slots: &'s mut S,
    defs: &'static [ParamDef],
    unknown: UnknownParams,
}

impl<'de, S: Slots> Visitor<'de> for OnePass<'_, S> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("params")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        for index in 0..self.defs.len() {
            let seed = SlotSeed {
                slots: &mut *self.slots,
                index,
            };
            if seq.next_element_seed(seed)?.is_none() {
                return Ok(true);
            }
        }
        Ok(seq.next_element::<de::IgnoredAny>()?.is_none())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let key = key.0.as_ref();
            let Some(index) = self
                .defs
                .iter()
                .position(|d| d.name == key || d.camel == key)
            else {
                if self.unknown == UnknownParams::Ignore {
                    map.next_value::<de::IgnoredAny>()?;
                    continue;
                }
                return Ok(false);
            };
            if self.slots.is_filled(index) {
                return Ok(false);
            }
            map.next_value_seed(SlotSeed {
                slots: &mut *self.slots,
                index,
            })?;
        }
        Ok(true)
    }
}

/// Deserializes the value it is given into slot `index`, coercing scalars.
struct SlotSeed<'s, S> {
    slots: &'s mut S,
    index: usize,
}

impl<'de, S: Slots> DeserializeSeed<'de> for SlotSeed<'_, S> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<(), D::Error> {
        self.slots.fill(self.index, Coerced(de))
    }
}

/// The slow path of [`bind`]: cut the params into one raw value per param, then bind each on
/// its own, so that the first problem can be named.
fn explain<S: Slots>(
    params: Params<'_>,
    defs: &'static [ParamDef],
    slots: &mut S,
    unknown: UnknownParams,
) -> Result<(), RpcError> {
    let raw = collect(params, defs, unknown)?;
    for (index, (def, value)) in defs.iter().zip(raw).enumerate() {
        match value {
            Some(value) => slots.fill(index, Coerce(value)).map_err(|e| {
                let reason = serde_reason(&e);
                RpcError::invalid_params_because(
                    format_args!("`{}`: {reason}", def.camel),
                    serde_json::json!({
                        "param": def.camel,
                        "expected": def.ty,
                        "reason": reason,
                    }),
                )
            })?,
            None if def.required => {
                return Err(RpcError::invalid_params_because(
                    format_args!("missing required param `{}`", def.camel),
                    serde_json::json!({
                        "param": def.camel,
                        "reason": "missing required param",
                        "expected": def.ty,
                    }),
                ));
            }
            None => {}
        }
    }
    Ok(())
}

/// Collects the raw value of each declared parameter from named or positional params, rejecting
/// unknown names, duplicates and surplus positional values.
fn collect<'a>(
    params: Params<'a>,
    defs: &'static [ParamDef],
    policy: UnknownParams,
) -> Result<Vec<Option<&'a RawValue>>, RpcError> {
    let mut slots = vec![None; defs.len()];
    let Some(raw) = params.0 else {
        return Ok(slots);
    };
    let mut de = serde_json::Deserializer::from_str(raw.get());
    let mut unknown = Vec::new();
    let mut duplicate = None;
    let outcome = (&mut de).deserialize_any(SlotVisitor {
        slots: &mut slots,
        defs,
        unknown: &mut unknown,
        duplicate: &mut duplicate,
    });
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(surplus)) => {
            let reason = format!(
                "too many positional params: expected at most {}, got {surplus}",
                defs.len()
            );
            return Err(RpcError::invalid_params_because(
                &reason,
                serde_json::json!({
                    "reason": reason,
                    "expected": defs.iter().map(|d| d.camel).collect::<Vec<_>>(),
                }),
            ));
        }
        Err(_) => return Err(RpcError::internal()),
    }
    if let Some(name) = duplicate {
        return Err(RpcError::invalid_params_because(
            format_args!("`{name}` given more than once"),
            serde_json::json!({
                "param": name,
                "reason": "given more than once",
            }),
        ));
    }
    if !unknown.is_empty() && policy == UnknownParams::Reject {
        return Err(RpcError::invalid_params_because(
            unknown_message(&unknown, defs),
            serde_json::json!({
                "reason": "unknown params",
                "unknown": unknown,
                "expected": defs.iter().map(|d| d.camel).collect::<Vec<_>>(),
            }),
        ));
    }
    Ok(slots)
}

/// ``unknown param `x` (expected `a`, `b`)``: what a client that shows only the message needs.
fn unknown_message(unknown: &[String], defs: &[ParamDef]) -> String {
    let list = |names: &mut dyn Iterator<Item = &str>| {
        names
            .map(|name| format!("`{name}`"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let noun = if unknown.len() == 1 {
        "param"
    } else {
        "params"
    };
    let got = list(&mut unknown.iter().map(String::as_str));
    if defs.is_empty() {
        format!("unknown {noun} {got} (this method takes no params)")
    } else {
        let expected = list(&mut defs.iter().map(|d| d.camel));
        format!("unknown {noun} {got} (expected {expected})")
    }
}

struct SlotVisitor<'s, 'a> {
    slots: &'s mut [Option<&'a RawValue>],
    defs: &'static [ParamDef],
    unknown: &'s mut Vec<String>,
    duplicate: &'s mut Option<&'static str>,
}

impl<'a> Visitor<'a> for SlotVisitor<'_, 'a> {
    /// `Err(count)` when there were more positional values than parameters.
    type Value = Result<(), usize>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("params")
    }

    fn visit_seq<A: SeqAccess<'a>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut count = 0;
        while let Some(value) = seq.next_element::<&'a RawValue>()? {
            if let Some(slot) = self.slots.get_mut(count) {
                *slot = Some(value);
            }
            count += 1;
        }
        Ok(if count > self.slots.len() {
            Err(count)
        } else {
            Ok(())
        })
    }

    fn visit_map<A: MapAccess<'a>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while let Some(key) = map.next_key::<Key<'a>>()? {
            let value = map.next_value::<&'a RawValue>()?;
            let key = key.0.as_ref();
            match self
                .defs
                .iter()
                .position(|d| d.name == key || d.camel == key)
            {
                Some(i) if self.slots[i].is_some() => *self.duplicate = Some(self.defs[i].camel),
                Some(i) => self.slots[i] = Some(value),
                None => self.unknown.push(key.to_owned()),
            }
        }
        Ok(Ok(()))
    }
}

/// A map key, borrowed from the input unless it has escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> serde::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// serde_json's message without its " at line L column C" suffix, which means nothing to a
/// client that sent the params inside a larger body.
pub(crate) fn serde_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static DEFS: [ParamDef; 3] = [
        ParamDef {
            name: "id",
            camel: "id",
            required: true,
            ty: "i64",
            schema: no_schema,
            default: no_default,
        },
        ParamDef {
            name: "project_id",
            camel: "projectId",
            required: false,
            ty: "Option<i64>",
            schema: no_schema,
            default: no_default,
        },
        ParamDef {
            name: "limit",
            camel: "limit",
            required: false,
            ty: "u32",
            schema: no_schema,
            default: no_default,
        },
    ];

    fn params(json: &str) -> Params<'_> {
        Params::new(serde_json::from_str(json).unwrap())
    }

    fn bound(json: &str) -> Result<(i64, Option<i64>, u32), RpcError> {
        let mut slots = (None, None, None);
        bind(params(json), &DEFS, &mut slots)?;
        Ok((
            take(slots.0)?,
            take_or_default(slots.1)?,
            take_or_default(slots.2)?,
        ))
    }

    fn data(err: RpcError) -> serde_json::Value {
        assert_eq!(err.code(), crate::ErrorCode::INVALID_PARAMS);
        err.data_value().cloned().unwrap()
    }

    #[test]
    fn named_and_positional_bind_alike() {
        for json in [
            r#"{"id":"9","projectId":3}"#,
            r#"{"project_id":3,"id":9}"#,
            r#"{"pro\u006aectId":3,"id":9}"#,
            r#"[9,3]"#,
            r#"["9","3"]"#,
        ] {
            let (id, project, limit) = bound(json).unwrap_or_else(|e| panic!("{json}: {e:?}"));
            assert_eq!((id, project, limit), (9, Some(3), 0), "{json}");
        }
        assert_eq!(bound(r#"{"id":1,"limit":"7"}"#).unwrap(), (1, None, 7));
        // `null` is `None` for an `Option`, not "missing" for a default.
        assert_eq!(data(bound("[9,3,null]").unwrap_err())["param"], "limit");
    }

    #[test]
    fn unknown_duplicate_surplus_and_missing_are_reported() {
        let d = data(bound(r#"{"id":1,"projectid":2}"#).unwrap_err());
        assert_eq!(d["unknown"], serde_json::json!(["projectid"]));
        assert_eq!(
            d["expected"],
            serde_json::json!(["id", "projectId", "limit"])
        );
        let d = data(bound(r#"{"id":1,"id":2}"#).unwrap_err());
        assert_eq!(d["param"], "id");
        assert_eq!(d["reason"], "given more than once");
        let d = data(bound("[1,2,3,4]").unwrap_err());
        assert!(
            d["reason"]
                .as_str()
                .unwrap()
                .contains("expected at most 3, got 4")
        );
        for json in ["{}", "[]", r#"{"limit":1}"#] {
            let d = data(bound(json).unwrap_err());
            assert_eq!(d["param"], "id", "{json}");
            assert_eq!(d["reason"], "missing required param", "{json}");
        }
        let d = data(bind(params("[1]"), &[], &mut ()).unwrap_err());
        assert!(d["reason"].as_str().unwrap().contains("got 1"), "{d}");
        assert!(bind(params("[]"), &[], &mut ()).is_ok());
        assert!(bind(Params::NONE, &[], &mut ()).is_ok());
    }

    #[test]
    fn unknown_names_win_over_bad_values() {
        // The first problem reported is the unknown name, even though a bad value comes first.
        let d = data(bound(r#"{"id":"nine","other":1}"#).unwrap_err());
        assert_eq!(d["unknown"], serde_json::json!(["other"]));
    }

    #[test]
    fn type_mismatch_names_param_and_type() {
        let d = data(bound(r#"{"id":"nine"}"#).unwrap_err());
        assert_eq!(d["param"], "id");
        assert_eq!(d["expected"], "i64");
        assert!(!d["reason"].as_str().unwrap().contains("line"), "{d}");
        let d = data(bound(r#"[1,2,-1]"#).unwrap_err());
        assert_eq!(d["param"], "limit");
        assert!(d["reason"].as_str().unwrap().contains("-1"), "{d}");
    }

    #[test]
    fn null_binds_to_option_none() {
        assert_eq!(bound(r#"{"id":1,"projectId":null}"#).unwrap(), (1, None, 0));
    }

    #[test]
    fn the_error_path_binds_what_the_fast_path_refuses() {
        // The one pass does not coerce 128-bit integers written as strings; the second does.
        #[derive(Default)]
        struct Wide(Option<u128>);
        impl Slots for Wide {
            fn fill<'de, D: Deserializer<'de>>(&mut self, _: usize, de: D) -> Result<(), D::Error> {
                fill(&mut self.0, de)
            }
            fn is_filled(&self, _: usize) -> bool {
                self.0.is_some()
            }
        }
        static WIDE: [ParamDef; 1] = [ParamDef {
            name: "n",
            camel: "n",
            required: true,
            ty: "u128",
            schema: no_schema,
            default: no_default,
        }];
        for json in [
            r#"["340282366920938463463374607431768211455"]"#,
            "[340282366920938463463374607431768211455]",
        ] {
            let mut slots = Wide::default();
            bind(params(json), &WIDE, &mut slots).unwrap();
            assert_eq!(slots.0, Some(u128::MAX), "{json}");
        }
    }

    #[test]
    fn sequence_coerces_each_item() {
        assert_eq!(
            params(r#"[1,"2",3]"#).sequence::<i64>().unwrap(),
            vec![1, 2, 3]
        );
        assert_eq!(Params::NONE.sequence::<i64>().unwrap(), Vec::<i64>::new());
        assert!(params(r#"{"a":1}"#).sequence::<i64>().is_err());
        assert_eq!(
            data(params(r#"[1,"x"]"#).sequence::<i64>().unwrap_err())["param"],
            1
        );
    }
}
