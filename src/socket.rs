//! [`SslSocket`]: a driver of the TLS state machine over a blocking or
//! non-blocking stream. Python's `ssl.SSLSocket`.
//!
//! The state machine is [`Conn`] (shared with [`SslObject`](crate::SslObject)),
//! reading and writing through sslwrap's own BIO over the stream, so reads
//! and writes go straight to `SSL_read_ex`/`SSL_write_ex` with no
//! allocation, copy or extra system call, as the `openssl` crate's
//! `SslStream` does. What the socket adds is how it waits:
//!
//! * blocking (the default): OpenSSL's BIO calls block in the stream;
//! * non-blocking (`settimeout(Some(0))`, `setblocking(false)`, or a stream
//!   that is non-blocking itself): every call returns `WantRead`/`WantWrite`;
//! * with a timeout (`settimeout(Some(t))`): the socket is non-blocking at
//!   the OS level, as CPython's is, and each call gets **one deadline** `t`
//!   from its first wait; it polls the socket for what OpenSSL wants for the
//!   time that remains, and fails with `TimeoutError` when none is left.
//!   This is `_ssl.c`'s loop (`_PyDeadline_Init`, `PySSL_select`). A peer
//!   that drips one byte at a time cannot hold a call past its timeout.
//!
//! Waiting happens only after OpenSSL reported that it must wait; a call
//! that does not wait never reads the clock.

use std::fmt;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::net::TcpStream;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use openssl::ssl::{ErrorCode, SslContextRef};

use crate::conn::{inspection_methods, Conn, StepError};
use crate::context::{ConnConfig, SslContext};
use crate::error::{SslError, SslErrorKind};
use crate::ffi::{self, Tls};
use crate::options::WrapOptions;

impl SslContext {
    /// Wraps a connected stream in TLS; by default runs the handshake now.
    ///
    /// Python: `SSLContext.wrap_socket(sock, server_side,
    /// do_handshake_on_connect, suppress_ragged_eofs, server_hostname,
    /// session)`. OpenSSL: `SSL_new`, `SSL_set_tlsext_host_name`,
    /// `X509_VERIFY_PARAM_set1_host`/`_ip`, `SSL_set_session`,
    /// `SSL_set_connect_state`/`SSL_set_accept_state`, then
    /// `SSL_do_handshake`.
    ///
    /// Python's argument checks apply: `server_hostname` or `session` on the
    /// server side, or no `server_hostname` while `check_hostname` is on,
    /// are [`SslErrorKind::Value`] errors.
    ///
    /// # Differences from Python
    ///
    /// Python refuses `do_handshake_on_connect` for a non-blocking socket;
    /// sslwrap cannot see whether a generic stream is non-blocking, and
    /// reports a would-block during the connect-time handshake as
    /// [`SslErrorKind::Timeout`] ("The handshake operation timed out").
    /// Wrap non-blocking streams with `do_handshake_on_connect(false)`.
    pub fn wrap_socket<S: Read + Write>(
        &self,
        sock: S,
        opts: WrapOptions,
    ) -> Result<SslSocket<S>, SslError> {
        let ctx = self.built()?;
        SslSocket::new(ctx, self.conn_config(), sock, opts)
    }
}

/// A TLS connection over a stream.
///
/// Python: `ssl.SSLSocket`. OpenSSL: `SSL` over a BIO that calls the
/// stream's `Read`/`Write`.
///
/// Made by [`SslContext::wrap_socket`] or
/// [`SslListener::accept`](crate::SslListener::accept). Implements
/// [`io::Read`] and [`io::Write`]; the Python-named [`recv`](Self::recv),
/// [`send`](Self::send) and [`sendall`](Self::sendall) return [`SslError`]
/// instead of [`io::Error`].
///
/// Dropping it closes the stream without sending close_notify, like
/// Python's `close()`; call [`unwrap`](Self::unwrap) for an orderly TLS
/// shutdown.
pub struct SslSocket<S> {
    conn: Conn<ffi::StreamTransport<S>>,
    suppress_ragged_eofs: bool,
    /// Python's socket timeout in nanoseconds, as `settimeout` set it:
    /// [`NO_TIMEOUT`] when none was set (blocking, or a non-blocking stream
    /// whose would-blocks are `WantRead`/`WantWrite`).
    timeout: AtomicU64,
    /// How to reach the OS socket under the stream, known once `settimeout`
    /// (which exists for `TcpStream` only) has been called.
    os: OnceLock<OsSocket<S>>,
}

