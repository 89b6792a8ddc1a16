//! Projects and their members in SQLite; reads take the caller's [`Scope`].

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Db, DbError, NOW, Scope, collect};
use crate::model::{Project, ProjectUser, ProjectValues};
use crate::store::projects::no_client;
use crate::store::{BoxFuture, Checked, Counts, Duplicate, ProjectStore, StoreResult};

const SELECT: &str = "SELECT p.id, p.name, p.details, p.client_id, c.name, p.state, p.start,
    p.end, p.hour_budget, p.dollar_budget, p.type,
    (SELECT COUNT(*) FROM tickets t WHERE t.project_id = p.id AND t.type <> 'milestone'),
    p.created, p.modified
    FROM projects p LEFT JOIN clients c ON c.id = p.client_id";

const IN_SCOPE: &str = in_scope!("p.id");

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Project> {
    Ok(Project {
        id: row.get(0)?,
        name: row.get(1)?,
        details: row.get(2)?,
        client_id: row.get(3)?,
        client_name: row.get(4)?,
        state: row.get(5)?,
        start: row.get(6)?,
        end: row.get(7)?,
        hour_budget: row.get(8)?,
        dollar_budget: row.get(9)?,
        kind: row.get(10)?,
        number_of_tickets: row.get(11)?,
        created: row.get(12)?,
        modified: row.get(13)?,
    })
}

/// One project inside `scope`.
pub fn get(conn: &Connection, scope: &Scope, id: i64) -> Result<Option<Project>, DbError> {
    let sql = format!("{SELECT} WHERE p.id = ?2 AND {IN_SCOPE}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![scope, id], from_row)
        .optional()?)
}

