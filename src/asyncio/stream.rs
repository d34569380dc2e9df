//! [`SslStream`]: the TLS state machine over a tokio stream.
//!
//! The third driver of [`Conn`] (after `SslSocket` and `SslObject`): the
//! `SSL` reads and writes through sslwrap's stream BIO (`Tls::over_stream`,
//! the same as `SslSocket`'s) over an [`AsyncAdapter`], which polls the
//! tokio stream with the task context of the current poll call. A step that
//! OpenSSL must wait for (`SSL_ERROR_WANT_READ`/`_WRITE` with the stream's
//! `Poll::Pending` behind it) is `Poll::Pending` here: the stream has
//! registered the task's waker. Every other outcome goes through
//! [`Conn::error`], so errors are the ones `SslSocket` gives.

use std::fmt;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use openssl::ssl::SslContextRef;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

use super::{handshake_timeout_error, shutdown_timeout_error, timeouts};
use crate::conn::{inspection_methods, Conn, StepError};
use crate::context::ConnConfig;
use crate::error::{SslError, SslErrorKind};
use crate::ffi::{self, AsyncAdapter, Failure, StreamTransport, Tls};
use crate::options::WrapOptions;

/// The state machine of an [`SslStream`] over `S`.
type AsyncConn<S> = Conn<StreamTransport<AsyncAdapter<S>>>;

/// A TLS connection over a tokio stream, handshake done.
///
/// Python: the transport `loop.start_tls` returns (`_SSLProtocolTransport`
/// over `sslproto.SSLProtocol`), and the `(reader, writer)` pair of
/// `asyncio.open_connection(..., ssl=ctx)` in one value: it implements
/// [`AsyncRead`] and [`AsyncWrite`] (use [`tokio::io::split`] for two
/// halves). OpenSSL: `SSL_read_ex`, `SSL_write_ex` and `SSL_shutdown` over a
/// BIO whose callbacks poll `S`.
///
/// Made by [`start_tls`](super::start_tls),
/// [`open_connection`](super::open_connection) and the servers
/// ([`SslListener::accept`](super::SslListener::accept),
/// [`start_server`](super::start_server)). The inspection methods
/// ([`getpeercert`](Self::getpeercert), [`cipher`](Self::cipher),
/// [`version`](Self::version), …) are [`SslSocket`](crate::SslSocket)'s,
/// Python's `transport.get_extra_info("ssl_object")` methods.
///
/// # Reading and writing
///
/// * `poll_read` (`AsyncReadExt::read`): `SSL_read_ex` into the caller's
///   buffer. End of stream (`Ok(0)`) is the peer's close_notify, and also a
///   TCP close without it when `suppress_ragged_eofs` is on (the default),
///   as asyncio's `eof_received` treats it; otherwise that is
///   [`SslErrorKind::Eof`] inside the `io::Error`.
/// * `poll_write`: `SSL_write_ex` of the caller's bytes, one record
///   (16 KiB) at most per call (`SSL_MODE_ENABLE_PARTIAL_WRITE`), so that
///   a returned count is what went out. After `Poll::Pending`, call it
///   again with the same bytes (every tokio write future does): OpenSSL has
///   encrypted them and sends that record before anything else.
/// * `poll_flush`: the inner stream's (OpenSSL keeps nothing to flush).
/// * `poll_shutdown` (`AsyncWriteExt::shutdown`, asyncio's
///   `writer.close()`): sends close_notify (`SSL_shutdown` once), flushes,
///   then shuts down the inner stream's writing; it does not wait for the
///   peer's close_notify, which `poll_read` reports as end of stream
///   ([`unwrap`](Self::unwrap) waits for it). After a ragged EOF was read
///   no close_notify is sent (OpenSSL has failed the session; asyncio
///   skips it too). Bounded by
///   [`WrapOptions::ssl_shutdown_timeout`] (default 30 s), after which it
///   fails with [`SslErrorKind::Timeout`] "SSL shutdown timed out" and the
///   stream is aborted: every later call fails; drop it to close.
///
/// Errors are `io::Error`s carrying the [`SslError`] (get it back with
/// `SslError::from(io_error)`): the same kinds, reasons and verify codes as
/// `SslSocket` for the same bytes.
///
/// # Cancel safety
///
/// * `read` (`poll_read`) is cancel-safe: no byte is taken from OpenSSL
///   unless it is returned.
/// * `write` is cancel-safe in the sense tokio gives `write`: bytes not
///   reported written were not sent, except the one record in flight when
///   the future was dropped after `Pending`, which OpenSSL sends with the
///   next write (which must pass at least those bytes again, else OpenSSL
///   fails it with `bad write retry`). `write_all` is not cancel-safe (as
///   in tokio).
/// * `shutdown` may be called again after being dropped; it resumes.
/// * [`unwrap`](Self::unwrap) is not cancel-safe: dropping it drops the
///   connection.
///
/// # Memory
///
/// Per connection: the `SSL` and OpenSSL's record buffers, one TLS record
/// each way at most (about 17 KiB for reading and 17 KiB for writing), which
/// OpenSSL frees whenever they are empty (`SSL_MODE_RELEASE_BUFFERS`, set
/// on every sslwrap context; after a post-handshake message such as a TLS
/// 1.3 ticket, sslwrap frees the write buffer OpenSSL set up for it), so an
/// idle connection holds neither. sslwrap adds no buffer: back-pressure is
/// `Poll::Pending` from the inner stream, passed on as is.
pub struct SslStream<S> {
    conn: AsyncConn<S>,
    suppress_ragged_eofs: bool,
    shutdown_timeout: Duration,
    shutdown: Shutdown,
}

