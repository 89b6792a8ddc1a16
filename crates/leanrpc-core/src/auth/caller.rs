//! [`Caller`]: the authenticated identity a call runs as.

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::Arc;

use crate::auth::{Grant, Role};
use crate::error::RpcError;

/// The authenticated identity behind a request: a credential's id, its [`Grant`], and typed
/// extensions an authenticator may attach (a JWT's claims, a tenant, a user record).
///
/// Handlers take it as `caller: &Caller`. The grant is read through [`grant`](Self::grant)
/// (`caller.grant().role`, `caller.grant().projects`), and the checks handlers call most are
/// on the caller too (`caller.require_project(id)?`). `Caller` does not `Deref` to its grant:
/// it is not a pointer to one but an identity that has one, and the explicit accessor keeps
/// method lookup plain, as the Rust API guidelines advise (C-DEREF).
///
/// ```
/// use leanrpc_core::{Caller, Grant, Role};
///
/// #[derive(Debug, PartialEq)]
/// struct Tenant(u32);
///
/// let caller = Caller::new("k1", Grant::new("ci", Role::Editor).projects([7]))
///     .with_extension(Tenant(42));
/// assert_eq!((caller.key_id(), caller.grant().role), ("k1", Role::Editor));
/// assert!(caller.require_project(7).is_ok() && caller.require_project(8).is_err());
/// assert_eq!(caller.extension::<Tenant>(), Some(&Tenant(42)));
/// assert_eq!(caller.extension::<String>(), None);
/// ```
#[derive(Clone)]
pub struct Caller {
    key_id: String,
    grant: Grant,
    extensions: Extensions,
}

impl Caller {
    /// A caller for the credential with public id `key_id` and `grant`, with no extensions.
    pub fn new(key_id: impl Into<String>, grant: Grant) -> Self {
        Self {
            key_id: key_id.into(),
            grant,
            extensions: Extensions::default(),
        }
    }

    /// The credential's public id (an API key's id, a token's subject). Rate limits and logs
    /// count by it.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// What the caller may do.
    pub fn grant(&self) -> &Grant {
        &self.grant
    }

    /// The grant, to change (an authenticator narrowing it, say).
    pub fn grant_mut(&mut self) -> &mut Grant {
        &mut self.grant
    }

    /// Attaches `value`, replacing any earlier value of the same type.
    pub fn with_extension<T: Any + Send + Sync>(mut self, value: T) -> Self {
        self.insert_extension(value);
        self
    }

    /// Attaches `value`, replacing any earlier value of the same type.
    pub fn insert_extension<T: Any + Send + Sync>(&mut self, value: T) {
        self.extensions.insert(value);
    }

    /// The attached value of type `T`, if any.
    pub fn extension<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.extensions.get::<T>()
    }

    /// Whether the caller may touch project `id` ([`Grant::may_access_project`]).
    pub fn may_access_project(&self, id: i64) -> bool {
        self.grant.may_access_project(id)
    }

    /// `Ok` when the caller may touch project `id`, otherwise -32001
    /// ([`Grant::require_project`]).
    pub fn require_project(&self, id: i64) -> Result<(), RpcError> {
        self.grant.require_project(id)
    }

    /// Whether the caller holds `scope` ([`Grant::has_scope`]).
    pub fn has_scope(&self, scope: &str) -> bool {
        self.grant.has_scope(scope)
    }

    /// `Ok` when the caller's role is at least `role`, otherwise -32001
    /// ([`Grant::require_role`]).
    pub fn require_role(&self, role: Role) -> Result<(), RpcError> {
        self.grant.require_role(role)
    }
}

/// Callers are equal when their key ids and grants are equal and they hold the same extensions:
/// the same values, shared by cloning (extension types need not be comparable, so values are
/// compared by identity).
impl PartialEq for Caller {
    fn eq(&self, other: &Self) -> bool {
        self.key_id == other.key_id
            && self.grant == other.grant
            && self.extensions == other.extensions
    }
}

