//! The server side: [`SslListener`] (accept handshaken streams) and
//! [`start_server`] (a callback per connection, as asyncio's).
//!
//! Every accepted connection's handshake runs as its own task, under its
//! own `ssl_handshake_timeout`, so a slow or silent client delays no other:
//! `accept` returns whichever handshake ends first.

use std::fmt;
use std::future::{poll_fn, Future};
use std::io;
use std::net::SocketAddr;
use std::panic::resume_unwind;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::net::{TcpListener, TcpStream, ToSocketAddrs};
use tokio::task::{JoinHandle, JoinSet};

use super::{timeouts, SslStream};
use crate::context::{ConnConfig, Protocol, SslContext};
use crate::error::SslError;
use crate::options::WrapOptions;

/// How long the server waits after a failed `accept(2)` (too many open
/// files, …) before accepting again.
///
/// Python: `asyncio.constants.ACCEPT_RETRY_DELAY`.
const ACCEPT_RETRY_DELAY: Duration = Duration::from_secs(1);

/// A listening TCP socket whose [`accept`](Self::accept) gives
/// server-side [`SslStream`]s, handshake done.
///
/// Python: what `asyncio.start_server(..., ssl=ctx)` /
/// `loop.create_server(..., ssl=ctx)` do for each connection
/// (`sslproto.SSLProtocol` with `server_side=True`), as a value you accept
/// from, like [`sslwrap::SslListener`](crate::SslListener). OpenSSL: per
/// connection `SSL_new`, `SSL_set_accept_state`, `SSL_do_handshake`.
///
/// Each connection's handshake runs in a task of its own (spawned on the
/// current runtime) as soon as the connection is taken from the backlog,
/// under [`WrapOptions::ssl_handshake_timeout`]; `accept` returns the first
/// one that ends, so one slow or silent client never holds up the others.
/// A failed handshake (a bad client certificate, a timeout, …) is returned
/// by `accept` as its error; the listener stays usable.
///
/// Dropping the listener closes the socket and aborts the handshakes in
/// progress (their connections are closed); [`SslStream`]s already returned
/// are not affected.
///
/// ```no_run
/// # #[allow(dead_code)]
/// # async fn f() -> Result<(), sslwrap::SslError> {
/// use sslwrap::{asyncio, SslContext, WrapOptions, PROTOCOL_TLS_SERVER};
/// use tokio::io::AsyncWriteExt;
///
/// let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER)?;
/// ctx.load_cert_chain("cert.pem".as_ref(), None, None)?;
/// let mut listener = asyncio::SslListener::bind("127.0.0.1:8443", &ctx, WrapOptions::default()).await?;
/// loop {
///     match listener.accept().await {
///         Ok((mut stream, _peer)) => {
///             tokio::spawn(async move {
///                 let _ = stream.write_all(b"hello\n").await;
///                 let _ = stream.shutdown().await;
///             });
///         }
///         Err(e) => eprintln!("handshake failed: {e}"),
///     }
/// }
/// # }
/// ```
pub struct SslListener {
    listener: TcpListener,
    ctx: openssl::ssl::SslContext,
    config: ConnConfig,
    opts: WrapOptions,
    handshakes: JoinSet<(SocketAddr, Result<SslStream<TcpStream>, SslError>)>,
}

/// What one poll of the listener found.
enum Accepted {
    Stream(SslStream<TcpStream>, SocketAddr),
    HandshakeFailed(SslError),
    AcceptFailed(io::Error),
}

impl SslListener {
    /// Listens on `addr` (port 0: any free port, see
    /// [`local_addr`](Self::local_addr)) for TLS clients of `ctx`.
    ///
    /// Python: the listening side of `asyncio.start_server(cb, host, port,
    /// ssl=ctx, ssl_handshake_timeout=..., ssl_shutdown_timeout=...)`. OS:
    /// `socket(2)`, `bind(2)`, `listen(2)` (tokio's `TcpListener::bind`).
    ///
    /// `opts` is made server-side; its `server_hostname` is ignored (as
    /// asyncio ignores it for a server), and so is
    /// `do_handshake_on_connect`.
    ///
    /// # Errors
    ///
    /// The `OSError` of `bind` ([`SslErrorKind::Io`](crate::SslErrorKind::Io));
    /// Python's "Cannot create a server socket with a PROTOCOL_TLS_CLIENT
    /// context"; a `session` ([`SslErrorKind::Value`](crate::SslErrorKind::Value),
    /// "session can only be specified in client mode"); a zero timeout.
    pub async fn bind<A: ToSocketAddrs>(
        addr: A,
        ctx: &SslContext,
        opts: WrapOptions,
    ) -> Result<SslListener, SslError> {
        // Checked before binding, so that a bad argument leaves no socket.
        SslListener::checked(ctx, &opts)?;
        let listener = TcpListener::bind(addr).await.map_err(SslError::io)?;
        SslListener::from_listener(listener, ctx, opts)
    }

