//! The TLS state machine shared by [`SslSocket`](crate::SslSocket) and
//! [`SslObject`](crate::SslObject): CPython's `_ssl._SSLSocket`.
//!
//! A [`Conn`] owns one `SSL` and what Python keeps beside it (the side, the
//! server name, the context it came from). It is written once, whatever the
//! `SSL` reads and writes through: the drivers differ only in how they wait.
//!
//! * [`Conn::new`] is `newPySSLSocket`: Python's checks, `SSL_new`, SNI and
//!   the name to verify, post-handshake auth, the session to resume, the
//!   connect or accept state.
//! * [`Conn::handshake`], [`Conn::read`], [`Conn::write`] and
//!   [`Conn::shutdown`] are one step of `do_handshake`, `read`, `write` and
//!   `shutdown`: they return OpenSSL's [`Failure`] untouched when OpenSSL
//!   must wait (`SSL_ERROR_WANT_*`, in a [`StepError`]), so that a driver can wait its own way
//!   (poll a socket until its deadline, return `WantRead` to the caller of
//!   an `SslObject`, park an async task) and call again.
//! * [`Conn::error`] is `PySSL_SetError`: a failure becomes Python's
//!   exception. A callback that failed during a step (a panic in a user's
//!   trace or key-log callback) makes the step fail with its error
//!   ([`StepError::Callback`]), as Python raises a callback's exception.
//! * The inspection methods (`getpeercert`, `cipher`, `version`, …) are
//!   here too, and the drivers expose them with [`inspection_methods!`].
//!
//! The read and write paths add nothing to `SSL_read_ex`/`SSL_write_ex` on
//! success: no allocation, copy, lock or system call.

use openssl::hash::MessageDigest;
use openssl::ssl::{self, ErrorCode, ShutdownResult, ShutdownState, Ssl, SslContextRef};

use crate::cert::PeerCert;
use crate::context::{ConnConfig, Protocol, SslContext};
use crate::error::{Peer, SslError};
use crate::ffi::{self, Failure, Tls, Transport};
use crate::hooks;
use crate::session::SslSession;
use crate::sni;
use crate::trace::{HandshakeSummary, TraceEvent};

/// Why a step of the state machine did not complete.
#[derive(Debug)]
pub(crate) enum StepError {
    /// OpenSSL failed or must wait: what it reported.
    Tls(Failure),
    /// A callback of sslwrap's (a user's trace or key-log callback, the
    /// key-log file) failed during the step; the step's own outcome is
    /// dropped, as Python raises the callback's exception instead.
    Callback(SslError),
}

impl StepError {
    /// The OpenSSL failure, when OpenSSL must wait for the transport
    /// (`SSL_ERROR_WANT_*`) and nothing else went wrong.
    pub(crate) fn want(&self) -> Option<&Failure> {
        match self {
            StepError::Tls(f) if f.is_want() => Some(f),
            _ => None,
        }
    }
}

/// One TLS connection: the `SSL`, attached to its transport, and what
/// Python keeps beside it.
pub(crate) struct Conn<T> {
    tls: Tls<T>,
    server_side: bool,
    server_hostname: Option<String>,
    context_id: u64,
    /// sslwrap's callbacks run on this connection: check for their
    /// failures after each step (one branch on the hot path when unset).
    hooks: bool,
}

