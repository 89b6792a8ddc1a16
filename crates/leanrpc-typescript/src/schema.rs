//! JSON Schema to TypeScript types: objects (required and optional properties, additional
//! properties), arrays and tuples, `enum` and `const` literals, `oneOf`/`anyOf` unions, `allOf`
//! intersections, `nullable` and type arrays, and `$ref`s to `components.schemas` as the named
//! types. What TypeScript cannot say (formats, ranges, patterns, `not`) widens to the plain
//! type; what this does not understand is `unknown`, never an error.

use serde_json::{Map, Value};

use crate::doc::Doc;
use crate::error::Error;
use crate::names::{TypeNames, property};

/// Where `$ref`s into the shared schemas point.
const COMPONENTS: &str = "#/components/schemas/";

/// How deep schemas may nest inline, so that a hostile document cannot exhaust the stack.
const MAX_DEPTH: usize = 64;

/// A TypeScript type as text, with how tightly it binds (to know when it needs parentheses).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Ts {
    text: String,
    kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A name, a literal, an object or tuple type, `T[]`, or anything parenthesized.
    Atom,
    /// `A & B`.
    Intersection,
    /// `A | B`.
    Union,
}

impl Ts {
    fn atom(text: impl Into<String>) -> Self {
        Ts {
            text: text.into(),
            kind: Kind::Atom,
        }
    }

    /// The text, parenthesized unless it binds at least as tightly as `kind`.
    fn within(&self, kind: Kind) -> String {
        let fits = match kind {
            Kind::Atom => self.kind == Kind::Atom,
            Kind::Intersection => self.kind != Kind::Union,
            Kind::Union => true,
        };
        if fits {
            self.text.clone()
        } else {
            format!("({})", self.text)
        }
    }

    /// `parts` joined with `&` or `|` (duplicates dropped); one part is itself.
    fn join(parts: Vec<Ts>, kind: Kind) -> Ts {
        let mut texts: Vec<String> = Vec::new();
        for part in &parts {
            let text = part.within(kind);
            if !texts.contains(&text) {
                texts.push(text);
            }
        }
        match texts.len() {
            0 if kind == Kind::Union => Ts::atom("never"),
            0 => Ts::atom("unknown"),
            1 => parts
                .into_iter()
                .find(|p| p.within(kind) == texts[0])
                .unwrap_or_else(|| Ts::atom("unknown")),
            _ => Ts {
                text: texts.join(if kind == Kind::Union { " | " } else { " & " }),
                kind,
            },
        }
    }
}

/// Turns the schemas of one document into TypeScript types.
#[derive(Debug)]
pub(crate) struct Types<'a> {
    components: &'a Map<String, Value>,
    names: &'a TypeNames,
}

impl<'a> Types<'a> {
    pub(crate) fn new(components: &'a Map<String, Value>, names: &'a TypeNames) -> Self {
        Types { components, names }
    }

    /// The TypeScript type of `schema` (found at `at`), its object types indented by `indent`
    /// levels of two spaces.
    pub(crate) fn render(&self, schema: &Value, at: &str, indent: usize) -> Result<String, Error> {
        Ok(self.ty(schema, at, indent, 0)?.text)
    }

    fn ty(&self, schema: &Value, at: &str, indent: usize, depth: usize) -> Result<Ts, Error> {
        if depth > MAX_DEPTH {
            return Err(Error::new(
                at,
                format!(
                    "schemas nest more than {MAX_DEPTH} levels deep; name the inner ones in components.schemas"
                ),
            ));
        }
        let object = match schema {
            Value::Bool(true) => return Ok(Ts::atom("unknown")),
            Value::Bool(false) => return Ok(Ts::atom("never")),
            Value::Object(object) => object,
            _ => return Err(Error::new(at, "a schema must be an object or a boolean")),
        };
        let mut parts = Vec::new();
        if let Some(reference) = object.get("$ref") {
            parts.push(self.reference(reference, &format!("{at}.$ref"))?);
        }
        if let Some(value) = object.get("const") {
            parts.push(literal(value));
        } else if let Some(values) = object.get("enum") {
            let values = values
                .as_array()
                .ok_or_else(|| Error::new(format!("{at}.enum"), "expected an array"))?;
            parts.push(Ts::join(values.iter().map(literal).collect(), Kind::Union));
        } else if let Some(base) = self.by_type(object, at, indent, depth)? {
            parts.push(base);
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(members) = object.get(key) {
                let members = self.list(members, &format!("{at}.{key}"), indent, depth)?;
                parts.push(Ts::join(members, Kind::Union));
            }
        }
        if let Some(members) = object.get("allOf") {
            parts.extend(self.list(members, &format!("{at}.allOf"), indent, depth)?);
        }
        let mut ty = Ts::join(parts, Kind::Intersection);
        if object.get("nullable") == Some(&Value::Bool(true)) {
            ty = Ts::join(vec![ty, Ts::atom("null")], Kind::Union);
        }
        Ok(ty)
    }

