//! The C entry points of sslwrap's own callbacks on an `SSL`: the message
//! callback (`SSL_CTX_set_msg_callback`, `SSL_set_msg_callback`) behind the
//! handshake trace, the key-log callback (`SSL_CTX_set_keylog_callback`),
//! the server-name callback (`SSL_CTX_set_tlsext_servername_callback`) and
//! the PSK callbacks (`SSL_CTX_set_psk_client_callback`,
//! `SSL_CTX_set_psk_server_callback`).
//!
//! Each trampoline hands OpenSSL's arguments, as safe Rust values, to a
//! handler type implemented above this module (`trace.rs`, `keylog.rs`),
//! and runs it inside `catch_unwind`: a panic never crosses into C. The
//! handlers catch user panics themselves and record them on the connection;
//! the `catch_unwind` here is the last line.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_uchar, c_uint, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use foreign_types::ForeignTypeRef;
use openssl::ssl::{SslContextBuilder, SslContextRef, SslRef};
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

/// What a server-name callback receives: the connection and the context
/// the callback was set on. `Err(alert)` fails the handshake with that
/// alert (`SSL_TLSEXT_ERR_ALERT_FATAL`).
pub(crate) trait SniHandler {
    fn on_servername(ssl: &mut SslRef, ctx: &SslContextRef) -> Result<(), u8>;
}

/// What the PSK callbacks receive and give: the identity hint (client) or
/// identity (server) as OpenSSL passes it, `None` when absent or empty;
/// the handler writes the identity (client, NUL-terminated by this module)
/// and the key, and returns the key's length, `0` to fail the handshake.
pub(crate) trait PskHandler {
    /// `identity` has room for `identity.len() - 1` bytes and the NUL.
    fn on_client(
        ssl: &mut SslRef,
        hint: Option<&[u8]>,
        identity: &mut [u8],
        psk: &mut [u8],
    ) -> usize;
    fn on_server(ssl: &mut SslRef, identity: Option<&[u8]>, psk: &mut [u8]) -> usize;
}

/// `SSL_CTX_set_tlsext_servername_callback`, with the context itself as the
/// argument: OpenSSL calls the callback of the context a connection was
/// made from (its `session_ctx`), whatever `SSL_set_SSL_CTX` did since,
/// and `H` is told which one that is.
pub(crate) fn ctx_set_servername_callback<H: SniHandler>(ctx: &mut SslContextBuilder) {
    let ptr = ctx.as_ptr();
    // SAFETY: `ctx` is a live SSL_CTX; the callback has OpenSSL's signature.
    // The argument is the SSL_CTX itself, which every SSL whose handshake
    // can call the callback holds a reference to (as its session_ctx), so
    // it is live whenever the callback runs.
    unsafe {
        sys::SSL_CTX_set_tlsext_servername_callback__fixed_rust(ptr, Some(sni_trampoline::<H>));
        sys::SSL_CTX_set_tlsext_servername_arg(ptr, ptr as *mut c_void);
    }
}

/// `SSL_CTX_set_psk_client_callback`.
pub(crate) fn ctx_set_psk_client_callback<H: PskHandler>(ctx: &mut SslContextBuilder) {
    // SAFETY: `ctx` is a live SSL_CTX; the callback has OpenSSL's signature.
    unsafe { sys::SSL_CTX_set_psk_client_callback(ctx.as_ptr(), Some(psk_client_trampoline::<H>)) }
}

/// `SSL_CTX_set_psk_server_callback`.
pub(crate) fn ctx_set_psk_server_callback<H: PskHandler>(ctx: &mut SslContextBuilder) {
    // SAFETY: `ctx` is a live SSL_CTX; the callback has OpenSSL's signature.
    unsafe { sys::SSL_CTX_set_psk_server_callback(ctx.as_ptr(), Some(psk_server_trampoline::<H>)) }
}

