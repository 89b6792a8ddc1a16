//! `tickets.*`: tickets and milestones (tickets of type `milestone`), with Leantime's labels.

use std::collections::BTreeMap;

use leanrpc::{Caller, RpcError, rpc_service};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{caller_user, date_field, known_user, page, required, scope};
use crate::model::tickets::{EFFORTS, MILESTONE, PRIORITIES, STATUSES, TYPES};
use crate::model::{SearchCriteria, Ticket, TicketValues};
use crate::store::Store;

/// A status as `getStatusLabels` describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StatusInfo {
    /// The label.
    pub name: String,
    /// Its CSS class in Leantime.
    pub class: String,
    /// `NEW`, `INPROGRESS` or `DONE`.
    pub status_type: String,
    /// Whether it is a kanban column.
    pub kanban_col: bool,
    /// Its place among the statuses.
    pub sort_key: i64,
}

fn statuses(kanban_only: bool) -> BTreeMap<String, StatusInfo> {
    STATUSES
        .iter()
        .enumerate()
        .filter(|(_, s)| !kanban_only || s.4)
        .map(|(i, &(id, name, class, kind, kanban))| {
            (
                id.to_string(),
                StatusInfo {
                    name: name.to_owned(),
                    class: class.to_owned(),
                    status_type: kind.to_owned(),
                    kanban_col: kanban,
                    sort_key: i as i64 + 1,
                },
            )
        })
        .collect()
}

/// Tickets: Leantime's `Tickets` service.
#[derive(Debug, Clone)]
pub struct Tickets {
    store: Store,
}

impl Tickets {
    /// Serves tickets from `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    async fn list(
        &self,
        caller: &Caller,
        criteria: SearchCriteria,
        limit: i64,
    ) -> Result<Vec<Ticket>, RpcError> {
        let mut criteria = criteria;
        criteria.date_from =
            date_field("searchCriteria.dateFrom", criteria.date_from)?.filter(|d| !d.is_empty());
        criteria.date_to =
            date_field("searchCriteria.dateTo", criteria.date_to)?.filter(|d| !d.is_empty());
        if let Some(project) = criteria.current_project
            && !caller.may_access_project(project)
        {
            return Ok(Vec::new());
        }
        Ok(self
            .store
            .tickets()
            .search(scope(caller), criteria, limit)
            .await?)
    }

    async fn create(
        &self,
        caller: &Caller,
        values: TicketValues,
        milestone: bool,
    ) -> Result<i64, RpcError> {
        let mut v = values;
        let project = v
            .project_id
            .ok_or_else(|| RpcError::invalid_param("values.projectId", "is required"))?;
        caller.require_project(project)?;
        v.headline = Some(required("values.headline", v.headline)?);
        if milestone {
            v.kind = Some(MILESTONE.to_owned());
        }
        let v = normalize(v)?;
        let author = caller_user(&self.store, caller).await?;
        self.store
            .tickets()
            .create(scope(caller), project, author, v)
            .await?
            .answer()
    }

    async fn change(
        &self,
        caller: &Caller,
        id: i64,
        values: TicketValues,
    ) -> Result<bool, RpcError> {
        let v = normalize(values)?;
        self.store
            .tickets()
            .patch(scope(caller), id, v)
            .await?
            .answer()
    }

    async fn remove(&self, caller: &Caller, id: i64, milestone: bool) -> Result<bool, RpcError> {
        let deleted = self
            .store
            .tickets()
            .delete(scope(caller), id, milestone)
            .await?;
        if deleted {
            Ok(true)
        } else {
            Err(RpcError::not_found())
        }
    }

    async fn user_tickets(
        &self,
        caller: &Caller,
        user_id: Option<i64>,
        project: Option<i64>,
        done: bool,
    ) -> Result<Vec<Ticket>, RpcError> {
        let user = match user_id.filter(|u| *u > 0) {
            Some(user) => user,
            None => match known_user(&self.store, caller).await? {
                Some(user) => user,
                None => return Ok(Vec::new()),
            },
        };
        if let Some(project) = project
            && !caller.may_access_project(project)
        {
            return Ok(Vec::new());
        }
        Ok(self
            .store
            .tickets()
            .of_user(scope(caller), user, project, done, super::MAX_PAGE)
            .await?)
    }
}

