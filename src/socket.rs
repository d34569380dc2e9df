//! [`SslSocket`]: the TLS state machine over a stream. Python's
//! `ssl.SSLSocket`.
//!
//! The socket is a thin layer over the `openssl` crate's `SslStream`: reads
//! and writes go straight to `SSL_read_ex`/`SSL_write_ex` through the same
//! BIO, with no allocation, copy or extra system call per call. What sslwrap
//! adds (Python's error classes, ragged-EOF suppression, timeouts) runs only
//! when OpenSSL reports something other than success.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use openssl::ssl::{self, ErrorCode, ShutdownResult, ShutdownState, Ssl, SslContextRef};

use crate::cert::PeerCert;
use crate::context::Protocol;
use crate::error::{Peer, SslError};
use crate::ffi::{self, Failure, TlsStream};
use crate::idna;

/// How to wrap a stream: Python's keyword arguments of
/// `SSLContext.wrap_socket`.
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
    /// [`SslSocket::do_handshake`] yourself.
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
}

impl Default for WrapOptions {
    fn default() -> WrapOptions {
        WrapOptions {
            server_side: false,
            do_handshake_on_connect: true,
            suppress_ragged_eofs: true,
            server_hostname: None,
            session: None,
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
}

impl fmt::Debug for WrapOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WrapOptions")
            .field("server_side", &self.server_side)
            .field("do_handshake_on_connect", &self.do_handshake_on_connect)
            .field("suppress_ragged_eofs", &self.suppress_ragged_eofs)
            .field("server_hostname", &self.server_hostname)
            .field("session", &self.session.is_some())
            .finish()
    }
}

/// A TLS session, to resume with [`WrapOptions::session`].
///
/// Python: `ssl.SSLSession`. OpenSSL: `SSL_SESSION`.
#[derive(Clone)]
pub struct SslSession {
    inner: ssl::SslSession,
    context_id: u64,
}

impl SslSession {
    /// The session ID. Python: `SSLSession.id`. OpenSSL: `SSL_SESSION_get_id`.
    pub fn id(&self) -> &[u8] {
        self.inner.id()
    }

    /// Seconds since the epoch when the session was made. Python:
    /// `SSLSession.time`. OpenSSL: `SSL_SESSION_get_time`.
    pub fn time(&self) -> i64 {
        self.inner.time()
    }

    /// Lifetime in seconds. Python: `SSLSession.timeout`. OpenSSL:
    /// `SSL_SESSION_get_timeout`.
    pub fn timeout(&self) -> i64 {
        self.inner.timeout()
    }
}

impl fmt::Debug for SslSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslSession")
            .field("id_len", &self.inner.id().len())
            .field("time", &self.time())
            .field("timeout", &self.timeout())
            .finish()
    }
}

/// What a socket needs from its [`SslContext`](crate::SslContext) besides
/// the OpenSSL context.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SocketConfig {
    pub(crate) protocol: Protocol,
    pub(crate) context_id: u64,
    pub(crate) check_hostname: bool,
    pub(crate) post_handshake_auth: bool,
}

/// A TLS connection over a stream.
///
/// Python: `ssl.SSLSocket`. OpenSSL: `SSL` over a BIO that calls the
/// stream's `Read`/`Write`.
///
/// Made by [`SslContext::wrap_socket`](crate::SslContext::wrap_socket) or
/// [`SslListener::accept`](crate::SslListener::accept). Implements
/// [`io::Read`] and [`io::Write`]; the Python-named [`recv`](Self::recv),
/// [`send`](Self::send) and [`sendall`](Self::sendall) return [`SslError`]
/// instead of [`io::Error`].
///
/// Dropping it closes the stream without sending close_notify, like
/// Python's `close()`; call [`unwrap`](Self::unwrap) for an orderly TLS
/// shutdown.
pub struct SslSocket<S> {
    stream: TlsStream<S>,
    server_side: bool,
    server_hostname: Option<String>,
    suppress_ragged_eofs: bool,
    /// Python's socket timeout in nanoseconds, as `settimeout` set it:
    /// [`NO_TIMEOUT`] when none was set (blocking, or a non-blocking stream
    /// whose would-blocks are `WantRead`/`WantWrite`).
    timeout: AtomicU64,
    context_id: u64,
}

