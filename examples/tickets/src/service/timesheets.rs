//! `timesheets.*`: time logged on tickets.

use std::collections::BTreeMap;

use leanrpc::{Caller, Role, RpcError, rpc_service};

use super::{caller_user, date_field, known_user, page, scope};
use crate::model::timesheets::{KINDS, MAX_HOURS_PER_DAY};
use crate::model::{HoursByDate, TimeParams, Timesheet};
use crate::store::{Filter, Store, TimeEntry};

/// Timesheets: Leantime's `Timesheets` service. Reading needs `readonly`, logging time
/// `editor`; an entry may be deleted by its author, or by a `manager`.
#[derive(Debug, Clone)]
pub struct Timesheets {
    store: Store,
}

impl Timesheets {
    /// Serves timesheets from `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    async fn log(
        &self,
        caller: &Caller,
        ticket_id: i64,
        params: TimeParams,
        replace: bool,
    ) -> Result<i64, RpcError> {
        let hours = params
            .hours
            .ok_or_else(|| RpcError::invalid_param("params.hours", "is required"))?;
        if !(hours > 0.0 || (replace && hours == 0.0)) || hours > MAX_HOURS_PER_DAY {
            return Err(RpcError::invalid_param(
                "params.hours",
                "expected more than 0 and at most 24",
            ));
        }
        let kind = params.kind.unwrap_or_else(|| KINDS[0].0.to_owned());
        if !KINDS.iter().any(|k| k.0 == kind) {
            return Err(RpcError::invalid_param(
                "params.kind",
                format!(
                    "unknown kind \"{kind}\": expected one of {}",
                    KINDS.map(|k| k.0).join(", ")
                ),
            ));
        }
        let day = date_field("params.date", params.date)?
            .filter(|d| !d.is_empty())
            .map(|date| format!("{} 00:00:00", &date[..10]));
        let user = caller_user(&self.store, caller).await?;
        let entry = TimeEntry {
            ticket: ticket_id,
            user,
            day,
            kind,
            hours,
            description: params.description,
            replace,
        };
        self.store
            .timesheets()
            .log(scope(caller), entry)
            .await?
            .answer()
    }
}

#[rpc_service("timesheets", min_role = "readonly", unknown_params = "ignore")]
impl Timesheets {
    /// Adds `params.hours` (of `params.kind`, GENERAL_BILLABLE by default, on `params.date`,
    /// today by default) to the key's entry for ticket `ticketId`; returns the entry's id.
    #[rpc(min_role = "editor", scope = "timesheets:write", errors(-32002))]
    async fn log_time(
        &self,
        caller: &Caller,
        ticket_id: i64,
        params: TimeParams,
    ) -> Result<i64, RpcError> {
        self.log(caller, ticket_id, params, false).await
    }

    /// Sets the key's hours for ticket `ticketId` on `params.date` and `params.kind` to
    /// `params.hours` (creating the entry); returns the entry's id.
    #[rpc(min_role = "editor", scope = "timesheets:write", errors(-32002))]
    async fn upsert_time(
        &self,
        caller: &Caller,
        ticket_id: i64,
        params: TimeParams,
    ) -> Result<i64, RpcError> {
        self.log(caller, ticket_id, params, true).await
    }

    /// Deletes time entry `id`.
    #[rpc(min_role = "editor", scope = "timesheets:write", errors(-32002))]
    async fn delete_time(&self, caller: &Caller, id: i64) -> Result<bool, RpcError> {
        // A manager deletes any entry; anyone else only their own (none before they logged).
        let author = if caller.grant().role >= Role::Manager {
            None
        } else {
            match known_user(&self.store, caller).await? {
                Some(me) => Some(me),
                None => return Err(RpcError::not_found()),
            }
        };
        let deleted = self
            .store
            .timesheets()
            .delete(scope(caller), id, author)
            .await?;
        if deleted {
            Ok(true)
        } else {
            Err(RpcError::not_found())
        }
    }

    /// One time entry.
    #[rpc(errors(-32002))]
    async fn get_timesheet(&self, caller: &Caller, id: i64) -> Result<Timesheet, RpcError> {
        self.store
            .timesheets()
            .get(scope(caller), id)
            .await?
            .ok_or_else(RpcError::not_found)
    }

    /// Time entries with work dates from `dateFrom` to `dateTo` (inclusive), of project
    /// `projectId` (-1 or absent: every project the key may see), of `kind` (`all` by
    /// default), of `userId`, of ticket `ticketFilter`.
    #[allow(clippy::too_many_arguments)]
    async fn get_all(
        &self,
        caller: &Caller,
        date_from: String,
        date_to: String,
        project_id: Option<i64>,
        kind: Option<String>,
        user_id: Option<i64>,
        ticket_filter: Option<i64>,
        limit: Option<i64>,
    ) -> Result<Vec<Timesheet>, RpcError> {
        if let Some(kind) = &kind {
            super::no_nul("kind", kind)?;
        }
        let from = date_field("dateFrom", Some(date_from))?.filter(|d| !d.is_empty());
        let to = date_field("dateTo", Some(date_to))?.filter(|d| !d.is_empty());
        let project = project_id.filter(|p| *p > 0);
        if let Some(project) = project
            && !caller.may_access_project(project)
        {
            return Ok(Vec::new());
        }
        let filter = Filter {
            from: from.unwrap_or_else(|| "0000-00-00 00:00:00".into()),
            // A bare date means the whole of that day.
            to: to.map_or_else(
                || "9999-12-31 23:59:59".into(),
                |t| t.replace(" 00:00:00", " 23:59:59"),
            ),
            project,
            kind: kind.filter(|k| !k.is_empty() && k != "all"),
            user: user_id.filter(|u| *u > 0),
            ticket: ticket_filter.filter(|t| *t > 0),
        };
        let limit = page(limit.or(Some(super::MAX_PAGE)))?;
        Ok(self
            .store
            .timesheets()
            .list(scope(caller), filter, limit)
            .await?)
    }

    /// Hours logged on ticket `ticketId`, per day.
    #[rpc(errors(-32002))]
    async fn get_logged_hours_for_ticket_by_date(
        &self,
        caller: &Caller,
        ticket_id: i64,
    ) -> Result<Vec<HoursByDate>, RpcError> {
        self.store
            .timesheets()
            .by_date(scope(caller), ticket_id)
            .await?
            .ok_or_else(RpcError::not_found)
    }

    /// Hours logged on ticket `ticketId` in total.
    #[rpc(errors(-32002))]
    async fn get_sum_logged_hours_for_ticket(
        &self,
        caller: &Caller,
        ticket_id: i64,
    ) -> Result<f64, RpcError> {
        self.store
            .timesheets()
            .hours(scope(caller), ticket_id, None)
            .await?
            .ok_or_else(RpcError::not_found)
    }

    /// Hours user `userId` logged on ticket `ticketId`.
    #[rpc(errors(-32002))]
    async fn get_users_ticket_hours(
        &self,
        caller: &Caller,
        ticket_id: i64,
        user_id: i64,
    ) -> Result<f64, RpcError> {
        self.store
            .timesheets()
            .hours(scope(caller), ticket_id, Some(user_id))
            .await?
            .ok_or_else(RpcError::not_found)
    }

    /// The kinds of hours: `{"GENERAL_BILLABLE": "General, billable", ...}`.
    async fn get_loggable_hour_types(&self) -> Result<BTreeMap<String, String>, RpcError> {
        Ok(KINDS
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect())
    }
}
