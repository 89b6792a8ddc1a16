//! Projects and their members in PostgreSQL: the queries of `db/projects.rs`, answering the
//! same.

use std::collections::HashMap;

use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use super::{NOW, PgDb, all, any_row, like_pattern, one};
use crate::model::{Project, ProjectUser, ProjectValues};
use crate::store::projects::no_client;
use crate::store::{BoxFuture, Checked, Counts, Duplicate, ProjectStore, Scope, StoreResult};

const SELECT: &str = "SELECT p.id, p.name, p.details, p.client_id, c.name, p.state, p.start,
    p.\"end\", p.hour_budget, p.dollar_budget, p.type,
    (SELECT COUNT(*) FROM tickets t WHERE t.project_id = p.id AND t.type <> 'milestone'),
    p.created, p.modified
    FROM projects p LEFT JOIN clients c ON c.id = p.client_id";

const IN_SCOPE: &str = in_scope!("p.id");

fn from_row(row: &Row) -> Result<Project, tokio_postgres::Error> {
    Ok(Project {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        details: row.try_get(2)?,
        client_id: row.try_get(3)?,
        client_name: row.try_get(4)?,
        state: row.try_get(5)?,
        start: row.try_get(6)?,
        end: row.try_get(7)?,
        hour_budget: row.try_get(8)?,
        dollar_budget: row.try_get(9)?,
        kind: row.try_get(10)?,
        number_of_tickets: row.try_get(11)?,
        created: row.try_get(12)?,
        modified: row.try_get(13)?,
    })
}

/// One project inside `scope`.
async fn get(c: &impl GenericClient, scope: &Scope, id: i64) -> StoreResult<Option<Project>> {
    let sql = format!("{SELECT} WHERE p.id = $2::bigint AND {IN_SCOPE}");
    let stmt = c.prepare_cached(&sql).await?;
    one(c.query_opt(&stmt, &[&scope.pg(), &id]).await?, from_row)
}

/// Whether project `id` exists (inside `scope`).
pub(super) async fn exists(c: &impl GenericClient, scope: &Scope, id: i64) -> StoreResult<bool> {
    any_row(
        c,
        concat!(
            "SELECT 1 FROM projects p WHERE p.id = $2::bigint AND ",
            in_scope!("p.id")
        ),
        &[&scope.pg(), &id],
    )
    .await
}

async fn list(
    c: &impl GenericClient,
    scope: &Scope,
    closed_too: bool,
    term: Option<&str>,
    limit: i64,
) -> StoreResult<Vec<Project>> {
    // SQLite's LIKE ignores the case of ASCII letters (only): so does ascii_lower().
    let sql = format!(
        "{SELECT} WHERE {IN_SCOPE} AND ($2::boolean OR p.state <> -1)
         AND ($3::text IS NULL
              OR ascii_lower(p.name) LIKE ascii_lower($3::text) ESCAPE '\\'
              OR ascii_lower(p.details) LIKE ascii_lower($3::text) ESCAPE '\\')
         ORDER BY p.id LIMIT $4::bigint"
    );
    let term = term.map(like_pattern);
    let stmt = c.prepare_cached(&sql).await?;
    all(
        c.query(&stmt, &[&scope.pg(), &closed_too, &term, &limit])
            .await?,
        from_row,
    )
}

async fn members(
    c: &impl GenericClient,
    project: i64,
    team_only: bool,
) -> StoreResult<Vec<ProjectUser>> {
    let stmt = c
        .prepare_cached(
            "SELECT u.id, u.firstname, u.lastname, u.username, u.role, NULLIF(pu.role, '')
             FROM project_users pu JOIN users u ON u.id = pu.user_id
             WHERE pu.project_id = $1::bigint AND (NOT $2::boolean OR u.source <> 'api')
             ORDER BY u.id",
        )
        .await?;
    all(c.query(&stmt, &[&project, &team_only]).await?, |row| {
        Ok(ProjectUser {
            id: row.try_get(0)?,
            firstname: row.try_get(1)?,
            lastname: row.try_get(2)?,
            username: row.try_get(3)?,
            role: row.try_get(4)?,
            project_role: row.try_get(5)?,
        })
    })
}

/// Adds a user to a project (or changes the role of a member).
async fn add_member(tx: &Transaction<'_>, project: i64, user: i64, role: &str) -> StoreResult<()> {
    tx.execute(
        "INSERT INTO project_users (project_id, user_id, role)
         VALUES ($1::bigint, $2::bigint, $3::text)
         ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
        &[&project, &user, &role],
    )
    .await?;
    Ok(())
}