/// `timeout` value meaning "no timeout set with `settimeout`".
const NO_TIMEOUT: u64 = u64::MAX;
/// `timeout` value meaning "non-blocking" (`settimeout(0)`).
const NON_BLOCKING: u64 = 0;

/// The operation a timeout interrupted, for Python's message.
#[derive(Clone, Copy)]
enum Op {
    Handshake,
    Read,
    Write,
}

impl<S: Read + Write> SslSocket<S> {
    pub(crate) fn new(
        ctx: &SslContextRef,
        config: SocketConfig,
        sock: S,
        opts: WrapOptions,
    ) -> Result<SslSocket<S>, SslError> {
        // ssl.py: SSLSocket._create and SSLContext._encode_hostname.
        if opts.server_side {
            if opts.server_hostname.is_some() {
                return Err(SslError::value(
                    "server_hostname can only be specified in client mode",
                ));
            }
            if opts.session.is_some() {
                return Err(SslError::value(
                    "session can only be specified in client mode",
                ));
            }
        }
        if config.check_hostname && opts.server_hostname.as_deref().map_or(true, str::is_empty) {
            return Err(SslError::value("check_hostname requires server_hostname"));
        }
        // _ssl.c: newPySSLSocket.
        match (config.protocol, opts.server_side) {
            (Protocol::TlsClient, true) => {
                return Err(SslError::ssl_text(
                    "Cannot create a server socket with a PROTOCOL_TLS_CLIENT context",
                ))
            }
            (Protocol::TlsServer, false) => {
                return Err(SslError::ssl_text(
                    "Cannot create a client socket with a PROTOCOL_TLS_SERVER context",
                ))
            }
            _ => {}
        }
        // SSLContext._encode_hostname: the A-label form is what is sent,
        // checked and reported by `server_hostname()`.
        let server_hostname = opts
            .server_hostname
            .as_deref()
            .map(idna::encode)
            .transpose()?;
        let mut ssl = Ssl::new(ctx)?;
        if let Some(name) = &server_hostname {
            configure_hostname(&mut ssl, name, config.check_hostname)?;
        }
        if config.post_handshake_auth {
            ffi::ssl_enable_post_handshake_auth(&mut ssl, opts.server_side);
        }
        if let Some(session) = &opts.session {
            if session.context_id != config.context_id {
                return Err(SslError::value("Session refers to a different SSLContext."));
            }
            // A copy, so this connection ending without close_notify (which
            // marks its session not resumable) cannot spoil the caller's.
            let copy = dup_session(&session.inner)?;
            ffi::ssl_set_session(&mut ssl, &copy)?;
        }
        if opts.server_side {
            ssl.set_accept_state();
        } else {
            ssl.set_connect_state();
        }
        let stream = TlsStream::new(ssl, sock)?;
        let mut s = SslSocket {
            stream,
            server_side: opts.server_side,
            server_hostname,
            suppress_ragged_eofs: opts.suppress_ragged_eofs,
            timeout: AtomicU64::new(NO_TIMEOUT),
            context_id: config.context_id,
        };
        if opts.do_handshake_on_connect {
            s.handshake_on_connect()?;
        }
        Ok(s)
    }

    /// The handshake `wrap_socket` runs. Python refuses a non-blocking
    /// socket there, so a would-block can only be a socket timeout expiring.
    pub(crate) fn handshake_on_connect(&mut self) -> Result<(), SslError> {
        match self.stream.do_handshake() {
            Ok(()) => Ok(()),
            Err(e) => Err(match e.code {
                ErrorCode::WANT_READ | ErrorCode::WANT_WRITE => {
                    SslError::timeout(Op::Handshake.timeout_text(), e.io)
                }
                _ => self.error(e, Op::Handshake),
            }),
        }
    }

    /// Runs (or continues) the TLS handshake.
    ///
    /// Python: `SSLSocket.do_handshake()`. OpenSSL: `SSL_do_handshake`.
    ///
    /// On a non-blocking stream it returns [`SslErrorKind::WantRead`] or
    /// [`SslErrorKind::WantWrite`] until done: wait for the stream to become
    /// readable or writable and call it again. With a timeout set by
    /// [`settimeout`](SslSocket::settimeout), an expired wait is
    /// [`SslErrorKind::Timeout`] ("The handshake operation timed out").
    /// Verification failures are [`SslErrorKind::CertVerification`] with
    /// Python's verify code and message.
    ///
    /// [`SslErrorKind::WantRead`]: crate::SslErrorKind::WantRead
    /// [`SslErrorKind::WantWrite`]: crate::SslErrorKind::WantWrite
    /// [`SslErrorKind::Timeout`]: crate::SslErrorKind::Timeout
    /// [`SslErrorKind::CertVerification`]: crate::SslErrorKind::CertVerification
    pub fn do_handshake(&mut self) -> Result<(), SslError> {
        match self.stream.do_handshake() {
            Ok(()) => Ok(()),
            Err(e) => Err(self.error(e, Op::Handshake)),
        }
    }