/// Whether project `id` exists (inside `scope`).
pub fn exists(conn: &Connection, scope: &Scope, id: i64) -> Result<bool, DbError> {
    let sql = format!("SELECT 1 FROM projects p WHERE p.id = ?2 AND {IN_SCOPE}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![scope, id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Projects inside `scope`, open ones only unless `closed_too`, optionally those whose name
/// or details hold `term`, by id.
pub fn list(
    conn: &Connection,
    scope: &Scope,
    closed_too: bool,
    term: Option<&str>,
    limit: i64,
) -> Result<Vec<Project>, DbError> {
    let sql = format!(
        "{SELECT} WHERE {IN_SCOPE} AND (?2 <> 0 OR p.state <> -1)
         AND (?3 IS NULL OR p.name LIKE ?3 ESCAPE '\\' OR p.details LIKE ?3 ESCAPE '\\')
         ORDER BY p.id LIMIT ?4"
    );
    let term = term.map(|t| {
        let escaped = t
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        format!("%{escaped}%")
    });
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![scope, closed_too, term, limit], from_row)?;
    collect(rows)
}

/// Inserts a project and returns its id.
pub fn insert(tx: &Transaction<'_>, v: &ProjectValues) -> Result<i64, DbError> {
    tx.execute(
        &format!(
            "INSERT INTO projects (name, details, client_id, state, start, end, hour_budget,
               dollar_budget, created, modified)
             VALUES (?1, ?2, ?3, ?4, NULLIF(?5, ''), NULLIF(?6, ''), ?7, ?8, {NOW}, {NOW})"
        ),
        params![
            v.name.as_deref().unwrap_or_default(),
            v.details.as_deref().unwrap_or_default(),
            v.client_id.unwrap_or(1),
            v.state.unwrap_or(0),
            v.start,
            v.end,
            v.hour_budget.unwrap_or(0.0),
            v.dollar_budget.unwrap_or(0.0),
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Changes the given fields of a project inside `scope`; `false` when there is no such project.
pub fn patch(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    v: &ProjectValues,
) -> Result<bool, DbError> {
    let changed = tx.execute(
        &format!(
            "UPDATE projects SET name = COALESCE(?3, name), details = COALESCE(?4, details),
               client_id = COALESCE(?5, client_id), state = COALESCE(?6, state),
               start = CASE WHEN ?7 IS NULL THEN start ELSE NULLIF(?7, '') END,
               end = CASE WHEN ?8 IS NULL THEN end ELSE NULLIF(?8, '') END,
               hour_budget = COALESCE(?9, hour_budget), dollar_budget = COALESCE(?10, dollar_budget),
               modified = {NOW}
             WHERE id = ?2 AND {in_scope}",
            in_scope = in_scope!("id")
        ),
        params![
            scope,
            id,
            v.name,
            v.details,
            v.client_id,
            v.state,
            v.start,
            v.end,
            v.hour_budget,
            v.dollar_budget
        ],
    )?;
    Ok(changed == 1)
}

/// Copies a project's milestones, tickets (as new, unassigned to sprints) and, when
/// `members`, its members into a new project; returns the new id.
pub fn duplicate(
    tx: &Transaction<'_>,
    from: i64,
    client: i64,
    name: &str,
    start: Option<&str>,
    members: bool,
) -> Result<i64, DbError> {
    tx.execute(
        &format!(
            "INSERT INTO projects (name, details, client_id, state, start, end, hour_budget,
               dollar_budget, type, created, modified)
             SELECT ?2, details, ?3, 0, COALESCE(?4, start), end, hour_budget, dollar_budget,
               type, {NOW}, {NOW} FROM projects WHERE id = ?1"
        ),
        params![from, name, client, start],
    )?;
    let id = tx.last_insert_rowid();
    // Milestones first, remembering the new id of each, then the tickets pointing at them.
    tx.execute_batch("CREATE TEMP TABLE IF NOT EXISTS copied (old INTEGER PRIMARY KEY, new INTEGER); DELETE FROM temp.copied;")?;
    let copy = format!(
        "INSERT INTO tickets (project_id, headline, description, status, type, date, user_id,
           editor_id, milestone_id, priority, storypoints, plan_hours, hour_remaining,
           date_to_finish, tags, acceptance_criteria, modified)
         SELECT ?2, headline, description, 3, type, {NOW}, user_id, editor_id,
           (SELECT new FROM temp.copied WHERE old = milestone_id), priority, storypoints,
           plan_hours, plan_hours, date_to_finish, tags, acceptance_criteria, {NOW}
         FROM tickets WHERE id = ?1"
    );
    let ids: Vec<(i64, bool)> = collect(
        tx.prepare(
            "SELECT id, type = 'milestone' FROM tickets WHERE project_id = ?1
                    ORDER BY type <> 'milestone', id",
        )?
        .query_map([from], |row| Ok((row.get(0)?, row.get(1)?)))?,
    )?;
    for (old, milestone) in ids {
        tx.execute(&copy, params![old, id])?;
        if milestone {
            tx.execute(
                "INSERT INTO temp.copied (old, new) VALUES (?1, ?2)",
                params![old, tx.last_insert_rowid()],
            )?;
        }
    }
    tx.execute_batch("DELETE FROM temp.copied;")?;
    if members {
        tx.execute(
            "INSERT INTO project_users (project_id, user_id, role)
             SELECT ?2, user_id, role FROM project_users WHERE project_id = ?1",
            params![from, id],
        )?;
    }
    Ok(id)
}

/// Deletes a project inside `scope` with everything in it; `false` when there is no such project.
pub fn delete(tx: &Transaction<'_>, scope: &Scope, id: i64) -> Result<bool, DbError> {
    if !exists(tx, scope, id)? {
        return Ok(false);
    }
    for sql in [
        "DELETE FROM comments WHERE project_id = ?1",
        "DELETE FROM timesheets WHERE project_id = ?1",
        "DELETE FROM tickets WHERE project_id = ?1",
        "DELETE FROM sprints WHERE project_id = ?1",
        "DELETE FROM project_users WHERE project_id = ?1",
        "DELETE FROM projects WHERE id = ?1",
    ] {
        tx.execute(sql, [id])?;
    }
    Ok(true)
}

/// The members of a project (people only when `team_only`).
pub fn members(
    conn: &Connection,
    project: i64,
    team_only: bool,
) -> Result<Vec<ProjectUser>, DbError> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.id, u.firstname, u.lastname, u.username, u.role, NULLIF(pu.role, '')
         FROM project_users pu JOIN users u ON u.id = pu.user_id
         WHERE pu.project_id = ?1 AND (?2 = 0 OR u.source <> 'api') ORDER BY u.id",
    )?;
    let rows = stmt.query_map(params![project, team_only], |row| {
        Ok(ProjectUser {
            id: row.get(0)?,
            firstname: row.get(1)?,
            lastname: row.get(2)?,
            username: row.get(3)?,
            role: row.get(4)?,
            project_role: row.get(5)?,
        })
    })?;
    collect(rows)
}

/// Adds a user to a project (or changes the role of a member).
pub fn add_member(
    tx: &Transaction<'_>,
    project: i64,
    user: i64,
    role: &str,
) -> Result<(), DbError> {
    tx.execute(
        "INSERT INTO project_users (project_id, user_id, role) VALUES (?1, ?2, ?3)
         ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
        params![project, user, role],
    )?;
    Ok(())
}

