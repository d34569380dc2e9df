//! [`WrapOptions`]: the keyword arguments of Python's
//! `SSLContext.wrap_socket` and `SSLContext.wrap_bio`.

use std::fmt;
use std::time::Duration;

use crate::error::SslError;
use crate::idna;
use crate::session::SslSession;

/// How to wrap a stream or a pair of memory BIOs: Python's keyword
/// arguments of `SSLContext.wrap_socket` and `SSLContext.wrap_bio`.
///
/// `Default` gives Python's defaults: client side, handshake on connect,
/// ragged EOFs suppressed, no server name, no session. Each field also has
/// a chainable builder of the same name:
///
/// ```
/// let opts = sslwrap::WrapOptions::default().server_hostname("example.org");
/// assert!(opts.do_handshake_on_connect);
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct WrapOptions {
    /// `server_side`: act as the TLS server. Default `false`.
    pub server_side: bool,
    /// `do_handshake_on_connect`: run the handshake inside `wrap_socket`.
    /// Default `true`. Set `false` for non-blocking streams and call
    /// [`SslSocket::do_handshake`](crate::SslSocket::do_handshake) yourself.
    pub do_handshake_on_connect: bool,
    /// `suppress_ragged_eofs`: a peer closing TCP without close_notify reads
    /// as end of stream rather than [`SslErrorKind::Eof`](crate::SslErrorKind::Eof).
    /// Default `true`.
    pub suppress_ragged_eofs: bool,
    /// `server_hostname`: the name sent as SNI and, when the context's
    /// `check_hostname` is on, matched against the certificate. An IP
    /// address is matched as an IP address and never sent as SNI. An
    /// internationalised name is encoded with IDNA 2003 first, as Python
    /// does (`SslSocket::server_hostname` then returns the `xn--` form).
    pub server_hostname: Option<String>,
    /// `session`: a session from an earlier connection to resume.
    pub session: Option<SslSession>,
    /// Record this connection's handshake trace, for `handshake_trace()`
    /// and `handshake_summary()` (sslwrap; Python has only the
    /// context-wide `_msg_callback`). Default `false`.
    pub trace: bool,
    /// `ssl_handshake_timeout`: how long the handshake of a
    /// `sslwrap::asyncio` (feature `tokio`) connection may take, after which it is
    /// aborted with [`SslErrorKind::Timeout`](crate::SslErrorKind::Timeout).
    /// `None` (the default) is asyncio's 60 s. Used by asyncio only:
    /// blocking sockets keep [`settimeout`](crate::SslSocket::settimeout).
    pub ssl_handshake_timeout: Option<Duration>,
    /// `ssl_shutdown_timeout`: how long the TLS shutdown of a
    /// `sslwrap::asyncio` (feature `tokio`) connection may take (its `shutdown` and
    /// `unwrap`), after which the connection is aborted with
    /// [`SslErrorKind::Timeout`](crate::SslErrorKind::Timeout). `None` (the
    /// default) is asyncio's 30 s. Used by asyncio only.
    pub ssl_shutdown_timeout: Option<Duration>,
}

impl Default for WrapOptions {
    fn default() -> WrapOptions {
        WrapOptions {
            server_side: false,
            do_handshake_on_connect: true,
            suppress_ragged_eofs: true,
            server_hostname: None,
            session: None,
            trace: false,
            ssl_handshake_timeout: None,
            ssl_shutdown_timeout: None,
        }
    }
}

impl WrapOptions {
    /// Sets [`server_side`](Self::server_side).
    pub fn server_side(mut self, on: bool) -> WrapOptions {
        self.server_side = on;
        self
    }

    /// Sets [`do_handshake_on_connect`](Self::do_handshake_on_connect).
    pub fn do_handshake_on_connect(mut self, on: bool) -> WrapOptions {
        self.do_handshake_on_connect = on;
        self
    }

    /// Sets [`suppress_ragged_eofs`](Self::suppress_ragged_eofs).
    pub fn suppress_ragged_eofs(mut self, on: bool) -> WrapOptions {
        self.suppress_ragged_eofs = on;
        self
    }

    /// Sets [`server_hostname`](Self::server_hostname).
    pub fn server_hostname(mut self, name: impl Into<String>) -> WrapOptions {
        self.server_hostname = Some(name.into());
        self
    }

    /// Sets [`session`](Self::session).
    pub fn session(mut self, session: SslSession) -> WrapOptions {
        self.session = Some(session);
        self
    }

    /// Sets [`trace`](Self::trace).
    pub fn trace(mut self, on: bool) -> WrapOptions {
        self.trace = on;
        self
    }

    /// Sets [`ssl_handshake_timeout`](Self::ssl_handshake_timeout).
    ///
    /// Python: the `ssl_handshake_timeout` argument of `loop.start_tls`,
    /// `asyncio.open_connection` and `asyncio.start_server` (default
    /// `60.0`).
    pub fn ssl_handshake_timeout(mut self, t: Duration) -> WrapOptions {
        self.ssl_handshake_timeout = Some(t);
        self
    }

    /// Sets [`ssl_shutdown_timeout`](Self::ssl_shutdown_timeout).
    ///
    /// Python: the `ssl_shutdown_timeout` argument of `loop.start_tls`,
    /// `asyncio.open_connection` and `asyncio.start_server` (3.11+, default
    /// `30.0`).
    pub fn ssl_shutdown_timeout(mut self, t: Duration) -> WrapOptions {
        self.ssl_shutdown_timeout = Some(t);
        self
    }

    /// Python's `SSLContext._encode_hostname`: the IDNA 2003 (A-label) form
    /// of `server_hostname`, which is what is sent, checked and reported.
    pub(crate) fn encoded_hostname(&self) -> Result<Option<String>, SslError> {
        self.server_hostname
            .as_deref()
            .map(idna::encode)
            .transpose()
    }
}

impl fmt::Debug for WrapOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WrapOptions")
            .field("server_side", &self.server_side)
            .field("do_handshake_on_connect", &self.do_handshake_on_connect)
            .field("suppress_ragged_eofs", &self.suppress_ragged_eofs)
            .field("server_hostname", &self.server_hostname)
            .field("session", &self.session.is_some())
            .field("trace", &self.trace)
            .field("ssl_handshake_timeout", &self.ssl_handshake_timeout)
            .field("ssl_shutdown_timeout", &self.ssl_shutdown_timeout)
            .finish()
    }
}
