//! Code shared by the benches (and, through `#[path]`, by the load-test servers).

pub(crate) mod jsonrpsee_api;
pub(crate) mod paired;
pub(crate) mod table;
