//! Tickets and milestones in SQLite. Every query that reads or changes a ticket takes the
//! caller's [`Scope`] and tests the project in its `WHERE`, so a ticket of a foreign project is
//! never loaded (W7), and lists filter and page in SQL (W8).

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OptionalExtension, Transaction, params, params_from_iter};

use super::{Db, DbError, NOW, Scope, collect};
use crate::model::tickets::{DONE_STATUSES, MILESTONE, status_label};
use crate::model::{SearchCriteria, StatusFilter, Ticket, TicketValues};
use crate::store::tickets::{Reference, check_order};
use crate::store::{BoxFuture, Checked, StoreResult, TicketStore};

const SELECT: &str = "SELECT t.id, t.project_id, p.name, c.name, t.headline, t.description,
    t.status, t.type, t.date, t.user_id, u.firstname, u.lastname, t.editor_id, e.firstname,
    e.lastname, t.milestone_id, t.sprint, t.depending_ticket_id, t.priority, t.storypoints,
    t.plan_hours, t.hour_remaining, t.date_to_finish, t.edit_from, t.edit_to, t.tags,
    t.acceptance_criteria, t.sort_index, t.modified
    FROM tickets t JOIN projects p ON p.id = t.project_id
    LEFT JOIN clients c ON c.id = p.client_id
    LEFT JOIN users u ON u.id = t.user_id
    LEFT JOIN users e ON e.id = t.editor_id";

/// The scope test on `t.project_id` for parameter `?1`.
const IN_SCOPE: &str = in_scope!("t.project_id");

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Ticket> {
    let status: i64 = row.get(6)?;
    Ok(Ticket {
        id: row.get(0)?,
        project_id: row.get(1)?,
        project_name: row.get(2)?,
        client_name: row.get(3)?,
        headline: row.get(4)?,
        description: row.get(5)?,
        status,
        status_label: status_label(status).map(str::to_owned),
        kind: row.get(7)?,
        date: row.get(8)?,
        user_id: row.get(9)?,
        user_firstname: row.get(10)?,
        user_lastname: row.get(11)?,
        editor_id: row.get(12)?,
        editor_firstname: row.get(13)?,
        editor_lastname: row.get(14)?,
        milestone_id: row.get(15)?,
        sprint: row.get(16)?,
        depending_ticket_id: row.get(17)?,
        priority: row.get(18)?,
        story_points: row.get(19)?,
        plan_hours: row.get(20)?,
        hour_remaining: row.get(21)?,
        date_to_finish: row.get(22)?,
        edit_from: row.get(23)?,
        edit_to: row.get(24)?,
        tags: row.get(25)?,
        acceptance_criteria: row.get(26)?,
        sort_index: row.get(27)?,
        modified: row.get(28)?,
    })
}

/// One ticket (or milestone) inside `scope`.
pub fn get(conn: &Connection, scope: &Scope, id: i64) -> Result<Option<Ticket>, DbError> {
    let sql = format!("{SELECT} WHERE t.id = ?2 AND {IN_SCOPE}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![scope, id], from_row)
        .optional()?)
}

