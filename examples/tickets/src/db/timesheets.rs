//! Time entries in SQLite. Each row keeps its ticket's project, so scope checks and the
//! per-project lists are one indexed `WHERE` clause.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Db, DbError, NOW, Scope, collect};
use crate::model::timesheets::MAX_HOURS_PER_DAY;
use crate::model::{HoursByDate, Timesheet};
pub use crate::store::Filter;
use crate::store::timesheets::over_limit;
use crate::store::{BoxFuture, Checked, StoreResult, TimeEntry, TimesheetStore};

const SELECT: &str = "SELECT s.id, s.user_id, COALESCE(u.firstname, ''), COALESCE(u.lastname, ''),
    s.ticket_id, COALESCE(t.headline, ''), s.project_id, COALESCE(p.name, ''), s.work_date,
    s.hours, s.description, s.kind, s.modified
    FROM timesheets s LEFT JOIN users u ON u.id = s.user_id
    LEFT JOIN tickets t ON t.id = s.ticket_id LEFT JOIN projects p ON p.id = s.project_id";

const IN_SCOPE: &str = in_scope!("s.project_id");

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Timesheet> {
    Ok(Timesheet {
        id: row.get(0)?,
        user_id: row.get(1)?,
        firstname: row.get(2)?,
        lastname: row.get(3)?,
        ticket_id: row.get(4)?,
        headline: row.get(5)?,
        project_id: row.get(6)?,
        project_name: row.get(7)?,
        work_date: row.get(8)?,
        hours: row.get(9)?,
        description: row.get(10)?,
        kind: row.get(11)?,
        modified: row.get(12)?,
    })
}

/// One entry inside `scope`.
pub fn get(conn: &Connection, scope: &Scope, id: i64) -> Result<Option<Timesheet>, DbError> {
    let sql = format!("{SELECT} WHERE s.id = ?2 AND {IN_SCOPE}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![scope, id], from_row)
        .optional()?)
}

/// Entries inside `scope` matching `filter`, by work date then id.
pub fn list(
    conn: &Connection,
    scope: &Scope,
    filter: &Filter,
    limit: i64,
) -> Result<Vec<Timesheet>, DbError> {
    let sql = format!(
        "{SELECT} WHERE {IN_SCOPE} AND s.work_date >= ?2 AND s.work_date <= ?3
         AND (?4 IS NULL OR s.project_id = ?4) AND (?5 IS NULL OR s.kind = ?5)
         AND (?6 IS NULL OR s.user_id = ?6) AND (?7 IS NULL OR s.ticket_id = ?7)
         ORDER BY s.work_date, s.id LIMIT ?8"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(
        params![
            scope,
            filter.from,
            filter.to,
            filter.project,
            filter.kind,
            filter.user,
            filter.ticket,
            limit
        ],
        from_row,
    )?;
    collect(rows)
}

/// Adds `hours` to the entry of this ticket, user, day and kind (creating it), or, when
/// `replace`, sets them. Returns the entry's id and its hours after the change.
#[allow(clippy::too_many_arguments)]
pub fn log(
    tx: &Transaction<'_>,
    ticket: i64,
    project: i64,
    user: i64,
    day: &str,
    kind: &str,
    hours: f64,
    description: Option<&str>,
    replace: bool,
) -> Result<(i64, f64), DbError> {
    let existing: Option<(i64, f64)> = tx
        .prepare_cached(
            "SELECT id, hours FROM timesheets WHERE ticket_id = ?1 AND user_id = ?2
             AND work_date = ?3 AND kind = ?4",
        )?
        .query_row(params![ticket, user, day, kind], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    match existing {
        Some((id, before)) => {
            let after = if replace { hours } else { before + hours };
            tx.execute(
                &format!(
                    "UPDATE timesheets SET hours = ?2, description = COALESCE(?3, description),
                       modified = {NOW} WHERE id = ?1"
                ),
                params![id, after, description],
            )?;
            Ok((id, after))
        }
        None => {
            tx.execute(
                &format!(
                    "INSERT INTO timesheets (user_id, ticket_id, project_id, work_date, hours,
                       description, kind, modified) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, {NOW})"
                ),
                params![
                    user,
                    ticket,
                    project,
                    day,
                    hours,
                    description.unwrap_or_default(),
                    kind
                ],
            )?;
            Ok((tx.last_insert_rowid(), hours))
        }
    }
}

