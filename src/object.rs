//! [`SslObject`]: the TLS state machine over two memory buffers, with no
//! I/O of its own (sans-IO). Python's `ssl.SSLObject`.
//!
//! The caller moves the bytes: whatever the object wants to send appears
//! in its *outgoing* [`MemoryBio`]; whatever arrives from the peer is
//! written to its *incoming* one. Every call that needs more from the peer
//! fails with [`SslErrorKind::WantRead`](crate::SslErrorKind::WantRead), as
//! Python's `SSLObject` raises `SSLWantReadError`; send what is outgoing,
//! feed what arrives, call again. This is what asyncio's `sslproto.py`
//! builds on, and what tests use to drive a handshake flight by flight.
//!
//! The state machine is [`Conn`], the same one [`SslSocket`](crate::SslSocket)
//! drives over a stream: both give the same errors for the same bytes.

use std::fmt;

use crate::conn::{inspection_methods, Conn};
use crate::context::SslContext;
use crate::error::SslError;
use crate::ffi::{MemTransport, Tls};
use crate::memory_bio::MemoryBio;
use crate::options::WrapOptions;

impl SslContext {
    /// A TLS connection over two memory buffers: `incoming` holds what the
    /// peer sent, `outgoing` receives what to send it.
    ///
    /// Python: `SSLContext.wrap_bio(incoming, outgoing, server_side,
    /// server_hostname, session)`. OpenSSL: `SSL_new`, `SSL_set_bio`, then
    /// as [`wrap_socket`](SslContext::wrap_socket).
    ///
    /// No handshake runs here: call [`SslObject::do_handshake`].
    /// `do_handshake_on_connect` and `suppress_ragged_eofs` of `opts` are
    /// ignored, as Python's `wrap_bio` has neither; and as in Python,
    /// `check_hostname` does not require a `server_hostname` here (without
    /// one, no name is checked).
    pub fn wrap_bio(
        &self,
        incoming: MemoryBio,
        outgoing: MemoryBio,
        opts: WrapOptions,
    ) -> Result<SslObject, SslError> {
        let ctx = self.built()?;
        // ssl.py: SSLObject._create.
        let conn = Conn::new(
            ctx,
            self.conn_config(),
            opts.server_side,
            opts.encoded_hostname()?,
            opts.session.as_ref(),
            opts.trace,
            |ssl| Ok(Tls::over_memory(ssl, incoming.bio(), outgoing.bio())),
        )?;
        Ok(SslObject {
            conn,
            incoming,
            outgoing,
        })
    }
}

/// A TLS connection whose bytes go through two [`MemoryBio`]s.
///
/// Python: `ssl.SSLObject`. OpenSSL: `SSL` with two memory BIOs
/// (`SSL_set_bio`).
///
/// Made by [`SslContext::wrap_bio`]. `Send`, not `Sync` (see
/// [`MemoryBio`]).
///
/// ```
/// use sslwrap::{MemoryBio, SslContext, SslErrorKind, WrapOptions, PROTOCOL_TLS_CLIENT};
///
/// # fn main() -> Result<(), sslwrap::SslError> {
/// let ctx = SslContext::new(PROTOCOL_TLS_CLIENT)?;
/// let mut tls = ctx.wrap_bio(
///     MemoryBio::new(),
///     MemoryBio::new(),
///     WrapOptions::default().server_hostname("example.org"),
/// )?;
/// // The ClientHello is ready to send; the object waits for the server.
/// let err = tls.do_handshake().unwrap_err();
/// assert_eq!(err.kind(), SslErrorKind::WantRead);
/// let client_hello = tls.outgoing().read(None);
/// assert_eq!(client_hello[0], 22); // a TLS handshake record
/// # Ok(())
/// # }
/// ```
pub struct SslObject {
    conn: Conn<MemTransport>,
    incoming: MemoryBio,
    outgoing: MemoryBio,
}

impl SslObject {
    /// The buffer the peer's bytes go into ([`MemoryBio::write`] them).
    ///
    /// Python: the `incoming` argument of `wrap_bio`.
    pub fn incoming(&self) -> &MemoryBio {
        &self.incoming
    }

