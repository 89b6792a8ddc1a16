//! Any query string as a GET, to two servers: never a panic; where the query decodes, the
//! answer is byte-identical to POSTing the equivalent JSON and passes the POST invariants.

#![no_main]

libfuzzer_sys::fuzz_target!(|query: &[u8]| {
    // An HTTP stack hands over the query as text; non-UTF-8 bytes arrive percent-encoded.
    if let Ok(query) = std::str::from_utf8(query) {
        leanrpc_fuzz::check_get(query);
    }
});
