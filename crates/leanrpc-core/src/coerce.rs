//! Leantime-style scalar coercion: a JSON string holding a number binds to a numeric parameter,
//! `"true"`/`"false"` to a bool, at any depth (inside struct params, arrays and maps too, as
//! PHP's loose typing gives Leantime's `values` arrays). Everything else deserializes exactly as
//! serde_json would.
//!
//! Two deserializers apply the rule. [`Coerced`] wraps the deserializer of a value met while the
//! params are read once (the fast path of [`crate::params::bind`]); it may be stricter than the
//! rule (a 128-bit integer written as a string), never looser. [`Coerce`] reads one raw value
//! already cut out of the params; it is the reference the error path uses, and its answers (and
//! error messages) are the ones clients see.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, Visitor};
use serde_json::value::RawValue;

/// The newtype name by which serde_json recognises a `RawValue` being deserialized: passed
/// through untouched, so that a `Box<RawValue>` param keeps working.
const RAW_VALUE_TOKEN: &str = "$serde_json::private::RawValue";

/// A deserializer over one raw JSON value that accepts numbers and booleans written as strings.
pub(crate) struct Coerce<'a>(pub(crate) &'a RawValue);

impl<'a> Coerce<'a> {
    fn inner(&self) -> serde_json::Deserializer<serde_json::de::StrRead<'a>> {
        serde_json::Deserializer::from_str(self.0.get())
    }

    /// The contents of the value when it is a JSON string.
    fn quoted(&self) -> Option<std::borrow::Cow<'a, str>> {
        let text = self.0.get();
        let inner = text.strip_prefix('"')?.strip_suffix('"')?;
        if inner.contains('\\') {
            serde_json::from_str::<String>(text)
                .ok()
                .map(std::borrow::Cow::Owned)
        } else {
            Some(std::borrow::Cow::Borrowed(inner))
        }
    }
}

macro_rules! coerce_number {
    ($($method:ident => $ty:ty, $visit:ident;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            match self.quoted() {
                Some(text) => match text.parse::<$ty>() {
                    Ok(n) => visitor.$visit(n),
                    Err(_) => Err(de::Error::invalid_value(de::Unexpected::Str(&text), &visitor)),
                },
                None => self.inner().$method(visitor),
            }
        }
    )*};
}

/// Methods that deserialize exactly as the wrapped deserializer (`self.inner()`) does.
macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
            self.inner().$method($($arg,)* visitor)
        }
    )*};
}

/// Container methods: the wrapped deserializer's, with the visitor wrapped in [`Nested`] so that
/// the values inside are coerced too.
macro_rules! nested {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
            self.inner().$method($($arg,)* Nested(visitor))
        }
    )*};
}

/// What both coercing deserializers share: a newtype is seen through (so that `ProjectId(i64)`
/// coerces like `i64`), except serde_json's `RawValue`, which is passed through untouched; every
/// other method is the wrapped deserializer's.
macro_rules! shared_methods {
    () => {
        fn deserialize_newtype_struct<V: Visitor<'de>>(
            self,
            name: &'static str,
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            if name == RAW_VALUE_TOKEN {
                self.inner().deserialize_newtype_struct(name, visitor)
            } else {
                visitor.visit_newtype_struct(self)
            }
        }

        forward! {
        deserialize_any();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
        }

        // Containers: the same rule applies to every value inside them, so that
        // `{"values": {"projectId": "3"}}` binds like `{"projectId": "3"}` does.
        nested! {
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        }
    };
}

