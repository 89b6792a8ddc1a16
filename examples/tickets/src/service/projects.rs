//! `projects.*`: projects, their progress and their members.

use leanrpc::{Caller, RpcError, rpc_service};

use super::{caller_user, date_field, page, require_unscoped, required, scope};
use crate::model::{Project, ProjectProgress, ProjectUser, ProjectValues};
use crate::store::{Duplicate, Store};

/// Projects: Leantime's `Projects` service.
#[derive(Debug, Clone)]
pub struct Projects {
    store: Store,
}

impl Projects {
    /// Serves projects from `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    async fn change(
        &self,
        caller: &Caller,
        id: i64,
        values: ProjectValues,
    ) -> Result<bool, RpcError> {
        let v = normalize(values)?;
        self.store
            .projects()
            .patch(scope(caller), id, v)
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
        let author = caller_user(&self.store, caller).await?;
        // As Leantime does: the author is the new project's first member.
        self.store.projects().create(v, author).await?.answer()
    }

    /// One project.
    #[rpc(errors(-32002))]
    async fn get_project(&self, caller: &Caller, id: i64) -> Result<Project, RpcError> {
        self.store
            .projects()
            .get(scope(caller), id)
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
        let closed = show_closed_projects.unwrap_or(false);
        let limit = page(limit)?;
        Ok(self
            .store
            .projects()
            .list(scope(caller), closed, None, limit)
            .await?)
    }

    /// Projects whose name or details hold `term` (every project for an empty term).
    async fn find_project(
        &self,
        caller: &Caller,
        term: Option<String>,
    ) -> Result<Vec<Project>, RpcError> {
        if let Some(term) = &term {
            super::no_nul("term", term)?;
        }
        let term = term.filter(|t| !t.trim().is_empty());
        Ok(self
            .store
            .projects()
            .list(scope(caller), true, term, super::DEFAULT_PAGE)
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
        let (found, counts) = self
            .store
            .projects()
            .progress(scope(caller), project)
            .await?
            .ok_or_else(RpcError::not_found)?;
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
        let team = team_only.unwrap_or(false);
        self.store
            .projects()
            .members(scope(caller), project_id, team)
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
        let role = project_role.unwrap_or_default();
        if !role.is_empty() && crate::model::users::parse_role(&role).is_none() {
            return Err(RpcError::invalid_param(
                "projectRole",
                "expected a role name or number",
            ));
        }
        self.store
            .projects()
            .add_member(scope(caller), project_id, user_id, role)
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
        self.store
            .projects()
            .set_memberships(scope(caller), id, projects)
            .await?
            .answer()
    }

    /// The ids of the projects user `userId` is a member of (among the key's projects).
    async fn get_project_id_assigned_to_user(
        &self,
        caller: &Caller,
        user_id: i64,
    ) -> Result<Vec<i64>, RpcError> {
        Ok(self
            .store
            .projects()
            .of_user(scope(caller), user_id)
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
        let what = Duplicate {
            from: project_id,
            client: client_id,
            name,
            start,
            members,
        };
        self.store
            .projects()
            .duplicate(scope(caller), what)
            .await?
            .answer()
    }

    /// Deletes a project with its tickets, milestones, sprints, comments and time entries.
    #[rpc(min_role = "admin", scope = "projects:write", errors(-32002))]
    async fn delete_project(&self, caller: &Caller, id: i64) -> Result<bool, RpcError> {
        match self.store.projects().delete(scope(caller), id).await? {
            true => Ok(true),
            false => Err(RpcError::not_found()),
        }
    }
}
