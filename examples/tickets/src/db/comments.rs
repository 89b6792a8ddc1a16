//! Comments in SQLite. Each row keeps the project of its ticket or project, so scope checks are
//! one `WHERE` clause.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Db, DbError, NOW, Scope, collect};
use crate::model::Comment;
use crate::store::comments::no_parent;
use crate::store::{BoxFuture, Checked, CommentStore, NewComment, StoreResult};

const SELECT: &str = "SELECT m.id, m.module, m.module_id, m.comment_parent, m.user_id,
    COALESCE(u.firstname, ''), COALESCE(u.lastname, ''), m.text, m.date, m.status
    FROM comments m LEFT JOIN users u ON u.id = m.user_id";

const IN_SCOPE: &str = in_scope!("m.project_id");

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Comment> {
    Ok(Comment {
        id: row.get(0)?,
        module: row.get(1)?,
        module_id: row.get(2)?,
        comment_parent: row.get(3)?,
        user_id: row.get(4)?,
        firstname: row.get(5)?,
        lastname: row.get(6)?,
        text: row.get(7)?,
        date: row.get(8)?,
        status: row.get(9)?,
    })
}

/// The comments on one entity inside `scope`, oldest first (newest first when `newest_first`),
/// only the answers to `parent` when it is not 0.
pub fn list(
    conn: &Connection,
    scope: &Scope,
    module: &str,
    entity: i64,
    parent: i64,
    newest_first: bool,
    limit: i64,
) -> Result<Vec<Comment>, DbError> {
    let order = if newest_first { "DESC" } else { "ASC" };
    let sql = format!(
        "{SELECT} WHERE {IN_SCOPE} AND m.module = ?2 AND m.module_id = ?3
         AND (?4 = 0 OR m.comment_parent = ?4) ORDER BY m.id {order} LIMIT ?5"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![scope, module, entity, parent, limit], from_row)?;
    collect(rows)
}

/// One comment inside `scope`.
pub fn get(conn: &Connection, scope: &Scope, id: i64) -> Result<Option<Comment>, DbError> {
    let sql = format!("{SELECT} WHERE m.id = ?2 AND {IN_SCOPE}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![scope, id], from_row)
        .optional()?)
}

/// Inserts a comment and returns its id.
#[allow(clippy::too_many_arguments)]
pub fn insert(
    tx: &Transaction<'_>,
    module: &str,
    entity: i64,
    project: i64,
    user: i64,
    parent: i64,
    text: &str,
    status: &str,
) -> Result<i64, DbError> {
    tx.execute(
        &format!(
            "INSERT INTO comments (module, module_id, project_id, user_id, comment_parent, text,
               date, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, {NOW}, ?7)"
        ),
        params![module, entity, project, user, parent, text, status],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Changes the text of a comment inside `scope` written by `author` (any author when `None`);
/// `false` when there is no such comment.
pub fn edit(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    author: Option<i64>,
    text: &str,
) -> Result<bool, DbError> {
    let changed = tx.execute(
        concat!(
            "UPDATE comments SET text = ?3 WHERE id = ?2 AND (?4 IS NULL OR user_id = ?4)
           AND ",
            in_scope!("project_id")
        ),
        params![scope, id, text, author],
    )?;
    Ok(changed == 1)
}

/// Deletes a comment inside `scope` written by `author` (any author when `None`) with its
/// answers; `false` when there is no such comment.
pub fn delete(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    author: Option<i64>,
) -> Result<bool, DbError> {
    let deleted = tx.execute(
        concat!(
            "DELETE FROM comments WHERE id = ?2 AND (?3 IS NULL OR user_id = ?3)
           AND ",
            in_scope!("project_id")
        ),
        params![scope, id, author],
    )?;
    if deleted == 1 {
        tx.execute("DELETE FROM comments WHERE comment_parent = ?1", [id])?;
    }
    Ok(deleted == 1)
}

/// The project of a comment's entity: the ticket's project, or the project itself.
pub fn entity_project(
    conn: &Connection,
    scope: &Scope,
    module: &str,
    entity: i64,
) -> Result<Option<i64>, DbError> {
    let sql = match module {
        "ticket" => {
            concat!(
                "SELECT project_id FROM tickets WHERE id = ?2
                     AND ",
                in_scope!("project_id")
            )
        }
        _ => {
            concat!(
                "SELECT id FROM projects WHERE id = ?2
              AND ",
                in_scope!("id")
            )
        }
    };
    Ok(conn
        .prepare_cached(sql)?
        .query_row(params![scope, entity], |row| row.get(0))
        .optional()?)
}

impl CommentStore for Db {
    fn list(
        &self,
        scope: Scope,
        module: &'static str,
        entity: i64,
        parent: i64,
        newest_first: bool,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Comment>>> {
        Box::pin(
            self.read(move |conn| list(conn, &scope, module, entity, parent, newest_first, limit)),
        )
    }

    fn create(&self, scope: Scope, c: NewComment) -> BoxFuture<'_, StoreResult<Checked<i64>>> {
        Box::pin(self.write(move |tx| {
            let Some(project) = entity_project(tx, &scope, c.module, c.entity)? else {
                return Ok(Checked::Missing);
            };
            if c.parent > 0 {
                match get(tx, &scope, c.parent)? {
                    Some(p) if p.module == c.module && p.module_id == c.entity => {}
                    _ => return Ok(no_parent(c.parent, c.module)),
                }
            }
            insert(
                tx, c.module, c.entity, project, c.author, c.parent, &c.text, &c.status,
            )
            .map(Checked::Done)
        }))
    }

    fn edit(
        &self,
        scope: Scope,
        id: i64,
        author: Option<i64>,
        text: String,
    ) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(self.write(move |tx| edit(tx, &scope, id, author, &text)))
    }

    fn delete(
        &self,
        scope: Scope,
        id: i64,
        author: Option<i64>,
    ) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(self.write(move |tx| delete(tx, &scope, id, author)))
    }
}