    fn list(
        &self,
        members: &Value,
        at: &str,
        indent: usize,
        depth: usize,
    ) -> Result<Vec<Ts>, Error> {
        let members = members
            .as_array()
            .ok_or_else(|| Error::new(at, "expected an array of schemas"))?;
        members
            .iter()
            .enumerate()
            .map(|(i, member)| self.ty(member, &format!("{at}[{i}]"), indent, depth + 1))
            .collect()
    }

    /// A `$ref`: the named type of a component; `unknown` for a reference elsewhere.
    fn reference(&self, reference: &Value, at: &str) -> Result<Ts, Error> {
        let reference = reference
            .as_str()
            .ok_or_else(|| Error::new(at, "expected a string"))?;
        let Some(pointer) = reference.strip_prefix(COMPONENTS) else {
            // Only references into this document's components are followed.
            return Ok(Ts::atom(format!(
                "unknown /* {} */",
                reference.replace("*/", "*\\/")
            )));
        };
        let name = pointer.replace("~1", "/").replace("~0", "~");
        match (self.components.get(&name), self.names.get(&name)) {
            (Some(_), Some(ty)) => Ok(Ts::atom(ty)),
            _ => Err(Error::new(
                at,
                format!("`{reference}` names no schema in components.schemas"),
            )),
        }
    }

    /// The type the `type` keyword (or, without it, the keywords present) says.
    fn by_type(
        &self,
        object: &Map<String, Value>,
        at: &str,
        indent: usize,
        depth: usize,
    ) -> Result<Option<Ts>, Error> {
        let types: Vec<&str> = match object.get("type") {
            None => {
                if [
                    "properties",
                    "additionalProperties",
                    "patternProperties",
                    "required",
                ]
                .iter()
                .any(|k| object.contains_key(*k))
                {
                    vec!["object"]
                } else if object.contains_key("items") || object.contains_key("prefixItems") {
                    vec!["array"]
                } else {
                    return Ok(None);
                }
            }
            Some(Value::String(one)) => vec![one.as_str()],
            Some(Value::Array(many)) => many
                .iter()
                .map(|t| {
                    t.as_str().ok_or_else(|| {
                        Error::new(
                            format!("{at}.type"),
                            "expected a string or an array of strings",
                        )
                    })
                })
                .collect::<Result<_, _>>()?,
            Some(_) => {
                return Err(Error::new(
                    format!("{at}.type"),
                    "expected a string or an array of strings",
                ));
            }
        };
        let mut members = Vec::new();
        for ty in types {
            members.push(match ty {
                "string" => Ts::atom("string"),
                "integer" | "number" => Ts::atom("number"),
                "boolean" => Ts::atom("boolean"),
                "null" => Ts::atom("null"),
                "array" => self.array(object, at, indent, depth)?,
                "object" => self.object(object, at, indent, depth)?,
                other => {
                    return Err(Error::new(
                        format!("{at}.type"),
                        format!("unknown type `{other}` (expected string, integer, number, boolean, null, array or object)"),
                    ));
                }
            });
        }
        Ok(Some(Ts::join(members, Kind::Union)))
    }

