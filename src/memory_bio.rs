//! [`MemoryBio`]: a byte buffer between a TLS state machine and whatever
//! carries its bytes. Python's `ssl.MemoryBIO`.

use std::cell::Cell;
use std::fmt;

use crate::error::SslError;
use crate::ffi::{MemBio, MemBioRef};

/// A buffer of TLS bytes: the transport of an [`SslObject`](crate::SslObject).
///
/// Python: `ssl.MemoryBIO`. OpenSSL: a memory BIO (`BIO_s_mem`), set up as
/// CPython sets up its own, so that an empty buffer makes the TLS state
/// machine ask for more (`SslErrorKind::WantRead`) instead of seeing the end
/// of the stream, until [`write_eof`](Self::write_eof) is called.
///
/// Give two of them to [`SslContext::wrap_bio`](crate::SslContext::wrap_bio):
/// *incoming* (bytes from the peer, which you [`write`](Self::write)) and
/// *outgoing* (bytes for the peer, which you [`read`](Self::read)). Reach
/// them afterwards through [`SslObject::incoming`](crate::SslObject::incoming)
/// and [`SslObject::outgoing`](crate::SslObject::outgoing).
///
/// `MemoryBio` is [`Send`] but not [`Sync`]: its methods take `&self` (as
/// Python's do, and as the object that owns it hands it out by shared
/// reference), so two threads holding `&MemoryBio` could otherwise change
/// the same OpenSSL buffer at once. Moving it (or the `SslObject` that owns
/// it) to another thread is sound: OpenSSL's BIOs have no thread affinity.
pub struct MemoryBio {
    bio: MemBio,
    eof_written: Cell<bool>,
}

impl MemoryBio {
    /// An empty buffer.
    ///
    /// Python: `ssl.MemoryBIO()`. OpenSSL: `BIO_new(BIO_s_mem())`,
    /// `BIO_set_retry_read`, `BIO_set_mem_eof_return(bio, -1)`.
    ///
    /// # Panics
    ///
    /// When OpenSSL cannot allocate the BIO (out of memory), as allocating
    /// Rust collections do.
    pub fn new() -> MemoryBio {
        let bio = MemBio::new_nonblocking()
            .unwrap_or_else(|e| panic!("BIO_new(BIO_s_mem()) failed: {e}"));
        MemoryBio {
            bio,
            eof_written: Cell::new(false),
        }
    }

    /// Appends `data`; returns how many bytes were written (all of them).
    ///
    /// Python: `MemoryBIO.write(data)`. OpenSSL: `BIO_write`.
    ///
    /// After [`write_eof`](Self::write_eof) it fails as Python's does:
    /// `SSLError` `('cannot write() after write_eof()',)`.
    pub fn write(&self, data: &[u8]) -> Result<usize, SslError> {
        if self.eof_written.get() {
            return Err(SslError::ssl_message("cannot write() after write_eof()"));
        }
        let mut written = 0;
        while written < data.len() {
            written += self.bio.write(&data[written..])?;
        }
        Ok(written)
    }

    /// Takes up to `n` buffered bytes (all of them with `None`).
    ///
    /// Python: `MemoryBIO.read(n=-1)`. OpenSSL: `BIO_read`.
    ///
    /// Allocates the result; [`read_into`](Self::read_into) does not.
    pub fn read(&self, n: Option<usize>) -> Vec<u8> {
        let pending = self.pending();
        let len = n.map_or(pending, |n| n.min(pending));
        let mut buf = vec![0; len];
        let got = self.bio.read_into(&mut buf);
        buf.truncate(got);
        buf
    }

    /// Takes up to `buf.len()` buffered bytes into `buf`; returns how many.
    ///
    /// Python: `MemoryBIO.read(len(buf))` without the copy. OpenSSL:
    /// `BIO_read`.
    pub fn read_into(&self, buf: &mut [u8]) -> usize {
        self.bio.read_into(buf)
    }

    /// How many bytes are buffered.
    ///
    /// Python: `MemoryBIO.pending`. OpenSSL: `BIO_ctrl_pending`.
    pub fn pending(&self) -> usize {
        self.bio.pending()
    }

    /// Marks the end of the stream: once the buffered bytes are read, the
    /// TLS state machine sees end of file (a ragged EOF unless a
    /// close_notify came first), not "no data yet".
    ///
    /// Python: `MemoryBIO.write_eof()`. OpenSSL: `BIO_clear_retry_flags`,
    /// `BIO_set_mem_eof_return(bio, 0)`.
    pub fn write_eof(&self) {
        self.eof_written.set(true);
        self.bio.write_eof();
    }

    /// Whether the end of the stream is reached: [`write_eof`](Self::write_eof)
    /// was called and nothing is buffered.
    ///
    /// Python: `MemoryBIO.eof`.
    pub fn eof(&self) -> bool {
        self.eof_written.get() && self.pending() == 0
    }

    /// The OpenSSL BIO.
    pub(crate) fn bio(&self) -> &MemBioRef {
        &self.bio
    }
}

impl Default for MemoryBio {
    fn default() -> MemoryBio {
        MemoryBio::new()
    }
}

impl fmt::Debug for MemoryBio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MemoryBio")
            .field("pending", &self.pending())
            .field("eof_written", &self.eof_written.get())
            .finish()
    }
}
