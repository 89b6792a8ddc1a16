//! `tickets typescript`: writes a typed TypeScript client of a running server, generated from its
//! live `rpc.discover` document (fetched with the Rust client) by `leanrpc::typescript`.
//!
//! ```text
//! TICKETS_API_KEY=lt_... tickets typescript --out tickets-client.ts
//! tickets typescript --url http://127.0.0.1:8080/api/jsonrpc --class TicketsClient --out client.ts
//! tickets typescript --document openrpc.json --out client.ts     # from a saved document
//! ```
//!
//! `rpc.discover` lists the methods the key may call: generate with a key that may call every
//! method the client needs (the owner key lists all).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;
use leanrpc::client::{Client, HttpTransport};
use leanrpc::discover::DISCOVER_METHOD;
use leanrpc::typescript::{Options, generate};
use serde_json::Value;

use crate::call::DEFAULT_URL;

/// `tickets typescript ...`.
#[derive(Debug, Args)]
pub struct TypescriptArgs {
    /// The JSON-RPC endpoint whose `rpc.discover` document to read.
    #[arg(long, env = "TICKETS_URL", default_value = DEFAULT_URL)]
    url: String,
    /// The API key (prefer the environment variable: a command line is visible to others).
    #[arg(long, env = "TICKETS_API_KEY", hide_env_values = true)]
    key: Option<String>,
    /// Read the OpenRPC document from this file (the `result` of `rpc.discover`, or the whole
    /// answer) instead of asking the server (`--url` and `--key` are then unused).
    #[arg(long, value_name = "FILE")]
    document: Option<PathBuf>,
    /// The name of the client class.
    #[arg(long = "class", value_name = "NAME", default_value = "TicketsClient")]
    class_name: String,
    /// Write the module to this file instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Seconds to wait for the document.
    #[arg(long, value_name = "SECS", default_value_t = 30)]
    timeout: u64,
}

/// Runs `tickets typescript`: the module goes to `--out`, or to `out`.
pub async fn run(args: TypescriptArgs, out: &mut dyn Write) -> Result<(), crate::Error> {
    let (document, source) = match &args.document {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let value: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not JSON: {e}", path.display()))?;
            (unwrap_answer(value), path.display().to_string())
        }
        None => (
            discover(&args).await?,
            format!("{DISCOVER_METHOD} at {}", args.url),
        ),
    };
    let options = Options::default()
        .class_name(args.class_name.as_str())
        .source(source);
    let module = generate(&document, &options)
        .map_err(|e| format!("the document cannot be turned into a client: {e}"))?;
    match &args.out {
        Some(path) => std::fs::write(path, module)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => out.write_all(module.as_bytes())?,
    }
    Ok(())
}

/// The live document, asked for with the Rust client.
async fn discover(args: &TypescriptArgs) -> Result<Value, crate::Error> {
    let mut builder = HttpTransport::builder(args.url.as_str())
        .timeout(Some(std::time::Duration::from_secs(args.timeout)));
    if let Some(key) = &args.key {
        builder = builder.api_key(key.as_str());
    }
    // `rpc.discover` has no namespace: the client adds none.
    let client = Client::new(builder.build()?, "");
    let document: Value = client
        .call(DISCOVER_METHOD, ())
        .await
        .map_err(|e| format!("{DISCOVER_METHOD} at {}: {e}", args.url))?;
    Ok(document)
}

/// The document itself, also when a saved file holds the whole JSON-RPC answer.
fn unwrap_answer(value: Value) -> Value {
    match value {
        Value::Object(mut answer)
            if answer.contains_key("jsonrpc") && answer.contains_key("result") =>
        {
            answer.remove("result").unwrap_or_default()
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::unwrap_answer;

    #[test]
    fn a_saved_answer_or_a_bare_document_both_read() {
        let document = json!({"openrpc": "1.3.2", "methods": []});
        assert_eq!(unwrap_answer(document.clone()), document);
        assert_eq!(
            unwrap_answer(json!({"jsonrpc": "2.0", "result": document.clone(), "id": 1})),
            document
        );
    }
}
