//! Users in PostgreSQL: the queries of `db/users.rs`, answering the same. SQLite's
//! `COLLATE NOCASE` (ASCII letters only) is `ascii_lower()` on both sides here.

use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use super::{NOW, PgDb, all, any_row, one};
use crate::model::{User, UserValues};
use crate::store::projects::no_client;
use crate::store::{BoxFuture, Checked, KeyUser, Scope, StoreResult, UserStore};

const SELECT: &str =
    "SELECT u.id, CASE WHEN u.firstname <> '' THEN u.firstname ELSE u.username END,
    u.lastname, u.username, u.role, u.status, u.source, u.client_id, c.name, u.job_title, u.modified
    FROM users u LEFT JOIN clients c ON c.id = u.client_id";

/// A user is visible to a scope when the scope is all, the user is `$2` (the caller), or the
/// user is a member of one of the scope's projects.
const VISIBLE: &str = "($1::bigint[] IS NULL OR u.id = $2::bigint OR u.id IN (SELECT user_id
    FROM project_users WHERE project_id = ANY($1::bigint[])))";

fn from_row(row: &Row) -> Result<User, tokio_postgres::Error> {
    Ok(User {
        id: row.try_get(0)?,
        firstname: row.try_get(1)?,
        lastname: row.try_get(2)?,
        username: row.try_get(3)?,
        role: row.try_get(4)?,
        status: row.try_get(5)?,
        source: row.try_get(6)?,
        client_id: row.try_get(7)?,
        client_name: row.try_get(8)?,
        job_title: row.try_get(9)?,
        modified: row.try_get(10)?,
    })
}

/// Whether user `id` exists.
pub(super) async fn exists(c: &impl GenericClient, id: i64) -> StoreResult<bool> {
    any_row(c, "SELECT 1 FROM users WHERE id = $1::bigint", &[&id]).await
}

async fn of_key(c: &impl GenericClient, key_id: &str) -> StoreResult<Option<i64>> {
    let stmt = c
        .prepare_cached("SELECT id FROM users WHERE api_key_id = $1::text")
        .await?;
    one(c.query_opt(&stmt, &[&key_id]).await?, |row| row.try_get(0))
}

async fn username_taken(
    c: &impl GenericClient,
    username: &str,
    except: Option<i64>,
) -> StoreResult<bool> {
    any_row(
        c,
        "SELECT 1 FROM users WHERE ascii_lower(username) = ascii_lower($1::text)
         AND ($2::bigint IS NULL OR id <> $2::bigint)",
        &[&username, &except],
    )
    .await
}

async fn ensure_key_user(tx: &Transaction<'_>, user: &KeyUser) -> StoreResult<i64> {
    if let Some(id) = of_key(tx, &user.key_id).await? {
        return Ok(id);
    }
    let stmt = tx
        .prepare_cached(&format!(
            "INSERT INTO users (firstname, lastname, username, role, source, api_key_id, modified)
             VALUES ($1::text, '', $2::text, $3::bigint, 'api', $4::text, {NOW})
             RETURNING id"
        ))
        .await?;
    let row = tx
        .query_one(
            &stmt,
            &[
                &user.name,
                &format!("api_{}", user.key_id),
                &user.role,
                &user.key_id,
            ],
        )
        .await?;
    Ok(row.try_get(0)?)
}

async fn create(tx: &Transaction<'_>, v: &UserValues, role: i64) -> StoreResult<Checked<i64>> {
    if let Some(client) = v.client_id.filter(|c| *c > 0)
        && !super::clients::exists(tx, client).await?
    {
        return Ok(no_client("clientId", client));
    }
    let username = v.user.as_deref().unwrap_or_default();
    if username_taken(tx, username, None).await? {
        return Ok(Checked::Taken);
    }
    let stmt = tx
        .prepare_cached(&format!(
            "INSERT INTO users (firstname, lastname, username, role, status, client_id, job_title,
               modified)
             VALUES ($1::text, $2::text, $3::text, $4::bigint, $5::text, NULLIF($6::bigint, 0),
               $7::text, {NOW})
             RETURNING id"
        ))
        .await?;
    let row = tx
        .query_one(
            &stmt,
            &[
                &v.firstname.as_deref().unwrap_or_default(),
                &v.lastname.as_deref().unwrap_or_default(),
                &username,
                &role,
                &v.status.as_deref().unwrap_or("a"),
                &v.client_id,
                &v.job_title.as_deref().unwrap_or_default(),
            ],
        )
        .await?;
    Ok(Checked::Done(row.try_get(0)?))
}