/// `timeout` value meaning "no timeout set with `settimeout`".
const NO_TIMEOUT: u64 = u64::MAX;
/// `timeout` value meaning "non-blocking" (`settimeout(0)`).
const NON_BLOCKING: u64 = 0;

/// What the timeout machinery needs from a stream that is an OS socket.
struct OsSocket<S> {
    /// The socket's file descriptor, to poll.
    fd: fn(&S) -> RawFd,
    /// Makes the socket blocking with `SO_RCVTIMEO`/`SO_SNDTIMEO` of the
    /// given timeout, the nearest a plain stream has to Python's socket
    /// timeout (for the stream [`SslSocket::unwrap`] gives back).
    blocking_with_timeout: fn(&S, Duration) -> io::Result<()>,
}

/// The operation a timeout interrupted, for Python's message.
#[derive(Clone, Copy)]
enum Op {
    Handshake,
    Read,
    Write,
}

/// The one deadline of a call (`_PyDeadline_Init`): set at the call's first
/// wait, so a call that never waits never reads the clock.
#[derive(Default)]
struct Deadline(Option<Instant>);

impl<S: Read + Write> SslSocket<S> {
    pub(crate) fn new(
        ctx: &SslContextRef,
        config: ConnConfig,
        sock: S,
        opts: WrapOptions,
    ) -> Result<SslSocket<S>, SslError> {
        // ssl.py: SSLSocket._create.
        if opts.server_side {
            if opts.server_hostname.is_some() {
                return Err(SslError::value(
                    "server_hostname can only be specified in client mode",
                ));
            }
            if opts.session.is_some() {
                return Err(SslError::value(
                    "session can only be specified in client mode",
                ));
            }
        }
        if config.check_hostname && opts.server_hostname.as_deref().map_or(true, str::is_empty) {
            return Err(SslError::value("check_hostname requires server_hostname"));
        }
        let conn = Conn::new(
            ctx,
            config,
            opts.server_side,
            opts.encoded_hostname()?,
            opts.session.as_ref(),
            opts.trace,
            |ssl| Ok(Tls::over_stream(ssl, sock)?),
        )?;
        let mut s = SslSocket {
            conn,
            suppress_ragged_eofs: opts.suppress_ragged_eofs,
            timeout: AtomicU64::new(NO_TIMEOUT),
            os: OnceLock::new(),
        };
        if opts.do_handshake_on_connect {
            s.handshake_on_connect()?;
        }
        Ok(s)
    }

    /// The handshake `wrap_socket` (and `accept`) runs. Python refuses a
    /// non-blocking socket there, so a would-block that no timeout waits
    /// for can only be a timeout the stream itself expired.
    pub(crate) fn handshake_on_connect(&mut self) -> Result<(), SslError> {
        match self.do_handshake() {
            Err(e) if matches!(e.kind(), SslErrorKind::WantRead | SslErrorKind::WantWrite) => {
                Err(SslError::timeout(Op::Handshake.timeout_text()))
            }
            other => other,
        }
    }

    /// Runs (or continues) the TLS handshake.
    ///
    /// Python: `SSLSocket.do_handshake()`. OpenSSL: `SSL_do_handshake`.
    ///
    /// On a non-blocking stream it returns [`SslErrorKind::WantRead`] or
    /// [`SslErrorKind::WantWrite`] until done: wait for the stream to become
    /// readable or writable and call it again. With a timeout set by
    /// [`settimeout`](SslSocket::settimeout), the whole handshake must end
    /// within it, else [`SslErrorKind::Timeout`] ("The handshake operation
    /// timed out"). Verification failures are
    /// [`SslErrorKind::CertVerification`] with Python's verify code and
    /// message.
    pub fn do_handshake(&mut self) -> Result<(), SslError> {
        let mut deadline = Deadline::default();
        loop {
            match self.conn.handshake() {
                Ok(()) => return Ok(()),
                Err(e) => self.wait(e, Op::Handshake, &mut deadline)?,
            }
        }
    }

