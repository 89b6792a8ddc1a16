//! Clients in PostgreSQL: the queries of `db/clients.rs`, answering the same.

use deadpool_postgres::{GenericClient, Transaction};
use tokio_postgres::Row;

use super::{NOW, PgDb, all, any_row, one};
use crate::model::{Client, ClientValues};
use crate::store::{BoxFuture, Checked, ClientStore, Scope, StoreResult};

const SELECT: &str = "SELECT c.id, c.name, c.street, c.zip, c.city, c.state, c.country, c.phone,
    c.internet, c.email, (SELECT COUNT(*) FROM projects p WHERE p.client_id = c.id), c.modified
    FROM clients c";

const VISIBLE: &str = "($1::bigint[] IS NULL OR c.id IN (SELECT client_id FROM projects
    WHERE id = ANY($1::bigint[])))";

fn from_row(row: &Row) -> Result<Client, tokio_postgres::Error> {
    Ok(Client {
        id: row.try_get(0)?,
        name: row.try_get(1)?,
        street: row.try_get(2)?,
        zip: row.try_get(3)?,
        city: row.try_get(4)?,
        state: row.try_get(5)?,
        country: row.try_get(6)?,
        phone: row.try_get(7)?,
        internet: row.try_get(8)?,
        email: row.try_get(9)?,
        number_of_projects: row.try_get(10)?,
        modified: row.try_get(11)?,
    })
}

/// Whether client `id` exists.
pub(super) async fn exists(c: &impl GenericClient, id: i64) -> StoreResult<bool> {
    any_row(c, "SELECT 1 FROM clients WHERE id = $1::bigint", &[&id]).await
}

async fn create(tx: &Transaction<'_>, v: &ClientValues) -> StoreResult<i64> {
    let text = |f: &Option<String>| f.clone().unwrap_or_default();
    let stmt = tx
        .prepare_cached(&format!(
            "INSERT INTO clients (name, street, zip, city, state, country, phone, internet, email,
               modified)
             VALUES ($1::text, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text,
               $8::text, $9::text, {NOW})
             RETURNING id"
        ))
        .await?;
    let row = tx
        .query_one(
            &stmt,
            &[
                &text(&v.name),
                &text(&v.street),
                &text(&v.zip),
                &text(&v.city),
                &text(&v.state),
                &text(&v.country),
                &text(&v.phone),
                &text(&v.internet),
                &text(&v.email),
            ],
        )
        .await?;
    Ok(row.try_get(0)?)
}

async fn patch(tx: &Transaction<'_>, id: i64, v: &ClientValues) -> StoreResult<bool> {
    let stmt = tx
        .prepare_cached(&format!(
            "UPDATE clients SET name = COALESCE($2::text, name),
               street = COALESCE($3::text, street), zip = COALESCE($4::text, zip),
               city = COALESCE($5::text, city), state = COALESCE($6::text, state),
               country = COALESCE($7::text, country), phone = COALESCE($8::text, phone),
               internet = COALESCE($9::text, internet), email = COALESCE($10::text, email),
               modified = {NOW}
             WHERE id = $1::bigint"
        ))
        .await?;
    let changed = tx
        .execute(
            &stmt,
            &[
                &id,
                &v.name,
                &v.street,
                &v.zip,
                &v.city,
                &v.state,
                &v.country,
                &v.phone,
                &v.internet,
                &v.email,
            ],
        )
        .await?;
    Ok(changed == 1)
}

async fn delete(tx: &Transaction<'_>, id: i64) -> StoreResult<Checked<bool>> {
    if !exists(tx, id).await? {
        return Ok(Checked::Missing);
    }
    if any_row(
        tx,
        "SELECT 1 FROM projects WHERE client_id = $1::bigint LIMIT 1",
        &[&id],
    )
    .await?
    {
        return Ok(Checked::Invalid(
            "id",
            "the client still has projects".into(),
        ));
    }
    tx.execute(
        "UPDATE users SET client_id = NULL WHERE client_id = $1::bigint",
        &[&id],
    )
    .await?;
    let deleted = tx
        .execute("DELETE FROM clients WHERE id = $1::bigint", &[&id])
        .await?;
    Ok(Checked::Done(deleted == 1))
}

impl ClientStore for PgDb {
    fn get(&self, scope: Scope, id: i64) -> BoxFuture<'_, StoreResult<Option<Client>>> {
        Box::pin(async move {
            let c = self.client().await?;
            let stmt = c
                .prepare_cached(&format!("{SELECT} WHERE c.id = $2::bigint AND {VISIBLE}"))
                .await?;
            one(c.query_opt(&stmt, &[&scope.pg(), &id]).await?, from_row)
        })
    }

    fn list(&self, scope: Scope, limit: i64) -> BoxFuture<'_, StoreResult<Vec<Client>>> {
        Box::pin(async move {
            let c = self.client().await?;
            let stmt = c
                .prepare_cached(&format!(
                    "{SELECT} WHERE {VISIBLE} ORDER BY c.name, c.id LIMIT $2::bigint"
                ))
                .await?;
            all(c.query(&stmt, &[&scope.pg(), &limit]).await?, from_row)
        })
    }

    fn create(&self, values: ClientValues) -> BoxFuture<'_, StoreResult<i64>> {
        Box::pin(async move { self.write(&values, |tx, v| Box::pin(create(tx, v))).await })
    }

    fn patch(&self, id: i64, values: ClientValues) -> BoxFuture<'_, StoreResult<bool>> {
        Box::pin(async move {
            let args = (id, values);
            self.write(&args, |tx, (id, v)| Box::pin(patch(tx, *id, v)))
                .await
        })
    }

    fn delete(&self, id: i64) -> BoxFuture<'_, StoreResult<Checked<bool>>> {
        Box::pin(async move { self.write(&id, |tx, id| Box::pin(delete(tx, *id))).await })
    }
}