impl<'de> Deserializer<'de> for Coerce<'de> {
    type Error = serde_json::Error;

    coerce_number! {
        deserialize_i8 => i8, visit_i8;
        deserialize_i16 => i16, visit_i16;
        deserialize_i32 => i32, visit_i32;
        deserialize_i64 => i64, visit_i64;
        deserialize_i128 => i128, visit_i128;
        deserialize_u8 => u8, visit_u8;
        deserialize_u16 => u16, visit_u16;
        deserialize_u32 => u32, visit_u32;
        deserialize_u64 => u64, visit_u64;
        deserialize_u128 => u128, visit_u128;
        deserialize_f32 => f32, visit_f32;
        deserialize_f64 => f64, visit_f64;
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.quoted().as_deref() {
            Some("true") => visitor.visit_bool(true),
            Some("false") => visitor.visit_bool(false),
            _ => self.inner().deserialize_bool(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        if self.0.get() == "null" {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    shared_methods!();
}

/// A deserializer that applies the coercion rule to the value `D` is about to produce.
pub(crate) struct Coerced<D>(pub(crate) D);

impl<D> Coerced<D> {
    fn inner(self) -> D {
        self.0
    }
}

/// A numeric type a JSON string may spell.
trait Numeric: Sized + std::str::FromStr {
    fn visit<'de, V: Visitor<'de>, E: de::Error>(self, visitor: V) -> Result<V::Value, E>;
}

macro_rules! numeric {
    ($($ty:ty => $visit:ident,)*) => {$(
        impl Numeric for $ty {
            fn visit<'de, V: Visitor<'de>, E: de::Error>(self, visitor: V) -> Result<V::Value, E> {
                visitor.$visit(self)
            }
        }
    )*};
}

numeric! {
    i8 => visit_i8, i16 => visit_i16, i32 => visit_i32, i64 => visit_i64,
    u8 => visit_u8, u16 => visit_u16, u32 => visit_u32, u64 => visit_u64,
    f32 => visit_f32, f64 => visit_f64,
}

/// Passes numbers through to `V` and parses strings as `N`.
struct NumberOrString<V, N>(V, PhantomData<N>);

impl<'de, V: Visitor<'de>, N: Numeric> Visitor<'de> for NumberOrString<V, N> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<V::Value, E> {
        self.0.visit_i64(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<V::Value, E> {
        self.0.visit_u64(v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<V::Value, E> {
        self.0.visit_f64(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        match v.parse::<N>() {
            Ok(n) => n.visit(self.0),
            Err(_) => Err(E::invalid_value(de::Unexpected::Str(v), &self.0)),
        }
    }
}

/// Passes booleans through to `V` and accepts `"true"` and `"false"`.
struct BoolOrString<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for BoolOrString<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<V::Value, E> {
        self.0.visit_bool(v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<V::Value, E> {
        match v {
            "true" => self.0.visit_bool(true),
            "false" => self.0.visit_bool(false),
            _ => Err(E::invalid_value(de::Unexpected::Str(v), &self.0)),
        }
    }
}

/// Keeps coercing inside `Some`.
struct CoercedOption<V>(V);

impl<'de, V: Visitor<'de>> Visitor<'de> for CoercedOption<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(Coerced(d))
    }
}

macro_rules! coerced_number {
    ($($method:ident => $ty:ty;)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
            self.0.deserialize_any(NumberOrString::<V, $ty>(visitor, PhantomData))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for Coerced<D> {
    type Error = D::Error;

    coerced_number! {
        deserialize_i8 => i8;
        deserialize_i16 => i16;
        deserialize_i32 => i32;
        deserialize_i64 => i64;
        deserialize_u8 => u8;
        deserialize_u16 => u16;
        deserialize_u32 => u32;
        deserialize_u64 => u64;
        deserialize_f32 => f32;
        deserialize_f64 => f64;
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_any(BoolOrString(visitor))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        self.0.deserialize_option(CoercedOption(visitor))
    }

    // 128-bit integers are not coerced here: a string for one fails, and the caller falls back
    // to `Coerce`, which parses it.
    forward! {
        deserialize_i128();
        deserialize_u128();
    }
    shared_methods!();
}

/// A visitor of a container (array, object, struct, tuple) that hands each element and each
/// map value to `V` through [`Coerced`]. Every other visit is `V`'s own, so errors read the same.
struct Nested<V>(V);

macro_rules! pass_visits {
    ($($method:ident($ty:ty);)*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.0.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>> Visitor<'de> for Nested<V> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    pass_visits! {
        visit_bool(bool);
        visit_i64(i64);
        visit_i128(i128);
        visit_u64(u64);
        visit_u128(u128);
        visit_f64(f64);
        visit_str(&str);
        visit_borrowed_str(&'de str);
        visit_string(String);
        visit_bytes(&[u8]);
        visit_borrowed_bytes(&'de [u8]);
        visit_byte_buf(Vec<u8>);
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(d)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(data)
    }

    fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        self.0.visit_seq(NestedSeq(seq))
    }

    fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(NestedMap(map))
    }
}

/// A seed that deserializes through [`Coerced`].
struct CoercedSeed<T>(T);

impl<'de, T: de::DeserializeSeed<'de>> de::DeserializeSeed<'de> for CoercedSeed<T> {
    type Value = T::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T::Value, D::Error> {
        self.0.deserialize(Coerced(d))
    }
}

struct NestedSeq<A>(A);

impl<'de, A: de::SeqAccess<'de>> de::SeqAccess<'de> for NestedSeq<A> {
    type Error = A::Error;

    fn next_element_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(CoercedSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

/// Keys are read as they are (they name fields); values are coerced.
struct NestedMap<A>(A);

impl<'de, A: de::MapAccess<'de>> de::MapAccess<'de> for NestedMap<A> {
    type Error = A::Error;

    fn next_key_seed<K: de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(seed)
    }

    fn next_value_seed<T: de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(CoercedSeed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::Coerce;
    use serde::Deserialize;
    use serde_json::value::RawValue;

    fn coerce<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, serde_json::Error> {
        let raw: &RawValue = serde_json::from_str(json).unwrap();
        T::deserialize(Coerce(raw))
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct ProjectId(i64);

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "lowercase")]
    enum Status {
        Open,
        Done,
    }

    #[test]
    fn strings_coerce_to_numbers_and_bools() {
        assert_eq!(coerce::<i64>(r#""9""#).unwrap(), 9);
        assert_eq!(coerce::<i64>("9").unwrap(), 9);
        assert_eq!(coerce::<u8>(r#""255""#).unwrap(), 255);
        assert!(coerce::<u8>(r#""256""#).is_err());
        assert!(coerce::<i64>(r#""9.5""#).is_err());
        assert!(coerce::<i64>(r#"" 9""#).is_err());
        assert_eq!(coerce::<f64>(r#""1.5""#).unwrap(), 1.5);
        assert!(coerce::<bool>(r#""true""#).unwrap());
        assert!(!coerce::<bool>("false").unwrap());
        assert!(coerce::<bool>(r#""yes""#).is_err());
        assert_eq!(coerce::<Option<i64>>(r#""7""#).unwrap(), Some(7));
        assert_eq!(coerce::<Option<i64>>("null").unwrap(), None);
        assert_eq!(coerce::<ProjectId>(r#""3""#).unwrap(), ProjectId(3));
    }

    /// `Coerced` over serde_json's own deserializer, as the one pass of `bind` uses it.
    fn coerced<T: for<'de> Deserialize<'de>>(json: &str) -> Result<T, serde_json::Error> {
        let mut de = serde_json::Deserializer::from_str(json);
        T::deserialize(super::Coerced(&mut de))
    }

    /// Both deserializers on one input: `Coerced` may refuse what `Coerce` accepts, never
    /// accept something else.
    fn agree<T: for<'de> Deserialize<'de> + PartialEq + std::fmt::Debug>(json: &str) {
        match (coerced::<T>(json), coerce::<T>(json)) {
            (Ok(fast), Ok(reference)) => assert_eq!(fast, reference, "{json}"),
            (Ok(fast), Err(e)) => panic!("{json}: Coerced gave {fast:?}, Coerce refused: {e}"),
            (Err(_), _) => {}
        }
    }

    #[test]
    fn the_one_pass_deserializer_agrees_with_the_reference() {
        let inputs = [
            "9",
            "-9",
            r#""9""#,
            r#""-9""#,
            "9.5",
            r#""9.5""#,
            "1e3",
            r#""1e3""#,
            "255",
            "256",
            r#""256""#,
            "-1",
            r#""x""#,
            r#"" 9""#,
            "true",
            "false",
            r#""true""#,
            r#""false""#,
            r#""yes""#,
            "null",
            "[1]",
            r#"{"a":1}"#,
            r#""\u0039""#,
            "18446744073709551615",
            "18446744073709551616",
            r#""18446744073709551615""#,
            r#"["1","2",3]"#,
            r#"["true",false]"#,
            r#"{"a":"1","b":2}"#,
            r#"{"a":"300"}"#,
            "[null]",
        ];
        for json in inputs {
            agree::<i64>(json);
            agree::<u8>(json);
            agree::<u64>(json);
            agree::<i128>(json);
            agree::<f64>(json);
            agree::<f32>(json);
            agree::<bool>(json);
            agree::<Option<i64>>(json);
            agree::<Option<bool>>(json);
            agree::<ProjectId>(json);
            agree::<String>(json);
            agree::<serde_json::Value>(json);
            agree::<Vec<i64>>(json);
            agree::<Option<Vec<bool>>>(json);
            agree::<std::collections::BTreeMap<String, u8>>(json);
        }
        assert_eq!(coerced::<i64>(r#""9""#).unwrap(), 9);
        assert_eq!(coerced::<Option<u8>>(r#""7""#).unwrap(), Some(7));
        assert_eq!(coerced::<Option<u8>>("null").unwrap(), None);
        assert!(coerced::<bool>(r#""true""#).unwrap());
        assert_eq!(coerced::<ProjectId>(r#""3""#).unwrap(), ProjectId(3));
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "camelCase")]
    struct Values {
        project_id: i64,
        status: Option<i32>,
        done: Option<bool>,
        headline: Option<String>,
        #[serde(default)]
        users: Vec<u32>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Wrapper {
        values: Values,
        pair: Option<(u8, bool)>,
        extra: Option<serde_json::Value>,
    }

    #[test]
    fn the_rule_applies_inside_structs_arrays_and_maps() {
        let json = r#"{"values":{"projectId":"3","status":"-1","done":"true","headline":"7","users":["1",2]},"pair":["4","false"],"extra":{"a":"5"}}"#;
        let expected = Wrapper {
            values: Values {
                project_id: 3,
                status: Some(-1),
                done: Some(true),
                headline: Some("7".into()),
                users: vec![1, 2],
            },
            pair: Some((4, false)),
            // A `Value` keeps what was sent: there is no declared type to coerce to.
            extra: Some(serde_json::json!({"a": "5"})),
        };
        assert_eq!(coerce::<Wrapper>(json).unwrap(), expected);
        assert_eq!(coerced::<Wrapper>(json).unwrap(), expected);
        let map = coerce::<std::collections::BTreeMap<String, i64>>(r#"{"a":"1","b":2}"#).unwrap();
        assert_eq!(
            map.into_iter().collect::<Vec<_>>(),
            [("a".into(), 1), ("b".into(), 2)]
        );
        // Strings stay strings, and a non-number string is still an error, inside too.
        assert!(coerce::<Values>(r#"{"projectId":"x"}"#).is_err());
        assert!(coerced::<Values>(r#"{"projectId":"x"}"#).is_err());
        assert!(coerce::<Values>(r#"{"projectId":1,"headline":7}"#).is_err());
        // Structs written as arrays (serde_json accepts both) coerce alike.
        assert_eq!(
            coerce::<Values>(r#"["3",null,"false",null,[]]"#).unwrap(),
            Values {
                project_id: 3,
                status: None,
                done: Some(false),
                headline: None,
                users: vec![],
            }
        );
    }

    #[test]
    fn raw_values_pass_through() {
        let raw = coerce::<Box<RawValue>>(r#"{"a": [1, "2"]}"#).unwrap();
        assert_eq!(raw.get(), r#"{"a": [1, "2"]}"#);
        let raw = coerced::<Box<RawValue>>(r#"{"a": [1, "2"]}"#).unwrap();
        assert_eq!(raw.get(), r#"{"a": [1, "2"]}"#);
    }

    #[test]
    fn everything_else_is_plain_serde() {
        assert_eq!(coerce::<String>(r#""9""#).unwrap(), "9");
        assert!(coerce::<String>("9").is_err());
        assert_eq!(coerce::<Status>(r#""done""#).unwrap(), Status::Done);
        assert_eq!(coerce::<Vec<i64>>("[1,2]").unwrap(), vec![1, 2]);
        assert!(coerce::<Status>(r#""open""#).is_ok_and(|s| s == Status::Open));
        assert!(coerce::<i64>("{}").is_err());
    }
}
