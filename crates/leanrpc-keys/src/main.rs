//! `leanrpc-keys --db PATH <command>`: manage API keys in a SQLite key store.
//!
//! Run with: cargo run -p leanrpc-keys -- --db keys.db create --role editor --name ci

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use leanrpc_keys::cli::{self, KeysCommand};
use leanrpc_keys::{KeyFormat, KeyScheme, PEPPER_ENV, SecretHasher, SqliteStore};

/// Manage leanrpc API keys in a SQLite key store.
#[derive(Debug, Parser)]
#[command(
    name = "leanrpc-keys",
    version,
    after_help = format!(
        "If the server peppers its digests, set {PEPPER_ENV} to the same pepper here."
    )
)]
struct Args {
    /// The SQLite database file (created if missing).
    #[arg(long, value_name = "PATH")]
    db: PathBuf,
    /// The key prefix, the first part of `prefix_id_secret`.
    #[arg(long, default_value = "lt")]
    prefix: String,
    #[command(subcommand)]
    command: KeysCommand,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let format = match KeyFormat::new(args.prefix) {
        Ok(format) => format,
        Err(error) => return fail(&error),
    };
    let store = match SqliteStore::open(&args.db) {
        Ok(store) => store,
        Err(error) => return fail(&format!("{}: {error}", args.db.display())),
    };
    let scheme = KeyScheme::new(format, SecretHasher::from_env());
    let mut stdout = std::io::stdout().lock();
    match futures_executor::block_on(cli::run(&store, &scheme, args.command, &mut stdout)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

fn fail(error: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("error: {error}");
    ExitCode::FAILURE
}
