//! The request bodies every contender is given.

use base64::Engine as _;

/// A positional call: `subtract(42, 23)`.
pub const SUBTRACT_POSITIONAL: &str =
    r#"{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":1}"#;

/// A named-param call, members out of declaration order: `subtract(42, 23)`.
pub const SUBTRACT_NAMED: &str =
    r#"{"jsonrpc":"2.0","method":"subtract","params":{"subtrahend":23,"minuend":42},"id":3}"#;

/// One call that waits 2 ms: `sleep2(7)`.
pub const SLEEP2: &str = r#"{"jsonrpc":"2.0","method":"sleep2","params":[7],"id":1}"#;

/// A batch of `n` copies of the single call `call`, with ids `0..n`.
pub fn batch(call: &str, n: usize) -> String {
    let (head, _) = call
        .rsplit_once(r#""id":"#)
        .expect("the call ends with its id");
    let items: Vec<String> = (0..n).map(|i| format!(r#"{head}"id":{i}}}"#)).collect();
    format!("[{}]", items.join(","))
}

/// A call of `strlen` with a string param of `len` bytes (plain text, no escapes).
pub fn strlen_call(len: usize) -> String {
    let text: String = "lorem ipsum dolor sit amet "
        .chars()
        .cycle()
        .take(len)
        .collect();
    format!(r#"{{"jsonrpc":"2.0","method":"strlen","params":[{text:?}],"id":1}}"#)
}

/// The Leantime GET form of [`SUBTRACT_POSITIONAL`]: params as url-encoded base64 JSON.
pub fn get_query() -> String {
    let params = base64::engine::general_purpose::STANDARD.encode("[42,23]");
    format!(
        "method=subtract&jsonrpc=2.0&id=1&params={}",
        params.replace('=', "%3D")
    )
}
