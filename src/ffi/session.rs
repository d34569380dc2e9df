//! `SSL_SESSION_*` calls the `openssl` crate does not expose.

use foreign_types::{ForeignType, ForeignTypeRef};
use openssl::error::ErrorStack;
use openssl::ssl::{SslSession, SslSessionRef};
use openssl_sys as sys;

use super::cvt_p;

extern "C" {
    fn SSL_SESSION_dup(src: *const sys::SSL_SESSION) -> *mut sys::SSL_SESSION;
    fn SSL_SESSION_has_ticket(s: *const sys::SSL_SESSION) -> std::os::raw::c_int;
    fn SSL_SESSION_get_ticket_lifetime_hint(s: *const sys::SSL_SESSION) -> std::os::raw::c_ulong;
}

/// `SSL_SESSION_has_ticket`: whether the session carries a session ticket.
pub(crate) fn ssl_session_has_ticket(session: &SslSessionRef) -> bool {
    // SAFETY: `session` is live; the call only reads it.
    unsafe { SSL_SESSION_has_ticket(session.as_ptr()) != 0 }
}

/// `SSL_SESSION_get_ticket_lifetime_hint`: the server's hint, in seconds.
// `c_ulong` is `u64` here but `u32` on other targets.
#[allow(clippy::useless_conversion)]
pub(crate) fn ssl_session_ticket_lifetime_hint(session: &SslSessionRef) -> u64 {
    // SAFETY: `session` is live; the call only reads it.
    u64::from(unsafe { SSL_SESSION_get_ticket_lifetime_hint(session.as_ptr()) })
}

/// `SSL_SESSION_dup`: an independent copy of `session` (its own
/// "not resumable" mark), sharing the peer certificate and chain by
/// reference count instead of re-parsing them as a DER round trip would.
pub(crate) fn ssl_session_dup(session: &SslSessionRef) -> Result<SslSession, ErrorStack> {
    // SAFETY: `session` is live; SSL_SESSION_dup returns a new owned
    // session (or null, which cvt_p turns into an error), whose one
    // reference the returned SslSession owns.
    unsafe {
        let copy = cvt_p(SSL_SESSION_dup(session.as_ptr()))?;
        Ok(SslSession::from_ptr(copy))
    }
}
