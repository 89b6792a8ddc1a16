//! Example values for renderings: a value that fits a schema (or, when the schema says
//! nothing, a Rust type as written), as the reference page shows in its example requests.

use serde_json::{Map, Value, json};

use super::hoist::Components;
use super::model::Api;

impl Api {
    /// An example value that fits `schema` (a [param's](super::Param::schema) or a shared one),
    /// for a rendering's example requests: its `const`, `default`, first `enum` value or first
    /// example, or a plain value of its type (`1`, `"text"`, an object with its required
    /// members). When the schema says nothing (`{}`), `rust_type` (the type as written, such as
    /// [`Param::rust_type`](super::Param::rust_type)) guides it; `null` when neither helps.
    pub fn example(&self, schema: &Value, rust_type: &str) -> Value {
        match self.components.example(schema, 0) {
            Some(value) => value,
            None => example_for_rust_type(rust_type),
        }
    }
}

impl Components {
    /// An example value for `schema`, or `None` when the schema says nothing useful.
    pub(super) fn example(&self, schema: &Value, depth: usize) -> Option<Value> {
        if depth > 6 {
            return None;
        }
        let object = schema.as_object()?;
        if let Some(reference) = object.get("$ref").and_then(Value::as_str) {
            let i = self.resolve(reference)?;
            return self.example(&self.schemas[i], depth + 1);
        }
        for key in ["const", "default"] {
            if let Some(value) = object.get(key) {
                return Some(value.clone());
            }
        }
        for key in ["enum", "examples"] {
            if let Some(first) = object
                .get(key)
                .and_then(Value::as_array)
                .and_then(|a| a.first())
            {
                return Some(first.clone());
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            if let Some(options) = object.get(key).and_then(Value::as_array) {
                return options
                    .iter()
                    .filter(|o| o.get("type").and_then(Value::as_str) != Some("null"))
                    .find_map(|o| self.example(o, depth + 1));
            }
        }
        let ty = match object.get("type") {
            Some(Value::String(t)) => t.as_str(),
            Some(Value::Array(types)) => types
                .iter()
                .filter_map(Value::as_str)
                .find(|t| *t != "null")?,
            _ => return None,
        };
        Some(match ty {
            "integer" | "number" => json!(1),
            "boolean" => json!(true),
            "string" => match object.get("format").and_then(Value::as_str) {
                Some("date-time") => json!("2024-01-31T12:00:00Z"),
                Some("date") => json!("2024-01-31"),
                _ => json!("text"),
            },
            "array" => {
                let item = object.get("items").and_then(|i| self.example(i, depth + 1));
                Value::Array(item.into_iter().collect())
            }
            "object" => {
                let mut out = Map::new();
                let required = object.get("required").and_then(Value::as_array);
                if let (Some(props), Some(required)) = (
                    object.get("properties").and_then(Value::as_object),
                    required,
                ) {
                    for name in required.iter().filter_map(Value::as_str) {
                        if let Some(value) =
                            props.get(name).and_then(|s| self.example(s, depth + 1))
                        {
                            out.insert(name.to_owned(), value);
                        }
                    }
                }
                Value::Object(out)
            }
            _ => Value::Null,
        })
    }
}

/// An example value from a Rust type as written, for params without a schema.
pub(super) fn example_for_rust_type(ty: &str) -> Value {
    let ty = ty.trim();
    if let Some(inner) = ty.strip_prefix("Option<").and_then(|t| t.strip_suffix('>')) {
        return example_for_rust_type(inner);
    }
    match ty {
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" | "u8" | "u16" | "u32" | "u64" | "u128"
        | "usize" => json!(1),
        "f32" | "f64" => json!(1.5),
        "bool" => json!(true),
        "String" | "&str" | "str" | "char" => json!("text"),
        _ if ty.starts_with("Vec<") || ty.starts_with('[') => json!([]),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::hoist::Components;
    use super::example_for_rust_type;

    #[test]
    fn examples_follow_the_schema() {
        let mut c = Components::default();
        c.adopt(json!({
            "title": "Ticket",
            "type": "object",
            "required": ["id", "status"],
            "properties": {
                "id": {"type": "integer"},
                "note": {"type": "string"},
                "status": {"$ref": "#/definitions/Status"}
            },
            "definitions": {"Status": {"oneOf": [{"const": "new"}, {"const": "done"}]}}
        }));
        let reference = json!({"$ref": "#/components/schemas/Ticket"});
        assert_eq!(
            c.example(&reference, 0),
            Some(json!({"id": 1, "status": "new"}))
        );
        assert_eq!(
            c.example(&json!({"type": ["string", "null"]}), 0),
            Some(json!("text"))
        );
        assert_eq!(c.example(&json!({}), 0), None);
        assert_eq!(example_for_rust_type("Option<i64>"), json!(1));
        assert_eq!(example_for_rust_type("String"), json!("text"));
    }
}
