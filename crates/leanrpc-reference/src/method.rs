//! One method's entry: its name, access badges, doc comment, params, result, errors and an
//! example request by POST and by GET.

use std::fmt::Write as _;

use base64::Engine as _;
use leanrpc_core::ErrorCode;
use leanrpc_core::discover::{Api, Method};
use serde_json::Value;

use crate::text::{esc, inline};
use crate::types::type_or_rust;

/// One method's entry.
pub(crate) fn method(api: &Api, method: &Method, out: &mut String) {
    let id = esc(method.full_name());
    let prefix = method
        .full_name()
        .strip_suffix(method.name())
        .unwrap_or_default();
    let _ = write!(
        out,
        "<article class=\"method\" id=\"{id}\" data-params=\"{}\">\n<h3><a href=\"#{id}\"><span class=\"prefix\">{}</span>{}</a></h3>\n",
        esc(&example_params(api, method)),
        esc(prefix),
        esc(method.name())
    );
    out.push_str("<p class=\"access\">");
    if let Some(role) = method.min_role() {
        let _ = write!(
            out,
            "<span class=\"badge role\" title=\"the lowest role that may call it\">{role} or higher</span>"
        );
    }
    for scope in method.scopes() {
        let _ = write!(
            out,
            "<span class=\"badge scope\" title=\"a scope the key must hold\">scope {}</span>",
            esc(scope)
        );
    }
    for alias in method.aliases() {
        let _ = write!(
            out,
            "<span class=\"badge alias\" title=\"also answers to\">alias {}</span>",
            esc(alias)
        );
    }
    out.push_str("</p>\n");
    for paragraph in method.doc().split("\n\n").filter(|p| !p.trim().is_empty()) {
        let _ = writeln!(out, "<p>{}</p>", inline(paragraph));
    }
    if method.takes_raw_params() {
        out.push_str("<p class=\"none\">Takes its params as given, by name or by position.</p>\n");
    } else if method.params().is_empty() {
        out.push_str("<p class=\"none\">No params.</p>\n");
    } else {
        out.push_str(
            "<table class=\"params\">\n<thead><tr><th>param</th><th>type</th><th></th></tr></thead>\n<tbody>\n",
        );
        for param in method.params() {
            let required = if param.required() {
                "<span class=\"req\">required</span>"
            } else {
                "<span class=\"opt\">optional</span>"
            };
            let _ = writeln!(
                out,
                "<tr class=\"param\"><td><code class=\"name\">{}</code></td><td>{}</td><td>{required}</td></tr>",
                esc(param.name()),
                type_or_rust(api, param.schema(), param.rust_type())
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    let _ = writeln!(
        out,
        "<p class=\"returns\"><span class=\"label\">returns</span> {}</p>",
        type_or_rust(api, method.result_schema(), method.result_rust_type())
    );
    if !method.errors().is_empty() {
        out.push_str("<p class=\"errors\"><span class=\"label\">errors</span> ");
        for (i, code) in method.errors().iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let _ = write!(
                out,
                "<code>{code}</code> {}",
                esc(ErrorCode::new(*code).message())
            );
        }
        out.push_str("</p>\n");
    }
    examples(api, method, out);
    out.push_str("</article>\n");
}

/// The example params of a method: its required params by name, each with an example value
/// (`[]` for a method that takes its params as given). The console starts from them too.
fn example_params(api: &Api, method: &Method) -> String {
    // Written by hand to keep the order a reader expects (JSON objects here sort their keys):
    // the params in declaration order.
    if method.takes_raw_params() {
        "[]".to_owned()
    } else {
        let members: Vec<String> = method
            .params()
            .iter()
            .filter(|p| p.required())
            .map(|p| {
                let example = api.example(p.schema(), p.rust_type());
                format!("{}:{example}", Value::from(p.name()))
            })
            .collect();
        format!("{{{}}}", members.join(","))
    }
}

/// The example request: by POST, and folded, the same by GET.
fn examples(api: &Api, method: &Method, out: &mut String) {
    let params = example_params(api, method);
    let body = format!(
        r#"{{"jsonrpc":"2.0","method":{},"params":{params},"id":1}}"#,
        Value::from(method.full_name())
    );
    let key = if api.authenticates() {
        " -H \"x-api-key: $KEY\""
    } else {
        ""
    };
    let post = format!("curl -s \"$URL\"{key} -d '{}'", body.replace('\'', "'\\''"));
    let encoded = base64::engine::general_purpose::STANDARD
        .encode(&params)
        .replace('+', "%2B")
        .replace('/', "%2F")
        .replace('=', "%3D");
    let get = format!(
        "curl -s \"$URL?method={}&jsonrpc=2.0&id=1&params={encoded}\"{key}",
        query_escape(method.full_name())
    );
    let _ = write!(
        out,
        "<pre class=\"example\"><code>{}</code></pre>\n\
         <details class=\"examples\">\n<summary>The same call by GET</summary>\n\
         <p class=\"hint\"><code>params</code> is the base64 of <code>{}</code>, url-encoded.</p>\n\
         <pre><code>{}</code></pre>\n</details>\n",
        esc(&post),
        esc(&params),
        esc(&get)
    );
}

/// Percent-encodes what a method name could hold that a query value cannot.
fn query_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' | b'~' => {
                out.push(char::from(byte));
            }
            _ => {
                let _ = write!(out, "%{byte:02X}");
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::query_escape;

    #[test]
    fn method_names_are_percent_encoded_in_a_query() {
        assert_eq!(query_escape("ns.tickets.get_it-1~"), "ns.tickets.get_it-1~");
        assert_eq!(query_escape("a b&c=d/é"), "a%20b%26c%3Dd%2F%C3%A9");
    }
}
