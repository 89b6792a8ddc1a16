//! Who may call what: the access check every call passes, the list of methods a caller may
//! call, and the per-key rate, for every front end to apply the same way.

use super::{MountedMethod, Server};
use crate::auth::{Authenticator, Caller, RateStatus, Throttled};
use crate::error::RpcError;
use crate::registry::MethodDef;

impl Server {
    /// Whether callers must authenticate (an [`Authenticator`] is set). On such a server a call
    /// without a caller is refused with -32001, and front ends must authenticate each request.
    pub fn authenticates(&self) -> bool {
        self.inner.auth.is_some()
    }

    /// The authenticator set with
    /// [`ServerBuilder::authenticator`](crate::ServerBuilder::authenticator), for front ends
    /// that turn their request's credentials into a [`Caller`].
    pub fn authenticator(&self) -> Option<&dyn Authenticator> {
        self.inner.auth.as_deref()
    }

    /// Resolves `method` and checks that `caller` may call it: what [`Server::invoke`] checks
    /// before it runs anything.
    ///
    /// -32601 when the name resolves to no mounted method; -32001 when the server authenticates
    /// and there is no caller, or the caller's role or scopes fall short. A server without an
    /// authenticator lets everyone call every method.
    ///
    /// ```
    /// use leanrpc::{Role, Server, rpc_service};
    /// # use leanrpc::{AuthError, Authenticator, BoxFuture, Caller, Credentials};
    /// # struct NoKeys;
    /// # impl Authenticator for NoKeys {
    /// #     fn authenticate<'a>(&'a self, _: Credentials<'a>)
    /// #         -> BoxFuture<'a, Result<std::sync::Arc<Caller>, AuthError>> {
    /// #         Box::pin(async { Err(AuthError::Missing) })
    /// #     }
    /// # }
    ///
    /// struct Admin;
    ///
    /// #[rpc_service("admin")]
    /// impl Admin {
    ///     /// Deletes everything.
    ///     #[rpc(min_role = "owner")]
    ///     fn purge(&self) {}
    /// }
    ///
    /// let server = Server::builder().authenticator(NoKeys).service(Admin).build()?;
    /// // Callers as the authenticator returns them for an editor's key and an owner's.
    /// # let editor = leanrpc_test_support::caller(Role::Editor);
    /// # let owner = leanrpc_test_support::caller(Role::Owner);
    /// assert_eq!(server.check_access("admin.purge", Some(&owner))?.full_name, "admin.purge");
    /// assert_eq!(server.check_access("admin.purge", Some(&editor)).unwrap_err().code().code(), -32001);
    /// assert_eq!(server.check_access("admin.nope", Some(&owner)).unwrap_err().code().code(), -32601);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn check_access(
        &self,
        method: &str,
        caller: Option<&Caller>,
    ) -> Result<MountedMethod<'_>, RpcError> {
        let index = self
            .resolve_index(method)
            .ok_or_else(RpcError::method_not_found)?;
        let mounted = self.mounted(index);
        self.permit(mounted.def, caller)?;
        Ok(mounted)
    }

    /// The mounted methods `caller` may call, in mounting order: those whose access check
    /// ([`Server::check_access`]) passes. Every method on a server without an authenticator;
    /// none for `None` on a server with one. `rpc.discover` is not a mounted method and is not
    /// listed (see [`Server::invoke`]).
    ///
    /// ```
    /// use leanrpc::{Role, Server, rpc_service};
    /// # use leanrpc::{AuthError, Authenticator, BoxFuture, Caller, Credentials};
    /// # struct NoKeys;
    /// # impl Authenticator for NoKeys {
    /// #     fn authenticate<'a>(&'a self, _: Credentials<'a>)
    /// #         -> BoxFuture<'a, Result<std::sync::Arc<Caller>, AuthError>> {
    /// #         Box::pin(async { Err(AuthError::Missing) })
    /// #     }
    /// # }
    ///
    /// struct Notes;
    ///
    /// #[rpc_service("notes")]
    /// impl Notes {
    ///     /// Reads a note.
    ///     #[rpc(min_role = "readonly")]
    ///     fn read(&self) {}
    ///     /// Writes a note.
    ///     #[rpc(min_role = "editor", scope = "notes:write")]
    ///     fn write(&self) {}
    /// }
    ///
    /// let server = Server::builder().authenticator(NoKeys).service(Notes).build()?;
    /// // A caller as the authenticator returns it for an editor's key with one scope.
    /// # let mut reader = leanrpc_test_support::caller(Role::Editor);
    /// # reader.grant_mut().scopes = vec!["notes:read".into()];
    /// let names: Vec<&str> = server.callable(Some(&reader)).map(|m| m.full_name).collect();
    /// assert_eq!(names, ["notes.read"]);
    /// assert_eq!(server.callable(None).count(), 0);
    /// # Ok::<(), leanrpc::BuildError>(())
    /// ```
    pub fn callable(&self, caller: Option<&Caller>) -> impl Iterator<Item = MountedMethod<'_>> {
        self.methods()
            .filter(move |m| self.permit(m.def, caller).is_ok())
    }

    /// Counts `calls` calls against `caller`'s rate limit, through the authenticator
    /// ([`Authenticator::charge`]); [`RateStatus::Unlimited`] on a server without one.
    ///
    /// Front ends charge once per request, before running its calls: the HTTP endpoint charges
    /// a batch of `n` calls as `n`, and answers [`Throttled`] with 429.
    pub fn charge(&self, caller: &Caller, calls: usize) -> Result<RateStatus, Throttled> {
        match self.authenticator() {
            Some(auth) => auth.charge(caller, calls),
            None => Ok(RateStatus::Unlimited),
        }
    }

    /// [`charge`](Self::charge) through [`Authenticator::charge_async`]: for an authenticator
    /// whose counts may live outside this process (shared by several servers). The HTTP
    /// endpoint charges through this one.
    pub async fn charge_async(
        &self,
        caller: &Caller,
        calls: usize,
    ) -> Result<RateStatus, Throttled> {
        match self.authenticator() {
            Some(auth) => auth.charge_async(caller, calls).await,
            None => Ok(RateStatus::Unlimited),
        }
    }

    /// The access check: a caller whose role and scopes meet `def`'s rules, when the server
    /// authenticates; anyone otherwise.
    pub(super) fn permit(&self, def: &MethodDef, caller: Option<&Caller>) -> Result<(), RpcError> {
        if self.inner.auth.is_none() {
            return Ok(());
        }
        let caller = caller.ok_or_else(RpcError::unauthorized)?;
        def.access.check(caller, self.inner.default_role)
    }
}
