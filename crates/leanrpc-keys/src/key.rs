//! The key text: minting `lt_{key_id}_{secret}` and parsing it back from header bytes.
//!
//! A key is three parts joined by `_`:
//!
//! | part | length | content |
//! |---|---|---|
//! | prefix | 1 to 16 | ASCII letters and digits, `lt` by default |
//! | key id | 12 | base62, public: the store's lookup id |
//! | secret | 38 | 32 base62 characters from the OS CSPRNG (190 bits), then a 6-character base62 CRC32 of everything before it |
//!
//! The checksum (GitHub's token scheme) lets a server refuse a mistyped or made-up key before
//! any store lookup. It adds no secrecy: the 32 random characters carry all of it.

use std::fmt;

use zeroize::Zeroizing;

/// Characters of the key id.
pub const KEY_ID_LEN: usize = 12;
/// Random characters at the start of the secret.
pub const RANDOM_LEN: usize = 32;
/// Checksum characters at the end of the secret.
pub const CHECKSUM_LEN: usize = 6;
/// Characters of the secret: the random part and the checksum.
pub const SECRET_LEN: usize = RANDOM_LEN + CHECKSUM_LEN;
/// The longest prefix [`KeyFormat::new`] accepts.
pub const MAX_PREFIX_LEN: usize = 16;

const BASE62: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// How keys are written: the prefix (`lt` by default) and the fixed layout around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFormat {
    prefix: String,
}

impl Default for KeyFormat {
    fn default() -> Self {
        Self {
            prefix: "lt".to_owned(),
        }
    }
}

impl KeyFormat {
    /// A format with `prefix`: 1 to 16 ASCII letters or digits (no `_`, which separates parts).
    pub fn new(prefix: impl Into<String>) -> Result<Self, InvalidPrefix> {
        let prefix = prefix.into();
        if prefix.is_empty()
            || prefix.len() > MAX_PREFIX_LEN
            || !prefix.bytes().all(|b| b.is_ascii_alphanumeric())
        {
            return Err(InvalidPrefix(prefix));
        }
        Ok(Self { prefix })
    }

    /// The prefix, without the `_`.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// The length of every key in this format, in bytes.
    pub fn key_len(&self) -> usize {
        self.prefix.len() + 1 + KEY_ID_LEN + 1 + SECRET_LEN
    }

    /// Mints a new key from the operating system's random source.
    pub fn mint(&self) -> Result<ApiKey, MintError> {
        // Exact capacity, so the string never reallocates and leaves a copy behind.
        let mut text = Zeroizing::new(String::with_capacity(self.key_len()));
        text.push_str(&self.prefix);
        text.push('_');
        push_random_base62(&mut text, KEY_ID_LEN)?;
        text.push('_');
        push_random_base62(&mut text, RANDOM_LEN)?;
        let checksum = crc32(text.as_bytes());
        push_checksum(&mut text, checksum);
        debug_assert_eq!(text.len(), self.key_len());
        Ok(ApiKey {
            text,
            prefix_len: self.prefix.len(),
        })
    }

    /// Parses header bytes as a key of this format. Never panics, whatever the bytes; surrounding
    /// ASCII whitespace is ignored and anything of the wrong length is refused before it is read.
    pub fn parse<'a>(&self, raw: &'a [u8]) -> Result<KeyParts<'a>, MalformedKey> {
        let raw = raw.trim_ascii();
        if raw.len() != self.key_len() {
            return Err(MalformedKey::Length);
        }
        let p = self.prefix.len();
        let (prefix, rest) = raw.split_at(p);
        if prefix != self.prefix.as_bytes() {
            return Err(MalformedKey::Prefix);
        }
        let (key_id, secret) = (&rest[1..=KEY_ID_LEN], &rest[KEY_ID_LEN + 2..]);
        if rest[0] != b'_'
            || rest[KEY_ID_LEN + 1] != b'_'
            || !key_id.iter().chain(secret).all(u8::is_ascii_alphanumeric)
        {
            return Err(MalformedKey::Shape);
        }
        let (body, checksum) = raw.split_at(raw.len() - CHECKSUM_LEN);
        if decode_checksum(checksum) != Some(crc32(body)) {
            return Err(MalformedKey::Checksum);
        }
        // Every byte was checked to be ASCII, so both conversions succeed.
        match (std::str::from_utf8(key_id), std::str::from_utf8(secret)) {
            (Ok(key_id), Ok(secret)) => Ok(KeyParts { key_id, secret }),
            _ => Err(MalformedKey::Shape),
        }
    }
}

/// A newly minted key: the only moment its full text exists. It is zeroized when dropped,
/// and neither `Debug` nor anything else in this crate prints it; only [`ApiKey::reveal`] does.
pub struct ApiKey {
    text: Zeroizing<String>,
    prefix_len: usize,
}

impl ApiKey {
    /// The public key id.
    pub fn key_id(&self) -> &str {
        let start = self.prefix_len + 1;
        &self.text[start..start + KEY_ID_LEN]
    }

