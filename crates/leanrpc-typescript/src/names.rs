//! TypeScript names: which strings may stand as identifiers, how any other string is quoted as a
//! property name, and the names the schemas' types get.

use std::collections::{HashMap, HashSet};

/// Words that cannot name a type or a value: JavaScript's reserved words, TypeScript's type
/// keywords, and the global types the generated module uses (a type of the same name would hide
/// them from the runtime code).
const RESERVED: &[&str] = &[
    // JavaScript reserved words (and strict-mode ones).
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "import",
    "in",
    "instanceof",
    "new",
    "null",
    "return",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "implements",
    "interface",
    "let",
    "package",
    "private",
    "protected",
    "public",
    "static",
    "yield",
    "await",
    "arguments",
    "eval",
    // TypeScript's type keywords and contextual keywords that cannot name a type.
    "any",
    "unknown",
    "never",
    "object",
    "string",
    "number",
    "boolean",
    "symbol",
    "bigint",
    "undefined",
    "type",
    "namespace",
    "module",
    "declare",
    "abstract",
    "as",
    "asserts",
    "infer",
    "is",
    "keyof",
    "readonly",
    "unique",
    "satisfies",
    "accessor",
    "global",
    "require",
    // Global types and values the generated code names.
    "Array",
    "Boolean",
    "Error",
    "Function",
    "JSON",
    "Map",
    "Number",
    "Object",
    "Promise",
    "ReturnType",
    "Record",
    "String",
    "TypeError",
    "AbortController",
    "RequestInit",
    "Response",
    "TextEncoder",
    "Uint8Array",
    "fetch",
    "btoa",
    "encodeURIComponent",
    "setTimeout",
    "clearTimeout",
];

/// The names the generated module declares itself.
pub(crate) const RUNTIME_NAMES: &[&str] = &[
    "RpcClientOptions",
    "JsonRpcError",
    "RpcTransportError",
    "RpcPending",
    "RpcSettled",
    "RpcKind",
    "RpcArgs",
    "RpcParams",
    "RpcResult",
    "RpcFn",
    "RpcAnyParams",
    "RpcMethodInfo",
    "RpcSettings",
    "RpcCall",
    "RpcClientCore",
    "RpcMethods",
    "RpcApi",
    "RPC_METHODS",
];

/// The client's own members, which a top-level name segment must not take.
pub(crate) const CLIENT_MEMBERS: &[&str] = &["$call", "$batch", "$notify"];

/// Whether `name` is an ASCII identifier: a letter, `_` or `$`, then letters, digits, `_`, `$`.
pub(crate) fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// Whether `name` may name a type or a value of the generated module.
pub(crate) fn is_free(name: &str) -> bool {
    is_identifier(name) && !RESERVED.contains(&name) && !RUNTIME_NAMES.contains(&name)
}

/// A property name as TypeScript source: bare when it is an identifier (reserved words too,
/// which are fine as property names), quoted otherwise.
pub(crate) fn property(name: &str) -> String {
    if is_identifier(name) {
        name.to_owned()
    } else {
        string(name)
    }
}

/// `text` as a TypeScript string literal (JSON's escaping is valid TypeScript).
pub(crate) fn string(text: &str) -> String {
    serde_json::Value::String(text.to_owned()).to_string()
}

/// The TypeScript names of the component schemas: each name kept when it is a free identifier,
/// otherwise made one (`Array` → `Array_`, `a-b` → `a_b`, `1x` → `_1x`), then numbered on a
/// clash with another component or the client class.
#[derive(Debug, Default)]
pub(crate) struct TypeNames {
    by_component: HashMap<String, String>,
    taken: HashSet<String>,
}

impl TypeNames {
    /// Names the components `names` (in order), never taking `class_name`.
    pub(crate) fn new<'a>(names: impl IntoIterator<Item = &'a str>, class_name: &str) -> Self {
        let mut this = TypeNames::default();
        this.taken.insert(class_name.to_owned());
        for name in names {
            let mut base: String = name
                .chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() || c == '_' || c == '$' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            if !base.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_' || c == '$') {
                base.insert(0, '_');
            }
            while !is_free(&base) {
                base.push('_');
            }
            let mut candidate = base.clone();
            let mut n = 1;
            while this.taken.contains(&candidate) {
                n += 1;
                candidate = format!("{base}{n}");
            }
            this.taken.insert(candidate.clone());
            this.by_component.insert(name.to_owned(), candidate);
        }
        this
    }

    /// The type name of component `name`.
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.by_component.get(name).map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_are_ascii_names_not_starting_with_a_digit() {
        for name in ["getTicket", "_x", "$y", "a1", "delete"] {
            assert!(is_identifier(name), "{name}");
        }
        for name in ["", "1a", "a-b", "a.b", "a b", "é", "x\u{2028}"] {
            assert!(!is_identifier(name), "{name}");
        }
    }

    #[test]
    fn property_names_are_bare_or_quoted() {
        assert_eq!(property("getTicket"), "getTicket");
        // Reserved words are valid property names: `client.tickets.delete(...)`.
        assert_eq!(property("delete"), "delete");
        assert_eq!(property("x-min-role"), r#""x-min-role""#);
        assert_eq!(property("3"), r#""3""#);
        assert_eq!(property(""), r#""""#);
        assert_eq!(property("say \"hi\"\n"), r#""say \"hi\"\n""#);
        assert_eq!(property("é"), "\"é\"");
    }

    #[test]
    fn type_names_avoid_reserved_words_globals_runtime_names_and_each_other() {
        let names = TypeNames::new(
            [
                "Ticket",
                "Array",
                "delete",
                "a-b",
                "a_b",
                "1st",
                "JsonRpcError",
                "RpcClient",
                "",
            ],
            "RpcClient",
        );
        assert_eq!(names.get("Ticket"), Some("Ticket"));
        assert_eq!(names.get("Array"), Some("Array_"));
        assert_eq!(names.get("delete"), Some("delete_"));
        assert_eq!(names.get("a-b"), Some("a_b"));
        assert_eq!(names.get("a_b"), Some("a_b2"));
        assert_eq!(names.get("1st"), Some("_1st"));
        assert_eq!(names.get("JsonRpcError"), Some("JsonRpcError_"));
        assert_eq!(names.get("RpcClient"), Some("RpcClient2"));
        assert_eq!(names.get(""), Some("_"));
        assert_eq!(names.get("Missing"), None);
    }
}
