//! Sprints in SQLite, scoped by their project.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Db, DbError, NOW, Scope, collect};
use crate::model::Sprint;
pub use crate::store::When;
use crate::store::{BoxFuture, Checked, SprintStore, StoreResult};

const SELECT: &str = "SELECT s.id, s.name, s.project_id, s.start_date, s.end_date, s.modified
    FROM sprints s";

const IN_SCOPE: &str = in_scope!("s.project_id");

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Sprint> {
    Ok(Sprint {
        id: row.get(0)?,
        name: row.get(1)?,
        project_id: row.get(2)?,
        start_date: row.get(3)?,
        end_date: row.get(4)?,
        modified: row.get(5)?,
    })
}

/// One sprint inside `scope`.
pub fn get(conn: &Connection, scope: &Scope, id: i64) -> Result<Option<Sprint>, DbError> {
    let sql = format!("{SELECT} WHERE s.id = ?2 AND {IN_SCOPE}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![scope, id], from_row)
        .optional()?)
}

/// Sprints inside `scope`, of one project or all, by start date then id.
pub fn list(
    conn: &Connection,
    scope: &Scope,
    project: Option<i64>,
    when: When,
    limit: i64,
) -> Result<Vec<Sprint>, DbError> {
    let timing = match when {
        When::All => "1",
        // "The end day is not over": the end is less than a day ago, compared as text (as
        // PostgreSQL does it too), so a stored date is never parsed.
        When::Current => {
            "s.start_date <= strftime('%Y-%m-%d %H:%M:%S', 'now')
             AND s.end_date > strftime('%Y-%m-%d %H:%M:%S', 'now', '-1 day')"
        }
        When::Future => "s.start_date > strftime('%Y-%m-%d %H:%M:%S', 'now')",
    };
    let sql = format!(
        "{SELECT} WHERE {IN_SCOPE} AND (?2 IS NULL OR s.project_id = ?2) AND {timing}
         ORDER BY s.start_date, s.id LIMIT ?3"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![scope, project, limit], from_row)?;
    collect(rows)
}

/// Inserts a sprint and returns its id.
pub fn insert(
    tx: &Transaction<'_>,
    project: i64,
    name: &str,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<i64, DbError> {
    tx.execute(
        &format!(
            "INSERT INTO sprints (project_id, name, start_date, end_date, modified)
             VALUES (?1, ?2, ?3, ?4, {NOW})"
        ),
        params![project, name, start, end],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Changes a sprint inside `scope`; `false` when there is no such sprint.
pub fn update(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    name: Option<&str>,
    start: Option<&str>,
    end: Option<&str>,
) -> Result<bool, DbError> {
    let changed = tx.execute(
        &format!(
            "UPDATE sprints SET name = COALESCE(?3, name), start_date = COALESCE(?4, start_date),
               end_date = COALESCE(?5, end_date), modified = {NOW}
             WHERE id = ?2 AND {in_scope}",
            in_scope = in_scope!("project_id")
        ),
        params![scope, id, name, start, end],
    )?;
    Ok(changed == 1)
}

/// Deletes a sprint inside `scope`; its tickets leave it. `false` when there is no such sprint.
pub fn delete(tx: &Transaction<'_>, scope: &Scope, id: i64) -> Result<bool, DbError> {
    let deleted = tx.execute(
        concat!(
            "DELETE FROM sprints WHERE id = ?2
           AND ",
            in_scope!("project_id")
        ),
        params![scope, id],
    )?;
    if deleted == 1 {
        tx.execute("UPDATE tickets SET sprint = NULL WHERE sprint = ?1", [id])?;
    }
    Ok(deleted == 1)
}

/// Whether sprint `id` belongs to `project`.
pub fn is_in_project(conn: &Connection, id: i64, project: i64) -> Result<bool, DbError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM sprints WHERE id = ?1 AND project_id = ?2")?
        .query_row(params![id, project], |_| Ok(()))
        .optional()?
        .is_some())
}

impl SprintStore for Db {
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Sprint>>> {
        Box::pin(self.read(move |conn| get(conn, &scope, id)))
    }

    fn list(
        &self,
        scope: Scope,
        project: Option<i64>,
        when: When,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Sprint>>> {
        Box::pin(self.read(move |conn| list(conn, &scope, project, when, limit)))
    }

    fn create(
        &self,
        scope: Scope,
        project: i64,
        name: String,
        start: Option<String>,
        end: Option<String>,
    ) -> BoxFuture<'_, StoreResult<Checked<i64>>> {
        Box::pin(self.write(move |tx| {
            if !super::projects::exists(tx, &scope, project)? {
                return Ok(Checked::Invalid(
                    "params.projectId",
                    "no such project".into(),
                ));
            }
            insert(tx, project, &name, start.as_deref(), end.as_deref()).map(Checked::Done)
        }))
    }

    fn update(
        &self,
        scope: Scope,
        id: i64,
        name: Option<String>,
        start: Option<String>,
        end: Option<String>,
    ) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(self.write(move |tx| {
            update(
                tx,
                &scope,
                id,
                name.as_deref(),
                start.as_deref(),
                end.as_deref(),
            )
        }))
    }

    fn delete(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(self.write(move |tx| delete(tx, &scope, id)))
    }
}
