//! Leantime-style scalar coercion: a JSON string holding a number binds to a numeric parameter,
//! `"true"`/`"false"` to a bool. Everything else deserializes exactly as serde_json would.

use serde::de::{self, Deserializer, Visitor};
use serde_json::value::RawValue;

/// A deserializer over one raw JSON value that accepts numbers and booleans written as strings.
pub(crate) struct Coerce<'a>(pub(crate) &'a RawValue);

impl<'a> Coerce<'a> {
    fn json(&self) -> serde_json::Deserializer<serde_json::de::StrRead<'a>> {
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
                None => self.json().$method(visitor),
            }
        }
    )*};
}

macro_rules! forward {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Self::Error> {
            self.json().$method($($arg,)* visitor)
        }
    )*};
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
            _ => self.json().deserialize_bool(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        if self.0.get() == "null" {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
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
        deserialize_seq();
        deserialize_tuple(len: usize);
        deserialize_tuple_struct(name: &'static str, len: usize);
        deserialize_map();
        deserialize_struct(name: &'static str, fields: &'static [&'static str]);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
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
