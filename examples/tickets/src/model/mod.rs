//! The API's data as Leantime clients see it: one module per Leantime domain, each holding the
//! records the API returns (`Serialize`) and the `values`/`params` objects it accepts
//! (`Deserialize`, lenient about how scalars are written, unknown keys ignored). The tickets and
//! projects types go both ways, for the generated Rust clients (`TicketsClient`,
//! `ProjectsClient`).

pub mod clients;
pub mod comments;
pub mod projects;
pub mod sprints;
pub mod tickets;
pub mod timesheets;
pub mod users;

pub use clients::{Client, ClientValues};
pub use comments::{Comment, CommentValues};
pub use projects::{Project, ProjectProgress, ProjectUser, ProjectValues};
pub use sprints::{Sprint, SprintParams};
pub use tickets::{SearchCriteria, StatusFilter, Ticket, TicketValues};
pub use timesheets::{HoursByDate, TimeParams, Timesheet};
pub use users::{User, UserValues};