/// Where `poll_shutdown` is.
#[derive(Default)]
struct Shutdown {
    step: ShutdownStep,
    /// `ssl_shutdown_timeout` from the first time `poll_shutdown` had to
    /// wait (armed lazily: a shutdown that does not wait reads no clock).
    deadline: Option<Pin<Box<Sleep>>>,
    /// The shutdown timed out: the connection is unusable.
    aborted: bool,
    /// A read met the transport's end without close_notify (a ragged
    /// EOF): OpenSSL has failed the session, so no close_notify can go
    /// out (asyncio's `_do_shutdown` skips `unwrap()` after
    /// `eof_received` too).
    eof_received: bool,
}

#[derive(Default, Clone, Copy, PartialEq, Eq)]
enum ShutdownStep {
    #[default]
    CloseNotify,
    Flush,
    Inner,
    Done,
}

/// The adapter inside a connection's BIO.
fn adapter<S>(conn: &mut AsyncConn<S>) -> &mut AsyncAdapter<S> {
    conn.tls_mut().get_mut()
}

impl<S: AsyncRead + AsyncWrite + Unpin> SslStream<S> {
    /// A connection of `ctx` over `stream`, before its handshake:
    /// asyncio's `SSLProtocol.__init__` (`wrap_bio` with the side and the
    /// name), over the stream BIO.
    pub(crate) fn new(
        ctx: &SslContextRef,
        config: ConnConfig,
        stream: S,
        opts: &WrapOptions,
    ) -> Result<SslStream<S>, SslError> {
        let (_, shutdown_timeout) = timeouts(opts)?;
        // sslproto.py: `if server_hostname and not server_side:` the name,
        // else none (an empty name means no name, and a server has none).
        let hostname = match &opts.server_hostname {
            Some(name) if !name.is_empty() && !opts.server_side => opts.encoded_hostname()?,
            _ => None,
        };
        let mut conn = Conn::new(
            ctx,
            config,
            opts.server_side,
            hostname,
            opts.session.as_ref(),
            opts.trace,
            |ssl| Ok(Tls::over_stream(ssl, AsyncAdapter::new(stream))?),
        )?;
        ffi::ssl_enable_partial_write(conn.tls_mut().ssl_mut());
        Ok(SslStream {
            conn,
            suppress_ragged_eofs: opts.suppress_ragged_eofs,
            shutdown_timeout,
            shutdown: Shutdown::default(),
        })
    }

    /// The handshake within `timeout`, else asyncio's
    /// `ConnectionAbortedError` text as a [`SslErrorKind::Timeout`].
    pub(crate) async fn handshake(mut self, timeout: Duration) -> Result<SslStream<S>, SslError> {
        match tokio::time::timeout(timeout, poll_fn(|cx| self.poll_handshake(cx))).await {
            Ok(Ok(())) => Ok(self),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(handshake_timeout_error(timeout)),
        }
    }

    /// One poll of `SSL_do_handshake`.
    fn poll_handshake(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), SslError>> {
        match ready!(self.poll_step(cx, |c| c.handshake())) {
            Ok(()) => Poll::Ready(Ok(())),
            Err(e) => Poll::Ready(Err(self.conn.error(e))),
        }
    }

