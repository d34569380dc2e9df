//! The C entry points of sslwrap's own callbacks on an `SSL`: the message
//! callback (`SSL_CTX_set_msg_callback`, `SSL_set_msg_callback`) behind the
//! handshake trace, and the key-log callback
//! (`SSL_CTX_set_keylog_callback`).
//!
//! Each trampoline hands OpenSSL's arguments, as safe Rust values, to a
//! handler type implemented above this module (`trace.rs`, `keylog.rs`),
//! and runs it inside `catch_unwind`: a panic never crosses into C. The
//! handlers catch user panics themselves and record them on the connection;
//! the `catch_unwind` here is the last line.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use foreign_types::ForeignTypeRef;
use openssl::ssl::{SslContextBuilder, SslRef};
use openssl_sys as sys;

/// OpenSSL's message callback type.
type MsgCallback = Option<
    unsafe extern "C" fn(c_int, c_int, c_int, *const c_void, usize, *mut sys::SSL, *mut c_void),
>;

extern "C" {
    fn SSL_CTX_set_msg_callback(ctx: *mut sys::SSL_CTX, cb: MsgCallback);
    fn SSL_set_msg_callback(ssl: *mut sys::SSL, cb: MsgCallback);
}

/// What a message callback receives: one record header, handshake
/// message, alert or change-cipher-spec, as OpenSSL reports it.
pub(crate) trait MsgHandler {
    /// `write`: sent (else received); `version` and `content_type` as
    /// OpenSSL passes them (`SSL3_RT_*`, including `SSL3_RT_HEADER` and
    /// `SSL3_RT_INNER_CONTENT_TYPE`).
    fn on_message(ssl: &mut SslRef, write: bool, version: i32, content_type: i32, data: &[u8]);
}

/// What a key-log callback receives: one NSS key-log line, without its
/// newline.
pub(crate) trait KeylogHandler {
    fn on_line(ssl: &mut SslRef, line: &str);
}

/// `SSL_CTX_set_msg_callback`: every connection of the context reports to
/// `H`.
pub(crate) fn ctx_set_msg_callback<H: MsgHandler>(ctx: &mut SslContextBuilder) {
    // SAFETY: `ctx` is a live SSL_CTX; the callback is a plain function
    // with OpenSSL's signature and needs no argument pointer.
    unsafe { SSL_CTX_set_msg_callback(ctx.as_ptr(), Some(msg_trampoline::<H>)) }
}

/// `SSL_set_msg_callback`: this connection reports to `H`.
pub(crate) fn ssl_set_msg_callback<H: MsgHandler>(ssl: &mut SslRef) {
    // SAFETY: `ssl` is a live SSL; as above.
    unsafe { SSL_set_msg_callback(ssl.as_ptr(), Some(msg_trampoline::<H>)) }
}

/// `SSL_CTX_set_keylog_callback`: every connection of the context hands
/// its secrets to `H`.
pub(crate) fn ctx_set_keylog_callback<H: KeylogHandler>(ctx: &mut SslContextBuilder) {
    // SAFETY: `ctx` is a live SSL_CTX; the callback has OpenSSL's signature.
    unsafe { sys::SSL_CTX_set_keylog_callback(ctx.as_ptr(), Some(keylog_trampoline::<H>)) }
}

unsafe extern "C" fn msg_trampoline<H: MsgHandler>(
    write_p: c_int,
    version: c_int,
    content_type: c_int,
    buf: *const c_void,
    len: usize,
    ssl: *mut sys::SSL,
    _arg: *mut c_void,
) {
    if ssl.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        let data = if buf.is_null() || len == 0 {
            &[][..]
        } else {
            // SAFETY: OpenSSL passes `len` readable bytes at `buf`, valid
            // for the duration of the callback.
            unsafe { std::slice::from_raw_parts(buf as *const u8, len) }
        };
        // SAFETY: OpenSSL calls this from inside an SSL_* call that sslwrap
        // made through `&mut` access to this SSL, so no other Rust
        // reference to it is in use while the callback runs (the pattern of
        // the `openssl` crate's own callbacks).
        let ssl = unsafe { SslRef::from_ptr_mut(ssl) };
        H::on_message(ssl, write_p != 0, version, content_type, data);
    }));
}

unsafe extern "C" fn keylog_trampoline<H: KeylogHandler>(
    ssl: *const sys::SSL,
    line: *const c_char,
) {
    if ssl.is_null() || line.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: OpenSSL passes a NUL-terminated line valid for the call.
        let line = unsafe { CStr::from_ptr(line) };
        let Ok(line) = line.to_str() else { return };
        // SAFETY: as in `msg_trampoline`: called from inside an SSL_* call
        // made through `&mut` access to this SSL.
        let ssl = unsafe { SslRef::from_ptr_mut(ssl as *mut sys::SSL) };
        H::on_line(ssl, line);
    }));
}
