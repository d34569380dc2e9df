//! Memory BIOs (`BIO_s_mem`): the buffers of Python's `ssl.MemoryBIO`, the
//! transport of `SslObject`, and where OpenSSL's printing functions write.
//!
//! A memory BIO made by [`MemBio::new_nonblocking`] is set up as CPython's
//! `MemoryBIO` sets up its own (`BIO_set_retry_read`,
//! `BIO_set_mem_eof_return(bio, -1)`): an empty read means "no data yet",
//! which OpenSSL reports as `SSL_ERROR_WANT_READ`, until
//! [`MemBio::write_eof`] makes it a real end of stream.

use std::io;
use std::os::raw::{c_int, c_void};

use foreign_types::{ForeignType, ForeignTypeRef};
use openssl::error::ErrorStack;
use openssl::ssl::{Ssl, SslRef};
use openssl_sys as sys;

use super::cvt_p;
use super::tls::{Tls, Transport};

extern "C" {
    fn BIO_ctrl_pending(b: *mut sys::BIO) -> usize;
    fn BIO_up_ref(b: *mut sys::BIO) -> c_int;
}

foreign_types::foreign_type! {
    /// A memory BIO (`BIO_s_mem`).
    type CType = sys::BIO;
    fn drop = sys::BIO_free_all;
    pub struct MemBio;
    /// Borrowed [`MemBio`].
    pub struct MemBioRef;
}

// SAFETY: a BIO has no thread affinity; OpenSSL's BIO functions may be
// called from any thread as long as calls on one BIO do not overlap. The
// safe wrappers that hand a MemBio to users (`MemoryBio`, `SslObject`) are
// not `Sync`, so a BIO is used by one thread at a time.
unsafe impl Send for MemBio {}

impl MemBio {
    /// `BIO_new(BIO_s_mem())`: a plain growing buffer (reads at its end
    /// return 0, "end of file").
    pub(crate) fn new() -> Result<MemBio, ErrorStack> {
        // SAFETY: BIO_s_mem returns a static method table; BIO_new returns an
        // owned BIO or null, which cvt_p turns into an error.
        unsafe {
            let bio = cvt_p(sys::BIO_new(sys::BIO_s_mem()))?;
            Ok(MemBio::from_ptr(bio))
        }
    }

    /// A memory BIO as CPython's `MemoryBIO` makes it: an empty read asks
    /// to be retried (`BIO_set_retry_read`, `BIO_set_mem_eof_return(-1)`).
    pub(crate) fn new_nonblocking() -> Result<MemBio, ErrorStack> {
        let bio = MemBio::new()?;
        // SAFETY: `bio` is a live memory BIO; both calls only set flags.
        unsafe {
            sys::BIO_set_retry_read(bio.as_ptr());
            sys::BIO_ctrl(
                bio.as_ptr(),
                sys::BIO_C_SET_BUF_MEM_EOF_RETURN,
                -1,
                std::ptr::null_mut(),
            );
        }
        Ok(bio)
    }
}

impl MemBioRef {
    /// The bytes written so far and not read (`BIO_get_mem_data`).
    pub(crate) fn contents(&self) -> &[u8] {
        let mut ptr = std::ptr::null_mut();
        // SAFETY: BIO_get_mem_data stores a pointer to the BIO's own buffer
        // and returns its length; the buffer lives as long as `self` and is
        // not written while `&self` is borrowed.
        unsafe {
            let len = sys::BIO_get_mem_data(self.as_ptr(), &mut ptr);
            if ptr.is_null() || len <= 0 {
                &[]
            } else {
                std::slice::from_raw_parts(ptr as *const u8, len as usize)
            }
        }
    }