    /// Reads up to `n` bytes of application data; empty at end of stream.
    ///
    /// Python: `SSLSocket.recv(n)` (`SSLSocket.read(n)`). OpenSSL:
    /// `SSL_read_ex`.
    ///
    /// End of stream is the peer's close_notify, or, with
    /// `suppress_ragged_eofs`, a TCP close without it. Allocates the
    /// returned buffer; [`io::Read::read`] reads into yours.
    pub fn recv(&mut self, n: usize) -> Result<Vec<u8>, SslError> {
        let mut buf = vec![0; n];
        let len = self.read_ssl(&mut buf)?;
        buf.truncate(len);
        Ok(buf)
    }

    /// Writes application data; returns how much was written (all of it,
    /// unless the stream is non-blocking).
    ///
    /// Python: `SSLSocket.send(data)` (`SSLSocket.write`). OpenSSL:
    /// `SSL_write_ex`.
    pub fn send(&mut self, data: &[u8]) -> Result<usize, SslError> {
        self.send_within(data, &mut Deadline::default())
    }

    /// Writes all of `data`.
    ///
    /// Python: `SSLSocket.sendall(data)`. OpenSSL: `SSL_write_ex` until done.
    ///
    /// # Differences from Python
    ///
    /// With a timeout, the whole `sendall` gets one deadline; Python's
    /// bounds each `send` inside it, so a peer that reads slowly can hold
    /// Python's `sendall` far longer than the timeout.
    pub fn sendall(&mut self, data: &[u8]) -> Result<(), SslError> {
        let mut deadline = Deadline::default();
        let mut sent = 0;
        while sent < data.len() {
            sent += self.send_within(&data[sent..], &mut deadline)?;
        }
        Ok(())
    }

    /// Sends `count` bytes (all, with `None`) of `file` from `offset`, and
    /// returns how many were sent; the file's position is left at `offset`
    /// plus that (as Python's: an `offset` of 0 reads from the current
    /// position, without seeking first).
    ///
    /// Python: `SSLSocket.sendfile(file, offset=0, count=None)`, which on a
    /// TLS socket falls back to reading the file in blocks of 8192 bytes
    /// and sending them (`_sendfile_use_send`); so does sslwrap, since the
    /// kernel's `sendfile(2)` cannot encrypt. OpenSSL: `SSL_write_ex`.
    ///
    /// `Some(0)` is Python's `ValueError` "count must be a positive integer
    /// (got 0)", a non-blocking socket its "non-blocking sockets are not
    /// supported". With a timeout, each block's send has its own deadline,
    /// as Python's `send` calls do.
    pub fn sendfile<F: Read + Seek>(
        &mut self,
        file: &mut F,
        offset: u64,
        count: Option<u64>,
    ) -> Result<u64, SslError> {
        if count == Some(0) {
            return Err(SslError::value("count must be a positive integer (got 0)"));
        }
        if self.timeout.load(Ordering::Relaxed) == NON_BLOCKING {
            return Err(SslError::value("non-blocking sockets are not supported"));
        }
        const BLOCK: u64 = 8192;
        let block = count.map_or(BLOCK, |c| c.min(BLOCK)) as usize;
        // Python seeks only for a non-zero offset (and then, at the end, to
        // `offset + total_sent` all the same).
        if offset != 0 {
            file.seek(SeekFrom::Start(offset)).map_err(SslError::io)?;
        }
        let mut buf = vec![0; block];
        let mut total: u64 = 0;
        let result = loop {
            let want = count.map_or(block as u64, |c| (c - total).min(block as u64)) as usize;
            if want == 0 {
                break Ok(());
            }
            let n = match file.read(&mut buf[..want]) {
                Ok(0) => break Ok(()),
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => break Err(SslError::io(e)),
            };
            let mut sent = 0;
            while sent < n {
                match self.send(&buf[sent..n]) {
                    Ok(k) => sent += k,
                    Err(e) => {
                        total += sent as u64;
                        let _ = file.seek(SeekFrom::Start(offset + total));
                        return Err(e);
                    }
                }
            }
            total += n as u64;
        };
        // Python: `file.seek(offset + total_sent)` when something was sent.
        if total > 0 {
            file.seek(SeekFrom::Start(offset + total))
                .map_err(SslError::io)?;
        }
        result.map(|()| total)
    }

