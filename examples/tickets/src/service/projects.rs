//! `projects.*`: projects, their progress and their members.

use leanrpc::{Caller, RpcError, rpc_service};

use super::{Checked, caller_user, date_field, page, require_unscoped, required, scope};
use crate::db::{self, Db};
use crate::model::{Project, ProjectProgress, ProjectUser, ProjectValues};

/// Projects: Leantime's `Projects` service.
#[derive(Debug, Clone)]
pub struct Projects {
    db: Db,
}

impl Projects {
    /// Serves projects from `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    async fn change(
        &self,
        caller: &Caller,
        id: i64,
        values: ProjectValues,
    ) -> Result<bool, RpcError> {
        let v = normalize(values)?;
        let scope = scope(caller);
        self.db
            .write(move |tx| {
                if let Some(client) = v.client_id
                    && !db::clients::exists(tx, client)?
                {
                    return Ok(Checked::Invalid("clientId", format!("no client {client}")));
                }
                match db::projects::patch(tx, &scope, id, &v)? {
                    true => Ok(Checked::Done(true)),
                    false => Ok(Checked::Missing),
                }
            })
            .await?
            .answer()
    }
}

fn normalize(mut v: ProjectValues) -> Result<ProjectValues, RpcError> {
    if let Some(name) = v.name.take() {
        v.name = Some(super::non_empty("name", name)?);
    }
    if let Some(state) = v.state
        && state != 0
        && state != -1
    {
        return Err(RpcError::invalid_param(
            "state",
            "expected 0 (open) or -1 (closed)",
        ));
    }
    v.start = date_field("start", v.start)?;
    v.end = date_field("end", v.end)?;
    Ok(v)
}

#[rpc_service("projects", min_role = "readonly", unknown_params = "ignore", client)]
impl Projects {
    /// Creates a project from `values` (`name` required; `clientId` defaults to client 1) and
    /// returns its id. Keys limited to some projects cannot create one.
    #[rpc(min_role = "manager", scope = "projects:write", errors(-32001))]
    async fn add_project(&self, caller: &Caller, values: ProjectValues) -> Result<i64, RpcError> {
        require_unscoped(caller, "create projects")?;
        let mut v = normalize(values)?;
        v.name = Some(required("values.name", v.name)?);
        let author = caller_user(&self.db, caller).await?;
        self.db
            .write(move |tx| {
                let client = v.client_id.unwrap_or(1);
                if !db::clients::exists(tx, client)? {
                    return Ok(Checked::Invalid(
                        "values.clientId",
                        format!("no client {client}"),
                    ));
                }
                let id = db::projects::insert(tx, &v)?;
                // As Leantime does: the author is the new project's first member.
                db::projects::add_member(tx, id, author, "")?;
                Ok(Checked::Done(id))
            })
            .await?
            .answer()
    }

    /// One project.
    #[rpc(errors(-32002))]
    async fn get_project(&self, caller: &Caller, id: i64) -> Result<Project, RpcError> {
        let scope = scope(caller);
        self.db
            .read(move |conn| db::projects::get(conn, &scope, id))
            .await?
            .ok_or_else(RpcError::not_found)
    }

    /// The projects the key may see: open ones, closed ones too with `showClosedProjects`.
    async fn get_all(
        &self,
        caller: &Caller,
        show_closed_projects: Option<bool>,
        limit: Option<i64>,
    ) -> Result<Vec<Project>, RpcError> {
        let scope = scope(caller);
        let closed = show_closed_projects.unwrap_or(false);
        let limit = page(limit)?;
        Ok(self
            .db
            .read(move |conn| db::projects::list(conn, &scope, closed, None, limit))
            .await?)
    }

    /// Projects whose name or details hold `term` (every project for an empty term).
    async fn find_project(
        &self,
        caller: &Caller,
        term: Option<String>,
    ) -> Result<Vec<Project>, RpcError> {
        let scope = scope(caller);
        let term = term.filter(|t| !t.trim().is_empty());
        Ok(self
            .db
            .read(move |conn| {
                db::projects::list(conn, &scope, true, term.as_deref(), super::DEFAULT_PAGE)
            })
            .await?)
    }

    /// Changes the fields given in `params` of project `id`.
    #[rpc(min_role = "manager", scope = "projects:write", errors(-32002))]
    async fn patch(
        &self,
        caller: &Caller,
        id: i64,
        params: ProjectValues,
    ) -> Result<bool, RpcError> {
        self.change(caller, id, params).await
    }

    /// Changes the fields given in `values` of project `id`.
    #[rpc(min_role = "manager", scope = "projects:write", errors(-32002))]
    async fn edit_project(
        &self,
        caller: &Caller,
        values: ProjectValues,
        id: i64,
    ) -> Result<bool, RpcError> {
        self.change(caller, id, values).await
    }

    /// How far a project is: `{percent, totalTickets, doneTickets, ...}`. Takes `projectId`
    /// (Leantime's name) or `id`.
    #[rpc(errors(-32002))]
    async fn get_project_progress(
        &self,
        caller: &Caller,
        project_id: Option<i64>,
        id: Option<i64>,
    ) -> Result<ProjectProgress, RpcError> {
        let project = project_id
            .or(id)
            .ok_or_else(|| RpcError::invalid_param("projectId", "is required"))?;
        let scope = scope(caller);
        let (found, counts) = self
            .db
            .read(
                move |conn| match db::projects::get(conn, &scope, project)? {
                    Some(p) => Ok((Some(p), db::tickets::progress(conn, project, None)?)),
                    None => Ok((None, (0, 0))),
                },
            )
            .await?;
        let found = found.ok_or_else(RpcError::not_found)?;
        Ok(ProjectProgress {
            percent: super::tickets::percent(counts),
            estimated_completion_date: None,
            planned_completion_date: found.end,
            total_tickets: counts.0,
            done_tickets: counts.1,
        })
    }

