//! The shared types (`components.schemas`), and the short type names used in tables.

use std::fmt::Write as _;

use leanrpc_core::discover::Api;
use serde_json::Value;

use crate::text::{esc, inline};

/// The shared types, each with its fields or values.
pub(crate) fn types(api: &Api, out: &mut String) {
    if api.schemas().len() == 0 {
        return;
    }
    out.push_str("<section class=\"types\" id=\"types\">\n<h2>Types</h2>\n");
    for (name, schema) in api.schemas() {
        let _ = writeln!(
            out,
            "<article class=\"type\" id=\"type-{0}\">\n<h3>{0}</h3>",
            esc(name)
        );
        if let Some(text) = schema.get("description").and_then(Value::as_str) {
            let _ = writeln!(out, "<p>{}</p>", inline(text));
        }
        if let Some(props) = schema.get("properties").and_then(Value::as_object) {
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            out.push_str(
                "<table class=\"fields\">\n<thead><tr><th>field</th><th>type</th><th></th></tr></thead>\n<tbody>\n",
            );
            // JSON objects here are sorted by key; the required list keeps declaration order.
            let mut fields: Vec<(&String, &Value)> = props.iter().collect();
            fields.sort_by_key(|(field, _)| {
                required
                    .iter()
                    .position(|r| r == field)
                    .unwrap_or(usize::MAX)
            });
            for (field, sub) in fields {
                let about = sub
                    .get("description")
                    .and_then(Value::as_str)
                    .map(inline)
                    .unwrap_or_default();
                let optional = if required.contains(&field.as_str()) {
                    ""
                } else {
                    " <span class=\"opt\">optional</span>"
                };
                let _ = writeln!(
                    out,
                    "<tr><td><code class=\"name\">{}</code>{optional}</td><td>{}</td><td>{about}</td></tr>",
                    esc(field),
                    type_html(api, sub, 0)
                );
            }
            out.push_str("</tbody>\n</table>\n");
        } else if let Some(values) = enum_values(schema) {
            out.push_str("<table class=\"values\">\n<thead><tr><th>value</th><th></th></tr></thead>\n<tbody>\n");
            for (value, about) in values {
                let _ = writeln!(
                    out,
                    "<tr><td><code>{}</code></td><td>{}</td></tr>",
                    esc(&value.to_string()),
                    about.map(inline).unwrap_or_default()
                );
            }
            out.push_str("</tbody>\n</table>\n");
        } else {
            let _ = writeln!(out, "<p>{}</p>", type_html(api, schema, 0));
        }
        out.push_str("</article>\n");
    }
    out.push_str("</section>\n");
}

/// The values of an enumeration (`enum`, or `oneOf` constants), with their descriptions.
fn enum_values(schema: &Value) -> Option<Vec<(Value, Option<&str>)>> {
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return Some(values.iter().map(|v| (v.clone(), None)).collect());
    }
    let options = schema.get("oneOf")?.as_array()?;
    options
        .iter()
        .map(|o| {
            let value = o
                .get("const")
                .cloned()
                .or_else(|| o.get("enum")?.as_array()?.first().cloned())?;
            Some((value, o.get("description").and_then(Value::as_str)))
        })
        .collect()
}

/// The type of a schema, or the Rust type when the schema says nothing.
pub(crate) fn type_or_rust(api: &Api, schema: &Value, rust: &str) -> String {
    if schema.as_object().is_some_and(|o| o.is_empty()) || schema == &Value::Bool(true) {
        format!(
            "<code class=\"rust\" title=\"Rust type\">{}</code>",
            esc(rust)
        )
    } else {
        type_html(api, schema, 0)
    }
}

/// A short, readable rendering of a schema's type, with links to named types.
fn type_html(api: &Api, schema: &Value, depth: usize) -> String {
    if depth > 4 {
        return "…".to_owned();
    }
    let Some(object) = schema.as_object() else {
        return match schema {
            Value::Bool(false) => "nothing".to_owned(),
            _ => "any".to_owned(),
        };
    };
    if let Some(reference_text) = object.get("$ref").and_then(Value::as_str) {
        return match api.resolve(reference_text) {
            Some((name, _)) => {
                let name = esc(name);
                format!("<a class=\"type\" href=\"#type-{name}\">{name}</a>")
            }
            None => format!("<code>{}</code>", esc(reference_text)),
        };
    }
    if let Some(value) = object.get("const") {
        return format!("<code>{}</code>", esc(&value.to_string()));
    }
    if let Some(values) = enum_values(schema) {
        return values
            .iter()
            .map(|(v, _)| format!("<code>{}</code>", esc(&v.to_string())))
            .collect::<Vec<_>>()
            .join(" | ");
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(options) = object.get(key).and_then(Value::as_array) {
            return options
                .iter()
                .map(|o| type_html(api, o, depth + 1))
                .collect::<Vec<_>>()
                .join(" | ");
        }
    }
    if let Some(first) = object
        .get("allOf")
        .and_then(Value::as_array)
        .and_then(|a| a.first())
    {
        return type_html(api, first, depth + 1);
    }
    let types: Vec<&str> = match object.get("type") {
        Some(Value::String(t)) => vec![t.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => return "any".to_owned(),
    };
    types
        .iter()
        .map(|t| match *t {
            "array" => {
                let item = object
                    .get("items")
                    .map_or_else(|| "any".to_owned(), |i| type_html(api, i, depth + 1));
                format!("array of {item}")
            }
            "object" => match object.get("additionalProperties") {
                Some(values @ Value::Object(_)) => {
                    format!("map of {}", type_html(api, values, depth + 1))
                }
                _ => "object".to_owned(),
            },
            "string" => match object.get("format").and_then(Value::as_str) {
                Some(format) => format!("string <span class=\"fmt\">({})</span>", esc(format)),
                None => "string".to_owned(),
            },
            other => esc(other),
        })
        .collect::<Vec<_>>()
        .join(" | ")
}
