//! Sprints in PostgreSQL: the queries of `db/sprints.rs`, answering the same.

use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use super::{NOW, PgDb, all, any_row, one};
use crate::model::Sprint;
use crate::store::{BoxFuture, Checked, Scope, SprintStore, StoreResult, When};

const SELECT: &str = "SELECT s.id, s.name, s.project_id, s.start_date, s.end_date, s.modified
    FROM sprints s";

const IN_SCOPE: &str = in_scope!("s.project_id");

fn from_row(row: &Row) -> Result<Sprint, tokio_postgres::Error> {
    Ok(Sprint {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        project_id: row.try_get(2)?,
        start_date: row.try_get(3)?,
        end_date: row.try_get(4)?,
        modified: row.try_get(5)?,
    })
}

/// Whether sprint `id` belongs to `project`.
pub(super) async fn is_in_project(
    c: &impl GenericClient,
    id: i64,
    project: i64,
) -> StoreResult<bool> {
    any_row(
        c,
        "SELECT 1 FROM sprints WHERE id = $1::bigint AND project_id = $2::bigint",
        &[&id, &project],
    )
    .await
}

async fn create(
    tx: &Transaction<'_>,
    scope: &Scope,
    project: i64,
    name: &str,
    start: Option<&str>,
    end: Option<&str>,
) -> StoreResult<Checked<i64>> {
    if !super::projects::exists(tx, scope, project).await? {
        return Ok(Checked::Invalid(
            "params.projectId",
            "no such project".into(),
        ));
    }
    let stmt = tx
        .prepare_cached(&format!(
            "INSERT INTO sprints (project_id, name, start_date, end_date, modified)
             VALUES ($1::bigint, $2::text, $3::text, $4::text, {NOW})
             RETURNING id"
        ))
        .await?;
    let row = tx
        .query_one(&stmt, &[&project, &name, &start, &end])
        .await?;
    Ok(Checked::Done(row.try_get(0)?))
}

async fn update(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    name: Option<&str>,
    start: Option<&str>,
    end: Option<&str>,
) -> StoreResult<bool> {
    let stmt = tx
        .prepare_cached(&format!(
            "UPDATE sprints SET name = COALESCE($3::text, name),
               start_date = COALESCE($4::text, start_date),
               end_date = COALESCE($5::text, end_date), modified = {NOW}
             WHERE id = $2::bigint AND {in_scope}",
            in_scope = in_scope!("project_id")
        ))
        .await?;
    let changed = tx
        .execute(&stmt, &[&scope.pg(), &id, &name, &start, &end])
        .await?;
    Ok(changed == 1)
}

async fn delete(tx: &Transaction<'_>, scope: &Scope, id: i64) -> StoreResult<bool> {
    let deleted = tx
        .execute(
            concat!(
                "DELETE FROM sprints WHERE id = $2::bigint AND ",
                in_scope!("project_id")
            ),
            &[&scope.pg(), &id],
        )
        .await?
        == 1;
    if deleted {
        tx.execute(
            "UPDATE tickets SET sprint = NULL WHERE sprint = $1::bigint",
            &[&id],
        )
        .await?;
    }
    Ok(deleted)
}

impl SprintStore for PgDb {
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Sprint>>> {
        Box::pin(async move {
            let c = self.client().await?;
            let stmt = c
                .prepare_cached(&format!("{SELECT} WHERE s.id = $2::bigint AND {IN_SCOPE}"))
                .await?;
            one(c.query_opt(&stmt, &[&scope.pg(), &id]).await?, from_row)
        })
    }

    fn list(
        &self,
        scope: Scope,
        project: Option<i64>,
        when: When,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Sprint>>> {
        Box::pin(async move {
            // Dates are text in one form, compared as text (as on SQLite): never parsed.
            let timing = match when {
                When::All => "TRUE",
                When::Current => {
                    "s.start_date <= leantime_now()
                     AND s.end_date > to_char(now() AT TIME ZONE 'UTC' - interval '1 day',
                                              'YYYY-MM-DD HH24:MI:SS')"
                }
                When::Future => "s.start_date > leantime_now()",
            };
            let c = self.client().await?;
            // SQLite sorts NULL first; PostgreSQL last unless told.
            let stmt = c
                .prepare_cached(&format!(
                    "{SELECT} WHERE {IN_SCOPE}
                     AND ($2::bigint IS NULL OR s.project_id = $2::bigint) AND {timing}
                     ORDER BY s.start_date NULLS FIRST, s.id LIMIT $3::bigint"
                ))
                .await?;
            all(
                c.query(&stmt, &[&scope.pg(), &project, &limit]).await?,
                from_row,
            )
        })
    }

    fn create(
        &self,
        scope: Scope,
        project: i64,
        name: String,
        start: Option<String>,
        end: Option<String>,
    ) -> BoxFuture<'_, StoreResult<Checked<i64>>> {
        Box::pin(async move {
            let args = (scope, project, name, start, end);
            self.write(&args, |tx, (scope, project, name, start, end)| {
                Box::pin(create(
                    tx,
                    scope,
                    *project,
                    name,
                    start.as_deref(),
                    end.as_deref(),
                ))
            })
            .await
        })
    }

    fn update(
        &self,
        scope: Scope,
        id: i64,
        name: Option<String>,
        start: Option<String>,
        end: Option<String>,
    ) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(async move {
            let args = (scope, id, name, start, end);
            self.write(&args, |tx, (scope, id, name, start, end)| {
                Box::pin(update(
                    tx,
                    scope,
                    *id,
                    name.as_deref(),
                    start.as_deref(),
                    end.as_deref(),
                ))
            })
            .await
        })
    }

    fn delete(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(async move {
            let args = (scope, id);
            self.write(&args, |tx, (scope, id)| Box::pin(delete(tx, scope, *id)))
                .await
        })
    }
}