/// Checks and normalizes the scalar fields of ticket values (those that need no database).
fn normalize(mut v: TicketValues) -> Result<TicketValues, RpcError> {
    if let Some(status) = v.status
        && !STATUSES.iter().any(|s| s.0 == status)
    {
        return Err(RpcError::invalid_param(
            "status",
            format!(
                "unknown status {status}: expected 3 new, 1 blocked, 4 in progress, 2 waiting, 0 done or -1 archived"
            ),
        ));
    }
    if let Some(kind) = v.kind.take() {
        let kind = kind.trim().to_ascii_lowercase();
        if !TYPES.contains(&kind.as_str()) && kind != MILESTONE {
            return Err(RpcError::invalid_param(
                "type",
                format!("unknown type \"{kind}\": expected task, subtask, story, bug or milestone"),
            ));
        }
        v.kind = Some(kind);
    }
    if let Some(priority) = v.priority
        && !(1..=5).contains(&priority)
    {
        return Err(RpcError::invalid_param(
            "priority",
            "expected 1 (critical) to 5 (lowest)",
        ));
    }
    for (field, value) in [
        ("storypoints", v.story_points),
        ("planHours", v.plan_hours),
        ("hourRemaining", v.hour_remaining),
    ] {
        if value.is_some_and(|n| n < 0.0) {
            return Err(RpcError::invalid_param(field, "must not be negative"));
        }
    }
    if let Some(headline) = v.headline.take() {
        v.headline = Some(super::non_empty("headline", headline)?);
    }
    v.date_to_finish = date_field("dateToFinish", v.date_to_finish)?;
    v.edit_from = date_field("editFrom", v.edit_from)?;
    v.edit_to = date_field("editTo", v.edit_to)?;
    Ok(v)
}

#[rpc_service("tickets", min_role = "readonly", unknown_params = "ignore", client)]
impl Tickets {
    /// Leantime's statuses keyed by id: `{"3": {"name": "New", "class", "statusType",
    /// "kanbanCol", "sortKey"}, ...}` (the same for every project here).
    async fn get_status_labels(
        &self,
        caller: &Caller,
        project_id: Option<i64>,
    ) -> Result<BTreeMap<String, StatusInfo>, RpcError> {
        if let Some(project) = project_id {
            caller.require_project(project)?;
        }
        Ok(statuses(false))
    }

    /// The statuses shown as kanban columns, keyed by id.
    async fn get_kanban_columns(&self) -> Result<BTreeMap<String, StatusInfo>, RpcError> {
        Ok(statuses(true))
    }

    /// Effort labels keyed by story points: `{"1": "XS", ...}`.
    async fn get_effort_labels(&self) -> Result<BTreeMap<String, String>, RpcError> {
        Ok(EFFORTS
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect())
    }

    /// Priority labels keyed by id: `{"1": "Critical", ... "5": "Lowest"}`.
    async fn get_priority_labels(&self) -> Result<BTreeMap<String, String>, RpcError> {
        Ok(PRIORITIES
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect())
    }

    /// The ticket types: `["task", "subtask", "story", "bug"]`.
    async fn get_ticket_types(&self) -> Result<Vec<String>, RpcError> {
        Ok(TYPES.iter().map(|t| (*t).to_owned()).collect())
    }