/// Removes a user from the projects of `scope` (every project when the scope is all).
pub fn remove_memberships(tx: &Transaction<'_>, scope: &Scope, user: i64) -> Result<(), DbError> {
    tx.execute(
        concat!(
            "DELETE FROM project_users WHERE user_id = ?2
           AND ",
            in_scope!("project_id")
        ),
        params![scope, user],
    )?;
    Ok(())
}

/// The ids of the projects a user is a member of, inside `scope`.
pub fn of_user(conn: &Connection, scope: &Scope, user: i64) -> Result<Vec<i64>, DbError> {
    let mut stmt = conn.prepare_cached(concat!(
        "SELECT project_id FROM project_users WHERE user_id = ?2
           AND ",
        in_scope!("project_id"),
        " ORDER BY project_id"
    ))?;
    let rows = stmt.query_map(params![scope, user], |row| row.get(0))?;
    collect(rows)
}

impl ProjectStore for Db {
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Project>>> {
        Box::pin(self.read(move |conn| get(conn, &scope, id)))
    }

    fn list(
        &self,
        scope: Scope,
        closed_too: bool,
        term: Option<String>,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Project>>> {
        Box::pin(self.read(move |conn| list(conn, &scope, closed_too, term.as_deref(), limit)))
    }

    fn progress(
        &self,
        scope: Scope,
        id: i64,
    ) -> BoxFuture<'_, StoreResult<Option<(Project, Counts)>>> {
        Box::pin(self.read(move |conn| match get(conn, &scope, id)? {
            Some(p) => Ok(Some((p, super::tickets::progress(conn, id, None)?))),
            None => Ok(None),
        }))
    }

    fn create(
        &self,
        values: ProjectValues,
        author: i64,
    ) -> BoxFuture<'_, StoreResult<Checked<i64>>> {
        Box::pin(self.write(move |tx| {
            let client = values.client_id.unwrap_or(1);
            if !super::clients::exists(tx, client)? {
                return Ok(no_client("values.clientId", client));
            }
            let id = insert(tx, &values)?;
            add_member(tx, id, author, "")?;
            Ok(Checked::Done(id))
        }))
    }

    fn patch(
        &self,
        scope: Scope,
        id: i64,
        values: ProjectValues,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>> {
        Box::pin(self.write(move |tx| {
            if let Some(client) = values.client_id
                && !super::clients::exists(tx, client)?
            {
                return Ok(no_client("clientId", client));
            }
            patch(tx, &scope, id, &values).map(Checked::found)
        }))
    }

    fn members(
        &self,
        scope: Scope,
        project: i64,
        team_only: bool,
    ) -> BoxFuture<'_, StoreResult<Option<Vec<ProjectUser>>>> {
        Box::pin(self.read(move |conn| {
            if !exists(conn, &scope, project)? {
                return Ok(None);
            }
            members(conn, project, team_only).map(Some)
        }))
    }

    fn add_member(
        &self,
        scope: Scope,
        project: i64,
        user: i64,
        role: String,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>> {
        Box::pin(self.write(move |tx| {
            if !exists(tx, &scope, project)? {
                return Ok(Checked::Missing);
            }
            if !super::users::exists(tx, user)? {
                return Ok(Checked::Invalid("userId", format!("no user {user}")));
            }
            add_member(tx, project, user, &role).map(|()| Checked::Done(true))
        }))
    }

    fn set_memberships(
        &self,
        scope: Scope,
        user: i64,
        projects: Vec<i64>,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>> {
        Box::pin(self.write(move |tx| {
            if !super::users::exists(tx, user)? {
                return Ok(Checked::Missing);
            }
            for project in &projects {
                if !exists(tx, &scope, *project)? {
                    return Ok(Checked::Invalid(
                        "projects",
                        format!("no project {project}"),
                    ));
                }
            }
            remove_memberships(tx, &scope, user)?;
            for project in &projects {
                add_member(tx, *project, user, "")?;
            }
            Ok(Checked::Done(true))
        }))
    }

    fn of_user(&self, scope: Scope, user: i64) -> BoxFuture<'_, StoreResult<Vec<i64>>> {
        Box::pin(self.read(move |conn| of_user(conn, &scope, user)))
    }

    fn duplicate(&self, scope: Scope, what: Duplicate) -> BoxFuture<'_, StoreResult<Checked<i64>>> {
        Box::pin(self.write(move |tx| {
            if !exists(tx, &scope, what.from)? {
                return Ok(Checked::Missing);
            }
            if !super::clients::exists(tx, what.client)? {
                return Ok(no_client("clientId", what.client));
            }
            duplicate(
                tx,
                what.from,
                what.client,
                &what.name,
                what.start.as_deref(),
                what.members,
            )
            .map(Checked::Done)
        }))
    }

    fn delete(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(self.write(move |tx| delete(tx, &scope, id)))
    }
}
