//! Users in SQLite. An API key is a user of its own (`source = 'api'`, `api_key_id` its key
//! id), created the first time the key needs a user id (to author a ticket, a comment, a time
//! entry). A key limited to some projects sees only the members of those projects and itself.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Db, DbError, NOW, Scope, collect};
use crate::model::{User, UserValues};
use crate::store::projects::no_client;
use crate::store::{BoxFuture, Checked, KeyUser, StoreResult, UserStore};

const SELECT: &str =
    "SELECT u.id, CASE WHEN u.firstname <> '' THEN u.firstname ELSE u.username END,
    u.lastname, u.username, u.role, u.status, u.source, u.client_id, c.name, u.job_title, u.modified
    FROM users u LEFT JOIN clients c ON c.id = u.client_id";

/// A user is visible to a scope when the scope is all, the user is `?2` (the caller), or the
/// user is a member of one of the scope's projects.
const VISIBLE: &str = "(?1 IS NULL OR u.id = ?2 OR u.id IN (SELECT user_id FROM project_users
    WHERE project_id IN (SELECT value FROM json_each(?1))))";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<User> {
    Ok(User {
        id: row.get(0)?,
        firstname: row.get(1)?,
        lastname: row.get(2)?,
        username: row.get(3)?,
        role: row.get(4)?,
        status: row.get(5)?,
        source: row.get(6)?,
        client_id: row.get(7)?,
        client_name: row.get(8)?,
        job_title: row.get(9)?,
        modified: row.get(10)?,
    })
}

/// The user of an API key, if it has one yet.
pub fn of_key(conn: &Connection, key_id: &str) -> Result<Option<i64>, DbError> {
    Ok(conn
        .prepare_cached("SELECT id FROM users WHERE api_key_id = ?1")?
        .query_row([key_id], |row| row.get(0))
        .optional()?)
}

