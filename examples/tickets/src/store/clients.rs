//! Clients, the customers projects belong to.

use super::{BoxFuture, Checked, Scope, StoreResult};
use crate::model::{Client, ClientValues};

/// Clients. A key limited to some projects sees only the clients of those projects.
pub trait ClientStore: Send + Sync {
    /// One client visible to `scope`.
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Client>>>;

    /// Clients visible to `scope`, by name (byte order) then id.
    fn list(&self, scope: Scope, limit: i64) -> BoxFuture<'_, StoreResult<Vec<Client>>>;

    /// Creates a client and returns its id.
    fn create(&self, values: ClientValues) -> BoxFuture<'_, StoreResult<i64>>;

    /// Changes the given fields of a client; `false` when there is no such client.
    fn patch(&self, id: i64, values: ClientValues) -> BoxFuture<'_, StoreResult<bool>>;

    /// Deletes a client (`id` invalid while it has projects); its users lose their client.
    fn delete(&self, id: i64) -> BoxFuture<'_, StoreResult<Checked<bool>>>;
}