    /// `T[]`, or a tuple for `prefixItems` (or draft 7's array-valued `items`).
    fn array(
        &self,
        object: &Map<String, Value>,
        at: &str,
        indent: usize,
        depth: usize,
    ) -> Result<Ts, Error> {
        let (prefix, rest, rest_at) = match (object.get("prefixItems"), object.get("items")) {
            (Some(prefix), rest) => (Some((prefix, "prefixItems")), rest, "items"),
            (None, Some(items @ Value::Array(_))) => (
                Some((items, "items")),
                object.get("additionalItems"),
                "additionalItems",
            ),
            (None, rest) => (None, rest, "items"),
        };
        let rest = match rest {
            Some(schema) => self.ty(schema, &format!("{at}.{rest_at}"), indent, depth + 1)?,
            None => Ts::atom("unknown"),
        };
        let Some((prefix, key)) = prefix else {
            return Ok(Ts::atom(format!("{}[]", rest.within(Kind::Atom))));
        };
        let mut elements = self
            .list(prefix, &format!("{at}.{key}"), indent, depth)?
            .into_iter()
            .map(|t| t.text)
            .collect::<Vec<_>>();
        if rest.text != "never" {
            elements.push(format!("...{}[]", rest.within(Kind::Atom)));
        }
        Ok(Ts::atom(format!("[{}]", elements.join(", "))))
    }

    /// An object type: its properties (optional unless required), then an index signature for
    /// additional properties when the schema allows typed ones.
    fn object(
        &self,
        object: &Map<String, Value>,
        at: &str,
        indent: usize,
        depth: usize,
    ) -> Result<Ts, Error> {
        let empty = Map::new();
        let properties = match object.get("properties") {
            None => &empty,
            Some(Value::Object(properties)) => properties,
            Some(_) => return Err(Error::new(format!("{at}.properties"), "expected an object")),
        };
        let required: Vec<&str> = match object.get("required") {
            None => Vec::new(),
            Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
            Some(_) => {
                return Err(Error::new(
                    format!("{at}.required"),
                    "expected an array of property names",
                ));
            }
        };
        let pad = "  ".repeat(indent + 1);
        let mut lines = Vec::new();
        for (name, schema) in properties {
            let ty = self.ty(
                schema,
                &format!("{at}.properties.{name}"),
                indent + 1,
                depth + 1,
            )?;
            let optional = if required.contains(&name.as_str()) {
                ""
            } else {
                "?"
            };
            let doc = Doc::of_schema(schema).render(&pad);
            lines.push(format!(
                "{doc}{pad}{}{optional}: {};",
                property(name),
                ty.text
            ));
        }
        for name in required.iter().filter(|n| !properties.contains_key(**n)) {
            lines.push(format!("{pad}{}: unknown;", property(name)));
        }
        let mut extra = Vec::new();
        for key in ["additionalProperties", "patternProperties"] {
            match (key, object.get(key)) {
                (_, None) | (_, Some(Value::Bool(_))) => {}
                ("patternProperties", Some(Value::Object(patterns))) => {
                    for (pattern, schema) in patterns {
                        let at = format!("{at}.patternProperties.{pattern}");
                        extra.push(self.ty(schema, &at, indent + 1, depth + 1)?);
                    }
                }
                ("additionalProperties", Some(schema)) => {
                    let at = format!("{at}.additionalProperties");
                    extra.push(self.ty(schema, &at, indent + 1, depth + 1)?);
                }
                _ => return Err(Error::new(format!("{at}.{key}"), "expected an object")),
            }
        }
        let closed = object.get("additionalProperties") == Some(&Value::Bool(false));
        if !extra.is_empty() {
            // Every property must fit the index signature; when some are declared, the
            // signature says only that more may come.
            let value = if properties.is_empty() && required.is_empty() {
                Ts::join(extra, Kind::Union).text
            } else {
                "unknown".to_owned()
            };
            lines.push(format!("{pad}[key: string]: {value};"));
        } else if lines.is_empty() && !closed {
            return Ok(Ts::atom("{ [key: string]: unknown }"));
        }
        if lines.is_empty() {
            return Ok(Ts::atom("{}"));
        }
        Ok(Ts::atom(format!(
            "{{\n{}\n{}}}",
            lines.join("\n"),
            "  ".repeat(indent)
        )))
    }
}

