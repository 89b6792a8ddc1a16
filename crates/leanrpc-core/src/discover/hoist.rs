//! Schema hoisting: each param and result schema is generated on its own, with its own
//! definitions; this moves the definitions (and named roots) into the shared components and
//! points every reference there, renaming a different type that reuses a taken name.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

/// Where references into the shared schemas point.
pub(super) const COMPONENTS: &str = "#/components/schemas/";

/// The schemas the methods share, under `components.schemas`.
#[derive(Debug, Default)]
pub(super) struct Components {
    pub(super) names: Vec<String>,
    pub(super) schemas: Vec<Value>,
    /// Each schema as it was generated (its references still local), to tell a type met
    /// again from a different type with the same name.
    originals: Vec<Value>,
    index: HashMap<String, usize>,
}

impl Components {
    /// Takes a schema generated on its own: moves its definitions (and the root itself, when
    /// it is a named struct or enum) into the components, and returns it with every
    /// reference pointing there.
    pub(super) fn adopt(&mut self, schema: Value) -> Value {
        let Value::Object(mut root) = schema else {
            return schema;
        };
        root.remove("$schema");
        let mut defs = Map::new();
        for key in ["definitions", "$defs"] {
            if let Some(Value::Object(found)) = root.remove(key) {
                defs.extend(found);
            }
        }
        // A type's name is its component's name: a title repeating it would make the same type
        // look different as a root and as a definition.
        for (name, sub) in &mut defs {
            if let Value::Object(sub) = sub
                && sub.get("title").and_then(Value::as_str) == Some(name)
            {
                sub.remove("title");
            }
        }
        let root_name = root
            .get("title")
            .and_then(Value::as_str)
            .filter(|_| {
                ["properties", "enum", "oneOf"]
                    .iter()
                    .any(|k| root.contains_key(*k))
                    || refers_to_root(&Value::Object(root.clone()))
            })
            .map(str::to_owned);
        // A hoisted root is named by its title; any other root's title ("int64",
        // "Array_of_Ticket", "Nullable_Status") is noise for a reader.
        root.remove("title");
        // First the names (a definition may refer to one placed after it), then the contents.
        let mut renames = HashMap::new();
        let mut placed = Vec::new();
        for (name, sub) in &defs {
            let (index, new) = self.place(name, sub);
            renames.insert(name.clone(), self.names[index].clone());
            placed.push((index, new, sub));
        }
        let root_index = root_name.map(|name| self.place(&name, &Value::Object(root.clone())));
        let root_ref = root_index.map(|(i, _)| format!("{COMPONENTS}{}", self.names[i]));
        for (index, new, sub) in placed {
            if new {
                self.schemas[index] = rewrite(sub.clone(), &renames, root_ref.as_deref());
            }
        }
        let root = rewrite(Value::Object(root), &renames, root_ref.as_deref());
        match root_index {
            Some((index, new)) => {
                if new {
                    self.schemas[index] = root;
                }
                json!({ "$ref": root_ref })
            }
            None => root,
        }
    }

    /// The index of a component for `name` with content `original`: the existing one when the
    /// same type was met before, otherwise a new one, renamed if the name is taken.
    fn place(&mut self, name: &str, original: &Value) -> (usize, bool) {
        let mut candidate = name.to_owned();
        let mut n = 1;
        loop {
            match self.index.get(&candidate) {
                Some(&i) if self.originals[i] == *original => return (i, false),
                Some(_) => {
                    n += 1;
                    candidate = format!("{name}{n}");
                }
                None => break,
            }
        }
        let index = self.names.len();
        self.index.insert(candidate.clone(), index);
        self.names.push(candidate);
        self.originals.push(original.clone());
        self.schemas.push(Value::Null);
        (index, true)
    }

    /// The component indices `schema` refers to directly, appended to `out`.
    pub(super) fn collect_refs(&self, schema: &Value, out: &mut Vec<usize>) {
        walk(schema, &mut |reference| {
            if let Some(i) = self.resolve(reference)
                && !out.contains(&i)
            {
                out.push(i);
            }
        });
    }

    /// The component a `$ref` points to.
    pub(super) fn resolve(&self, reference: &str) -> Option<usize> {
        let name = reference.strip_prefix(COMPONENTS)?;
        self.index.get(name).copied()
    }

