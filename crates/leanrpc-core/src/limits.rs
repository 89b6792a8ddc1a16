//! Resource limits, each with a safe default.

/// Bounds on what one request may cost. Every field has a documented default; see the README's
/// limits table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// How long an HTTP adapter waits for a complete request body (default 30 s): a client
    /// that sends its body byte by byte cannot hold a connection longer. Over it: HTTP 408.
    /// Enforced by the adapters, which own the clock.
    pub body_read_timeout: std::time::Duration,
}

impl Limits {
    /// The deepest nesting that can be configured.
    pub const MAX_DEPTH_CEILING: usize = 127;
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
            body_read_timeout: std::time::Duration::from_secs(30),
        }
    }
}