    /// Serves TLS on a listening socket of your own.
    ///
    /// Python: `asyncio.start_server(cb, sock=sock, ssl=ctx)`. As
    /// [`bind`](Self::bind) otherwise.
    pub fn from_listener(
        listener: TcpListener,
        ctx: &SslContext,
        opts: WrapOptions,
    ) -> Result<SslListener, SslError> {
        let (ctx, config) = SslListener::checked(ctx, &opts)?;
        let mut opts = opts.server_side(true);
        opts.server_hostname = None;
        Ok(SslListener {
            listener,
            ctx,
            config,
            opts,
            handshakes: JoinSet::new(),
        })
    }

    /// The OpenSSL context and connection settings of `ctx`, if a server
    /// can be made of them with `opts`.
    fn checked(
        ctx: &SslContext,
        opts: &WrapOptions,
    ) -> Result<(openssl::ssl::SslContext, ConnConfig), SslError> {
        let config = ctx.conn_config();
        if config.protocol == Protocol::TlsClient {
            return Err(SslError::ssl_text(
                "Cannot create a server socket with a PROTOCOL_TLS_CLIENT context",
            ));
        }
        if opts.session.is_some() {
            return Err(SslError::value(
                "session can only be specified in client mode",
            ));
        }
        timeouts(opts)?;
        Ok((ctx.built()?.clone(), config))
    }

    /// The next client whose handshake has completed, and its address.
    ///
    /// Python: the `client_connected_cb(reader, writer)` call of
    /// `asyncio.start_server`, as a value. OS and OpenSSL: `accept(2)`,
    /// then as [`start_tls`](super::start_tls) with `server_side`.
    ///
    /// While waiting it takes every connection from the backlog and starts
    /// its handshake; the handshakes run concurrently, each in its own
    /// task, whether or not `accept` is being awaited.
    ///
    /// # Errors
    ///
    /// A client's failed handshake, as [`start_tls`](super::start_tls)
    /// reports it (asyncio logs those to the loop's exception handler); or
    /// `accept(2)`'s own failure (`EMFILE`, …) as
    /// [`SslErrorKind::Io`](crate::SslErrorKind::Io). Either way the
    /// listener can accept again.
    ///
    /// # Cancel safety
    ///
    /// Cancel-safe: a dropped `accept` loses no connection; those accepted
    /// meanwhile stay in the listener, handshaking, for the next call.
    pub async fn accept(&mut self) -> Result<(SslStream<TcpStream>, SocketAddr), SslError> {
        match poll_fn(|cx| self.poll_next(cx)).await {
            Accepted::Stream(stream, addr) => Ok((stream, addr)),
            Accepted::HandshakeFailed(e) => Err(e),
            Accepted::AcceptFailed(e) => Err(SslError::io(e)),
        }
    }

    /// The address it listens on. Python: `server.sockets[0].getsockname()`.
    pub fn local_addr(&self) -> Result<SocketAddr, SslError> {
        self.listener.local_addr().map_err(SslError::io)
    }

    /// How many handshakes are in progress (accepted, not yet returned).
    pub fn pending_handshakes(&self) -> usize {
        self.handshakes.len()
    }

    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<Accepted> {
        loop {
            match self.listener.poll_accept(cx) {
                Poll::Ready(Ok((tcp, addr))) => self.start_handshake(tcp, addr),
                Poll::Ready(Err(e)) => return Poll::Ready(Accepted::AcceptFailed(e)),
                Poll::Pending => break,
            }
        }
        loop {
            return match self.handshakes.poll_join_next(cx) {
                Poll::Ready(Some(Ok((addr, Ok(stream))))) => {
                    Poll::Ready(Accepted::Stream(stream, addr))
                }
                Poll::Ready(Some(Ok((_, Err(e))))) => Poll::Ready(Accepted::HandshakeFailed(e)),
                Poll::Ready(Some(Err(e))) if e.is_panic() => resume_unwind(e.into_panic()),
                // Cancelled: only when the runtime shuts down.
                Poll::Ready(Some(Err(_))) => continue,
                Poll::Ready(None) | Poll::Pending => Poll::Pending,
            };
        }
    }

