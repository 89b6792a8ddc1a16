//! Any bytes as a POST body, to two servers: never a panic; an empty answer only when every
//! item was a valid notification; otherwise valid JSON with one answer per item that needs
//! one, ids echoed byte for byte.

#![no_main]

libfuzzer_sys::fuzz_target!(|body: &[u8]| leanrpc_fuzz::check_post(body));
