//! [`SslSession`]: a TLS session to resume. Python's `ssl.SSLSession`.

use std::fmt;

use openssl::ssl;

/// A TLS session, to resume with [`WrapOptions::session`](crate::WrapOptions::session).
///
/// Python: `ssl.SSLSession`. OpenSSL: `SSL_SESSION`.
#[derive(Clone)]
pub struct SslSession {
    inner: ssl::SslSession,
    /// The `SslContext` whose connections made it (Python refuses a
    /// session from another context).
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

    /// Whether the session carries a session ticket (RFC 5077). Python:
    /// `SSLSession.has_ticket`. OpenSSL: `SSL_SESSION_has_ticket`.
    pub fn has_ticket(&self) -> bool {
        crate::ffi::ssl_session_has_ticket(&self.inner)
    }

    /// The server's ticket lifetime hint in seconds (0 without a ticket).
    /// Python: `SSLSession.ticket_lifetime_hint`. OpenSSL:
    /// `SSL_SESSION_get_ticket_lifetime_hint`.
    pub fn ticket_lifetime_hint(&self) -> u64 {
        crate::ffi::ssl_session_ticket_lifetime_hint(&self.inner)
    }
}

/// Python's `SSLSession.__eq__`: two sessions are equal when their session
/// IDs are (`SSL_SESSION_get_id`, compared by length and bytes).
impl PartialEq for SslSession {
    fn eq(&self, other: &SslSession) -> bool {
        self.id() == other.id()
    }
}

impl Eq for SslSession {}

impl fmt::Debug for SslSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslSession")
            .field("id_len", &self.inner.id().len())
            .field("time", &self.time())
            .field("timeout", &self.timeout())
            .finish()
    }
}

impl SslSession {
    /// An independent copy of a connection's session, as Python's
    /// `SSLSocket.session` hands out (see `dup_session`): the live session
    /// object is marked not resumable when its connection ends without
    /// close_notify, which must not spoil the copy.
    pub(crate) fn copy_of(session: &ssl::SslSessionRef, context_id: u64) -> Option<SslSession> {
        let inner = dup_session(session).ok()?;
        Some(SslSession { inner, context_id })
    }

    /// The session to resume on a new connection of context `context_id`:
    /// a fresh copy, so the new connection ending without close_notify
    /// cannot spoil the caller's; Python's `ValueError` for a session from
    /// another context.
    pub(crate) fn for_context(&self, context_id: u64) -> Result<ssl::SslSession, crate::SslError> {
        if self.context_id != context_id {
            return Err(crate::SslError::value(
                "Session refers to a different SSLContext.",
            ));
        }
        Ok(dup_session(&self.inner)?)
    }
}

/// Python's `_ssl_session_dup`: an independent copy, so that one
/// connection ending without close_notify (which marks its session not
/// resumable) cannot spoil the other's. Python copies through DER
/// (`i2d_SSL_SESSION`, `d2i_SSL_SESSION`), which re-parses the peer's
/// certificate each time (about 3 million instructions for an RSA leaf);
/// `SSL_SESSION_dup` makes the same independent copy and shares the
/// certificate by reference count.
fn dup_session(
    session: &ssl::SslSessionRef,
) -> Result<ssl::SslSession, openssl::error::ErrorStack> {
    crate::ffi::ssl_session_dup(session)
}
