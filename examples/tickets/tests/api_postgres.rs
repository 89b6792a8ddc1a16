//! `tests/api.rs` again, against a server that keeps its data in PostgreSQL (a fresh database
//! per test; see `support::backend`): every answer the SQLite server gives, the PostgreSQL one
//! gives too.

#[path = "api.rs"]
mod api;
