//! An `SSL` attached to its BIOs, and the four calls that move a TLS
//! connection forward: `SSL_do_handshake`, `SSL_read_ex`, `SSL_write_ex`,
//! `SSL_shutdown`.
//!
//! [`Tls`] is the same whatever the BIOs are attached to (a [`Transport`]):
//! a Rust stream through sslwrap's own BIO (`bio.rs`, for `SslSocket`) or
//! two memory BIOs (`mem.rs`, for `SslObject`). A failed call becomes a
//! [`Failure`]: `SSL_get_error`'s code, the drained error queue, and the
//! transport's own I/O error, which `SslError::from_ssl` turns into Python's
//! exception. Success costs the OpenSSL call and nothing else.

use std::io;
use std::mem::ManuallyDrop;
use std::os::raw::{c_int, c_void};

use foreign_types::ForeignType;
use openssl::error::ErrorStack;
use openssl::ssl::{ErrorCode, ShutdownResult, ShutdownState, Ssl, SslRef};
use openssl_sys as sys;

/// A failed TLS operation, as OpenSSL reported it: `SSL_get_error`'s code,
/// the error queue (drained), and the transport's own error if it had one.
#[derive(Debug)]
pub(crate) struct Failure {
    /// What the OpenSSL call returned (`SSL_read_ex`/`SSL_write_ex` return
    /// 0 on failure, `SSL_do_handshake`/`SSL_shutdown` -1).
    pub(crate) ret: c_int,
    pub(crate) code: ErrorCode,
    pub(crate) stack: ErrorStack,
    pub(crate) io: Option<io::Error>,
}

impl Failure {
    /// Whether OpenSSL is waiting for the transport (`SSL_ERROR_WANT_READ`
    /// or `SSL_ERROR_WANT_WRITE`).
    pub(crate) fn is_want(&self) -> bool {
        matches!(self.code, ErrorCode::WANT_READ | ErrorCode::WANT_WRITE)
    }

    /// Whether the transport itself reported "would block" (a non-blocking
    /// socket with nothing to read or no room to write), as opposed to a
    /// memory BIO that is empty.
    pub(crate) fn transport_would_block(&self) -> bool {
        self.io
            .as_ref()
            .is_some_and(|e| e.kind() == io::ErrorKind::WouldBlock)
    }
}

/// What an `SSL`'s BIOs are attached to.
pub(crate) trait Transport {
    /// Called after a failed OpenSSL call: re-raises a panic that a BIO
    /// callback caught, and takes the I/O error the transport stored.
    fn take_error(&mut self, ssl: &SslRef) -> Option<io::Error>;
}

/// An `SSL` attached to the BIOs of a [`Transport`].
pub(crate) struct Tls<T> {
    ssl: ManuallyDrop<Ssl>,
    transport: ManuallyDrop<T>,
}

impl<T> Tls<T> {
    /// Wraps `ssl`, whose BIOs the caller has just attached with
    /// `SSL_set_bio`; `transport` owns what those BIOs need to live.
    pub(super) fn attached(ssl: Ssl, transport: T) -> Tls<T> {
        Tls {
            ssl: ManuallyDrop::new(ssl),
            transport: ManuallyDrop::new(transport),
        }
    }

    /// The `SSL`.
    pub(crate) fn ssl(&self) -> &SslRef {
        &self.ssl
    }

    /// The `SSL`, mutably.
    pub(crate) fn ssl_mut(&mut self) -> &mut SslRef {
        &mut self.ssl
    }

    /// `SSL_get_shutdown`.
    pub(crate) fn get_shutdown(&self) -> ShutdownState {
        // SAFETY: the SSL is live; this reads a field.
        ShutdownState::from_bits_retain(unsafe { sys::SSL_get_shutdown(self.ssl.as_ptr()) })
    }

    /// Frees the `SSL` (and with it its BIOs) and returns the transport.
    pub(super) fn into_transport(mut self) -> T {
        // SAFETY: `self` is forgotten right after, so each field is dropped
        // or taken exactly once; the SSL goes before what its BIOs use.
        let transport = unsafe {
            ManuallyDrop::drop(&mut self.ssl);
            ManuallyDrop::take(&mut self.transport)
        };
        std::mem::forget(self);
        transport
    }
}

impl<T: Transport> Tls<T> {
    /// `SSL_do_handshake`.
    pub(crate) fn do_handshake(&mut self) -> Result<(), Failure> {
        // SAFETY: the SSL is live and has its BIOs attached.
        let r = unsafe { sys::SSL_do_handshake(self.ssl.as_ptr()) };
        if r > 0 {
            Ok(())
        } else {
            Err(self.failure(r))
        }
    }

    /// `SSL_read_ex`; `Ok(0)` for an empty `buf` without calling OpenSSL.
    #[inline]
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> Result<usize, Failure> {
        if buf.is_empty() {
            return Ok(0);
        }
        let mut n = 0;
        // SAFETY: `buf` is valid for `buf.len()` writable bytes; OpenSSL
        // writes at most that many and reports the count in `n`.
        let r = unsafe {
            sys::SSL_read_ex(
                self.ssl.as_ptr(),
                buf.as_mut_ptr() as *mut c_void,
                buf.len(),
                &mut n,
            )
        };
        if r > 0 {
            Ok(n)
        } else {
            Err(self.failure(r))
        }
    }

    /// `SSL_write_ex`; `Ok(0)` for an empty `buf` without calling OpenSSL.
    #[inline]
    pub(crate) fn write(&mut self, buf: &[u8]) -> Result<usize, Failure> {
        if buf.is_empty() {
            return Ok(0);
        }
        let mut n = 0;
        // SAFETY: `buf` is valid for `buf.len()` readable bytes.
        let r = unsafe {
            sys::SSL_write_ex(
                self.ssl.as_ptr(),
                buf.as_ptr() as *const c_void,
                buf.len(),
                &mut n,
            )
        };
        if r > 0 {
            Ok(n)
        } else {
            Err(self.failure(r))
        }
    }

    /// `SSL_shutdown`: `Sent` when our close_notify went out, `Received`
    /// when the peer's has arrived too.
    pub(crate) fn shutdown(&mut self) -> Result<ShutdownResult, Failure> {
        // SAFETY: the SSL is live and has its BIOs attached.
        match unsafe { sys::SSL_shutdown(self.ssl.as_ptr()) } {
            0 => Ok(ShutdownResult::Sent),
            1 => Ok(ShutdownResult::Received),
            r => Err(self.failure(r)),
        }
    }

    /// Python's `PySSL_SetError` inputs: `SSL_get_error`, the drained
    /// queue, the transport's error. Re-raises a panic from a callback.
    #[cold]
    fn failure(&mut self, ret: c_int) -> Failure {
        let io = self.transport.take_error(&self.ssl);
        // SAFETY: the SSL is live; SSL_get_error only reads its state and
        // the thread's error queue.
        let code = ErrorCode::from_raw(unsafe { sys::SSL_get_error(self.ssl.as_ptr(), ret) });
        let stack = ErrorStack::get();
        Failure {
            ret,
            code,
            stack,
            io,
        }
    }
}

impl<T> Drop for Tls<T> {
    fn drop(&mut self) {
        // SAFETY: dropped once; the SSL (and its BIOs) before the transport
        // that they may point into.
        unsafe {
            ManuallyDrop::drop(&mut self.ssl);
            ManuallyDrop::drop(&mut self.transport);
        }
    }
}
