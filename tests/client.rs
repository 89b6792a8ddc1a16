//! The Rust client `#[rpc_service(client)]` generates, against a service with every binding
//! form (named, positional, optional, default, struct params, renames and aliases, Leantime's
//! `values` object, raw params, context params), in process and over real HTTP: answers
//! decoded, errors kept whole (code, message, data), batches, notifications, GET.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use leanrpc::client::{Client, ClientError, HttpMethod, HttpTransport, InProcess};
use leanrpc::{
    AuthError, Authenticator, BoxFuture, CallContext, Caller, Credentials, Params, Role, RpcError,
    Server, rpc_service,
};
use leanrpc_test_support::caller;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------------
// The service

/// A point, passed whole as one param.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Point {
    x: i64,
    y: i64,
}

/// Leantime's `values` object: camelCase fields, optional ones left out when unset.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TicketValues {
    headline: String,
    project_id: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<String>>,
}

/// What `addTicket` answers: the ticket as stored, and who stored it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Stored {
    id: i64,
    values: TicketValues,
    author: String,
}

struct Forms {
    touched: AtomicUsize,
}

#[rpc_service("forms", client)]
impl Forms {
    /// Two required params, bound by name or position.
    fn subtract(&self, minuend: i64, subtrahend: i64) -> i64 {
        minuend - subtrahend
    }

    /// A required and an optional param.
    fn greet(&self, name: String, title: Option<String>) -> Result<String, RpcError> {
        if name.is_empty() {
            return Err(RpcError::invalid_param("name", "must not be empty"));
        }
        Ok(match title {
            Some(title) => format!("hello {title} {name}"),
            None => format!("hello {name}"),
        })
    }

    /// Defaulted params: missing is 0.
    fn page(&self, #[rpc(default)] limit: u32, #[rpc(default)] offset: u32) -> Vec<u32> {
        vec![limit, offset]
    }

    /// A struct param.
    fn mirror(&self, point: Point) -> Point {
        Point {
            x: -point.x,
            y: -point.y,
        }
    }

    /// A renamed method with an alias, and a renamed param.
    #[rpc(name = "getAllTickets", alias = "list")]
    fn all_tickets(&self, #[rpc(name = "pid")] project: i64) -> Vec<i64> {
        vec![project * 10 + 1, project * 10 + 2]
    }

    /// Leantime's `values` shape, with the caller as a context param.
    async fn add_ticket(&self, caller: &Caller, values: TicketValues) -> Result<Stored, RpcError> {
        if values.headline.trim().is_empty() {
            return Err(RpcError::invalid_param(
                "values.headline",
                "must not be empty",
            ));
        }
        Ok(Stored {
            id: 7,
            values,
            author: caller.key_id().to_owned(),
        })
    }

    /// The whole params, unparsed (positional here).
    fn sum(&self, params: Params<'_>) -> Result<i64, RpcError> {
        let numbers: Vec<i64> = params.sequence()?;
        Ok(numbers.iter().sum())
    }

    /// An error with a code, message and data of the caller's choosing.
    fn fail(&self, code: i32) -> Result<(), RpcError> {
        Err(
            RpcError::with_message(leanrpc::ErrorCode::new(code), "failed on purpose")
                .data(json!({ "asked": code })),
        )
    }

    /// Returns nothing; counts the calls.
    fn touch(&self) {
        self.touched.fetch_add(1, Ordering::SeqCst);
    }

    /// How many times `touch` ran.
    fn touched(&self) -> usize {
        self.touched.load(Ordering::SeqCst)
    }

    /// The caller's key id, if any (optional context).
    fn who(&self, caller: Option<&Caller>) -> Option<String> {
        caller.map(|c| c.key_id().to_owned())
    }

    /// The method name as called, and a param (the call context as a param).
    fn called_as(&self, ctx: &CallContext<'_>, n: i64) -> String {
        format!("{} {n}", ctx.method())
    }

    /// A `Self` in the signature, resolved to the service type.
    fn echo_values(&self, values: <Self as Typed>::Values) -> TicketValues {
        values
    }
}

