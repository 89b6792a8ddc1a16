//! The "try it" console's markup: hidden until its script (`assets/console.js`) shows it, so
//! without JavaScript the page is the plain reference.

use std::fmt::Write as _;

use leanrpc_core::discover::Api;

use crate::text::esc;

pub(crate) fn console(api: &Api, out: &mut String) {
    let path = esc(api.path());
    let _ = write!(
        out,
        "<section id=\"try\" class=\"console\" hidden data-endpoint=\"{path}\">\n\
         <h2>Try it</h2>\n\
         <p class=\"hint\">Calls this server from your browser: pick a method, edit its params, \
         send it by POST or GET, or gather calls into a batch.",
    );
    if api.authenticates() {
        let _ = write!(
            out,
            " Your API key stays in this tab (<code>sessionStorage</code>, gone when the tab \
             closes) and is sent only to <code>{path}</code> on this server.",
        );
    }
    out.push_str(
        "</p>\n\
         <div class=\"row\"><label for=\"try-method\">method</label><select id=\"try-method\"></select></div>\n\
         <div class=\"row\"><label for=\"try-params\">params</label>\
         <textarea id=\"try-params\" rows=\"6\" spellcheck=\"false\"></textarea></div>\n",
    );
    if api.authenticates() {
        out.push_str(
            "<div class=\"row\"><label for=\"try-key\">x-api-key</label>\
             <input id=\"try-key\" type=\"password\" autocomplete=\"off\" spellcheck=\"false\" \
             placeholder=\"lt_...\"></div>\n",
        );
    }
    out.push_str(
        "<div class=\"row\"><label for=\"try-verb\">send by</label>\
         <select id=\"try-verb\"><option>POST</option><option>GET</option></select></div>\n\
         <div class=\"buttons\"><button type=\"button\" id=\"try-send\">Send</button>\
         <button type=\"button\" id=\"try-add\">Add to batch</button>\
         <button type=\"button\" id=\"try-send-batch\" disabled>Send batch (0)</button>\
         <button type=\"button\" id=\"try-clear\">Clear batch</button></div>\n\
         <pre id=\"try-batch\" hidden></pre>\n\
         <p id=\"try-status\" class=\"status\" aria-live=\"polite\"></p>\n\
         <pre id=\"try-answer\"></pre>\n\
         </section>\n",
    );
}