    /// Sends close_notify and waits for the peer's, then returns the plain
    /// stream, for protocols that go back to cleartext (STARTTLS).
    ///
    /// Python: `SSLSocket.unwrap()`. OpenSSL: `SSL_shutdown`, called again
    /// once after it returns 0, as Python does.
    ///
    /// A socket with a timeout is non-blocking at the OS level (see
    /// [`settimeout`](SslSocket::settimeout)); the `TcpStream` it gives
    /// back is blocking again, with that timeout as its read and write
    /// timeouts. On a non-blocking stream use
    /// [`shutdown_tls`](Self::shutdown_tls) until it succeeds, then
    /// [`into_inner`](Self::into_inner).
    pub fn unwrap(mut self) -> Result<S, SslError> {
        self.shutdown_tls()?;
        if let (Some(t), Some(os)) = (self.timeout_duration(), self.os.get()) {
            (os.blocking_with_timeout)(self.get_ref(), t).map_err(SslError::io)?;
        }
        Ok(self.into_inner())
    }

    /// Asks a TLS 1.3 client for its certificate now, after the handshake
    /// (post-handshake authentication); the request goes out with the next
    /// write, and the certificate arrives with a later read.
    ///
    /// Python: `SSLSocket.verify_client_post_handshake()`. OpenSSL:
    /// `SSL_verify_client_post_handshake`.
    ///
    /// Needs [`SslContext::set_post_handshake_auth`] on both sides and a
    /// server context that verifies clients; otherwise an `SSLError` from
    /// OpenSSL (e.g. `[SSL: EXTENSION_NOT_RECEIVED]`).
    pub fn verify_client_post_handshake(&mut self) -> Result<(), SslError> {
        self.conn.verify_client_post_handshake()
    }

    /// The TLS half of [`unwrap`](Self::unwrap): sends close_notify and
    /// waits for the peer's, resumable on a non-blocking stream
    /// ([`SslErrorKind::WantRead`]).
    ///
    /// Python: `SSLObject.unwrap()` (`_ssl._SSLSocket.shutdown`). OpenSSL:
    /// `SSL_shutdown`.
    ///
    /// Nothing past the peer's close_notify is read from the stream: the
    /// bytes that follow it are still there for [`into_inner`](Self::into_inner).
    /// Only with read-ahead (turned on through [`ssl_mut`](Self::ssl_mut))
    /// could OpenSSL hold some, which it cannot hand back: then
    /// [`SslErrorKind::Value`] rather than lose them.
    pub fn shutdown_tls(&mut self) -> Result<(), SslError> {
        let mut deadline = Deadline::default();
        let mut zeros = 0;
        loop {
            match self.conn.shutdown(&mut zeros) {
                Ok(()) => return self.conn.check_nothing_read_past_close_notify(),
                Err(e) => {
                    let op = match e.want() {
                        Some(f) if f.code == ErrorCode::WANT_WRITE => Op::Write,
                        _ => Op::Read,
                    };
                    self.wait(e, op, &mut deadline)?;
                }
            }
        }
    }

    /// The plain stream, without any TLS shutdown (the session is
    /// abandoned).
    pub fn into_inner(self) -> S {
        self.conn.into_tls().into_inner()
    }