    /// Reads up to `n` bytes of application data; empty at end of stream.
    ///
    /// Python: `SSLSocket.recv(n)` (`SSLSocket.read(n)`). OpenSSL:
    /// `SSL_read_ex`.
    ///
    /// End of stream is the peer's close_notify, or, with
    /// `suppress_ragged_eofs`, a TCP close without it. Allocates the
    /// returned buffer; [`io::Read::read`] reads into yours.
    pub fn recv(&mut self, n: usize) -> Result<Vec<u8>, SslError> {
        let mut buf = vec![0; n];
        let len = self.read_ssl(&mut buf)?;
        buf.truncate(len);
        Ok(buf)
    }

    /// Writes application data; returns how much was written (all of it,
    /// unless the stream is non-blocking).
    ///
    /// Python: `SSLSocket.send(data)` (`SSLSocket.write`). OpenSSL:
    /// `SSL_write_ex`.
    pub fn send(&mut self, data: &[u8]) -> Result<usize, SslError> {
        match self.stream.write(data) {
            Ok(n) => Ok(n),
            Err(e) => Err(self.error(e, Op::Write)),
        }
    }

    /// Writes all of `data`.
    ///
    /// Python: `SSLSocket.sendall(data)`. OpenSSL: `SSL_write_ex` until done.
    pub fn sendall(&mut self, data: &[u8]) -> Result<(), SslError> {
        let mut sent = 0;
        while sent < data.len() {
            sent += self.send(&data[sent..])?;
        }
        Ok(())
    }

    /// Sends close_notify and waits for the peer's, then returns the plain
    /// stream, for protocols that go back to cleartext (STARTTLS).
    ///
    /// Python: `SSLSocket.unwrap()`. OpenSSL: `SSL_shutdown`, called again
    /// once after it returns 0, as Python does.
    ///
    /// On a non-blocking stream use [`shutdown_tls`](Self::shutdown_tls)
    /// until it succeeds, then [`unwrap`](Self::unwrap).
    pub fn unwrap(mut self) -> Result<S, SslError> {
        self.shutdown_tls()?;
        Ok(self.into_inner())
    }

    /// Asks a TLS 1.3 client for its certificate now, after the handshake
    /// (post-handshake authentication); the request goes out with the next
    /// write, and the certificate arrives with a later read.
    ///
    /// Python: `SSLSocket.verify_client_post_handshake()`. OpenSSL:
    /// `SSL_verify_client_post_handshake`.
    ///
    /// Needs [`SslContext::set_post_handshake_auth`](crate::SslContext::set_post_handshake_auth)
    /// on both sides and a server context that verifies clients; otherwise
    /// an `SSLError` from OpenSSL (e.g. `[SSL: EXTENSION_NOT_RECEIVED]`).
    pub fn verify_client_post_handshake(&mut self) -> Result<(), SslError> {
        ffi::ssl_verify_client_post_handshake(self.stream.ssl_mut()).map_err(SslError::from)
    }

    /// The TLS half of [`unwrap`](Self::unwrap): sends close_notify and
    /// waits for the peer's, resumable on a non-blocking stream
    /// ([`SslErrorKind::WantRead`](crate::SslErrorKind::WantRead)).
    ///
    /// Python: `SSLObject.unwrap()` (`_ssl._SSLSocket.shutdown`). OpenSSL:
    /// `SSL_shutdown`.
    pub fn shutdown_tls(&mut self) -> Result<(), SslError> {
        let mut zeros = 0;
        loop {
            match self.stream.shutdown() {
                Ok(ShutdownResult::Received) => return Ok(()),
                Ok(ShutdownResult::Sent) => {
                    // Python tries SSL_shutdown at most twice; the second
                    // call waits for the peer's close_notify.
                    zeros += 1;
                    if zeros > 1 {
                        return Ok(());
                    }
                }
                Err(e) => {
                    let op = if e.code == ErrorCode::WANT_WRITE {
                        Op::Write
                    } else {
                        Op::Read
                    };
                    return Err(self.error(e, op));
                }
            }
        }
    }

