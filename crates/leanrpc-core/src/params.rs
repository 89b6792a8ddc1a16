//! Request params and their binding to handler arguments, by name or by position.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::coerce::Coerce;
use crate::error::RpcError;

/// The `params` member of a call: absent, an array or an object, kept as raw JSON.
#[derive(Clone, Copy, Default)]
pub struct Params<'a>(Option<&'a RawValue>);

impl<'a> Params<'a> {
    /// No params.
    pub const NONE: Params<'static> = Params(None);

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
                    RpcError::invalid_params(serde_json::json!({
                        "param": i,
                        "expected": std::any::type_name::<T>(),
                        "reason": serde_reason(&e),
                    }))
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
}

/// The schema of a value discovery knows nothing about: `{}`, which accepts any JSON value.
pub fn no_schema() -> serde_json::Value {
    serde_json::Value::Object(serde_json::Map::new())
}

/// Collects the raw value of each declared parameter from named or positional params, rejecting
/// unknown names, duplicates and surplus positional values.
pub fn collect<'a, const N: usize>(
    params: Params<'a>,
    defs: &'static [ParamDef; N],
) -> Result<[Option<&'a RawValue>; N], RpcError> {
    let mut slots = [None; N];
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
            return Err(RpcError::invalid_params(serde_json::json!({
                "reason": format!("too many positional params: expected at most {N}, got {surplus}"),
                "expected": defs.iter().map(|d| d.camel).collect::<Vec<_>>(),
            })));
        }
        Err(_) => return Err(RpcError::internal()),
    }
    if let Some(name) = duplicate {
        return Err(RpcError::invalid_params(serde_json::json!({
            "param": name,
            "reason": "given more than once",
        })));
    }
    if !unknown.is_empty() {
        return Err(RpcError::invalid_params(serde_json::json!({
            "reason": "unknown params",
            "unknown": unknown,
            "expected": defs.iter().map(|d| d.camel).collect::<Vec<_>>(),
        })));
    }
    Ok(slots)
}

struct SlotVisitor<'s, 'a, const N: usize> {
    slots: &'s mut [Option<&'a RawValue>; N],
    defs: &'static [ParamDef; N],
    unknown: &'s mut Vec<String>,
    duplicate: &'s mut Option<&'static str>,
}

impl<'a, const N: usize> Visitor<'a> for SlotVisitor<'_, 'a, N> {
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
        Ok(if count > N { Err(count) } else { Ok(()) })
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

/// Binds a required parameter: missing is -32602 naming it.
pub fn required<T: DeserializeOwned>(
    slot: Option<&RawValue>,
    def: &ParamDef,
) -> Result<T, RpcError> {
    match slot {
        Some(raw) => bind(raw, def),
        None => Err(RpcError::invalid_params(serde_json::json!({
            "param": def.camel,
            "reason": "missing required param",
            "expected": def.ty,
        }))),
    }
}

/// Binds an `Option<T>` parameter: missing or `null` is `None`.
pub fn optional<T: DeserializeOwned>(
    slot: Option<&RawValue>,
    def: &ParamDef,
) -> Result<Option<T>, RpcError> {
    match slot {
        Some(raw) => bind(raw, def),
        None => Ok(None),
    }
}

/// Binds a `#[rpc(default)]` parameter: missing is `T::default()`.
pub fn or_default<T: DeserializeOwned + Default>(
    slot: Option<&RawValue>,
    def: &ParamDef,
) -> Result<T, RpcError> {
    match slot {
        Some(raw) => bind(raw, def),
        None => Ok(T::default()),
    }
}

fn bind<T: DeserializeOwned>(raw: &RawValue, def: &ParamDef) -> Result<T, RpcError> {
    T::deserialize(Coerce(raw)).map_err(|e| {
        RpcError::invalid_params(serde_json::json!({
            "param": def.camel,
            "expected": def.ty,
            "reason": serde_reason(&e),
        }))
    })
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
        },
        ParamDef {
            name: "project_id",
            camel: "projectId",
            required: false,
            ty: "Option<i64>",
            schema: no_schema,
        },
        ParamDef {
            name: "limit",
            camel: "limit",
            required: false,
            ty: "u32",
            schema: no_schema,
        },
    ];

    fn params(json: &str) -> Params<'_> {
        Params::new(serde_json::from_str(json).unwrap())
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
            r#"[9,3]"#,
            r#"["9","3"]"#,
        ] {
            let p = params(json);
            let slots = collect(p, &DEFS).unwrap();
            assert_eq!(required::<i64>(slots[0], &DEFS[0]).unwrap(), 9, "{json}");
            assert_eq!(
                optional::<i64>(slots[1], &DEFS[1]).unwrap(),
                Some(3),
                "{json}"
            );
            assert_eq!(or_default::<u32>(slots[2], &DEFS[2]).unwrap(), 0, "{json}");
        }
    }

    #[test]
    fn unknown_duplicate_surplus_and_missing_are_reported() {
        let d = data(collect(params(r#"{"id":1,"projectid":2}"#), &DEFS).unwrap_err());
        assert_eq!(d["unknown"], serde_json::json!(["projectid"]));
        assert_eq!(
            d["expected"],
            serde_json::json!(["id", "projectId", "limit"])
        );
        let d = data(collect(params(r#"{"id":1,"id":2}"#), &DEFS).unwrap_err());
        assert_eq!(d["param"], "id");
        let d = data(collect(params("[1,2,3,4]"), &DEFS).unwrap_err());
        assert!(
            d["reason"]
                .as_str()
                .unwrap()
                .contains("expected at most 3, got 4")
        );
        let slots = collect(params("{}"), &DEFS).unwrap();
        let d = data(required::<i64>(slots[0], &DEFS[0]).unwrap_err());
        assert_eq!(d["param"], "id");
        assert_eq!(d["reason"], "missing required param");
    }

    #[test]
    fn type_mismatch_names_param_and_type() {
        let slots = collect(params(r#"{"id":"nine"}"#), &DEFS).unwrap();
        let d = data(required::<i64>(slots[0], &DEFS[0]).unwrap_err());
        assert_eq!(d["param"], "id");
        assert_eq!(d["expected"], "i64");
        assert!(!d["reason"].as_str().unwrap().contains("line"), "{d}");
    }

    #[test]
    fn null_binds_to_option_none() {
        let slots = collect(params(r#"{"id":1,"projectId":null}"#), &DEFS).unwrap();
        assert_eq!(optional::<i64>(slots[1], &DEFS[1]).unwrap(), None);
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
