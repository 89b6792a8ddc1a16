//! `tickets users ...`: manage the people of a data directory or a database from the command
//! line (the API keys' own users are listed too; they come and go with their keys).

use std::io::Write;
use std::path::Path;

use crate::Database;
use crate::model::UserValues;
use crate::model::users::{ROLES, parse_role};
use crate::store::{Checked, Scope};

/// The `users` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum UsersCommand {
    /// Adds a person and prints their id.
    Add {
        /// User name, usually an email; unique.
        #[arg(long)]
        email: String,
        /// First name.
        #[arg(long, default_value = "")]
        firstname: String,
        /// Last name.
        #[arg(long, default_value = "")]
        lastname: String,
        /// Role: readonly, commenter, editor, manager, admin or owner.
        #[arg(long, default_value = "editor")]
        role: String,
        /// Projects to make them a member of (repeatable).
        #[arg(long = "project", value_name = "ID")]
        projects: Vec<i64>,
    },
    /// Lists every user: id, role, status, source, user name, name.
    List,
}

/// Runs a `users` subcommand against the tickets store: SQLite in `data_dir`, or `database`.
pub async fn run(
    data_dir: &Path,
    database: &Database,
    command: UsersCommand,
    out: &mut impl Write,
) -> Result<(), crate::Error> {
    let store = crate::open_store(data_dir, database).await?;
    let outcome = run_on(&store, command, out).await;
    store.close().await;
    outcome
}

async fn run_on(
    store: &crate::Store,
    command: UsersCommand,
    out: &mut impl Write,
) -> Result<(), crate::Error> {
    match command {
        UsersCommand::Add {
            email,
            firstname,
            lastname,
            role,
            projects,
        } => {
            let role = parse_role(&role).ok_or_else(|| {
                format!("unknown role `{role}`: expected one of readonly, commenter, editor, manager, admin, owner")
            })?;
            let values = UserValues {
                firstname: Some(firstname),
                lastname: Some(lastname),
                user: Some(email.trim().to_owned()).filter(|e| !e.is_empty()),
                ..UserValues::default()
            };
            if values.user.is_none() {
                return Err("--email must not be empty".into());
            }
            let id = crate::service::users_add(store, values, role)
                .await
                .map_err(|e| {
                    e.data_value()
                        .map_or_else(|| e.message().to_owned(), |d| d.to_string())
                })?;
            for project in projects {
                let added = store
                    .projects()
                    .add_member(Scope::all(), project, id, String::new())
                    .await?;
                match added {
                    Checked::Done(_) => {}
                    Checked::Missing => {
                        writeln!(out, "warning: no project {project}; membership skipped")?;
                    }
                    other => return Err(format!("project {project}: {other:?}").into()),
                }
            }
            writeln!(out, "{id}")?;
        }
        UsersCommand::List => {
            let users = store
                .users()
                .list(Scope::all(), None, false, i64::MAX)
                .await?;
            for u in users {
                let role = ROLES
                    .iter()
                    .find(|r| r.0 == u.role)
                    .map_or("?", |r| r.1.as_str());
                let source = if u.source.is_empty() {
                    "person"
                } else {
                    &u.source
                };
                writeln!(
                    out,
                    "{}\t{role}\t{}\t{source}\t{}\t{} {}",
                    u.id, u.status, u.username, u.firstname, u.lastname
                )?;
            }
        }
    }
    Ok(())
}
