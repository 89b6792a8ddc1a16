//! [`InProcess`]: calls a [`Server`] in the same process, for tests and tools.

use leanrpc_core::{BoxFuture, Caller, Server};

use crate::error::ClientError;
use crate::transport::{Outgoing, Transport};

/// Sends requests to a [`Server`] in this process, as JSON text through [`Server::call_as`]:
/// decoding, dispatch, binding and encoding run as they do over HTTP, but no HTTP and no
/// authentication (the caller is whoever [`InProcess::caller`] says).
#[derive(Debug, Clone)]
pub struct InProcess {
    server: Server,
    caller: Option<Caller>,
}

impl InProcess {
    /// Calls `server` without a caller: methods that need one (`&Caller`) answer -32001.
    pub fn new(server: Server) -> Self {
        InProcess {
            server,
            caller: None,
        }
    }

    /// Calls as `caller`, whose role, projects and scopes the server checks.
    #[must_use]
    pub fn caller(mut self, caller: Caller) -> Self {
        self.caller = Some(caller);
        self
    }

    /// The server called.
    pub fn server(&self) -> &Server {
        &self.server
    }
}

impl Transport for InProcess {
    fn send<'a>(
        &'a self,
        request: &'a Outgoing,
    ) -> BoxFuture<'a, Result<Option<Vec<u8>>, ClientError>> {
        Box::pin(async move {
            Ok(self
                .server
                .call_as(request.body(), self.caller.as_ref())
                .await)
        })
    }
}