    /// Sends close_notify, waits for the peer's, and gives back the plain
    /// stream, for protocols that go back to cleartext; with the bytes that
    /// arrived after the peer's close_notify.
    ///
    /// Python: none in asyncio (its SSL transport cannot be unwrapped);
    /// `SSLSocket.unwrap()` and `SSLObject.unwrap()`, awaited. OpenSSL:
    /// `SSL_shutdown`, called again once after it returns 0, as Python
    /// does; then the `SSL` is freed and the stream taken out of its BIO.
    ///
    /// Within [`WrapOptions::ssl_shutdown_timeout`] (default 30 s), else
    /// [`SslErrorKind::Timeout`] "SSL shutdown timed out" (asyncio's
    /// `TimeoutError` for a shutdown) and the connection is dropped.
    /// Application data that arrives before the peer's close_notify is
    /// discarded (`SSL_shutdown` reads past it, as in Python).
    ///
    /// The returned bytes are empty: the stream BIO gives OpenSSL exactly
    /// the bytes it asks for, one record header then one record body, so
    /// nothing past the close_notify record is ever read from the stream;
    /// it is all still in `S`, on OpenSSL 3.0 and 3.6 alike. (Only
    /// read-ahead, turned on through [`ssl_mut`](Self::ssl_mut), would
    /// buffer more, inside OpenSSL where it cannot be handed back: then this
    /// fails with [`SslErrorKind::Value`] rather than lose those bytes.)
    ///
    /// Cancel safety: not cancel-safe; dropping the future drops the
    /// connection.
    pub async fn unwrap(mut self) -> Result<(S, Vec<u8>), SslError> {
        let timeout = self.shutdown_timeout;
        let mut zeros = 0;
        let done = poll_fn(|cx| self.poll_unwrap(cx, &mut zeros));
        match tokio::time::timeout(timeout, done).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => return Err(shutdown_timeout_error()),
        }
        self.conn.check_nothing_read_past_close_notify()?;
        let stream = self.conn.into_tls().into_inner().into_inner();
        Ok((stream, Vec::new()))
    }

    fn poll_unwrap(&mut self, cx: &mut Context<'_>, zeros: &mut u32) -> Poll<Result<(), SslError>> {
        if self.shutdown.aborted {
            return Poll::Ready(Err(aborted().into()));
        }
        if let Err(e) = ready!(self.poll_step(cx, |c| c.shutdown(zeros))) {
            return Poll::Ready(Err(self.conn.error(e)));
        }
        self.poll_flush_inner(cx).map_err(SslError::from)
    }

    /// Asks a TLS 1.3 client for its certificate now; the request goes out
    /// with the next write, the certificate arrives with a later read.
    ///
    /// Python: `SSLSocket.verify_client_post_handshake()` (asyncio:
    /// through `get_extra_info("ssl_object")`). OpenSSL:
    /// `SSL_verify_client_post_handshake`.
    pub fn verify_client_post_handshake(&mut self) -> Result<(), SslError> {
        self.conn.verify_client_post_handshake()
    }

    /// Runs one step of the state machine with the task context installed
    /// in the BIO's adapter: `Pending` when OpenSSL waits for the stream
    /// (whose poll has registered the waker), else the step's outcome.
    fn poll_step<R>(
        &mut self,
        cx: &mut Context<'_>,
        step: impl FnOnce(&mut AsyncConn<S>) -> Result<R, StepError>,
    ) -> Poll<Result<R, StepError>> {
        match ffi::with_context(&mut self.conn, adapter::<S>, cx, step) {
            Err(e) if e.want().is_some_and(Failure::transport_would_block) => Poll::Pending,
            r => Poll::Ready(r),
        }
    }

    /// The inner stream's `poll_flush`.
    fn poll_flush_inner(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match ffi::with_context(&mut self.conn, adapter::<S>, cx, |c| c.tls_mut().flush()) {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Poll::Pending,
            r => Poll::Ready(r),
        }
    }

    /// `poll_shutdown` without the timeout.
    fn poll_shutdown_steps(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        loop {
            match self.shutdown.step {
                ShutdownStep::CloseNotify if self.shutdown.eof_received => {
                    self.shutdown.step = ShutdownStep::Flush;
                }
                ShutdownStep::CloseNotify => {
                    // `zeros` of 1: send close_notify and stop there (the
                    // second SSL_shutdown, which waits for the peer's, is
                    // `unwrap`'s).
                    let mut zeros = 1;
                    match ready!(self.poll_step(cx, |c| c.shutdown(&mut zeros))) {
                        Ok(()) => {}
                        Err(e) => {
                            let e = self.conn.error(e);
                            // The peer's close_notify already ended the
                            // session: nothing left to send.
                            if e.kind() != SslErrorKind::ZeroReturn {
                                return Poll::Ready(Err(e.into()));
                            }
                        }
                    }
                    self.shutdown.step = ShutdownStep::Flush;
                }
                ShutdownStep::Flush => {
                    ready!(self.poll_flush_inner(cx))?;
                    self.shutdown.step = ShutdownStep::Inner;
                }
                ShutdownStep::Inner => {
                    ready!(Pin::new(SslStream::get_mut(self)).poll_shutdown(cx))?;
                    self.shutdown.step = ShutdownStep::Done;
                }
                ShutdownStep::Done => return Poll::Ready(Ok(())),
            }
        }
    }
}

