//! Procedural macros for leanrpc. Use them through the `leanrpc` facade.
