//! Tickets and milestones in PostgreSQL: the queries of `db/tickets.rs`, answering the same.

use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;
use tokio_postgres::types::ToSql;

use super::{NOW, PgDb, all, any_row, like_pattern, one};
use crate::model::tickets::{MILESTONE, STATUS_NEW, status_label};
use crate::model::{SearchCriteria, StatusFilter, Ticket, TicketValues};
use crate::store::tickets::{Reference, check_order};
use crate::store::{BoxFuture, Checked, Scope, StoreResult, TicketStore};

const SELECT: &str = "SELECT t.id, t.project_id, p.name, c.name, t.headline, t.description,
    t.status, t.type, t.date, t.user_id, u.firstname, u.lastname, t.editor_id, e.firstname,
    e.lastname, t.milestone_id, t.sprint, t.depending_ticket_id, t.priority, t.storypoints,
    t.plan_hours, t.hour_remaining, t.date_to_finish, t.edit_from, t.edit_to, t.tags,
    t.acceptance_criteria, t.sort_index, t.modified
    FROM tickets t JOIN projects p ON p.id = t.project_id
    LEFT JOIN clients c ON c.id = p.client_id
    LEFT JOIN users u ON u.id = t.user_id
    LEFT JOIN users e ON e.id = t.editor_id";

const IN_SCOPE: &str = in_scope!("t.project_id");

fn from_row(row: &Row) -> Result<Ticket, tokio_postgres::Error> {
    let status: i64 = row.try_get(6)?;
    Ok(Ticket {
        id: row.try_get(0)?,
        project_id: row.try_get(1)?,
        project_name: row.try_get(2)?,
        client_name: row.try_get(3)?,
        headline: row.try_get(4)?,
        description: row.try_get(5)?,
        status,
        status_label: status_label(status).map(str::to_owned),
        kind: row.try_get(7)?,
        date: row.try_get(8)?,
        user_id: row.try_get(9)?,
        user_firstname: row.try_get(10)?,
        user_lastname: row.try_get(11)?,
        editor_id: row.try_get(12)?,
        editor_firstname: row.try_get(13)?,
        editor_lastname: row.try_get(14)?,
        milestone_id: row.try_get(15)?,
        sprint: row.try_get(16)?,
        depending_ticket_id: row.try_get(17)?,
        priority: row.try_get(18)?,
        story_points: row.try_get(19)?,
        plan_hours: row.try_get(20)?,
        hour_remaining: row.try_get(21)?,
        date_to_finish: row.try_get(22)?,
        edit_from: row.try_get(23)?,
        edit_to: row.try_get(24)?,
        tags: row.try_get(25)?,
        acceptance_criteria: row.try_get(26)?,
        sort_index: row.try_get(27)?,
        modified: row.try_get(28)?,
    })
}

/// One ticket (or milestone) inside `scope`.
async fn get(c: &impl GenericClient, scope: &Scope, id: i64) -> StoreResult<Option<Ticket>> {
    let sql = format!("{SELECT} WHERE t.id = $2::bigint AND {IN_SCOPE}");
    let stmt = c.prepare_cached(&sql).await?;
    one(c.query_opt(&stmt, &[&scope.pg(), &id]).await?, from_row)
}

/// The project and type of a ticket inside `scope`.
pub(super) async fn locate(
    c: &impl GenericClient,
    scope: &Scope,
    id: i64,
) -> StoreResult<Option<(i64, String)>> {
    let sql = format!(
        "SELECT t.project_id, t.type FROM tickets t WHERE t.id = $2::bigint AND {IN_SCOPE}"
    );
    let stmt = c.prepare_cached(&sql).await?;
    one(c.query_opt(&stmt, &[&scope.pg(), &id]).await?, |row| {
        Ok((row.try_get(0)?, row.try_get(1)?))
    })
}

/// Whether `id` is a ticket of `project` (a milestone when `milestone`).
async fn is_in_project(
    c: &impl GenericClient,
    id: i64,
    project: i64,
    milestone: bool,
) -> StoreResult<bool> {
    any_row(
        c,
        "SELECT 1 FROM tickets WHERE id = $1::bigint AND project_id = $2::bigint
         AND (NOT $3::boolean OR type = 'milestone')",
        &[&id, &project, &milestone],
    )
    .await
}

