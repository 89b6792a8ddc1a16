//! The same methods served by jsonrpsee, written the way its documentation shows: a
//! `#[rpc(server)]` trait and an impl, merged into an `RpcModule`. Shared by the in-process
//! benches and `examples/jsonrpsee_server.rs`.

use jsonrpsee::RpcModule;
use jsonrpsee::core::{RpcResult, async_trait};
use jsonrpsee::proc_macros::rpc;
use jsonrpsee::types::ErrorObjectOwned;
use leanrpc_benches::floor;

/// The benchmark methods.
#[rpc(server)]
pub(crate) trait BenchApi {
    /// Subtracts `subtrahend` from `minuend`.
    #[method(name = "subtract")]
    fn subtract(&self, minuend: i64, subtrahend: i64) -> RpcResult<i64>;

    /// Returns the length in bytes of `text`.
    #[method(name = "strlen")]
    fn strlen(&self, text: String) -> RpcResult<usize>;

    /// Waits 2 ms, then returns `n`.
    #[method(name = "sleep2")]
    async fn sleep2(&self, n: i64) -> RpcResult<i64>;
}

/// The implementation: the same bodies as leanrpc's and the floor's.
#[derive(Debug)]
pub(crate) struct Bench;

#[async_trait]
impl BenchApiServer for Bench {
    fn subtract(&self, minuend: i64, subtrahend: i64) -> RpcResult<i64> {
        floor::subtract(minuend, subtrahend).ok_or_else(|| {
            ErrorObjectOwned::owned(
                -32602,
                "the result does not fit in a 64-bit signed integer",
                None::<()>,
            )
        })
    }

    fn strlen(&self, text: String) -> RpcResult<usize> {
        Ok(floor::strlen(&text))
    }

    async fn sleep2(&self, n: i64) -> RpcResult<i64> {
        Ok(floor::sleep2(n).await)
    }
}

/// The module a jsonrpsee server would start with.
pub(crate) fn module() -> RpcModule<Bench> {
    Bench.into_rpc()
}
