//! `users.*`: the people of the installation and the users of API keys.

use leanrpc::{Caller, RpcError, rpc_service};

use super::{known_user, page, require_unscoped, required, scope};
use crate::model::users::parse_role;
use crate::model::{User, UserValues};
use crate::store::Store;

/// Users: Leantime's `Users` service. Reading needs `readonly`; managing people needs an
/// `admin` key that is not limited to some projects.
#[derive(Debug, Clone)]
pub struct Users {
    store: Store,
}

impl Users {
    /// Serves users from `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }
}

fn check(v: &UserValues) -> Result<Option<i64>, RpcError> {
    if let Some(status) = &v.status
        && status != "a"
        && status != "i"
    {
        return Err(RpcError::invalid_param(
            "status",
            "expected \"a\" (active) or \"i\" (inactive)",
        ));
    }
    v.role
        .as_deref()
        .map(|role| {
            parse_role(role).ok_or_else(|| {
                RpcError::invalid_param(
                    "role",
                    "expected readonly, commenter, editor, manager, admin or owner (or 5, 10, 20, 30, 40, 50)",
                )
            })
        })
        .transpose()
}

#[rpc_service("users", min_role = "readonly", unknown_params = "ignore")]
impl Users {
    /// The users the key may see (every user; for a key limited to some projects, the members
    /// of those projects and the key's own user), active ones only with `activeOnly`. API keys
    /// are users of their own (`source: "api"`).
    async fn get_all(
        &self,
        caller: &Caller,
        active_only: Option<bool>,
        limit: Option<i64>,
    ) -> Result<Vec<User>, RpcError> {
        // The key's own user is listed once it exists; make it exist, so that a client can
        // assign work to the key that asks.
        let me = Some(super::caller_user(&self.store, caller).await?);
        let active = active_only.unwrap_or(false);
        let limit = page(limit.or(Some(super::MAX_PAGE)))?;
        Ok(self
            .store
            .users()
            .list(scope(caller), me, active, limit)
            .await?)
    }

    /// One user (`id`; the key's own user when not given).
    #[rpc(errors(-32002))]
    async fn get_user(&self, caller: &Caller, id: Option<i64>) -> Result<User, RpcError> {
        let me = known_user(&self.store, caller).await?;
        let id = match id.or(me) {
            Some(id) => id,
            None => super::caller_user(&self.store, caller).await?,
        };
        self.store
            .users()
            .get(scope(caller), me, id)
            .await?
            .ok_or_else(RpcError::not_found)
    }

    /// One user by user name (email).
    #[rpc(errors(-32002))]
    async fn get_user_by_email(&self, caller: &Caller, email: String) -> Result<User, RpcError> {
        super::no_nul("email", &email)?;
        let me = known_user(&self.store, caller).await?;
        self.store
            .users()
            .by_username(scope(caller), me, email)
            .await?
            .ok_or_else(RpcError::not_found)
    }

    /// Whether user name `username` is taken (by a user other than `notUserId`).
    #[rpc(min_role = "admin")]
    async fn username_exist(
        &self,
        caller: &Caller,
        username: String,
        not_user_id: Option<i64>,
    ) -> Result<bool, RpcError> {
        require_unscoped(caller, "look up user names")?;
        super::no_nul("username", &username)?;
        Ok(self
            .store
            .users()
            .username_taken(username, not_user_id)
            .await?)
    }

    /// Creates a person from `values` (`user`, the user name, required; `role` readonly by
    /// default) and returns the id. There are no passwords: people reach the API with keys.
    #[rpc(min_role = "admin", scope = "users:write", errors(-32005))]
    async fn add_user(&self, caller: &Caller, values: UserValues) -> Result<i64, RpcError> {
        require_unscoped(caller, "manage users")?;
        let role = check(&values)?.unwrap_or(5);
        if role > crate::model::users::role_number(caller.grant().role) {
            return Err(RpcError::forbidden(
                "a key cannot create a user with a higher role than its own",
            ));
        }
        let mut v = values;
        v.user = Some(required("values.user", v.user)?);
        add(&self.store, v, role).await
    }

    /// Changes the given fields of person `id`.
    #[rpc(min_role = "admin", scope = "users:write", errors(-32002, -32005))]
    async fn edit_user(
        &self,
        caller: &Caller,
        values: UserValues,
        id: i64,
    ) -> Result<bool, RpcError> {
        require_unscoped(caller, "manage users")?;
        edit(&self.store, caller, id, values).await
    }

    /// Changes the fields given in `params` of person `id`.
    #[rpc(min_role = "admin", scope = "users:write", errors(-32002, -32005))]
    async fn patch_user(
        &self,
        caller: &Caller,
        id: i64,
        params: UserValues,
    ) -> Result<bool, RpcError> {
        require_unscoped(caller, "manage users")?;
        edit(&self.store, caller, id, params).await
    }

    /// Deletes person `id` (their tickets stay, unassigned). An API key's user goes with its
    /// key (`tickets keys revoke`).
    #[rpc(min_role = "admin", scope = "users:write", errors(-32002))]
    async fn delete_user(&self, caller: &Caller, id: i64) -> Result<bool, RpcError> {
        require_unscoped(caller, "manage users")?;
        match self.store.users().delete(id).await? {
            true => Ok(true),
            false => Err(RpcError::not_found()),
        }
    }
}

/// Creates a person; -32005 when the user name is taken. Shared with `tickets users add`.
pub(crate) async fn add(store: &Store, v: UserValues, role: i64) -> Result<i64, RpcError> {
    store.users().create(v, role).await?.answer()
}

async fn edit(store: &Store, caller: &Caller, id: i64, v: UserValues) -> Result<bool, RpcError> {
    let role = check(&v)?;
    if role.is_some_and(|r| r > crate::model::users::role_number(caller.grant().role)) {
        return Err(RpcError::forbidden(
            "a key cannot give a user a higher role than its own",
        ));
    }
    let mut v = v;
    if let Some(user) = v.user.take() {
        v.user = Some(super::non_empty("user", user)?);
    }
    store.users().patch(id, v, role).await?.answer()
}
