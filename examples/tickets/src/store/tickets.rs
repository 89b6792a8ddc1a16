//! Tickets and milestones (tickets of type `milestone`).

use super::{BoxFuture, Checked, Scope, StoreResult};
use crate::model::{SearchCriteria, Ticket, TicketValues};

/// Tickets and milestones. Every query that reads or changes a ticket takes the caller's
/// [`Scope`], so a ticket of a foreign project is never loaded (W7), and lists filter and page
/// in the database (W8).
pub trait TicketStore: Send + Sync {
    /// One ticket (or milestone) inside `scope`.
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Ticket>>>;

    /// Tickets inside `scope` matching `criteria`, at most `limit`, by id. Milestones are
    /// listed only when `criteria.kind` is `milestone`, as in Leantime; `term` matches ASCII
    /// letters in any case.
    fn search(
        &self,
        scope: Scope,
        criteria: SearchCriteria,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Ticket>>>;

    /// The subtasks of a ticket (tickets whose parent it is), inside `scope`, by id.
    fn subtasks(
        &self,
        scope: Scope,
        parent: i64,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Ticket>>>;

    /// Tickets assigned to `user` that are not done (`done`: that are), milestones left out,
    /// inside `scope`, optionally of one project, by id.
    fn of_user(
        &self,
        scope: Scope,
        user: i64,
        project: Option<i64>,
        done: bool,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Ticket>>>;

    /// Milestones inside `scope`, optionally of one project, open ones only unless
    /// `include_done`, by id.
    fn milestones(
        &self,
        scope: Scope,
        project: Option<i64>,
        include_done: bool,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Ticket>>>;

    /// `(all, done)` counts of the tickets of a milestone inside `scope`; `None` when there is
    /// no such milestone.
    fn milestone_progress(
        &self,
        scope: Scope,
        id: i64,
    ) -> BoxFuture<'_, StoreResult<Option<(i64, i64)>>>;

    /// Creates a ticket of `project` (inside `scope`) whose values the service checked, and
    /// returns its id (`values.projectId` invalid when there is no such project; the
    /// references of the values checked as [`check_order`] says).
    fn create(
        &self,
        scope: Scope,
        project: i64,
        author: i64,
        values: TicketValues,
    ) -> BoxFuture<'_, StoreResult<Checked<i64>>>;

    /// Changes the given fields of a ticket inside `scope` (an id field set to 0 and a date
    /// set to `""` are cleared), after checking its references as [`check_order`] says.
    fn patch(
        &self,
        scope: Scope,
        id: i64,
        values: TicketValues,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>>;

    /// Moves a ticket inside `scope` to another project of the scope (`projectId` invalid when
    /// there is no such project), detaching it from its milestone, sprint and parent; its
    /// comments and time entries move along.
    fn move_to(
        &self,
        scope: Scope,
        id: i64,
        project: i64,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>>;

    /// Deletes a ticket (a milestone when `milestone`) inside `scope` with its comments and
    /// time entries; a deleted milestone's tickets lose their milestone, its subtasks their
    /// parent. `false` when there is no such ticket.
    fn delete(&self, scope: Scope, id: i64, milestone: bool) -> BoxFuture<'_, StoreResult<bool>>;
}

/// The references of ticket values, in the order every backend checks them: the assignee
/// (any user), the milestone, the parent ticket and the sprint (each of the ticket's project).
/// Ids of 0 or less are not references (they clear the field).
pub fn check_order(v: &TicketValues) -> [Option<(Reference, i64)>; 4] {
    let id = |id: Option<i64>| id.filter(|id| *id > 0);
    [
        id(v.editor_id).map(|id| (Reference::Editor, id)),
        id(v.milestone_id).map(|id| (Reference::Milestone, id)),
        id(v.depending_ticket_id).map(|id| (Reference::Parent, id)),
        id(v.sprint).map(|id| (Reference::Sprint, id)),
    ]
}

/// A row ticket values refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reference {
    /// `editorId`: a user.
    Editor,
    /// `milestoneid`: a milestone of the project.
    Milestone,
    /// `dependingTicketId`: a ticket (or milestone) of the project.
    Parent,
    /// `sprint`: a sprint of the project.
    Sprint,
}

impl Reference {
    /// The answer when reference `id` of a ticket of `project` does not exist.
    pub fn missing<T>(self, id: i64, project: i64) -> Checked<T> {
        match self {
            Reference::Editor => Checked::Invalid("editorId", format!("no user {id}")),
            Reference::Milestone => Checked::Invalid(
                "milestoneid",
                format!("no milestone {id} in project {project}"),
            ),
            Reference::Parent => Checked::Invalid(
                "dependingTicketId",
                format!("no ticket {id} in project {project}"),
            ),
            Reference::Sprint => {
                Checked::Invalid("sprint", format!("no sprint {id} in project {project}"))
            }
        }
    }
}
