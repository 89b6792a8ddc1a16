//! `comments.*`: comments on a ticket or a project (Leantime's module + entity id).

use leanrpc::{Caller, Role, RpcError, rpc_service};

use super::{caller_user, known_user, page, required, scope};
use crate::model::comments::MODULES;
use crate::model::{Comment, CommentValues};
use crate::store::{NewComment, Store};

/// Comments: Leantime's `Comments` service. Reading needs `readonly`, writing `commenter`;
/// a comment may be changed or deleted by its author, or by a `manager`.
#[derive(Debug, Clone)]
pub struct Comments {
    store: Store,
}

impl Comments {
    /// Serves comments from `store`.
    pub fn new(store: Store) -> Self {
        Self { store }
    }

    /// Whose comments the caller may change: any (`None`) for a manager, else its own.
    async fn author_filter(&self, caller: &Caller) -> Result<Option<Option<i64>>, RpcError> {
        if caller.grant().role >= Role::Manager {
            return Ok(Some(None));
        }
        Ok(known_user(&self.store, caller).await?.map(Some))
    }
}

fn module_of(name: &str) -> Result<&'static str, RpcError> {
    let name = name.trim().to_ascii_lowercase();
    let name = name.strip_suffix('s').unwrap_or(&name);
    MODULES
        .iter()
        .find(|m| **m == name)
        .copied()
        .ok_or_else(|| RpcError::invalid_param("module", "expected \"ticket\" or \"project\""))
}

#[rpc_service("comments", min_role = "readonly", unknown_params = "ignore")]
impl Comments {
    /// The comments on entity `entityId` of `module` (`ticket` or `project`), oldest first
    /// (`commentOrder: 1` for newest first), only the answers to `parent` when given.
    async fn get_comments(
        &self,
        caller: &Caller,
        module: String,
        entity_id: i64,
        comment_order: Option<i64>,
        parent: Option<i64>,
        limit: Option<i64>,
    ) -> Result<Vec<Comment>, RpcError> {
        let module = module_of(&module)?;
        let newest_first = comment_order == Some(1);
        let parent = parent.unwrap_or(0);
        let limit = page(limit.or(Some(super::MAX_PAGE)))?;
        Ok(self
            .store
            .comments()
            .list(
                scope(caller),
                module,
                entity_id,
                parent,
                newest_first,
                limit,
            )
            .await?)
    }

    /// Adds a comment (`values.text`, `values.father` the comment it answers) to entity
    /// `entityId` of `module` and returns its id. The key's user is its author.
    #[rpc(min_role = "commenter", scope = "comments:write", errors(-32002))]
    async fn add_comment(
        &self,
        caller: &Caller,
        values: CommentValues,
        module: String,
        entity_id: i64,
    ) -> Result<i64, RpcError> {
        let module = module_of(&module)?;
        let text = required("values.text", values.text)?;
        let parent = values.father.unwrap_or(0).max(0);
        let status = values.status.unwrap_or_default();
        let author = caller_user(&self.store, caller).await?;
        let comment = NewComment {
            module,
            entity: entity_id,
            author,
            parent,
            text,
            status,
        };
        self.store
            .comments()
            .create(scope(caller), comment)
            .await?
            .answer()
    }

    /// Changes the text (`values.text`) of comment `id`.
    #[rpc(min_role = "commenter", scope = "comments:write", errors(-32002))]
    async fn edit_comment(
        &self,
        caller: &Caller,
        values: CommentValues,
        id: i64,
    ) -> Result<bool, RpcError> {
        let text = required("values.text", values.text)?;
        let Some(author) = self.author_filter(caller).await? else {
            return Err(RpcError::not_found());
        };
        match self
            .store
            .comments()
            .edit(scope(caller), id, author, text)
            .await?
        {
            true => Ok(true),
            false => Err(RpcError::not_found()),
        }
    }

    /// Deletes comment `commentId` and its answers.
    #[rpc(min_role = "commenter", scope = "comments:write", errors(-32002))]
    async fn delete_comment(&self, caller: &Caller, comment_id: i64) -> Result<bool, RpcError> {
        let Some(author) = self.author_filter(caller).await? else {
            return Err(RpcError::not_found());
        };
        match self
            .store
            .comments()
            .delete(scope(caller), comment_id, author)
            .await?
        {
            true => Ok(true),
            false => Err(RpcError::not_found()),
        }
    }
}
