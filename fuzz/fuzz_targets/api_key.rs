//! Any bytes as an `x-api-key` header: never a panic; the parser accepts exactly the keys an
//! independent reading of `prefix_id_secret` with its CRC-32 accepts, and the authenticator
//! accepts exactly the one stored key.

#![no_main]

libfuzzer_sys::fuzz_target!(|header: &[u8]| leanrpc_fuzz::check_api_key(header));
