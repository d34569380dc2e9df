//! An `SSL` attached to its BIOs, and the four calls that move a TLS
//! connection forward: `SSL_do_handshake`, `SSL_read_ex`, `SSL_write_ex`,
//! `SSL_shutdown`.
//!
//! [`Tls`] is the same whatever the BIOs are attached to (a [`Transport`]):
//! a Rust stream through sslwrap's own BIO (`bio.rs`, for `SslSocket`) or
//! two memory BIOs (`mem.rs`, for `SslObject`). A failed call becomes a
//! [`Failure`]: `SSL_get_error`'s code, the drained error queue, and the
//! transport's own I/O error, which `SslError::from_ssl` turns into Python's
//! exception. Success costs the OpenSSL call and one flag check.
//!
//! That flag is the one thing `Tls` adds to `SSL_MODE_RELEASE_BUFFERS`
//! (which sslwrap sets, as Python does): OpenSSL frees a record buffer when
//! it is empty after a read or write, but a post-handshake message read
//! (a TLS 1.3 client reads its two NewSessionTickets with its first data)
//! runs the state machine, which sets up a write buffer (16.2 KiB) that no
//! write follows to free. An idle client connection would keep it for
//! good. The info callback (`info.rs`) raises the flag whenever the state
//! machine has run; the next read that leaves nothing buffered gives the
//! buffers back (`SSL_free_buffers`).

use std::io;
use std::mem::ManuallyDrop;
use std::os::raw::{c_int, c_void};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

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

extern "C" {
    fn SSL_free_buffers(ssl: *mut sys::SSL) -> c_int;
    fn SSL_has_pending(ssl: *const sys::SSL) -> c_int;
}

/// An `SSL` attached to the BIOs of a [`Transport`].
pub(crate) struct Tls<T> {
    ssl: ManuallyDrop<Ssl>,
    transport: ManuallyDrop<T>,
    /// Raised by the info callback when OpenSSL's state machine has run
    /// (see the module doc).
    state_machine_ran: Arc<AtomicBool>,
}

impl<T> Tls<T> {
    /// Wraps `ssl`, whose BIOs the caller has just attached with
    /// `SSL_set_bio`; `transport` owns what those BIOs need to live.
    pub(super) fn attached(mut ssl: Ssl, transport: T) -> Tls<T> {
        // Without the info callback (only if OpenSSL cannot allocate an
        // ex_data index) the flag never rises: the buffers are then kept
        // as plain OpenSSL keeps them.
        let state_machine_ran = super::info::ssl_state_machine_flag(&mut ssl).unwrap_or_default();
        Tls {
            ssl: ManuallyDrop::new(ssl),
            transport: ManuallyDrop::new(transport),
            state_machine_ran,
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
        // or taken exactly once (the flag read out here drops at the end);
        // the SSL goes before what its BIOs use.
        let (transport, _flag) = unsafe {
            ManuallyDrop::drop(&mut self.ssl);
            (
                ManuallyDrop::take(&mut self.transport),
                std::ptr::read(&self.state_machine_ran),
            )
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
            if self.state_machine_ran.load(Ordering::Relaxed) {
                self.release_idle_buffers();
            }
            Ok(n)
        } else {
            let failure = self.failure(r);
            if failure.code == ErrorCode::WANT_READ
                && self.state_machine_ran.load(Ordering::Relaxed)
            {
                self.release_idle_buffers();
            }
            Err(failure)
        }
    }

    /// `SSL_free_buffers` after the state machine ran (see the module doc),
    /// where OpenSSL would have freed the buffers itself: in
    /// `SSL_MODE_RELEASE_BUFFERS`, out of a handshake
    /// (`SSL_is_init_finished`), with nothing buffered (`SSL_has_pending`,
    /// which also keeps clear of the releases before 3.0.14, whose
    /// `SSL_free_buffers` could free a buffer still holding a record:
    /// CVE-2024-4741). A write still pending makes `SSL_free_buffers` itself
    /// refuse. Until the buffers go, the flag stays up and the next read
    /// tries again.
    #[cold]
    fn release_idle_buffers(&mut self) {
        if !self.ssl.is_init_finished() {
            return;
        }
        let ssl = self.ssl.as_ptr();
        // SAFETY: the SSL is live and not in use elsewhere (`&mut self`);
        // SSL_ctrl(SSL_CTRL_MODE, 0) returns the mode without changing it,
        // SSL_has_pending only reads, and SSL_free_buffers frees only
        // buffers that hold nothing (the next read or write sets them up
        // again, as under SSL_MODE_RELEASE_BUFFERS).
        let done = unsafe {
            let mode = sys::SSL_ctrl(ssl, sys::SSL_CTRL_MODE, 0, std::ptr::null_mut());
            if mode & sys::SSL_MODE_RELEASE_BUFFERS == 0 {
                true
            } else {
                SSL_has_pending(ssl) == 0 && SSL_free_buffers(ssl) == 1
            }
        };
        if done {
            self.state_machine_ran.store(false, Ordering::Relaxed);
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
