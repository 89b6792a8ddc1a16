//! The invariants the fuzz targets check. The oracle is the one the property tests use
//! (`crates/leanrpc-http/tests/support/mod.rs`), included by path so both check the same rules.

#![forbid(unsafe_code)]

#[path = "../../crates/leanrpc-http/tests/support/mod.rs"]
pub mod support;

pub use support::{check_get, check_post};

mod keys;

pub use keys::check_api_key;
