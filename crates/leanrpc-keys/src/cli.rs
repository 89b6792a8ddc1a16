//! The key-management commands, as a clap subcommand any binary can embed
//! (`leanrpc-keys --db PATH create ...`, `tickets keys create ...`).
//!
//! `create` and `rotate` print the key once, as the last line of their output, so scripts can
//! take it with `tail -n 1`. Nothing else ever prints a secret.

use std::fmt::Write as _;
use std::io::Write;

use leanrpc_core::{Grant, Role};

use crate::manage::{ManageError, create_key, revoke_key, rotate_key};
use crate::scheme::{KeyScheme, NewKey};
use crate::store::{KeyStore, StoredKey};
use crate::time::{format_utc, now_unix, parse_utc};

/// A key-management command.
#[derive(Debug, Clone, PartialEq, Eq, clap::Subcommand)]
pub enum KeysCommand {
    /// Create a key; it is printed once, as the last line of output.
    Create(CreateArgs),
    /// List keys: ids, names, roles, projects, scopes, dates. Never secrets.
    List,
    /// Revoke a key now. A running server sharing the key database refuses it within its change
    /// check interval (250 ms by default).
    Revoke {
        /// The key id (the middle part of the key).
        key_id: String,
    },
    /// Replace a key with a new one of the same name, role, projects, scopes and expiry; the
    /// new key is printed once, as the last line of output.
    Rotate {
        /// The key id (the middle part of the key).
        key_id: String,
        /// Seconds the old key keeps working (a running server refuses it from then on);
        /// without it the old key is revoked now, and refused within the server's change check
        /// interval (250 ms by default).
        #[arg(long, value_name = "SECONDS")]
        overlap: Option<u64>,
    },
}

/// The options of `create`.
#[derive(Debug, Clone, PartialEq, Eq, clap::Args)]
pub struct CreateArgs {
    /// The role: readonly, commenter, editor, manager, admin or owner.
    #[arg(long)]
    pub role: Role,
    /// A project the key may touch (repeatable); none means every project.
    #[arg(long = "project", value_name = "ID")]
    pub projects: Vec<i64>,
    /// A scope the key holds (repeatable); none means every scope.
    #[arg(long = "scope", value_name = "SCOPE")]
    pub scopes: Vec<String>,
    /// A name to recognize the key by.
    #[arg(long)]
    pub name: Option<String>,
    /// When the key stops working: YYYY-MM-DD (midnight UTC) or YYYY-MM-DDTHH:MM:SSZ.
    #[arg(long, value_name = "DATE", value_parser = parse_utc)]
    pub expires: Option<i64>,
}

/// Runs `command` against `store`, writing its output to `out`.
pub async fn run<S, W>(
    store: &S,
    scheme: &KeyScheme,
    command: KeysCommand,
    out: &mut W,
) -> Result<(), ManageError>
where
    S: KeyStore + ?Sized,
    W: Write + ?Sized,
{
    match command {
        KeysCommand::Create(args) => {
            let grant = Grant::new(args.name.unwrap_or_default(), args.role)
                .projects(args.projects)
                .scopes(args.scopes);
            let mut new = NewKey::from(grant);
            new.expires_at = args.expires;
            let (key, stored) = create_key(store, scheme, new).await?;
            writeln!(out, "created {}", describe(&stored))?;
            writeln!(out, "The key is shown only this once; store it now:")?;
            writeln!(out, "{}", key.reveal())?;
        }
        KeysCommand::List => {
            let keys = store.list().await?;
            out.write_all(table(&keys, now_unix()).as_bytes())?;
        }
        KeysCommand::Revoke { key_id } => {
            revoke_key(store, &key_id).await?;
            writeln!(out, "revoked key {key_id}")?;
        }
        KeysCommand::Rotate { key_id, overlap } => {
            let rotation = match rotate_key(store, scheme, &key_id, overlap).await {
                Ok(rotation) => rotation,
                Err(ManageError::OldKeyNotRetired {
                    new_key,
                    old_key_id,
                    error,
                }) => {
                    // Print the new key anyway, or it would be lost; the error says the rest.
                    writeln!(out, "The new key is shown only this once; store it now:")?;
                    writeln!(out, "{}", new_key.reveal())?;
                    return Err(ManageError::OldKeyNotRetired {
                        new_key,
                        old_key_id,
                        error,
                    });
                }
                Err(error) => return Err(error),
            };
            writeln!(out, "created {}", describe(&rotation.stored))?;
            if rotation.old_ends_at <= now_unix() {
                writeln!(out, "revoked key {key_id}")?;
            } else {
                let until = format_utc(rotation.old_ends_at);
                writeln!(out, "key {key_id} keeps working until {until}")?;
            }
            writeln!(out, "The key is shown only this once; store it now:")?;
            writeln!(out, "{}", rotation.new_key.reveal())?;
        }
    }
    out.flush()?;
    Ok(())
}

