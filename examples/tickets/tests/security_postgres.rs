//! `tests/security.rs` again, against a server that keeps its data and its API keys in
//! PostgreSQL (a fresh database per test; see `support::backend`): the same attacks get the same
//! answers, and what must stay out of the data directory's files stays out of the database.

#[path = "security.rs"]
mod security;