    fn start_handshake(&mut self, tcp: TcpStream, addr: SocketAddr) {
        // asyncio sets TCP_NODELAY on every TCP transport; a failure here
        // changes nothing that matters.
        let _ = tcp.set_nodelay(true);
        let ctx = self.ctx.clone();
        let config = self.config;
        let opts = self.opts.clone();
        self.handshakes.spawn(async move {
            let result = async {
                let (handshake_timeout, _) = timeouts(&opts)?;
                SslStream::new(&ctx, config, tcp, &opts)?
                    .handshake(handshake_timeout)
                    .await
            };
            (addr, result.await)
        });
    }
}

impl fmt::Debug for SslListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslListener")
            .field("listener", &self.listener)
            .field("pending_handshakes", &self.handshakes.len())
            .finish()
    }
}

/// Serves TLS on `addr`: each client whose handshake completes is handed to
/// `client_connected_cb` in a task of its own; returns once listening.
///
/// Python: `server = await asyncio.start_server(client_connected_cb, host,
/// port, ssl=ctx, ssl_handshake_timeout=..., ssl_shutdown_timeout=...)`.
/// OS and OpenSSL: as [`SslListener::bind`] and [`SslListener::accept`].
///
/// The callback gets the [`SslStream`] (Python's reader and writer in one)
/// and the client's address. Handshakes run concurrently, each under
/// `ssl_handshake_timeout`; those that fail are dropped, as asyncio logs
/// them and goes on (use [`SslListener`] to see them). After a failed
/// `accept(2)` (too many open files) it pauses one second, as asyncio.
///
/// The server runs until [`Server::close`] or until the [`Server`] is
/// dropped; connections already handed to the callback go on, as in
/// asyncio.
///
/// ```no_run
/// # #[allow(dead_code)]
/// # async fn f() -> Result<(), sslwrap::SslError> {
/// use sslwrap::{asyncio, SslContext, WrapOptions, PROTOCOL_TLS_SERVER};
/// use tokio::io::{AsyncReadExt, AsyncWriteExt};
///
/// let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER)?;
/// ctx.load_cert_chain("cert.pem".as_ref(), None, None)?;
/// let server = asyncio::start_server(&ctx, "127.0.0.1:0", WrapOptions::default(), |mut s, _peer| async move {
///     let mut buf = [0; 1024];
///     if let Ok(n) = s.read(&mut buf).await {
///         let _ = s.write_all(&buf[..n]).await;
///     }
///     let _ = s.shutdown().await;
/// })
/// .await?;
/// println!("serving on {}", server.local_addr());
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// Those of [`SslListener::bind`].
pub async fn start_server<A, F, Fut>(
    ctx: &SslContext,
    addr: A,
    opts: WrapOptions,
    mut client_connected_cb: F,
) -> Result<Server, SslError>
where
    A: ToSocketAddrs,
    F: FnMut(SslStream<TcpStream>, SocketAddr) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let mut listener = SslListener::bind(addr, ctx, opts).await?;
    let local_addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        loop {
            match poll_fn(|cx| listener.poll_next(cx)).await {
                Accepted::Stream(stream, addr) => {
                    tokio::spawn(client_connected_cb(stream, addr));
                }
                Accepted::HandshakeFailed(_) => {}
                Accepted::AcceptFailed(_) => tokio::time::sleep(ACCEPT_RETRY_DELAY).await,
            }
        }
    });
    Ok(Server {
        local_addr,
        task,
        closed: AtomicBool::new(false),
    })
}

/// A running [`start_server`]: serves until closed or dropped.
///
/// Python: `asyncio.Server`.
pub struct Server {
    local_addr: SocketAddr,
    task: JoinHandle<()>,
    closed: AtomicBool,
}

impl Server {
    /// The address it listens on (with the port picked for port 0).
    ///
    /// Python: `server.sockets[0].getsockname()`.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Stops serving: closes the listening socket and aborts the
    /// handshakes in progress. Connections already handed to the callback
    /// go on.
    ///
    /// Python: `server.close()`.
    pub fn close(&self) {
        self.closed.store(true, Ordering::Relaxed);
        self.task.abort();
    }

    /// Whether it still accepts connections.
    ///
    /// Python: `server.is_serving()`.
    pub fn is_serving(&self) -> bool {
        !self.closed.load(Ordering::Relaxed) && !self.task.is_finished()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("local_addr", &self.local_addr)
            .field("serving", &self.is_serving())
            .finish()
    }
}
