//! `tickets call`: calls a running tickets server from the command line with the generated Rust
//! clients (`TicketsClient`, `ProjectsClient`): typed subcommands for a few methods, and any
//! other method with its params given as `--param key=value` or `--params JSON`.
//!
//! ```text
//! tickets call getTicket --id 1
//! tickets call addTicket --project-id 1 --headline "Fix login"
//! tickets call tickets.getAll --param searchCriteria.currentProject=1 --param limit=5
//! tickets call projects.addProject --params '{"values":{"name":"Website"}}'
//! ```
//!
//! The key comes from `--key` or, better (a command line is visible to other users of the
//! machine), from `TICKETS_API_KEY`; the URL from `--url` or `TICKETS_URL`.

use std::io::Write;

use clap::{Args, Parser, Subcommand};
use leanrpc::client::{Client, HttpMethod, HttpTransport};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::model::TicketValues;
use crate::{NAMESPACE, ProjectsClient, TicketsClient};

/// The endpoint `tickets serve` listens on by default.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8080/api/jsonrpc";

/// `tickets call ...`.
#[derive(Debug, Args)]
pub struct CallArgs {
    #[command(flatten)]
    connection: Connection,
    #[command(subcommand)]
    method: Method,
}

/// Where and how to call.
#[derive(Debug, Clone, Args)]
struct Connection {
    /// The JSON-RPC endpoint.
    #[arg(long, global = true, env = "TICKETS_URL", default_value = DEFAULT_URL)]
    url: String,
    /// The API key (prefer the environment variable: a command line is visible to others).
    #[arg(long, global = true, env = "TICKETS_API_KEY", hide_env_values = true)]
    key: Option<String>,
    /// Send calls as GET with base64 params instead of POST.
    #[arg(long, global = true)]
    get: bool,
    /// Seconds to wait for an answer.
    #[arg(long, global = true, value_name = "SECS", default_value_t = 30)]
    timeout: u64,
}

/// The method to call.
#[derive(Debug, Subcommand)]
enum Method {
    /// tickets.getTicket: one ticket, typed.
    #[command(name = "getTicket", alias = "tickets.getTicket")]
    GetTicket {
        /// The ticket's id.
        #[arg(long)]
        id: i64,
    },
    /// tickets.addTicket: creates a ticket, typed; prints its id.
    #[command(name = "addTicket", alias = "tickets.addTicket")]
    AddTicket {
        /// The project.
        #[arg(long)]
        project_id: i64,
        /// One line saying what it is about.
        #[arg(long)]
        headline: String,
        /// Free text.
        #[arg(long)]
        description: Option<String>,
        /// Comma-separated tags.
        #[arg(long)]
        tags: Option<String>,
    },
    /// projects.getProject: one project, typed.
    #[command(name = "getProject", alias = "projects.getProject")]
    GetProject {
        /// The project's id.
        #[arg(long)]
        id: i64,
    },
    /// Any other method, as `SERVICE.METHOD [--param KEY=VALUE]... [--params JSON]`.
    #[command(external_subcommand)]
    Other(Vec<String>),
}

/// The arguments of a method called by name.
#[derive(Debug, Parser)]
#[command(name = "tickets call", no_binary_name = true)]
struct Generic {
    /// The method: `tickets.getAll` (the namespace is added) or its full name.
    method: String,
    /// One param: `id=3` (numbers, booleans, null and JSON are read as JSON, anything else as
    /// text); a dotted key nests: `values.headline=Fix`. Repeatable.
    #[arg(long = "param", value_name = "KEY=VALUE")]
    param: Vec<String>,
    /// All params as JSON (an object, or an array for positional params); `--param`s are
    /// merged into an object.
    #[arg(long, value_name = "JSON")]
    params: Option<String>,
    /// The JSON-RPC endpoint (overrides the one given before the method).
    #[arg(long)]
    url: Option<String>,
    /// The API key (overrides the one given before the method).
    #[arg(long)]
    key: Option<String>,
    /// Send the call as GET.
    #[arg(long)]
    get: bool,
}

