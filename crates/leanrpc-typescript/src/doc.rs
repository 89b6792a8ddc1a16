//! `/** ... */` comments from the document's summaries and descriptions.

use serde_json::Value;

/// The lines of one doc comment.
#[derive(Debug, Default)]
pub(crate) struct Doc {
    lines: Vec<String>,
}

impl Doc {
    /// A schema's `description`, `default` and `deprecated`, for the property or type it
    /// describes (`title` is left out: it repeats the name).
    pub(crate) fn of_schema(schema: &Value) -> Doc {
        let mut doc = Doc::default();
        doc.text(schema.get("description").and_then(Value::as_str));
        if let Some(default) = schema.get("default") {
            doc.line(format!("@default {default}"));
        }
        if schema.get("deprecated") == Some(&Value::Bool(true)) {
            doc.line("@deprecated");
        }
        doc
    }

    /// Adds a paragraph (several lines kept as they are), unless it is empty or absent.
    pub(crate) fn text(&mut self, text: Option<&str>) {
        let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
            return;
        };
        if !self.lines.is_empty() {
            self.lines.push(String::new());
        }
        self.lines
            .extend(text.lines().map(|l| l.trim_end().to_owned()));
    }

    /// Adds one line.
    pub(crate) fn line(&mut self, line: impl Into<String>) {
        self.lines.push(line.into());
    }

    /// Whether there is nothing to say.
    pub(crate) fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// The comment, each line starting with `pad`, ending in a newline; empty when there is
    /// nothing to say. A `*/` in the text cannot end the comment early.
    pub(crate) fn render(&self, pad: &str) -> String {
        let lines: Vec<String> = self.lines.iter().map(|l| l.replace("*/", "*\\/")).collect();
        match lines.as_slice() {
            [] => String::new(),
            [one] => format!("{pad}/** {one} */\n"),
            many => {
                let mut out = format!("{pad}/**\n");
                for line in many {
                    if line.is_empty() {
                        out.push_str(&format!("{pad} *\n"));
                    } else {
                        out.push_str(&format!("{pad} * {line}\n"));
                    }
                }
                out.push_str(&format!("{pad} */\n"));
                out
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn one_line_many_lines_and_nothing() {
        assert_eq!(Doc::default().render("  "), "");
        let mut doc = Doc::default();
        doc.text(Some("  Returns one ticket.  "));
        assert_eq!(doc.render("  "), "  /** Returns one ticket. */\n");
        doc.text(Some("First.\nSecond."));
        doc.line("@deprecated");
        assert_eq!(
            doc.render(""),
            "/**\n * Returns one ticket.\n *\n * First.\n * Second.\n * @deprecated\n */\n"
        );
    }

    #[test]
    fn comment_ends_in_the_text_are_escaped() {
        let mut doc = Doc::default();
        doc.text(Some("a */ b"));
        assert_eq!(doc.render(""), "/** a *\\/ b */\n");
    }

    #[test]
    fn schema_docs_say_the_default_and_deprecation() {
        let doc = Doc::of_schema(&json!({
            "title": "Limit",
            "description": "At most this many.",
            "default": 100,
            "deprecated": true
        }));
        assert_eq!(
            doc.render(""),
            "/**\n * At most this many.\n * @default 100\n * @deprecated\n */\n"
        );
        assert!(Doc::of_schema(&json!({"title": "x"})).is_empty());
    }
}