/// Tickets inside `scope` matching `criteria`, at most `limit`, by id.
async fn search(
    c: &impl GenericClient,
    scope: &Scope,
    criteria: &SearchCriteria,
    limit: i64,
) -> StoreResult<Vec<Ticket>> {
    type Arg = Box<dyn ToSql + Sync + Send>;
    fn bind(sql: &mut String, args: &mut Vec<Arg>, clause: &str, value: Arg) {
        args.push(value);
        sql.push_str(&clause.replace('?', &format!("${}", args.len())));
    }
    let mut sql = format!("{SELECT} WHERE {IN_SCOPE}");
    let mut args: Vec<Arg> = vec![Box::new(scope.pg().map(<[i64]>::to_vec))];
    if let Some(project) = criteria.current_project {
        bind(
            &mut sql,
            &mut args,
            " AND t.project_id = ?::bigint",
            Box::new(project),
        );
    }
    match criteria.kind.as_deref().map(str::trim) {
        Some(kind) if !kind.is_empty() => bind(
            &mut sql,
            &mut args,
            " AND t.type = ?::text",
            Box::new(kind.to_ascii_lowercase()),
        ),
        _ => sql.push_str(" AND t.type <> 'milestone'"),
    }
    match &criteria.status {
        Some(StatusFilter::Any(ids)) => bind(
            &mut sql,
            &mut args,
            " AND t.status = ANY(?::bigint[])",
            Box::new(ids.clone()),
        ),
        Some(StatusFilter::Done) => sql.push_str(" AND t.status IN (0, -1)"),
        Some(StatusFilter::NotDone) => sql.push_str(" AND t.status NOT IN (0, -1)"),
        None => {}
    }
    if let Some(milestone) = criteria.milestone.filter(|m| *m > 0) {
        bind(
            &mut sql,
            &mut args,
            " AND t.milestone_id = ?::bigint",
            Box::new(milestone),
        );
    }
    if let Some(sprint) = criteria.sprint.filter(|s| *s > 0) {
        bind(
            &mut sql,
            &mut args,
            " AND t.sprint = ?::bigint",
            Box::new(sprint),
        );
    }
    if let Some(users) = criteria.users.as_ref().filter(|u| !u.is_empty()) {
        bind(
            &mut sql,
            &mut args,
            " AND t.editor_id = ANY(?::bigint[])",
            Box::new(users.clone()),
        );
    }
    if let Some(term) = criteria
        .term
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        args.push(Box::new(like_pattern(term)));
        let n = args.len();
        args.push(Box::new(term.to_owned()));
        let m = args.len();
        // SQLite's LIKE ignores the case of ASCII letters (only): so does ascii_lower().
        sql.push_str(&format!(
            " AND (ascii_lower(t.headline) LIKE ascii_lower(${n}::text) ESCAPE '\\'
               OR ascii_lower(t.description) LIKE ascii_lower(${n}::text) ESCAPE '\\'
               OR ascii_lower(t.tags) LIKE ascii_lower(${n}::text) ESCAPE '\\'
               OR t.id::text = ${m}::text)"
        ));
    }
    if let Some(from) = &criteria.date_from {
        bind(
            &mut sql,
            &mut args,
            " AND t.date > ?::text",
            Box::new(from.clone()),
        );
    }
    if let Some(to) = &criteria.date_to {
        bind(
            &mut sql,
            &mut args,
            " AND t.date < ?::text",
            Box::new(to.clone()),
        );
    }
    bind(
        &mut sql,
        &mut args,
        " ORDER BY t.id LIMIT ?::bigint",
        Box::new(limit),
    );
    let params: Vec<&(dyn ToSql + Sync)> = args
        .iter()
        .map(|a| a.as_ref() as &(dyn ToSql + Sync))
        .collect();
    all(c.query(sql.as_str(), &params).await?, from_row)
}

