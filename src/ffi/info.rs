//! The info callback (`SSL_set_info_callback`) of every sslwrap connection.
//!
//! An `SSL` has one info callback and sslwrap needs it for two things, so
//! one trampoline serves both, finding what it needs in the `SSL`'s
//! ex_data:
//! - it tells [`Tls`](super::Tls) that OpenSSL's state machine ran
//!   (`SSL_CB_EXIT`: a handshake step, or a post-handshake message such as
//!   a TLS 1.3 NewSessionTicket), after which `Tls` gives back the record
//!   buffers that run left allocated (see `Tls::read`);
//! - it calls the connection's [`InfoHandler`], if one was set (the client
//!   session cache's, which learns that an offered session was refused).

use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use foreign_types::ForeignTypeRef;
use openssl::error::ErrorStack;
use openssl::ex_data::Index;
use openssl::ssl::{Ssl, SslRef};
use openssl_sys as sys;

/// `SSL_CB_EXIT`: the `where` bit of the end of a state-machine run.
const SSL_CB_EXIT: c_int = 0x02;
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

/// A connection's handler of its state changes: OpenSSL's `where` bits and
/// `ret` (for an alert, its level and description).
pub(crate) type InfoHandler = fn(&mut SslRef, c_int, c_int);

/// What the trampoline finds in the `SSL`'s ex_data.
#[derive(Default)]
struct Info {
    /// Set at the end of every state-machine run; `Tls` clears it.
    ran: Arc<AtomicBool>,
    handler: Option<InfoHandler>,
}

/// `SSL_set_info_callback`, once per `SSL`: runs `f` on the connection's
/// [`Info`], made (and the trampoline installed) on first use.
fn with_info<R>(ssl: &mut SslRef, f: impl FnOnce(&mut Info) -> R) -> Result<R, ErrorStack> {
    let index = index()?;
    if let Some(info) = ssl.ex_data_mut(index) {
        return Ok(f(info));
    }
    let mut info = Info::default();
    let r = f(&mut info);
    ssl.set_ex_data(index, info);
    // SAFETY: `ssl` is a live SSL; the trampoline is a plain function with
    // OpenSSL's signature and needs no argument pointer.
    unsafe { SSL_set_info_callback(ssl.as_ptr(), Some(trampoline)) };
    Ok(r)
}

/// The flag that the info callback sets whenever OpenSSL's state machine
/// has run on `ssl` (a handshake step, or a post-handshake message read).
pub(crate) fn ssl_state_machine_flag(ssl: &mut SslRef) -> Result<Arc<AtomicBool>, ErrorStack> {
    with_info(ssl, |info| info.ran.clone())
}

/// Makes `handler` see this connection's state changes (replacing an
/// earlier handler).
pub(crate) fn ssl_set_info_handler(
    ssl: &mut SslRef,
    handler: InfoHandler,
) -> Result<(), ErrorStack> {
    with_info(ssl, |info| info.handler = Some(handler))
}

unsafe extern "C" fn trampoline(ssl: *const sys::SSL, where_: c_int, ret: c_int) {
    if ssl.is_null() {
        return;
    }
    // Nothing below is expected to panic; a handler's panic stops here,
    // never unwinding into OpenSSL.
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: OpenSSL calls this from inside an SSL_* call that sslwrap
        // made through `&mut` access to this SSL, so no other Rust
        // reference to it is in use while the callback runs (as in
        // `callbacks.rs`).
        let ssl = unsafe { SslRef::from_ptr_mut(ssl as *mut sys::SSL) };
        let Some(info) = index().ok().and_then(|i| ssl.ex_data(i)) else {
            return;
        };
        if where_ & SSL_CB_EXIT != 0 {
            info.ran.store(true, Ordering::Relaxed);
        }
        if let Some(handler) = info.handler {
            handler(ssl, where_, ret);
        }
    }));
}

fn index() -> Result<Index<Ssl, Info>, ErrorStack> {
    static INDEX: OnceLock<Index<Ssl, Info>> = OnceLock::new();
    super::ex_index(&INDEX, Ssl::new_ex_index)
}