async fn create(tx: &Transaction<'_>, v: &ProjectValues, author: i64) -> StoreResult<Checked<i64>> {
    let client = v.client_id.unwrap_or(1);
    if !super::clients::exists(tx, client).await? {
        return Ok(no_client("values.clientId", client));
    }
    let stmt = tx
        .prepare_cached(&format!(
            "INSERT INTO projects (name, details, client_id, state, start, \"end\", hour_budget,
               dollar_budget, created, modified)
             VALUES ($1::text, $2::text, $3::bigint, $4::bigint, NULLIF($5::text, ''),
               NULLIF($6::text, ''), $7::double precision, $8::double precision, {NOW}, {NOW})
             RETURNING id"
        ))
        .await?;
    let id: i64 = tx
        .query_one(
            &stmt,
            &[
                &v.name.as_deref().unwrap_or_default(),
                &v.details.as_deref().unwrap_or_default(),
                &client,
                &v.state.unwrap_or(0),
                &v.start,
                &v.end,
                &v.hour_budget.unwrap_or(0.0),
                &v.dollar_budget.unwrap_or(0.0),
            ],
        )
        .await?
        .try_get(0)?;
    add_member(tx, id, author, "").await?;
    Ok(Checked::Done(id))
}

async fn patch(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    v: &ProjectValues,
) -> StoreResult<Checked<bool>> {
    if let Some(client) = v.client_id
        && !super::clients::exists(tx, client).await?
    {
        return Ok(no_client("clientId", client));
    }
    let stmt = tx
        .prepare_cached(&format!(
            "UPDATE projects SET name = COALESCE($3::text, name),
               details = COALESCE($4::text, details),
               client_id = COALESCE($5::bigint, client_id), state = COALESCE($6::bigint, state),
               start = CASE WHEN $7::text IS NULL THEN start ELSE NULLIF($7::text, '') END,
               \"end\" = CASE WHEN $8::text IS NULL THEN \"end\" ELSE NULLIF($8::text, '') END,
               hour_budget = COALESCE($9::double precision, hour_budget),
               dollar_budget = COALESCE($10::double precision, dollar_budget),
               modified = {NOW}
             WHERE id = $2::bigint AND {in_scope}",
            in_scope = in_scope!("id")
        ))
        .await?;
    let changed = tx
        .execute(
            &stmt,
            &[
                &scope.pg(),
                &id,
                &v.name,
                &v.details,
                &v.client_id,
                &v.state,
                &v.start,
                &v.end,
                &v.hour_budget,
                &v.dollar_budget,
            ],
        )
        .await?;
    Ok(Checked::found(changed == 1))
}

async fn add_member_checked(
    tx: &Transaction<'_>,
    scope: &Scope,
    project: i64,
    user: i64,
    role: &str,
) -> StoreResult<Checked<bool>> {
    if !exists(tx, scope, project).await? {
        return Ok(Checked::Missing);
    }
    if !super::users::exists(tx, user).await? {
        return Ok(Checked::Invalid("userId", format!("no user {user}")));
    }
    add_member(tx, project, user, role).await?;
    Ok(Checked::Done(true))
}

async fn set_memberships(
    tx: &Transaction<'_>,
    scope: &Scope,
    user: i64,
    projects: &[i64],
) -> StoreResult<Checked<bool>> {
    if !super::users::exists(tx, user).await? {
        return Ok(Checked::Missing);
    }
    for project in projects {
        if !exists(tx, scope, *project).await? {
            return Ok(Checked::Invalid(
                "projects",
                format!("no project {project}"),
            ));
        }
    }
    tx.execute(
        concat!(
            "DELETE FROM project_users WHERE user_id = $2::bigint AND ",
            in_scope!("project_id")
        ),
        &[&scope.pg(), &user],
    )
    .await?;
    for project in projects {
        add_member(tx, *project, user, "").await?;
    }
    Ok(Checked::Done(true))
}

async fn duplicate(
    tx: &Transaction<'_>,
    scope: &Scope,
    what: &Duplicate,
) -> StoreResult<Checked<i64>> {
    if !exists(tx, scope, what.from).await? {
        return Ok(Checked::Missing);
    }
    if !super::clients::exists(tx, what.client).await? {
        return Ok(no_client("clientId", what.client));
    }
    let id: i64 = tx
        .query_one(
            &format!(
                "INSERT INTO projects (name, details, client_id, state, start, \"end\",
                   hour_budget, dollar_budget, type, created, modified)
                 SELECT $2::text, details, $3::bigint, 0, COALESCE($4::text, start), \"end\",
                   hour_budget, dollar_budget, type, {NOW}, {NOW}
                 FROM projects WHERE id = $1::bigint
                 RETURNING id"
            ),
            &[&what.from, &what.name, &what.client, &what.start],
        )
        .await?
        .try_get(0)?;
    // Milestones first, remembering the new id of each, then the tickets pointing at them.
    let copy = tx
        .prepare_cached(&format!(
            "INSERT INTO tickets (project_id, headline, description, status, type, date, user_id,
               editor_id, milestone_id, priority, storypoints, plan_hours, hour_remaining,
               date_to_finish, tags, acceptance_criteria, modified)
             SELECT $2::bigint, headline, description, 3, type, {NOW}, user_id, editor_id,
               $3::bigint, priority, storypoints, plan_hours, plan_hours, date_to_finish, tags,
               acceptance_criteria, {NOW}
             FROM tickets WHERE id = $1::bigint
             RETURNING id"
        ))
        .await?;
    let tickets = tx
        .query(
            "SELECT id, type = 'milestone', milestone_id FROM tickets
             WHERE project_id = $1::bigint ORDER BY type <> 'milestone', id",
            &[&what.from],
        )
        .await?;
    let mut copied: HashMap<i64, i64> = HashMap::new();
    for row in tickets {
        let old: i64 = row.try_get(0)?;
        let milestone: bool = row.try_get(1)?;
        let parent: Option<i64> = row.try_get(2)?;
        let parent = parent.and_then(|p| copied.get(&p).copied());
        let new: i64 = tx
            .query_one(&copy, &[&old, &id, &parent])
            .await?
            .try_get(0)?;
        if milestone {
            copied.insert(old, new);
        }
    }
    if what.members {
        tx.execute(
            "INSERT INTO project_users (project_id, user_id, role)
             SELECT $2::bigint, user_id, role FROM project_users WHERE project_id = $1::bigint",
            &[&what.from, &id],
        )
        .await?;
    }
    Ok(Checked::Done(id))
}

