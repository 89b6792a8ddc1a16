//! [`Role`]: the ordered roles `#[rpc(min_role = "...")]` names.

use std::fmt;
use std::str::FromStr;

/// The ordered roles: `readonly < commenter < editor < manager < admin < owner`.
///
/// These are Leantime's six, and they stay in the core because `#[rpc(min_role = "...")]` is
/// checked against them when the service compiles and [`Access::check`](crate::Access::check)
/// compares them on every call. What a role means in an application (Leantime's numeric role
/// codes, who may grant what) is the application's business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// May read.
    Readonly,
    /// May read and comment.
    Commenter,
    /// May create and change content.
    Editor,
    /// May manage projects and delete content.
    Manager,
    /// May administer the installation.
    Admin,
    /// Owns the installation.
    Owner,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: [Role; 6] = [
        Role::Readonly,
        Role::Commenter,
        Role::Editor,
        Role::Manager,
        Role::Admin,
        Role::Owner,
    ];

    /// The lowercase name (`"editor"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Readonly => "readonly",
            Role::Commenter => "commenter",
            Role::Editor => "editor",
            Role::Manager => "manager",
            Role::Admin => "admin",
            Role::Owner => "owner",
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a role name that is not one of the six.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownRole(pub String);

impl fmt::Display for UnknownRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown role `{}`: expected one of readonly, commenter, editor, manager, admin, owner",
            self.0
        )
    }
}

impl std::error::Error for UnknownRole {}

impl FromStr for Role {
    type Err = UnknownRole;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_and_parse() {
        assert!(Role::Readonly < Role::Commenter && Role::Admin < Role::Owner);
        assert_eq!("Editor".parse::<Role>().unwrap(), Role::Editor);
        assert!(
            "root"
                .parse::<Role>()
                .unwrap_err()
                .to_string()
                .contains("readonly, commenter")
        );
    }
}
