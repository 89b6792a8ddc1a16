//! The JSON-RPC 2.0 specification's example methods (`subtract`, `sum`, `get_data`, `update`,
//! `notify_hello`, `notify_sum`) as a `#[rpc_service]`: what the `spec-server` binary serves, and
//! what the benches (`benches/src/service.rs`) measure beside jsonrpsee and the floor, so the
//! in-process benches and the HTTP comparison run the very same methods.
//!
//! The HTTP endpoint's property tests and the fuzz targets keep a hand-expanded copy
//! (`crates/leanrpc-http/tests/support/mod.rs`), which also shows what the macro's output must
//! look like.

use leanrpc::{Params, RpcError, rpc_service};

/// The specification's example methods. They keep no state.
#[derive(Debug, Default, Clone, Copy)]
pub struct Spec;

#[rpc_service]
impl Spec {
    /// Subtracts `subtrahend` from `minuend` (positional `[minuend, subtrahend]` or named).
    fn subtract(&self, minuend: i64, subtrahend: i64) -> Result<i64, RpcError> {
        minuend.checked_sub(subtrahend).ok_or_else(overflow)
    }

    /// Adds any number of integers given positionally.
    fn sum(&self, #[rpc(raw)] params: Params<'_>) -> Result<i64, RpcError> {
        let terms: Vec<i64> = params.sequence()?;
        terms
            .iter()
            .try_fold(0i64, |acc, n| acc.checked_add(*n))
            .ok_or_else(overflow)
    }

    /// Returns `["hello", 5]`.
    #[rpc(name = "get_data")]
    fn get_data(&self) -> (&'static str, i64) {
        ("hello", 5)
    }

    /// Accepts anything and does nothing (the specification calls it as a notification).
    fn update(&self, #[rpc(raw)] _params: Params<'_>) {}

    /// Accepts anything and does nothing.
    #[rpc(name = "notify_hello")]
    fn notify_hello(&self, #[rpc(raw)] _params: Params<'_>) {}

    /// Accepts anything and does nothing.
    #[rpc(name = "notify_sum")]
    fn notify_sum(&self, #[rpc(raw)] _params: Params<'_>) {}
}

fn overflow() -> RpcError {
    RpcError::invalid_params("the result does not fit in a 64-bit signed integer")
}
