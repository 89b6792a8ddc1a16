//! Request ids: an incoming `x-request-id` is kept when it is sound, otherwise one is made; the
//! id goes back on the response, onto the request's span, and to handlers (as the request's
//! `x-request-id` header).

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher as _;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// The header that carries the request id, both ways.
pub const REQUEST_ID_HEADER: &str = "x-request-id";

/// The longest request id kept (longer ones are replaced).
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// Whether `value` is kept as a request id: 1 to [`MAX_REQUEST_ID_LEN`] bytes of visible ASCII
/// (no spaces, no control characters), so it is safe in a header, a log line and a label.
pub fn is_valid_request_id(value: &[u8]) -> bool {
    !value.is_empty()
        && value.len() <= MAX_REQUEST_ID_LEN
        && value.iter().all(|b| (0x21..0x7f).contains(b))
}

/// A new request id: 32 hex digits, unique within the process (a counter) and unlikely to
/// repeat across processes (a random start).
pub fn make_request_id() -> String {
    static SEED: OnceLock<u64> = OnceLock::new();
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let seed = *SEED.get_or_init(|| RandomState::new().hash_one(std::process::id()));
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    // The counter goes through a bijective mix so ids do not read as a sequence.
    format!("{seed:016x}{:016x}", mix(n ^ seed))
}

/// A bijection of u64 (SplitMix64's finalizer).
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The request's headers as the core reads them, with `x-request-id` as the request id in
/// force (the client's, or the one made for it): handlers see the id the answer carries.
pub(crate) struct WithRequestId<'a> {
    pub(crate) headers: crate::HttpHeaders<'a>,
    pub(crate) request_id: &'a str,
}

impl leanrpc_core::HeaderSource for WithRequestId<'_> {
    fn header(&self, name: &str) -> Option<&[u8]> {
        if name == REQUEST_ID_HEADER {
            return Some(self.request_id.as_bytes());
        }
        self.headers.header(name)
    }

    fn header_count(&self, name: &str) -> usize {
        if name == REQUEST_ID_HEADER {
            return 1;
        }
        self.headers.header_count(name)
    }
}

/// The request's id: its `x-request-id` when there is exactly one and it is valid, otherwise a
/// new one.
pub fn request_id_of(headers: &http::HeaderMap) -> String {
    let mut values = headers.get_all(REQUEST_ID_HEADER).iter();
    match (values.next(), values.next()) {
        (Some(value), None) if is_valid_request_id(value.as_bytes()) => {
            // Visible ASCII is UTF-8.
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        }
        _ => make_request_id(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_visible_ascii_is_kept() {
        assert!(is_valid_request_id(b"abc-123_XYZ.~:/"));
        assert!(is_valid_request_id(&[b'a'; MAX_REQUEST_ID_LEN]));
        for bad in [
            &b""[..],
            b"has space",
            b"tab\there",
            b"nl\n",
            b"\x7f",
            "é".as_bytes(),
            &[b'a'; MAX_REQUEST_ID_LEN + 1],
        ] {
            assert!(!is_valid_request_id(bad), "{bad:?}");
        }
    }

    #[test]
    fn made_ids_are_distinct_and_valid() {
        let ids: std::collections::HashSet<String> = (0..1000).map(|_| make_request_id()).collect();
        assert_eq!(ids.len(), 1000);
        for id in &ids {
            assert_eq!(id.len(), 32);
            assert!(is_valid_request_id(id.as_bytes()), "{id}");
        }
    }

    #[test]
    fn a_sound_incoming_id_is_kept_and_others_replaced() {
        let mut headers = http::HeaderMap::new();
        assert_eq!(request_id_of(&headers).len(), 32);
        headers.insert(REQUEST_ID_HEADER, "client-7".parse().unwrap());
        assert_eq!(request_id_of(&headers), "client-7");
        headers.append(REQUEST_ID_HEADER, "client-8".parse().unwrap());
        let two = request_id_of(&headers);
        assert!(two != "client-7" && two != "client-8", "{two}");
        headers.insert(REQUEST_ID_HEADER, "x".repeat(200).parse().unwrap());
        assert_eq!(request_id_of(&headers).len(), 32);
        headers.insert(
            REQUEST_ID_HEADER,
            http::HeaderValue::from_bytes(b"caf\xc3\xa9").unwrap(),
        );
        assert_eq!(request_id_of(&headers).len(), 32);
    }
}