trait Typed {
    type Values;
}

impl Typed for Forms {
    type Values = TicketValues;
}

fn forms() -> Forms {
    Forms {
        touched: AtomicUsize::new(0),
    }
}

fn server(auth: bool) -> Server {
    let builder = Server::builder().namespace("leantime.rpc").service(forms());
    let builder = if auth {
        builder.authenticator(OneKey).default_role(Role::Readonly)
    } else {
        builder
    };
    builder.build().unwrap()
}

/// Accepts the key `good`, as the caller `k1`.
struct OneKey;

impl Authenticator for OneKey {
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<Arc<Caller>, AuthError>> {
        Box::pin(async move {
            match credentials.api_key {
                Some(b"good") => Ok(Arc::new(caller(Role::Owner))),
                Some(_) => Err(AuthError::Rejected),
                None => Err(AuthError::Missing),
            }
        })
    }
}

fn in_process(as_caller: bool) -> FormsClient {
    let transport = InProcess::new(server(false));
    let transport = if as_caller {
        transport.caller(caller(Role::Owner))
    } else {
        transport
    };
    FormsClient::new(Client::new(transport, "leantime.rpc"))
}

/// Serves a fresh server on 127.0.0.1 and returns its endpoint URL.
async fn serve(auth: bool) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = server(auth);
    let path = server.path().to_owned();
    tokio::spawn(leanrpc_axum::serve(
        listener,
        leanrpc_axum::router(server),
        std::future::pending(),
    ));
    format!("http://{addr}{path}")
}

async fn over_http(method: HttpMethod, key: Option<&str>) -> FormsClient {
    let url = serve(true).await;
    let builder = HttpTransport::builder(url).method(method);
    let builder = match key {
        Some(key) => builder.api_key(key),
        None => builder,
    };
    FormsClient::new(Client::new(builder.build().unwrap(), "leantime.rpc"))
}

fn values(headline: &str) -> TicketValues {
    TicketValues {
        headline: headline.into(),
        project_id: 3,
        tags: Some(vec!["a".into()]),
    }
}

fn rpc(error: &ClientError) -> (i32, String, Option<Value>) {
    let e = error
        .rpc()
        .unwrap_or_else(|| panic!("not a JSON-RPC error: {error}"));
    (
        e.code().code(),
        e.message().to_owned(),
        e.data_value().cloned(),
    )
}

// ---------------------------------------------------------------------------------------------
// Every binding form, in process and over HTTP

/// Calls every method once and checks each decoded answer; `author` is the caller's key id.
async fn every_form_answers(c: &FormsClient, author: &str) {
    assert_eq!(c.subtract(42, 23).await.unwrap(), 19);
    assert_eq!(c.greet("Ada".into(), None).await.unwrap(), "hello Ada");
    assert_eq!(
        c.greet("Ada".into(), Some("Dr".into())).await.unwrap(),
        "hello Dr Ada"
    );
    assert_eq!(c.page(5, 10).await.unwrap(), [5, 10]);
    assert_eq!(
        c.mirror(Point { x: 1, y: -2 }).await.unwrap(),
        Point { x: -1, y: 2 }
    );
    assert_eq!(c.all_tickets(4).await.unwrap(), [41, 42]);
    let stored = c.add_ticket(values("Fix login")).await.unwrap();
    assert_eq!(
        stored,
        Stored {
            id: 7,
            values: values("Fix login"),
            author: author.into()
        }
    );
    assert_eq!(c.sum(json!([1, 2, 3, 4])).await.unwrap(), 10);
    assert_eq!(c.who().await.unwrap().as_deref(), Some(author));
    assert_eq!(
        c.called_as(5).await.unwrap(),
        "leantime.rpc.forms.calledAs 5"
    );
    assert_eq!(c.echo_values(values("x")).await.unwrap(), values("x"));
    c.touch().await.unwrap();
}

#[tokio::test]
async fn in_process_every_binding_form_reaches_the_server_and_decodes() {
    every_form_answers(&in_process(true), "k1").await;
}

