//! The browsable API reference of a leanrpc server: one self-contained HTML page rendered from
//! the public discovery model ([`leanrpc_core::discover::Api`]).
//!
//! ```
//! # use leanrpc_core::Server;
//! let server = Server::builder()
//!     .reference_page(leanrpc_reference::Page::default())
//!     .build()
//!     .unwrap();
//! assert!(server.reference_html().unwrap().starts_with("<!doctype html>"));
//! ```
//!
//! The server renders the page once, when it is built, and serves it for `GET` on the endpoint
//! path with `Accept: text/html` and for `GET {path}/reference`. No external assets: the CSS
//! is inline, the examples fold with `<details>`, and every text that comes from the code (doc
//! comments, names, schemas) is escaped. One inline script (`assets/console.js`, allowed by
//! its hash in the page's Content-Security-Policy, which lets it call only the page's own
//! origin) adds a "try it" console: pick a method, edit its example params, paste a key (kept
//! in the tab's `sessionStorage`, sent only to the endpoint), send by POST or GET, or as a
//! batch, and read the answer. Without JavaScript the console stays hidden and the page is
//! the plain reference. Nothing in the page comes from the
//! request (a `Host` header copied into the example `URL=` line would let whoever sets it, or a
//! cache in between, point readers' keys at another server).
//!
//! The HTML skeleton and the style sheet are files (`assets/page.html`, `assets/page.css`)
//! included at build time; the parts made from the model are written in `header.rs`,
//! `method.rs` and `types.rs`.

mod console;
mod header;
mod method;
mod text;
mod types;

use std::fmt::Write as _;

use leanrpc_core::discover::{Api, Method, OPENRPC_VERSION, PageRenderer};

use crate::text::esc;

/// The page's skeleton, with `{{slot}}`s for the parts made from the model.
const SKELETON: &str = include_str!("../assets/page.html");

/// The page's style sheet, inlined into the skeleton.
const CSS: &str = include_str!("../assets/page.css");

/// The "try it" console's script, inlined into the skeleton; the page's Content-Security-Policy
/// lets exactly this text run ([`Page::script_hashes`]).
const SCRIPT: &str = include_str!("../assets/console.js");

/// The HTML reference page, as a [`PageRenderer`] for `ServerBuilder::reference_page`.
///
/// ```
/// # use leanrpc_core::Server;
/// let server = Server::builder()
///     .public_url("https://api.example.com")
///     .reference_page(leanrpc_reference::Page::default())
///     .build()
///     .unwrap();
/// assert!(server.reference_html().unwrap().contains("URL=https://api.example.com/api/jsonrpc"));
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct Page {}

impl Page {
    /// The page as leanrpc ships it.
    pub fn new() -> Self {
        Self::default()
    }
}

impl PageRenderer for Page {
    fn render(&self, api: &Api, public_url: Option<&str>) -> String {
        render(api, public_url)
    }

    /// The console's script, the page's only one.
    fn script_hashes(&self) -> Vec<String> {
        vec![script_hash()]
    }
}

