//! People, and the users of API keys (each key is a user of its own, `source: "api"`).

use super::{BoxFuture, Checked, Scope, StoreResult};
use crate::model::{User, UserValues};

/// The user an API key acts as, created the first time the key needs a user id (to author a
/// ticket, a comment, a time entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyUser {
    /// The key's id (its user name is `api_ID`).
    pub key_id: String,
    /// The key's name (the user's first name).
    pub name: String,
    /// Leantime's number for the key's role.
    pub role: i64,
}

/// People and key users. A key limited to some projects sees only the members of those
/// projects and its own user (`me`).
pub trait UserStore: Send + Sync {
    /// The user of an API key, if it has one yet.
    fn of_key(&self, key_id: String) -> BoxFuture<'_, StoreResult<Option<i64>>>;

    /// The user of an API key, created on first use (also when several calls of a new key
    /// race to create it: one user per key).
    fn ensure_key_user(&self, user: KeyUser) -> BoxFuture<'_, StoreResult<i64>>;

    /// One user visible to `scope`.
    fn get(
        &self,
        scope: Scope,
        me: Option<i64>,
        id: i64,
    ) -> BoxFuture<'_, StoreResult<Option<User>>>;

    /// One user by user name (ASCII letters in any case), visible to `scope`.
    fn by_username(
        &self,
        scope: Scope,
        me: Option<i64>,
        username: String,
    ) -> BoxFuture<'_, StoreResult<Option<User>>>;

    /// Users visible to `scope`, active ones only when `active_only`, by last name (byte
    /// order) then id.
    fn list(
        &self,
        scope: Scope,
        me: Option<i64>,
        active_only: bool,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<User>>>;

    /// Whether user name `username` is taken (ASCII letters in any case) by a user other than
    /// `except`.
    fn username_taken(
        &self,
        username: String,
        except: Option<i64>,
    ) -> BoxFuture<'_, StoreResult<bool>>;

    /// Creates a person (`role` is Leantime's number): `clientId` invalid when there is no such
    /// client, then taken when the user name is.
    fn create(&self, values: UserValues, role: i64) -> BoxFuture<'_, StoreResult<Checked<i64>>>;

    /// Changes the given fields of a person: taken when the new user name is, then `clientId`
    /// invalid when there is no such client, missing when there is no such person (an API
    /// key's user is changed through its key).
    fn patch(
        &self,
        id: i64,
        values: UserValues,
        role: Option<i64>,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>>;

    /// Deletes a person and their project memberships (their tickets stay, unassigned);
    /// `false` when there is no such person.
    fn delete(&self, id: i64) -> BoxFuture<'_, StoreResult<bool>>;
}
