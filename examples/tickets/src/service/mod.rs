//! The JSON-RPC services, one module per Leantime domain, under Leantime's names and param
//! shapes (`values`, `params`, `searchCriteria`).
//!
//! Access rules are declared, not coded: each service defaults to `readonly`, writes raise the
//! minimum role and require a write scope, and methods whose project is a parameter name it so
//! the framework checks the key's projects before the handler runs. Where the project comes
//! from a stored row, the query itself carries the caller's [`Scope`]: a row of a foreign
//! project is never loaded and is answered exactly like a missing one (-32002), and lists hold
//! only rows of the key's projects, so a key cannot learn what exists outside its projects.

mod clients;
mod comments;
mod projects;
mod sprints;
mod tickets;
mod timesheets;
mod users;

pub use clients::Clients;
pub use comments::Comments;
pub use projects::{Projects, ProjectsClient};
pub use sprints::Sprints;
pub use tickets::{StatusInfo, Tickets, TicketsClient};
pub use timesheets::Timesheets;
pub use users::Users;

use leanrpc::{Caller, RpcError};

use crate::store::{KeyUser, Scope, Store};

/// Rows a list returns when the call gives no `limit` (Leantime's `limit`; W8).
pub const DEFAULT_PAGE: i64 = 100;

/// The largest `limit` a list accepts.
pub const MAX_PAGE: i64 = 10_000;

/// The page size of a call: `limit` when given and positive, otherwise [`DEFAULT_PAGE`].
pub(crate) fn page(limit: Option<i64>) -> Result<i64, RpcError> {
    match limit {
        Some(n) if n > MAX_PAGE => Err(RpcError::invalid_param(
            "limit",
            format!("must be at most {MAX_PAGE}"),
        )),
        Some(n) if n > 0 => Ok(n),
        _ => Ok(DEFAULT_PAGE),
    }
}

/// Refuses text holding NUL (U+0000), naming `field`. PostgreSQL cannot store it, so neither
/// backend takes it: every text a call passes to the store goes through here (`values` fields
/// through [`crate::lenient`]).
pub(crate) fn no_nul(field: &str, value: &str) -> Result<(), RpcError> {
    if value.contains('\0') {
        return Err(RpcError::invalid_param(
            field,
            "must not contain NUL (U+0000)",
        ));
    }
    Ok(())
}

/// Trims `value` and refuses it when empty, naming `field`.
pub(crate) fn non_empty(field: &str, value: String) -> Result<String, RpcError> {
    no_nul(field, &value)?;
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

/// A required text field of a `values` object.
pub(crate) fn required(field: &str, value: Option<String>) -> Result<String, RpcError> {
    match value {
        Some(value) => non_empty(field, value),
        None => Err(RpcError::invalid_param(field, "is required")),
    }
}

/// A date field normalized to `Y-m-d H:i:s`; `""` stays `""` (it clears the field).
pub(crate) fn date_field(field: &str, value: Option<String>) -> Result<Option<String>, RpcError> {
    match value {
        None => Ok(None),
        Some(text) if text.trim().is_empty() => Ok(Some(String::new())),
        Some(text) => crate::lenient::date(&text).map(Some).ok_or_else(|| {
            RpcError::invalid_param(
                field,
                format!("expected a date as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS, got \"{text}\""),
            )
        }),
    }
}

/// The caller's user id, if the key has acted yet (reads need not create it).
pub(crate) async fn known_user(store: &Store, caller: &Caller) -> Result<Option<i64>, RpcError> {
    Ok(store.users().of_key(caller.key_id().to_owned()).await?)
}

/// The caller's user id, created on first use (an API key is a user of its own).
pub(crate) async fn caller_user(store: &Store, caller: &Caller) -> Result<i64, RpcError> {
    if let Some(id) = known_user(store, caller).await? {
        return Ok(id);
    }
    let user = KeyUser {
        key_id: caller.key_id().to_owned(),
        name: caller.grant().name.clone(),
        role: crate::model::users::role_number(caller.grant().role),
    };
    Ok(store.users().ensure_key_user(user).await?)
}

/// The scope of a caller.
pub(crate) fn scope(caller: &Caller) -> Scope {
    Scope::of(caller)
}

/// Refuses a caller limited to some projects (for installation-wide changes).
pub(crate) fn require_unscoped(caller: &Caller, what: &str) -> Result<(), RpcError> {
    if caller.grant().projects.is_empty() {
        Ok(())
    } else {
        Err(RpcError::forbidden(format!(
            "a key limited to some projects cannot {what}"
        )))
    }
}

/// Creates a person (for `tickets users add`); -32005 when the user name is taken.
pub async fn users_add(
    store: &Store,
    values: crate::model::UserValues,
    role: i64,
) -> Result<i64, RpcError> {
    users::add(store, values, role).await
}
