//! API keys for leanrpc, done the way the most trusted APIs do them.
//!
//! - **Format** `lt_{key_id}_{secret}` ([`KeyFormat`]): a configurable prefix, a 12-character
//!   public key id, and a 38-character secret (32 base62 characters from the OS CSPRNG, 190 bits,
//!   then a base62 CRC32 so mistyped keys are refused before any store lookup). The full key
//!   exists only when minted ([`ApiKey`], zeroized on drop, redacted in `Debug`).
//! - **Storage** keeps only SHA-256 of the secret, or HMAC-SHA-256 with a server-side pepper
//!   ([`SecretHasher`]), compared in constant time: in memory ([`MemoryStore`]) or in a SQLite
//!   file ([`SqliteStore`], WAL mode, every commit synced, files 0600, safe to share with the
//!   CLI while the server runs), or in PostgreSQL (`PgKeyStore`, feature `postgres`: one
//!   database shared by several server instances, each change pushed to all of them with
//!   `LISTEN`/`NOTIFY`). Any other backend implements [`KeyStore`] (each record a
//!   [`StoredKey`] holding the key's [`Grant`](leanrpc_core::Grant)) and proves it with the
//!   conformance suite (feature `conformance`), which every built-in store passes.
//! - **Authentication** ([`KeyAuthenticator`], a [`leanrpc_core::Authenticator`]): one answer
//!   for unknown, wrong, revoked and expired keys, each costing one store read so timing does
//!   not tell them apart; records cached for up to 30 s, with status checked on every request
//!   and the store's change counter read every 250 ms, so a revocation, expiry or rotation made
//!   by any process sharing the store applies within 250 ms; failed attempts counted per client
//!   address (past the limit, failures get 429, and valid keys are still accepted); an optional
//!   per-key call limit; coarse `last_used_at` written off the request path.
//! - **Management**: [`create_key`], [`revoke_key`], [`rotate_key`], the embeddable
//!   [`cli::KeysCommand`], and the `leanrpc-keys --db PATH <command>` binary.
//!
//! ```
//! use leanrpc_core::{Authenticator, AuthError, Credentials, Role};
//! use leanrpc_keys::{KeyAuthenticator, KeyScheme, MemoryStore, NewKey, RateLimit, create_key};
//!
//! # futures_executor::block_on(async {
//! let store = std::sync::Arc::new(MemoryStore::new());
//! let scheme = KeyScheme::default();
//! let new = NewKey::new("ci", Role::Editor).projects([7]);
//! let (key, _stored) = create_key(&*store, &scheme, new).await.unwrap();
//! // Show `key.reveal()` to its owner once; the store holds only its digest.
//!
//! let auth = KeyAuthenticator::builder(store)
//!     .scheme(scheme)
//!     .rate_limit(Some(RateLimit::per_minute(120)))
//!     .build();
//! let caller = auth
//!     .authenticate(Credentials::new(Some(key.reveal().as_bytes()), None))
//!     .await
//!     .unwrap();
//! assert_eq!((caller.grant().role, caller.grant().projects.as_slice()), (Role::Editor, &[7][..]));
//!
//! // The last character changed (to one it is not), so the checksum no longer matches.
//! let (head, last) = key.reveal().split_at(key.reveal().len() - 1);
//! let wrong = format!("{head}{}", if last == "x" { "y" } else { "x" });
//! let refused = auth.authenticate(Credentials::new(Some(wrong.as_bytes()), None));
//! assert_eq!(refused.await.unwrap_err(), AuthError::Malformed);
//! # });
//! ```
//!
//! Mount it with `Server::builder().authenticator(auth)`; the server authenticates once per
//! HTTP request and charges every call of a batch against the key's rate limit.
//!
//! Features: `sqlite` ([`SqliteStore`]) and `cli` ([`cli`]), both on by default; `postgres`
//! (`PgKeyStore`: keys in PostgreSQL, shared by several server instances, changes pushed with
//! `LISTEN`/`NOTIFY`); `redis` (`RedisLimits`: the call and failed-attempt limits counted in
//! Redis, shared by several server instances); and `conformance` (the store conformance suite,
//! for store authors' tests).

mod authenticator;
mod cache;
#[cfg(feature = "cli")]
pub mod cli;
#[cfg(feature = "conformance")]
pub mod conformance;
mod digest;
mod key;
mod limit;
mod manage;
mod memory;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "redis")]
mod redis_limits;
mod scheme;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;
pub mod time;
mod usage;

pub use authenticator::{
    DEFAULT_CACHE_TTL, DEFAULT_CHANGE_CHECK_INTERVAL, DEFAULT_FAILED_ATTEMPT_LIMIT,
    DEFAULT_USAGE_INTERVAL, KeyAuthenticator, KeyAuthenticatorBuilder,
};
pub use digest::{PEPPER_ENV, SecretHasher};
pub use key::{
    ApiKey, CHECKSUM_LEN, InvalidPrefix, KEY_ID_LEN, KeyFormat, KeyParts, MAX_PREFIX_LEN,
    MalformedKey, MintError, RANDOM_LEN, SECRET_LEN,
};
pub use limit::RateLimit;
pub use manage::{ManageError, Rotation, create_first_key, create_key, revoke_key, rotate_key};
pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::{DEFAULT_POOL_SIZE, NOTIFY_CHANNEL, PgKeyStore, describe_url};
#[cfg(feature = "redis")]
pub use redis_limits::{DEFAULT_REDIS_PREFIX, RedisLimits, RedisUrlError};
pub use scheme::{KeyScheme, NewKey};
#[cfg(feature = "sqlite")]
pub use sqlite::{SqliteStore, private_sqlite_files};
pub use store::{ChangeListener, KeyChange, KeyStatus, KeyStore, StoreError, StoredKey};