    /// `BIO_write`: appends `data` (at most `c_int::MAX` bytes at once).
    pub(crate) fn write(&self, data: &[u8]) -> Result<usize, ErrorStack> {
        let len = c_int::try_from(data.len()).unwrap_or(c_int::MAX);
        if len == 0 {
            return Ok(0);
        }
        // SAFETY: `data` is valid for `len` readable bytes; a memory BIO
        // copies them into its own buffer.
        let n = unsafe { sys::BIO_write(self.as_ptr(), data.as_ptr() as *const c_void, len) };
        if n < 0 {
            Err(ErrorStack::get())
        } else {
            Ok(n as usize)
        }
    }

    /// `BIO_read` of at most `buf.len()` of the pending bytes; 0 when none
    /// are pending (without calling `BIO_read`, which would set retry flags).
    pub(crate) fn read_into(&self, buf: &mut [u8]) -> usize {
        let len = buf.len().min(self.pending()).min(c_int::MAX as usize);
        if len == 0 {
            return 0;
        }
        // SAFETY: `buf` is valid for `len` writable bytes, and `len` bytes
        // are pending, so the memory BIO copies exactly that many.
        let n =
            unsafe { sys::BIO_read(self.as_ptr(), buf.as_mut_ptr() as *mut c_void, len as c_int) };
        n.max(0) as usize
    }

    /// `BIO_ctrl_pending`: bytes written and not yet read.
    pub(crate) fn pending(&self) -> usize {
        // SAFETY: the BIO is live; this reads its buffer length.
        unsafe { BIO_ctrl_pending(self.as_ptr()) }
    }

    /// Makes an empty read a real end of stream (`BIO_clear_retry_flags`,
    /// `BIO_set_mem_eof_return(bio, 0)`), as CPython's
    /// `MemoryBIO.write_eof`.
    pub(crate) fn write_eof(&self) {
        // SAFETY: the BIO is live; both calls only set flags.
        unsafe {
            sys::BIO_clear_retry_flags(self.as_ptr());
            sys::BIO_ctrl(
                self.as_ptr(),
                sys::BIO_C_SET_BUF_MEM_EOF_RETURN,
                0,
                std::ptr::null_mut(),
            );
        }
    }

    /// A new owning handle to the same BIO (`BIO_up_ref`).
    fn share(&self) -> MemBio {
        // SAFETY: the BIO is live; BIO_up_ref adds the reference that the
        // returned MemBio gives back when dropped. It cannot fail for a live
        // BIO (it is an atomic increment).
        unsafe {
            BIO_up_ref(self.as_ptr());
            MemBio::from_ptr(self.as_ptr())
        }
    }
}

/// The transport of an `SSL` over two memory BIOs: nothing of its own (the
/// `SSL` holds a reference to each BIO) and no I/O errors.
#[derive(Debug)]
pub(crate) struct MemTransport;

impl Transport for MemTransport {
    #[inline]
    fn take_error(&mut self, _ssl: &SslRef) -> Option<io::Error> {
        None
    }
}

impl Tls<MemTransport> {
    /// Attaches `incoming` (what the `SSL` reads) and `outgoing` (what it
    /// writes) to `ssl` (`SSL_set_bio`); the caller keeps its handles.
    pub(crate) fn over_memory(
        ssl: Ssl,
        incoming: &MemBioRef,
        outgoing: &MemBioRef,
    ) -> Tls<MemTransport> {
        let (rbio, wbio) = (incoming.share(), outgoing.share());
        let (rbio_ptr, wbio_ptr) = (rbio.as_ptr(), wbio.as_ptr());
        // The SSL takes over these two references.
        std::mem::forget((rbio, wbio));
        // SAFETY: SSL_set_bio takes ownership of one reference to each BIO
        // (the ones `share` added, forgotten above) and frees them with the
        // SSL. The two are different BIOs (each `MemoryBio` owns its own), so
        // SSL_set_bio's special case for `rbio == wbio` (one reference
        // taken) does not apply.
        unsafe { sys::SSL_set_bio(ssl.as_ptr(), rbio_ptr, wbio_ptr) };
        Tls::attached(ssl, MemTransport)
    }
}
