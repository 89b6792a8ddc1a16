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
