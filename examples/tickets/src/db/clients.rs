//! Clients in SQLite. A key limited to some projects sees only the clients of those projects.

use rusqlite::{Connection, OptionalExtension, Transaction, params};

use super::{Db, DbError, NOW, Scope, collect};
use crate::model::{Client, ClientValues};
use crate::store::{BoxFuture, Checked, ClientStore, StoreResult};

const SELECT: &str = "SELECT c.id, c.name, c.street, c.zip, c.city, c.state, c.country, c.phone,
    c.internet, c.email, (SELECT COUNT(*) FROM projects p WHERE p.client_id = c.id), c.modified
    FROM clients c";

const VISIBLE: &str = "(?1 IS NULL OR c.id IN (SELECT client_id FROM projects
    WHERE id IN (SELECT value FROM json_each(?1))))";

fn from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Client> {
    Ok(Client {
        id: row.get(0)?,
        name: row.get(1)?,
        street: row.get(2)?,
        zip: row.get(3)?,
        city: row.get(4)?,
        state: row.get(5)?,
        country: row.get(6)?,
        phone: row.get(7)?,
        internet: row.get(8)?,
        email: row.get(9)?,
        number_of_projects: row.get(10)?,
        modified: row.get(11)?,
    })
}

/// One client visible to `scope`.
pub fn get(conn: &Connection, scope: &Scope, id: i64) -> Result<Option<Client>, DbError> {
    let sql = format!("{SELECT} WHERE c.id = ?2 AND {VISIBLE}");
    Ok(conn
        .prepare_cached(&sql)?
        .query_row(params![scope, id], from_row)
        .optional()?)
}

/// Clients visible to `scope`, by name.
pub fn list(conn: &Connection, scope: &Scope, limit: i64) -> Result<Vec<Client>, DbError> {
    let sql = format!("{SELECT} WHERE {VISIBLE} ORDER BY c.name, c.id LIMIT ?2");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map(params![scope, limit], from_row)?;
    collect(rows)
}

/// Whether client `id` exists.
pub fn exists(conn: &Connection, id: i64) -> Result<bool, DbError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM clients WHERE id = ?1")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Inserts a client and returns its id.
pub fn insert(tx: &Transaction<'_>, v: &ClientValues) -> Result<i64, DbError> {
    let text = |f: &Option<String>| f.clone().unwrap_or_default();
    tx.execute(
        &format!(
            "INSERT INTO clients (name, street, zip, city, state, country, phone, internet, email,
               modified) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, {NOW})"
        ),
        params![
            text(&v.name),
            text(&v.street),
            text(&v.zip),
            text(&v.city),
            text(&v.state),
            text(&v.country),
            text(&v.phone),
            text(&v.internet),
            text(&v.email)
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Changes the given fields of a client; `false` when there is no such client.
pub fn patch(tx: &Transaction<'_>, id: i64, v: &ClientValues) -> Result<bool, DbError> {
    let changed = tx.execute(
        &format!(
            "UPDATE clients SET name = COALESCE(?2, name), street = COALESCE(?3, street),
               zip = COALESCE(?4, zip), city = COALESCE(?5, city), state = COALESCE(?6, state),
               country = COALESCE(?7, country), phone = COALESCE(?8, phone),
               internet = COALESCE(?9, internet), email = COALESCE(?10, email), modified = {NOW}
             WHERE id = ?1"
        ),
        params![
            id, v.name, v.street, v.zip, v.city, v.state, v.country, v.phone, v.internet, v.email
        ],
    )?;
    Ok(changed == 1)
}

/// Whether a client has projects (it may then not be deleted).
pub fn has_projects(conn: &Connection, id: i64) -> Result<bool, DbError> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM projects WHERE client_id = ?1 LIMIT 1")?
        .query_row([id], |_| Ok(()))
        .optional()?
        .is_some())
}

/// Deletes a client without projects; its users lose their client. `false` when there is no
/// such client.
pub fn delete(tx: &Transaction<'_>, id: i64) -> Result<bool, DbError> {
    tx.execute(
        "UPDATE users SET client_id = NULL WHERE client_id = ?1",
        [id],
    )?;
    Ok(tx.execute("DELETE FROM clients WHERE id = ?1", [id])? == 1)
}

impl ClientStore for Db {
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Client>>> {
        Box::pin(self.read(move |conn| get(conn, &scope, id)))
    }

    fn list(&self, scope: Scope, limit: i64) -> BoxFuture<'_, StoreResult<Vec<Client>>> {
        Box::pin(self.read(move |conn| list(conn, &scope, limit)))
    }

    fn create(&self, values: ClientValues) -> BoxFuture<'_, StoreResult<i64>> {
        Box::pin(self.write(move |tx| insert(tx, &values)))
    }

    fn patch(&self, id: i64, values: ClientValues) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(self.write(move |tx| patch(tx, id, &values)))
    }

    fn delete(&self, id: i64) -> BoxFuture<'_, StoreResult<Checked<bool>>> {
        Box::pin(self.write(move |tx| {
            if !exists(tx, id)? {
                return Ok(Checked::Missing);
            }
            if has_projects(tx, id)? {
                return Ok(Checked::Invalid(
                    "id",
                    "the client still has projects".into(),
                ));
            }
            delete(tx, id).map(Checked::Done)
        }))
    }
}
