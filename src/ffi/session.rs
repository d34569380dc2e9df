//! `SSL_SESSION_*` calls the `openssl` crate does not expose, and the
//! info callback (`SSL_set_info_callback`) by which the client session
//! cache learns that an offered session was refused.

use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};

use foreign_types::{ForeignType, ForeignTypeRef};
use openssl::error::ErrorStack;
use openssl::ssl::{SslRef, SslSession, SslSessionRef};
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

/// `SSL_CB_HANDSHAKE_DONE`: the `where` bit of a finished handshake.
pub(crate) const SSL_CB_HANDSHAKE_DONE: c_int = 0x20;
/// `SSL_CB_ALERT`: the `where` bit of an alert sent or received.
pub(crate) const SSL_CB_ALERT: c_int = 0x4000;

extern "C" {
    fn SSL_set_info_callback(
        ssl: *mut sys::SSL,
        cb: Option<unsafe extern "C" fn(*const sys::SSL, c_int, c_int)>,
    );
}

/// What an info callback receives: OpenSSL's `where` bits and `ret`
/// (for an alert, its level and description).
pub(crate) trait InfoHandler {
    fn on_info(ssl: &mut SslRef, where_: c_int, ret: c_int);
}

/// `SSL_set_info_callback`: this connection reports its state changes to
/// `H`.
pub(crate) fn ssl_set_info_callback<H: InfoHandler>(ssl: &mut SslRef) {
    // SAFETY: `ssl` is a live SSL; the callback is a plain function with
    // OpenSSL's signature and needs no argument pointer.
    unsafe { SSL_set_info_callback(ssl.as_ptr(), Some(info_trampoline::<H>)) }
}

unsafe extern "C" fn info_trampoline<H: InfoHandler>(
    ssl: *const sys::SSL,
    where_: c_int,
    ret: c_int,
) {
    if ssl.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: OpenSSL calls this from inside an SSL_* call that sslwrap
        // made through `&mut` access to this SSL, so no other Rust
        // reference to it is in use while the callback runs (as in
        // `callbacks.rs`).
        let ssl = unsafe { SslRef::from_ptr_mut(ssl as *mut sys::SSL) };
        H::on_info(ssl, where_, ret);
    }));
}