impl<S> SslStream<S> {
    inspection_methods!(conn);

    /// The stream under TLS. Python: `transport.get_extra_info("socket")`.
    pub fn get_ref(&self) -> &S {
        self.conn.tls().get_ref().get_ref()
    }

    /// The stream under TLS, mutably; reading or writing it directly
    /// corrupts the TLS session.
    pub fn get_mut(&mut self) -> &mut S {
        self.conn.tls_mut().get_mut().get_mut()
    }
}

/// The error of every call after a shutdown timed out.
fn aborted() -> io::Error {
    io::Error::new(
        io::ErrorKind::NotConnected,
        "SSL connection is closed (its shutdown timed out)",
    )
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncRead for SslStream<S> {
    /// Python: `StreamReader.read(n)` over the SSL transport
    /// (`SSLObject.read` in `sslproto.py`). OpenSSL: `SSL_read_ex`.
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.shutdown.aborted {
            return Poll::Ready(Err(aborted()));
        }
        let dst = buf.initialize_unfilled();
        match ready!(this.poll_step(cx, |c| c.read(dst))) {
            Ok(n) => {
                buf.advance(n);
                Poll::Ready(Ok(()))
            }
            Err(e) => {
                let e = this.conn.error(e);
                if e.kind() == SslErrorKind::Eof {
                    this.shutdown.eof_received = true;
                }
                match e.kind() {
                    // A close_notify after our own (poll_shutdown): the end
                    // of the stream, as asyncio's eof_received.
                    SslErrorKind::ZeroReturn => Poll::Ready(Ok(())),
                    SslErrorKind::Eof if this.suppress_ragged_eofs => Poll::Ready(Ok(())),
                    _ => Poll::Ready(Err(e.into())),
                }
            }
        }
    }
}

impl<S: AsyncRead + AsyncWrite + Unpin> AsyncWrite for SslStream<S> {
    /// Python: `StreamWriter.write(data)` over the SSL transport
    /// (`SSLObject.write` in `sslproto.py`). OpenSSL: `SSL_write_ex`.
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.shutdown.aborted {
            return Poll::Ready(Err(aborted()));
        }
        match ready!(this.poll_step(cx, |c| c.write(buf))) {
            Ok(n) => Poll::Ready(Ok(n)),
            Err(e) => Poll::Ready(Err(this.conn.error(e).into())),
        }
    }

    /// Python: `StreamWriter.drain()`. OpenSSL: none (`BIO_flush` of the
    /// stream BIO flushes the inner stream).
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.shutdown.aborted {
            return Poll::Ready(Err(aborted()));
        }
        this.poll_flush_inner(cx)
    }

    /// Python: `StreamWriter.close()` + `wait_closed()`. OpenSSL:
    /// `SSL_shutdown` (once: close_notify out), then the inner stream's
    /// `poll_flush` and `poll_shutdown`; within `ssl_shutdown_timeout`.
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        if this.shutdown.aborted {
            return Poll::Ready(Err(aborted()));
        }
        match this.poll_shutdown_steps(cx) {
            Poll::Ready(r) => {
                this.shutdown.deadline = None;
                Poll::Ready(r)
            }
            Poll::Pending => {
                let timeout = this.shutdown_timeout;
                let deadline = this
                    .shutdown
                    .deadline
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                ready!(deadline.as_mut().poll(cx));
                // asyncio's _check_shutdown_timeout: the transport is
                // force-closed with TimeoutError('SSL shutdown timed out').
                this.shutdown.deadline = None;
                this.shutdown.aborted = true;
                Poll::Ready(Err(shutdown_timeout_error().into()))
            }
        }
    }
}

impl<S: fmt::Debug> fmt::Debug for SslStream<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslStream")
            .field("stream", self.get_ref())
            .field("server_side", &self.server_side())
            .field("server_hostname", &self.server_hostname())
            .field("version", &self.version())
            .field("cipher", &self.cipher())
            .finish()
    }
}