impl<T> Conn<T> {
    /// Python's `newPySSLSocket`: a connection of `ctx` on the given side,
    /// with `server_hostname` (already IDNA-encoded, as `ssl.py`'s
    /// `_encode_hostname` leaves it), a session to resume and whether to
    /// record the trace; `attach` connects the new `SSL` to its transport.
    ///
    /// The checks and their order are CPython's: a NUL in the name
    /// (`TypeError`), the context's protocol against the side, an empty or
    /// dotted name, the session. What `ssl.py` checks before (the
    /// `server_side` conflicts, `check_hostname`) is the socket's business.
    pub(crate) fn new(
        ctx: &SslContextRef,
        config: ConnConfig,
        server_side: bool,
        server_hostname: Option<String>,
        session: Option<&SslSession>,
        record_trace: bool,
        attach: impl FnOnce(Ssl) -> Result<Tls<T>, SslError>,
    ) -> Result<Conn<T>, SslError> {
        if server_hostname.as_deref().is_some_and(|n| n.contains('\0')) {
            return Err(SslError::type_error(
                "argument must be encoded string without null bytes, not str",
            ));
        }
        match (config.protocol, server_side) {
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
        let mut ssl = Ssl::new(ctx)?;
        if let Some(name) = &server_hostname {
            configure_hostname(&mut ssl, name, config.check_hostname)?;
        }
        if config.post_handshake_auth {
            ffi::ssl_enable_post_handshake_auth(&mut ssl, server_side);
        }
        if server_side {
            ssl.set_accept_state();
        } else {
            ssl.set_connect_state();
        }
        if let Some(session) = session {
            if server_side {
                return Err(SslError::value(
                    "Cannot set session for server-side SSLSocket.",
                ));
            }
            let copy = session.for_context(config.context_id)?;
            ffi::ssl_set_session(&mut ssl, &copy)?;
        }
        if !server_side {
            // The context's client session cache, if on: an explicit
            // session wins over a cached one.
            let name = server_hostname.as_deref();
            crate::session_cache::attach(&mut ssl, name, session.is_none())?;
        }
        let hooks = config.hooks || record_trace;
        if hooks {
            hooks::attach(&mut ssl, record_trace)?;
        }
        Ok(Conn {
            tls: attach(ssl)?,
            server_side,
            server_hostname,
            context_id: config.context_id,
            hooks,
        })
    }

    /// The `SSL` and its transport.
    pub(crate) fn tls(&self) -> &Tls<T> {
        &self.tls
    }

    /// The `SSL` and its transport, mutably.
    pub(crate) fn tls_mut(&mut self) -> &mut Tls<T> {
        &mut self.tls
    }

    /// Gives up the connection without a TLS shutdown, returning the `SSL`
    /// and its transport.
    pub(crate) fn into_tls(self) -> Tls<T> {
        self.tls
    }

    /// Python's `PySSL_SetError` (after the driver's timeout check): the
    /// exception for a failed step.
    #[cold]
    pub(crate) fn error(&self, e: StepError) -> SslError {
        let e = match e {
            StepError::Tls(f) => f,
            StepError::Callback(e) => return e,
        };
        let verify_result = i64::from(self.tls.ssl().verify_result().as_raw());
        SslError::from_ssl(
            e,
            Peer {
                verify_result,
                verify_string: ffi::verify_cert_error_string(verify_result),
                server_hostname: self.server_hostname.as_deref(),
            },
        )
    }

    /// After a step: a callback's failure replaces its outcome.
    #[inline]
    fn checked<R>(&mut self, r: Result<R, Failure>) -> Result<R, StepError> {
        if self.hooks {
            if let Some(e) = hooks::take_failure(self.tls.ssl_mut()) {
                return Err(StepError::Callback(e));
            }
        }
        r.map_err(StepError::Tls)
    }
}

impl<T: Transport> Conn<T> {
    /// One step of the handshake (`SSL_do_handshake`).
    pub(crate) fn handshake(&mut self) -> Result<(), StepError> {
        let r = self.tls.do_handshake();
        self.checked(r)
    }

    /// One `SSL_read_ex` into `buf`. `Ok(0)` at the peer's close_notify when
    /// only it has been seen (`SSL_RECEIVED_SHUTDOWN`), as `_ssl.c`'s read
    /// returns `b''`; a close_notify after our own shutdown is an error
    /// (`SSLZeroReturnError`), as there.
    #[inline]
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> Result<usize, StepError> {
        let r = match self.tls.read(buf) {
            Ok(n) => Ok(n),
            Err(e) => self.read_failed(e),
        };
        self.checked(r)
    }

    #[cold]
    fn read_failed(&self, e: Failure) -> Result<usize, Failure> {
        if e.code == ErrorCode::ZERO_RETURN && self.tls.get_shutdown() == ShutdownState::RECEIVED {
            return Ok(0);
        }
        Err(e)
    }

    /// One `SSL_write_ex` of `buf`.
    #[inline]
    pub(crate) fn write(&mut self, buf: &[u8]) -> Result<usize, StepError> {
        let r = self.tls.write(buf);
        self.checked(r)
    }

