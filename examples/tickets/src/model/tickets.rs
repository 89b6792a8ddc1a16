//! Tickets (and milestones, which are tickets of type `milestone`): records, values, statuses.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::lenient;

/// Leantime's default statuses: id, label, CSS class, status type, on the kanban board.
pub const STATUSES: [(i64, &str, &str, &str, bool); 6] = [
    (3, "New", "label-info", "NEW", true),
    (1, "Blocked", "label-important", "INPROGRESS", true),
    (4, "In Progress", "label-warning", "INPROGRESS", true),
    (
        2,
        "Waiting for Approval",
        "label-warning",
        "INPROGRESS",
        true,
    ),
    (0, "Done", "label-success", "DONE", true),
    (-1, "Archived", "label-default", "DONE", false),
];

/// A new ticket's status: 3, "New".
pub const STATUS_NEW: i64 = 3;

/// The statuses whose type is `DONE` (done and archived).
pub const DONE_STATUSES: [i64; 2] = [0, -1];

/// The label of a status id, if it is one of Leantime's.
pub fn status_label(status: i64) -> Option<&'static str> {
    STATUSES
        .iter()
        .find(|s| s.0 == status)
        .map(|&(_, label, ..)| label)
}

/// Leantime's ticket types (`milestone` is a type of its own, listed apart).
pub const TYPES: [&str; 4] = ["task", "subtask", "story", "bug"];

/// The type of a milestone.
pub const MILESTONE: &str = "milestone";

/// Leantime's priority labels, by id.
pub const PRIORITIES: [(&str, &str); 5] = [
    ("1", "Critical"),
    ("2", "High"),
    ("3", "Medium"),
    ("4", "Low"),
    ("5", "Lowest"),
];

/// Leantime's effort labels (story points), by value.
pub const EFFORTS: [(&str, &str); 7] = [
    ("0.5", "< 2min"),
    ("1", "XS"),
    ("2", "S"),
    ("3", "M"),
    ("5", "L"),
    ("8", "XL"),
    ("13", "XXL"),
];

/// A ticket as Leantime returns it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    /// Its id.
    pub id: i64,
    /// The project it belongs to.
    pub project_id: i64,
    /// The project's name.
    pub project_name: String,
    /// The name of the project's client.
    pub client_name: Option<String>,
    /// One line saying what it is about.
    pub headline: String,
    /// Free text (HTML in Leantime).
    pub description: String,
    /// Its status id (3 new, 1 blocked, 4 in progress, 2 waiting, 0 done, -1 archived).
    pub status: i64,
    /// The status's label.
    pub status_label: Option<String>,
    /// `task`, `subtask`, `story`, `bug` or `milestone`.
    #[serde(rename = "type")]
    pub kind: String,
    /// When it was created (`Y-m-d H:i:s`, UTC).
    pub date: String,
    /// The user who created it.
    pub user_id: Option<i64>,
    /// The creator's first name.
    pub user_firstname: Option<String>,
    /// The creator's last name.
    pub user_lastname: Option<String>,
    /// The user it is assigned to.
    pub editor_id: Option<i64>,
    /// The assignee's first name.
    pub editor_firstname: Option<String>,
    /// The assignee's last name.
    pub editor_lastname: Option<String>,
    /// The milestone it belongs to.
    #[serde(rename = "milestoneid")]
    pub milestone_id: Option<i64>,
    /// The sprint it is in.
    pub sprint: Option<i64>,
    /// Its parent ticket (a subtask's ticket, a milestone's parent milestone).
    pub depending_ticket_id: Option<i64>,
    /// 1 critical ... 5 lowest.
    pub priority: Option<i64>,
    /// The effort (story points).
    #[serde(rename = "storypoints")]
    pub story_points: Option<f64>,
    /// Planned hours.
    pub plan_hours: Option<f64>,
    /// Hours left.
    pub hour_remaining: Option<f64>,
    /// When it is due (`Y-m-d H:i:s`).
    pub date_to_finish: Option<String>,
    /// When work is planned to start.
    pub edit_from: Option<String>,
    /// When work is planned to end.
    pub edit_to: Option<String>,
    /// Comma-separated tags.
    pub tags: String,
    /// Acceptance criteria.
    pub acceptance_criteria: String,
    /// Its place in a sorted list.
    pub sort_index: Option<i64>,
    /// When it last changed (`Y-m-d H:i:s`, UTC).
    pub modified: String,
}