/// The Content-Security-Policy source of the console's script: `'sha256-…'`.
pub fn script_hash() -> String {
    use base64::Engine as _;
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(SCRIPT.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// Renders the reference page of `api`. `public_url` is the server's address as the operator
/// configured it (`ServerBuilder::public_url`); without it the example `URL=` line holds a
/// placeholder.
pub fn render(api: &Api, public_url: Option<&str>) -> String {
    let mut out = String::with_capacity(32 * 1024);
    fill(SKELETON, &mut out, |slot, out| match slot {
        "title" => out.push_str(&esc(api.title())),
        "css" => out.push_str(CSS),
        "header" => header::header(api, public_url, out),
        "console" => console::console(api, out),
        "script" => out.push_str(SCRIPT),
        "nav" => nav(api, out),
        "main" => main(api, out),
        "openrpc_version" => out.push_str(OPENRPC_VERSION),
        _ => {}
    });
    out
}

/// Writes `template` to `out`, each `{{name}}` replaced by what `slot` writes for `name`.
/// One pass over the template: what a slot writes is never searched for slots.
fn fill(template: &str, out: &mut String, mut slot: impl FnMut(&str, &mut String)) {
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find("}}") else {
            rest = &rest[start..];
            break;
        };
        slot(&after[..end], out);
        rest = &after[end + 2..];
    }
    out.push_str(rest);
}

/// The methods grouped by service, services in order of first appearance.
fn services(api: &Api) -> Vec<(&'static str, Vec<&Method>)> {
    let mut groups: Vec<(&str, Vec<&Method>)> = Vec::new();
    for method in api.methods() {
        let service = method.service();
        match groups.iter_mut().find(|(s, _)| *s == service) {
            Some((_, list)) => list.push(method),
            None => groups.push((service, vec![method])),
        }
    }
    groups
}

fn nav(api: &Api, out: &mut String) {
    out.push_str("<nav>\n");
    for (service, methods) in services(api) {
        let heading = if service.is_empty() {
            "methods"
        } else {
            service
        };
        let _ = writeln!(out, "<h2>{}</h2>\n<ul>", esc(heading));
        for method in methods {
            let _ = writeln!(
                out,
                "<li><a href=\"#{}\">{}</a></li>",
                esc(method.full_name()),
                esc(method.name())
            );
        }
        out.push_str("</ul>\n");
    }
    if api.schemas().len() > 0 {
        out.push_str("<h2>types</h2>\n<ul>\n");
        for (name, _) in api.schemas() {
            let _ = writeln!(out, "<li><a href=\"#type-{0}\">{0}</a></li>", esc(name));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</nav>\n");
}

/// The methods by service, then the types.
fn main(api: &Api, out: &mut String) {
    for (service, methods) in services(api) {
        let heading = if service.is_empty() {
            "Methods".to_owned()
        } else {
            esc(service)
        };
        let _ = writeln!(
            out,
            "<section class=\"service\" id=\"service-{}\">\n<h2>{heading}</h2>",
            esc(service)
        );
        for method in methods {
            method::method(api, method, out);
        }
        out.push_str("</section>\n");
    }
    types::types(api, out);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_skeleton_has_each_slot_once_in_order() {
        let mut slots = Vec::new();
        let mut out = String::new();
        fill(SKELETON, &mut out, |slot, _| slots.push(slot.to_owned()));
        assert_eq!(
            slots,
            [
                "title",
                "css",
                "header",
                "console",
                "nav",
                "main",
                "openrpc_version",
                "script"
            ]
        );
        assert!(out.starts_with("<!doctype html>\n"), "{out}");
        assert!(!out.contains("{{") && !out.contains("}}"), "{out}");
    }

    #[test]
    fn slots_are_filled_once_and_their_text_is_not_searched() {
        let mut out = String::new();
        fill("a{{x}}b{{y}}c{{unclosed", &mut out, |slot, out| {
            out.push_str(if slot == "x" { "{{y}}" } else { "Y" });
        });
        assert_eq!(out, "a{{y}}bYc{{unclosed");
    }

    #[test]
    fn the_script_is_inline_calls_only_the_endpoint_and_is_hashed() {
        // It cannot end its own element, loads nothing, and writes no HTML.
        for banned in [
            "</script",
            "import(",
            "innerHTML",
            "eval(",
            "document.write",
            "http://",
            "https://",
            "localStorage",
        ] {
            assert!(!SCRIPT.contains(banned), "{banned}");
        }
        assert_eq!(SCRIPT.matches("fetch(").count(), 1, "one request site");
        assert!(SCRIPT.contains("sessionStorage"));
        let server = leanrpc_core::Server::builder()
            .reference_page(Page::default())
            .build()
            .unwrap();
        let html = server.reference_html().unwrap();
        assert!(html.contains(&format!("<script>{SCRIPT}</script>")));
        let hash = script_hash();
        assert!(
            hash.starts_with("'sha256-") && hash.ends_with("='"),
            "{hash}"
        );
        assert_eq!(hash.len(), "'sha256-'".len() + 44);
    }

    #[test]
    fn the_style_sheet_is_inline_and_loads_nothing() {
        assert!(CSS.starts_with(":root{"));
        for external in ["url(", "@import"] {
            assert!(!CSS.contains(external), "{external}");
        }
    }
}