async fn delete(tx: &Transaction<'_>, scope: &Scope, id: i64) -> StoreResult<bool> {
    if !exists(tx, scope, id).await? {
        return Ok(false);
    }
    for sql in [
        "DELETE FROM comments WHERE project_id = $1::bigint",
        "DELETE FROM timesheets WHERE project_id = $1::bigint",
        "DELETE FROM tickets WHERE project_id = $1::bigint",
        "DELETE FROM sprints WHERE project_id = $1::bigint",
        "DELETE FROM project_users WHERE project_id = $1::bigint",
        "DELETE FROM projects WHERE id = $1::bigint",
    ] {
        tx.execute(sql, &[&id]).await?;
    }
    Ok(true)
}

impl ProjectStore for PgDb {
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Project>>> {
        Box::pin(async move { get(&self.client().await?, &scope, id).await })
    }

    fn list(
        &self,
        scope: Scope,
        closed_too: bool,
        term: Option<String>,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Project>>> {
        Box::pin(async move {
            list(
                &self.client().await?,
                &scope,
                closed_too,
                term.as_deref(),
                limit,
            )
            .await
        })
    }

    fn progress(
        &self,
        scope: Scope,
        id: i64,
    ) -> BoxFuture<'_, StoreResult<Option<(Project, Counts)>>> {
        Box::pin(async move {
            let c = self.client().await?;
            match get(&c, &scope, id).await? {
                Some(p) => Ok(Some((p, super::tickets::progress(&c, id, None).await?))),
                None => Ok(None),
            }
        })
    }

    fn create(
        &self,
        values: ProjectValues,
        author: i64,
    ) -> BoxFuture<'_, StoreResult<Checked<i64>>> {
        Box::pin(async move {
            let args = (values, author);
            self.write(&args, |tx, (v, author)| Box::pin(create(tx, v, *author)))
                .await
        })
    }

    fn patch(
        &self,
        scope: Scope,
        id: i64,
        values: ProjectValues,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>> {
        Box::pin(async move {
            let args = (scope, id, values);
            self.write(&args, |tx, (scope, id, v)| {
                Box::pin(patch(tx, scope, *id, v))
            })
            .await
        })
    }

    fn members(
        &self,
        scope: Scope,
        project: i64,
        team_only: bool,
    ) -> BoxFuture<'_, StoreResult<Option<Vec<ProjectUser>>>> {
        Box::pin(async move {
            let c = self.client().await?;
            if !exists(&c, &scope, project).await? {
                return Ok(None);
            }
            members(&c, project, team_only).await.map(Some)
        })
    }

    fn add_member(
        &self,
        scope: Scope,
        project: i64,
        user: i64,
        role: String,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>> {
        Box::pin(async move {
            let args = (scope, project, user, role);
            self.write(&args, |tx, (scope, project, user, role)| {
                Box::pin(add_member_checked(tx, scope, *project, *user, role))
            })
            .await
        })
    }

    fn set_memberships(
        &self,
        scope: Scope,
        user: i64,
        projects: Vec<i64>,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>> {
        Box::pin(async move {
            let args = (scope, user, projects);
            self.write(&args, |tx, (scope, user, projects)| {
                Box::pin(set_memberships(tx, scope, *user, projects))
            })
            .await
        })
    }

    fn of_user(&self, scope: Scope, user: i64) -> BoxFuture<'_, StoreResult<Vec<i64>>> {
        Box::pin(async move {
            let c = self.client().await?;
            let stmt = c
                .prepare_cached(concat!(
                    "SELECT project_id FROM project_users WHERE user_id = $2::bigint AND ",
                    in_scope!("project_id"),
                    " ORDER BY project_id"
                ))
                .await?;
            all(c.query(&stmt, &[&scope.pg(), &user]).await?, |row| {
                row.try_get(0)
            })
        })
    }

    fn duplicate(&self, scope: Scope, what: Duplicate) -> BoxFuture<'_, StoreResult<Checked<i64>>> {
        Box::pin(async move {
            let args = (scope, what);
            self.write(&args, |tx, (scope, what)| {
                Box::pin(duplicate(tx, scope, what))
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
