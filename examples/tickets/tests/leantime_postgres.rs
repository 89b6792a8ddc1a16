//! `tests/leantime.rs` again, against a server that keeps its data in PostgreSQL (a fresh
//! database per test; see `support::backend`).

#[path = "leantime.rs"]
mod leantime;
