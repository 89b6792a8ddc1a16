//! Time entries in PostgreSQL: the queries of `db/timesheets.rs`, answering the same.

use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use super::{NOW, PgDb, all, one};
use crate::model::timesheets::MAX_HOURS_PER_DAY;
use crate::model::{HoursByDate, Timesheet};
use crate::store::timesheets::{by_day, over_limit, sum};
use crate::store::{
    BoxFuture, Checked, Filter, Scope, StoreError, StoreResult, TimeEntry, TimesheetStore,
};

const SELECT: &str = "SELECT s.id, s.user_id, COALESCE(u.firstname, ''), COALESCE(u.lastname, ''),
    s.ticket_id, COALESCE(t.headline, ''), s.project_id, COALESCE(p.name, ''), s.work_date,
    s.hours, s.description, s.kind, s.modified
    FROM timesheets s LEFT JOIN users u ON u.id = s.user_id
    LEFT JOIN tickets t ON t.id = s.ticket_id LEFT JOIN projects p ON p.id = s.project_id";

const IN_SCOPE: &str = in_scope!("s.project_id");

fn from_row(row: &Row) -> Result<Timesheet, tokio_postgres::Error> {
    Ok(Timesheet {
        id: row.try_get(0)?,
        user_id: row.try_get(1)?,
        firstname: row.try_get(2)?,
        lastname: row.try_get(3)?,
        ticket_id: row.try_get(4)?,
        headline: row.try_get(5)?,
        project_id: row.try_get(6)?,
        project_name: row.try_get(7)?,
        work_date: row.try_get(8)?,
        hours: row.try_get(9)?,
        description: row.try_get(10)?,
        kind: row.try_get(11)?,
        modified: row.try_get(12)?,
    })
}

/// Adds (or, when `replace`, sets) the hours of an entry; rolled back with
/// [`StoreError::Limit`] when the entry would hold more than a day.
async fn log(tx: &Transaction<'_>, scope: &Scope, e: &TimeEntry) -> StoreResult<Checked<i64>> {
    let Some((project, _)) = super::tickets::locate(tx, scope, e.ticket).await? else {
        return Ok(Checked::Missing);
    };
    let day: String = match &e.day {
        Some(day) => day.clone(),
        None => tx
            .query_one(
                "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD') || ' 00:00:00'",
                &[],
            )
            .await?
            .try_get(0)?,
    };
    let existing = tx
        .query_opt(
            "SELECT id, hours FROM timesheets WHERE ticket_id = $1::bigint
             AND user_id = $2::bigint AND work_date = $3::text AND kind = $4::text",
            &[&e.ticket, &e.user, &day, &e.kind],
        )
        .await?;
    let (id, total) = match existing {
        Some(row) => {
            let id: i64 = row.try_get(0)?;
            let before: f64 = row.try_get(1)?;
            let after = if e.replace { e.hours } else { before + e.hours };
            tx.execute(
                &format!(
                    "UPDATE timesheets SET hours = $2::double precision,
                       description = COALESCE($3::text, description), modified = {NOW}
                     WHERE id = $1::bigint"
                ),
                &[&id, &after, &e.description],
            )
            .await?;
            (id, after)
        }
        None => {
            let row = tx
                .query_one(
                    &format!(
                        "INSERT INTO timesheets (user_id, ticket_id, project_id, work_date,
                           hours, description, kind, modified)
                         VALUES ($1::bigint, $2::bigint, $3::bigint, $4::text,
                           $5::double precision, $6::text, $7::text, {NOW})
                         RETURNING id"
                    ),
                    &[
                        &e.user,
                        &e.ticket,
                        &project,
                        &day,
                        &e.hours,
                        &e.description.as_deref().unwrap_or_default(),
                        &e.kind,
                    ],
                )
                .await?;
            (row.try_get(0)?, e.hours)
        }
    };
    if total > MAX_HOURS_PER_DAY {
        return Err(StoreError::Limit);
    }
    Ok(Checked::Done(id))
}