/// Tickets with one extra condition on `t` (parameters from `$2`), inside `scope`, by id.
async fn list_where(
    c: &impl GenericClient,
    scope: &Scope,
    condition: &str,
    args: &[&(dyn ToSql + Sync)],
    limit: i64,
) -> StoreResult<Vec<Ticket>> {
    let n = args.len() + 2;
    let sql = format!("{SELECT} WHERE {IN_SCOPE} AND {condition} ORDER BY t.id LIMIT ${n}::bigint");
    let scope = scope.pg();
    let mut all_args: Vec<&(dyn ToSql + Sync)> = vec![&scope];
    all_args.extend_from_slice(args);
    all_args.push(&limit);
    let stmt = c.prepare_cached(&sql).await?;
    all(c.query(&stmt, &all_args).await?, from_row)
}

/// `(all, done)` counts of the tickets of a milestone, or of a project when `milestone` is
/// `None` (milestones themselves not counted).
pub(super) async fn progress(
    c: &impl GenericClient,
    project: i64,
    milestone: Option<i64>,
) -> StoreResult<(i64, i64)> {
    let stmt = c
        .prepare_cached(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE status IN (0, -1)) FROM tickets
             WHERE project_id = $1::bigint AND type <> 'milestone'
               AND ($2::bigint IS NULL OR milestone_id = $2::bigint)",
        )
        .await?;
    let row = c.query_one(&stmt, &[&project, &milestone]).await?;
    Ok((row.try_get(0)?, row.try_get(1)?))
}

/// The first reference of `v` (in [`check_order`]) that is not a row of `project`.
async fn bad_reference(
    c: &impl GenericClient,
    project: i64,
    v: &TicketValues,
) -> StoreResult<Option<(Reference, i64)>> {
    for (reference, id) in check_order(v).into_iter().flatten() {
        let found = match reference {
            Reference::Editor => super::users::exists(c, id).await?,
            Reference::Milestone => is_in_project(c, id, project, true).await?,
            Reference::Parent => is_in_project(c, id, project, false).await?,
            Reference::Sprint => super::sprints::is_in_project(c, id, project).await?,
        };
        if !found {
            return Ok(Some((reference, id)));
        }
    }
    Ok(None)
}

async fn create(
    tx: &Transaction<'_>,
    scope: &Scope,
    project: i64,
    author: i64,
    v: &TicketValues,
) -> StoreResult<Checked<i64>> {
    if !super::projects::exists(tx, scope, project).await? {
        return Ok(Checked::Invalid(
            "values.projectId",
            "no such project".into(),
        ));
    }
    if let Some((reference, id)) = bad_reference(tx, project, v).await? {
        return Ok(reference.missing(id, project));
    }
    let stmt = tx
        .prepare_cached(&format!(
            "INSERT INTO tickets (project_id, headline, description, status, type, date, user_id,
               editor_id, milestone_id, sprint, depending_ticket_id, priority, storypoints,
               plan_hours, hour_remaining, date_to_finish, edit_from, edit_to, tags,
               acceptance_criteria, modified)
             VALUES ($1::bigint, $2::text, $3::text, $4::bigint, $5::text, {NOW}, $6::bigint,
               $7::bigint, $8::bigint, $9::bigint, $10::bigint, $11::bigint,
               $12::double precision, $13::double precision, $14::double precision,
               NULLIF($15::text, ''), NULLIF($16::text, ''), NULLIF($17::text, ''), $18::text,
               $19::text, {NOW})
             RETURNING id"
        ))
        .await?;
    let positive = |id: Option<i64>| id.filter(|id| *id > 0);
    let row = tx
        .query_one(
            &stmt,
            &[
                &project,
                &v.headline.as_deref().unwrap_or_default(),
                &v.description.as_deref().unwrap_or_default(),
                &v.status.unwrap_or(STATUS_NEW),
                &v.kind.as_deref().unwrap_or("task"),
                &author,
                &positive(v.editor_id),
                &positive(v.milestone_id),
                &positive(v.sprint),
                &positive(v.depending_ticket_id),
                &v.priority,
                &v.story_points,
                &v.plan_hours,
                &v.hour_remaining,
                &v.date_to_finish,
                &v.edit_from,
                &v.edit_to,
                &v.tags.as_deref().unwrap_or_default(),
                &v.acceptance_criteria.as_deref().unwrap_or_default(),
            ],
        )
        .await?;
    Ok(Checked::Done(row.try_get(0)?))
}

