//! Run with: cargo run -p hyper-server -- --listen 127.0.0.1:8081 --data tickets-data
//!
//! The tickets API of `examples/tickets`, served by plain hyper instead of axum. Everything below
//! `glue` is the whole adapter: it maps hyper's request to leanrpc's transport-neutral
//! `HttpRequest` and the `HttpResponse` back. All protocol logic stays in `leanrpc-core`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::PathBuf;

use clap::Parser;
use tickets::{App, Options};

/// Serve the tickets API on plain hyper.
#[derive(Debug, Parser)]
struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8081")]
    listen: SocketAddr,
    /// The data directory (shared with `tickets`; keys are managed with `tickets keys`).
    #[arg(long, default_value = tickets::DEFAULT_DATA_DIR)]
    data: PathBuf,
}

#[tokio::main]
async fn main() -> Result<(), tickets::Error> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .init();
    let app = App::open(&Options::new(&args.data))?;
    if let Some(key) = app.first_owner_key().await? {
        println!(
            "Created an owner API key (shown only this once): {}",
            key.reveal()
        );
    }
    let listener = tokio::net::TcpListener::bind(args.listen).await?;
    tracing::info!(
        "listening on http://{}{}",
        listener.local_addr()?,
        app.server.path()
    );
    loop {
        let (stream, peer) = listener.accept().await?;
        let server = app.server.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |request| {
                let server = server.clone();
                async move { Ok::<_, Infallible>(glue::handle(&server, request, peer).await) }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            if let Err(error) = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, service)
                .await
            {
                tracing::debug!(%error, "connection ended with an error");
            }
        });
    }
}

mod glue {
    use std::net::SocketAddr;

    use http_body_util::{BodyExt, Full, Limited};
    use hyper::body::{Bytes, Incoming};
    use hyper::header::{HeaderMap, HeaderName, HeaderValue};
    use hyper::{Method, Request, Response, StatusCode};
    use leanrpc::{HeaderSource, HttpRequest, HttpResponse, Server};

    struct Headers<'a>(&'a HeaderMap);

    impl HeaderSource for Headers<'_> {
        fn header(&self, name: &str) -> Option<&[u8]> {
            self.0.get(name).map(HeaderValue::as_bytes)
        }

        fn header_count(&self, name: &str) -> usize {
            self.0.get_all(name).iter().count()
        }
    }

    /// Answers one hyper request with `server`.
    pub(crate) async fn handle(
        server: &Server,
        request: Request<Incoming>,
        peer: SocketAddr,
    ) -> Response<Full<Bytes>> {
        let (parts, body) = request.into_parts();
        let limit = server.limits().max_body_bytes;
        let body = if parts.method == Method::POST {
            match Limited::new(body, limit).collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(error) if error.is::<http_body_util::LengthLimitError>() => {
                    return into_hyper(HttpResponse::payload_too_large(limit));
                }
                Err(_) => return into_hyper(HttpResponse::unreadable_body()),
            }
        } else {
            Bytes::new()
        };
        let request = HttpRequest {
            method: parts.method.as_str(),
            path: parts.uri.path(),
            query: parts.uri.query(),
            headers: &Headers(&parts.headers),
            body: &body,
            peer: Some(peer.ip()),
        };
        into_hyper(server.handle(&request).await)
    }

    fn into_hyper(response: HttpResponse) -> Response<Full<Bytes>> {
        let mut out = Response::new(Full::new(Bytes::from(response.body)));
        *out.status_mut() =
            StatusCode::from_u16(response.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        for (name, value) in response.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                out.headers_mut()
                    .append(HeaderName::from_static(name), value);
            }
        }
        out
    }
}