#[tokio::test]
async fn over_http_every_binding_form_reaches_the_server_and_decodes() {
    every_form_answers(&over_http(HttpMethod::Post, Some("good")).await, "k1").await;
}

#[tokio::test]
async fn over_http_get_every_binding_form_reaches_the_server_and_decodes() {
    every_form_answers(&over_http(HttpMethod::Get, Some("good")).await, "k1").await;
}

#[tokio::test]
async fn the_client_sends_the_canonical_json_names() {
    let c = in_process(true);
    let call = c.all_tickets(4);
    assert_eq!(call.method(), "leantime.rpc.forms.getAllTickets");
    assert_eq!(call.params().unwrap(), Some(r#"{"pid":4}"#));
    let call = c.add_ticket(values("h"));
    assert_eq!(
        call.params().unwrap(),
        Some(r#"{"values":{"headline":"h","projectId":3,"tags":["a"]}}"#)
    );
    // A missing `Option` is left out; context params are not sent at all.
    assert_eq!(
        c.greet("a".into(), None).params().unwrap(),
        Some(r#"{"name":"a"}"#)
    );
    assert_eq!(c.who().params().unwrap(), Some("{}"));
    assert_eq!(c.called_as(1).params().unwrap(), Some(r#"{"n":1}"#));
    assert_eq!(FormsClient::SERVICE, "forms");
}

#[tokio::test]
async fn untyped_calls_reach_aliases_and_positional_params() {
    let c = in_process(true);
    let client = c.client();
    let ids: Vec<i64> = client.call("forms.list", json!({"pid": 2})).await.unwrap();
    assert_eq!(ids, [21, 22]);
    let diff: i64 = client.call("forms.subtract", [10, 4]).await.unwrap();
    assert_eq!(diff, 6);
    let page: Vec<u32> = client.call("forms.page", ()).await.unwrap();
    assert_eq!(page, [0, 0]);
    assert_eq!(client.full_name("forms.x"), "leantime.rpc.forms.x");
}

// ---------------------------------------------------------------------------------------------
// Errors keep the server's code, message and data

async fn errors_keep_code_message_and_data(c: &FormsClient) {
    let error = c.greet(String::new(), None).await.unwrap_err();
    assert!(matches!(error, ClientError::Rpc(_)), "{error:?}");
    assert_eq!(
        rpc(&error),
        (
            -32602,
            "Invalid params: `name`: must not be empty".to_owned(),
            Some(json!({"param": "name", "reason": "must not be empty"}))
        )
    );
    assert_eq!(error.code(), Some(-32602));
    assert!(error.to_string().contains("-32602"), "{error}");

    let error = c.add_ticket(values(" ")).await.unwrap_err();
    assert_eq!(
        rpc(&error).2,
        Some(json!({"param": "values.headline", "reason": "must not be empty"}))
    );

    let error = c.fail(-32050).await.unwrap_err();
    assert_eq!(
        rpc(&error),
        (
            -32050,
            "failed on purpose".to_owned(),
            Some(json!({"asked": -32050}))
        )
    );

    let error = c
        .client()
        .call::<Value>("forms.nope", ())
        .await
        .unwrap_err();
    assert_eq!(rpc(&error), (-32601, "Method not found".to_owned(), None));

    // The binder's own -32602: a value of the wrong type.
    let error = c
        .client()
        .call::<i64>("forms.subtract", json!({"minuend": "x", "subtrahend": 1}))
        .await
        .unwrap_err();
    let (code, message, data) = rpc(&error);
    assert_eq!(code, -32602);
    assert!(message.contains("minuend"), "{message}");
    assert_eq!(data.unwrap()["param"], "minuend");

    // The server and the client disagree on the result type.
    let error = c
        .client()
        .call::<Point>("forms.subtract", [1, 2])
        .await
        .unwrap_err();
    assert!(matches!(error, ClientError::Decode { .. }), "{error:?}");
    assert!(error.to_string().contains("forms.subtract"), "{error}");
}

#[tokio::test]
async fn in_process_errors_keep_code_message_and_data() {
    errors_keep_code_message_and_data(&in_process(true)).await;
}

#[tokio::test]
async fn over_http_errors_keep_code_message_and_data() {
    errors_keep_code_message_and_data(&over_http(HttpMethod::Post, Some("good")).await).await;
}

#[tokio::test]
async fn in_process_without_a_caller_is_unauthorized() {
    let c = in_process(false);
    let error = c.add_ticket(values("x")).await.unwrap_err();
    assert_eq!(rpc(&error).0, -32001);
    assert_eq!(error.status(), None);
    // A method whose caller is optional still answers.
    assert_eq!(c.who().await.unwrap(), None);
}

#[tokio::test]
async fn over_http_a_refused_key_is_the_servers_401_with_its_error() {
    for key in [Some("bad"), None] {
        let c = over_http(HttpMethod::Post, key).await;
        let error = c.subtract(1, 1).await.unwrap_err();
        assert_eq!(error.status(), Some(401), "{error:?}");
        assert_eq!(error.code(), Some(-32001), "{error:?}");
        assert_eq!(rpc(&error).1, "Unauthorized");
        assert!(error.to_string().contains("401"), "{error}");
    }
}

#[tokio::test]
async fn over_http_a_closed_port_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/api/jsonrpc", listener.local_addr().unwrap());
    drop(listener);
    let c = FormsClient::new(Client::http(&url, "leantime.rpc").unwrap());
    let error = c.subtract(1, 1).await.unwrap_err();
    assert!(matches!(error, ClientError::Transport(_)), "{error:?}");
    assert_eq!(error.code(), None);
}

#[test]
fn bad_urls_and_keys_are_refused_when_built() {
    let error = HttpTransport::new("not a url").unwrap_err();
    assert!(error.to_string().contains("invalid URL"), "{error}");
    let error = HttpTransport::new("ftp://127.0.0.1/").unwrap_err();
    assert!(error.to_string().contains("http://"), "{error}");
    let error = HttpTransport::builder("http://127.0.0.1/")
        .api_key("a\nb")
        .build()
        .unwrap_err();
    assert!(error.to_string().contains("API key"), "{error}");
    // The key never shows in a transport's Debug.
    let transport = HttpTransport::builder("http://127.0.0.1/")
        .api_key("lt_secret")
        .build()
        .unwrap();
    assert!(!format!("{transport:?}").contains("lt_secret"));
}

// ---------------------------------------------------------------------------------------------
// Batches and notifications

async fn batches_answer_each_call_in_order(c: &FormsClient) {
    let mut batch = c.client().batch();
    let diff = batch.add(c.subtract(10, 3));
    let failed = batch.add(c.greet(String::new(), None));
    let hello = batch.add(c.greet("Bo".into(), None));
    batch.notify(c.notify_touch());
    let point = batch.add(c.mirror(Point { x: 2, y: 3 }));
    let missing = batch.add(c.client().call::<Value>("forms.nope", ()));
    assert_eq!(batch.len(), 6);
    let mut answers = batch.send().await.unwrap();
    assert_eq!(answers.len(), 5);
    assert_eq!(answers.take(diff).unwrap(), 7);
    assert_eq!(answers.take(failed).unwrap_err().code(), Some(-32602));
    assert_eq!(answers.take(hello).unwrap(), "hello Bo");
    assert_eq!(answers.take(point).unwrap(), Point { x: -2, y: -3 });
    assert_eq!(answers.take(missing).unwrap_err().code(), Some(-32601));
    assert_eq!(c.touched().await.unwrap(), 1);
}

#[tokio::test]
async fn in_process_batches_answer_each_call_in_order() {
    batches_answer_each_call_in_order(&in_process(true)).await;
}

#[tokio::test]
async fn over_http_batches_answer_each_call_in_order() {
    batches_answer_each_call_in_order(&over_http(HttpMethod::Post, Some("good")).await).await;
}

#[tokio::test]
async fn over_http_get_still_posts_batches() {
    batches_answer_each_call_in_order(&over_http(HttpMethod::Get, Some("good")).await).await;
}

#[tokio::test]
async fn a_handle_of_another_batch_is_refused() {
    let c = in_process(true);
    let mut first = c.client().batch();
    let _one = first.add(c.subtract(1, 1));
    let theirs = first.add(c.subtract(2, 1));
    let mut second = c.client().batch();
    let _ours = second.add(c.subtract(3, 1));
    let mut answers = second.send().await.unwrap();
    let error = answers.take(theirs).unwrap_err();
    assert!(error.to_string().contains("another batch"), "{error}");
}

#[tokio::test]
async fn an_empty_batch_sends_nothing() {
    let answers = in_process(true).client().batch().send().await.unwrap();
    assert!(answers.is_empty());
}

async fn notifications_get_no_answer(c: &FormsClient) {
    assert_eq!(c.touched().await.unwrap(), 0);
    c.notify_touch().await.unwrap();
    c.notify_touch().await.unwrap();
    // A notification of an erring method is not answered either.
    c.client()
        .notify("forms.fail", json!({"code": -32050}))
        .await
        .unwrap();
    let mut batch = c.client().batch();
    batch.notify(c.notify_touch());
    let answers = batch.send().await.unwrap();
    assert!(answers.is_empty());
    assert_eq!(c.touched().await.unwrap(), 3);
}

#[tokio::test]
async fn in_process_notifications_get_no_answer() {
    notifications_get_no_answer(&in_process(true)).await;
}

#[tokio::test]
async fn over_http_notifications_get_no_answer() {
    notifications_get_no_answer(&over_http(HttpMethod::Post, Some("good")).await).await;
}

#[tokio::test]
async fn over_http_get_notifications_get_no_answer() {
    notifications_get_no_answer(&over_http(HttpMethod::Get, Some("good")).await).await;
}

#[tokio::test]
async fn params_that_cannot_be_json_fail_before_sending() {
    let c = in_process(true);
    let mut map = std::collections::HashMap::new();
    map.insert((1, 2), 3);
    let error = c
        .client()
        .call::<Value>("forms.sum", map)
        .await
        .unwrap_err();
    assert!(matches!(error, ClientError::Encode { .. }), "{error:?}");
    assert!(error.to_string().contains("forms.sum"), "{error}");
}

// ---------------------------------------------------------------------------------------------
// What goes on the wire

/// One request as a bare HTTP/1.1 server saw it.
#[derive(Debug)]
struct Seen {
    connection: usize,
    head: String,
    body: String,
}

/// A bare HTTP/1.1 server on 127.0.0.1 that records every request and answers `result` with
/// the request's id (from the body, or from the query of a GET), keeping connections open.
async fn recording_server(result: &'static str) -> (String, Arc<std::sync::Mutex<Vec<Seen>>>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/jsonrpc", listener.local_addr().unwrap());
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        for connection in 0.. {
            let (mut socket, _) = listener.accept().await.unwrap();
            let log = Arc::clone(&log);
            tokio::spawn(async move {
                let mut buffer = Vec::new();
                loop {
                    let end = loop {
                        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                            break end + 4;
                        }
                        let mut chunk = [0; 4096];
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    };
                    let head = String::from_utf8(buffer[..end].to_vec()).unwrap();
                    let length = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap())
                        })
                        .unwrap_or(0);
                    while buffer.len() < end + length {
                        let mut chunk = [0; 4096];
                        let n = socket.read(&mut chunk).await.unwrap();
                        buffer.extend_from_slice(&chunk[..n]);
                    }
                    let body = String::from_utf8(buffer[end..end + length].to_vec()).unwrap();
                    buffer.drain(..end + length);
                    let id = match serde_json::from_str::<Value>(&body) {
                        Ok(request) => request["id"].to_string(),
                        Err(_) => head
                            .split(['?', '&', ' '])
                            .find_map(|p| p.strip_prefix("id="))
                            .unwrap()
                            .to_owned(),
                    };
                    let answer = format!(r#"{{"jsonrpc":"2.0","result":{result},"id":{id}}}"#);
                    log.lock().unwrap().push(Seen {
                        connection,
                        head,
                        body,
                    });
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{answer}",
                        answer.len()
                    );
                    socket.write_all(response.as_bytes()).await.unwrap();
                }
            });
        }
    });
    (url, seen)
}