    /// Font Awesome icons per type, milestone included.
    async fn get_type_icons(&self) -> Result<BTreeMap<String, String>, RpcError> {
        Ok([
            ("story", "fa-book"),
            ("task", "fa-check-square"),
            ("subtask", "fa-diagram-successor"),
            ("bug", "fa-bug"),
            ("milestone", "fa-flag"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect())
    }

    /// Tickets of the key's projects matching `searchCriteria` (`currentProject`, `status` as
    /// `3`, `"3,4"`, `"done"` or `"not_done"`, `type`, `milestone`, `sprint`, `users`, `term`,
    /// `dateFrom`, `dateTo`), at most `limit` (100 when not given, at most 10000), by id.
    /// Milestones are listed only with `type: "milestone"`.
    async fn get_all(
        &self,
        caller: &Caller,
        search_criteria: Option<SearchCriteria>,
        limit: Option<i64>,
    ) -> Result<Vec<Ticket>, RpcError> {
        let limit = page(limit)?;
        self.list(caller, search_criteria.unwrap_or_default(), limit)
            .await
    }

    /// One ticket or milestone.
    #[rpc(errors(-32002))]
    async fn get_ticket(&self, caller: &Caller, id: i64) -> Result<Ticket, RpcError> {
        self.store
            .tickets()
            .get(scope(caller), id)
            .await?
            .ok_or_else(RpcError::not_found)
    }

    /// The subtasks of a ticket (tickets whose `dependingTicketId` it is).
    async fn get_all_subtasks(
        &self,
        caller: &Caller,
        ticket_id: i64,
    ) -> Result<Vec<Ticket>, RpcError> {
        Ok(self
            .store
            .tickets()
            .subtasks(scope(caller), ticket_id, super::MAX_PAGE)
            .await?)
    }

    /// Open tickets assigned to `userId` (the key's own user when not given), optionally of
    /// one `project`.
    async fn get_all_open_user_tickets(
        &self,
        caller: &Caller,
        user_id: Option<i64>,
        project: Option<i64>,
    ) -> Result<Vec<Ticket>, RpcError> {
        self.user_tickets(caller, user_id, project, false).await
    }

    /// Done tickets assigned to `userId` (the key's own user when not given), optionally of
    /// one `project`.
    async fn get_all_done_user_tickets(
        &self,
        caller: &Caller,
        user_id: Option<i64>,
        project: Option<i64>,
    ) -> Result<Vec<Ticket>, RpcError> {
        self.user_tickets(caller, user_id, project, true).await
    }

    /// Creates a ticket from `values` (`headline` and `projectId` required; `status` 3 and
    /// `type` task by default) and returns its id. The key's user is its author.
    #[rpc(min_role = "editor", scope = "tickets:write", errors(-32001))]
    async fn add_ticket(&self, caller: &Caller, values: TicketValues) -> Result<i64, RpcError> {
        self.create(caller, values, false).await
    }

    /// Creates a ticket from `params` (the same fields as `addTicket`'s values).
    #[rpc(min_role = "editor", scope = "tickets:write", errors(-32001))]
    async fn quick_add_ticket(
        &self,
        caller: &Caller,
        params: TicketValues,
    ) -> Result<i64, RpcError> {
        self.create(caller, params, false).await
    }

    /// Creates a milestone from `params` (`headline` and `projectId` required).
    #[rpc(min_role = "editor", scope = "tickets:write", errors(-32001))]
    async fn quick_add_milestone(
        &self,
        caller: &Caller,
        params: TicketValues,
    ) -> Result<i64, RpcError> {
        self.create(caller, params, true).await
    }

    /// Changes a ticket: `values.id` names it, the other given fields change.
    #[rpc(min_role = "editor", scope = "tickets:write", errors(-32002))]
    async fn update_ticket(&self, caller: &Caller, values: TicketValues) -> Result<bool, RpcError> {
        let id = values
            .id
            .ok_or_else(|| RpcError::invalid_param("values.id", "is required"))?;
        self.change(caller, id, values).await
    }

    /// Changes the fields given in `params` of ticket `id`.
    #[rpc(min_role = "editor", scope = "tickets:write", errors(-32002))]
    async fn patch(
        &self,
        caller: &Caller,
        id: i64,
        params: TicketValues,
    ) -> Result<bool, RpcError> {
        self.change(caller, id, params).await
    }

    /// Changes the fields given in `values` of ticket `id`.
    #[rpc(min_role = "editor", scope = "tickets:write", errors(-32002))]
    async fn patch_ticket(
        &self,
        caller: &Caller,
        id: i64,
        values: TicketValues,
    ) -> Result<bool, RpcError> {
        self.change(caller, id, values).await
    }

    /// Sets a ticket's status to done (0).
    #[rpc(min_role = "editor", scope = "tickets:write", errors(-32002))]
    async fn mark_ticket_done(&self, caller: &Caller, id: i64) -> Result<bool, RpcError> {
        let values = TicketValues {
            status: Some(0),
            ..TicketValues::default()
        };
        self.change(caller, id, values).await
    }

    /// Sets a ticket's status back to new (3).
    #[rpc(min_role = "editor", scope = "tickets:write", errors(-32002))]
    async fn mark_ticket_reopen(&self, caller: &Caller, id: i64) -> Result<bool, RpcError> {
        let values = TicketValues {
            status: Some(3),
            ..TicketValues::default()
        };
        self.change(caller, id, values).await
    }

    /// Moves ticket `id` to project `projectId` (the key must reach both); it leaves its
    /// milestone, sprint and parent behind.
    #[rpc(min_role = "editor", scope = "tickets:write", project = "project_id", errors(-32002))]
    async fn move_ticket(
        &self,
        caller: &Caller,
        id: i64,
        project_id: i64,
    ) -> Result<bool, RpcError> {
        self.store
            .tickets()
            .move_to(scope(caller), id, project_id)
            .await?
            .answer()
    }

    /// Deletes a ticket with its comments and time entries.
    #[rpc(min_role = "manager", scope = "tickets:write", alias = "deleteTicket", errors(-32002))]
    async fn delete(&self, caller: &Caller, id: i64) -> Result<bool, RpcError> {
        self.remove(caller, id, false).await
    }

    /// Deletes a milestone; its tickets leave it.
    #[rpc(min_role = "manager", scope = "tickets:write", errors(-32002))]
    async fn delete_milestone(&self, caller: &Caller, id: i64) -> Result<bool, RpcError> {
        self.remove(caller, id, true).await
    }

    /// One milestone.
    #[rpc(errors(-32002))]
    async fn get_milestone(&self, caller: &Caller, id: i64) -> Result<Ticket, RpcError> {
        self.store
            .tickets()
            .get(scope(caller), id)
            .await?
            .filter(|t| t.kind == MILESTONE)
            .ok_or_else(RpcError::not_found)
    }

    /// Milestones matching `searchCriteria` (as in `getAll`; `type` is always milestone).
    async fn get_all_milestones(
        &self,
        caller: &Caller,
        search_criteria: Option<SearchCriteria>,
        limit: Option<i64>,
    ) -> Result<Vec<Ticket>, RpcError> {
        let mut criteria = search_criteria.unwrap_or_default();
        criteria.kind = Some(MILESTONE.to_owned());
        self.list(caller, criteria, page(limit)?).await
    }

    /// Milestones of every project the key may see; done and archived ones only when
    /// `includeArchived`.
    async fn get_all_milestones_overview(
        &self,
        caller: &Caller,
        include_archived: Option<bool>,
    ) -> Result<Vec<Ticket>, RpcError> {
        let scope = scope(caller);
        let all = include_archived.unwrap_or(false);
        Ok(self
            .store
            .tickets()
            .milestones(scope, None, all, super::MAX_PAGE)
            .await?)
    }

    /// Percent (0 to 100) of a milestone's tickets that are done.
    #[rpc(errors(-32002))]
    async fn get_milestone_progress(
        &self,
        caller: &Caller,
        milestone_id: i64,
    ) -> Result<f64, RpcError> {
        let counts = self
            .store
            .tickets()
            .milestone_progress(scope(caller), milestone_id)
            .await?
            .ok_or_else(RpcError::not_found)?;
        Ok(percent(counts))
    }

    /// Tickets of project `projectId` whose headline, description or tags hold `term` (or
    /// whose id it is), optionally assigned to `userId`.
    #[rpc(project = "project_id")]
    async fn find_ticket(
        &self,
        caller: &Caller,
        term: String,
        project_id: i64,
        user_id: Option<i64>,
    ) -> Result<Vec<Ticket>, RpcError> {
        super::no_nul("term", &term)?;
        let criteria = SearchCriteria {
            current_project: Some(project_id),
            term: Some(term),
            users: user_id.map(|u| vec![u]),
            ..SearchCriteria::default()
        };
        self.list(caller, criteria, super::DEFAULT_PAGE).await
    }

    /// The newest `limit` (5 when not given) tickets of a project.
    #[rpc(project = "project_id")]
    async fn get_last_tickets(
        &self,
        caller: &Caller,
        project_id: i64,
        limit: Option<i64>,
    ) -> Result<Vec<Ticket>, RpcError> {
        let limit = limit.filter(|n| *n > 0).unwrap_or(5).min(super::MAX_PAGE);
        let criteria = SearchCriteria {
            current_project: Some(project_id),
            ..SearchCriteria::default()
        };
        let mut all = self.list(caller, criteria, super::MAX_PAGE).await?;
        all.reverse();
        all.truncate(usize::try_from(limit).unwrap_or(5));
        Ok(all)
    }
}

/// `done / all` in percent with one decimal; 0 for no tickets.
pub(crate) fn percent((all, done): (i64, i64)) -> f64 {
    if all == 0 {
        0.0
    } else {
        ((done as f64) * 1000.0 / (all as f64)).round() / 10.0
    }
}
