//! What the tickets server stores, behind traits: one per domain ([`ProjectStore`],
//! [`TicketStore`], ...), gathered by [`Storage`]. The services call `store.tickets().search(...)`
//! in model types and never see SQL or a connection; two backends implement the traits:
//! SQLite ([`crate::db::Db`], the default, one file in the data directory) and PostgreSQL
//! ([`crate::pg::PgDb`], `--database postgres://...`). The suite in `tests/store.rs` runs against
//! both, and the API's answers are the same bytes on either.
//!
//! Each write that has to check related rows first (does the project exist, is the milestone
//! in the ticket's project, is the user name free) is one store method, so that the checks and
//! the write share one transaction on every backend; it answers with a [`Checked`].
//!
//! The methods return [`BoxFuture`]s rather than being `async fn`s: the backend is chosen at
//! run time (by the `--database` URL), so the services hold an `Arc<dyn Storage>`, and a trait
//! with `async fn`s cannot be used as `dyn` (its futures have no nameable type). Boxing the
//! future is what `async-trait` would generate; written out, it needs no macro. One allocation
//! per call is nothing beside a query.

pub mod clients;
pub mod comments;
pub mod projects;
pub mod sprints;
pub mod tickets;
pub mod timesheets;
pub mod users;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

pub use clients::ClientStore;
pub use comments::{CommentStore, NewComment};
pub use projects::{Duplicate, ProjectStore};
pub use sprints::{SprintStore, When};
pub use tickets::TicketStore;
pub use timesheets::{Filter, TimeEntry, TimesheetStore};
pub use users::{KeyUser, UserStore};

use leanrpc::RpcError;

/// A boxed future that can cross threads: what every store method returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// `(all, done)`: how many tickets, and how many of them are done.
pub type Counts = (i64, i64);

/// What a store method answers.
pub type StoreResult<T> = Result<T, StoreError>;

/// Everything the tickets server stores, on one backend.
pub trait Storage: Send + Sync + std::fmt::Debug {
    /// Which backend this is: `sqlite` or `postgres` (for logs).
    fn backend(&self) -> &'static str;
    /// Projects and their members.
    fn projects(&self) -> &dyn ProjectStore;
    /// Tickets and milestones.
    fn tickets(&self) -> &dyn TicketStore;
    /// People and the users of API keys.
    fn users(&self) -> &dyn UserStore;
    /// Clients.
    fn clients(&self) -> &dyn ClientStore;
    /// Comments on tickets and projects.
    fn comments(&self) -> &dyn CommentStore;
    /// Sprints.
    fn sprints(&self) -> &dyn SprintStore;
    /// Time entries.
    fn timesheets(&self) -> &dyn TimesheetStore;
    /// Closes the store cleanly once no call uses it any more (SQLite checkpoints its WAL,
    /// PostgreSQL closes its pool).
    fn close(&self) -> BoxFuture<'_, ()>;
}

/// A handle to the store the services share; cheap to clone.
pub type Store = Arc<dyn Storage>;

/// Why a store call failed. Clients see a generic -32000; the detail goes to the log.
#[derive(Debug)]
pub enum StoreError {
    /// SQLite reported an error (locked, read-only, corrupt, full, ...).
    Sqlite(rusqlite::Error),
    /// PostgreSQL reported an error, or the connection to it failed.
    Postgres(tokio_postgres::Error),
    /// No PostgreSQL connection could be had from the pool.
    Pool(String),
    /// The PostgreSQL schema could not be brought to this build's version.
    Schema(String),
    /// The blocking task could not run or panicked.
    Task,
    /// A write would break a limit; it was rolled back (the caller answers -32602).
    Limit,
}

impl std::fmt::Display for StoreError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreError::Sqlite(e) => write!(f, "sqlite: {e}"),
            StoreError::Postgres(e) => match e.as_db_error() {
                Some(db) => write!(f, "postgres: {} ({})", db.message(), db.code().code()),
                // "error connecting to server" says little without its cause.
                None => match std::error::Error::source(e) {
                    Some(cause) => write!(f, "postgres: {e}: {cause}"),
                    None => write!(f, "postgres: {e}"),
                },
            },
            StoreError::Pool(e) => write!(f, "postgres: {e}"),
            StoreError::Schema(e) => write!(f, "postgres schema: {e}"),
            StoreError::Task => f.write_str("database task failed"),
            StoreError::Limit => f.write_str("a limit would be exceeded"),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sqlite(e)
    }
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        StoreError::Postgres(e)
    }
}

impl From<StoreError> for RpcError {
    fn from(error: StoreError) -> Self {
        tracing::error!(%error, "database error");
        RpcError::server_error().data("the database is unavailable; try again")
    }
}

/// What a write that first has to check related rows found.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked<T> {
    /// The write ran.
    Done(T),
    /// The object the call refers to does not exist (or is outside the key's projects).
    Missing,
    /// A field refers to something that does not fit: the param and why.
    Invalid(&'static str, String),
    /// A unique name is taken (a user name).
    Taken,
}

impl<T> Checked<T> {
    /// The answer of a call: -32002 when missing, -32602 naming the param when invalid, -32005
    /// when taken.
    pub fn answer(self) -> Result<T, RpcError> {
        match self {
            Checked::Done(value) => Ok(value),
            Checked::Missing => Err(RpcError::not_found()),
            Checked::Invalid(field, why) => Err(RpcError::invalid_param(field, why)),
            Checked::Taken => Err(RpcError::already_exists()),
        }
    }
}

impl Checked<bool> {
    /// `Done(true)` when `found`, otherwise `Missing`.
    pub fn found(found: bool) -> Self {
        if found {
            Checked::Done(true)
        } else {
            Checked::Missing
        }
    }
}

/// The projects a caller may touch. Every query that reads or changes a row of a project takes
/// it and tests the project in its `WHERE` (SQLite: a JSON array bound as `?1`, PostgreSQL: a
/// `bigint[]` bound as `$1`), so a foreign row is never loaded, only to be thrown away after
/// the fact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scope {
    projects: Option<Vec<i64>>,
    /// The same list as SQLite binds it: `[1,2]`.
    json: Option<String>,
}

impl Scope {
    /// Every project.
    pub fn all() -> Self {
        Self {
            projects: None,
            json: None,
        }
    }

    /// Exactly these projects.
    pub fn only(projects: &[i64]) -> Self {
        let list: Vec<String> = projects.iter().map(i64::to_string).collect();
        Self {
            projects: Some(projects.to_vec()),
            json: Some(format!("[{}]", list.join(","))),
        }
    }

    /// The projects of a caller (every project when the key is not limited).
    pub fn of(caller: &leanrpc::Caller) -> Self {
        if caller.grant().projects.is_empty() {
            Self::all()
        } else {
            Self::only(&caller.grant().projects)
        }
    }

    /// Whether the scope holds every project.
    pub fn is_all(&self) -> bool {
        self.projects.is_none()
    }

    /// The projects, `None` for every project.
    pub fn projects(&self) -> Option<&[i64]> {
        self.projects.as_deref()
    }

    /// The projects as a JSON array, `None` for every project (SQLite's parameter).
    pub fn json(&self) -> Option<&str> {
        self.json.as_deref()
    }
}
