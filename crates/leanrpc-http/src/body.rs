//! The limited body reader: a declared length checked up front, then at most `limit` bytes
//! within a timeout. One implementation for every `http_body::Body` (hyper's `Incoming`,
//! axum's `Body`, ...).

use std::fmt;
use std::future::Future as _;
use std::task::Poll;
use std::time::Duration;

use bytes::Bytes;
use futures_util::future::Either;
use http::HeaderMap;
use http_body::Body;
use http_body_util::BodyExt as _;
use leanrpc_core::Timer;

use crate::request::HttpResponse;

/// Why a request body was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodyError {
    /// Longer than the limit, declared or sent. Answered 413.
    TooLarge {
        /// The limit, in bytes.
        limit: usize,
    },
    /// The client went away or sent a malformed stream. Answered 400.
    Unreadable,
    /// The body did not arrive within the timeout. Answered 408.
    TimedOut,
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::TooLarge { limit } => write!(f, "body larger than {limit} bytes"),
            BodyError::Unreadable => f.write_str("the request body could not be read"),
            BodyError::TimedOut => f.write_str("the request body did not arrive in time"),
        }
    }
}

impl std::error::Error for BodyError {}

impl From<BodyError> for HttpResponse {
    fn from(error: BodyError) -> Self {
        match error {
            BodyError::TooLarge { limit } => HttpResponse::payload_too_large(limit),
            BodyError::Unreadable => HttpResponse::unreadable_body(),
            BodyError::TimedOut => HttpResponse::body_timeout(),
        }
    }
}

/// The `Content-Length` a request declares, if it declares a valid one.
pub(crate) fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| std::str::from_utf8(v.as_bytes()).ok())
        .and_then(|v| v.parse::<u64>().ok())
}

/// Buffers a body of at most `limit` bytes within `timeout` (measured by `timer`; `None` reads
/// without a timeout), refusing a larger declared length before reading anything.
///
/// A small body usually sits complete in the stack's channel by the time the handler runs, so
/// the first read is tried without a timer; the timeout starts only when the body is still on
/// its way.
///
/// ```
/// use std::time::Duration;
/// use http_body_util::Full;
/// use leanrpc_http::{BodyError, read_body};
///
/// # futures_executor::block_on(async {
/// let headers = http::HeaderMap::new();
/// let body = Full::new(bytes::Bytes::from_static(b"[1,2,3]"));
/// let read = read_body(body, &headers, 16, Duration::from_secs(1), None).await;
/// assert_eq!(read.unwrap(), &b"[1,2,3]"[..]);
///
/// let body = Full::new(bytes::Bytes::from_static(b"[1,2,3]"));
/// let read = read_body(body, &headers, 4, Duration::from_secs(1), None).await;
/// assert_eq!(read.unwrap_err(), BodyError::TooLarge { limit: 4 });
/// # });
/// ```
pub async fn read_body<B>(
    mut body: B,
    headers: &HeaderMap,
    limit: usize,
    timeout: Duration,
    timer: Option<&dyn Timer>,
) -> Result<Bytes, BodyError>
where
    B: Body<Data = Bytes> + Unpin,
{
    if declared_length(headers).is_some_and(|len| len > limit as u64) {
        return Err(BodyError::TooLarge { limit });
    }
    let mut read = std::pin::pin!(collect_body(&mut body, limit));
    let first = std::future::poll_fn(|cx| match read.as_mut().poll(cx) {
        Poll::Ready(result) => Poll::Ready(Some(result)),
        Poll::Pending => Poll::Ready(None),
    })
    .await;
    if let Some(result) = first {
        return result;
    }
    let Some(timer) = timer else {
        return read.await;
    };
    match futures_util::future::select(read, timer.sleep(timeout)).await {
        Either::Left((result, _)) => result,
        Either::Right(((), _)) => Err(BodyError::TimedOut),
    }
}

/// Reads every data frame of `body` (at most `limit` bytes in all). A body of one frame, the
/// usual case, is returned as that frame without copying.
async fn collect_body<B>(body: &mut B, limit: usize) -> Result<Bytes, BodyError>
where
    B: Body<Data = Bytes> + Unpin,
{
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|_| BodyError::Unreadable)?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        total = total.saturating_add(data.len());
        if total > limit {
            return Err(BodyError::TooLarge { limit });
        }
        if data.is_empty() {
            continue;
        }
        match first.take() {
            None if joined.is_empty() => first = Some(data),
            None => joined.extend_from_slice(&data),
            Some(previous) => {
                joined.reserve(previous.len() + data.len());
                joined.extend_from_slice(&previous);
                joined.extend_from_slice(&data);
            }
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(joined)))
}