/// The user of an API key, created on first use from the key's name and role.
pub fn ensure_key_user(tx: &Transaction<'_>, user: &KeyUser) -> Result<i64, DbError> {
    if let Some(id) = of_key(tx, &user.key_id)? {
        return Ok(id);
    }
    tx.execute(
        &format!(
            "INSERT INTO users (firstname, lastname, username, role, source, api_key_id, modified)
             VALUES (?1, '', ?2, ?3, 'api', ?4, {NOW})"
        ),
        params![
            user.name,
            format!("api_{}", user.key_id),
            user.role,
            user.key_id
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// One user visible to `scope` (`me` is the caller's user).
pub fn get(
    conn: &Connection,
    scope: &Scope,
    me: Option<i64>,
    id: i64,
) -> Result<Option<User>, DbError> {
    let sql = format!("{SELECT} WHERE u.id = ?3 AND {VISIBLE}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![scope, me, id], from_row)
        .optional()?)
}

/// One user by user name, visible to `scope`.
pub fn by_username(
    conn: &Connection,
    scope: &Scope,
    me: Option<i64>,
    username: &str,
) -> Result<Option<User>, DbError> {
    let sql = format!("{SELECT} WHERE u.username = ?3 COLLATE NOCASE AND {VISIBLE}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![scope, me, username], from_row)
        .optional()?)
}

/// Users visible to `scope`, active ones only when `active_only`, by last name then id.
pub fn list(
    conn: &Connection,
    scope: &Scope,
    me: Option<i64>,
    active_only: bool,
    limit: i64,
) -> Result<Vec<User>, DbError> {
    let sql = format!(
        "{SELECT} WHERE {VISIBLE} AND (?3 = 0 OR u.status = 'a')
         ORDER BY u.lastname, u.id LIMIT ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![scope, me, active_only, limit], from_row)?;
    collect(rows)
}

/// Whether user `id` exists.
pub fn exists(conn: &Connection, id: i64) -> Result<bool, DbError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM users WHERE id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Whether user name `username` is taken (by a user other than `except`).
pub fn username_taken(
    conn: &Connection,
    username: &str,
    except: Option<i64>,
) -> Result<bool, DbError> {
    Ok(conn
        .prepare_cached(
            "SELECT 1 FROM users WHERE username = ?1 COLLATE NOCASE AND (?2 IS NULL OR id <> ?2)",
        )?
        .query_row(params![username, except], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Inserts a person (not a key's user); `role` is Leantime's number.
pub fn insert(tx: &Transaction<'_>, v: &UserValues, role: i64) -> Result<i64, DbError> {
    tx.execute(
        &format!(
            "INSERT INTO users (firstname, lastname, username, role, status, client_id, job_title,
               modified)
             VALUES (?1, ?2, ?3, ?4, ?5, NULLIF(?6, 0), ?7, {NOW})"
        ),
        params![
            v.firstname.as_deref().unwrap_or_default(),
            v.lastname.as_deref().unwrap_or_default(),
            v.user.as_deref().unwrap_or_default(),
            role,
            v.status.as_deref().unwrap_or("a"),
            v.client_id,
            v.job_title.as_deref().unwrap_or_default(),
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Changes the given fields of a person; `false` when there is no such person (an API key's
/// user is changed through its key, not here).
pub fn patch(
    tx: &Transaction<'_>,
    id: i64,
    v: &UserValues,
    role: Option<i64>,
) -> Result<bool, DbError> {
    let changed = tx.execute(
        &format!(
            "UPDATE users SET firstname = COALESCE(?2, firstname), lastname = COALESCE(?3, lastname),
               username = COALESCE(?4, username), role = COALESCE(?5, role),
               status = COALESCE(?6, status),
               client_id = CASE WHEN ?7 IS NULL THEN client_id ELSE NULLIF(?7, 0) END,
               job_title = COALESCE(?8, job_title), modified = {NOW}
             WHERE id = ?1 AND source <> 'api'"
        ),
        params![
            id,
            v.firstname,
            v.lastname,
            v.user,
            role,
            v.status,
            v.client_id,
            v.job_title
        ],
    )?;
    Ok(changed == 1)
}

/// Deletes a person and their project memberships (their tickets stay, unassigned); `false`
/// when there is no such person.
pub fn delete(tx: &Transaction<'_>, id: i64) -> Result<bool, DbError> {
    let deleted = tx.execute("DELETE FROM users WHERE id = ?1 AND source <> 'api'", [id])?;
    if deleted == 1 {
        tx.execute(
            "UPDATE tickets SET editor_id = NULL WHERE editor_id = ?1",
            [id],
        )?;
    }
    Ok(deleted == 1)
}

impl UserStore for Db {
    fn of_key(&self, key_id: String) -> BoxFuture<'_, StoreResult<Option<i64>>> {
        Box::pin(self.read(move |conn| of_key(conn, &key_id)))
    }

    fn ensure_key_user(&self, user: KeyUser) -> BoxFuture<'_, StoreResult<i64>> {
        Box::pin(self.write(move |tx| ensure_key_user(tx, &user)))
    }

    fn get(
        &self,
        scope: Scope,
        me: Option<i64>,
        id: i64,
    ) -> BoxFuture<'_, StoreResult<Option<User>>> {
        Box::pin(self.read(move |conn| get(conn, &scope, me, id)))
    }

    fn by_username(
        &self,
        scope: Scope,
        me: Option<i64>,
        username: String,
    ) -> BoxFuture<'_, StoreResult<Option<User>>> {
        Box::pin(self.read(move |conn| by_username(conn, &scope, me, &username)))
    }

    fn list(
        &self,
        scope: Scope,
        me: Option<i64>,
        active_only: bool,
        limit: i64,
    ) -> BoxFuture<'_, StoreResult<Vec<User>>> {
        Box::pin(self.read(move |conn| list(conn, &scope, me, active_only, limit)))
    }

    fn username_taken(
        &self,
        username: String,
        except: Option<i64>,
    ) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(self.read(move |conn| username_taken(conn, &username, except)))
    }

    fn create(&self, values: UserValues, role: i64) -> BoxFuture<'_, StoreResult<Checked<i64>>> {
        Box::pin(self.write(move |tx| {
            if let Some(client) = values.client_id.filter(|c| *c > 0)
                && !super::clients::exists(tx, client)?
            {
                return Ok(no_client("clientId", client));
            }
            if username_taken(tx, values.user.as_deref().unwrap_or_default(), None)? {
                return Ok(Checked::Taken);
            }
            insert(tx, &values, role).map(Checked::Done)
        }))
    }

    fn patch(
        &self,
        id: i64,
        values: UserValues,
        role: Option<i64>,
    ) -> BoxFuture<'_, StoreResult<Checked<bool>>> {
        Box::pin(self.write(move |tx| {
            if let Some(user) = &values.user
                && username_taken(tx, user, Some(id))?
            {
                return Ok(Checked::Taken);
            }
            if let Some(client) = values.client_id.filter(|c| *c > 0)
                && !super::clients::exists(tx, client)?
            {
                return Ok(no_client("clientId", client));
            }
            patch(tx, id, &values, role).map(Checked::found)
        }))
    }

    fn delete(&self, id: i64) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(self.write(move |tx| delete(tx, id)))
    }
}
