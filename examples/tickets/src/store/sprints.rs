//! Sprints of a project.

use super::{BoxFuture, Checked, Scope, StoreResult};
use crate::model::Sprint;

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

/// Sprints, scoped by their project.
pub trait SprintStore: Send + Sync {
    /// One sprint inside `scope`.
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Sprint>>>;

    /// Sprints inside `scope`, of one project or all, by start date (none first) then id.
    fn list(
        &self,
        scope: Scope,
        project: Option<i64>,
        when: When,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Sprint>>>;

    /// Creates a sprint of a project inside `scope` and returns its id
    /// (`params.projectId` invalid when there is no such project).
    fn create(
        &self,
        scope: Scope,
        project: i64,
        name: String,
        start: Option<String>,
        end: Option<String>,
    ) -> BoxFuture<'_, StoreResult<Checked<i64>>>;

    /// Changes the given fields of a sprint inside `scope`; `false` when there is no such
    /// sprint.
    fn update(
        &self,
        scope: Scope,
        id: i64,
        name: Option<String>,
        start: Option<String>,
        end: Option<String>,
    ) -> BoxFuture<'_, StoreResult<bool>>;

    /// Deletes a sprint inside `scope`; its tickets leave it. `false` when there is no such
    /// sprint.
    fn delete(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<bool>>;
}