    /// Python's `_ssl._SSLSocket.shutdown` loop: `SSL_shutdown`, called
    /// again once after it returns 0 (our close_notify sent) to wait for
    /// the peer's, and at most twice with 0 (`zeros`, kept by the caller
    /// across the retries of one call). `Ok` when done.
    pub(crate) fn shutdown(&mut self, zeros: &mut u32) -> Result<(), StepError> {
        let r = loop {
            match self.tls.shutdown() {
                Ok(ShutdownResult::Received) => break Ok(()),
                Ok(ShutdownResult::Sent) => {
                    *zeros += 1;
                    if *zeros > 1 {
                        break Ok(());
                    }
                }
                Err(e) => break Err(e),
            }
        };
        self.checked(r)
    }

    /// Python's `SSLSocket.context = ctx` (`SSL_set_SSL_CTX`): see
    /// [`SniConnection::set_context`](crate::SniConnection::set_context).
    pub(crate) fn set_context(&mut self, ctx: &SslContext) -> Result<(), SslError> {
        sni::switch_context(self.tls.ssl_mut(), ctx)?;
        // The new context's callbacks may fail during later steps.
        self.hooks |= ctx.conn_config().hooks;
        Ok(())
    }

    /// After a completed shutdown, before the transport goes back to
    /// cleartext (`unwrap` in every driver): `Ok` when OpenSSL holds no
    /// byte read past the peer's close_notify, so that all of them are
    /// still in the transport (the stream, or the incoming memory BIO).
    ///
    /// Without read-ahead (`SSL_get_read_ahead` 0, OpenSSL's default and
    /// Python's; sslwrap never turns it on) the record layer reads each
    /// record exactly, its 5-byte header and then its body, so nothing past
    /// the close_notify record is ever read, whatever `SSL_has_pending`
    /// says: from OpenSSL 3.2 on it is 1 after every TLS 1.3 close_notify,
    /// whose record `ssl3_read_bytes` acts on without releasing it (3.0
    /// releases it; see the manual's `openssl_versions`). With read-ahead
    /// (set through [`ssl_mut`](crate::SslSocket::ssl_mut)) bytes past it
    /// may sit in OpenSSL's read buffer, which has no call to hand them
    /// back: then `SSL_has_pending` fails the unwrap with
    /// [`SslErrorKind::Value`](crate::SslErrorKind::Value) rather than lose
    /// them (on 3.2 and later also when nothing was read past it, as the two
    /// cannot be told apart there).
    pub(crate) fn check_nothing_read_past_close_notify(&self) -> Result<(), SslError> {
        let ssl = self.tls.ssl();
        if ffi::ssl_get_read_ahead(ssl) && ffi::ssl_has_pending(ssl) {
            return Err(SslError::value(
                "bytes past the peer's close_notify may be buffered inside OpenSSL \
                 (read-ahead is on) and cannot be handed back",
            ));
        }
        Ok(())
    }

    /// Asks a TLS 1.3 client for its certificate now
    /// (`SSL_verify_client_post_handshake`).
    pub(crate) fn verify_client_post_handshake(&mut self) -> Result<(), SslError> {
        ffi::ssl_verify_client_post_handshake(self.tls.ssl_mut()).map_err(SslError::from)
    }
}

/// The inspection methods, written once for every driver.
impl<T> Conn<T> {
    pub(crate) fn pending(&self) -> usize {
        self.tls.ssl().pending()
    }

