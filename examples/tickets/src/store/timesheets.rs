//! Time logged on tickets.

use super::{BoxFuture, Checked, Scope, StoreResult};
use crate::model::{HoursByDate, Timesheet};

/// What `getAll` filters on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Work dates from (inclusive, `Y-m-d H:i:s`).
    pub from: String,
    /// Work dates to (inclusive, `Y-m-d H:i:s`).
    pub to: String,
    /// One project.
    pub project: Option<i64>,
    /// One kind.
    pub kind: Option<String>,
    /// One user.
    pub user: Option<i64>,
    /// One ticket.
    pub ticket: Option<i64>,
}

/// Hours to log.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeEntry {
    /// The ticket.
    pub ticket: i64,
    /// Who worked.
    pub user: i64,
    /// The day (`Y-m-d 00:00:00`); today (UTC) when `None`.
    pub day: Option<String>,
    /// One of Leantime's kinds.
    pub kind: String,
    /// How long.
    pub hours: f64,
    /// What was done (kept as it is when `None`).
    pub description: Option<String>,
    /// Set the hours instead of adding them.
    pub replace: bool,
}

/// Time entries. Each row keeps its ticket's project, so scope checks and the per-project
/// lists are one indexed condition.
pub trait TimesheetStore: Send + Sync {
    /// One entry inside `scope`.
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Timesheet>>>;

    /// Entries inside `scope` matching `filter`, by work date then id.
    fn list(
        &self,
        scope: Scope,
        filter: Filter,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Timesheet>>>;

    /// Adds the hours to the entry of this ticket (inside `scope`), user, day and kind
    /// (creating it), or, when `replace`, sets them; returns the entry's id. Missing when there
    /// is no such ticket; [`over_limit`] (and nothing written) when the entry would hold more
    /// than 24 hours.
    fn log(&self, scope: Scope, entry: TimeEntry) -> BoxFuture<'_, StoreResult<Checked<i64>>>;

    /// Deletes an entry inside `scope` logged by `author` (any author when `None`); `false`
    /// when there is no such entry.
    fn delete(
        &self,
        scope: Scope,
        id: i64,
        author: Option<i64>,
    ) -> BoxFuture<'_, StoreResult<bool>>;

    /// Hours logged on a ticket inside `scope` (by one user when `user`), over all days;
    /// `None` when there is no such ticket.
    fn hours(
        &self,
        scope: Scope,
        ticket: i64,
        user: Option<i64>,
    ) -> BoxFuture<'_, StoreResult<Option<f64>>>;

    /// Hours logged on a ticket inside `scope` per day, oldest first; `None` when there is no
    /// such ticket.
    fn by_date(
        &self,
        scope: Scope,
        ticket: i64,
    ) -> BoxFuture<'_, StoreResult<Option<Vec<HoursByDate>>>>;
}

/// The answer when a logged entry would hold more than
/// [`MAX_HOURS_PER_DAY`](crate::model::timesheets::MAX_HOURS_PER_DAY) hours.
pub fn over_limit() -> Checked<i64> {
    Checked::Invalid(
        "params.hours",
        "the entry for this ticket, day and kind would exceed 24 hours".into(),
    )
}
