//! The JSON-RPC 2.0 envelope: request objects, batches, ids and params, parsed without copying.
//!
//! Parsing is a single pass with serde_json over the body. Every member the dispatcher does not
//! interpret itself (`id`, `params`) is kept as a borrowed [`RawValue`], so ids are echoed byte for
//! byte and params are decoded only once, straight into the handler's argument types.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::RpcError;
use crate::params::Params;

/// The raw JSON of a request id: a string, a number or `null`, exactly as the client sent it.
#[derive(Clone, Copy)]
pub struct Id<'a>(&'a RawValue);

/// The `null` id used when a request's own id cannot be read.
pub(crate) const NULL_ID: &str = "null";

impl<'a> Id<'a> {
    /// The id's JSON text, exactly as received (`"1"`, `1.5`, `18446744073709551616`, `null`).
    pub fn as_json(&self) -> &'a str {
        self.0.get()
    }

    /// The id as a raw JSON value.
    pub fn as_raw(&self) -> &'a RawValue {
        self.0
    }

    /// Whether the id is `null`.
    pub fn is_null(&self) -> bool {
        self.0.get() == NULL_ID
    }

    /// The id held in `raw`, when it is of a kind the specification allows (a string, a
    /// number or `null`); `None` for an object, an array or a boolean.
    ///
    /// ```
    /// use leanrpc_core::Id;
    /// use serde_json::value::RawValue;
    ///
    /// let raw: &RawValue = serde_json::from_str("18446744073709551616").unwrap();
    /// assert_eq!(Id::from_raw(raw).unwrap().as_json(), "18446744073709551616");
    /// let raw: &RawValue = serde_json::from_str("[1]").unwrap();
    /// assert!(Id::from_raw(raw).is_none());
    /// ```
    pub fn from_raw(raw: &'a RawValue) -> Option<Self> {
        Self::checked(raw)
    }

    /// Checks the kinds the specification allows: a string, a number or `null`.
    fn checked(raw: &'a RawValue) -> Option<Self> {
        match raw.get().as_bytes().first() {
            Some(b'"' | b'-' | b'0'..=b'9' | b'n') => Some(Self(raw)),
            _ => None,
        }
    }
}

impl fmt::Debug for Id<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_json())
    }
}

/// One valid request object: a call (with an id) or a notification (without).
#[derive(Debug, Clone)]
pub struct Call<'a> {
    /// The method name as sent.
    pub method: Cow<'a, str>,
    /// The params: absent, an array, or an object (`"params": null` counts as absent).
    pub params: Params<'a>,
    /// The id; `None` makes this a notification, which is never answered.
    pub id: Option<Id<'a>>,
}

impl Call<'_> {
    /// Whether this request is a notification (no `id` member).
    pub fn is_notification(&self) -> bool {
        self.id.is_none()
    }
}

/// Why a request object is invalid (-32600). Kept for logs; answers carry the spec's message only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Invalid {
    /// The value is not an object.
    NotAnObject,
    /// An empty batch `[]`.
    EmptyBatch,
    /// `jsonrpc` is missing or not exactly `"2.0"`.
    Version,
    /// `method` is missing or not a string.
    Method,
    /// `params` is neither an array nor an object (nor `null`).
    Params,
    /// `id` is an object, an array or a boolean.
    Id,
    /// One of the four members appears twice.
    DuplicateMember,
}

impl Invalid {
    /// A short explanation for logs.
    pub fn reason(self) -> &'static str {
        match self {
            Self::NotAnObject => "request is not an object",
            Self::EmptyBatch => "empty batch",
            Self::Version => "\"jsonrpc\" must be exactly \"2.0\"",
            Self::Method => "\"method\" must be a string",
            Self::Params => "\"params\" must be an array or an object",
            Self::Id => "\"id\" must be a string, a number or null",
            Self::DuplicateMember => "a request member appears twice",
        }
    }
}

/// One element of an envelope: a valid call or an invalid request to answer with -32600.
#[derive(Debug, Clone)]
pub enum Item<'a> {
    /// A valid request object.
    Call(Call<'a>),
    /// An invalid request object; `id` is its own id when that was usable, otherwise `None` (null).
    Invalid {
        /// The id to answer with (`None` answers with `null`).
        id: Option<Id<'a>>,
        /// What was wrong.
        why: Invalid,
    },
}

