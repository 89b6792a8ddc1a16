//! Versioned schema migrations for PostgreSQL: numbered SQL files in
//! `examples/tickets/migrations/postgres/`, compiled in, applied in order on connect. The table
//! `schema_migrations` records each one applied. A migration is never edited once released: a
//! change is a new file with the next number.
//!
//! All pending migrations run in one transaction that first takes a transaction-level advisory
//! lock, so servers that start together against a new database apply them once: the first
//! migrates, the others wait for its commit, then find nothing left to do. A failed migration
//! leaves the database as it was.

use crate::store::StoreError;

/// One migration: its version, a short name and its SQL.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Its number, from 1, without gaps.
    pub version: i64,
    /// What it does, in a word or two.
    pub name: &'static str,
    /// The statements.
    pub sql: &'static str,
}

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[Migration {
    version: 1,
    name: "tickets",
    sql: include_str!("../../migrations/postgres/0001_tickets.sql"),
}];

/// The advisory lock the migrations hold (any fixed number that nothing else uses: "leanrpc"
/// in ASCII, then 1).
const LOCK: i64 = 0x6c65_616e_7270_6301;

/// Applies the pending migrations; returns the versions it applied (none when the schema was
/// current). Refuses a database whose schema is newer than this build knows.
pub async fn migrate(client: &mut tokio_postgres::Client) -> Result<Vec<i64>, StoreError> {
    let tx = client.transaction().await?;
    // Another server may be migrating: wait for it however long it takes, whatever the
    // connection's lock timeout.
    tx.batch_execute("SET LOCAL lock_timeout = 0").await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (
             version    BIGINT PRIMARY KEY,
             name       TEXT NOT NULL,
             applied_at TEXT NOT NULL
                 DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
         )",
    )
    .await?;
    let done: i64 = tx
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            &[],
        )
        .await?
        .try_get(0)?;
    let known = MIGRATIONS.last().map_or(0, |m| m.version);
    if done > known {
        return Err(StoreError::Schema(format!(
            "the database has schema version {done}, newer than this build knows ({known}): \
             run a newer tickets server"
        )));
    }
    let mut applied = Vec::new();
    for m in MIGRATIONS.iter().filter(|m| m.version > done) {
        tx.batch_execute(m.sql).await.map_err(|e| {
            StoreError::Schema(format!(
                "migration {} ({}) failed: {}",
                m.version,
                m.name,
                StoreError::Postgres(e)
            ))
        })?;
        tx.execute(
            "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
            &[&m.version, &m.name],
        )
        .await?;
        applied.push(m.version);
    }
    tx.commit().await?;
    if !applied.is_empty() {
        tracing::info!(?applied, "applied PostgreSQL migrations");
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;

    #[test]
    fn versions_count_up_from_one_without_gaps() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.name);
            assert!(!m.sql.trim().is_empty(), "{}", m.name);
        }
    }
}