    /// The members of a project (people only with `teamOnly`).
    #[rpc(project = "project_id", errors(-32002))]
    async fn get_users_assigned_to_project(
        &self,
        caller: &Caller,
        project_id: i64,
        team_only: Option<bool>,
    ) -> Result<Vec<ProjectUser>, RpcError> {
        let scope = scope(caller);
        let team = team_only.unwrap_or(false);
        self.db
            .read(move |conn| {
                if !db::projects::exists(conn, &scope, project_id)? {
                    return Ok(None);
                }
                db::projects::members(conn, project_id, team).map(Some)
            })
            .await?
            .ok_or_else(RpcError::not_found)
    }

    /// Adds user `userId` to project `projectId` (with `projectRole`, optional).
    #[rpc(min_role = "manager", scope = "projects:write", project = "project_id", errors(-32002))]
    async fn add_user_to_project(
        &self,
        caller: &Caller,
        user_id: i64,
        project_id: i64,
        project_role: Option<String>,
    ) -> Result<bool, RpcError> {
        let scope = scope(caller);
        let role = project_role.unwrap_or_default();
        if !role.is_empty() && crate::model::users::parse_role(&role).is_none() {
            return Err(RpcError::invalid_param(
                "projectRole",
                "expected a role name or number",
            ));
        }
        self.db
            .write(move |tx| {
                if !db::projects::exists(tx, &scope, project_id)? {
                    return Ok(Checked::Missing);
                }
                if !db::users::exists(tx, user_id)? {
                    return Ok(Checked::Invalid("userId", format!("no user {user_id}")));
                }
                db::projects::add_member(tx, project_id, user_id, &role)
                    .map(|()| Checked::Done(true))
            })
            .await?
            .answer()
    }

    /// Makes user `id` a member of exactly `projects` (among the key's projects: memberships
    /// of other projects stay as they are).
    #[rpc(min_role = "manager", scope = "projects:write", errors(-32002))]
    async fn edit_user_project_relations(
        &self,
        caller: &Caller,
        id: i64,
        projects: Vec<i64>,
    ) -> Result<bool, RpcError> {
        for project in &projects {
            caller.require_project(*project)?;
        }
        let scope = scope(caller);
        self.db
            .write(move |tx| {
                if !db::users::exists(tx, id)? {
                    return Ok(Checked::Missing);
                }
                for project in &projects {
                    if !db::projects::exists(tx, &scope, *project)? {
                        return Ok(Checked::Invalid(
                            "projects",
                            format!("no project {project}"),
                        ));
                    }
                }
                db::projects::remove_memberships(tx, &scope, id)?;
                for project in &projects {
                    db::projects::add_member(tx, *project, id, "")?;
                }
                Ok(Checked::Done(true))
            })
            .await?
            .answer()
    }

    /// The ids of the projects user `userId` is a member of (among the key's projects).
    async fn get_project_id_assigned_to_user(
        &self,
        caller: &Caller,
        user_id: i64,
    ) -> Result<Vec<i64>, RpcError> {
        let scope = scope(caller);
        Ok(self
            .db
            .read(move |conn| db::projects::of_user(conn, &scope, user_id))
            .await?)
    }

    /// Copies project `projectId` with its milestones and tickets (all new again) into a new
    /// project `projectName` of client `clientId`, starting `userStartDate`, with the same
    /// members when `assignSameUsers`; returns the new id.
    #[rpc(min_role = "manager", scope = "projects:write", errors(-32002))]
    async fn duplicate_project(
        &self,
        caller: &Caller,
        project_id: i64,
        client_id: i64,
        project_name: String,
        user_start_date: Option<String>,
        assign_same_users: Option<bool>,
    ) -> Result<i64, RpcError> {
        require_unscoped(caller, "create projects")?;
        let name = required("projectName", Some(project_name))?;
        let start = date_field("userStartDate", user_start_date)?.filter(|d| !d.is_empty());
        let members = assign_same_users.unwrap_or(false);
        let scope = scope(caller);
        self.db
            .write(move |tx| {
                if !db::projects::exists(tx, &scope, project_id)? {
                    return Ok(Checked::Missing);
                }
                if !db::clients::exists(tx, client_id)? {
                    return Ok(Checked::Invalid(
                        "clientId",
                        format!("no client {client_id}"),
                    ));
                }
                db::projects::duplicate(tx, project_id, client_id, &name, start.as_deref(), members)
                    .map(Checked::Done)
            })
            .await?
            .answer()
    }

    /// Deletes a project with its tickets, milestones, sprints, comments and time entries.
    #[rpc(min_role = "admin", scope = "projects:write", errors(-32002))]
    async fn delete_project(&self, caller: &Caller, id: i64) -> Result<bool, RpcError> {
        let scope = scope(caller);
        match self
            .db
            .write(move |tx| db::projects::delete(tx, &scope, id))
            .await?
        {
            true => Ok(true),
            false => Err(RpcError::not_found()),
        }
    }
}