    pub(crate) fn getpeercert(&self) -> Result<Option<PeerCert>, SslError> {
        let ssl = self.tls.ssl();
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

    pub(crate) fn getpeercert_der(&self) -> Result<Option<Vec<u8>>, SslError> {
        let ssl = self.tls.ssl();
        if !ssl.is_init_finished() {
            return Err(SslError::value("handshake not done yet"));
        }
        match ssl.peer_certificate() {
            Some(cert) => Ok(Some(cert.to_der()?)),
            None => Ok(None),
        }
    }

    pub(crate) fn cipher(&self) -> Option<(String, String, i32)> {
        let c = self.tls.ssl().current_cipher()?;
        Some((c.name().to_owned(), c.version().to_owned(), c.bits().secret))
    }

    pub(crate) fn version(&self) -> Option<String> {
        let ssl = self.tls.ssl();
        if !ssl.is_init_finished() {
            return None;
        }
        match ssl.version_str() {
            "unknown" => None,
            v => Some(v.to_owned()),
        }
    }

    pub(crate) fn selected_alpn_protocol(&self) -> Option<String> {
        self.tls
            .ssl()
            .selected_alpn_protocol()
            .map(|p| String::from_utf8_lossy(p).into_owned())
    }

    pub(crate) fn session(&self) -> Option<SslSession> {
        let ssl = self.tls.ssl();
        // Python tags a session with the socket's context of now (which the
        // SNI callback or `set_context` may have changed).
        let id = SslContext::id_of_openssl(ssl.ssl_context()).unwrap_or(self.context_id);
        SslSession::copy_of(ssl.session()?, id)
    }

    pub(crate) fn context(&self) -> Option<SslContext> {
        SslContext::of_openssl(self.tls.ssl().ssl_context())
    }

    pub(crate) fn session_reused(&self) -> bool {
        self.tls.ssl().session_reused()
    }

    pub(crate) fn server_side(&self) -> bool {
        self.server_side
    }

    pub(crate) fn server_hostname(&self) -> Option<&str> {
        self.server_hostname.as_deref()
    }

    pub(crate) fn get_unverified_chain(&self) -> Result<Vec<Vec<u8>>, SslError> {
        let ssl = self.tls.ssl();
        let mut chain = Vec::new();
        // OpenSSL leaves the peer's own certificate out of a server's view
        // of the chain; Python puts it first, as a client sees it.
        if self.server_side {
            if let Some(leaf) = ssl.peer_certificate() {
                chain.push(leaf.to_der()?);
            }
        }
        for cert in ssl.peer_cert_chain().into_iter().flatten() {
            chain.push(cert.to_der()?);
        }
        Ok(chain)
    }

    pub(crate) fn get_verified_chain(&self) -> Result<Vec<Vec<u8>>, SslError> {
        let chain = self.tls.ssl().verified_chain();
        chain
            .into_iter()
            .flatten()
            .map(|c| c.to_der().map_err(SslError::from))
            .collect()
    }

    pub(crate) fn compression(&self) -> Option<String> {
        ffi::ssl_compression(self.tls.ssl())
    }

    pub(crate) fn shared_ciphers(&self) -> Option<Vec<(String, String, i32)>> {
        let (ours, theirs) = ffi::ssl_ciphers_and_client_ciphers(self.tls.ssl());
        let (ours, theirs) = (ours?, theirs?);
        Some(
            ours.iter()
                .filter(|c| theirs.iter().any(|t| t.name() == c.name()))
                .map(|c| (c.name().to_owned(), c.version().to_owned(), c.bits().secret))
                .collect(),
        )
    }

    pub(crate) fn get_channel_binding(&self, cb_type: &str) -> Result<Option<Vec<u8>>, SslError> {
        let ssl = self.tls.ssl();
        match cb_type {
            "tls-unique" => {
                // _ssl.c: "if session is resumed XOR we are the client", our
                // own Finished, else the peer's: the first Finished of the
                // handshake (the client's, or the server's on resumption).
                let mut buf = [0u8; 128]; // PySSL_CB_MAXLEN
                let len = if ssl.session_reused() == self.server_side {
                    ssl.finished(&mut buf)
                } else {
                    ssl.peer_finished(&mut buf)
                };
                Ok((len > 0).then(|| buf[..len.min(buf.len())].to_vec()))
            }
            "tls-server-end-point" => {
                if !ssl.is_init_finished() {
                    return Ok(None);
                }
                let cert = if self.server_side {
                    ssl.certificate().map(|c| c.to_owned())
                } else {
                    ssl.peer_certificate()
                };
                let Some(cert) = cert else { return Ok(None) };
                // RFC 5929 section 4.1: the certificate's signature hash,
                // SHA-256 in place of MD5 and SHA-1.
                let nid = cert.signature_algorithm().object().nid();
                let digest = nid
                    .signature_algorithms()
                    .and_then(|a| MessageDigest::from_nid(a.digest))
                    .ok_or_else(|| {
                        SslError::value(
                            "tls-server-end-point is undefined for this certificate's signature algorithm",
                        )
                    })?;
                let digest = if digest == MessageDigest::md5() || digest == MessageDigest::sha1() {
                    MessageDigest::sha256()
                } else {
                    digest
                };
                Ok(Some(cert.digest(digest)?.to_vec()))
            }
            "tls-exporter" => {
                if !ssl.is_init_finished() {
                    return Ok(None);
                }
                // RFC 9266: 32 bytes, label "EXPORTER-Channel-Binding", no
                // context.
                self.export_keying_material("EXPORTER-Channel-Binding", None, 32)
                    .map(Some)
            }
            other => Err(SslError::value(format!(
                "'{other}' channel binding type not implemented"
            ))),
        }
    }

    pub(crate) fn export_keying_material(
        &self,
        label: &str,
        context: Option<&[u8]>,
        len: usize,
    ) -> Result<Vec<u8>, SslError> {
        let ssl = self.tls.ssl();
        if !ssl.is_init_finished() {
            return Err(SslError::value("handshake not done yet"));
        }
        let mut out = vec![0; len];
        ssl.export_keying_material(&mut out, label, context)?;
        Ok(out)
    }

    pub(crate) fn handshake_trace(&self) -> &[TraceEvent] {
        hooks::trace(self.tls.ssl())
    }

    pub(crate) fn handshake_summary(&self) -> HandshakeSummary {
        HandshakeSummary::from_events(self.handshake_trace(), self.server_side)
    }
}

/// Python's `_ssl_configure_hostname`: SNI for names (never for IP
/// addresses), and the name or address to verify when `check_hostname`.
fn configure_hostname(ssl: &mut Ssl, name: &str, check_hostname: bool) -> Result<(), SslError> {
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

/// The inspection methods of [`SslSocket`](crate::SslSocket) and
/// [`SslObject`](crate::SslObject) (and later drivers), forwarding to the
/// driver's `conn` field: one set of docs and one implementation
/// ([`Conn`]'s) for all.
macro_rules! inspection_methods {
    ($conn:ident) => {
        /// Bytes already decrypted and buffered, readable without I/O.
        ///
        /// Python: `SSLSocket.pending()`, `SSLObject.pending()`. OpenSSL:
        /// `SSL_pending`.
        pub fn pending(&self) -> usize {
            self.$conn.pending()
        }

        /// The peer's certificate as Python's dict; `Ok(None)` when the peer
        /// sent none.
        ///
        /// Python: `getpeercert()`. OpenSSL: `SSL_get_peer_certificate`
        /// (`SSL_get1_peer_certificate`), decoded as `_decode_certificate`
        /// does.
        ///
        /// When the context does not verify (`CERT_NONE`), a certificate that
        /// was received is returned empty ([`PeerCert::is_empty`](crate::PeerCert::is_empty)),
        /// as Python returns `{}`. Before the handshake completes:
        /// [`SslErrorKind::Value`](crate::SslErrorKind::Value) "handshake not
        /// done yet".
        pub fn getpeercert(&self) -> Result<Option<crate::PeerCert>, crate::SslError> {
            self.$conn.getpeercert()
        }

        /// The peer's certificate in DER form; `Ok(None)` when it sent none.
        ///
        /// Python: `getpeercert(binary_form=True)`. OpenSSL:
        /// `SSL_get_peer_certificate` + `i2d_X509`. Returned whether or not
        /// it was verified.
        pub fn getpeercert_der(&self) -> Result<Option<Vec<u8>>, crate::SslError> {
            self.$conn.getpeercert_der()
        }

        /// `(name, protocol, secret bits)` of the negotiated cipher, e.g.
        /// `("TLS_AES_256_GCM_SHA384", "TLSv1.3", 256)`; `None` before the
        /// handshake.
        ///
        /// Python: `cipher()`. OpenSSL: `SSL_get_current_cipher`,
        /// `SSL_CIPHER_get_name`, `SSL_CIPHER_get_version`,
        /// `SSL_CIPHER_get_bits`.
        pub fn cipher(&self) -> Option<(String, String, i32)> {
            self.$conn.cipher()
        }

        /// The negotiated protocol version, e.g. `"TLSv1.3"`; `None` before
        /// the handshake.
        ///
        /// Python: `version()`. OpenSSL: `SSL_get_version`.
        pub fn version(&self) -> Option<String> {
            self.$conn.version()
        }

        /// The ALPN protocol both sides agreed on, if any.
        ///
        /// Python: `selected_alpn_protocol()`. OpenSSL:
        /// `SSL_get0_alpn_selected`.
        pub fn selected_alpn_protocol(&self) -> Option<String> {
            self.$conn.selected_alpn_protocol()
        }

        /// The current session, to resume in a later connection with
        /// [`WrapOptions::session`](crate::WrapOptions::session).
        ///
        /// Python: the `session` attribute. OpenSSL: `SSL_get1_session`, then
        /// a copy through DER as Python's `_ssl_session_dup`.
        ///
        /// With TLS 1.3 the resumable session arrives after the handshake, in
        /// a ticket read together with the first application data.
        pub fn session(&self) -> Option<crate::SslSession> {
            self.$conn.session()
        }

        /// Whether the handshake resumed a session.
        ///
        /// Python: `session_reused`. OpenSSL: `SSL_session_reused`.
        pub fn session_reused(&self) -> bool {
            self.$conn.session_reused()
        }

        /// The context the connection uses: the one it was wrapped with, or
        /// the one an SNI callback or [`set_context`](Self::set_context)
        /// moved it to since. `None` only when [`ssl_mut`](Self::ssl_mut)
        /// gave it an OpenSSL context sslwrap did not build.
        ///
        /// Python: `SSLSocket.context`, `SSLObject.context`. OpenSSL:
        /// `SSL_get_SSL_CTX`.
        ///
        /// The result shares the connection's OpenSSL context: wrapping
        /// with it (unchanged) makes connections of the same context
        /// (sessions resume between them), and its getters read the
        /// settings that context was built from. Changing it changes a copy.
        pub fn context(&self) -> Option<crate::SslContext> {
            self.$conn.context()
        }

        /// Moves the connection to `ctx`, as an SNI callback does with
        /// [`SniConnection::set_context`](crate::SniConnection::set_context).
        ///
        /// Python: `SSLSocket.context = ctx`, `SSLObject.context = ctx`.
        /// OpenSSL: `SSL_set_SSL_CTX`.
        ///
        /// What changes is what `SSL_set_SSL_CTX` changes, as in Python:
        /// the certificates and keys (and with them the security level),
        /// the CA certificates that verify the peer, the ALPN protocols a
        /// server selects from, the message and key-log callbacks and
        /// what [`context`](Self::context) returns. What was copied into the
        /// connection when it was wrapped stays: the verify mode and flags,
        /// the options, versions and ciphers, the hostname to check. After
        /// the handshake, only later renegotiations and the session's
        /// context are affected.
        pub fn set_context(&mut self, ctx: &crate::SslContext) -> Result<(), crate::SslError> {
            self.$conn.set_context(ctx)
        }

        /// Whether this is the server side. Python: `server_side`.
        pub fn server_side(&self) -> bool {
            self.$conn.server_side()
        }

        /// The `server_hostname` it was wrapped with, in its IDNA (`xn--`)
        /// form. Python: `server_hostname`.
        pub fn server_hostname(&self) -> Option<&str> {
            self.$conn.server_hostname()
        }

        /// The chain the peer sent, leaf first, in DER form; empty before
        /// the handshake or when it sent none.
        ///
        /// Python 3.13: `get_unverified_chain()`. OpenSSL:
        /// `SSL_get_peer_cert_chain` (plus, on the server side, where
        /// OpenSSL leaves it out, the peer's certificate first, as Python).
        pub fn get_unverified_chain(&self) -> Result<Vec<Vec<u8>>, crate::SslError> {
            self.$conn.get_unverified_chain()
        }

        /// The chain that verification built, leaf to trust anchor, in DER
        /// form; empty when nothing was verified.
        ///
        /// Python 3.13: `get_verified_chain()`. OpenSSL:
        /// `SSL_get0_verified_chain`.
        pub fn get_verified_chain(&self) -> Result<Vec<Vec<u8>>, crate::SslError> {
            self.$conn.get_verified_chain()
        }

        /// The ciphers both this server and the client support, as
        /// `(name, protocol, secret bits)`, in the server's order; `None`
        /// on a client or before the ClientHello arrived.
        ///
        /// Python: `shared_ciphers()`. OpenSSL: `SSL_get_ciphers`,
        /// `SSL_get_client_ciphers`.
        pub fn shared_ciphers(&self) -> Option<Vec<(String, String, i32)>> {
            self.$conn.shared_ciphers()
        }

        /// The compression method in use, by OpenSSL's short name (`ZLIB`);
        /// `None` without compression, which is always the case on OpenSSL 3
        /// with the default `OP_NO_COMPRESSION` (or a build without zlib).
        ///
        /// Python: `compression()`. OpenSSL: `SSL_get_current_compression`,
        /// `SSL_COMP_get_name`, `OBJ_ln2nid`, `OBJ_nid2sn`.
        pub fn compression(&self) -> Option<String> {
            self.$conn.compression()
        }

        /// Channel-binding data for the connection; `Ok(None)` before the
        /// handshake.
        ///
        /// Python: `get_channel_binding(cb_type)`, which knows only
        /// `"tls-unique"` (RFC 5929; the first Finished message, `SSL_get_finished`
        /// or `SSL_get_peer_finished`). sslwrap adds `"tls-server-end-point"`
        /// (RFC 5929: a hash of the server's certificate with its signature
        /// hash, SHA-256 for MD5 and SHA-1; `X509_digest`) and
        /// `"tls-exporter"` (RFC 9266, the binding for TLS 1.3: 32 bytes of
        /// `SSL_export_keying_material` with label
        /// `EXPORTER-Channel-Binding`). Another type is Python's
        /// `ValueError` "'x' channel binding type not implemented".
        pub fn get_channel_binding(
            &self,
            cb_type: &str,
        ) -> Result<Option<Vec<u8>>, crate::SslError> {
            self.$conn.get_channel_binding(cb_type)
        }

        /// `len` bytes of keying material for `label` (and `context`),
        /// which both ends compute alike (RFC 5705, RFC 8446 section 7.5).
        ///
        /// Python: none (sslwrap). OpenSSL: `SSL_export_keying_material`.
        /// Before the handshake: [`SslErrorKind::Value`](crate::SslErrorKind::Value)
        /// "handshake not done yet".
        pub fn export_keying_material(
            &self,
            label: &str,
            context: Option<&[u8]>,
            len: usize,
        ) -> Result<Vec<u8>, crate::SslError> {
            self.$conn.export_keying_material(label, context, len)
        }

        /// The OpenSSL connection itself, for what sslwrap does not expose
        /// (an escape hatch to the `openssl` crate, 0.10).
        ///
        /// Python: none (sslwrap). OpenSSL: the `SSL`, as the `openssl`
        /// crate's [`SslRef`](openssl::ssl::SslRef).
        pub fn ssl(&self) -> &openssl::ssl::SslRef {
            self.$conn.tls().ssl()
        }

        /// The OpenSSL connection, mutably.
        ///
        /// Python: none (sslwrap). OpenSSL: the `SSL`.
        ///
        /// # What it may break
        ///
        /// Nothing unsound (the `openssl` crate marks the unsafe calls
        /// `unsafe`), but sslwrap's semantics rest on the `SSL` as it set it
        /// up: replacing its BIOs, or reading, writing or shutting down
        /// through it directly, desynchronises this driver (lost data,
        /// Python's EOF and shutdown rules no longer applied); changing the
        /// host name or verify parameters after the handshake has no
        /// effect; a new verify or message callback replaces sslwrap's
        /// (and with it `handshake_trace`). Settings meant for every
        /// connection belong on the context.
        pub fn ssl_mut(&mut self) -> &mut openssl::ssl::SslRef {
            self.$conn.tls_mut().ssl_mut()
        }

        /// The messages of this connection so far, in order, when it was
        /// wrapped with [`WrapOptions::trace`](crate::WrapOptions::trace)
        /// (else empty).
        ///
        /// Python: what `SSLContext._msg_callback` would have been called
        /// with for this connection. OpenSSL: `SSL_set_msg_callback`.
        ///
        /// Each event prints as one line (`-> TLSv1.3 Handshake ClientHello
        /// (512 bytes)`), so a failing test can show the conversation:
        /// `for e in s.handshake_trace() { eprintln!("{e}") }`.
        pub fn handshake_trace(&self) -> &[crate::TraceEvent] {
            self.$conn.handshake_trace()
        }

        /// The answers to the usual questions about the recorded handshake
        /// (messages each way, the alert and who sent it, a
        /// HelloRetryRequest, the client certificate); empty unless wrapped
        /// with [`WrapOptions::trace`](crate::WrapOptions::trace).
        ///
        /// Python: none (sslwrap). OpenSSL: from `SSL_set_msg_callback`.
        pub fn handshake_summary(&self) -> crate::HandshakeSummary {
            self.$conn.handshake_summary()
        }
    };
}
pub(crate) use inspection_methods;
