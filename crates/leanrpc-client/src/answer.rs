//! Reading JSON-RPC 2.0 responses: one object for a call, an array for a batch.

use leanrpc_core::{ErrorCode, RpcError};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::ClientError;

/// One response object; `result` and `error` kept apart.
#[derive(Deserialize)]
struct Response<'a> {
    #[serde(borrow, default)]
    result: Option<&'a RawValue>,
    #[serde(default)]
    error: Option<ErrorObject>,
    #[serde(default)]
    id: Value,
}

#[derive(Deserialize)]
struct ErrorObject {
    code: i64,
    message: String,
    #[serde(default)]
    data: Option<Value>,
}

impl ErrorObject {
    fn into_rpc(self) -> RpcError {
        let code = i32::try_from(self.code).unwrap_or(ErrorCode::INTERNAL_ERROR.code());
        let error = RpcError::with_message(ErrorCode::new(code), self.message);
        match self.data {
            Some(data) => error.data(data),
            None => error,
        }
    }
}

/// A call's outcome as the server sent it: the raw result, or its error.
pub(crate) type Outcome = Result<Box<RawValue>, RpcError>;

impl Response<'_> {
    fn outcome(self) -> Outcome {
        match self.error {
            Some(error) => Err(error.into_rpc()),
            // `"result": null` reads as `None`: the unit result.
            None => Ok(self.result.map_or_else(null, ToOwned::to_owned)),
        }
    }
}

fn null() -> Box<RawValue> {
    RawValue::from_string("null".to_owned()).expect("`null` is JSON")
}

fn not_json(body: &[u8], error: &serde_json::Error) -> ClientError {
    let start = String::from_utf8_lossy(&body[..body.len().min(200)]).into_owned();
    ClientError::Protocol(format!("{error}; the answer starts with {start:?}"))
}

/// The outcome of the single call `id` from its answer's body. An error answered with a `null`
/// id (the request could not be read) is the call's error too.
pub(crate) fn single(body: &[u8], id: u64) -> Result<Outcome, ClientError> {
    let response: Response<'_> = serde_json::from_slice(body).map_err(|e| not_json(body, &e))?;
    match response.id.as_u64() {
        Some(got) if got == id => Ok(response.outcome()),
        None if response.id.is_null() && response.error.is_some() => Ok(response.outcome()),
        _ => Err(ClientError::Protocol(format!(
            "the answer's id is {}, the call's {id}",
            response.id
        ))),
    }
}

/// The outcomes of a batch's calls, in the order of `ids`, from its answer's body. A single
/// error object instead of an array (the batch as a whole was refused) is every call's error.
pub(crate) fn batch(
    body: &[u8],
    ids: &[u64],
) -> Result<Vec<Result<Outcome, ClientError>>, ClientError> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace());
    if first != Some(&b'[') {
        let response: Response<'_> =
            serde_json::from_slice(body).map_err(|e| not_json(body, &e))?;
        let outcome = match response.error {
            Some(error) => error.into_rpc(),
            None => {
                return Err(ClientError::Protocol(
                    "a batch was answered with a single result".to_owned(),
                ));
            }
        };
        return Ok(ids.iter().map(|_| Ok(Err(outcome.clone()))).collect());
    }
    let responses: Vec<Response<'_>> =
        serde_json::from_slice(body).map_err(|e| not_json(body, &e))?;
    let mut slots: Vec<Option<Outcome>> = ids.iter().map(|_| None).collect();
    let mut orphans = Vec::new();
    for response in responses {
        match response
            .id
            .as_u64()
            .and_then(|got| ids.iter().position(|id| *id == got))
        {
            Some(i) if slots[i].is_none() => slots[i] = Some(response.outcome()),
            _ => orphans.push(response),
        }
    }
    // An error the server could not tie to a call (`"id": null`) goes to a call left without
    // an answer, in order.
    let mut orphans = orphans
        .into_iter()
        .filter(|r| r.id.is_null() && r.error.is_some());
    Ok(slots
        .into_iter()
        .zip(ids)
        .map(
            |(slot, id)| match slot.or_else(|| orphans.next().map(Response::outcome)) {
                Some(outcome) => Ok(outcome),
                None => Err(ClientError::Protocol(format!(
                    "the batch's answer has nothing for id {id}"
                ))),
            },
        )
        .collect())
}

