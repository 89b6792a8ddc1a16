//! Self-contained schemas: a schema that points into the shared components, with every component
//! it reaches copied under `$defs`, in JSON Schema 2020-12 form, for front ends that hand one
//! schema to a client on its own (an MCP tool's input schema, a generated client's params type).

use serde_json::{Map, Value};

use super::hoist::{COMPONENTS, Components};

/// The dialect of a self-contained schema.
pub(super) const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Where references point inside a self-contained schema.
const DEFS: &str = "#/$defs/";

/// Keywords whose values are JSON instances, not schemas: left as they are.
const INSTANCE_KEYWORDS: [&str; 4] = ["const", "enum", "default", "examples"];

/// Keywords whose values map names to schemas.
const SCHEMA_MAPS: [&str; 4] = ["properties", "patternProperties", "$defs", "definitions"];

impl Components {
    /// `root` (which may refer to components) as a self-contained 2020-12 schema: the
    /// components it reaches under `$defs`, every reference pointing there. A boolean root
    /// refers to nothing and is returned as it is.
    pub(super) fn standalone(&self, root: Value) -> Value {
        let Value::Object(root) = root else {
            return root;
        };
        let root = Value::Object(root);
        let mut reached = Vec::new();
        self.collect_refs(&root, &mut reached);
        let mut next = 0;
        while next < reached.len() {
            self.collect_refs(&self.schemas[reached[next]], &mut reached);
            next += 1;
        }
        let mut out = Map::new();
        out.insert("$schema".into(), Value::String(DIALECT.into()));
        if let Value::Object(root) = to_2020_12(root) {
            out.extend(root);
        }
        if !reached.is_empty() {
            reached.sort_unstable();
            let defs = reached
                .into_iter()
                .map(|i| (self.names[i].clone(), to_2020_12(self.schemas[i].clone())))
                .collect();
            out.insert("$defs".into(), Value::Object(defs));
        }
        Value::Object(out)
    }
}

/// A draft-07 schema (as discovery holds them) in 2020-12 form: references into the components
/// point under `$defs`, and a tuple's `items` array becomes `prefixItems` (with
/// `additionalItems` becoming `items`). Values that are JSON instances (`const`, `enum`,
/// `default`, `examples`) and the names in `properties` are left as they are.
fn to_2020_12(schema: Value) -> Value {
    let Value::Object(map) = schema else {
        return schema;
    };
    let tuple = matches!(map.get("items"), Some(Value::Array(_)));
    let mut out = Map::new();
    for (key, value) in map {
        let (key, value) = match (key.as_str(), value) {
            ("$ref", Value::String(reference)) => {
                let reference = match reference.strip_prefix(COMPONENTS) {
                    Some(rest) => format!("{DEFS}{rest}"),
                    None => reference,
                };
                (key, Value::String(reference))
            }
            (k, value) if INSTANCE_KEYWORDS.contains(&k) => (key, value),
            (k, Value::Object(schemas)) if SCHEMA_MAPS.contains(&k) => (
                key,
                Value::Object(
                    schemas
                        .into_iter()
                        .map(|(name, s)| (name, to_2020_12(s)))
                        .collect(),
                ),
            ),
            ("items", value) if tuple => ("prefixItems".to_owned(), subschemas(value)),
            ("additionalItems", value) if tuple => ("items".to_owned(), to_2020_12(value)),
            // Without a tuple, draft-07 ignores `additionalItems`.
            ("additionalItems", _) => continue,
            (_, value) => (key, subschemas(value)),
        };
        out.insert(key, value);
    }
    Value::Object(out)
}

/// A keyword's value: one schema, or a list of them (`allOf`, `anyOf`, `oneOf`, tuples).
fn subschemas(value: Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(to_2020_12).collect()),
        other => to_2020_12(other),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{Components, to_2020_12};

    #[test]
    fn tuples_become_prefix_items_and_instances_stay_as_they_are() {
        let draft07 = json!({
            "type": "array",
            "items": [{"type": "integer"}, {"$ref": "#/components/schemas/Status"}],
            "additionalItems": false,
            "default": [1, {"$ref": "#/components/schemas/Status"}],
            "properties": {
                "const": {"$ref": "#/components/schemas/Status"},
                "items": {"type": "array", "items": {"type": "string"}, "additionalItems": true}
            }
        });
        assert_eq!(
            to_2020_12(draft07),
            json!({
                "type": "array",
                "prefixItems": [{"type": "integer"}, {"$ref": "#/$defs/Status"}],
                "items": false,
                "default": [1, {"$ref": "#/components/schemas/Status"}],
                "properties": {
                    "const": {"$ref": "#/$defs/Status"},
                    "items": {"type": "array", "items": {"type": "string"}}
                }
            })
        );
    }

    #[test]
    fn standalone_schemas_carry_what_they_reach_even_through_cycles() {
        let mut c = Components::default();
        let node = c.adopt(json!({
            "title": "Node",
            "type": "object",
            "properties": {"next": {"$ref": "#"}, "tag": {"$ref": "#/definitions/Tag"}},
            "definitions": {"Tag": {"type": "string"}}
        }));
        c.adopt(json!({"title": "Unused", "type": "object", "properties": {}}));
        let out = c.standalone(node);
        assert_eq!(out["$ref"], "#/$defs/Node");
        assert_eq!(
            out["$defs"]["Node"]["properties"]["next"]["$ref"],
            "#/$defs/Node"
        );
        let defs: Vec<&String> = out["$defs"].as_object().unwrap().keys().collect();
        assert_eq!(defs, ["Node", "Tag"]);
        // A boolean schema refers to nothing.
        assert_eq!(c.standalone(json!(false)), json!(false));
    }
}
