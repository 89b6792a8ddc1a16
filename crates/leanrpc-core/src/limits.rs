//! Resource limits, each with a safe default.

use std::time::Duration;

/// Bounds on what one request may cost. Every field has a documented default; see the README's
/// limits table. Start from [`Limits::default`] and change what you need:
///
/// ```
/// use leanrpc_core::Limits;
///
/// let limits = Limits::default().max_batch_len(100).batch_concurrency(8);
/// assert_eq!((limits.max_batch_len, limits.batch_concurrency), (100, 8));
/// assert_eq!(limits.max_body_bytes, 2 * 1024 * 1024);
/// ```
///
/// The struct is `#[non_exhaustive]`: new limits can be added without breaking anyone, so it
/// cannot be written as a struct literal outside this crate. Its fields stay public to read
/// (and to assign one by one on a `Limits` you own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest POST body, in bytes (default 2 MiB). Over it: HTTP 413 with -32600.
    pub max_body_bytes: usize,
    /// Most calls in one batch (default 1,000). Over it: one -32600 that says so.
    pub max_batch_len: usize,
    /// Deepest nesting of arrays and objects in a body (default 64, at most 127: serde_json's
    /// own recursion guard sits at 128). Over it: -32700 that says so.
    pub max_depth: usize,
    /// Longest GET query string, in bytes (default 16 KiB). Over it: HTTP 414 with -32600.
    pub max_query_bytes: usize,
    /// Largest single result, in bytes (default 16 MiB). Over it: -32000 for that call.
    pub max_response_bytes: usize,
    /// Most result bytes one request may answer with in all, shared by the calls of a batch
    /// (default 16 MiB). Results are charged in the order they are produced; a call whose
    /// result would go over what is left gets -32000 and the others still answer. Envelopes
    /// and error objects come on top, so a response holds at most this many bytes plus a few
    /// hundred per call. Without it, a batch of 1,000 calls could answer with 1,000 times
    /// [`max_response_bytes`](Self::max_response_bytes).
    pub max_total_response_bytes: usize,
    /// How many calls of one batch run at the same time (default 32).
    pub batch_concurrency: usize,
    /// How long an HTTP front end waits for a complete request body (default 30 s): a client
    /// that sends its body byte by byte cannot hold a connection longer. Over it: HTTP 408.
    /// Enforced by the front ends, which own the clock.
    pub body_read_timeout: Duration,
}

impl Limits {
    /// The deepest nesting that can be configured.
    pub const MAX_DEPTH_CEILING: usize = 127;

    /// The defaults (the same as [`Limits::default`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`Limits::max_body_bytes`].
    pub fn max_body_bytes(mut self, bytes: usize) -> Self {
        self.max_body_bytes = bytes;
        self
    }

    /// Sets [`Limits::max_batch_len`].
    pub fn max_batch_len(mut self, calls: usize) -> Self {
        self.max_batch_len = calls;
        self
    }

    /// Sets [`Limits::max_depth`]; the server holds it to [`Limits::MAX_DEPTH_CEILING`].
    pub fn max_depth(mut self, depth: usize) -> Self {
        self.max_depth = depth;
        self
    }

    /// Sets [`Limits::max_query_bytes`].
    pub fn max_query_bytes(mut self, bytes: usize) -> Self {
        self.max_query_bytes = bytes;
        self
    }

    /// Sets [`Limits::max_response_bytes`].
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = bytes;
        self
    }

    /// Sets [`Limits::max_total_response_bytes`].
    pub fn max_total_response_bytes(mut self, bytes: usize) -> Self {
        self.max_total_response_bytes = bytes;
        self
    }

    /// Sets [`Limits::batch_concurrency`] (a batch still runs one call at a time at 0).
    pub fn batch_concurrency(mut self, calls: usize) -> Self {
        self.batch_concurrency = calls;
        self
    }

    /// Sets [`Limits::body_read_timeout`].
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.body_read_timeout = timeout;
        self
    }
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_body_bytes: 2 * 1024 * 1024,
            max_batch_len: 1000,
            max_depth: 64,
            max_query_bytes: 16 * 1024,
            max_response_bytes: 16 * 1024 * 1024,
            max_total_response_bytes: 16 * 1024 * 1024,
            batch_concurrency: 32,
            body_read_timeout: Duration::from_secs(30),
        }
    }
}
