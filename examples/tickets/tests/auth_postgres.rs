//! `tests/auth.rs` again, against a server that keeps its data and its API keys in PostgreSQL
//! (a fresh database per test; see `support::backend`): every broken-auth answer, revocation,
//! expiry, rotation and rate limiting, with the keys read from PostgreSQL.

#[path = "auth.rs"]
mod auth;
