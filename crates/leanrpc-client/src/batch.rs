//! Several calls and notifications in one request, each typed answer taken back by its handle.

use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use crate::answer::{self, Outcome};
use crate::client::{Call, Client, Notification};
use crate::error::ClientError;
use crate::transport::{Outgoing, write_request};

/// Calls and notifications to send in one request (a JSON-RPC batch).
///
/// [`Batch::add`] returns a typed [`Handle`] per call; after [`Batch::send`], each handle takes
/// its own result (or its own error) from the [`Answers`], whatever order the server answered
/// in.
///
/// ```
/// use leanrpc::client::{Client, InProcess};
/// use leanrpc::{RpcError, Server, rpc_service};
///
/// struct Calc;
///
/// #[rpc_service("calc", client)]
/// impl Calc {
///     /// Divides `a` by `b`.
///     fn div(&self, a: i64, b: i64) -> Result<i64, RpcError> {
///         a.checked_div(b).ok_or_else(|| RpcError::invalid_param("b", "must not be 0"))
///     }
///     /// Says hello.
///     fn hello(&self, name: String) -> String {
///         format!("hello {name}")
///     }
/// }
///
/// # futures_executor::block_on(async {
/// let server = Server::builder().service(Calc).build().unwrap();
/// let calc = CalcClient::new(Client::new(InProcess::new(server), ""));
/// let mut batch = calc.client().batch();
/// let six = batch.add(calc.div(12, 2));
/// let oops = batch.add(calc.div(1, 0));
/// let hi = batch.add(calc.hello("you".into()));
/// let mut answers = batch.send().await.unwrap();
/// assert_eq!(answers.take(six).unwrap(), 6);
/// assert_eq!(answers.take(oops).unwrap_err().code(), Some(-32602));
/// assert_eq!(answers.take(hi).unwrap(), "hello you");
/// # });
/// ```
#[must_use = "a batch does nothing until it is sent"]
pub struct Batch {
    client: Client,
    body: String,
    entries: Vec<Entry>,
    notifications: usize,
}

struct Entry {
    id: u64,
    method: String,
    /// The call's params could not be encoded: it is not sent, and this is its answer.
    failed: Option<ClientError>,
}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("body", &self.body)
            .finish_non_exhaustive()
    }
}

impl Batch {
    pub(crate) fn new(client: Client) -> Self {
        Batch {
            client,
            body: String::from("["),
            entries: Vec::new(),
            notifications: 0,
        }
    }

    fn push(&mut self, method: &str, params: Option<&str>, id: Option<u64>) {
        if self.body.len() > 1 {
            self.body.push(',');
        }
        write_request(&mut self.body, method, params, id);
    }

    /// Adds a call; its handle takes its result from the batch's [`Answers`].
    pub fn add<T>(&mut self, call: Call<T>) -> Handle<T> {
        let id = self.client.next_id();
        let failed = match &call.params {
            Ok(params) => {
                self.push(&call.method, params.as_deref(), Some(id));
                None
            }
            Err(error) => Some(error.clone()),
        };
        self.entries.push(Entry {
            id,
            method: call.method,
            failed,
        });
        Handle {
            index: self.entries.len() - 1,
            id,
            result: PhantomData,
        }
    }

    /// Adds a notification. A notification whose params cannot be encoded is left out.
    pub fn notify(&mut self, notification: Notification) {
        if let Ok(params) = &notification.params {
            self.push(&notification.method, params.as_deref(), None);
            self.notifications += 1;
        }
    }

    /// How many calls and notifications the batch holds.
    pub fn len(&self) -> usize {
        self.entries.len() + self.notifications
    }

    /// Whether nothing was added.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Sends every call and notification in one request and reads the answers. `Err` when the
    /// request as a whole failed (transport, HTTP refusal); a call's own error is its handle's.
    /// An empty batch sends nothing.
    pub async fn send(mut self) -> Result<Answers, ClientError> {
        let sent: Vec<u64> = self
            .entries
            .iter()
            .filter(|e| e.failed.is_none())
            .map(|e| e.id)
            .collect();
        let mut outcomes = Vec::new();
        if sent.len() + self.notifications > 0 {
            self.body.push(']');
            let request = Outgoing::batch(std::mem::take(&mut self.body), !sent.is_empty());
            let answer = self.client.send(&request).await?;
            match answer {
                Some(body) if !sent.is_empty() => outcomes = answer::batch(&body, &sent)?,
                Some(body) => {
                    return Err(ClientError::Protocol(format!(
                        "the server answered a batch of notifications: {}",
                        String::from_utf8_lossy(&body[..body.len().min(200)])
                    )));
                }
                None => {}
            }
        }
        let mut outcomes = outcomes.into_iter();
        let slots = self
            .entries
            .into_iter()
            .map(|entry| {
                let outcome = match entry.failed {
                    Some(error) => Err(error),
                    None => outcomes.next().unwrap_or_else(|| {
                        Err(ClientError::Protocol("no answer for this call".to_owned()))
                    }),
                };
                Some(Slot {
                    id: entry.id,
                    method: entry.method,
                    outcome,
                })
            })
            .collect();
        Ok(Answers { slots })
    }
}

/// A call's place in a [`Batch`]: give it to [`Answers::take`] for its result, decoded as `T`.
#[must_use = "a handle is how a batched call's result is read"]
pub struct Handle<T> {
    index: usize,
    id: u64,
    result: PhantomData<fn() -> T>,
}

impl<T> fmt::Debug for Handle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handle")
            .field("index", &self.index)
            .field("id", &self.id)
            .finish()
    }
}

/// The answers to a sent [`Batch`], one per call, taken by their [`Handle`]s.
pub struct Answers {
    slots: Vec<Option<Slot>>,
}

struct Slot {
    id: u64,
    method: String,
    outcome: Result<Outcome, ClientError>,
}

impl fmt::Debug for Answers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Answers")
            .field("calls", &self.slots.len())
            .finish()
    }
}

impl Answers {
    /// The result of the call `handle` stands for, decoded as `T`, or that call's error.
    pub fn take<T: DeserializeOwned>(&mut self, handle: Handle<T>) -> Result<T, ClientError> {
        let slot = match self.slots.get_mut(handle.index) {
            Some(slot) if slot.as_ref().is_some_and(|s| s.id == handle.id) => slot.take(),
            _ => None,
        };
        let Some(slot) = slot else {
            return Err(ClientError::Protocol(
                "this handle belongs to another batch".to_owned(),
            ));
        };
        let raw = slot.outcome?.map_err(ClientError::Rpc)?;
        answer::decode(&slot.method, &raw)
    }

    /// How many calls the batch held (notifications not counted).
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether the batch held no call.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }
}
