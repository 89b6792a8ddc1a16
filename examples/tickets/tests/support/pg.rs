//! A fresh PostgreSQL database per test: `leanrpc_test_PID_N` on the server of
//! `LEANRPC_TEST_POSTGRES` (`postgres://postgres@127.0.0.1:5432/postgres` when unset), with an
//! English collation where the server offers one, dropped when the guard goes (also when the
//! test fails). A server that does not answer fails the test
//! with a message saying how to get one: the PostgreSQL suites never skip.

use std::sync::Once;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The variable naming the PostgreSQL server (any database on it) the tests may create
/// databases on.
pub const ENV: &str = "LEANRPC_TEST_POSTGRES";

/// The server when [`ENV`] is unset: the standard local port, user `postgres`, trust auth.
pub const DEFAULT: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database created for one test, dropped on drop.
#[derive(Debug)]
pub struct TestDatabase {
    /// Its URL (for `--database`).
    pub url: String,
    /// Whether a server was started on it (so it holds keys: no owner key is printed).
    pub served: bool,
    name: String,
    admin: String,
}

impl TestDatabase {
    /// Creates an empty database. Panics, saying why, when the server does not answer.
    pub fn create() -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        static SWEEP: Once = Once::new();
        let admin = std::env::var(ENV).unwrap_or_else(|_| DEFAULT.to_owned());
        SWEEP.call_once(|| sweep_stale(&admin));
        let name = format!(
            "leanrpc_test_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        // With an English ICU collation where the server has one (PostgreSQL 15 and later):
        // it sorts "alpha" before "Zed", so the suites show that the schema's byte-order text
        // does not depend on how the database was created.
        let icu = format!(
            "CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US'"
        );
        let created =
            execute(&admin, &icu).or_else(|_| execute(&admin, &format!("CREATE DATABASE {name}")));
        if let Err(error) = created {
            let cause = std::error::Error::source(&error)
                .map(|cause| format!(": {cause}"))
                .unwrap_or_default();
            panic!(
                "PostgreSQL at {admin} does not answer ({error}{cause}): start one \
                 (scripts/test.sh finds or starts one) or name one in {ENV}"
            );
        }
        let url = with_dbname(&admin, &name);
        Self {
            url,
            served: false,
            name,
            admin,
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // FORCE: a server still holding connections (a killed one, a pool not closed yet).
        let drop = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if let Err(error) = execute(&self.admin, &drop) {
            eprintln!("could not drop test database {}: {error}", self.name);
        }
    }
}

/// `url` with its database name replaced by `name`.
pub fn with_dbname(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, format!("?{query}")),
        None => (url, String::new()),
    };
    let (scheme, rest) = base.split_once("://").expect("a postgres:// URL");
    let authority = rest.split('/').next().unwrap_or_default();
    format!("{scheme}://{authority}/{name}{query}")
}

/// Drops the test databases of processes that are gone (a run killed before its guards ran).
fn sweep_stale(admin: &str) {
    let Ok(names) = query_names(admin) else {
        return;
    };
    for name in names {
        let pid = name
            .strip_prefix("leanrpc_test_")
            .and_then(|rest| rest.split('_').next())
            .and_then(|pid| pid.parse::<u32>().ok());
        if let Some(pid) = pid
            && pid != std::process::id()
            && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        {
            let _ = execute(
                admin,
                &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            );
        }
    }
}

/// Runs `sql` on `url` from a thread of its own (callable from async tests and from `Drop`).
pub fn execute(url: &str, sql: &str) -> Result<(), tokio_postgres::Error> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    on_own_runtime(async move {
        let client = connect(&url).await?;
        client.batch_execute(&sql).await
    })
}

fn query_names(url: &str) -> Result<Vec<String>, tokio_postgres::Error> {
    let url = url.to_owned();
    on_own_runtime(async move {
        let client = connect(&url).await?;
        let rows = client
            .query(
                "SELECT datname FROM pg_database WHERE datname LIKE 'leanrpc\\_test\\_%'",
                &[],
            )
            .await?;
        rows.iter().map(|row| row.try_get(0)).collect()
    })
}

/// Every table of the database at `url` (schema `public`) with its rows as text, one row a
/// line (`row::text`, so `bytea` shows as hex), in table name order.
pub fn tables_as_text(url: &str) -> Vec<(String, String)> {
    let url = url.to_owned();
    on_own_runtime(async move {
        let client = connect(&url).await?;
        let tables = client
            .query(
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = 'public' ORDER BY 1",
                &[],
            )
            .await?;
        let mut all = Vec::new();
        for table in tables {
            let name: String = table.get(0);
            let sql =
                format!("SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM \"{name}\" AS t");
            let text: String = client.query_one(&sql, &[]).await?.get(0);
            all.push((name, text));
        }
        Ok::<_, tokio_postgres::Error>(all)
    })
    .expect("read the test database's tables")
}

/// Connects, driving the connection on the current runtime.
pub async fn connect(url: &str) -> Result<tokio_postgres::Client, tokio_postgres::Error> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
    tokio::spawn(async move {
        let _ = connection.await;
    });
    Ok(client)
}

fn on_own_runtime<T: Send + 'static>(
    work: impl std::future::Future<Output = T> + Send + 'static,
) -> T {
    std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime")
            .block_on(work)
    })
    .join()
    .expect("the database thread")
}