    /// The plain stream, without any TLS shutdown (the session is
    /// abandoned).
    pub fn into_inner(self) -> S {
        self.stream.into_inner()
    }

    fn read_ssl(&mut self, buf: &mut [u8]) -> Result<usize, SslError> {
        match self.stream.read(buf) {
            Ok(n) => Ok(n),
            Err(e) => self.read_error(e),
        }
    }

    /// Python's `_ssl._SSLSocket.read` error path plus `SSLSocket.read`'s
    /// ragged-EOF suppression.
    #[cold]
    fn read_error(&mut self, e: Failure) -> Result<usize, SslError> {
        if e.code == ErrorCode::ZERO_RETURN && self.stream.get_shutdown() == ShutdownState::RECEIVED
        {
            return Ok(0);
        }
        let err = self.error(e, Op::Read);
        if err.kind() == crate::SslErrorKind::Eof && self.suppress_ragged_eofs {
            return Ok(0);
        }
        Err(err)
    }

    /// Python's `PySSL_SetError`, after its timeout check.
    #[cold]
    fn error(&self, e: Failure, op: Op) -> SslError {
        let timeout = self.timeout.load(Ordering::Relaxed);
        if matches!(e.code, ErrorCode::WANT_READ | ErrorCode::WANT_WRITE)
            && timeout != NO_TIMEOUT
            && timeout != NON_BLOCKING
            && e.io.is_some()
        {
            return SslError::timeout(op.timeout_text(), e.io);
        }
        let verify_result = i64::from(self.stream.ssl().verify_result().as_raw());
        SslError::from_ssl(
            e,
            Peer {
                verify_result,
                verify_string: ffi::verify_cert_error_string(verify_result),
                server_hostname: self.server_hostname.as_deref(),
            },
        )
    }
}

impl<S> SslSocket<S> {
    /// Bytes already decrypted and buffered, readable without I/O.
    ///
    /// Python: `SSLSocket.pending()`. OpenSSL: `SSL_pending`.
    pub fn pending(&self) -> usize {
        self.stream.ssl().pending()
    }

    /// The peer's certificate as Python's dict; `Ok(None)` when the peer
    /// sent none.
    ///
    /// Python: `SSLSocket.getpeercert()`. OpenSSL: `SSL_get_peer_certificate`
    /// (`SSL_get1_peer_certificate`), decoded as `_decode_certificate` does.
    ///
    /// When the context does not verify (`CERT_NONE`), a certificate that
    /// was received is returned empty ([`PeerCert::is_empty`]), as Python
    /// returns `{}`. Before the handshake completes:
    /// [`SslErrorKind::Value`](crate::SslErrorKind::Value) "handshake not
    /// done yet".
    pub fn getpeercert(&self) -> Result<Option<PeerCert>, SslError> {
        let ssl = self.stream.ssl();
        if !ssl.is_init_finished() {
            return Err(SslError::value("handshake not done yet"));
        }
        let Some(cert) = ssl.peer_certificate() else {
            return Ok(None);
        };
        if !ssl
            .ssl_context()
            .verify_mode()
            .contains(ssl::SslVerifyMode::PEER)
        {
            return Ok(Some(PeerCert::default()));
        }
        PeerCert::from_x509(&cert).map(Some)
    }

    /// The peer's certificate in DER form; `Ok(None)` when it sent none.
    ///
    /// Python: `SSLSocket.getpeercert(binary_form=True)`. OpenSSL:
    /// `SSL_get_peer_certificate` + `i2d_X509`. Returned whether or not it
    /// was verified.
    pub fn getpeercert_der(&self) -> Result<Option<Vec<u8>>, SslError> {
        let ssl = self.stream.ssl();
        if !ssl.is_init_finished() {
            return Err(SslError::value("handshake not done yet"));
        }
        match ssl.peer_certificate() {
            Some(cert) => Ok(Some(cert.to_der()?)),
            None => Ok(None),
        }
    }

