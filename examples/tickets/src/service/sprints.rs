//! `sprints.*`: the sprints of a project.

use leanrpc::{Caller, RpcError, rpc_service};

use super::{date_field, page, required, scope};
use crate::model::{Sprint, SprintParams};
use crate::store::{Store, When};

/// Sprints: Leantime's `Sprints` service. Reading needs `readonly`, writing `editor`.
#[derive(Debug, Clone)]
pub struct Sprints {
    store: Store,
}

impl Sprints {
    /// Serves sprints from `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    async fn list(
        &self,
        caller: &Caller,
        project: Option<i64>,
        when: When,
        limit: i64,
    ) -> Result<Vec<Sprint>, RpcError> {
        if let Some(project) = project
            && !caller.may_access_project(project)
        {
            return Ok(Vec::new());
        }
        Ok(self
            .store
            .sprints()
            .list(scope(caller), project, when, limit)
            .await?)
    }
}

fn dates(p: &SprintParams) -> Result<(Option<String>, Option<String>), RpcError> {
    let start = date_field("params.startDate", p.start_date.clone())?.filter(|d| !d.is_empty());
    let end = date_field("params.endDate", p.end_date.clone())?.filter(|d| !d.is_empty());
    if let (Some(s), Some(e)) = (&start, &end)
        && e < s
    {
        return Err(RpcError::invalid_param(
            "params.endDate",
            "must not be before startDate",
        ));
    }
    Ok((start, end))
}

#[rpc_service("sprints", min_role = "readonly", unknown_params = "ignore")]
impl Sprints {
    /// One sprint.
    #[rpc(errors(-32002))]
    async fn get_sprint(&self, caller: &Caller, id: i64) -> Result<Sprint, RpcError> {
        self.store
            .sprints()
            .get(scope(caller), id)
            .await?
            .ok_or_else(RpcError::not_found)
    }

    /// The sprints of project `projectId` (of every project the key may see when not given),
    /// by start date.
    async fn get_all_sprints(
        &self,
        caller: &Caller,
        project_id: Option<i64>,
        limit: Option<i64>,
    ) -> Result<Vec<Sprint>, RpcError> {
        self.list(
            caller,
            project_id,
            When::All,
            page(limit.or(Some(super::MAX_PAGE)))?,
        )
        .await
    }

    /// The sprints of project `projectId` that have not started.
    async fn get_all_future_sprints(
        &self,
        caller: &Caller,
        project_id: i64,
    ) -> Result<Vec<Sprint>, RpcError> {
        self.list(caller, Some(project_id), When::Future, super::MAX_PAGE)
            .await
    }

    /// The id of the sprint of project `projectId` running today, or `null`.
    async fn get_current_sprint_id(
        &self,
        caller: &Caller,
        project_id: i64,
    ) -> Result<Option<i64>, RpcError> {
        Ok(self
            .list(caller, Some(project_id), When::Current, 1)
            .await?
            .first()
            .map(|s| s.id))
    }

    /// The next sprint of project `projectId` to start, or `null`.
    async fn get_upcoming_sprint(
        &self,
        caller: &Caller,
        project_id: i64,
    ) -> Result<Option<Sprint>, RpcError> {
        Ok(self
            .list(caller, Some(project_id), When::Future, 1)
            .await?
            .into_iter()
            .next())
    }

    /// Creates a sprint from `params` (`name` and `projectId` required, `startDate`,
    /// `endDate`) and returns its id.
    #[rpc(min_role = "editor", scope = "sprints:write", errors(-32001))]
    async fn add_sprint(&self, caller: &Caller, params: SprintParams) -> Result<i64, RpcError> {
        let project = params
            .project_id
            .ok_or_else(|| RpcError::invalid_param("params.projectId", "is required"))?;
        caller.require_project(project)?;
        let (start, end) = dates(&params)?;
        let name = required("params.name", params.name)?;
        self.store
            .sprints()
            .create(scope(caller), project, name, start, end)
            .await?
            .answer()
    }

    /// Changes a sprint: `params.id` names it; `name`, `startDate`, `endDate` change (a
    /// sprint stays in its project).
    #[rpc(min_role = "editor", scope = "sprints:write", errors(-32002))]
    async fn edit_sprint(&self, caller: &Caller, params: SprintParams) -> Result<bool, RpcError> {
        let id = params
            .id
            .ok_or_else(|| RpcError::invalid_param("params.id", "is required"))?;
        let (start, end) = dates(&params)?;
        let name = params
            .name
            .map(|n| super::non_empty("params.name", n))
            .transpose()?;
        match self
            .store
            .sprints()
            .update(scope(caller), id, name, start, end)
            .await?
        {
            true => Ok(true),
            false => Err(RpcError::not_found()),
        }
    }

    /// Deletes a sprint; its tickets leave it.
    #[rpc(min_role = "manager", scope = "sprints:write", errors(-32002))]
    async fn delete_sprint(&self, caller: &Caller, id: i64) -> Result<bool, RpcError> {
        match self.store.sprints().delete(scope(caller), id).await? {
            true => Ok(true),
            false => Err(RpcError::not_found()),
        }
    }
}