/// The fields of a ticket to create or change (`values` of `addTicket`/`updateTicket`,
/// `params` of `patch`). Unknown keys are ignored; ids and numbers may be strings.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct TicketValues {
    /// The ticket (for updates).
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub id: Option<i64>,
    /// The project (required to create).
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub project_id: Option<i64>,
    /// The headline (required to create).
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub headline: Option<String>,
    /// The description.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub description: Option<String>,
    /// The status id.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub status: Option<i64>,
    /// The type (`task` by default).
    #[serde(default, rename = "type", deserialize_with = "lenient::opt_text")]
    pub kind: Option<String>,
    /// The assignee; 0 or `""` for nobody.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub editor_id: Option<i64>,
    /// The milestone; 0 for none.
    #[serde(
        default,
        rename = "milestoneid",
        alias = "milestoneId",
        deserialize_with = "lenient::opt_int"
    )]
    pub milestone_id: Option<i64>,
    /// The sprint; 0 for none.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub sprint: Option<i64>,
    /// The parent ticket; 0 for none.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub depending_ticket_id: Option<i64>,
    /// 1 critical ... 5 lowest.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub priority: Option<i64>,
    /// The effort (story points).
    #[serde(
        default,
        rename = "storypoints",
        deserialize_with = "lenient::opt_float"
    )]
    pub story_points: Option<f64>,
    /// Planned hours.
    #[serde(default, deserialize_with = "lenient::opt_float")]
    pub plan_hours: Option<f64>,
    /// Hours left.
    #[serde(default, deserialize_with = "lenient::opt_float")]
    pub hour_remaining: Option<f64>,
    /// The due date (`YYYY-MM-DD[ HH:MM:SS]`); `""` clears it.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub date_to_finish: Option<String>,
    /// Planned start.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub edit_from: Option<String>,
    /// Planned end.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub edit_to: Option<String>,
    /// Comma-separated tags.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub tags: Option<String>,
    /// Acceptance criteria.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub acceptance_criteria: Option<String>,
}

/// A status filter of `tickets.getAll`: `3`, `"3"`, `"3,4"`, `"done"` or `"not_done"`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusFilter {
    /// Any of these status ids.
    Any(Vec<i64>),
    /// Statuses of type `DONE`.
    Done,
    /// Statuses not of type `DONE`.
    NotDone,
}

impl StatusFilter {
    fn parse(text: &str) -> Result<Option<Self>, String> {
        match text.trim() {
            "" | "all" => Ok(None),
            "done" => Ok(Some(Self::Done)),
            "not_done" => Ok(Some(Self::NotDone)),
            list => list
                .split(',')
                .map(|s| s.trim().parse::<i64>())
                .collect::<Result<Vec<_>, _>>()
                .map(|ids| Some(Self::Any(ids)))
                .map_err(|_| {
                    format!(
                        "status: expected status ids (\"3\" or \"3,4\"), \"done\" or \"not_done\", got \"{text}\""
                    )
                }),
        }
    }
}

/// Written the way the filter is read: `"3,4"`, `"done"` or `"not_done"` (for the Rust client).
impl Serialize for StatusFilter {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Any(ids) => {
                let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
                s.serialize_str(&ids.join(","))
            }
            Self::Done => s.serialize_str("done"),
            Self::NotDone => s.serialize_str("not_done"),
        }
    }
}

fn status_filter<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<StatusFilter>, D::Error> {
    use serde::de::Error as _;
    match Option::<serde_json::Value>::deserialize(d)? {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(serde_json::Value::Number(n)) => n
            .as_i64()
            .map(|id| Some(StatusFilter::Any(vec![id])))
            .ok_or_else(|| D::Error::custom("status: expected an integer")),
        Some(serde_json::Value::String(s)) => StatusFilter::parse(&s).map_err(D::Error::custom),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                serde_json::Value::Number(n) => n.as_i64(),
                serde_json::Value::String(s) => s.trim().parse().ok(),
                _ => None,
            })
            .collect::<Option<Vec<_>>>()
            .map(|ids| Some(StatusFilter::Any(ids)))
            .ok_or_else(|| D::Error::custom("status: expected status ids")),
        Some(_) => Err(D::Error::custom(
            "status: expected status ids, \"done\" or \"not_done\"",
        )),
    }
}

/// The filters of `tickets.getAll` (`searchCriteria`). Unknown keys are ignored.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SearchCriteria {
    /// Only this project.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub current_project: Option<i64>,
    /// `3`, `"3,4"`, `"done"` or `"not_done"`.
    #[serde(default, deserialize_with = "status_filter")]
    #[schemars(with = "Option<String>")]
    pub status: Option<StatusFilter>,
    /// Only this type (`milestone` lists milestones, which are otherwise left out).
    #[serde(default, rename = "type", deserialize_with = "lenient::opt_text")]
    pub kind: Option<String>,
    /// Only tickets of this milestone.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub milestone: Option<i64>,
    /// Only tickets of this sprint.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub sprint: Option<i64>,
    /// Only tickets assigned to these users (`"1,2"`).
    #[serde(default, deserialize_with = "lenient::opt_int_list")]
    pub users: Option<Vec<i64>>,
    /// Text in the headline, description or tags, or the ticket id.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub term: Option<String>,
    /// Created strictly after (`Y-m-d[ H:i:s]`).
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub date_from: Option<String>,
    /// Created strictly before (`Y-m-d[ H:i:s]`).
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub date_to: Option<String>,
}
