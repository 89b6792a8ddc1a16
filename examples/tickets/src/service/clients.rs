//! `clients.*`: the customers projects belong to.

use leanrpc::{Caller, RpcError, rpc_service};

use super::{Checked, page, require_unscoped, required, scope};
use crate::db::{self, Db};
use crate::model::{Client, ClientValues, Project};

/// Clients: Leantime's `Clients` service. Reading needs `readonly` (a key limited to some
/// projects sees the clients of those projects); managing clients needs an unlimited `admin`.
#[derive(Debug, Clone)]
pub struct Clients {
    db: Db,
}

impl Clients {
    /// Serves clients from `db`.
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    async fn change(&self, caller: &Caller, id: i64, v: ClientValues) -> Result<bool, RpcError> {
        require_unscoped(caller, "manage clients")?;
        let mut v = v;
        if let Some(name) = v.name.take() {
            v.name = Some(super::non_empty("name", name)?);
        }
        match self
            .db
            .write(move |tx| db::clients::patch(tx, id, &v))
            .await?
        {
            true => Ok(true),
            false => Err(RpcError::not_found()),
        }
    }
}

#[rpc_service("clients", min_role = "readonly", unknown_params = "ignore")]
impl Clients {
    /// The clients the key may see, by name.
    async fn get_all(&self, caller: &Caller, limit: Option<i64>) -> Result<Vec<Client>, RpcError> {
        let scope = scope(caller);
        let limit = page(limit.or(Some(super::MAX_PAGE)))?;
        Ok(self
            .db
            .read(move |conn| db::clients::list(conn, &scope, limit))
            .await?)
    }

    /// One client.
    #[rpc(errors(-32002))]
    async fn get(&self, caller: &Caller, id: i64) -> Result<Client, RpcError> {
        let scope = scope(caller);
        self.db
            .read(move |conn| db::clients::get(conn, &scope, id))
            .await?
            .ok_or_else(RpcError::not_found)
    }

    /// The projects of client `clientId` that the key may see.
    async fn get_client_projects(
        &self,
        caller: &Caller,
        client_id: i64,
    ) -> Result<Vec<Project>, RpcError> {
        let scope = scope(caller);
        let projects = self
            .db
            .read(move |conn| db::projects::list(conn, &scope, true, None, super::MAX_PAGE))
            .await?;
        Ok(projects
            .into_iter()
            .filter(|p| p.client_id == Some(client_id))
            .collect())
    }

    /// Creates a client from `values` (`name` required) and returns its id.
    #[rpc(min_role = "admin", scope = "clients:write")]
    async fn create(&self, caller: &Caller, values: ClientValues) -> Result<i64, RpcError> {
        require_unscoped(caller, "manage clients")?;
        let mut v = values;
        v.name = Some(required("values.name", v.name)?);
        Ok(self.db.write(move |tx| db::clients::insert(tx, &v)).await?)
    }

    /// Changes a client: `values.id` names it, the other given fields change.
    #[rpc(min_role = "admin", scope = "clients:write", errors(-32002))]
    async fn edit_client(&self, caller: &Caller, values: ClientValues) -> Result<bool, RpcError> {
        let id = values
            .id
            .ok_or_else(|| RpcError::invalid_param("values.id", "is required"))?;
        self.change(caller, id, values).await
    }

    /// Changes the fields given in `params` of client `id`.
    #[rpc(min_role = "admin", scope = "clients:write", errors(-32002))]
    async fn patch(
        &self,
        caller: &Caller,
        id: i64,
        params: ClientValues,
    ) -> Result<bool, RpcError> {
        self.change(caller, id, params).await
    }

    /// Deletes a client that has no projects.
    #[rpc(min_role = "admin", scope = "clients:write", errors(-32002))]
    async fn delete(&self, caller: &Caller, id: i64) -> Result<bool, RpcError> {
        require_unscoped(caller, "manage clients")?;
        self.db
            .write(move |tx| {
                if !db::clients::exists(tx, id)? {
                    return Ok(Checked::Missing);
                }
                if db::clients::has_projects(tx, id)? {
                    return Ok(Checked::Invalid(
                        "id",
                        "the client still has projects".into(),
                    ));
                }
                db::clients::delete(tx, id).map(Checked::Done)
            })
            .await?
            .answer()
    }
}