    /// The buffer of bytes to send to the peer ([`MemoryBio::read`] them).
    ///
    /// Python: the `outgoing` argument of `wrap_bio`.
    pub fn outgoing(&self) -> &MemoryBio {
        &self.outgoing
    }

    /// Runs (or continues) the TLS handshake.
    ///
    /// Python: `SSLObject.do_handshake()`. OpenSSL: `SSL_do_handshake`.
    ///
    /// [`SslErrorKind::WantRead`](crate::SslErrorKind::WantRead) until the
    /// peer's next flight has been written to [`incoming`](Self::incoming);
    /// send what [`outgoing`](Self::outgoing) holds after every call.
    pub fn do_handshake(&mut self) -> Result<(), SslError> {
        self.conn.handshake().map_err(|e| self.conn.error(e))
    }

    /// Decrypts up to `n` bytes of application data; empty at the peer's
    /// close_notify.
    ///
    /// Python: `SSLObject.read(n)`. OpenSSL: `SSL_read_ex`.
    ///
    /// Before the handshake completes it runs the handshake (as OpenSSL
    /// and Python do). A peer that ended the stream without close_notify
    /// ([`MemoryBio::write_eof`] on incoming) is
    /// [`SslErrorKind::Eof`](crate::SslErrorKind::Eof): Python's `SSLObject`
    /// has no `suppress_ragged_eofs`.
    pub fn read(&mut self, n: usize) -> Result<Vec<u8>, SslError> {
        let mut buf = vec![0; n];
        let len = self.read_into(&mut buf)?;
        buf.truncate(len);
        Ok(buf)
    }

    /// Decrypts application data into `buf`; returns how many bytes (0 at
    /// the peer's close_notify).
    ///
    /// Python: `SSLObject.read(len, buffer)`. OpenSSL: `SSL_read_ex`.
    #[inline]
    pub fn read_into(&mut self, buf: &mut [u8]) -> Result<usize, SslError> {
        self.conn.read(buf).map_err(|e| self.conn.error(e))
    }

    /// Encrypts `data` into [`outgoing`](Self::outgoing); returns how many
    /// bytes were taken (all of them).
    ///
    /// Python: `SSLObject.write(data)`. OpenSSL: `SSL_write_ex`.
    #[inline]
    pub fn write(&mut self, data: &[u8]) -> Result<usize, SslError> {
        self.conn.write(data).map_err(|e| self.conn.error(e))
    }

    /// The TLS shutdown: writes our close_notify to
    /// [`outgoing`](Self::outgoing), then
    /// [`SslErrorKind::WantRead`](crate::SslErrorKind::WantRead) until the
    /// peer's has been written to [`incoming`](Self::incoming). The buffers
    /// stay usable for cleartext afterwards.
    ///
    /// Python: `SSLObject.unwrap()`. OpenSSL: `SSL_shutdown`, called again
    /// once after it returns 0, as Python does.
    ///
    /// The bytes written to [`incoming`](Self::incoming) after the peer's
    /// close_notify stay there, unread. Only with read-ahead (turned on
    /// through [`ssl_mut`](Self::ssl_mut)) could OpenSSL have taken them
    /// in, where it cannot hand them back: then
    /// [`SslErrorKind::Value`](crate::SslErrorKind::Value) rather than lose
    /// them.
    pub fn unwrap(&mut self) -> Result<(), SslError> {
        let mut zeros = 0;
        self.conn
            .shutdown(&mut zeros)
            .map_err(|e| self.conn.error(e))?;
        self.conn.check_nothing_read_past_close_notify()
    }

    /// Asks a TLS 1.3 client for its certificate now, after the handshake;
    /// the request goes out with the next [`write`](Self::write).
    ///
    /// Python: `SSLObject.verify_client_post_handshake()`. OpenSSL:
    /// `SSL_verify_client_post_handshake`.
    pub fn verify_client_post_handshake(&mut self) -> Result<(), SslError> {
        self.conn.verify_client_post_handshake()
    }

    inspection_methods!(conn);
}

impl fmt::Debug for SslObject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslObject")
            .field("server_side", &self.server_side())
            .field("server_hostname", &self.server_hostname())
            .field("version", &self.version())
            .field("cipher", &self.cipher())
            .field("incoming", &self.incoming)
            .field("outgoing", &self.outgoing)
            .finish()
    }
}
