//! Every log line, at every level, while keys are created, used, refused, rotated and revoked:
//! none of them holds a key or a secret.

#![cfg(feature = "cli")]

mod common;

use std::io::Write;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_executor::block_on;
use leanrpc_core::{Role, Server};
use leanrpc_keys::cli::{self, CreateArgs, KeysCommand};
use leanrpc_keys::{KeyAuthenticator, KeyFormat, KeyScheme, KeyStore, MemoryStore, RateLimit};

use common::post;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn run(store: &MemoryStore, command: KeysCommand) -> String {
    let mut out = Vec::new();
    block_on(cli::run(store, &KeyScheme::default(), command, &mut out)).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn logs_never_hold_a_secret() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let mut keys = Vec::new();
    tracing::subscriber::with_default(subscriber, || {
        let store = Arc::new(MemoryStore::new());
        let create = KeysCommand::Create(CreateArgs {
            role: Role::Editor,
            projects: vec![1],
            scopes: vec![],
            name: Some("logged".into()),
            expires: None,
        });
        let key = run(&store, create).lines().last().unwrap().to_owned();
        let key_id = key.split('_').nth(1).unwrap().to_owned();
        let auth = KeyAuthenticator::builder(Arc::clone(&store))
            .cache_ttl(Duration::ZERO)
            .rate_limit(Some(RateLimit::per_minute(2)))
            .failed_attempt_limit(Some(RateLimit::per_minute(3)))
            .build();
        let server = Server::builder().authenticator(auth).build().unwrap();
        let call = r#"{"jsonrpc":"2.0","method":"nope","id":1}"#;
        let peer: IpAddr = [192, 0, 2, 1].into();
        let mut typo = key.clone().into_bytes();
        let last = typo.len() - 1;
        typo[last] = if typo[last] == b'0' { b'1' } else { b'0' };
        // A well-formed key whose id is stored with some other secret's digest.
        let wrong = KeyFormat::default().mint().unwrap();
        let mut record = block_on(store.find(&key_id)).unwrap().unwrap();
        record.key_id = wrong.key_id().to_owned();
        block_on(store.insert(record)).unwrap();
        let unknown = KeyFormat::default().mint().unwrap();
        for (header, peer) in [
            (Some(key.as_bytes()), None),
            (Some(key.as_bytes()), None),
            (Some(key.as_bytes()), None),
            (Some(wrong.reveal().as_bytes()), Some(peer)),
            (Some(unknown.reveal().as_bytes()), Some(peer)),
            (Some(&typo[..]), Some(peer)),
            (Some(&key.as_bytes()[..last]), Some(peer)),
            (None, Some(peer)),
            (Some(key.as_bytes()), Some(peer)),
        ] {
            post(&server, header, call, peer);
        }
        let rotated = run(
            &store,
            KeysCommand::Rotate {
                key_id: key_id.clone(),
                overlap: None,
            },
        );
        keys.push(rotated.lines().last().unwrap().to_owned());
        post(&server, Some(key.as_bytes()), call, None);
        run(&store, KeysCommand::Revoke { key_id });
        run(&store, KeysCommand::List);
        keys.push(key);
        keys.push(wrong.reveal().to_owned());
        keys.push(unknown.reveal().to_owned());
    });
    let logs = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    for expected in [
        "created API key",
        "wrong secret",
        "unknown API key id",
        "checksum",
        "too many failed",
        "rotated API key",
        "revoked API key",
    ] {
        assert!(logs.contains(expected), "{expected:?} not logged:\n{logs}");
    }
    for key in &keys {
        let secret = key.rsplit('_').next().unwrap();
        for needle in [
            key.as_str(),
            secret,
            &secret[..12],
            &secret[secret.len() - 12..],
        ] {
            assert!(!logs.contains(needle), "{needle} logged:\n{logs}");
        }
    }
}