impl Eq for Caller {}

impl fmt::Debug for Caller {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Extensions are shown by type name only: their values (a token's claims) may be
        // private.
        f.debug_struct("Caller")
            .field("key_id", &self.key_id)
            .field("grant", &self.grant)
            .field("extensions", &self.extensions)
            .finish()
    }
}

/// A small map from type to value: a caller carries few extensions, so a vector searched by
/// `TypeId` beats a hash map, and cloning a caller clones only `Arc`s.
#[derive(Clone, Default)]
struct Extensions(Vec<Extension>);

#[derive(Clone)]
struct Extension {
    type_id: TypeId,
    type_name: &'static str,
    value: Arc<dyn Any + Send + Sync>,
}

impl Extensions {
    fn insert<T: Any + Send + Sync>(&mut self, value: T) {
        let entry = Extension {
            type_id: TypeId::of::<T>(),
            type_name: std::any::type_name::<T>(),
            value: Arc::new(value),
        };
        match self.0.iter_mut().find(|e| e.type_id == entry.type_id) {
            Some(slot) => *slot = entry,
            None => self.0.push(entry),
        }
    }

    fn get<T: Any + Send + Sync>(&self) -> Option<&T> {
        self.0
            .iter()
            .find(|e| e.type_id == TypeId::of::<T>())
            .and_then(|e| e.value.downcast_ref::<T>())
    }
}

impl PartialEq for Extensions {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self.0.iter().all(|mine| {
                other
                    .0
                    .iter()
                    .any(|theirs| Arc::ptr_eq(&mine.value, &theirs.value))
            })
    }
}

impl fmt::Debug for Extensions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|e| e.type_name))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Claims {
        subject: String,
    }

    #[test]
    fn extensions_are_typed_and_replaced() {
        let mut caller = Caller::new("k1", Grant::new("n", Role::Readonly))
            .with_extension(Claims {
                subject: "first".into(),
            })
            .with_extension(7_u32);
        caller.insert_extension(Claims {
            subject: "second".into(),
        });
        assert_eq!(caller.extension::<Claims>().unwrap().subject, "second");
        assert_eq!(caller.extension::<u32>(), Some(&7));
        assert_eq!(caller.extension::<u64>(), None);
        let copy = caller.clone();
        assert_eq!(copy.extension::<u32>(), Some(&7));
        assert_eq!(copy, caller, "a clone shares its extensions");
        let rebuilt = Caller::new("k1", Grant::new("n", Role::Readonly))
            .with_extension(Claims {
                subject: "second".into(),
            })
            .with_extension(7_u32);
        assert_ne!(rebuilt, caller, "equal values are not the same extension");
        let plain = Caller::new("k1", Grant::new("n", Role::Readonly));
        assert_eq!(plain, Caller::new("k1", Grant::new("n", Role::Readonly)));
        assert_ne!(plain, Caller::new("k2", Grant::new("n", Role::Readonly)));
    }

    #[test]
    fn debug_names_extension_types_not_values() {
        let caller = Caller::new("k1", Grant::new("ci", Role::Admin)).with_extension(Claims {
            subject: "private-subject".into(),
        });
        let shown = format!("{caller:?}");
        assert!(shown.contains("k1") && shown.contains("Admin"), "{shown}");
        assert!(shown.contains("Claims"), "{shown}");
        assert!(!shown.contains("private-subject"), "{shown}");
    }

    #[test]
    fn checks_follow_the_grant() {
        let mut caller = Caller::new("k1", Grant::new("n", Role::Editor).projects([1]));
        assert!(caller.require_project(1).is_ok() && !caller.may_access_project(2));
        caller.grant_mut().projects.clear();
        assert!(caller.may_access_project(2));
        assert!(caller.has_scope("x") && caller.require_role(Role::Manager).is_err());
    }
}
