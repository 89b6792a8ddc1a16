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

/// Adds up hours as SQLite's `SUM()` does since 3.43: with Kahan-Babuška-Neumaier
/// compensation, so that `0.1 + 0.2 + 0.3` is `0.6`, not `0.6000000000000001`. Both backends
/// add up in Rust with this, in entry id order, rather than in SQL: PostgreSQL's `SUM()` over
/// `double precision` adds naively and would answer differently.
pub fn sum(hours: impl IntoIterator<Item = f64>) -> f64 {
    let (mut sum, mut error) = (0.0_f64, 0.0_f64);
    for value in hours {
        let total = sum + value;
        error += if sum.abs() > value.abs() {
            (sum - total) + value
        } else {
            (value - total) + sum
        };
        sum = total;
    }
    sum + error
}

/// Hours per day (`Y-m-d`) from `(day, hours)` rows sorted by day then entry id, each day's
/// hours added up with [`sum`].
pub fn by_day(rows: impl IntoIterator<Item = (String, f64)>) -> Vec<HoursByDate> {
    let mut days: Vec<(String, Vec<f64>)> = Vec::new();
    for (day, hours) in rows {
        match days.last_mut() {
            Some((last, all)) if *last == day => all.push(hours),
            _ => days.push((day, vec![hours])),
        }
    }
    days.into_iter()
        .map(|(day, hours)| HoursByDate {
            year: day.get(0..4).unwrap_or_default().to_owned(),
            month: day.get(5..7).unwrap_or_default().to_owned(),
            summe: sum(hours),
            utc: day,
        })
        .collect()
}

/// The answer when a logged entry would hold more than
/// [`MAX_HOURS_PER_DAY`](crate::model::timesheets::MAX_HOURS_PER_DAY) hours.
pub fn over_limit() -> Checked<i64> {
    Checked::Invalid(
        "params.hours",
        "the entry for this ticket, day and kind would exceed 24 hours".into(),
    )
}

#[cfg(test)]
mod tests {
    use super::sum;

    #[test]
    fn hours_add_up_with_compensation() {
        assert_eq!(sum([0.1, 0.2, 0.3]), 0.6);
        assert_eq!(sum([1e16, 1.0, -1e16]), 1.0);
        assert_eq!(sum(std::iter::empty()), 0.0);
        assert_eq!(sum([2.5]), 2.5);
    }
}