/// The literal type of a JSON value (`"open"`, `3`, `true`, `null`, tuples and objects of them).
fn literal(value: &Value) -> Ts {
    match value {
        Value::Array(items) => Ts::atom(format!(
            "[{}]",
            items
                .iter()
                .map(|v| literal(v).text)
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Value::Object(members) => Ts::atom(format!(
            "{{ {} }}",
            members
                .iter()
                .map(|(k, v)| format!("{}: {};", property(k), literal(v).text))
                .collect::<Vec<_>>()
                .join(" ")
        )),
        // Numbers, strings, booleans and null print as their own literal types.
        other => Ts::atom(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ts(schema: Value) -> String {
        let components = json!({
            "Ticket": {"type": "object"},
            "a/b~c": {"type": "string"},
            "Array": {"type": "string"},
        });
        let components = components.as_object().unwrap();
        let names = TypeNames::new(components.keys().map(String::as_str), "RpcClient");
        Types::new(components, &names)
            .render(&schema, "s", 0)
            .unwrap()
    }

    fn fails(schema: Value) -> String {
        let components = Map::new();
        let names = TypeNames::default();
        Types::new(&components, &names)
            .render(&schema, "s", 0)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn scalars_and_type_arrays() {
        assert_eq!(ts(json!({"type": "string", "format": "date"})), "string");
        assert_eq!(ts(json!({"type": "integer", "format": "int64"})), "number");
        assert_eq!(ts(json!({"type": "number"})), "number");
        assert_eq!(ts(json!({"type": "boolean"})), "boolean");
        assert_eq!(ts(json!({"type": "null"})), "null");
        assert_eq!(ts(json!({"type": ["integer", "null"]})), "number | null");
        assert_eq!(ts(json!({"type": ["integer", "number"]})), "number");
        assert_eq!(
            ts(json!({"type": "string", "nullable": true})),
            "string | null"
        );
        assert_eq!(ts(json!(true)), "unknown");
        assert_eq!(ts(json!({})), "unknown");
        assert_eq!(ts(json!(false)), "never");
    }

    #[test]
    fn objects_with_required_optional_and_quoted_properties() {
        // Properties come in the order serde_json keeps them: by name.
        let schema = json!({
            "type": "object",
            "description": "ignored here: the caller documents the type",
            "properties": {
                "id": {"type": "integer", "description": "Its id."},
                "x-key": {"type": ["string", "null"]},
                "delete": {"type": "boolean"},
            },
            "required": ["id", "missing"],
        });
        assert_eq!(
            ts(schema),
            "{\n  delete?: boolean;\n  /** Its id. */\n  id: number;\n  \"x-key\"?: string | null;\n  missing: unknown;\n}"
        );
    }

    #[test]
    fn additional_properties_become_index_signatures() {
        assert_eq!(
            ts(
                json!({"type": "object", "additionalProperties": {"$ref": "#/components/schemas/Ticket"}})
            ),
            "{\n  [key: string]: Ticket;\n}"
        );
        assert_eq!(ts(json!({"type": "object"})), "{ [key: string]: unknown }");
        assert_eq!(
            ts(json!({"type": "object", "additionalProperties": false})),
            "{}"
        );
        // With declared properties, the index signature cannot be narrower than any of them.
        assert_eq!(
            ts(json!({
                "type": "object",
                "properties": {"a": {"type": "integer"}},
                "required": ["a"],
                "additionalProperties": {"type": "string"}
            })),
            "{\n  a: number;\n  [key: string]: unknown;\n}"
        );
        assert_eq!(
            ts(
                json!({"patternProperties": {"^x-": {"type": "integer"}, "^y-": {"type": "string"}}})
            ),
            "{\n  [key: string]: number | string;\n}"
        );
        // Nested objects indent one level deeper.
        assert_eq!(
            ts(json!({"properties": {"inner": {"properties": {"a": {"type": "null"}}}}})),
            "{\n  inner?: {\n    a?: null;\n  };\n}"
        );
    }

    #[test]
    fn arrays_and_tuples() {
        assert_eq!(
            ts(json!({"type": "array", "items": {"type": "string"}})),
            "string[]"
        );
        assert_eq!(ts(json!({"type": "array"})), "unknown[]");
        assert_eq!(
            ts(json!({"type": "array", "items": {"type": ["string", "null"]}})),
            "(string | null)[]"
        );
        assert_eq!(
            ts(
                json!({"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "items": false})
            ),
            "[number, string]"
        );
        assert_eq!(
            ts(json!({"prefixItems": [{"type": "integer"}]})),
            "[number, ...unknown[]]"
        );
        assert_eq!(
            ts(
                json!({"type": "array", "items": [{"type": "integer"}], "additionalItems": {"type": "boolean"}})
            ),
            "[number, ...boolean[]]"
        );
        assert_eq!(
            ts(json!({"type": "array", "items": {"type": "array", "items": {"type": "integer"}}})),
            "number[][]"
        );
    }

    #[test]
    fn enums_consts_and_unions() {
        assert_eq!(
            ts(json!({"type": "string", "enum": ["open", "done", "it's \"x\""]})),
            r#""open" | "done" | "it's \"x\"""#
        );
        assert_eq!(
            ts(json!({"enum": [1, -2.5, true, null]})),
            "1 | -2.5 | true | null"
        );
        assert_eq!(ts(json!({"const": "task"})), r#""task""#);
        assert_eq!(ts(json!({"const": {"a": [1, "x"]}})), r#"{ a: [1, "x"]; }"#);
        assert_eq!(ts(json!({"enum": []})), "never");
        assert_eq!(
            ts(json!({"anyOf": [{"$ref": "#/components/schemas/Ticket"}, {"type": "null"}]})),
            "Ticket | null"
        );
        assert_eq!(
            ts(json!({"oneOf": [{"type": "integer"}, {"type": "string"}, {"type": "integer"}]})),
            "number | string"
        );
        assert_eq!(
            ts(
                json!({"allOf": [{"$ref": "#/components/schemas/Ticket"}, {"anyOf": [{"type": "string"}, {"type": "null"}]}]})
            ),
            "Ticket & (string | null)"
        );
        assert_eq!(
            ts(
                json!({"type": "array", "items": {"allOf": [{"$ref": "#/components/schemas/Ticket"}, {"properties": {}}]}})
            ),
            "(Ticket & { [key: string]: unknown })[]"
        );
    }

    #[test]
    fn references_name_the_component_types() {
        assert_eq!(ts(json!({"$ref": "#/components/schemas/Ticket"})), "Ticket");
        // JSON pointer escapes, and a name made free of a global.
        assert_eq!(ts(json!({"$ref": "#/components/schemas/a~1b~0c"})), "a_b_c");
        assert_eq!(ts(json!({"$ref": "#/components/schemas/Array"})), "Array_");
        assert_eq!(
            ts(json!({"$ref": "https://example.com/x.json#/y*/z"})),
            "unknown /* https://example.com/x.json#/y*\\/z */"
        );
    }

    #[test]
    fn bad_schemas_say_where_and_why() {
        assert_eq!(
            fails(json!({"$ref": "#/components/schemas/Nope"})),
            "s.$ref: `#/components/schemas/Nope` names no schema in components.schemas"
        );
        assert_eq!(
            fails(json!(3)),
            "s: a schema must be an object or a boolean"
        );
        assert!(
            fails(json!({"type": "float"})).starts_with("s.type: unknown type `float`"),
            "{}",
            fails(json!({"type": "float"}))
        );
        assert_eq!(
            fails(json!({"properties": {"a": {"type": 3}}})),
            "s.properties.a.type: expected a string or an array of strings"
        );
        assert_eq!(fails(json!({"enum": "a"})), "s.enum: expected an array");
        let mut deep = json!({"type": "string"});
        for _ in 0..100 {
            deep = json!({"type": "array", "items": deep});
        }
        assert!(fails(deep).contains("nest more than 64 levels"));
    }
}
