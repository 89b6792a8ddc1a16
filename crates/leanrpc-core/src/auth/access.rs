//! [`Access`]: the role and scopes a method declares, checked before it runs.

use crate::auth::{Caller, Role};
use crate::error::RpcError;

/// Access rules a method declares with `#[rpc(min_role = "...", scope = "...")]`.
#[derive(Debug, Clone, Copy)]
pub struct Access {
    /// The lowest role that may call the method; `None` takes the server's default.
    pub min_role: Option<Role>,
    /// Scopes the caller must hold, all of them.
    pub scopes: &'static [&'static str],
}

impl Access {
    /// No declared rules: the server default applies.
    pub const DEFAULT: Access = Access {
        min_role: None,
        scopes: &[],
    };

    /// Checks a caller against these rules, with `default_role` standing in for an unset minimum.
    pub fn check(&self, caller: &Caller, default_role: Role) -> Result<(), RpcError> {
        let grant = caller.grant();
        grant.require_role(self.min_role.unwrap_or(default_role))?;
        match self.scopes.iter().find(|s| !grant.has_scope(s)) {
            Some(missing) => Err(RpcError::forbidden(format!(
                "this method requires scope `{missing}`"
            ))),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::test_caller;

    #[test]
    fn access_checks_role_scope_and_project() {
        let c = test_caller(Role::Editor, vec![1], &["tickets:read"]);
        let write = Access {
            min_role: Some(Role::Editor),
            scopes: &["tickets:write"],
        };
        assert_eq!(
            write.check(&c, Role::Admin).unwrap_err().code(),
            crate::ErrorCode::UNAUTHORIZED
        );
        assert!(
            Access {
                min_role: None,
                scopes: &["tickets:read"]
            }
            .check(&c, Role::Readonly)
            .is_ok()
        );
        assert!(Access::DEFAULT.check(&c, Role::Manager).is_err());
        assert!(c.require_project(1).is_ok());
        assert!(c.require_project(2).is_err());
        assert!(test_caller(Role::Readonly, vec![], &[]).may_access_project(99));
    }
}
