//! Writing response objects straight into the response buffer.

use crate::envelope::{Id, NULL_ID};
use crate::error::RpcError;

/// The bytes that open a success response, before the result.
pub(crate) const RESULT_PREFIX: &[u8] = br#"{"jsonrpc":"2.0","result":"#;

/// Closes a success response opened with [`RESULT_PREFIX`].
pub(crate) fn close_result(out: &mut Vec<u8>, id: Id<'_>) {
    out.extend_from_slice(b",\"id\":");
    out.extend_from_slice(id.as_json().as_bytes());
    out.push(b'}');
}

/// Wraps the scalar result that starts at `at` (the rest of `out`) in an array: `42` becomes
/// `[42]`, `null` becomes `[]` (Leantime 3.8's `settype($result, 'array')`). Objects and arrays
/// are left as they are.
pub(crate) fn scalar_in_array(out: &mut Vec<u8>, at: usize) {
    match out.get(at) {
        None | Some(b'{' | b'[') => {}
        Some(_) if &out[at..] == b"null" => {
            out.truncate(at);
            out.extend_from_slice(b"[]");
        }
        Some(_) => {
            out.insert(at, b'[');
            out.push(b']');
        }
    }
}

/// Appends a complete error response; `None` answers with `"id": null`.
pub(crate) fn write_error(out: &mut Vec<u8>, error: &RpcError, id: Option<Id<'_>>) {
    out.extend_from_slice(br#"{"jsonrpc":"2.0","error":"#);
    // Serializing an RpcError cannot fail: its data is already a serde_json::Value.
    if serde_json::to_writer(&mut *out, error).is_err() {
        out.extend_from_slice(br#"{"code":-32603,"message":"Internal error"}"#);
    }
    out.extend_from_slice(b",\"id\":");
    out.extend_from_slice(id.map_or(NULL_ID, |id| id.as_json()).as_bytes());
    out.push(b'}');
}

/// An error response as a new buffer.
pub(crate) fn error_body(error: &RpcError, id: Option<Id<'_>>) -> Vec<u8> {
    let mut out = Vec::with_capacity(96);
    write_error(&mut out, error, id);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn scalars_go_in_arrays_and_containers_stay() {
        let wrap = |result: &str| {
            let mut out = b"prefix:".to_vec();
            out.extend_from_slice(result.as_bytes());
            super::scalar_in_array(&mut out, 7);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(wrap("42"), "prefix:[42]");
        assert_eq!(wrap("-1.5"), "prefix:[-1.5]");
        assert_eq!(wrap("true"), "prefix:[true]");
        assert_eq!(wrap(r#""s""#), r#"prefix:["s"]"#);
        assert_eq!(wrap("null"), "prefix:[]");
        assert_eq!(wrap(r#"{"a":null}"#), r#"prefix:{"a":null}"#);
        assert_eq!(wrap("[1]"), "prefix:[1]");
        assert_eq!(wrap(""), "prefix:");
    }
}