/// The JSON-RPC error in the body of an HTTP refusal (a 401, 429, ...), if it holds one.
#[cfg(feature = "http")]
pub(crate) fn error_of(body: &[u8]) -> Option<RpcError> {
    let response: Response<'_> = serde_json::from_slice(body).ok()?;
    response.error.map(ErrorObject::into_rpc)
}

/// Decodes a result into `T`. A one-element array is also read as its element when `T` wants
/// a scalar, for servers that answer scalars in arrays (Leantime 3.8 and earlier).
pub(crate) fn decode<T: DeserializeOwned>(method: &str, raw: &RawValue) -> Result<T, ClientError> {
    match serde_json::from_str::<T>(raw.get()) {
        Ok(value) => Ok(value),
        Err(error) => {
            if let Ok([inner]) = serde_json::from_str::<[&RawValue; 1]>(raw.get())
                && let Ok(value) = serde_json::from_str::<T>(inner.get())
            {
                return Ok(value);
            }
            Err(ClientError::Decode {
                method: method.to_owned(),
                reason: error.to_string(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_answers_keep_the_error_whole() {
        let body = br#"{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":{"param":"id"}},"id":3}"#;
        let error = single(body, 3).unwrap().unwrap_err();
        assert_eq!(error.code().code(), -32602);
        assert_eq!(error.message(), "Invalid params");
        assert_eq!(
            error.data_value(),
            Some(&serde_json::json!({"param": "id"}))
        );
        let ok = single(br#"{"jsonrpc":"2.0","result":[1,2],"id":4}"#, 4)
            .unwrap()
            .unwrap();
        assert_eq!(ok.get(), "[1,2]");
        let unit = single(br#"{"jsonrpc":"2.0","result":null,"id":5}"#, 5)
            .unwrap()
            .unwrap();
        assert_eq!(unit.get(), "null");
    }

    #[test]
    fn a_wrong_id_or_no_json_is_a_protocol_error() {
        let wrong = single(br#"{"jsonrpc":"2.0","result":1,"id":9}"#, 3).unwrap_err();
        assert!(
            wrong.to_string().contains("id is 9, the call's 3"),
            "{wrong}"
        );
        let html = single(b"<html>", 3).unwrap_err();
        assert!(matches!(html, ClientError::Protocol(_)), "{html}");
        assert!(html.to_string().contains("<html>"), "{html}");
    }

    #[test]
    fn batch_answers_go_back_to_their_calls_in_order() {
        let body = br#"[{"jsonrpc":"2.0","result":"b","id":2},{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":3},{"jsonrpc":"2.0","result":"a","id":1}]"#;
        let out = batch(body, &[1, 2, 3, 4]).unwrap();
        assert_eq!(out[0].as_ref().unwrap().as_ref().unwrap().get(), "\"a\"");
        assert_eq!(out[1].as_ref().unwrap().as_ref().unwrap().get(), "\"b\"");
        let missing = out[2].as_ref().unwrap().as_ref().unwrap_err();
        assert_eq!(missing.code().code(), -32601);
        assert!(out[3].is_err());
    }

    #[test]
    fn a_refused_batch_refuses_every_call() {
        let body =
            br#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}"#;
        let out = batch(body, &[1, 2]).unwrap();
        for outcome in out {
            assert_eq!(outcome.unwrap().unwrap_err().code().code(), -32600);
        }
    }

    #[test]
    fn scalars_in_arrays_decode_as_scalars() {
        let raw = RawValue::from_string("[42]".to_owned()).unwrap();
        assert_eq!(decode::<i64>("m", &raw).unwrap(), 42);
        assert_eq!(decode::<Vec<i64>>("m", &raw).unwrap(), vec![42]);
        let error = decode::<String>("m", &raw).unwrap_err();
        assert!(matches!(error, ClientError::Decode { .. }), "{error}");
    }
}
