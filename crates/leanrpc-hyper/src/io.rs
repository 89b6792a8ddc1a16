//! A socket whose writes time out: hyper has a timer for reading request heads but none for
//! writing, so a client that stops reading would hold its connection and buffers forever.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::{Instant, Sleep};

/// Wraps a socket so that a write, flush or shutdown that makes no progress for `timeout`
/// fails with [`io::ErrorKind::TimedOut`], which ends the connection.
#[derive(Debug)]
pub(crate) struct WriteTimeout<T> {
    io: T,
    timeout: Duration,
    /// The stall timer, kept between stalls so that re-arming it does not allocate.
    stall: Option<Pin<Box<Sleep>>>,
    /// Whether the timer counts down the current stall.
    armed: bool,
}

impl<T> WriteTimeout<T> {
    pub(crate) fn new(io: T, timeout: Duration) -> Self {
        Self {
            io,
            timeout,
            stall: None,
            armed: false,
        }
    }

    /// Passes a ready result through (progress: the timer stops); on `Pending`, starts the
    /// timer if it is not running and fails once it has run out.
    fn watch<R>(
        &mut self,
        cx: &mut Context<'_>,
        result: Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        if result.is_ready() {
            self.armed = false;
            return result;
        }
        let deadline = Instant::now() + self.timeout;
        let stall = match &mut self.stall {
            Some(stall) => {
                if !self.armed {
                    stall.as_mut().reset(deadline);
                }
                stall
            }
            None => self
                .stall
                .insert(Box::pin(tokio::time::sleep_until(deadline))),
        };
        self.armed = true;
        match stall.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                "the client did not read the response in time",
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for WriteTimeout<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for WriteTimeout<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.io).poll_write(cx, buf);
        this.watch(cx, result)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        this.watch(cx, result)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.io).poll_flush(cx);
        this.watch(cx, result)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let result = Pin::new(&mut this.io).poll_shutdown(cx);
        this.watch(cx, result)
    }
}
