//! Comments on a ticket or a project (Leantime's module + entity id).

use super::{BoxFuture, Checked, Scope, StoreResult};
use crate::model::Comment;

/// A comment to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewComment {
    /// `ticket` or `project`.
    pub module: &'static str,
    /// The ticket or project.
    pub entity: i64,
    /// Its author.
    pub author: i64,
    /// The comment it answers; 0 for none.
    pub parent: i64,
    /// The text, stored verbatim.
    pub text: String,
    /// Free status text.
    pub status: String,
}

/// Comments. Each row keeps the project of its ticket or project, so scope checks are one
/// condition.
pub trait CommentStore: Send + Sync {
    /// The comments on one entity inside `scope`, oldest first (newest first when
    /// `newest_first`), only the answers to `parent` when it is not 0.
    fn list(
        &self,
        scope: Scope,
        module: &'static str,
        entity: i64,
        parent: i64,
        newest_first: bool,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Comment>>>;

    /// Writes a comment on an entity inside `scope` and returns its id: missing when there is
    /// no such entity, `values.father` invalid when the parent is not a comment on it.
    fn create(&self, scope: Scope, comment: NewComment)
    -> BoxFuture<'_, StoreResult<Checked<i64>>>;

    /// Changes the text of a comment inside `scope` written by `author` (any author when
    /// `None`); `false` when there is no such comment.
    fn edit(
        &self,
        scope: Scope,
        id: i64,
        author: Option<i64>,
        text: String,
    ) -> BoxFuture<'_, StoreResult<bool>>;

    /// Deletes a comment inside `scope` written by `author` (any author when `None`) with its
    /// answers; `false` when there is no such comment.
    fn delete(
        &self,
        scope: Scope,
        id: i64,
        author: Option<i64>,
    ) -> BoxFuture<'_, StoreResult<bool>>;
}

/// The answer when the comment a new one answers is not a comment on the same entity.
pub fn no_parent(parent: i64, module: &str) -> Checked<i64> {
    Checked::Invalid(
        "values.father",
        format!("no comment {parent} on this {module}"),
    )
}
