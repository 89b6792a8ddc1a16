//! Users: people, and API keys (each key is a user of its own, `source: "api"`, as in Leantime).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::lenient;

/// Leantime's role numbers, lowest first, with the role names of `leanrpc::Role`.
pub const ROLES: [(i64, leanrpc::Role); 6] = [
    (5, leanrpc::Role::Readonly),
    (10, leanrpc::Role::Commenter),
    (20, leanrpc::Role::Editor),
    (30, leanrpc::Role::Manager),
    (40, leanrpc::Role::Admin),
    (50, leanrpc::Role::Owner),
];

/// Leantime's number for a role.
pub fn role_number(role: leanrpc::Role) -> i64 {
    ROLES.iter().find(|r| r.1 == role).map_or(5, |r| r.0)
}

/// The role of a Leantime role number or name (`20`, `"20"`, `"editor"`).
pub fn parse_role(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Ok(n) = text.parse::<i64>() {
        return ROLES.iter().any(|r| r.0 == n).then_some(n);
    }
    text.parse::<leanrpc::Role>().ok().map(role_number)
}

/// A user as Leantime returns it (never a password or a secret).
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Its id.
    pub id: i64,
    /// First name (the user name when empty, as Leantime does).
    pub firstname: String,
    /// Last name.
    pub lastname: String,
    /// User name (an email in Leantime; `api_KEYID` for an API key's user).
    pub username: String,
    /// Leantime's role number: 5 readonly, 10 commenter, 20 editor, 30 manager, 40 admin, 50 owner.
    pub role: i64,
    /// `a` active, `i` inactive.
    pub status: String,
    /// `api` for an API key's user, empty for a person.
    pub source: String,
    /// The client the user belongs to.
    pub client_id: Option<i64>,
    /// That client's name.
    pub client_name: Option<String>,
    /// Job title.
    pub job_title: String,
    /// When it last changed (`Y-m-d H:i:s`, UTC).
    pub modified: String,
}

/// The fields of a user to create or change. Unknown keys (a `password`, too: this server
/// has no password login) are ignored.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct UserValues {
    /// First name.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub firstname: Option<String>,
    /// Last name.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub lastname: Option<String>,
    /// User name, usually an email (Leantime calls it `user`); required to create.
    #[serde(default, alias = "username", deserialize_with = "lenient::opt_text")]
    pub user: Option<String>,
    /// Role: Leantime's number (`20`) or name (`editor`); readonly when not given.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub role: Option<String>,
    /// `a` active or `i` inactive.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub status: Option<String>,
    /// The client the user belongs to; 0 for none.
    #[serde(default, deserialize_with = "lenient::opt_int")]
    pub client_id: Option<i64>,
    /// Job title.
    #[serde(default, deserialize_with = "lenient::opt_text")]
    pub job_title: Option<String>,
}
