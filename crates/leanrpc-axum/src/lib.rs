//! Mounts a leanrpc server on an axum `Router`.
