//! [`SslListener`]: a listening socket whose `accept` returns TLS sockets.
//! Python's `SSLContext.wrap_socket(listening_socket, server_side=True)`.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use openssl::error::ErrorStack;

use crate::context::{ConnConfig, SslContext};
use crate::error::SslError;
use crate::options::WrapOptions;
use crate::socket::SslSocket;

impl SslContext {
    /// Wraps a listening socket: [`SslListener::accept`] returns server-side
    /// [`SslSocket`]s, handshaken.
    ///
    /// Python: `SSLContext.wrap_socket(listening_sock, server_side=True)`
    /// followed by `accept()`. OpenSSL: as [`wrap_socket`](Self::wrap_socket)
    /// with `SSL_set_accept_state`.
    ///
    /// The listener uses the context as it is now: later changes to `self`
    /// reach it when given again with [`SslListener::set_context`] (Python's
    /// listening socket sees them at once, since the context object is
    /// shared; here the settings are `&mut` and the listener keeps what it
    /// was given, so that accepting in other threads stays sound).
    pub fn wrap_listener(&self, listener: TcpListener) -> SslListener {
        let ctx = self.built().cloned();
        SslListener::new(listener, ctx, self.conn_config())
    }
}

/// A listening TCP socket that hands out server-side [`SslSocket`]s.
///
/// Python: an `ssl.SSLSocket` wrapping a listening socket; its `accept()`
/// accepts a connection and wraps it with `server_side=True`. OpenSSL: per
/// connection, `SSL_new`, `SSL_set_accept_state`, `SSL_do_handshake`.
///
/// Made by [`SslContext::wrap_listener`](crate::SslContext::wrap_listener).
/// A client that fails its handshake makes that `accept` fail; the listener
/// stays usable for the next one.
pub struct SslListener {
    listener: TcpListener,
    ctx: Result<openssl::ssl::SslContext, ErrorStack>,
    config: ConnConfig,
    do_handshake_on_connect: bool,
    suppress_ragged_eofs: bool,
    handshake_timeout: Option<Duration>,
    trace: bool,
}

impl SslListener {
    pub(crate) fn new(
        listener: TcpListener,
        ctx: Result<openssl::ssl::SslContext, SslError>,
        config: ConnConfig,
    ) -> SslListener {
        // A build failure (never expected: settings are checked when set) is
        // reported by `accept`.
        let ctx = ctx.map_err(|e| e.openssl_errors().cloned().unwrap_or_else(ErrorStack::get));
        SslListener {
            listener,
            ctx,
            config,
            do_handshake_on_connect: true,
            suppress_ragged_eofs: true,
            handshake_timeout: None,
            trace: false,
        }
    }

    /// Wraps the connections accepted from now on with `ctx` (as it is
    /// now); connections accepted before keep theirs.
    ///
    /// Python: `SSLSocket.context = ctx` on a listening socket (which sets
    /// the context its `accept()` wraps with). OpenSSL: the `SSL_CTX` of
    /// the next `SSL_new`.
    pub fn set_context(&mut self, ctx: &SslContext) {
        self.ctx = ctx
            .built()
            .cloned()
            .map_err(|e| e.openssl_errors().cloned().unwrap_or_else(ErrorStack::get));
        self.config = ctx.conn_config();
    }

    /// The context accepted connections are wrapped with; `None` when it
    /// could not be built (then `accept` reports the error).
    ///
    /// Python: `SSLSocket.context` of a listening socket.
    pub fn context(&self) -> Option<SslContext> {
        SslContext::of_openssl(self.ctx.as_ref().ok()?)
    }

    /// Whether `accept` runs the handshake (default `true`, as Python's
    /// `do_handshake_on_connect`).
    pub fn set_do_handshake_on_connect(&mut self, on: bool) {
        self.do_handshake_on_connect = on;
    }

    /// Python's `suppress_ragged_eofs` for accepted sockets (default `true`).
    pub fn set_suppress_ragged_eofs(&mut self, on: bool) {
        self.suppress_ragged_eofs = on;
    }

    /// A timeout for each accepted socket, set before its handshake and
    /// left in place (as `settimeout` on it would): the handshake `accept`
    /// runs must end within it, however slowly the client sends. `None`
    /// (the default) blocks, as Python's accepted sockets do, so one silent
    /// client holds up `accept`.
    pub fn set_handshake_timeout(&mut self, t: Option<Duration>) {
        self.handshake_timeout = t;
    }

    /// Whether accepted sockets record their handshake trace (default
    /// `false`), as [`WrapOptions::trace`] does for one socket.
    pub fn set_trace(&mut self, on: bool) {
        self.trace = on;
    }

    /// Accepts a connection and wraps it server-side; with
    /// `do_handshake_on_connect` the handshake has run when this returns.
    ///
    /// Python: `SSLSocket.accept()`. OS: `accept(2)`; OpenSSL: `SSL_new`,
    /// `SSL_set_accept_state`, `SSL_do_handshake`.
    ///
    /// A failed handshake is returned as the error (the connection is
    /// closed); call `accept` again for the next client.
    pub fn accept(&self) -> Result<(SslSocket<TcpStream>, SocketAddr), SslError> {
        let (tcp, addr) = self.listener.accept().map_err(SslError::io)?;
        let ctx = self.ctx.as_ref().map_err(|e| SslError::from(e.clone()))?;
        let opts = WrapOptions::default()
            .server_side(true)
            .suppress_ragged_eofs(self.suppress_ragged_eofs)
            .trace(self.trace);
        let mut sock = SslSocket::new(ctx, self.config, tcp, opts.do_handshake_on_connect(false))?;
        if let Some(t) = self.handshake_timeout {
            sock.settimeout(Some(t)).map_err(SslError::io)?;
        }
        if self.do_handshake_on_connect {
            sock.handshake_on_connect()?;
        }
        Ok((sock, addr))
    }

    /// Accepted, handshaken sockets, one per connection, forever.
    ///
    /// Python: `while True: conn, addr = sock.accept()`.
    pub fn incoming(&self) -> impl Iterator<Item = Result<SslSocket<TcpStream>, SslError>> + '_ {
        std::iter::repeat_with(move || self.accept().map(|(s, _)| s))
    }

    /// The local address. Python: `getsockname()`.
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// The listening socket.
    pub fn get_ref(&self) -> &TcpListener {
        &self.listener
    }
}

impl std::fmt::Debug for SslListener {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SslListener")
            .field("listener", &self.listener)
            .field("do_handshake_on_connect", &self.do_handshake_on_connect)
            .field("suppress_ragged_eofs", &self.suppress_ragged_eofs)
            .field("handshake_timeout", &self.handshake_timeout)
            .field("trace", &self.trace)
            .finish()
    }
}
