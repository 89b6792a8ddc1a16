//! The leanrpc services under test: the specification's `subtract`, `sum` and `get_data` from
//! [`spec_server::Spec`] (the very methods the `spec-server` binary serves in the HTTP
//! comparison), plus [`Bench`]'s `strlen` (a large string param) and `sleep2` (2 ms of simulated
//! I/O). Both are mounted at the root.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use leanrpc::{Server, rpc_service};
use leanrpc_keys::{ApiKey, KeyAuthenticator, NewKey, SqliteStore};
use spec_server::Spec;

/// The benchmark-only methods. They keep no state.
#[derive(Debug, Default)]
pub struct Bench;

#[rpc_service]
impl Bench {
    /// Returns the length in bytes of `text`.
    fn strlen(&self, text: String) -> usize {
        crate::floor::strlen(&text)
    }

    /// Waits 2 ms, as a handler waiting on a database or another service would, then returns `n`.
    async fn sleep2(&self, n: i64) -> i64 {
        crate::floor::sleep2(n).await
    }
}

/// The benchmark server without authentication.
pub fn server() -> Server {
    Server::builder()
        .service(Spec)
        .service(Bench)
        .build()
        .expect("the bench service builds")
}

/// [`server`] with the Prometheus call metrics of `leanrpc-telemetry` on (install the
/// recorder first: `leanrpc_telemetry::install_prometheus`).
pub fn metered_server() -> Server {
    Server::builder()
        .observer(leanrpc_telemetry::CallMetrics::new())
        .service(Spec)
        .service(Bench)
        .build()
        .expect("the bench service builds")
}

/// A key store in `dir` holding one fresh owner key, and the authenticator over it.
pub struct Keyed {
    /// The server, requiring `x-api-key`.
    pub server: Server,
    /// The one valid key.
    pub key: ApiKey,
    /// The store behind it.
    pub store: Arc<SqliteStore>,
}

impl std::fmt::Debug for Keyed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyed")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// The benchmark server behind [`KeyAuthenticator`] over a [`SqliteStore`] in `dir`, with the
/// defaults a deployment has (30 s key cache, per-address failure limit, usage recording), and
/// one owner key.
pub async fn keyed_server(dir: &std::path::Path) -> Keyed {
    let store = Arc::new(SqliteStore::open(dir.join("keys.sqlite3")).expect("open the key store"));
    let scheme = leanrpc_keys::KeyScheme::default();
    let (key, _) =
        leanrpc_keys::create_key(&*store, &scheme, NewKey::new("bench", leanrpc::Role::Owner))
            .await
            .expect("create a key");
    let auth = KeyAuthenticator::builder(Arc::clone(&store))
        .scheme(scheme)
        .build();
    let server = Server::builder()
        .authenticator(auth)
        .service(Spec)
        .service(Bench)
        .build()
        .expect("the bench service builds");
    Keyed { server, key, store }
}

/// Parses `--listen ADDR` (default `127.0.0.1:0`) and the flags in `flags` from the command line
/// of a load-test server; returns the address and which flags were given.
pub fn listen_arg<const N: usize>(flags: [&str; N]) -> (SocketAddr, [bool; N]) {
    let mut addr = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut seen = [false; N];
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--listen" {
            addr = args
                .next()
                .and_then(|a| a.parse().ok())
                .expect("--listen takes an address such as 127.0.0.1:8080");
        } else if let Some(i) = flags.iter().position(|f| *f == arg) {
            seen[i] = true;
        } else {
            panic!("unknown argument {arg:?}; expected --listen ADDR or one of {flags:?}");
        }
    }
    (addr, seen)
}

/// How long `sleep2` waits.
pub const SLEEP: Duration = Duration::from_millis(2);