    /// `SSL_read_ex`, with Python's waiting and ragged-EOF rules on the
    /// (cold) failure path.
    #[inline]
    fn read_ssl(&mut self, buf: &mut [u8]) -> Result<usize, SslError> {
        match self.conn.read(buf) {
            Ok(n) => Ok(n),
            Err(e) => self.read_slow(e, buf),
        }
    }

    #[cold]
    fn read_slow(&mut self, mut e: StepError, buf: &mut [u8]) -> Result<usize, SslError> {
        let mut deadline = Deadline::default();
        loop {
            if let Err(err) = self.wait(e, Op::Read, &mut deadline) {
                // SSLSocket.read: a ragged EOF reads as the end of stream.
                if err.kind() == SslErrorKind::Eof && self.suppress_ragged_eofs {
                    return Ok(0);
                }
                return Err(err);
            }
            match self.conn.read(buf) {
                Ok(n) => return Ok(n),
                Err(next) => e = next,
            }
        }
    }

    /// `SSL_write_ex`, waiting (on the cold path) within `deadline`.
    #[inline]
    fn send_within(&mut self, data: &[u8], deadline: &mut Deadline) -> Result<usize, SslError> {
        match self.conn.write(data) {
            Ok(n) => Ok(n),
            Err(e) => self.write_slow(e, data, deadline),
        }
    }

    #[cold]
    fn write_slow(
        &mut self,
        mut e: StepError,
        data: &[u8],
        deadline: &mut Deadline,
    ) -> Result<usize, SslError> {
        loop {
            self.wait(e, Op::Write, deadline)?;
            match self.conn.write(data) {
                Ok(n) => return Ok(n),
                Err(next) => e = next,
            }
        }
    }
}

impl<S> SslSocket<S> {
    /// After a failed step: waits for the socket when OpenSSL must wait and
    /// a timeout is set (`Ok`: call OpenSSL again), else the error for the
    /// call (Python's `PySSL_select`, then `PySSL_SetError`).
    #[cold]
    fn wait(&self, e: StepError, op: Op, deadline: &mut Deadline) -> Result<(), SslError> {
        if let Some(f) = e.want().filter(|f| f.transport_would_block()) {
            if let (Some(t), Some(os)) = (self.timeout_duration(), self.os.get()) {
                let end = *deadline.0.get_or_insert_with(|| Instant::now() + t);
                let left = end.saturating_duration_since(Instant::now());
                let fd = (os.fd)(self.get_ref());
                let writing = f.code == ErrorCode::WANT_WRITE;
                if !left.is_zero() && ffi::poll_fd(fd, writing, left).map_err(SslError::io)? {
                    return Ok(());
                }
                return Err(SslError::timeout(op.timeout_text()));
            }
        }
        Err(self.conn.error(e))
    }

    /// The timeout `settimeout` set, if it is one (not blocking, not
    /// non-blocking).
    fn timeout_duration(&self) -> Option<Duration> {
        match self.timeout.load(Ordering::Relaxed) {
            NO_TIMEOUT | NON_BLOCKING => None,
            nanos => Some(Duration::from_nanos(nanos)),
        }
    }

    inspection_methods!(conn);

    /// The wrapped stream. Python: the socket's own methods (`fileno`, …).
    pub fn get_ref(&self) -> &S {
        self.conn.tls().get_ref()
    }

    /// The wrapped stream, mutably; reading or writing it directly corrupts
    /// the TLS session.
    pub fn get_mut(&mut self) -> &mut S {
        self.conn.tls_mut().get_mut()
    }
}

