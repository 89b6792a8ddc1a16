//! The API's data: projects, tickets and ticket statuses, as clients see them.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
pub struct Project {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
    /// Free text about it.
    pub details: String,
}

/// A ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Ticket {
    /// Its id.
    pub id: i64,
    /// The project it belongs to.
    pub project_id: i64,
    /// One line saying what it is about.
    pub headline: String,
    /// Free text.
    pub description: String,
    /// Where it stands.
    pub status: Status,
    /// When it was created (UTC, RFC 3339).
    pub created_at: String,
}

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not started.
    #[default]
    New,
    /// Someone is on it.
    InProgress,
    /// Waiting for someone else.
    Waiting,
    /// Cannot go on.
    Blocked,
    /// Finished.
    Done,
    /// Put away.
    Archived,
}

impl Status {
    /// The wire and database spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::InProgress => "in_progress",
            Status::Waiting => "waiting",
            Status::Blocked => "blocked",
            Status::Done => "done",
            Status::Archived => "archived",
        }
    }
}

impl std::str::FromStr for Status {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        [
            Status::New,
            Status::InProgress,
            Status::Waiting,
            Status::Blocked,
            Status::Done,
            Status::Archived,
        ]
        .into_iter()
        .find(|status| status.as_str() == s)
        .ok_or(())
    }
}

/// A ticket to create.
#[derive(Debug, Clone)]
pub struct NewTicket {
    /// The project.
    pub project_id: i64,
    /// The headline, not empty.
    pub headline: String,
    /// The description.
    pub description: String,
    /// The status.
    pub status: Status,
}

/// Changes to a ticket; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct TicketChanges {
    /// A new headline, not empty.
    pub headline: Option<String>,
    /// A new description.
    pub description: Option<String>,
    /// A new status.
    pub status: Option<Status>,
}