/// Runs `tickets call`, writing the result as pretty JSON to `out`.
pub async fn run(args: CallArgs, out: &mut dyn Write) -> Result<(), crate::Error> {
    let mut connection = args.connection;
    let text = match args.method {
        Method::GetTicket { id } => {
            let tickets = TicketsClient::new(client(&connection)?);
            json(&tickets.get_ticket(id).await?)?
        }
        Method::AddTicket {
            project_id,
            headline,
            description,
            tags,
        } => {
            let tickets = TicketsClient::new(client(&connection)?);
            let values = TicketValues {
                project_id: Some(project_id),
                headline: Some(headline),
                description,
                tags,
                ..TicketValues::default()
            };
            json(&tickets.add_ticket(values).await?)?
        }
        Method::GetProject { id } => {
            let projects = ProjectsClient::new(client(&connection)?);
            json(&projects.get_project(id).await?)?
        }
        Method::Other(words) => {
            let generic = Generic::try_parse_from(words)?;
            connection.url = generic.url.unwrap_or(connection.url);
            connection.key = generic.key.or(connection.key);
            connection.get |= generic.get;
            let params = params(generic.params.as_deref(), &generic.param)?;
            let method = generic
                .method
                .strip_prefix(NAMESPACE)
                .and_then(|m| m.strip_prefix('.'))
                .unwrap_or(&generic.method);
            let value: Value = client(&connection)?.call(method, params).await?;
            json(&value)?
        }
    };
    writeln!(out, "{text}")?;
    Ok(())
}

/// A result as pretty JSON, its fields in the order the server sent them (typed results) or
/// sorted by name (untyped ones).
fn json(value: &impl Serialize) -> Result<String, crate::Error> {
    Ok(serde_json::to_string_pretty(value)?)
}

/// A client of the server `connection` names.
fn client(connection: &Connection) -> Result<Client, crate::Error> {
    let mut builder = HttpTransport::builder(connection.url.as_str())
        .timeout(Some(std::time::Duration::from_secs(connection.timeout)));
    if let Some(key) = &connection.key {
        builder = builder.api_key(key.as_str());
    }
    if connection.get {
        builder = builder.method(HttpMethod::Get);
    }
    Ok(Client::new(builder.build()?, NAMESPACE))
}

/// The params of `--params` and `--param`s: `None` when neither is given.
fn params(whole: Option<&str>, pairs: &[String]) -> Result<Option<Value>, crate::Error> {
    let mut params = match whole {
        Some(text) => Some(
            serde_json::from_str::<Value>(text)
                .map_err(|e| format!("--params is not JSON: {e}"))?,
        ),
        None => None,
    };
    if pairs.is_empty() {
        return Ok(params);
    }
    let object = match params.get_or_insert_with(|| Value::Object(Map::new())) {
        Value::Object(object) => object,
        _ => return Err("--param needs --params to be an object, not an array".into()),
    };
    for pair in pairs {
        let (key, text) = pair
            .split_once('=')
            .ok_or_else(|| format!("--param {pair}: expected KEY=VALUE"))?;
        let value = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_owned()));
        insert(object, key, value).map_err(|why| format!("--param {pair}: {why}"))?;
    }
    Ok(params)
}

/// Sets `a.b.c = value` in `object`, making the objects on the way.
fn insert(object: &mut Map<String, Value>, key: &str, value: Value) -> Result<(), String> {
    match key.split_once('.') {
        _ if key.is_empty() => Err("empty key".to_owned()),
        None => {
            object.insert(key.to_owned(), value);
            Ok(())
        }
        Some((first, rest)) => match object
            .entry(first)
            .or_insert_with(|| Value::Object(Map::new()))
        {
            Value::Object(inner) => insert(inner, rest, value),
            _ => Err(format!("`{first}` is already a value, not an object")),
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn params_read_json_values_text_and_dotted_keys() {
        let pairs = [
            "id=3".to_owned(),
            "values.headline=Fix login".to_owned(),
            "values.projectId=\"7\"".to_owned(),
            "flag=true".to_owned(),
            "list=[1,2]".to_owned(),
        ];
        assert_eq!(
            params(None, &pairs).unwrap(),
            Some(json!({
                "id": 3,
                "values": {"headline": "Fix login", "projectId": "7"},
                "flag": true,
                "list": [1, 2],
            }))
        );
        assert_eq!(
            params(Some(r#"{"a":1}"#), &["b=2".to_owned()]).unwrap(),
            Some(json!({"a": 1, "b": 2}))
        );
        assert_eq!(params(Some("[1,2]"), &[]).unwrap(), Some(json!([1, 2])));
        assert_eq!(params(None, &[]).unwrap(), None);
    }

    #[test]
    fn bad_params_say_what_is_wrong() {
        let error = params(Some("{"), &[]).unwrap_err().to_string();
        assert!(error.contains("--params is not JSON"), "{error}");
        let error = params(Some("[1]"), &["a=1".to_owned()])
            .unwrap_err()
            .to_string();
        assert!(error.contains("object"), "{error}");
        let error = params(None, &["novalue".to_owned()])
            .unwrap_err()
            .to_string();
        assert!(error.contains("KEY=VALUE"), "{error}");
        let error = params(None, &["a=1".to_owned(), "a.b=2".to_owned()])
            .unwrap_err()
            .to_string();
        assert!(error.contains("already a value"), "{error}");
        let error = params(None, &["=1".to_owned()]).unwrap_err().to_string();
        assert!(error.contains("empty key"), "{error}");
    }
}