async fn visible(c: &impl GenericClient, scope: &Scope, ticket: i64) -> StoreResult<bool> {
    Ok(super::tickets::locate(c, scope, ticket).await?.is_some())
}

impl TimesheetStore for PgDb {
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Timesheet>>> {
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
        filter: Filter,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Timesheet>>> {
        Box::pin(async move {
            let c = self.client().await?;
            let stmt = c
                .prepare_cached(&format!(
                    "{SELECT} WHERE {IN_SCOPE} AND s.work_date >= $2::text
                     AND s.work_date <= $3::text
                     AND ($4::bigint IS NULL OR s.project_id = $4::bigint)
                     AND ($5::text IS NULL OR s.kind = $5::text)
                     AND ($6::bigint IS NULL OR s.user_id = $6::bigint)
                     AND ($7::bigint IS NULL OR s.ticket_id = $7::bigint)
                     ORDER BY s.work_date, s.id LIMIT $8::bigint"
                ))
                .await?;
            all(
                c.query(
                    &stmt,
                    &[
                        &scope.pg(),
                        &filter.from,
                        &filter.to,
                        &filter.project,
                        &filter.kind,
                        &filter.user,
                        &filter.ticket,
                        &limit,
                    ],
                )
                .await?,
                from_row,
            )
        })
    }

    fn log(&self, scope: Scope, entry: TimeEntry) -> BoxFuture<'_, StoreResult<Checked<i64>>> {
        Box::pin(async move {
            let args = (scope, entry);
            match self
                .write(&args, |tx, (scope, e)| Box::pin(log(tx, scope, e)))
                .await
            {
                Err(StoreError::Limit) => Ok(over_limit()),
                other => other,
            }
        })
    }

    fn delete(
        &self,
        scope: Scope,
        id: i64,
        author: Option<i64>,
    ) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(async move {
            let c = self.client().await?;
            let deleted = c
                .execute(
                    concat!(
                        "DELETE FROM timesheets WHERE id = $2::bigint
                         AND ($3::bigint IS NULL OR user_id = $3::bigint) AND ",
                        in_scope!("project_id")
                    ),
                    &[&scope.pg(), &id, &author],
                )
                .await?;
            Ok(deleted == 1)
        })
    }

    fn hours(
        &self,
        scope: Scope,
        ticket: i64,
        user: Option<i64>,
    ) -> BoxFuture<'_, StoreResult<Option<f64>>> {
        Box::pin(async move {
            let c = self.client().await?;
            if !visible(&c, &scope, ticket).await? {
                return Ok(None);
            }
            // Added up in Rust, as on SQLite: PostgreSQL's SUM() would round differently.
            let stmt = c
                .prepare_cached(
                    "SELECT hours FROM timesheets WHERE ticket_id = $1::bigint
                     AND ($2::bigint IS NULL OR user_id = $2::bigint) ORDER BY id",
                )
                .await?;
            let hours = all(c.query(&stmt, &[&ticket, &user]).await?, |row| {
                row.try_get(0)
            })?;
            Ok(Some(sum(hours)))
        })
    }

    fn by_date(
        &self,
        scope: Scope,
        ticket: i64,
    ) -> BoxFuture<'_, StoreResult<Option<Vec<HoursByDate>>>> {
        Box::pin(async move {
            let c = self.client().await?;
            if !visible(&c, &scope, ticket).await? {
                return Ok(None);
            }
            let stmt = c
                .prepare_cached(
                    "SELECT substr(work_date, 1, 10), hours FROM timesheets
                     WHERE ticket_id = $1::bigint ORDER BY 1, id",
                )
                .await?;
            let rows = all(c.query(&stmt, &[&ticket]).await?, |row| {
                Ok((row.try_get(0)?, row.try_get(1)?))
            })?;
            Ok(Some(by_day(rows)))
        })
    }
}
