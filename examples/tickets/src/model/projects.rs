//! Projects, their progress and their members.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::lenient;

/// A project as Leantime returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Free text about it (HTML in Leantime).
    pub details: String,
    /// Its client.
    pub client_id: Option<i64>,
    /// The client's name.
    pub client_name: Option<String>,
    /// 0 open, -1 closed.
    pub state: i64,
    /// Start date (`Y-m-d H:i:s`).
    pub start: Option<String>,
    /// End date (`Y-m-d H:i:s`).
    pub end: Option<String>,
    /// Budgeted hours.
    pub hour_budget: f64,
    /// Budgeted money.
    pub dollar_budget: f64,
    /// `project` (Leantime also knows `strategy` and `program`).
    #[serde(rename = "type")]
    pub kind: String,
    /// How many tickets (milestones not counted) it holds.
    pub number_of_tickets: i64,
    /// When it was created (`Y-m-d H:i:s`, UTC).
    pub created: String,
    /// When it last changed (`Y-m-d H:i:s`, UTC).
    pub modified: String,
}

/// The fields of a project to create or change (`values` of `addProject`/`editProject`,
/// `params` of `patch`). Unknown keys are ignored.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectValues {
    /// The name (required to create).
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub name: Option<String>,
    /// Free text.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub details: Option<String>,
    /// The client (client 1 when not given).
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub client_id: Option<i64>,
    /// 0 open, -1 closed.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub state: Option<i64>,
    /// Start date.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub start: Option<String>,
    /// End date.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub end: Option<String>,
    /// Budgeted hours.
    #[serde(default, deserialize_with = "lenient::opt_float")]
    pub hour_budget: Option<f64>,
    /// Budgeted money.
    #[serde(default, deserialize_with = "lenient::opt_float")]
    pub dollar_budget: Option<f64>,
}

/// How far a project is: Leantime's `getProjectProgress`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectProgress {
    /// Percent of its tickets done (0 to 100, one decimal).
    pub percent: f64,
    /// Estimated completion date, when it can be told (not computed here: `null`).
    pub estimated_completion_date: Option<String>,
    /// Planned completion date: the project's end.
    pub planned_completion_date: Option<String>,
    /// Tickets in the project (milestones not counted).
    pub total_tickets: i64,
    /// Of which done.
    pub done_tickets: i64,
}

/// A member of a project as `getUsersAssignedToProject` returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProjectUser {
    /// The user's id.
    pub id: i64,
    /// First name.
    pub firstname: String,
    /// Last name.
    pub lastname: String,
    /// User name (an email in Leantime).
    pub username: String,
    /// The user's role (Leantime's number: 5 readonly ... 50 owner).
    pub role: i64,
    /// The role in this project, when one was given.
    pub project_role: Option<String>,
}