impl SslSocket<TcpStream> {
    /// Sets Python's socket timeout: `None` blocks, `Some(0)` makes the
    /// socket non-blocking, `Some(d)` gives each call (`do_handshake`,
    /// `recv`, `send`, `sendall`, `unwrap`, …) one deadline `d` from its
    /// start, after which it fails with
    /// [`SslErrorKind::Timeout`] (`TimeoutError`, no errno).
    ///
    /// Python: `SSLSocket.settimeout(t)`. OS: `O_NONBLOCK`
    /// (`TcpStream::set_nonblocking`), then `poll(2)` for the time left.
    ///
    /// With `Some(d)` the socket is non-blocking at the OS level, as
    /// CPython's is: [`get_ref`](SslSocket::get_ref) shows a non-blocking
    /// `TcpStream`. [`unwrap`](SslSocket::unwrap) gives it back blocking,
    /// with `d` as its read and write timeouts.
    ///
    /// # Differences from Python
    ///
    /// Python's SSL socket starts with the plain socket's timeout.
    /// `wrap_socket` is generic over the stream and cannot read a
    /// `TcpStream`'s mode, so call `settimeout` on the `SslSocket`: a
    /// timeout set only on the `TcpStream` (`set_read_timeout`) bounds each
    /// wait rather than the call, expires as
    /// [`SslErrorKind::WantRead`] after the handshake (as
    /// [`SslErrorKind::Timeout`] during the handshake `wrap_socket` runs),
    /// and [`gettimeout`](Self::gettimeout) reports `None` until
    /// `settimeout` is called.
    pub fn settimeout(&self, t: Option<Duration>) -> io::Result<()> {
        let _ = self.os.set(OsSocket {
            fd: |s: &TcpStream| s.as_raw_fd(),
            blocking_with_timeout: |s: &TcpStream, t| {
                s.set_nonblocking(false)?;
                s.set_read_timeout(Some(t))?;
                s.set_write_timeout(Some(t))
            },
        });
        let tcp = self.get_ref();
        match t {
            None => {
                tcp.set_nonblocking(false)?;
                tcp.set_read_timeout(None)?;
                tcp.set_write_timeout(None)?;
                self.timeout.store(NO_TIMEOUT, Ordering::Relaxed);
            }
            Some(d) => {
                tcp.set_nonblocking(true)?;
                let nanos = u64::try_from(d.as_nanos()).unwrap_or(NO_TIMEOUT - 1);
                self.timeout.store(nanos, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    /// The timeout [`settimeout`](Self::settimeout) set: `None` for
    /// blocking, `Some(0)` for non-blocking.
    ///
    /// Python: `SSLSocket.gettimeout()`.
    pub fn gettimeout(&self) -> Option<Duration> {
        match self.timeout.load(Ordering::Relaxed) {
            NO_TIMEOUT => None,
            nanos => Some(Duration::from_nanos(nanos)),
        }
    }

    /// `setblocking(true)` is `settimeout(None)`, `setblocking(false)` is
    /// `settimeout(Some(0))`.
    ///
    /// Python: `SSLSocket.setblocking(flag)`. OS: `O_NONBLOCK`.
    pub fn setblocking(&self, on: bool) -> io::Result<()> {
        self.settimeout(if on { None } else { Some(Duration::ZERO) })
    }
}

impl<S: Read + Write> Read for SslSocket<S> {
    /// Python: `SSLSocket.recv_into(buf)`. OpenSSL: `SSL_read_ex`.
    #[inline]
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.read_ssl(buf).map_err(io::Error::from)
    }
}

impl<S: Read + Write> Write for SslSocket<S> {
    /// Python: `SSLSocket.send(buf)`. OpenSSL: `SSL_write_ex`.
    #[inline]
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.send_within(buf, &mut Deadline::default())
            .map_err(io::Error::from)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.conn.tls_mut().flush()
    }
}

impl<S: fmt::Debug> fmt::Debug for SslSocket<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SslSocket")
            .field("stream", self.get_ref())
            .field("server_side", &self.server_side())
            .field("server_hostname", &self.server_hostname())
            .field("version", &self.version())
            .field("cipher", &self.cipher())
            .finish()
    }
}

impl Op {
    fn timeout_text(self) -> &'static str {
        match self {
            Op::Handshake => "The handshake operation timed out",
            Op::Read => "The read operation timed out",
            Op::Write => "The write operation timed out",
        }
    }
}
