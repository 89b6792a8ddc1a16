//! Shared pieces of leanrpc's benchmarks: the leanrpc service under test, the hand-written serde
//! floor it is measured against, the request bodies, a hand-written API key check for the
//! servers that have no key support of their own, the in-process requests, and a scratch
//! PostgreSQL database for the backend benches.
//!
//! The benches (`benches/inprocess.rs`) and the load-test servers (`examples/*.rs`) use these so
//! that every contender parses the same bytes and runs the same method bodies. jsonrpsee is a
//! dev-dependency only, so its side lives in `benches/common/jsonrpsee_api.rs`.

pub mod bodies;
pub mod floor;
pub mod keycheck;
pub mod request;
pub mod scratch_db;
pub mod service;