async fn patch(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    v: &TicketValues,
) -> StoreResult<Checked<bool>> {
    let Some((project, _)) = locate(tx, scope, id).await? else {
        return Ok(Checked::Missing);
    };
    if let Some((reference, other)) = bad_reference(tx, project, v).await? {
        return Ok(reference.missing(other, project));
    }
    let stmt = tx
        .prepare_cached(&format!(
            "UPDATE tickets SET
               headline = COALESCE($3::text, headline),
               description = COALESCE($4::text, description),
               status = COALESCE($5::bigint, status), type = COALESCE($6::text, type),
               editor_id = CASE WHEN $7::bigint IS NULL THEN editor_id
                 WHEN $7::bigint = 0 THEN NULL ELSE $7::bigint END,
               milestone_id = CASE WHEN $8::bigint IS NULL THEN milestone_id
                 WHEN $8::bigint = 0 THEN NULL ELSE $8::bigint END,
               sprint = CASE WHEN $9::bigint IS NULL THEN sprint
                 WHEN $9::bigint = 0 THEN NULL ELSE $9::bigint END,
               depending_ticket_id = CASE WHEN $10::bigint IS NULL THEN depending_ticket_id
                 WHEN $10::bigint = 0 THEN NULL ELSE $10::bigint END,
               priority = COALESCE($11::bigint, priority),
               storypoints = COALESCE($12::double precision, storypoints),
               plan_hours = COALESCE($13::double precision, plan_hours),
               hour_remaining = COALESCE($14::double precision, hour_remaining),
               date_to_finish = CASE WHEN $15::text IS NULL THEN date_to_finish
                 ELSE NULLIF($15::text, '') END,
               edit_from = CASE WHEN $16::text IS NULL THEN edit_from
                 ELSE NULLIF($16::text, '') END,
               edit_to = CASE WHEN $17::text IS NULL THEN edit_to ELSE NULLIF($17::text, '') END,
               tags = COALESCE($18::text, tags),
               acceptance_criteria = COALESCE($19::text, acceptance_criteria),
               modified = {NOW}
             WHERE id = $2::bigint AND {in_scope}",
            in_scope = in_scope!("project_id")
        ))
        .await?;
    let changed = tx
        .execute(
            &stmt,
            &[
                &scope.pg(),
                &id,
                &v.headline,
                &v.description,
                &v.status,
                &v.kind,
                &v.editor_id,
                &v.milestone_id,
                &v.sprint,
                &v.depending_ticket_id,
                &v.priority,
                &v.story_points,
                &v.plan_hours,
                &v.hour_remaining,
                &v.date_to_finish,
                &v.edit_from,
                &v.edit_to,
                &v.tags,
                &v.acceptance_criteria,
            ],
        )
        .await?;
    Ok(Checked::Done(changed == 1))
}

async fn move_to(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    project: i64,
) -> StoreResult<Checked<bool>> {
    if !super::projects::exists(tx, scope, project).await? {
        return Ok(Checked::Invalid("projectId", "no such project".into()));
    }
    let stmt = tx
        .prepare_cached(&format!(
            "UPDATE tickets SET project_id = $3::bigint, milestone_id = NULL, sprint = NULL,
               depending_ticket_id = NULL, modified = {NOW}
             WHERE id = $2::bigint AND type <> 'milestone' AND {in_scope}",
            in_scope = in_scope!("project_id")
        ))
        .await?;
    let moved = tx.execute(&stmt, &[&scope.pg(), &id, &project]).await? == 1;
    if moved {
        tx.execute(
            "UPDATE comments SET project_id = $2::bigint
             WHERE module = 'ticket' AND module_id = $1::bigint",
            &[&id, &project],
        )
        .await?;
        tx.execute(
            "UPDATE timesheets SET project_id = $2::bigint WHERE ticket_id = $1::bigint",
            &[&id, &project],
        )
        .await?;
    }
    Ok(Checked::found(moved))
}