#[tokio::test]
async fn posts_carry_the_key_and_reuse_one_connection() {
    let (url, seen) = recording_server("19").await;
    let transport = HttpTransport::builder(url)
        .api_key("lt_1_secret")
        .build()
        .unwrap();
    let c = FormsClient::new(Client::new(transport, "leantime.rpc"));
    assert_eq!(c.subtract(42, 23).await.unwrap(), 19);
    assert_eq!(c.subtract(40, 21).await.unwrap(), 19);
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    for (i, request) in seen.iter().enumerate() {
        let head = request.head.to_ascii_lowercase();
        assert!(head.starts_with("post /api/jsonrpc http/1.1\r\n"), "{head}");
        assert!(head.contains("\r\nx-api-key: lt_1_secret\r\n"), "{head}");
        assert!(
            head.contains("\r\ncontent-type: application/json\r\n"),
            "{head}"
        );
        // Ids count up from 1 per client.
        let id = i + 1;
        let expected = match i {
            0 => format!(
                r#"{{"jsonrpc":"2.0","method":"leantime.rpc.forms.subtract","params":{{"minuend":42,"subtrahend":23}},"id":{id}}}"#
            ),
            _ => format!(
                r#"{{"jsonrpc":"2.0","method":"leantime.rpc.forms.subtract","params":{{"minuend":40,"subtrahend":21}},"id":{id}}}"#
            ),
        };
        assert_eq!(request.body, expected);
    }
    // The second call went over the first call's connection.
    assert_eq!(seen[0].connection, seen[1].connection);
}

