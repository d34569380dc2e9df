//! The only module that calls OpenSSL (or the OS) directly: all `unsafe` code.
//!
//! The `openssl` crate covers most of what sslwrap needs. What it does not
//! expose is declared or called here, through `openssl-sys` and
//! `foreign-types`, behind safe functions that take and return the `openssl`
//! crate's types (`SslRef`, `X509Ref`, `ErrorStack`, …). No raw pointer leaves
//! this module, and every `unsafe` block says why it is sound.
//!
//! Return codes become `Result`s through [`cvt`] and [`cvt_p`], the one path
//! from a C return code to an error (as in rust-openssl's `lib.rs`).
//!
//! Layout: one file per OpenSSL area, functions sorted by the C name they
//! wrap: `tls` (an `SSL` attached to its BIOs: handshake, read, write,
//! shutdown), `bio` (the BIO over a Rust stream), `async_io` (that stream
//! polled with a task context, feature `tokio`), `callbacks` (the message,
//! key-log, server-name and PSK callbacks), `info` (the info callback),
//! `mem` (memory BIOs), `os` (`poll(2)` for socket timeouts), `session`
//! (`SSL_SESSION_*`), `ssl` (`SSL_*`,
//! `SSL_CTX_*`), `store` (`X509_STORE_*`, reading `cadata` certificates),
//! `x509` (`X509_*`, `GENERAL_NAME`, `ASN1_*`, reading a PEM certificate
//! file for `decode_cert`).
#![deny(clippy::undocumented_unsafe_blocks)]

use std::os::raw::c_int;
use std::sync::OnceLock;

use openssl::error::ErrorStack;

#[cfg(feature = "tokio")]
mod async_io;
mod bio;
mod callbacks;
mod info;
mod mem;
mod os;
mod session;
mod ssl;
mod store;
mod tls;
mod x509;

#[cfg(feature = "tokio")]
pub(crate) use self::async_io::{ssl_enable_partial_write, with_context, AsyncAdapter};
pub(crate) use self::bio::StreamTransport;
pub(crate) use self::callbacks::{
    ctx_set_keylog_callback, ctx_set_msg_callback, ctx_set_psk_client_callback,
    ctx_set_psk_server_callback, ctx_set_servername_callback, ssl_clear_msg_callback,
    ssl_set_msg_callback, KeylogHandler, MsgHandler, PskHandler, SniHandler,
};
pub(crate) use self::info::{ssl_set_info_handler, SSL_CB_ALERT, SSL_CB_HANDSHAKE_DONE};
pub(crate) use self::mem::{MemBio, MemBioRef, MemTransport};
pub(crate) use self::os::poll_fd;
pub(crate) use self::session::{
    ssl_session_dup, ssl_session_has_ticket, ssl_session_ticket_lifetime_hint,
};
pub(crate) use self::ssl::*;
pub(crate) use self::store::*;
pub(crate) use self::tls::{Failure, Tls, Transport};
pub(crate) use self::x509::*;

/// A C return code of `1` (or more) is success; anything else drains the
/// error queue into an [`ErrorStack`].
pub(crate) fn cvt(r: c_int) -> Result<c_int, ErrorStack> {
    if r <= 0 {
        Err(ErrorStack::get())
    } else {
        Ok(r)
    }
}

/// A non-null pointer is success; null drains the error queue.
pub(crate) fn cvt_p<T>(p: *mut T) -> Result<*mut T, ErrorStack> {
    if p.is_null() {
        Err(ErrorStack::get())
    } else {
        Ok(p)
    }
}

/// Runs `f` with the C `errno` cleared first and returns what `errno` is
/// after it, as CPython does around `SSL_CTX_load_verify_locations` and
/// `SSL_CTX_use_certificate_chain_file` (`errno = 0; …; if (errno != 0)`).
pub(crate) fn with_errno<T>(f: impl FnOnce() -> T) -> (T, i32) {
    // SAFETY: __errno_location returns this thread's errno slot.
    unsafe { *libc::__errno_location() = 0 };
    let out = f();
    // SAFETY: as above.
    let errno = unsafe { *libc::__errno_location() };
    (out, errno)
}

/// The ex_data index kept in `cell`, made on first use by `new`
/// (`Ssl::new_ex_index` or `SslContext::new_ex_index`, which call
/// `CRYPTO_get_ex_new_index`): one per process and stored type, since
/// OpenSSL never frees an index.
pub(crate) fn ex_index<I: Copy>(
    cell: &OnceLock<I>,
    new: fn() -> Result<I, ErrorStack>,
) -> Result<I, ErrorStack> {
    if let Some(i) = cell.get() {
        return Ok(*i);
    }
    let i = new()?;
    Ok(*cell.get_or_init(|| i))
}
