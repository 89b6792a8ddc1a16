//! `tests/faults.rs` again, against a server that keeps its data in PostgreSQL (a fresh database
//! per test; see `support::backend`): a table lock held by another session, the database turned
//! read-only under the server, and SIGTERM during a write load; each answered clearly and
//! recovered from, with no acknowledged write lost.

#[path = "faults.rs"]
mod faults;
