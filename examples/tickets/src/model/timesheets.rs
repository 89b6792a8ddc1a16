//! Time logged on tickets.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::lenient;

/// Leantime's kinds of logged hours, with their labels.
pub const KINDS: [(&str, &str); 6] = [
    ("GENERAL_BILLABLE", "General, billable"),
    ("GENERAL_NOT_BILLABLE", "General, not billable"),
    ("PROJECTMANAGEMENT", "Project management"),
    ("DEVELOPMENT", "Development"),
    ("BUGFIXING_NOT_BILLABLE", "Bug fixing, not billable"),
    ("TESTING", "Testing"),
];

/// At most this many hours on one ticket, user, day and kind.
pub const MAX_HOURS_PER_DAY: f64 = 24.0;

/// One timesheet entry as Leantime returns it.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Timesheet {
    /// Its id.
    pub id: i64,
    /// Who worked.
    pub user_id: i64,
    /// Their first name.
    pub firstname: String,
    /// Their last name.
    pub lastname: String,
    /// On which ticket.
    pub ticket_id: i64,
    /// The ticket's headline.
    pub headline: String,
    /// The ticket's project.
    pub project_id: i64,
    /// The project's name.
    pub project_name: String,
    /// The day (`Y-m-d H:i:s`).
    pub work_date: String,
    /// How long.
    pub hours: f64,
    /// What was done.
    pub description: String,
    /// One of Leantime's kinds (`GENERAL_BILLABLE`, ...).
    pub kind: String,
    /// When it last changed (`Y-m-d H:i:s`, UTC).
    pub modified: String,
}

/// Hours logged on a ticket on one day (`getLoggedHoursForTicketByDate`).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct HoursByDate {
    /// The day (`Y-m-d`).
    pub utc: String,
    /// Hours logged that day.
    pub summe: f64,
    /// Its year.
    pub year: String,
    /// Its month (`01`...`12`).
    pub month: String,
}

/// The fields of a time entry (`params` of `logTime`/`upsertTime`). Unknown keys are ignored.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TimeParams {
    /// Hours (required, more than 0, at most 24).
    #[serde(default, deserialize_with = "lenient::opt_float")]
    pub hours: Option<f64>,
    /// The day (`YYYY-MM-DD`); today when not given.
    #[serde(default, alias = "workDate", deserialize_with = "lenient::opt_text")]
    pub date: Option<String>,
    /// The kind; `GENERAL_BILLABLE` when not given.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub kind: Option<String>,
    /// What was done.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub description: Option<String>,
}