/// A decoded body: one request or a batch.
#[derive(Debug, Clone)]
pub enum Envelope<'a> {
    /// A single request (including an invalid one, and the empty batch `[]`).
    Single(Item<'a>),
    /// A non-empty batch.
    Batch(Vec<Item<'a>>),
}

/// Why a body could not be decoded into an [`Envelope`] at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeError {
    /// Not valid JSON, or trailing bytes after the value (-32700).
    Parse,
    /// Nested deeper than the configured limit (-32700).
    TooDeep {
        /// The configured limit.
        limit: usize,
    },
    /// A batch longer than the configured limit (-32600).
    BatchTooLong {
        /// The configured limit.
        limit: usize,
    },
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DecodeError::Parse => f.write_str("not valid JSON"),
            DecodeError::TooDeep { limit } => write!(f, "JSON nested deeper than {limit} levels"),
            DecodeError::BatchTooLong { limit } => write!(f, "batch longer than {limit} calls"),
        }
    }
}

impl std::error::Error for DecodeError {}

/// The answer the specification gives: -32700 for what is not JSON (or too deep to read),
/// -32600 for a batch over the limit, with `data` saying which limit.
impl From<DecodeError> for RpcError {
    fn from(error: DecodeError) -> Self {
        match error {
            DecodeError::Parse => RpcError::parse_error(),
            DecodeError::TooDeep { .. } => RpcError::parse_error().data(error.to_string()),
            DecodeError::BatchTooLong { .. } => RpcError::invalid_request().data(error.to_string()),
        }
    }
}

/// Parses a body into an [`Envelope`], enforcing `max_depth` and `max_batch`.
pub fn parse(body: &[u8], max_depth: usize, max_batch: usize) -> Result<Envelope<'_>, DecodeError> {
    if crate::depth::exceeds(body, max_depth) {
        return Err(DecodeError::TooDeep { limit: max_depth });
    }
    // serde_json checks UTF-8 only in the strings it decodes, not in skipped members; a body
    // that is not UTF-8 is not JSON text (RFC 8259 section 8.1), wherever the bad byte sits.
    let Ok(text) = std::str::from_utf8(body) else {
        return Err(DecodeError::Parse);
    };
    let too_long = Cell::new(false);
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed = EnvelopeSeed {
        max_batch,
        too_long: &too_long,
    }
    .deserialize(&mut de)
    .and_then(|env| {
        de.end()?;
        Ok(env)
    });
    match parsed {
        Ok(env) => Ok(env),
        Err(_) if too_long.get() => Err(DecodeError::BatchTooLong { limit: max_batch }),
        Err(_) => Err(DecodeError::Parse),
    }
}

struct EnvelopeSeed<'s> {
    max_batch: usize,
    too_long: &'s Cell<bool>,
}

/// Implements the scalar `visit_*` methods of a visitor as "not an object".
macro_rules! scalars_are_invalid {
    ($value:expr) => {
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Ok($value)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok($value)
        }
    };
}

impl<'de> DeserializeSeed<'de> for EnvelopeSeed<'_> {
    type Value = Envelope<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EnvelopeSeed<'_> {
    type Value = Envelope<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON-RPC request object or batch")
    }

    scalars_are_invalid!(Envelope::Single(Item::Invalid {
        id: None,
        why: Invalid::NotAnObject
    }));

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        read_request(map).map(Envelope::Single)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(self.max_batch));
        while let Some(item) = seq.next_element_seed(ItemSeed)? {
            if items.len() == self.max_batch {
                self.too_long.set(true);
                return Err(de::Error::custom("batch too long"));
            }
            items.push(item);
        }
        if items.is_empty() {
            return Ok(Envelope::Single(Item::Invalid {
                id: None,
                why: Invalid::EmptyBatch,
            }));
        }
        Ok(Envelope::Batch(items))
    }
}

struct ItemSeed;

impl<'de> DeserializeSeed<'de> for ItemSeed {
    type Value = Item<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ItemSeed {
    type Value = Item<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON-RPC request object")
    }

    scalars_are_invalid!(Item::Invalid {
        id: None,
        why: Invalid::NotAnObject
    });

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        read_request(map)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Item::Invalid {
            id: None,
            why: Invalid::NotAnObject,
        })
    }
}

