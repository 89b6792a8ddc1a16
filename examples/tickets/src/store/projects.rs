//! Projects and their members.

use super::{BoxFuture, Checked, Counts, Scope, StoreResult};
use crate::model::{Project, ProjectUser, ProjectValues};

/// What `duplicateProject` copies, and into what.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicate {
    /// The project to copy.
    pub from: i64,
    /// The client of the copy.
    pub client: i64,
    /// The name of the copy.
    pub name: String,
    /// The start of the copy (the original's when `None`).
    pub start: Option<String>,
    /// Whether the copy gets the same members.
    pub members: bool,
}

/// Projects and their members; reads take the caller's [`Scope`].
pub trait ProjectStore: Send + Sync {
    /// One project inside `scope`.
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Project>>>;

    /// Projects inside `scope`, open ones only unless `closed_too`, optionally those whose
    /// name or details hold `term` (ASCII letters in any case), at most `limit`, by id.
    fn list(
        &self,
        scope: Scope,
        closed_too: bool,
        term: Option<String>,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Project>>>;

    /// A project inside `scope` with the `(all, done)` counts of its tickets (milestones not
    /// counted).
    fn progress(
        &self,
        scope: Scope,
        id: i64,
    ) -> BoxFuture<'_, StoreResult<Option<(Project, Counts)>>>;

    /// Creates a project (client 1 when none is given; `values.clientId` invalid when there is
    /// no such client) with `author` as its first member, as Leantime does.
    fn create(
        &self,
        values: ProjectValues,
        author: i64,
    ) -> BoxFuture<'_, StoreResult<Checked<i64>>>;

    /// Changes the given fields of a project inside `scope` (`clientId` invalid when there is
    /// no such client).
    fn patch(
        &self,
        scope: Scope,
        id: i64,
        values: ProjectValues,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>>;

    /// The members of a project inside `scope` (people only when `team_only`), by user id;
    /// `None` when there is no such project.
    fn members(
        &self,
        scope: Scope,
        project: i64,
        team_only: bool,
    ) -> BoxFuture<'_, StoreResult<Option<Vec<ProjectUser>>>>;

    /// Adds a user to a project inside `scope` or changes the member's project role
    /// (`userId` invalid when there is no such user).
    fn add_member(
        &self,
        scope: Scope,
        project: i64,
        user: i64,
        role: String,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>>;

    /// Makes `user` a member of exactly `projects` among the projects of `scope` (missing
    /// when there is no such user; `projects` invalid naming the first project that does not
    /// exist).
    fn set_memberships(
        &self,
        scope: Scope,
        user: i64,
        projects: Vec<i64>,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>>;

    /// The ids of the projects a user is a member of, inside `scope`, in order.
    fn of_user(&self, scope: Scope, user: i64) -> BoxFuture<'_, StoreResult<Vec<i64>>>;

    /// Copies a project inside `scope` with its milestones and tickets (all new again, out of
    /// sprints) and, when asked, its members; returns the new id (`clientId` invalid when there
    /// is no such client).
    fn duplicate(&self, scope: Scope, what: Duplicate) -> BoxFuture<'_, StoreResult<Checked<i64>>>;

    /// Deletes a project inside `scope` with everything in it; `false` when there is no such
    /// project.
    fn delete(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<bool>>;
}

/// The answer when a client a project refers to does not exist.
pub fn no_client<T>(field: &'static str, client: i64) -> Checked<T> {
    Checked::Invalid(field, format!("no client {client}"))
}