    /// `(name, protocol, secret bits)` of the negotiated cipher, e.g.
    /// `("TLS_AES_256_GCM_SHA384", "TLSv1.3", 256)`; `None` before the
    /// handshake.
    ///
    /// Python: `SSLSocket.cipher()`. OpenSSL: `SSL_get_current_cipher`,
    /// `SSL_CIPHER_get_name`, `SSL_CIPHER_get_version`,
    /// `SSL_CIPHER_get_bits`.
    pub fn cipher(&self) -> Option<(String, String, i32)> {
        let c = self.stream.ssl().current_cipher()?;
        Some((c.name().to_owned(), c.version().to_owned(), c.bits().secret))
    }

    /// The negotiated protocol version, e.g. `"TLSv1.3"`; `None` before the
    /// handshake.
    ///
    /// Python: `SSLSocket.version()`. OpenSSL: `SSL_get_version`.
    pub fn version(&self) -> Option<String> {
        let ssl = self.stream.ssl();
        if !ssl.is_init_finished() {
            return None;
        }
        match ssl.version_str() {
            "unknown" => None,
            v => Some(v.to_owned()),
        }
    }

    /// The ALPN protocol both sides agreed on, if any.
    ///
    /// Python: `SSLSocket.selected_alpn_protocol()`. OpenSSL:
    /// `SSL_get0_alpn_selected`.
    pub fn selected_alpn_protocol(&self) -> Option<String> {
        self.stream
            .ssl()
            .selected_alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned())
    }

    /// The current session, to resume in a later connection with
    /// [`WrapOptions::session`].
    ///
    /// Python: `SSLSocket.session`. OpenSSL: `SSL_get1_session`.
    ///
    /// With TLS 1.3 the resumable session arrives after the handshake, in a
    /// ticket read together with the first application data.
    pub fn session(&self) -> Option<SslSession> {
        // Python hands out a copy (i2d/d2i): the live session object is
        // marked not resumable when its connection ends without
        // close_notify, which must not spoil the copy.
        let copy = dup_session(self.stream.ssl().session()?).ok()?;
        Some(SslSession {
            inner: copy,
            context_id: self.context_id,
        })
    }

    /// Whether the handshake resumed a session.
    ///
    /// Python: `SSLSocket.session_reused`. OpenSSL: `SSL_session_reused`.
    pub fn session_reused(&self) -> bool {
        self.stream.ssl().session_reused()
    }

    /// Whether this is the server side. Python: `SSLSocket.server_side`.
    pub fn server_side(&self) -> bool {
        self.server_side
    }

    /// The `server_hostname` the socket was wrapped with. Python:
    /// `SSLSocket.server_hostname`.
    pub fn server_hostname(&self) -> Option<&str> {
        self.server_hostname.as_deref()
    }

    /// The wrapped stream. Python: the socket's own methods (`fileno`, …).
    pub fn get_ref(&self) -> &S {
        self.stream.get_ref()
    }

    /// The wrapped stream, mutably; reading or writing it directly corrupts
    /// the TLS session.
    pub fn get_mut(&mut self) -> &mut S {
        self.stream.get_mut()
    }
}

impl SslSocket<TcpStream> {
    /// Sets Python's socket timeout: `None` blocks, `Some(0)` makes the
    /// socket non-blocking, `Some(d)` fails operations that wait longer
    /// than `d` with [`SslErrorKind::Timeout`](crate::SslErrorKind::Timeout).
    ///
    /// Python: `SSLSocket.settimeout(t)`. OS: `SO_RCVTIMEO`/`SO_SNDTIMEO`
    /// and `O_NONBLOCK` (`TcpStream::set_read_timeout`, `set_nonblocking`).
    ///
    /// # Differences from Python
    ///
    /// Python bounds each whole operation; the socket options here bound
    /// each wait on the socket, so a peer that trickles bytes can stretch an
    /// operation past `d`.
    ///
    /// Python's SSL socket starts with the plain socket's timeout.
    /// `wrap_socket` is generic over the stream and cannot read a
    /// `TcpStream`'s mode, so call `settimeout` on the `SslSocket`: a
    /// timeout set only on the `TcpStream` expires as
    /// [`SslErrorKind::WantRead`](crate::SslErrorKind::WantRead) after the
    /// handshake (as [`SslErrorKind::Timeout`](crate::SslErrorKind::Timeout)
    /// during the handshake `wrap_socket` runs), and
    /// [`gettimeout`](Self::gettimeout) reports `None` until `settimeout` is
    /// called.
    pub fn settimeout(&self, t: Option<Duration>) -> io::Result<()> {
        let tcp = self.get_ref();
        match t {
            None => {
                tcp.set_nonblocking(false)?;
                tcp.set_read_timeout(None)?;
                tcp.set_write_timeout(None)?;
                self.timeout.store(NO_TIMEOUT, Ordering::Relaxed);
            }
            Some(d) if d.is_zero() => {
                tcp.set_nonblocking(true)?;
                self.timeout.store(NON_BLOCKING, Ordering::Relaxed);
            }
            Some(d) => {
                tcp.set_nonblocking(false)?;
                tcp.set_read_timeout(Some(d))?;
                tcp.set_write_timeout(Some(d))?;
                let nanos = u64::try_from(d.as_nanos()).unwrap_or(NO_TIMEOUT - 1);
                self.timeout.store(nanos.max(1), Ordering::Relaxed);
            }
        }
        Ok(())
    }