enum Member {
    JsonRpc,
    Method,
    Params,
    Id,
    Other,
}

impl<'de> serde::Deserialize<'de> for Member {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Member;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Member, E> {
                Ok(match v {
                    "jsonrpc" => Member::JsonRpc,
                    "method" => Member::Method,
                    "params" => Member::Params,
                    "id" => Member::Id,
                    _ => Member::Other,
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

fn read_request<'de, A: MapAccess<'de>>(mut map: A) -> Result<Item<'de>, A::Error> {
    let mut jsonrpc: Option<&'de RawValue> = None;
    let mut method: Option<&'de RawValue> = None;
    let mut params: Option<&'de RawValue> = None;
    let mut id: Option<&'de RawValue> = None;
    let mut duplicate = false;
    while let Some(member) = map.next_key::<Member>()? {
        let slot = match member {
            Member::JsonRpc => &mut jsonrpc,
            Member::Method => &mut method,
            Member::Params => &mut params,
            Member::Id => &mut id,
            Member::Other => {
                map.next_value::<IgnoredAny>()?;
                continue;
            }
        };
        duplicate |= slot.is_some();
        *slot = Some(map.next_value()?);
    }
    Ok(validate(jsonrpc, method, params, id, duplicate))
}

fn validate<'de>(
    jsonrpc: Option<&'de RawValue>,
    method: Option<&'de RawValue>,
    params: Option<&'de RawValue>,
    id: Option<&'de RawValue>,
    duplicate: bool,
) -> Item<'de> {
    let checked_id = id.map(Id::checked);
    let answer_id = checked_id.flatten();
    let invalid = |why| Item::Invalid { id: answer_id, why };
    if duplicate {
        return invalid(Invalid::DuplicateMember);
    }
    if let Some(None) = checked_id {
        return Item::Invalid {
            id: None,
            why: Invalid::Id,
        };
    }
    if jsonrpc.is_none_or(|v| json_string(v).as_deref() != Some("2.0")) {
        return invalid(Invalid::Version);
    }
    let Some(method) = method.and_then(json_string) else {
        return invalid(Invalid::Method);
    };
    let params = match params {
        None => Params::NONE,
        Some(raw) => match raw.get().as_bytes()[0] {
            b'[' | b'{' => Params::new(raw),
            b'n' => Params::NONE,
            _ => return invalid(Invalid::Params),
        },
    };
    Item::Call(Call {
        method,
        params,
        id: answer_id,
    })
}

/// The string a raw JSON value holds, borrowed unless it contains escapes.
fn json_string(raw: &RawValue) -> Option<Cow<'_, str>> {
    let text = raw.get();
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        return Some(Cow::Borrowed(inner));
    }
    serde_json::from_str::<String>(text).ok().map(Cow::Owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_errors_say_what_and_become_the_specified_codes() {
        let cases = [
            (DecodeError::Parse, "not valid JSON", -32700),
            (
                DecodeError::TooDeep { limit: 64 },
                "JSON nested deeper than 64 levels",
                -32700,
            ),
            (
                DecodeError::BatchTooLong { limit: 3 },
                "batch longer than 3 calls",
                -32600,
            ),
        ];
        for (error, text, code) in cases {
            assert_eq!(error.to_string(), text);
            assert_eq!(RpcError::from(error).code().code(), code);
        }
    }

    fn single(body: &str) -> Item<'_> {
        match parse(body.as_bytes(), 64, 1000).unwrap() {
            Envelope::Single(item) => item,
            Envelope::Batch(_) => panic!("expected a single request"),
        }
    }

    fn invalid(body: &str) -> (Option<String>, Invalid) {
        match single(body) {
            Item::Invalid { id, why } => (id.map(|id| id.as_json().to_owned()), why),
            Item::Call(call) => panic!("expected invalid, got {call:?}"),
        }
    }

    #[test]
    fn ids_are_kept_byte_for_byte() {
        for id in [
            "18446744073709551616",
            "123456789012345678901234567890",
            "1.5",
            "-1",
            "1e400",
            r#""\u00e9t\u00e9""#,
            r#""日本""#,
            "null",
        ] {
            let body = format!(r#"{{"jsonrpc":"2.0","method":"m","id":{id}}}"#);
            let Item::Call(call) = single(&body) else {
                panic!("{body}")
            };
            assert_eq!(call.id.unwrap().as_json(), id);
        }
    }

    #[test]
    fn absent_id_is_a_notification_null_id_is_a_call() {
        let Item::Call(call) = single(r#"{"jsonrpc":"2.0","method":"m"}"#) else {
            panic!()
        };
        assert!(call.is_notification());
        let Item::Call(call) = single(r#"{"jsonrpc":"2.0","method":"m","id":null}"#) else {
            panic!()
        };
        assert!(call.id.unwrap().is_null());
    }

    #[test]
    fn invalid_members_are_invalid_requests() {
        assert_eq!(
            invalid(r#"{"jsonrpc":"2.0","method":"m","id":{}}"#),
            (None, Invalid::Id)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":"2.0","method":"m","id":[1]}"#),
            (None, Invalid::Id)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":"2.0","method":"m","id":true}"#),
            (None, Invalid::Id)
        );
        assert_eq!(
            invalid(r#"{"method":"m","id":1}"#),
            (Some("1".into()), Invalid::Version)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":"1.0","method":"m","id":1}"#),
            (Some("1".into()), Invalid::Version)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":2.0,"method":"m","id":1}"#),
            (Some("1".into()), Invalid::Version)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":"2.0","id":"a"}"#),
            (Some("\"a\"".into()), Invalid::Method)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":"2.0","method":1,"id":2}"#),
            (Some("2".into()), Invalid::Method)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":"2.0","method":"m","params":"bar"}"#),
            (None, Invalid::Params)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":"2.0","method":"m","params":3,"id":4}"#),
            (Some("4".into()), Invalid::Params)
        );
        assert_eq!(
            invalid(r#"{"jsonrpc":"2.0","method":"m","method":"n","id":4}"#),
            (Some("4".into()), Invalid::DuplicateMember)
        );
        assert_eq!(invalid("1"), (None, Invalid::NotAnObject));
        assert_eq!(invalid("[]"), (None, Invalid::EmptyBatch));
    }

    #[test]
    fn params_null_means_no_params_and_escapes_are_decoded() {
        let Item::Call(call) =
            single(r#"{"jsonrpc":"2\u002e0","method":"a\u002eb","params":null,"id":1}"#)
        else {
            panic!()
        };
        assert_eq!(call.method, "a.b");
        assert!(call.params.is_none());
    }

    #[test]
    fn invalid_utf8_anywhere_is_a_parse_error() {
        // Found by the post_body fuzz target: a bad byte in an ignored member was accepted.
        for body in [
            &b"{\"x\":\"\xff\",\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":1}"[..],
            b"{\"x\":[{\"y\":\"\xc3\"}],\"jsonrpc\":\"2.0\",\"method\":\"m\"}",
            b"[1,\"\xed\xa0\x80\"]",
            b"{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"id\":1}\xff",
        ] {
            assert_eq!(
                parse(body, 64, 10).unwrap_err(),
                DecodeError::Parse,
                "{body:?}"
            );
        }
    }

    #[test]
    fn parse_errors_and_limits() {
        assert_eq!(parse(b"", 64, 10).unwrap_err(), DecodeError::Parse);
        assert_eq!(parse(b"{", 64, 10).unwrap_err(), DecodeError::Parse);
        assert_eq!(
            parse(br#"{"jsonrpc":"2.0","method":"m"} x"#, 64, 10).unwrap_err(),
            DecodeError::Parse
        );
        assert_eq!(
            parse(br#"[{"jsonrpc":"2.0","method":"m"},{"jsonrpc""#, 64, 10).unwrap_err(),
            DecodeError::Parse
        );
        assert_eq!(
            parse(b"[1,2,3]", 64, 2).unwrap_err(),
            DecodeError::BatchTooLong { limit: 2 }
        );
        assert!(
            matches!(parse(b"[1,2,3]", 64, 3).unwrap(), Envelope::Batch(items) if items.len() == 3)
        );
        let deep = "[".repeat(200_000);
        assert_eq!(
            parse(deep.as_bytes(), 64, 10).unwrap_err(),
            DecodeError::TooDeep { limit: 64 }
        );
        // Unknown members are ignored, nested values of any shape are skipped.
        let Item::Call(_) = single(r#"{"x":[{"y":[1,{"z":null}]}],"jsonrpc":"2.0","method":"m"}"#)
        else {
            panic!()
        };
    }
}
