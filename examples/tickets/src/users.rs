//! `tickets users ...`: manage the people of a data directory from the command line (the API
//! keys' own users are listed too; they come and go with their keys).

use std::io::Write;
use std::path::Path;

use crate::db::{self, Db, Scope};
use crate::model::UserValues;
use crate::model::users::{ROLES, parse_role};

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

/// Runs a `users` subcommand against the tickets database of `data_dir`.
pub async fn run(
    data_dir: &Path,
    command: UsersCommand,
    out: &mut impl Write,
) -> Result<(), crate::Error> {
    std::fs::create_dir_all(data_dir)?;
    let db = Db::open(&crate::tickets_path(data_dir))?;
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
            let id = crate::service::users_add(&db, values, role)
                .await
                .map_err(|e| {
                    e.data_value()
                        .map_or_else(|| e.message().to_owned(), |d| d.to_string())
                })?;
            for project in projects {
                let added = db
                    .write(move |tx| {
                        if !db::projects::exists(tx, &Scope::all(), project)? {
                            return Ok(false);
                        }
                        db::projects::add_member(tx, project, id, "").map(|()| true)
                    })
                    .await?;
                if !added {
                    writeln!(out, "warning: no project {project}; membership skipped")?;
                }
            }
            writeln!(out, "{id}")?;
        }
        UsersCommand::List => {
            let users = db
                .read(|conn| db::users::list(conn, &Scope::all(), None, false, i64::MAX))
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
    db.close();
    Ok(())
}