    /// For each component, every component it uses, itself included.
    pub(super) fn closure(&self) -> Vec<Vec<usize>> {
        let direct: Vec<Vec<usize>> = self
            .schemas
            .iter()
            .map(|s| {
                let mut refs = Vec::new();
                self.collect_refs(s, &mut refs);
                refs
            })
            .collect();
        (0..self.schemas.len())
            .map(|start| {
                let mut seen = vec![start];
                let mut next = 0;
                while next < seen.len() {
                    for &r in &direct[seen[next]] {
                        if !seen.contains(&r) {
                            seen.push(r);
                        }
                    }
                    next += 1;
                }
                seen
            })
            .collect()
    }
}

/// Whether a schema refers to its own root (`"$ref": "#"`), as a recursive type may.
fn refers_to_root(schema: &Value) -> bool {
    let mut found = false;
    walk(schema, &mut |reference| found |= reference == "#");
    found
}

/// Calls `f` on every `$ref` in `schema`.
fn walk(schema: &Value, f: &mut dyn FnMut(&str)) {
    match schema {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(reference)) => f(reference),
                    _ => walk(value, f),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| walk(v, f)),
        _ => {}
    }
}

/// `schema` with its local references (`#/definitions/X`, `#/$defs/X`, `#`) pointing into the
/// components.
fn rewrite(schema: Value, renames: &HashMap<String, String>, root: Option<&str>) -> Value {
    match schema {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, value)| {
                    let value = match (key.as_str(), value) {
                        ("$ref", Value::String(reference)) => {
                            Value::String(relocate(&reference, renames, root))
                        }
                        (_, value) => rewrite(value, renames, root),
                    };
                    (key, value)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| rewrite(v, renames, root))
                .collect(),
        ),
        other => other,
    }
}

fn relocate(reference: &str, renames: &HashMap<String, String>, root: Option<&str>) -> String {
    if reference == "#" {
        return root.unwrap_or(reference).to_owned();
    }
    let local = ["#/definitions/", "#/$defs/"]
        .iter()
        .find_map(|prefix| reference.strip_prefix(prefix));
    let Some(rest) = local else {
        return reference.to_owned();
    };
    let (name, tail) = match rest.find('/') {
        Some(at) => (&rest[..at], &rest[at..]),
        None => (rest, ""),
    };
    match renames.get(name) {
        Some(new) => format!("{COMPONENTS}{new}{tail}"),
        None => reference.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Components;

    #[test]
    fn definitions_move_to_components_and_named_roots_too() {
        let mut c = Components::default();
        let ticket = json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "title": "Ticket",
            "type": "object",
            "properties": {"status": {"$ref": "#/definitions/Status"}},
            "definitions": {"Status": {"type": "string", "enum": ["new", "done"]}}
        });
        assert_eq!(
            c.adopt(ticket.clone()),
            json!({"$ref": "#/components/schemas/Ticket"})
        );
        assert_eq!(c.names, ["Status", "Ticket"]);
        assert_eq!(
            c.schemas[1]["properties"]["status"]["$ref"],
            "#/components/schemas/Status"
        );
        assert!(c.schemas[1].get("definitions").is_none());
        // The same type again is the same component.
        c.adopt(ticket);
        assert_eq!(c.names.len(), 2);
        // A different type with a taken name is renamed, and so are references to it.
        let other = json!({
            "title": "Wrapper",
            "type": "object",
            "properties": {"s": {"$ref": "#/$defs/Status"}},
            "$defs": {"Status": {"type": "integer"}}
        });
        c.adopt(other);
        assert_eq!(c.names, ["Status", "Ticket", "Status2", "Wrapper"]);
        assert_eq!(
            c.schemas[3]["properties"]["s"]["$ref"],
            "#/components/schemas/Status2"
        );
        // A primitive root stays inline, without its generated title.
        assert_eq!(
            c.adopt(json!({"title": "int64", "type": "integer", "format": "int64"})),
            json!({"type": "integer", "format": "int64"})
        );
        assert_eq!(c.adopt(json!(true)), json!(true));
    }

    #[test]
    fn recursive_roots_are_hoisted() {
        let mut c = Components::default();
        let node = json!({
            "title": "Node",
            "type": "array",
            "items": {"$ref": "#"}
        });
        assert_eq!(c.adopt(node), json!({"$ref": "#/components/schemas/Node"}));
        assert_eq!(c.schemas[0]["items"]["$ref"], "#/components/schemas/Node");
        assert_eq!(c.closure()[0], [0]);
    }
}
