//! Comments in PostgreSQL: the queries of `db/comments.rs`, answering the same.

use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use super::{NOW, PgDb, all, one};
use crate::model::Comment;
use crate::store::comments::no_parent;
use crate::store::{BoxFuture, Checked, CommentStore, NewComment, Scope, StoreResult};

const SELECT: &str = "SELECT m.id, m.module, m.module_id, m.comment_parent, m.user_id,
    COALESCE(u.firstname, ''), COALESCE(u.lastname, ''), m.text, m.date, m.status
    FROM comments m LEFT JOIN users u ON u.id = m.user_id";

const IN_SCOPE: &str = in_scope!("m.project_id");

fn from_row(row: &Row) -> Result<Comment, tokio_postgres::Error> {
    Ok(Comment {
        id: row.try_get(0)?,
        module: row.try_get(1)?,
        module_id: row.try_get(2)?,
        comment_parent: row.try_get(3)?,
        user_id: row.try_get(4)?,
        firstname: row.try_get(5)?,
        lastname: row.try_get(6)?,
        text: row.try_get(7)?,
        date: row.try_get(8)?,
        status: row.try_get(9)?,
    })
}

async fn get(c: &impl GenericClient, scope: &Scope, id: i64) -> StoreResult<Option<Comment>> {
    let sql = format!("{SELECT} WHERE m.id = $2::bigint AND {IN_SCOPE}");
    let stmt = c.prepare_cached(&sql).await?;
    one(c.query_opt(&stmt, &[&scope.pg(), &id]).await?, from_row)
}

/// The project of a comment's entity inside `scope`: the ticket's project, or the project.
async fn entity_project(
    c: &impl GenericClient,
    scope: &Scope,
    module: &str,
    entity: i64,
) -> StoreResult<Option<i64>> {
    let sql = match module {
        "ticket" => concat!(
            "SELECT project_id FROM tickets WHERE id = $2::bigint AND ",
            in_scope!("project_id")
        ),
        _ => concat!(
            "SELECT id FROM projects WHERE id = $2::bigint AND ",
            in_scope!("id")
        ),
    };
    let stmt = c.prepare_cached(sql).await?;
    one(c.query_opt(&stmt, &[&scope.pg(), &entity]).await?, |row| {
        row.try_get(0)
    })
}

async fn create(tx: &Transaction<'_>, scope: &Scope, m: &NewComment) -> StoreResult<Checked<i64>> {
    let Some(project) = entity_project(tx, scope, m.module, m.entity).await? else {
        return Ok(Checked::Missing);
    };
    if m.parent > 0 {
        match get(tx, scope, m.parent).await? {
            Some(p) if p.module == m.module && p.module_id == m.entity => {}
            _ => return Ok(no_parent(m.parent, m.module)),
        }
    }
    let stmt = tx
        .prepare_cached(&format!(
            "INSERT INTO comments (module, module_id, project_id, user_id, comment_parent, text,
               date, status)
             VALUES ($1::text, $2::bigint, $3::bigint, $4::bigint, $5::bigint, $6::text, {NOW},
               $7::text)
             RETURNING id"
        ))
        .await?;
    let row = tx
        .query_one(
            &stmt,
            &[
                &m.module, &m.entity, &project, &m.author, &m.parent, &m.text, &m.status,
            ],
        )
        .await?;
    Ok(Checked::Done(row.try_get(0)?))
}

async fn edit(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    author: Option<i64>,
    text: &str,
) -> StoreResult<bool> {
    let changed = tx
        .execute(
            concat!(
                "UPDATE comments SET text = $3::text
                 WHERE id = $2::bigint AND ($4::bigint IS NULL OR user_id = $4::bigint) AND ",
                in_scope!("project_id")
            ),
            &[&scope.pg(), &id, &text, &author],
        )
        .await?;
    Ok(changed == 1)
}

async fn delete(
    tx: &Transaction<'_>,
    scope: &Scope,
    id: i64,
    author: Option<i64>,
) -> StoreResult<bool> {
    let deleted = tx
        .execute(
            concat!(
                "DELETE FROM comments
                 WHERE id = $2::bigint AND ($3::bigint IS NULL OR user_id = $3::bigint) AND ",
                in_scope!("project_id")
            ),
            &[&scope.pg(), &id, &author],
        )
        .await?
        == 1;
    if deleted {
        tx.execute(
            "DELETE FROM comments WHERE comment_parent = $1::bigint",
            &[&id],
        )
        .await?;
    }
    Ok(deleted)
}

impl CommentStore for PgDb {
    fn list(
        &self,
        scope: Scope,
        module: &'static str,
        entity: i64,
        parent: i64,
        newest_first: bool,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<Comment>>> {
        Box::pin(async move {
            let c = self.client().await?;
            let order = if newest_first { "DESC" } else { "ASC" };
            let stmt = c
                .prepare_cached(&format!(
                    "{SELECT} WHERE {IN_SCOPE} AND m.module = $2::text
                     AND m.module_id = $3::bigint
                     AND ($4::bigint = 0 OR m.comment_parent = $4::bigint)
                     ORDER BY m.id {order} LIMIT $5::bigint"
                ))
                .await?;
            all(
                c.query(&stmt, &[&scope.pg(), &module, &entity, &parent, &limit])
                    .await?,
                from_row,
            )
        })
    }

    fn create(
        &self,
        scope: Scope,
        comment: NewComment,
    ) -> BoxFuture<'_, StoreResult<Checked<i64>>> {
        Box::pin(async move {
            let args = (scope, comment);
            self.write(&args, |tx, (scope, m)| Box::pin(create(tx, scope, m)))
                .await
        })
    }

    fn edit(
        &self,
        scope: Scope,
        id: i64,
        author: Option<i64>,
        text: String,
    ) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(async move {
            let args = (scope, id, author, text);
            self.write(&args, |tx, (scope, id, author, text)| {
                Box::pin(edit(tx, scope, *id, *author, text))
            })
            .await
        })
    }

    fn delete(
        &self,
        scope: Scope,
        id: i64,
        author: Option<i64>,
    ) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(async move {
            let args = (scope, id, author);
            self.write(&args, |tx, (scope, id, author)| {
                Box::pin(delete(tx, scope, *id, *author))
            })
            .await
        })
    }
}
