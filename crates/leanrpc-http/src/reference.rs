//! The reference page's route: `GET {path}/reference`, or `GET {path}` from a browser.

use std::borrow::Cow;

use crate::endpoint::Endpoint;
use crate::get::query_names_method;
use crate::request::{HttpRequest, HttpResponse};

/// The sub-path of the endpoint that serves the reference page.
const REFERENCE_SUFFIX: &str = "/reference";

impl Endpoint {
    /// Whether `path` is the reference page's own path, `{endpoint}/reference` (ignoring ASCII
    /// case and one trailing slash).
    pub fn matches_reference_path(&self, path: &str) -> bool {
        let want = self.server().path().trim_end_matches('/');
        let got = path.strip_suffix('/').unwrap_or(path);
        got.len() == want.len() + REFERENCE_SUFFIX.len()
            && got.is_char_boundary(want.len())
            && got[..want.len()].eq_ignore_ascii_case(want)
            && got[want.len()..].eq_ignore_ascii_case(REFERENCE_SUFFIX)
    }

    /// The reference page, when `req` asks for it: `GET {path}/reference`, or `GET {path}` from
    /// a browser (`Accept` names `text/html`) without a `method` in the query.
    pub(crate) fn reference_response(&self, req: &HttpRequest<'_>) -> Option<HttpResponse> {
        if req.method != "GET" {
            return None;
        }
        let page = self.server().reference_html()?;
        let csp = self.server().reference_csp()?;
        let wanted = self.matches_reference_path(req.path)
            || (self.matches_path(req.path)
                && accepts_html(req.headers.header("accept"))
                && !query_names_method(req.query.unwrap_or("")));
        if !wanted {
            return None;
        }
        // The same bytes for every request: nothing of the request (its `Host` least of all)
        // goes into the page.
        let body = page.as_bytes().to_vec();
        let headers = vec![
            ("content-type", Cow::Borrowed("text/html; charset=utf-8")),
            // Nothing but the inline style and the renderer's own inline scripts (which may
            // call this origin only): no other script, no frames, no form posts.
            ("content-security-policy", Cow::Owned(csp.to_owned())),
            ("x-content-type-options", Cow::Borrowed("nosniff")),
            ("referrer-policy", Cow::Borrowed("no-referrer")),
            ("vary", Cow::Borrowed("accept")),
        ];
        Some(HttpResponse {
            status: 200,
            headers,
            body,
        })
    }
}

/// Whether an `Accept` header names `text/html` (what browsers send for a page).
fn accepts_html(accept: Option<&[u8]>) -> bool {
    accept
        .and_then(|a| std::str::from_utf8(a).ok())
        .is_some_and(|a| {
            a.split(',').any(|media| {
                media
                    .split(';')
                    .next()
                    .is_some_and(|m| m.trim().eq_ignore_ascii_case("text/html"))
            })
        })
}