/// The project and type of a ticket inside `scope`.
pub fn locate(conn: &Connection, scope: &Scope, id: i64) -> Result<Option<(i64, String)>, DbError> {
    let sql = format!("SELECT t.project_id, t.type FROM tickets t WHERE t.id = ?2 AND {IN_SCOPE}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![scope, id], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?)
}

/// Whether `id` is a ticket of `project` (a milestone when `milestone`).
pub fn is_in_project(
    conn: &Connection,
    id: i64,
    project: i64,
    milestone: bool,
) -> Result<bool, DbError> {
    let sql = "SELECT 1 FROM tickets WHERE id = ?1 AND project_id = ?2
               AND (?3 = 0 OR type = 'milestone')";
    Ok(conn
        .prepare_cached(sql)?
        .query_row(params![id, project, milestone], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Tickets inside `scope` matching `criteria`, at most `limit`, by id. Milestones are listed
/// only when `criteria.kind` is `milestone`, as in Leantime.
pub fn search(
    conn: &Connection,
    scope: &Scope,
    criteria: &SearchCriteria,
    limit: i64,
) -> Result<Vec<Ticket>, DbError> {
    let mut sql = format!("{SELECT} WHERE {IN_SCOPE}");
    let mut args: Vec<Sql> = vec![match scope.json() {
        Some(list) => Sql::Text(list.to_owned()),
        None => Sql::Null,
    }];
    fn bind(sql: &mut String, args: &mut Vec<Sql>, clause: &str, value: Sql) {
        args.push(value);
        sql.push_str(&clause.replace('?', &format!("?{}", args.len())));
    }
    if let Some(project) = criteria.current_project {
        bind(
            &mut sql,
            &mut args,
            " AND t.project_id = ?",
            Sql::Integer(project),
        );
    }
    match criteria.kind.as_deref().map(str::trim) {
        Some(kind) if !kind.is_empty() => {
            bind(
                &mut sql,
                &mut args,
                " AND t.type = ?",
                Sql::Text(kind.to_ascii_lowercase()),
            );
        }
        _ => sql.push_str(" AND t.type <> 'milestone'"),
    }
    match &criteria.status {
        Some(StatusFilter::Any(ids)) => {
            let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
            bind(
                &mut sql,
                &mut args,
                " AND t.status IN (SELECT value FROM json_each(?))",
                Sql::Text(format!("[{list}]")),
            );
        }
        Some(StatusFilter::Done) => sql.push_str(" AND t.status IN (0, -1)"),
        Some(StatusFilter::NotDone) => sql.push_str(" AND t.status NOT IN (0, -1)"),
        None => {}
    }
    if let Some(milestone) = criteria.milestone.filter(|m| *m > 0) {
        bind(
            &mut sql,
            &mut args,
            " AND t.milestone_id = ?",
            Sql::Integer(milestone),
        );
    }
    if let Some(sprint) = criteria.sprint.filter(|s| *s > 0) {
        bind(
            &mut sql,
            &mut args,
            " AND t.sprint = ?",
            Sql::Integer(sprint),
        );
    }
    if let Some(users) = criteria.users.as_ref().filter(|u| !u.is_empty()) {
        let list = users
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        bind(
            &mut sql,
            &mut args,
            " AND t.editor_id IN (SELECT value FROM json_each(?))",
            Sql::Text(format!("[{list}]")),
        );
    }
    if let Some(term) = criteria
        .term
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        let escaped = term
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        args.push(Sql::Text(format!("%{escaped}%")));
        let n = args.len();
        args.push(Sql::Text(term.to_owned()));
        let m = args.len();
        sql.push_str(&format!(
            " AND (t.headline LIKE ?{n} ESCAPE '\\' OR t.description LIKE ?{n} ESCAPE '\\'
               OR t.tags LIKE ?{n} ESCAPE '\\' OR CAST(t.id AS TEXT) = ?{m})"
        ));
    }
    if let Some(from) = &criteria.date_from {
        bind(
            &mut sql,
            &mut args,
            " AND t.date > ?",
            Sql::Text(from.clone()),
        );
    }
    if let Some(to) = &criteria.date_to {
        bind(
            &mut sql,
            &mut args,
            " AND t.date < ?",
            Sql::Text(to.clone()),
        );
    }
    bind(
        &mut sql,
        &mut args,
        " ORDER BY t.id LIMIT ?",
        Sql::Integer(limit),
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(args), from_row)?;
    collect(rows)
}

/// Tickets of a query with one extra condition on `t` (parameters from `?2`), inside `scope`.
fn list_where(
    conn: &Connection,
    scope: &Scope,
    condition: &str,
    args: &[&dyn rusqlite::ToSql],
    limit: i64,
) -> Result<Vec<Ticket>, DbError> {
    let n = args.len() + 2;
    let sql = format!("{SELECT} WHERE {IN_SCOPE} AND {condition} ORDER BY t.id LIMIT ?{n}");
    let mut all: Vec<&dyn rusqlite::ToSql> = vec![scope];
    all.extend_from_slice(args);
    all.push(&limit);
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(all.as_slice(), from_row)?;
    collect(rows)
}

/// The subtasks of a ticket (tickets whose parent it is), inside `scope`.
pub fn subtasks(
    conn: &Connection,
    scope: &Scope,
    parent: i64,
    limit: i64,
) -> Result<Vec<Ticket>, DbError> {
    list_where(
        conn,
        scope,
        "t.depending_ticket_id = ?2 AND t.type <> 'milestone'",
        &[&parent],
        limit,
    )
}

/// Tickets assigned to `user` that are not done (milestones left out), inside `scope`,
/// optionally of one project; `done` lists the done ones instead.
pub fn of_user(
    conn: &Connection,
    scope: &Scope,
    user: i64,
    project: Option<i64>,
    done: bool,
    limit: i64,
) -> Result<Vec<Ticket>, DbError> {
    list_where(
        conn,
        scope,
        "t.editor_id = ?2 AND (?3 IS NULL OR t.project_id = ?3) AND t.type <> 'milestone'
         AND (t.status IN (0, -1)) = (?4 <> 0)",
        &[&user, &project, &done],
        limit,
    )
}

/// Milestones inside `scope`, optionally of one project.
pub fn milestones(
    conn: &Connection,
    scope: &Scope,
    project: Option<i64>,
    include_done: bool,
    limit: i64,
) -> Result<Vec<Ticket>, DbError> {
    list_where(
        conn,
        scope,
        "t.type = 'milestone' AND (?2 IS NULL OR t.project_id = ?2)
         AND (?3 <> 0 OR t.status NOT IN (0, -1))",
        &[&project, &include_done],
        limit,
    )
}

/// `(all, done)` counts of the tickets of a milestone, or of a project when `milestone` is `None`
/// (milestones themselves not counted).
pub fn progress(
    conn: &Connection,
    project: i64,
    milestone: Option<i64>,
) -> Result<(i64, i64), DbError> {
    let done = format!("{}, {}", DONE_STATUSES[0], DONE_STATUSES[1]);
    let sql = format!(
        "SELECT COUNT(*), COALESCE(SUM(status IN ({done})), 0) FROM tickets
         WHERE project_id = ?1 AND type <> 'milestone' AND (?2 IS NULL OR milestone_id = ?2)"
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![project, milestone], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })?)
}

