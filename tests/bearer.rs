//! Another credential scheme with no core change: an authenticator for `Authorization: Bearer`
//! reads the header from `Credentials`, answers a `Caller` with a `Grant`, and attaches the
//! token's claims, which a `#[rpc_service]` handler reads back.

use std::sync::Arc;

use leanrpc::http::HttpResponse;
use leanrpc::{
    AuthError, Authenticator, BoxFuture, Caller, Credentials, Grant, Role, Server, rpc_service,
};
use leanrpc_test_support::Request;

/// What a verified token says (a JWT's claims, say).
#[derive(Debug)]
struct Claims {
    subject: String,
    tenant: u32,
}

/// Accepts `Bearer {subject}.{tenant}.{role}` tokens (a stand-in for verifying a signature).
struct Bearer;

impl Authenticator for Bearer {
    fn authenticate<'a>(
        &'a self,
        credentials: Credentials<'a>,
    ) -> BoxFuture<'a, Result<Arc<Caller>, AuthError>> {
        let verified = match credentials.headers.header("authorization") {
            None => Err(AuthError::Missing),
            Some(value) => parse(value).ok_or(AuthError::Rejected),
        };
        Box::pin(std::future::ready(verified.map(Arc::new)))
    }
}

fn parse(header: &[u8]) -> Option<Caller> {
    let token = std::str::from_utf8(header.strip_prefix(b"Bearer ")?).ok()?;
    let mut parts = token.split('.');
    let (subject, tenant, role) = (parts.next()?, parts.next()?, parts.next()?);
    let claims = Claims {
        subject: subject.to_owned(),
        tenant: tenant.parse().ok()?,
    };
    let grant = Grant::new(subject, role.parse::<Role>().ok()?);
    Some(Caller::new(format!("token:{subject}"), grant).with_extension(claims))
}

struct Account;

#[rpc_service("account")]
impl Account {
    /// Who the token says the caller is.
    #[rpc(min_role = "readonly")]
    fn whoami(&self, caller: &Caller) -> String {
        let claims = caller
            .extension::<Claims>()
            .expect("the authenticator attached claims");
        format!(
            "{} of tenant {} ({})",
            claims.subject,
            claims.tenant,
            caller.key_id()
        )
    }

    /// Only for editors and above.
    #[rpc(min_role = "editor")]
    fn rename(&self, name: String) -> String {
        name
    }
}

fn send(server: &Server, authorization: Option<&str>, body: &str) -> HttpResponse {
    let mut request = Request::post(body).header("content-type", "application/json");
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    request.send(server)
}

fn text(response: &HttpResponse) -> &str {
    std::str::from_utf8(&response.body).unwrap()
}

const WHOAMI: &str = r#"{"jsonrpc":"2.0","method":"account.whoami","id":1}"#;
const RENAME: &str = r#"{"jsonrpc":"2.0","method":"account.rename","params":["x"],"id":2}"#;

#[test]
fn a_bearer_authenticator_hands_its_claims_to_handlers() {
    let server = Server::builder()
        .service(Account)
        .authenticator(Bearer)
        .build()
        .unwrap();
    let answer = send(&server, Some("Bearer alice.42.readonly"), WHOAMI);
    assert_eq!(
        (answer.status, text(&answer)),
        (
            200,
            r#"{"jsonrpc":"2.0","result":"alice of tenant 42 (token:alice)","id":1}"#
        )
    );
    // The grant's role is what `min_role` checks.
    let refused = send(&server, Some("Bearer alice.42.readonly"), RENAME);
    assert!(
        text(&refused).contains("requires role `editor`"),
        "{}",
        text(&refused)
    );
    let allowed = send(&server, Some("Bearer bob.7.editor"), RENAME);
    assert!(
        text(&allowed).contains(r#""result":"x""#),
        "{}",
        text(&allowed)
    );
    // No header, or one that does not verify: 401.
    for header in [
        None,
        Some("Bearer alice.x.readonly"),
        Some("Basic YWxpY2U="),
    ] {
        let answer = send(&server, header, WHOAMI);
        assert_eq!(answer.status, 401, "{header:?}: {}", text(&answer));
    }
}
