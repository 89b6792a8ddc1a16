//! The page's header: title, version, how to call the API, and the shell variables the
//! examples use.

use std::fmt::Write as _;

use leanrpc_core::discover::Api;

use crate::text::{esc, inline};

pub(crate) fn header(api: &Api, public_url: Option<&str>, out: &mut String) {
    let _ = write!(
        out,
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">API reference · version {} · JSON-RPC 2.0 at \
         <code>{}</code></p>\n<p>{}</p>\n",
        esc(api.title()),
        esc(api.version()),
        esc(api.path()),
        inline(api.description()),
    );
    let key = if api.authenticates() {
        "\nKEY=lt_...   # your API key"
    } else {
        ""
    };
    let (intro, base) = match public_url {
        Some(url) => ("", esc(url.trim_end_matches('/'))),
        None => (
            " (put this server's address in place of <code>HOST</code>)",
            "https://HOST".to_owned(),
        ),
    };
    let _ = write!(
        out,
        "<p>The examples below use two shell variables{intro}:</p>\n\
         <pre class=\"setup\"><code>URL={base}{}{key}</code></pre>\n</header>\n",
        esc(api.path()),
    );
}