/// One line about a stored key, without its digest.
fn describe(key: &StoredKey) -> String {
    format!(
        "key {} (name {}, role {}, projects {}, scopes {}, expires {})",
        key.key_id,
        printable(&key.grant.name),
        key.grant.role,
        joined(&key.grant.projects),
        joined(&key.grant.scopes),
        key.expires_at
            .map_or_else(|| "never".to_owned(), format_utc),
    )
}

/// The `list` table: one row per key, columns padded to their widest cell.
fn table(keys: &[StoredKey], now: i64) -> String {
    if keys.is_empty() {
        return "no keys\n".to_owned();
    }
    let date = |at: Option<i64>| at.map_or_else(|| "-".to_owned(), format_utc);
    let header = [
        "KEY ID",
        "NAME",
        "ROLE",
        "STATUS",
        "PROJECTS",
        "SCOPES",
        "CREATED",
        "EXPIRES",
        "REVOKED",
        "LAST USED",
    ]
    .map(str::to_owned);
    let rows: Vec<[String; 10]> = std::iter::once(header)
        .chain(keys.iter().map(|k| {
            [
                k.key_id.clone(),
                printable(&k.grant.name),
                k.grant.role.to_string(),
                k.status_at(now).to_string(),
                joined(&k.grant.projects),
                joined(&k.grant.scopes),
                format_utc(k.created_at),
                date(k.expires_at),
                date(k.revoked_at),
                date(k.last_used_at),
            ]
        }))
        .collect();
    let mut widths = [0; 10];
    for row in &rows {
        for (width, cell) in widths.iter_mut().zip(row) {
            *width = (*width).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in &rows {
        let mut line = String::new();
        for (cell, width) in row.iter().zip(widths) {
            let _ = write!(line, "{cell:<width$}  ");
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// `all` for an empty list (no restriction), else the items joined by commas.
fn joined<T: ToString>(items: &[T]) -> String {
    if items.is_empty() {
        "all".to_owned()
    } else {
        items
            .iter()
            .map(|item| printable(&item.to_string()))
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// A name as the terminal should see it: control characters escaped, `-` for none.
fn printable(text: &str) -> String {
    if text.is_empty() {
        "-".to_owned()
    } else if text
        .chars()
        .any(|c| c.is_control() || c.is_whitespace() && c != ' ')
    {
        text.escape_debug().to_string()
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lists_public_facts_aligned() {
        let grant = Grant::new("ci\nbot", Role::Editor).projects([1, 2]);
        let mut key = StoredKey::new("AbCdEfGh1234", grant, [7; 32], 0);
        key.expires_at = Some(86_400);
        let text = table(&[key], 100_000);
        let lines: Vec<_> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        assert!(lines[0].starts_with("KEY ID        NAME"), "{text}");
        assert!(
            lines[1].contains("ci\\nbot") && lines[1].contains("expired"),
            "{text}"
        );
        assert!(
            lines[1].contains("1,2") && lines[1].contains("all"),
            "{text}"
        );
        assert_eq!(lines[0].find("ROLE"), lines[1].find("editor"));
        assert_eq!(table(&[], 0), "no keys\n");
    }
}
