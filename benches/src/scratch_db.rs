//! A PostgreSQL database of a bench's own, made on the server of `LEANRPC_TEST_POSTGRES` (as the
//! tests find it; `postgres://postgres@127.0.0.1:5432/postgres` when unset) and dropped at the
//! end.

/// The server the benches use when `LEANRPC_TEST_POSTGRES` is unset.
const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A database made for one bench run; [`ScratchDatabase::drop_database`] removes it.
#[derive(Debug)]
pub struct ScratchDatabase {
    admin: String,
    name: String,
    url: String,
}

impl ScratchDatabase {
    /// Creates the database `{prefix}_{process id}`.
    ///
    /// # Panics
    /// When PostgreSQL does not answer or refuses: a bench has nothing to measure then.
    pub async fn create(prefix: &str) -> Self {
        let admin =
            std::env::var("LEANRPC_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_SERVER.to_owned());
        let name = format!("{prefix}_{}", std::process::id());
        execute(&admin, &format!("CREATE DATABASE {name}")).await;
        let (base, _) = admin.rsplit_once('/').expect("a URL with a database");
        let url = format!("{base}/{name}");
        ScratchDatabase { admin, name, url }
    }

    /// The database's connection URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The server's version and durability settings (`server_version`, `fsync`,
    /// `synchronous_commit`), for the bench's report.
    pub async fn settings(&self) -> String {
        let client = connect(&self.url).await;
        let mut settings = Vec::new();
        for setting in ["server_version", "fsync", "synchronous_commit"] {
            let row = client
                .query_one(&format!("SHOW {setting}"), &[])
                .await
                .expect(setting);
            settings.push(format!("{setting}={}", row.get::<_, String>(0)));
        }
        settings.join(" ")
    }

    /// Drops the database, closing the connections still open to it.
    pub async fn drop_database(self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        execute(&self.admin, &sql).await;
    }
}

/// A connection to `url`, driven on the current Tokio runtime.
async fn connect(url: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .expect("PostgreSQL answers (LEANRPC_TEST_POSTGRES)");
    tokio::spawn(async move {
        let _ = connection.await;
    });
    client
}

/// Runs `sql` on `url`.
async fn execute(url: &str, sql: &str) {
    connect(url).await.batch_execute(sql).await.expect(sql);
}