/// Inserts a ticket whose values the service checked, and returns its id.
pub fn insert(
    tx: &Transaction<'_>,
    project: i64,
    author: i64,
    v: &TicketValues,
) -> Result<i64, DbError> {
    tx.execute(
        &format!(
            "INSERT INTO tickets (project_id, headline, description, status, type, date, user_id,
               editor_id, milestone_id, sprint, depending_ticket_id, priority, storypoints,
               plan_hours, hour_remaining, date_to_finish, edit_from, edit_to, tags,
               acceptance_criteria, modified)
             VALUES (?1, ?2, ?3, ?4, ?5, {NOW}, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14,
               NULLIF(?15, ''), NULLIF(?16, ''), NULLIF(?17, ''), ?18, ?19, {NOW})"
        ),
        params![
            project,
            v.headline.as_deref().unwrap_or_default(),
            v.description.as_deref().unwrap_or_default(),
            v.status.unwrap_or(crate::model::tickets::STATUS_NEW),
            v.kind.as_deref().unwrap_or("task"),
            author,
            v.editor_id.filter(|id| *id > 0),
            v.milestone_id.filter(|id| *id > 0),
            v.sprint.filter(|id| *id > 0),
            v.depending_ticket_id.filter(|id| *id > 0),
            v.priority,
            v.story_points,
            v.plan_hours,
            v.hour_remaining,
            v.date_to_finish,
            v.edit_from,
            v.edit_to,
            v.tags.as_deref().unwrap_or_default(),
            v.acceptance_criteria.as_deref().unwrap_or_default(),
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Changes the given fields of a ticket inside `scope`; `false` when there is no such ticket.
/// An id field set to 0 and a date set to `""` are cleared.
pub fn patch(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    v: &TicketValues,
) -> Result<bool, DbError> {
    let changed = tx.execute(
        &format!(
            "UPDATE tickets SET
               headline = COALESCE(?3, headline), description = COALESCE(?4, description),
               status = COALESCE(?5, status), type = COALESCE(?6, type),
               editor_id = CASE WHEN ?7 IS NULL THEN editor_id WHEN ?7 = 0 THEN NULL ELSE ?7 END,
               milestone_id = CASE WHEN ?8 IS NULL THEN milestone_id WHEN ?8 = 0 THEN NULL ELSE ?8 END,
               sprint = CASE WHEN ?9 IS NULL THEN sprint WHEN ?9 = 0 THEN NULL ELSE ?9 END,
               depending_ticket_id = CASE WHEN ?10 IS NULL THEN depending_ticket_id
                 WHEN ?10 = 0 THEN NULL ELSE ?10 END,
               priority = COALESCE(?11, priority), storypoints = COALESCE(?12, storypoints),
               plan_hours = COALESCE(?13, plan_hours), hour_remaining = COALESCE(?14, hour_remaining),
               date_to_finish = CASE WHEN ?15 IS NULL THEN date_to_finish ELSE NULLIF(?15, '') END,
               edit_from = CASE WHEN ?16 IS NULL THEN edit_from ELSE NULLIF(?16, '') END,
               edit_to = CASE WHEN ?17 IS NULL THEN edit_to ELSE NULLIF(?17, '') END,
               tags = COALESCE(?18, tags), acceptance_criteria = COALESCE(?19, acceptance_criteria),
               modified = {NOW}
             WHERE id = ?2 AND {in_scope}",
            in_scope = in_scope!("project_id")
        ),
        params![
            scope,
            id,
            v.headline,
            v.description,
            v.status,
            v.kind,
            v.editor_id,
            v.milestone_id,
            v.sprint,
            v.depending_ticket_id,
            v.priority,
            v.story_points,
            v.plan_hours,
            v.hour_remaining,
            v.date_to_finish,
            v.edit_from,
            v.edit_to,
            v.tags,
            v.acceptance_criteria,
        ],
    )?;
    Ok(changed == 1)
}

/// Moves a ticket inside `scope` to another project, detaching it from its milestone, sprint
/// and parent (which belong to the old project); `false` when there is no such ticket.
pub fn move_to(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    project: i64,
) -> Result<bool, DbError> {
    let changed = tx.execute(
        &format!(
            "UPDATE tickets SET project_id = ?3, milestone_id = NULL, sprint = NULL,
               depending_ticket_id = NULL, modified = {NOW}
             WHERE id = ?2 AND type <> 'milestone'
               AND {in_scope}",
            in_scope = in_scope!("project_id")
        ),
        params![scope, id, project],
    )?;
    if changed == 1 {
        tx.execute(
            "UPDATE comments SET project_id = ?2 WHERE module = 'ticket' AND module_id = ?1",
            params![id, project],
        )?;
        tx.execute(
            "UPDATE timesheets SET project_id = ?2 WHERE ticket_id = ?1",
            params![id, project],
        )?;
    }
    Ok(changed == 1)
}

/// Deletes a ticket (a milestone when `milestone`) inside `scope` with its comments and time
/// entries; a deleted milestone's tickets lose their milestone. `false` when there is no such
/// ticket.
pub fn delete(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    milestone: bool,
) -> Result<bool, DbError> {
    let deleted = tx.execute(
        concat!(
            "DELETE FROM tickets WHERE id = ?2 AND (type = 'milestone') = (?3 <> 0)
           AND ",
            in_scope!("project_id")
        ),
        params![scope, id, milestone],
    )?;
    if deleted == 1 {
        tx.execute(
            "DELETE FROM comments WHERE module = 'ticket' AND module_id = ?1",
            [id],
        )?;
        tx.execute("DELETE FROM timesheets WHERE ticket_id = ?1", [id])?;
        tx.execute(
            "UPDATE tickets SET milestone_id = NULL WHERE milestone_id = ?1",
            [id],
        )?;
        tx.execute(
            "UPDATE tickets SET depending_ticket_id = NULL WHERE depending_ticket_id = ?1",
            [id],
        )?;
    }
    Ok(deleted == 1)
}

/// Whether `kind` is the milestone type.
pub fn is_milestone(kind: &str) -> bool {
    kind == MILESTONE
}

/// The first reference of `v` (in [`check_order`]) that is not a row of `project`.
fn bad_reference(
    conn: &Connection,
    project: i64,
    v: &TicketValues,
) -> Result<Option<(Reference, i64)>, DbError> {
    for (reference, id) in check_order(v).into_iter().flatten() {
        let found = match reference {
            Reference::Editor => super::users::exists(conn, id)?,
            Reference::Milestone => is_in_project(conn, id, project, true)?,
            Reference::Parent => is_in_project(conn, id, project, false)?,
            Reference::Sprint => super::sprints::is_in_project(conn, id, project)?,
        };
        if !found {
            return Ok(Some((reference, id)));
        }
    }
    Ok(None)
}

impl TicketStore for Db {
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Ticket>>> {
        Box::pin(self.read(move |conn| get(conn, &scope, id)))
    }

    fn search(
        &self,
        scope: Scope,
        criteria: SearchCriteria,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Ticket>>> {
        Box::pin(self.read(move |conn| search(conn, &scope, &criteria, limit)))
    }

    fn subtasks(
        &self,
        scope: Scope,
        parent: i64,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Ticket>>> {
        Box::pin(self.read(move |conn| subtasks(conn, &scope, parent, limit)))
    }

    fn of_user(
        &self,
        scope: Scope,
        user: i64,
        project: Option<i64>,
        done: bool,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Ticket>>> {
        Box::pin(self.read(move |conn| of_user(conn, &scope, user, project, done, limit)))
    }

    fn milestones(
        &self,
        scope: Scope,
        project: Option<i64>,
        include_done: bool,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Ticket>>> {
        Box::pin(self.read(move |conn| milestones(conn, &scope, project, include_done, limit)))
    }

    fn milestone_progress(
        &self,
        scope: Scope,
        id: i64,
    ) -> BoxFuture<'_, StoreResult<Option<(i64, i64)>>> {
        Box::pin(self.read(move |conn| match locate(conn, &scope, id)? {
            Some((project, kind)) if is_milestone(&kind) => {
                progress(conn, project, Some(id)).map(Some)
            }
            _ => Ok(None),
        }))
    }

    fn create(
        &self,
        scope: Scope,
        project: i64,
        author: i64,
        values: TicketValues,
    ) -> BoxFuture<'_, StoreResult<Checked<i64>>> {
        Box::pin(self.write(move |tx| {
            if !super::projects::exists(tx, &scope, project)? {
                return Ok(Checked::Invalid(
                    "values.projectId",
                    "no such project".into(),
                ));
            }
            if let Some((reference, id)) = bad_reference(tx, project, &values)? {
                return Ok(reference.missing(id, project));
            }
            insert(tx, project, author, &values).map(Checked::Done)
        }))
    }

    fn patch(
        &self,
        scope: Scope,
        id: i64,
        values: TicketValues,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>> {
        Box::pin(self.write(move |tx| {
            let Some((project, _)) = locate(tx, &scope, id)? else {
                return Ok(Checked::Missing);
            };
            if let Some((reference, other)) = bad_reference(tx, project, &values)? {
                return Ok(reference.missing(other, project));
            }
            patch(tx, &scope, id, &values).map(Checked::Done)
        }))
    }

    fn move_to(
        &self,
        scope: Scope,
        id: i64,
        project: i64,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>> {
        Box::pin(self.write(move |tx| {
            if !super::projects::exists(tx, &scope, project)? {
                return Ok(Checked::Invalid("projectId", "no such project".into()));
            }
            move_to(tx, &scope, id, project).map(Checked::found)
        }))
    }

    fn delete(&self, scope: Scope, id: i64, milestone: bool) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(self.write(move |tx| delete(tx, &scope, id, milestone)))
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::StatementStatus;

    use super::*;
    use crate::Db;

    /// A cached ticket statement keeps its plan when it runs again with other values: SQLite
    /// built with STAT4 would otherwise parse and plan it again on every call (≈ 40 µs of a
    /// `getTicket`, measured by `benches/examples/ticket_timing.rs`).
    #[tokio::test]
    async fn cached_statements_are_not_prepared_again_on_each_call() {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let db = Db::open(&dir.path().join("tickets.sqlite3")).expect("open");
        let reprepared = db
            .read(|conn| {
                for (scope, id) in [
                    (Scope::only(&[1]), 1),
                    (Scope::only(&[1]), 2),
                    (Scope::only(&[2, 3]), 7),
                    (Scope::all(), 9),
                ] {
                    assert!(get(conn, &scope, id)?.is_none());
                }
                let sql = format!("{SELECT} WHERE t.id = ?2 AND {IN_SCOPE}");
                Ok(conn
                    .prepare_cached(&sql)?
                    .get_status(StatementStatus::RePrepare))
            })
            .await
            .expect("the reads");
        assert_eq!(reprepared, 0, "the statement was prepared again");
    }
}
