//! The `x-api-key` parser ([`KeyFormat::parse`]) against an independent reading of the key
//! layout, and the whole check ([`KeyAuthenticator::verify`]) against one stored key.

use std::sync::{Arc, LazyLock};

use leanrpc_core::Role;
use leanrpc_keys::{
    CHECKSUM_LEN, KEY_ID_LEN, KeyAuthenticator, KeyFormat, KeyScheme, MemoryStore, NewKey,
    SECRET_LEN, create_key,
};

/// An authenticator over a memory store holding one key, and that key's text.
struct OneKey {
    auth: KeyAuthenticator<Arc<MemoryStore>>,
    key: String,
}

static ONE_KEY: LazyLock<OneKey> = LazyLock::new(|| {
    let store = Arc::new(MemoryStore::new());
    let scheme = KeyScheme::default();
    let (key, _) = futures_executor::block_on(create_key(
        &*store,
        &scheme,
        NewKey::new("fuzz", Role::Readonly),
    ))
    .expect("a key is minted and stored");
    let auth = KeyAuthenticator::builder(store)
        .scheme(scheme)
        .failed_attempt_limit(None)
        .usage_interval(None)
        .build();
    OneKey {
        auth,
        key: key.reveal().to_owned(),
    }
});

/// CRC-32 (IEEE), written again here so the oracle does not share the crate's code.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

fn base62_value(b: u8) -> Option<u64> {
    let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    digits.iter().position(|&d| d == b).map(|p| p as u64)
}

/// Whether `text` (already trimmed) is a key of `prefix`: `{prefix}_{12 base62}_{38 base62}`
/// whose last 6 characters are the base62 CRC-32 of everything before them.
fn is_key(prefix: &str, text: &[u8]) -> bool {
    let Some(rest) = text
        .strip_prefix(prefix.as_bytes())
        .and_then(|r| r.strip_prefix(b"_"))
    else {
        return false;
    };
    if rest.len() != KEY_ID_LEN + 1 + SECRET_LEN || rest[KEY_ID_LEN] != b'_' {
        return false;
    }
    let (id, secret) = (&rest[..KEY_ID_LEN], &rest[KEY_ID_LEN + 1..]);
    if !id.iter().chain(secret).all(|&b| base62_value(b).is_some()) {
        return false;
    }
    let (body, checksum) = text.split_at(text.len() - CHECKSUM_LEN);
    let value = checksum
        .iter()
        .fold(0u64, |acc, &b| acc * 62 + base62_value(b).unwrap_or(0));
    value == u64::from(crc32(body))
}

/// Checks the parser on `header` for two formats, and the authenticator on `header` and on
/// the stored key changed at one place the input chooses.
pub fn check_api_key(header: &[u8]) {
    let formats = [
        KeyFormat::default(),
        KeyFormat::new("acme2").expect("a valid prefix"),
    ];
    for format in &formats {
        let trimmed = header.trim_ascii();
        let parsed = format.parse(header);
        assert_eq!(
            parsed.is_ok(),
            is_key(format.prefix(), trimmed),
            "parser and oracle disagree on {:?} ({parsed:?})",
            String::from_utf8_lossy(header)
        );
        if let Ok(parts) = parsed {
            let rebuilt = format!("{}_{}_{}", format.prefix(), parts.key_id(), parts.secret());
            assert_eq!(rebuilt.as_bytes(), trimmed, "parts do not rebuild the key");
        }
    }

    let one = &*ONE_KEY;
    let verify = |raw: &[u8]| futures_executor::block_on(one.auth.verify(Some(raw)));
    let result = verify(header);
    assert_eq!(
        result.is_ok(),
        header.trim_ascii() == one.key.as_bytes(),
        "{:?}: {result:?}",
        String::from_utf8_lossy(header)
    );

    // The stored key with one byte replaced: accepted only when the byte is unchanged (CRC-32
    // catches every single-byte change, and the digest catches the rest).
    if let [position, byte, ..] = *header {
        let mut key = one.key.clone().into_bytes();
        let at = usize::from(position) % key.len();
        let changed = key[at] != byte;
        key[at] = byte;
        let result = verify(&key);
        assert_eq!(result.is_ok(), !changed, "{key:?}: {result:?}");
        if changed {
            assert!(formats[0].parse(&key).is_err(), "a changed key parsed");
        }
    }
}
