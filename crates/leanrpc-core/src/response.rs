//! Writing JSON-RPC response objects straight into a response buffer.
//!
//! Public for front ends that answer a whole request with one error object (an HTTP 401, a
//! body that does not decode): [`error_body`] and [`write_error`]. The rest serves
//! [`Server::answer`](crate::Server::answer).

use std::sync::atomic::{AtomicUsize, Ordering};

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

/// Appends a complete error response object to `out`; `None` answers with `"id": null`.
pub fn write_error(out: &mut Vec<u8>, error: &RpcError, id: Option<Id<'_>>) {
    out.extend_from_slice(br#"{"jsonrpc":"2.0","error":"#);
    // Serializing an RpcError cannot fail: its data is already a serde_json::Value.
    if serde_json::to_writer(&mut *out, error).is_err() {
        out.extend_from_slice(br#"{"code":-32603,"message":"Internal error"}"#);
    }
    out.extend_from_slice(b",\"id\":");
    out.extend_from_slice(id.map_or(NULL_ID, |id| id.as_json()).as_bytes());
    out.push(b'}');
}

/// A complete error response object as a new buffer; `None` answers with `"id": null`.
///
/// ```
/// use leanrpc_core::{RpcError, response};
///
/// let body = response::error_body(&RpcError::unauthorized(), None);
/// assert_eq!(
///     String::from_utf8(body).unwrap(),
///     r#"{"jsonrpc":"2.0","error":{"code":-32001,"message":"Unauthorized"},"id":null}"#
/// );
/// ```
pub fn error_body(error: &RpcError, id: Option<Id<'_>>) -> Vec<u8> {
    let mut out = Vec::with_capacity(96);
    write_error(&mut out, error, id);
    out
}

/// What is left of one request's response budget
/// ([`Limits::max_total_response_bytes`](crate::Limits::max_total_response_bytes)), shared by
/// the calls of a batch.
#[derive(Debug)]
pub(crate) struct ResponseBudget {
    total: usize,
    left: AtomicUsize,
}

impl ResponseBudget {
    /// A budget of `total` result bytes.
    pub(crate) fn new(total: usize) -> Self {
        Self {
            total,
            left: AtomicUsize::new(total),
        }
    }

    /// Charges a result of `len` bytes, or refuses it: over `per_call` (the per-result cap,
    /// which charges nothing) or over what is left of the budget (which is left as it was, so
    /// a smaller result after it may still fit).
    pub(crate) fn charge(&self, len: usize, per_call: usize) -> Result<(), RpcError> {
        if len > per_call {
            return Err(over_result_cap(per_call));
        }
        // The calls of one request are all polled by the task that answers it, never at the
        // same time, so a plain load and store cannot race; the atomic only makes the budget
        // `Sync`, as a future that may move between threads needs.
        let left = self.left.load(Ordering::Relaxed);
        match left.checked_sub(len) {
            Some(rest) => {
                self.left.store(rest, Ordering::Relaxed);
                Ok(())
            }
            None => Err(over_budget(self.total)),
        }
    }
}

/// The -32000 for a result over `max_response_bytes`; out of line, so that the accounting on
/// every call's path stays small.
#[cold]
pub(crate) fn over_result_cap(limit: usize) -> RpcError {
    RpcError::server_error().data(format!(
        "response too large: the result is over max_response_bytes ({limit} bytes)"
    ))
}

/// The -32000 for a result over what is left of `max_total_response_bytes`.
#[cold]
fn over_budget(total: usize) -> RpcError {
    RpcError::server_error().data(format!(
        "response too large: the results of this request together would be over \
         max_total_response_bytes ({total} bytes); send fewer calls per batch"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(error: RpcError) -> String {
        assert_eq!(error.code(), crate::ErrorCode::SERVER_ERROR);
        error
            .data_value()
            .and_then(|d| d.as_str())
            .unwrap()
            .to_owned()
    }

    #[test]
    fn a_budget_is_spent_to_the_last_byte_and_no_further() {
        let budget = ResponseBudget::new(100);
        assert!(budget.charge(60, 1000).is_ok());
        assert!(budget.charge(40, 1000).is_ok(), "exactly at the limit");
        let over = budget.charge(1, 1000).unwrap_err();
        assert_eq!(
            data(over),
            "response too large: the results of this request together would be over \
             max_total_response_bytes (100 bytes); send fewer calls per batch"
        );
        assert!(budget.charge(0, 1000).is_ok());
    }

    #[test]
    fn one_byte_over_what_is_left_is_refused_and_charges_nothing() {
        let budget = ResponseBudget::new(100);
        assert!(budget.charge(30, 1000).is_ok());
        assert!(
            budget.charge(71, 1000).is_err(),
            "one byte over what is left"
        );
        // The refused result took nothing: what was left still fits exactly.
        assert!(budget.charge(70, 1000).is_ok());
        assert!(budget.charge(1, 1000).is_err());
    }

    #[test]
    fn a_result_over_the_per_call_cap_is_refused_without_spending_the_budget() {
        let budget = ResponseBudget::new(100);
        let over = budget.charge(51, 50).unwrap_err();
        assert_eq!(
            data(over),
            "response too large: the result is over max_response_bytes (50 bytes)"
        );
        assert!(budget.charge(50, 50).is_ok(), "exactly at the per-call cap");
        assert!(
            budget.charge(50, 50).is_ok(),
            "the refused result took nothing"
        );
        assert!(budget.charge(1, 50).is_err());
    }

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