    /// The key's parts, as [`KeyFormat::parse`] would return them.
    pub fn parts(&self) -> KeyParts<'_> {
        KeyParts {
            key_id: self.key_id(),
            secret: &self.text[self.text.len() - SECRET_LEN..],
        }
    }

    /// The full key text, to hand to its owner once. Do not log or store it.
    pub fn reveal(&self) -> &str {
        &self.text
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("key_id", &self.key_id())
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// A parsed key borrowed from request bytes: the public id and the secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct KeyParts<'a> {
    key_id: &'a str,
    secret: &'a str,
}

impl<'a> KeyParts<'a> {
    /// The public key id.
    pub fn key_id(&self) -> &'a str {
        self.key_id
    }

    /// The secret (random part and checksum): what the store's digest is computed from.
    /// Do not log or store it.
    pub fn secret(&self) -> &'a str {
        self.secret
    }
}

impl fmt::Debug for KeyParts<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("KeyParts")
            .field("key_id", &self.key_id)
            .field("secret", &"[redacted]")
            .finish()
    }
}

/// Why bytes are not a key. Reasons are for logs; clients get one answer for all of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MalformedKey {
    /// Not the length every key of this format has.
    Length,
    /// Does not start with this format's prefix.
    Prefix,
    /// Separators missing or characters outside base62.
    Shape,
    /// The checksum does not match: mistyped or made up.
    Checksum,
}

impl fmt::Display for MalformedKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MalformedKey::Length => "the key has the wrong length",
            MalformedKey::Prefix => "the key has the wrong prefix",
            MalformedKey::Shape => "the key is not `prefix_id_secret` in base62",
            MalformedKey::Checksum => "the key's checksum does not match",
        })
    }
}

impl std::error::Error for MalformedKey {}

/// A prefix [`KeyFormat::new`] refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidPrefix(pub String);

impl fmt::Display for InvalidPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid key prefix {:?}: expected 1 to {MAX_PREFIX_LEN} ASCII letters or digits",
            self.0
        )
    }
}

impl std::error::Error for InvalidPrefix {}

/// The operating system's random source failed, so no key was minted.
#[derive(Debug)]
pub struct MintError(getrandom::Error);

impl fmt::Display for MintError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the OS random source failed: {}", self.0)
    }
}

impl std::error::Error for MintError {}

/// Appends `n` uniformly random base62 characters, by rejection sampling: bytes >= 248 are
/// dropped so that `byte % 62` has no bias.
fn push_random_base62(out: &mut String, n: usize) -> Result<(), MintError> {
    let mut buf = Zeroizing::new([0u8; 64]);
    let mut pushed = 0;
    while pushed < n {
        getrandom::fill(&mut buf[..]).map_err(MintError)?;
        for &b in buf.iter().filter(|&&b| b < 248).take(n - pushed) {
            out.push(char::from(BASE62[usize::from(b % 62)]));
            pushed += 1;
        }
    }
    Ok(())
}

/// Appends `value` as exactly [`CHECKSUM_LEN`] base62 digits, most significant first
/// (62^6 > 2^32, so every CRC32 fits).
fn push_checksum(out: &mut String, mut value: u32) {
    let mut digits = [b'0'; CHECKSUM_LEN];
    for d in digits.iter_mut().rev() {
        *d = BASE62[(value % 62) as usize];
        value /= 62;
    }
    digits.iter().for_each(|&d| out.push(char::from(d)));
}

fn decode_checksum(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |acc, &d| {
        let digit = match d {
            b'0'..=b'9' => d - b'0',
            b'A'..=b'Z' => d - b'A' + 10,
            b'a'..=b'z' => d - b'a' + 36,
            _ => return None,
        };
        acc.checked_mul(62)?.checked_add(u32::from(digit))
    })
}

/// CRC-32 (IEEE 802.3, as zlib computes it).
fn crc32(bytes: &[u8]) -> u32 {
    crc32fast::hash(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_the_standard_check_value() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        for value in [0, 1, 61, 62, 0xCBF4_3926, u32::MAX] {
            let mut s = String::new();
            push_checksum(&mut s, value);
            assert_eq!(decode_checksum(s.as_bytes()), Some(value), "{s}");
        }
        assert_eq!(decode_checksum(b"zzzzzz"), None, "62^6 - 1 overflows u32");
    }

    #[test]
    fn minted_keys_parse_back() {
        let format = KeyFormat::default();
        let key = format.mint().unwrap();
        assert_eq!(key.reveal().len(), format.key_len());
        assert!(key.reveal().starts_with("lt_"));
        assert_eq!(key.reveal().split('_').count(), 3);
        let parts = format.parse(key.reveal().as_bytes()).unwrap();
        assert_eq!(parts, key.parts());
        assert_eq!(parts.key_id(), key.key_id());
        assert_eq!(parts.secret().len(), SECRET_LEN);
        assert_ne!(format.mint().unwrap().reveal(), key.reveal());
    }

    #[test]
    fn prefixes_are_checked() {
        assert!(KeyFormat::new("acme2").is_ok());
        for bad in ["", "a_b", "é", "seventeen-chars!!", "x y"] {
            assert!(KeyFormat::new(bad).is_err(), "{bad}");
        }
        let key = KeyFormat::new("acme").unwrap().mint().unwrap();
        assert_eq!(
            KeyFormat::default().parse(key.reveal().as_bytes()),
            Err(MalformedKey::Length)
        );
    }
}