async fn delete(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    milestone: bool,
) -> StoreResult<bool> {
    let stmt = tx
        .prepare_cached(concat!(
            "DELETE FROM tickets WHERE id = $2::bigint AND (type = 'milestone') = $3::boolean
               AND ",
            in_scope!("project_id")
        ))
        .await?;
    let deleted = tx.execute(&stmt, &[&scope.pg(), &id, &milestone]).await? == 1;
    if deleted {
        for sql in [
            "DELETE FROM comments WHERE module = 'ticket' AND module_id = $1::bigint",
            "DELETE FROM timesheets WHERE ticket_id = $1::bigint",
            "UPDATE tickets SET milestone_id = NULL WHERE milestone_id = $1::bigint",
            "UPDATE tickets SET depending_ticket_id = NULL WHERE depending_ticket_id = $1::bigint",
        ] {
            tx.execute(sql, &[&id]).await?;
        }
    }
    Ok(deleted)
}

impl TicketStore for PgDb {
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Ticket>>> {
        Box::pin(async move { get(&self.client().await?, &scope, id).await })
    }

    fn search(
        &self,
        scope: Scope,
        criteria: SearchCriteria,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Ticket>>> {
        Box::pin(async move { search(&self.client().await?, &scope, &criteria, limit).await })
    }

    fn subtasks(
        &self,
        scope: Scope,
        parent: i64,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Ticket>>> {
        Box::pin(async move {
            list_where(
                &self.client().await?,
                &scope,
                "t.depending_ticket_id = $2::bigint AND t.type <> 'milestone'",
                &[&parent],
                limit,
            )
            .await
        })
    }

    fn of_user(
        &self,
        scope: Scope,
        user: i64,
        project: Option<i64>,
        done: bool,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Ticket>>> {
        Box::pin(async move {
            list_where(
                &self.client().await?,
                &scope,
                "t.editor_id = $2::bigint AND ($3::bigint IS NULL OR t.project_id = $3::bigint)
                 AND t.type <> 'milestone' AND (t.status IN (0, -1)) = $4::boolean",
                &[&user, &project, &done],
                limit,
            )
            .await
        })
    }

    fn milestones(
        &self,
        scope: Scope,
        project: Option<i64>,
        include_done: bool,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Ticket>>> {
        Box::pin(async move {
            list_where(
                &self.client().await?,
                &scope,
                "t.type = 'milestone' AND ($2::bigint IS NULL OR t.project_id = $2::bigint)
                 AND ($3::boolean OR t.status NOT IN (0, -1))",
                &[&project, &include_done],
                limit,
            )
            .await
        })
    }

    fn milestone_progress(
        &self,
        scope: Scope,
        id: i64,
    ) -> BoxFuture<'_, StoreResult<Option<(i64, i64)>>> {
        Box::pin(async move {
            let c = self.client().await?;
            match locate(&c, &scope, id).await? {
                Some((project, kind)) if kind == MILESTONE => {
                    progress(&c, project, Some(id)).await.map(Some)
                }
                _ => Ok(None),
            }
        })
    }

    fn create(
        &self,
        scope: Scope,
        project: i64,
        author: i64,
        values: TicketValues,
    ) -> BoxFuture<'_, StoreResult<Checked<i64>>> {
        Box::pin(async move {
            let args = (scope, project, author, values);
            self.write(&args, |tx, (scope, project, author, v)| {
                Box::pin(create(tx, scope, *project, *author, v))
            })
            .await
        })
    }

    fn patch(
        &self,
        scope: Scope,
        id: i64,
        values: TicketValues,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>> {
        Box::pin(async move {
            let args = (scope, id, values);
            self.write(&args, |tx, (scope, id, v)| {
                Box::pin(patch(tx, scope, *id, v))
            })
            .await
        })
    }

    fn move_to(
        &self,
        scope: Scope,
        id: i64,
        project: i64,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>> {
        Box::pin(async move {
            let args = (scope, id, project);
            self.write(&args, |tx, (scope, id, project)| {
                Box::pin(move_to(tx, scope, *id, *project))
            })
            .await
        })
    }

    fn delete(&self, scope: Scope, id: i64, milestone: bool) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(async move {
            let args = (scope, id, milestone);
            self.write(&args, |tx, (scope, id, milestone)| {
                Box::pin(delete(tx, scope, *id, *milestone))
            })
            .await
        })
    }
}