#[tokio::test]
async fn gets_carry_method_id_and_base64_params_in_the_query() {
    use base64::Engine as _;
    let (url, seen) = recording_server(r#""hello Ada""#).await;
    let transport = HttpTransport::builder(url)
        .method(HttpMethod::Get)
        .api_key("k")
        .build()
        .unwrap();
    let c = FormsClient::new(Client::new(transport, "leantime.rpc"));
    assert_eq!(c.greet("Ada".into(), None).await.unwrap(), "hello Ada");
    let seen = seen.lock().unwrap();
    let head = &seen[0].head;
    let target = head.split(' ').nth(1).unwrap();
    assert!(head.starts_with("GET "), "{head}");
    let query = target.strip_prefix("/api/jsonrpc?").unwrap();
    let pairs: Vec<(&str, &str)> = query
        .split('&')
        .map(|p| p.split_once('=').unwrap())
        .collect();
    let params = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(pairs.iter().find(|(k, _)| *k == "params").unwrap().1)
        .unwrap();
    assert_eq!(String::from_utf8(params).unwrap(), r#"{"name":"Ada"}"#);
    assert!(
        pairs.contains(&("method", "leantime.rpc.forms.greet")),
        "{query}"
    );
    assert!(pairs.contains(&("jsonrpc", "2.0")), "{query}");
    assert!(pairs.contains(&("id", "1")), "{query}");
    assert!(seen[0].body.is_empty());
    // The key goes in a header, never in the URL.
    assert!(!query.contains("api"), "{query}");
    assert!(
        head.to_ascii_lowercase().contains("\r\nx-api-key: k\r\n"),
        "{head}"
    );
}

#[tokio::test]
async fn a_server_that_does_not_answer_in_time_is_a_timeout() {
    // Accepts and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/api/jsonrpc", listener.local_addr().unwrap());
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        loop {
            let (socket, _) = listener.accept().await.unwrap();
            open.push(socket);
        }
    });
    let transport = HttpTransport::builder(url)
        .timeout(Some(std::time::Duration::from_millis(200)))
        .build()
        .unwrap();
    let c = FormsClient::new(Client::new(transport, ""));
    let error = c.subtract(1, 1).await.unwrap_err();
    assert!(matches!(error, ClientError::Timeout), "{error:?}");
    held.abort();
}
