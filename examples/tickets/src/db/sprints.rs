//! Sprints in SQLite, scoped by their project.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{DbError, NOW, Scope, collect};
use crate::model::Sprint;

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

/// Which sprints of a project to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum When {
    /// Every sprint.
    All,
    /// The sprints running now (start ≤ now ≤ end of the end day).
    Current,
    /// The sprints that have not started.
    Future,
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
        When::Current => {
            "s.start_date <= strftime('%Y-%m-%d %H:%M:%S', 'now')
             AND datetime(s.end_date, '+1 day') > strftime('%Y-%m-%d %H:%M:%S', 'now')"
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
