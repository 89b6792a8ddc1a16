//! `clients.*`: the customers projects belong to.

use leanrpc::{Caller, RpcError, rpc_service};

use super::{page, require_unscoped, required, scope};
use crate::model::{Client, ClientValues, Project};
use crate::store::Store;

/// Clients: Leantime's `Clients` service. Reading needs `readonly` (a key limited to some
/// projects sees the clients of those projects); managing clients needs an unlimited `admin`.
#[derive(Debug, Clone)]
pub struct Clients {
    store: Store,
}

impl Clients {
    /// Serves clients from `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    async fn change(&self, caller: &Caller, id: i64, v: ClientValues) -> Result<bool, RpcError> {
        require_unscoped(caller, "manage clients")?;
        let mut v = v;
        if let Some(name) = v.name.take() {
            v.name = Some(super::non_empty("name", name)?);
        }
        match self.store.clients().patch(id, v).await? {
            true => Ok(true),
            false => Err(RpcError::not_found()),
        }
    }
}

#[rpc_service("clients", min_role = "readonly", unknown_params = "ignore")]
impl Clients {
    /// The clients the key may see, by name.
    async fn get_all(&self, caller: &Caller, limit: Option<i64>) -> Result<Vec<Client>, RpcError> {
        let limit = page(limit.or(Some(super::MAX_PAGE)))?;
        Ok(self.store.clients().list(scope(caller), limit).await?)
    }

    /// One client.
    #[rpc(errors(-32002))]
    async fn get(&self, caller: &Caller, id: i64) -> Result<Client, RpcError> {
        self.store
            .clients()
            .get(scope(caller), id)
            .await?
            .ok_or_else(RpcError::not_found)
    }

    /// The projects of client `clientId` that the key may see.
    async fn get_client_projects(
        &self,
        caller: &Caller,
        client_id: i64,
    ) -> Result<Vec<Project>, RpcError> {
        let projects = self
            .store
            .projects()
            .list(scope(caller), true, None, super::MAX_PAGE)
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
        Ok(self.store.clients().create(v).await?)
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
        self.store.clients().delete(id).await?.answer()
    }
}
