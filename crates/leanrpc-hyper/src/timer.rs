//! tokio's clock for the core.

use std::time::Duration;

use leanrpc_core::BoxFuture;

/// tokio's clock for [`leanrpc_core::ServerBuilder::call_timeout`].
#[derive(Debug, Clone, Copy, Default)]
pub struct Tokio;

impl leanrpc_core::Timer for Tokio {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}
