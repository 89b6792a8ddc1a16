//! The two JSON-RPC services, `projects` and `tickets`, as Leantime exposes them.
//!
//! Access rules are declared, not coded: each service defaults to `readonly`, writes raise the
//! minimum role and require a write scope, and `addTicket` names its project parameter so the
//! framework checks the key's projects before the handler runs. Where the project comes from a
//! stored ticket, the handler checks it itself, and answers a ticket in a foreign project exactly
//! like a missing one (-32002), so a key cannot learn what exists outside its projects.

use leanrpc::{Caller, RpcError, rpc_service};

use crate::db::{self, Db};
use crate::model::{NewTicket, Project, Status, Ticket, TicketChanges};

/// Projects: create, read one, list.
#[derive(Debug, Clone)]
pub struct Projects {
    db: Db,
}

impl Projects {
    /// Serves projects from `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

#[rpc_service("projects", min_role = "readonly")]
impl Projects {
    /// Creates a project and returns its id. Keys limited to some projects cannot create one.
    #[rpc(min_role = "manager", scope = "projects:write")]
    async fn add_project(
        &self,
        caller: &Caller,
        name: String,
        details: Option<String>,
    ) -> Result<i64, RpcError> {
        if !caller.projects.is_empty() {
            return Err(RpcError::forbidden(
                "a key limited to some projects cannot create projects",
            ));
        }
        let name = non_empty("name", name)?;
        let details = details.unwrap_or_default();
        Ok(self
            .db
            .write(move |tx| db::insert_project(tx, &name, &details))
            .await?)
    }

    /// Returns one project: `{id, name, details}`.
    #[rpc(errors(-32002))]
    async fn get_project(&self, caller: &Caller, id: i64) -> Result<Project, RpcError> {
        if !caller.may_access_project(id) {
            return Err(RpcError::not_found());
        }
        self.db
            .read(move |conn| db::project(conn, id))
            .await?
            .ok_or_else(RpcError::not_found)
    }

    /// Returns every project the key may see.
    async fn get_all(&self, caller: &Caller) -> Result<Vec<Project>, RpcError> {
        let mut projects = self.db.read(db::projects).await?;
        projects.retain(|p| caller.may_access_project(p.id));
        Ok(projects)
    }
}

/// Tickets: create, read, list, update, delete.
#[derive(Debug, Clone)]
pub struct Tickets {
    db: Db,
}

impl Tickets {
    /// Serves tickets from `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }
}

/// What a write that first has to find a ticket's project found.
enum Found<T> {
    Done(T),
    Missing,
}

#[rpc_service("tickets", min_role = "readonly")]
impl Tickets {
    /// Creates a ticket in a project and returns its id. `status` defaults to `new`.
    #[rpc(min_role = "editor", scope = "tickets:write", project = "project_id")]
    async fn add_ticket(
        &self,
        project_id: i64,
        headline: String,
        description: Option<String>,
        status: Option<Status>,
    ) -> Result<i64, RpcError> {
        let ticket = NewTicket {
            project_id,
            headline: non_empty("headline", headline)?,
            description: description.unwrap_or_default(),
            status: status.unwrap_or_default(),
        };
        let created = self
            .db
            .write(move |tx| match db::project(tx, ticket.project_id)? {
                Some(_) => db::insert_ticket(tx, &ticket).map(Found::Done),
                None => Ok(Found::Missing),
            })
            .await?;
        match created {
            Found::Done(id) => Ok(id),
            Found::Missing => Err(RpcError::invalid_param("projectId", "no such project")),
        }
    }

    /// Returns one ticket: `{id, projectId, headline, description, status, createdAt}`.
    #[rpc(errors(-32002))]
    async fn get_ticket(&self, caller: &Caller, id: i64) -> Result<Ticket, RpcError> {
        match self.db.read(move |conn| db::ticket(conn, id)).await? {
            Some(ticket) if caller.may_access_project(ticket.project_id) => Ok(ticket),
            _ => Err(RpcError::not_found()),
        }
    }

    /// Returns the tickets the key may see, optionally of one project and one status.
    async fn get_all(
        &self,
        caller: &Caller,
        project_id: Option<i64>,
        status: Option<Status>,
    ) -> Result<Vec<Ticket>, RpcError> {
        let mut tickets = self
            .db
            .read(move |conn| db::tickets(conn, project_id, status))
            .await?;
        tickets.retain(|t| caller.may_access_project(t.project_id));
        Ok(tickets)
    }

    /// Changes a ticket's headline, description or status; returns `true`.
    #[rpc(min_role = "editor", scope = "tickets:write", errors(-32002))]
    async fn update_ticket(
        &self,
        caller: &Caller,
        id: i64,
        headline: Option<String>,
        description: Option<String>,
        status: Option<Status>,
    ) -> Result<bool, RpcError> {
        let changes = TicketChanges {
            headline: headline.map(|h| non_empty("headline", h)).transpose()?,
            description,
            status,
        };
        let caller = caller.clone();
        let found = self
            .db
            .write(move |tx| match db::ticket(tx, id)? {
                Some(t) if caller.may_access_project(t.project_id) => {
                    db::update_ticket(tx, id, &changes).map(Found::Done)
                }
                _ => Ok(Found::Missing),
            })
            .await?;
        match found {
            Found::Done(changed) => Ok(changed),
            Found::Missing => Err(RpcError::not_found()),
        }
    }

    /// Deletes a ticket; returns `true`.
    #[rpc(min_role = "manager", scope = "tickets:write", errors(-32002))]
    async fn delete_ticket(&self, caller: &Caller, id: i64) -> Result<bool, RpcError> {
        let caller = caller.clone();
        let found = self
            .db
            .write(move |tx| match db::ticket(tx, id)? {
                Some(t) if caller.may_access_project(t.project_id) => {
                    db::delete_ticket(tx, id).map(Found::Done)
                }
                _ => Ok(Found::Missing),
            })
            .await?;
        match found {
            Found::Done(deleted) => Ok(deleted),
            Found::Missing => Err(RpcError::not_found()),
        }
    }
}

/// Trims `value` and refuses it when empty, naming `field`.
fn non_empty(field: &str, value: String) -> Result<String, RpcError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(RpcError::invalid_param(field, "must not be empty"));
    }
    Ok(if trimmed.len() == value.len() {
        value
    } else {
        trimmed.to_owned()
    })
}