    /// The timeout [`settimeout`](Self::settimeout) set: `None` for
    /// blocking, `Some(0)` for non-blocking.
    ///
    /// Python: `SSLSocket.gettimeout()`.
    pub fn gettimeout(&self) -> Option<Duration> {
        match self.timeout.load(Ordering::Relaxed) {
            NO_TIMEOUT => None,
            nanos => Some(Duration::from_nanos(nanos)),
        }
    }

    /// `setblocking(true)` is `settimeout(None)`, `setblocking(false)` is
    /// `settimeout(Some(0))`.
    ///
    /// Python: `SSLSocket.setblocking(flag)`. OS: `O_NONBLOCK`.
    pub fn setblocking(&self, on: bool) -> io::Result<()> {
        self.settimeout(if on { None } else { Some(Duration::ZERO) })
    }
}

impl<S: Read + Write> Read for SslSocket<S> {
    /// Python: `SSLSocket.recv_into(buf)`. OpenSSL: `SSL_read_ex`.
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.stream.read(buf) {
            Ok(n) => Ok(n),
            Err(e) => self.read_error(e).map_err(io::Error::from),
        }
    }
}

impl<S: Read + Write> Write for SslSocket<S> {
    /// Python: `SSLSocket.send(buf)`. OpenSSL: `SSL_write_ex`.
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self.stream.write(buf) {
            Ok(n) => Ok(n),
            Err(e) => Err(self.error(e, Op::Write).into()),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        self.stream.flush()
    }
}

impl<S: fmt::Debug> fmt::Debug for SslSocket<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslSocket")
            .field("stream", self.get_ref())
            .field("server_side", &self.server_side)
            .field("server_hostname", &self.server_hostname)
            .field("version", &self.version())
            .field("cipher", &self.cipher())
            .finish()
    }
}

impl Op {
    fn timeout_text(self) -> &'static str {
        match self {
            Op::Handshake => "The handshake operation timed out",
            Op::Read => "The read operation timed out",
            Op::Write => "The write operation timed out",
        }
    }
}

/// Python's `_ssl_session_dup`: an independent copy through DER
/// (`i2d_SSL_SESSION`, `d2i_SSL_SESSION`).
fn dup_session(
    session: &ssl::SslSessionRef,
) -> Result<ssl::SslSession, openssl::error::ErrorStack> {
    ssl::SslSession::from_der(&session.to_der()?)
}

/// Python's `_ssl_configure_hostname`: SNI for names (never for IP
/// addresses), and the name or address to verify when `check_hostname`.
fn configure_hostname(ssl: &mut Ssl, name: &str, check_hostname: bool) -> Result<(), SslError> {
    if name.contains('\0') {
        return Err(SslError::type_error(
            "argument must be encoded string without null bytes, not str",
        ));
    }
    if name.is_empty() || name.starts_with('.') {
        return Err(SslError::value(
            "server_hostname cannot be an empty string or start with a leading dot.",
        ));
    }
    let ip: Option<std::net::IpAddr> = name.parse().ok();
    match ip {
        None => {
            ssl.set_hostname(name)?;
            if check_hostname {
                ssl.param_mut().set_host(name)?;
            }
        }
        Some(ip) => {
            if check_hostname {
                ssl.param_mut().set_ip(ip)?;
            }
        }
    }
    Ok(())
}
