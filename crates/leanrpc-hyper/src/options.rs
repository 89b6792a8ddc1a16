//! Connection-level settings, each with a documented default.

use std::time::Duration;

/// How connections are accepted, timed and closed. Start from [`ServeOptions::new`] (the
/// defaults) and change what you need:
///
/// ```
/// use std::time::Duration;
/// let options = leanrpc_hyper::ServeOptions::new()
///     .write_timeout(Duration::from_secs(10))
///     .trusted_proxy_hops(1);
/// assert_eq!(options.max_connections, 1024);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServeOptions {
    /// How long a client may take to send a request's headers, and how long a keep-alive
    /// connection may sit idle before its next request (default 10 s). A client trickling
    /// headers, or holding a connection open without using it, is disconnected after it.
    pub header_read_timeout: Duration,
    /// How long a response may wait on a client that does not read it (default 30 s): when a
    /// write makes no progress for this long, the connection is closed. The clock restarts
    /// whenever the client takes bytes, so a slow but reading client is not cut off.
    pub write_timeout: Duration,
    /// Most connections served at once (default 1,024). Further clients wait in the listen
    /// backlog until a connection closes; the timeouts above bound how long that takes. Keep
    /// it below the process's file-descriptor limit (`ulimit -n`).
    pub max_connections: usize,
    /// How many `X-Forwarded-For` hops to believe (default 0: the socket's address is the
    /// client's). With `n` trusted proxies in front of the server, the client is the `n`-th
    /// entry from the right, which the nearest trusted proxy wrote; entries further left are
    /// the client's own claims. Turn it on only when every connection comes through those
    /// proxies: a client that reaches the server directly could otherwise name any address.
    pub trusted_proxy_hops: usize,
    /// How long in-flight requests may take to finish after shutdown begins (default 30 s).
    pub shutdown_grace: Duration,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(30),
            max_connections: 1024,
            trusted_proxy_hops: 0,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

impl ServeOptions {
    /// The defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets [`ServeOptions::header_read_timeout`].
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Sets [`ServeOptions::write_timeout`].
    pub fn write_timeout(mut self, timeout: Duration) -> Self {
        self.write_timeout = timeout;
        self
    }

    /// Sets [`ServeOptions::max_connections`] (at least 1).
    pub fn max_connections(mut self, max: usize) -> Self {
        self.max_connections = max.max(1);
        self
    }

    /// Sets [`ServeOptions::trusted_proxy_hops`].
    pub fn trusted_proxy_hops(mut self, hops: usize) -> Self {
        self.trusted_proxy_hops = hops;
        self
    }

    /// Sets [`ServeOptions::shutdown_grace`].
    pub fn shutdown_grace(mut self, grace: Duration) -> Self {
        self.shutdown_grace = grace;
        self
    }
}