async fn patch(
    tx: &Transaction<'_>,
    id: i64,
    v: &UserValues,
    role: Option<i64>,
) -> StoreResult<Checked<bool>> {
    if let Some(user) = &v.user
        && username_taken(tx, user, Some(id)).await?
    {
        return Ok(Checked::Taken);
    }
    if let Some(client) = v.client_id.filter(|c| *c > 0)
        && !super::clients::exists(tx, client).await?
    {
        return Ok(no_client("clientId", client));
    }
    let stmt = tx
        .prepare_cached(&format!(
            "UPDATE users SET firstname = COALESCE($2::text, firstname),
               lastname = COALESCE($3::text, lastname),
               username = COALESCE($4::text, username), role = COALESCE($5::bigint, role),
               status = COALESCE($6::text, status),
               client_id = CASE WHEN $7::bigint IS NULL THEN client_id
                 ELSE NULLIF($7::bigint, 0) END,
               job_title = COALESCE($8::text, job_title), modified = {NOW}
             WHERE id = $1::bigint AND source <> 'api'"
        ))
        .await?;
    let changed = tx
        .execute(
            &stmt,
            &[
                &id,
                &v.firstname,
                &v.lastname,
                &v.user,
                &role,
                &v.status,
                &v.client_id,
                &v.job_title,
            ],
        )
        .await?;
    Ok(Checked::found(changed == 1))
}

async fn delete(tx: &Transaction<'_>, id: i64) -> StoreResult<bool> {
    let deleted = tx
        .execute(
            "DELETE FROM users WHERE id = $1::bigint AND source <> 'api'",
            &[&id],
        )
        .await?
        == 1;
    if deleted {
        tx.execute(
            "UPDATE tickets SET editor_id = NULL WHERE editor_id = $1::bigint",
            &[&id],
        )
        .await?;
    }
    Ok(deleted)
}

impl UserStore for PgDb {
    fn of_key(&self, key_id: String) -> BoxFuture<'_, StoreResult<Option<i64>>> {
        Box::pin(async move { of_key(&self.client().await?, &key_id).await })
    }

    fn ensure_key_user(&self, user: KeyUser) -> BoxFuture<'_, StoreResult<i64>> {
        // Two first calls of a new key may race: the loser's insert breaks the unique key on
        // `api_key_id`, and run again it finds the winner's user.
        Box::pin(async move {
            self.write(&user, |tx, user| Box::pin(ensure_key_user(tx, user)))
                .await
        })
    }

    fn get(
        &self,
        scope: Scope,
        me: Option<i64>,
        id: i64,
    ) -> BoxFuture<'_, StoreResult<Option<User>>> {
        Box::pin(async move {
            let c = self.client().await?;
            let stmt = c
                .prepare_cached(&format!("{SELECT} WHERE u.id = $3::bigint AND {VISIBLE}"))
                .await?;
            one(
                c.query_opt(&stmt, &[&scope.pg(), &me, &id]).await?,
                from_row,
            )
        })
    }

    fn by_username(
        &self,
        scope: Scope,
        me: Option<i64>,
        username: String,
    ) -> BoxFuture<'_, StoreResult<Option<User>>> {
        Box::pin(async move {
            let c = self.client().await?;
            let stmt = c
                .prepare_cached(&format!(
                    "{SELECT} WHERE ascii_lower(u.username) = ascii_lower($3::text) AND {VISIBLE}"
                ))
                .await?;
            one(
                c.query_opt(&stmt, &[&scope.pg(), &me, &username]).await?,
                from_row,
            )
        })
    }

    fn list(
        &self,
        scope: Scope,
        me: Option<i64>,
        active_only: bool,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<User>>> {
        Box::pin(async move {
            let c = self.client().await?;
            let stmt = c
                .prepare_cached(&format!(
                    "{SELECT} WHERE {VISIBLE} AND (NOT $3::boolean OR u.status = 'a')
                     ORDER BY u.lastname, u.id LIMIT $4::bigint"
                ))
                .await?;
            all(
                c.query(&stmt, &[&scope.pg(), &me, &active_only, &limit])
                    .await?,
                from_row,
            )
        })
    }

    fn username_taken(
        &self,
        username: String,
        except: Option<i64>,
    ) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(async move { username_taken(&self.client().await?, &username, except).await })
    }

    fn create(&self, values: UserValues, role: i64) -> BoxFuture<'_, StoreResult<Checked<i64>>> {
        Box::pin(async move {
            let args = (values, role);
            self.write(&args, |tx, (v, role)| Box::pin(create(tx, v, *role)))
                .await
        })
    }

    fn patch(
        &self,
        id: i64,
        values: UserValues,
        role: Option<i64>,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>> {
        Box::pin(async move {
            let args = (id, values, role);
            self.write(&args, |tx, (id, v, role)| {
                Box::pin(patch(tx, *id, v, *role))
            })
            .await
        })
    }

    fn delete(&self, id: i64) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(async move { self.write(&id, |tx, id| Box::pin(delete(tx, *id))).await })
    }
}
