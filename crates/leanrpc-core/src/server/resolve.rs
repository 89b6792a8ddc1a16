//! Name resolution: the method a name as a client sent it calls.

use super::{MountedMethod, Server};
use crate::registry;

impl Server {
    /// Resolves a method name as a client sent it to the method it calls.
    ///
    /// An exact canonical name is one hash lookup with no allocation. Otherwise the name is
    /// matched ignoring ASCII case, `_` and `-`, and Leantime's five-part form
    /// (`ns.Module.Service.method`, module equal to service) is accepted.
    pub fn resolve(&self, name: &str) -> Option<MountedMethod<'_>> {
        self.resolve_index(name).map(|i| self.mounted(i))
    }

    /// The index into the method list of the method `name` calls.
    pub(super) fn resolve_index(&self, name: &str) -> Option<usize> {
        if let Some(&i) = self.inner.exact.get(name) {
            return Some(i);
        }
        let norm = registry::normalize(name);
        let rest = match &self.inner.namespace_norm {
            Some(ns) => norm.strip_prefix(ns.as_str())?.strip_prefix('.')?,
            None => norm.as_str(),
        };
        let mut parts = rest.rsplitn(3, '.');
        let method = parts.next()?;
        let key = match (parts.next(), parts.next()) {
            (None, _) => return self.inner.normalized.get(method).copied(),
            (Some(_service), None) => rest,
            (Some(service), Some(module)) if module == service => &rest[module.len() + 1..],
            _ => return None,
        };
        self.inner.normalized.get(key).copied()
    }
}
