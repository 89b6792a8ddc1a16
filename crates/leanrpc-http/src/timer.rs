//! tokio's clock (feature `tokio`).

use std::time::Duration;

use leanrpc_core::BoxFuture;

/// tokio's clock, for the body read timeout of an [`Endpoint`](crate::Endpoint) (its default
/// with this feature) and for [`ServerBuilder::call_timeout`](leanrpc_core::ServerBuilder::call_timeout).
#[derive(Debug, Clone, Copy, Default)]
pub struct Tokio;

impl leanrpc_core::Timer for Tokio {
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}
