//! GET requests: a query (`method`, `jsonrpc`, `id`, and `params` as base64 JSON) turned into
//! the JSON body of the equivalent POST, so both verbs share one parser and one set of rules.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use leanrpc_core::RpcError;
use serde_json::value::RawValue;

const BASE64_CONFIG: GeneralPurposeConfig =
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
const BASE64_STANDARD: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::STANDARD, BASE64_CONFIG);
const BASE64_URL_SAFE: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::URL_SAFE, BASE64_CONFIG);

/// Turns a GET query (`method`, `jsonrpc`, `id`, `params` as base64 JSON) into the JSON body of
/// the equivalent POST, so both paths share one parser and one set of rules.
///
/// Every occurrence of the four keys is kept, so a repeated key is the same -32600 it would be
/// in a POST body. Other keys (including an `x-api-key` that must not be in URLs) are ignored.
/// A query that does not decode is -32700, saying why.
///
/// ```
/// // params = base64 of {"id":"9"}
/// let json = leanrpc_http::query_to_json("method=tickets.get&jsonrpc=2.0&id=1&params=eyJpZCI6IjkifQ").unwrap();
/// assert_eq!(json, r#"{"method":"tickets.get","jsonrpc":"2.0","id":1,"params":{"id":"9"}}"#);
/// assert_eq!(leanrpc_http::query_to_json("params=!!").unwrap_err().code().code(), -32700);
/// ```
pub fn query_to_json(query: &str) -> Result<String, RpcError> {
    let mut json = String::with_capacity(query.len() + 32);
    json.push('{');
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key, true)?;
        let member = match key.as_ref() {
            "method" | "jsonrpc" | "id" | "params" => key,
            _ => continue,
        };
        if json.len() > 1 {
            json.push(',');
        }
        json.push('"');
        json.push_str(&member);
        json.push_str("\":");
        match member.as_ref() {
            "params" => json.push_str(&decode_params(value)?),
            "id" => {
                let id = percent_decode(value, true)?;
                if is_json_number(&id) {
                    json.push_str(&id);
                } else {
                    push_json_string(&mut json, &id);
                }
            }
            _ => push_json_string(&mut json, &percent_decode(value, true)?),
        }
    }
    json.push('}');
    Ok(json)
}

/// Whether a GET query carries a `method`, i.e. is a call rather than a page view.
pub(crate) fn query_names_method(query: &str) -> bool {
    query.split('&').any(|pair| {
        let key = pair.split_once('=').map_or(pair, |(k, _)| k);
        percent_decode(key, true).is_ok_and(|k| k == "method")
    })
}

fn parse_error(reason: &str) -> RpcError {
    RpcError::parse_error().data(reason)
}

/// Percent-decodes a query component, refusing malformed escapes and invalid UTF-8.
/// With `plus_is_space`, `+` means a space (form encoding); base64 params keep a literal `+`.
fn percent_decode(text: &str, plus_is_space: bool) -> Result<Cow<'_, str>, RpcError> {
    let bytes = text.as_bytes();
    if !bytes
        .iter()
        .any(|b| *b == b'%' || (plus_is_space && *b == b'+'))
    {
        return Ok(Cow::Borrowed(text));
    }
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let byte = match bytes.get(i + 1..i + 3) {
                    Some(&[high, low]) => hex_digit(high).zip(hex_digit(low)),
                    _ => None,
                }
                .map(|(high, low)| high << 4 | low)
                .ok_or_else(|| parse_error("invalid percent-encoding in the query"))?;
                out.push(byte);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out)
        .map(Cow::Owned)
        .map_err(|_| parse_error("the query is not valid UTF-8"))
}

/// The value of one hexadecimal digit.
fn hex_digit(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

/// Decodes `params`: url-encoding, then base64 (standard or url-safe, padded or not), then UTF-8
/// JSON holding exactly one value.
fn decode_params(value: &str) -> Result<String, RpcError> {
    let text = percent_decode(value, false)?;
    let text = text.trim_end_matches('=');
    let engine = if text.contains(['-', '_']) {
        &BASE64_URL_SAFE
    } else {
        &BASE64_STANDARD
    };
    let bytes = engine
        .decode(text)
        .map_err(|_| parse_error("params is not valid base64"))?;
    let json = String::from_utf8(bytes).map_err(|_| parse_error("params is not valid UTF-8"))?;
    serde_json::from_str::<&RawValue>(&json)
        .map_err(|_| parse_error("params is not valid JSON"))?;
    Ok(json)
}

fn is_json_number(text: &str) -> bool {
    matches!(text.as_bytes().first(), Some(b'-' | b'0'..=b'9'))
        && serde_json::from_str::<&RawValue>(text).is_ok()
}

fn push_json_string(json: &mut String, text: &str) {
    // Method names and most ids need no escaping: copied between quotes as they are.
    if !text.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        json.push('"');
        json.push_str(text);
        json.push('"');
    } else if let Ok(quoted) = serde_json::to_string(text) {
        // Writing a str into a String cannot fail.
        json.push_str(&quoted);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_becomes_equivalent_json() {
        let q =
            "method=leantime.rpc.tickets.getTicket&jsonrpc=2.0&id=1&params=eyJpZCI6IjkifQ%3D%3D";
        assert_eq!(
            query_to_json(q).unwrap(),
            r#"{"method":"leantime.rpc.tickets.getTicket","jsonrpc":"2.0","id":1,"params":{"id":"9"}}"#
        );
        assert_eq!(
            query_to_json("id=abc&x-api-key=secret").unwrap(),
            r#"{"id":"abc"}"#
        );
        assert_eq!(
            query_to_json("id=-1.5&method=a+b").unwrap(),
            r#"{"id":-1.5,"method":"a b"}"#
        );
        assert_eq!(query_to_json("id=%22q%22").unwrap(), r#"{"id":"\"q\""}"#);
        assert_eq!(
            query_to_json("method=a%0ab%2Bc%e2%9c%93").unwrap(),
            r#"{"method":"a\nb+c✓"}"#
        );
    }

    #[test]
    fn params_accept_both_alphabets_and_any_padding() {
        // [">>>?"] has '+' / '/' in standard base64 and '-' / '_' in url-safe.
        let json = r#"[">>>?"]"#;
        let std = base64::engine::general_purpose::STANDARD.encode(json);
        let url = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(json);
        assert!(std.contains('+') || std.contains('/'), "{std}");
        let encoded_std = std
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D");
        for value in [
            std.clone(),
            encoded_std,
            url,
            std.trim_end_matches('=').to_owned(),
        ] {
            assert_eq!(decode_params(&value).unwrap(), json, "{value}");
        }
    }

    #[test]
    fn malformed_query_parts_are_parse_errors() {
        for (query, reason) in [
            ("params=%zz", "invalid percent-encoding in the query"),
            ("params=%4", "invalid percent-encoding in the query"),
            ("method=%ff", "the query is not valid UTF-8"),
            ("params=!!!!", "params is not valid base64"),
            ("params=%2F%2F%2F%2F", "params is not valid UTF-8"),
            ("params=e30gew", "params is not valid JSON"),
        ] {
            let err = query_to_json(query).unwrap_err();
            assert_eq!(err.code(), leanrpc_core::ErrorCode::PARSE_ERROR, "{query}");
            assert_eq!(err.data_value().unwrap(), reason, "{query}");
        }
    }
}