/// Deletes an entry inside `scope` logged by `author` (any author when `None`); `false` when
/// there is no such entry.
pub fn delete(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    author: Option<i64>,
) -> Result<bool, DbError> {
    Ok(tx.execute(
        concat!(
            "DELETE FROM timesheets WHERE id = ?2 AND (?3 IS NULL OR user_id = ?3)
           AND ",
            in_scope!("project_id")
        ),
        params![scope, id, author],
    )? == 1)
}

/// Hours logged on a ticket (by one user when `user`), over all days, added up as
/// [`sum`](crate::store::timesheets::sum) says.
pub fn sum_for_ticket(conn: &Connection, ticket: i64, user: Option<i64>) -> Result<f64, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT hours FROM timesheets WHERE ticket_id = ?1 AND (?2 IS NULL OR user_id = ?2)
         ORDER BY id",
    )?;
    let hours = collect(stmt.query_map(params![ticket, user], |row| row.get(0))?)?;
    Ok(crate::store::timesheets::sum(hours))
}

/// Hours logged on a ticket per day, oldest first.
pub fn by_date(conn: &Connection, ticket: i64) -> Result<Vec<HoursByDate>, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT substr(work_date, 1, 10), hours FROM timesheets WHERE ticket_id = ?1
         ORDER BY 1, id",
    )?;
    let rows = collect(stmt.query_map([ticket], |row| Ok((row.get(0)?, row.get(1)?)))?)?;
    Ok(crate::store::timesheets::by_day(rows))
}

impl TimesheetStore for Db {
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Timesheet>>> {
        Box::pin(self.read(move |conn| get(conn, &scope, id)))
    }

    fn list(
        &self,
        scope: Scope,
        filter: Filter,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Timesheet>>> {
        Box::pin(self.read(move |conn| list(conn, &scope, &filter, limit)))
    }

    fn log(&self, scope: Scope, e: TimeEntry) -> BoxFuture<'_, StoreResult<Checked<i64>>> {
        let written = self.write(move |tx| {
            let Some((project, _)) = super::tickets::locate(tx, &scope, e.ticket)? else {
                return Ok(Checked::Missing);
            };
            let day = match e.day {
                Some(day) => day,
                None => tx.query_row("SELECT strftime('%Y-%m-%d 00:00:00', 'now')", [], |r| {
                    r.get(0)
                })?,
            };
            let (id, total) = log(
                tx,
                e.ticket,
                project,
                e.user,
                &day,
                &e.kind,
                e.hours,
                e.description.as_deref(),
                e.replace,
            )?;
            if total > MAX_HOURS_PER_DAY {
                // Rolled back: the transaction is dropped without a commit.
                return Err(DbError::Limit);
            }
            Ok(Checked::Done(id))
        });
        Box::pin(async move {
            match written.await {
                Err(DbError::Limit) => Ok(over_limit()),
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
        Box::pin(self.write(move |tx| delete(tx, &scope, id, author)))
    }

    fn hours(
        &self,
        scope: Scope,
        ticket: i64,
        user: Option<i64>,
    ) -> BoxFuture<'_, StoreResult<Option<f64>>> {
        Box::pin(self.read(move |conn| {
            if super::tickets::locate(conn, &scope, ticket)?.is_none() {
                return Ok(None);
            }
            sum_for_ticket(conn, ticket, user).map(Some)
        }))
    }

    fn by_date(
        &self,
        scope: Scope,
        ticket: i64,
    ) -> BoxFuture<'_, StoreResult<Option<Vec<HoursByDate>>>> {
        Box::pin(self.read(move |conn| {
            if super::tickets::locate(conn, &scope, ticket)?.is_none() {
                return Ok(None);
            }
            by_date(conn, ticket).map(Some)
        }))
    }
}
