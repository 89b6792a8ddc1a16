//! Shared pieces of leanrpc's benchmarks: the leanrpc service under test, the hand-written serde
//! floor it is measured against, the request bodies, and a hand-written API key check for the
//! servers that have no key support of their own.
//!
//! The benches (`benches/inprocess.rs`) and the load-test servers (`examples/*.rs`) use these so
//! that every contender parses the same bytes and runs the same method bodies. jsonrpsee is a
//! dev-dependency only, so its side lives in `benches/common/jsonrpsee_api.rs`.

pub mod bodies;
pub mod floor;
pub mod keycheck;
pub mod service;