/// `SSL_set_msg_callback(ssl, NULL)`: this connection reports no messages.
pub(crate) fn ssl_clear_msg_callback(ssl: &mut SslRef) {
    // SAFETY: `ssl` is a live SSL; NULL removes the callback.
    unsafe { SSL_set_msg_callback(ssl.as_ptr(), None) }
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

unsafe extern "C" fn sni_trampoline<H: SniHandler>(
    ssl: *mut sys::SSL,
    al: *mut c_int,
    arg: *mut c_void,
) -> c_int {
    if ssl.is_null() || al.is_null() || arg.is_null() {
        return sys::SSL_TLSEXT_ERR_OK;
    }
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: as in `msg_trampoline`: called from inside an SSL_* call
        // made through `&mut` access to this SSL.
        let ssl = unsafe { SslRef::from_ptr_mut(ssl) };
        // SAFETY: `arg` is the SSL_CTX set in `ctx_set_servername_callback`,
        // live while the SSL (which references it) is.
        let ctx = unsafe { SslContextRef::from_ptr(arg as *mut sys::SSL_CTX) };
        H::on_servername(ssl, ctx)
    }));
    // The handler catches the user's panics; a panic of its own still
    // fails the handshake, as an internal error.
    let alert = match outcome {
        Ok(Ok(())) => return sys::SSL_TLSEXT_ERR_OK,
        Ok(Err(alert)) => c_int::from(alert),
        Err(_) => sys::SSL_AD_INTERNAL_ERROR,
    };
    // SAFETY: `al` points at OpenSSL's alert slot for this call.
    unsafe { *al = alert };
    sys::SSL_TLSEXT_ERR_ALERT_FATAL
}

extern "C" fn psk_client_trampoline<H: PskHandler>(
    ssl: *mut sys::SSL,
    hint: *const c_char,
    identity: *mut c_char,
    max_identity_len: c_uint,
    psk: *mut c_uchar,
    max_psk_len: c_uint,
) -> c_uint {
    if ssl.is_null() || identity.is_null() || psk.is_null() || max_identity_len == 0 {
        return 0;
    }
    catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: as in `msg_trampoline`.
        let ssl = unsafe { SslRef::from_ptr_mut(ssl) };
        // SAFETY: a non-null hint is a NUL-terminated string valid for the
        // call.
        let hint = (!hint.is_null()).then(|| unsafe { CStr::from_ptr(hint) }.to_bytes());
        // SAFETY: OpenSSL passes writable buffers of these lengths, valid
        // for the call and not otherwise referenced during it.
        let (identity, psk) = unsafe {
            (
                std::slice::from_raw_parts_mut(identity as *mut u8, max_identity_len as usize),
                std::slice::from_raw_parts_mut(psk, max_psk_len as usize),
            )
        };
        let n = H::on_client(ssl, hint.filter(|h| !h.is_empty()), identity, psk);
        c_uint::try_from(n).unwrap_or(0)
    }))
    .unwrap_or(0)
}

extern "C" fn psk_server_trampoline<H: PskHandler>(
    ssl: *mut sys::SSL,
    identity: *const c_char,
    psk: *mut c_uchar,
    max_psk_len: c_uint,
) -> c_uint {
    if ssl.is_null() || psk.is_null() {
        return 0;
    }
    catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: as in `msg_trampoline`.
        let ssl = unsafe { SslRef::from_ptr_mut(ssl) };
        // SAFETY: a non-null identity is a NUL-terminated string valid for
        // the call.
        let identity =
            (!identity.is_null()).then(|| unsafe { CStr::from_ptr(identity) }.to_bytes());
        // SAFETY: OpenSSL passes a writable buffer of this length.
        let psk = unsafe { std::slice::from_raw_parts_mut(psk, max_psk_len as usize) };
        let n = H::on_server(ssl, identity.filter(|i| !i.is_empty()), psk);
        c_uint::try_from(n).unwrap_or(0)
    }))
    .unwrap_or(0)
}
