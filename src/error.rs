//! [`SslError`]: Python's `ssl` exception hierarchy as one Rust error type.
//!
//! Every failure in sslwrap ends here, through one of a few constructors that
//! mirror CPython's `_ssl.c` helpers:
//!
//! * [`SslError::from_ssl`] is `PySSL_SetError`: the outcome of a failed
//!   `SSL_do_handshake`/`SSL_read_ex`/`SSL_write_ex`/`SSL_shutdown`;
//! * [`SslError::from_stack`] is `_setSSLError`: a failed configuration call
//!   whose reason sits on OpenSSL's error queue;
//! * [`SslError::io`], [`SslError::value`], [`SslError::timeout`] are the
//!   `OSError`, `ValueError` and `TimeoutError` that `_ssl.c` raises itself.
//!
//! The error's text is built like CPython's `fill_and_set_sslerror`, so
//! `to_string()` equals Python's `str(exc)` without the `(_ssl.c:NNNN)` tail.

use std::borrow::Cow;
use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use openssl::error::ErrorStack;
use openssl::ssl::ErrorCode;

use crate::err_names;
use crate::ffi::Failure;

/// The Python exception class an [`SslError`] corresponds to.
///
/// Python's `ssl` exceptions form a hierarchy (`SSLCertVerificationError` is
/// an `SSLError` is an `OSError`); Rust has no inheritance, so the class is a
/// kind. [`SslError::python_class`] gives the exact class name, which is finer
/// for [`Io`](SslErrorKind::Io) (`FileNotFoundError`, `ConnectionResetError`,
/// …) and [`Value`](SslErrorKind::Value) (`ValueError`, `TypeError`).
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SslErrorKind {
    /// Python: `ssl.SSLError`. A TLS protocol or OpenSSL failure.
    Ssl,
    /// Python: `ssl.SSLZeroReturnError`. The peer closed the TLS connection
    /// cleanly (close_notify) where data or a handshake was expected.
    ZeroReturn,
    /// Python: `ssl.SSLWantReadError`. A non-blocking stream must become
    /// readable before the operation can go on; call it again then.
    WantRead,
    /// Python: `ssl.SSLWantWriteError`. A non-blocking stream must become
    /// writable before the operation can go on; call it again then.
    WantWrite,
    /// Python: `ssl.SSLSyscallError`. OpenSSL reported a system call failure
    /// that carried no `errno`.
    Syscall,
    /// Python: `ssl.SSLEOFError`. The transport closed in violation of the
    /// protocol: no close_notify (a "ragged EOF"), e.g. mid-handshake.
    Eof,
    /// Python: `ssl.SSLCertVerificationError`. The peer's certificate chain or
    /// name did not verify; see [`SslError::verify_code`].
    CertVerification,
    /// Python: `TimeoutError` (`socket.timeout`). A timeout set with
    /// `settimeout` expired.
    Timeout,
    /// Python: `ValueError` or `TypeError`. A bad argument or a call in the
    /// wrong state.
    Value,
    /// Python: `OSError` and its subclasses (`FileNotFoundError`,
    /// `ConnectionResetError`, …). See [`SslError::io_error`].
    Io,
}

/// An error from sslwrap, carrying what Python's exception carries.
///
/// Python: `ssl.SSLError` and its subclasses, `OSError`, `ValueError`,
/// `TimeoutError`; the attributes `library`, `reason`, `verify_code`,
/// `verify_message` and `errno` are methods here.
///
/// `Display` gives Python's `str(exc)` without the `(_ssl.c:NNNN)` tail:
///
/// ```text
/// [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, certificate is not valid for 'localhost'.
/// ```
///
/// A "ragged EOF" (the peer closed TCP without close_notify) is
/// [`SslErrorKind::Eof`] with reason `UNEXPECTED_EOF_WHILE_READING` on
/// OpenSSL 3; reads on a socket wrapped with `suppress_ragged_eofs` (the
/// default) turn it into a clean end of stream instead, as Python does. See
/// the [`manual::eof_and_shutdown`](crate::manual::eof_and_shutdown) page.
pub struct SslError(Box<Inner>);

/// The data behind an [`SslError`], boxed so results stay small.
struct Inner {
    kind: SslErrorKind,
    class: &'static str,
    errno: Option<i32>,
    library: Option<&'static str>,
    reason: Option<&'static str>,
    message: Cow<'static, str>,
    verify: Option<(i64, String)>,
    io: Option<io::Error>,
    stack: Option<ErrorStack>,
    /// The file a load was reading when it failed (not part of `Display`).
    filename: Option<PathBuf>,
    /// Made from one string (`PyErr_SetString`): Python's `str()` is then
    /// the args tuple, `('text',)`.
    args_tuple: bool,
}

impl SslError {
    /// Which Python exception class this is, broadly.
    pub fn kind(&self) -> SslErrorKind {
        self.0.kind
    }

    /// The OpenSSL library that reported the error: `"SSL"`, `"PEM"`,
    /// `"X509"`, … (Python: `SSLError.library`; OpenSSL: `ERR_GET_LIB` of
    /// `ERR_peek_last_error`, named as CPython names it).
    pub fn library(&self) -> Option<&str> {
        self.0.library
    }

    /// The OpenSSL reason mnemonic: `"CERTIFICATE_VERIFY_FAILED"`,
    /// `"NO_START_LINE"`, … (Python: `SSLError.reason`; OpenSSL:
    /// `ERR_GET_REASON` of `ERR_peek_last_error`, named as CPython names it).
    pub fn reason(&self) -> Option<&str> {
        self.0.reason
    }

    /// The X.509 verification result, an `X509_V_ERR_*` code, on a
    /// [`CertVerification`](SslErrorKind::CertVerification) error
    /// (Python: `SSLCertVerificationError.verify_code`; OpenSSL:
    /// `SSL_get_verify_result`).
    pub fn verify_code(&self) -> Option<i64> {
        self.0.verify.as_ref().map(|v| v.0)
    }

    /// The sentence for [`verify_code`](Self::verify_code), e.g.
    /// `"self-signed certificate"`, or for a name mismatch Python's own
    /// `"Hostname mismatch, certificate is not valid for 'host'."`
    /// (Python: `SSLCertVerificationError.verify_message`; OpenSSL:
    /// `X509_verify_cert_error_string`).
    pub fn verify_message(&self) -> Option<&str> {
        self.0.verify.as_ref().map(|v| v.1.as_str())
    }

    /// The exact Python exception class name: `"SSLCertVerificationError"`,
    /// `"FileNotFoundError"`, `"TypeError"`, …
    pub fn python_class(&self) -> &'static str {
        self.0.class
    }

    /// Python's `exc.errno` (`exc.args[0]`): an `SSL_ERROR_*` number for the
    /// `SSLError` family (`1` for `SSLError`, `2` for `SSLWantReadError`, `8`
    /// for `SSLEOFError`, …), the OS error number for an `OSError`, `None`
    /// where Python's exception has none.
    pub fn errno(&self) -> Option<i32> {
        self.0.errno
    }

    /// The underlying I/O error, for [`Io`](SslErrorKind::Io) errors, and for
    /// [`WantRead`](SslErrorKind::WantRead)/[`WantWrite`](SslErrorKind::WantWrite)
    /// and [`Timeout`](SslErrorKind::Timeout) raised by the stream itself.
    pub fn io_error(&self) -> Option<&io::Error> {
        self.0.io.as_ref()
    }

    /// The OpenSSL error queue as it was when the error was raised (every
    /// entry, not only the last one that Python shows).
    pub fn openssl_errors(&self) -> Option<&ErrorStack> {
        self.0.stack.as_ref()
    }

    /// The sentence part of the message, without `[LIB: REASON]` and the
    /// verify message: OpenSSL's reason string or sslwrap's own text.
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The file a failed load was reading: the `cafile` of
    /// [`load_verify_locations`](crate::SslContext::load_verify_locations),
    /// the certificate or key file of
    /// [`load_cert_chain`](crate::SslContext::load_cert_chain), the path
    /// given to [`decode_cert`](crate::decode_cert).
    ///
    /// Python: `OSError.filename`.
    ///
    /// # Differences from Python
    ///
    /// Python's `ssl` leaves `filename` as `None` (`_ssl.c` raises with
    /// `PyErr_SetFromErrno`), so `str(exc)` is a bare `[Errno 2] No such
    /// file or directory`. sslwrap keeps that `Display` text for parity, but
    /// records the path here and shows it in `Debug`, so a Rust user sees
    /// which file it was.
    pub fn filename(&self) -> Option<&Path> {
        self.0.filename.as_deref()
    }
}

/// Python's `PY_SSL_ERROR_*` numbers, `SSLError.errno` of each class.
mod py_errno {
    pub const SSL: i32 = 1;
    pub const WANT_READ: i32 = 2;
    pub const WANT_WRITE: i32 = 3;
    pub const WANT_X509_LOOKUP: i32 = 4;
    pub const SYSCALL: i32 = 5;
    pub const ZERO_RETURN: i32 = 6;
    pub const WANT_CONNECT: i32 = 7;
    pub const EOF: i32 = 8;
    pub const INVALID_ERROR_CODE: i32 = 10;
}

/// `X509_V_ERR_HOSTNAME_MISMATCH`
const X509_V_ERR_HOSTNAME_MISMATCH: i64 = 62;
/// `X509_V_ERR_IP_ADDRESS_MISMATCH`
const X509_V_ERR_IP_ADDRESS_MISMATCH: i64 = 64;
/// `ERR_LIB_SSL`
const ERR_LIB_SSL: i32 = 20;
/// `ERR_LIB_SYS`
const ERR_LIB_SYS: i32 = 2;
/// `SSL_R_CERTIFICATE_VERIFY_FAILED`
const SSL_R_CERTIFICATE_VERIFY_FAILED: i32 = 134;
/// `SSL_R_UNEXPECTED_EOF_WHILE_READING`
const SSL_R_UNEXPECTED_EOF_WHILE_READING: i32 = 294;

/// What [`SslError::from_ssl`] needs to know about the connection besides the
/// error itself.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Peer<'a> {
    /// `SSL_get_verify_result` at the time of the error.
    pub(crate) verify_result: i64,
    /// `X509_verify_cert_error_string` of it.
    pub(crate) verify_string: &'a str,
    /// The name the certificate was checked against, for Python's own
    /// mismatch messages.
    pub(crate) server_hostname: Option<&'a str>,
}

impl SslError {
    /// Python's `PySSL_SetError`: turn the outcome of a failed TLS operation
    /// (`SSL_get_error`'s code, the drained error queue, the BIO's I/O error)
    /// into the exception Python raises.
    ///
    /// The caller has already dealt with timeouts (`WANT_READ` on a blocking
    /// stream with a timeout is [`SslError::timeout`]).
    pub(crate) fn from_ssl(err: Failure, peer: Peer<'_>) -> SslError {
        let Failure {
            ret,
            code,
            stack,
            io,
        } = err;
        // On SSL_ERROR_SYSCALL, OpenSSL 3.2+ also queues the system error
        // it saw (e.g. ECONNRESET) where 3.0 queues nothing; a queue of only
        // system errors counts as 3.0's empty one, so the answer is the one
        // CPython gives (see vendor-notes.md).
        let only_sys = stack
            .errors()
            .iter()
            .all(|e| lib_reason(e).0 == ERR_LIB_SYS);
        let drop_stack = stack.errors().is_empty() || (code == ErrorCode::SYSCALL && only_sys);
        let stack = (!drop_stack).then_some(stack);
        // Likewise, when a fatal error makes OpenSSL 3.2+ send an alert over
        // a transport that is gone, the failed write appends system errors
        // after the reason (e.g. UNEXPECTED_EOF_WHILE_READING, then EPIPE);
        // 3.0 does not. The reason is the last entry before them.
        let last = stack.as_ref().and_then(reason_entry);
        let (lib, reason_code) = last.map(lib_reason).unwrap_or((0, 0));
        let (kind, errno, errstr): (SslErrorKind, i32, Option<&'static str>) = match code {
            // SSL_ERROR_WANT_X509_LOOKUP, SSL_ERROR_WANT_CONNECT
            c if c.as_raw() == 4 => (
                SslErrorKind::Ssl,
                py_errno::WANT_X509_LOOKUP,
                Some("The operation did not complete (X509 lookup)"),
            ),
            c if c.as_raw() == 7 => (
                SslErrorKind::Ssl,
                py_errno::WANT_CONNECT,
                Some("The operation did not complete (connect)"),
            ),
            ErrorCode::ZERO_RETURN => (
                SslErrorKind::ZeroReturn,
                py_errno::ZERO_RETURN,
                Some("TLS/SSL connection has been closed (EOF)"),
            ),
            ErrorCode::WANT_READ => (
                SslErrorKind::WantRead,
                py_errno::WANT_READ,
                Some("The operation did not complete (read)"),
            ),
            ErrorCode::WANT_WRITE => (
                SslErrorKind::WantWrite,
                py_errno::WANT_WRITE,
                Some("The operation did not complete (write)"),
            ),
            ErrorCode::SYSCALL => {
                if only_sys {
                    // OpenSSL saw the transport fail. Python turns the
                    // errno into OSError only when the call returned -1
                    // (SSL_do_handshake, SSL_shutdown); SSL_read_ex and
                    // SSL_write_ex return 0, which Python reads as EOF, even
                    // for a connection reset.
                    if let (-1, Some(io)) = (ret, io) {
                        return SslError::io(io);
                    }
                    (
                        SslErrorKind::Eof,
                        py_errno::EOF,
                        Some("EOF occurred in violation of protocol"),
                    )
                } else {
                    (
                        SslErrorKind::Syscall,
                        py_errno::SYSCALL,
                        Some("Some I/O error occurred"),
                    )
                }
            }
            ErrorCode::SSL => {
                if lib == ERR_LIB_SSL && reason_code == SSL_R_UNEXPECTED_EOF_WHILE_READING {
                    // OpenSSL 3 reports a transport EOF this way rather than
                    // as SYSCALL with a zero return.
                    (
                        SslErrorKind::Eof,
                        py_errno::EOF,
                        Some("EOF occurred in violation of protocol"),
                    )
                } else if lib == ERR_LIB_SSL && reason_code == SSL_R_CERTIFICATE_VERIFY_FAILED {
                    (SslErrorKind::CertVerification, py_errno::SSL, None)
                } else if last.is_none() {
                    (
                        SslErrorKind::Ssl,
                        py_errno::SSL,
                        Some("A failure in the SSL library occurred"),
                    )
                } else {
                    (SslErrorKind::Ssl, py_errno::SSL, None)
                }
            }
            _ => (
                SslErrorKind::Ssl,
                py_errno::INVALID_ERROR_CODE,
                Some("Invalid error code"),
            ),
        };
        let mut e = SslError::ssl_family_at(kind, errno, stack, errstr, reason_entry);
        if kind == SslErrorKind::CertVerification {
            let message = match (peer.verify_result, peer.server_hostname) {
                (X509_V_ERR_HOSTNAME_MISMATCH, Some(host)) => {
                    format!("Hostname mismatch, certificate is not valid for '{host}'.")
                }
                (X509_V_ERR_IP_ADDRESS_MISMATCH, Some(host)) => {
                    format!("IP address mismatch, certificate is not valid for '{host}'.")
                }
                _ => peer.verify_string.to_owned(),
            };
            e.0.verify = Some((peer.verify_result, message));
        }
        e
    }

    /// Python's `_setSSLError(state, errstr, ...)`: an `SSLError` whose
    /// library and reason come from the last entry of OpenSSL's error queue.
    /// With `errstr`, that text replaces OpenSSL's reason string, and the
    /// queue is not consulted (Python passes `errcode = 0` then).
    pub(crate) fn from_stack(stack: ErrorStack, errstr: Option<&'static str>) -> SslError {
        match errstr {
            Some(text) => {
                SslError::ssl_family(SslErrorKind::Ssl, 0, Some(stack), Some(text)).without_codes()
            }
            None => {
                let errno = stack.errors().last().map(|e| lib_reason(e).1).unwrap_or(0);
                SslError::ssl_family(SslErrorKind::Ssl, errno, Some(stack), None)
            }
        }
    }

    /// Python's handling after a failed load (`load_cert_chain`,
    /// `load_verify_locations`): `OSError` when the C library set `errno`
    /// during the call, else `_setSSLError`; either names `path`, the file
    /// being read ([`SslError::filename`]).
    pub(crate) fn from_load(stack: ErrorStack, errno: i32, path: &Path) -> SslError {
        let e = if errno != 0 {
            SslError::io(io::Error::from_raw_os_error(errno))
        } else {
            SslError::from_stack(stack, None)
        };
        e.with_filename(path)
    }

    /// An `SSLError` for a user callback that failed (panicked), raised by
    /// the call that ran it, as Python raises a callback's exception.
    pub(crate) fn callback_panic(text: String) -> SslError {
        SslError::new(SslErrorKind::Ssl, "SSLError", Cow::Owned(text))
    }

    /// Records the file a load was reading (see [`SslError::filename`]).
    pub(crate) fn with_filename(mut self, path: &Path) -> SslError {
        self.0.filename = Some(path.to_owned());
        self
    }

    /// Python's `_setSSLError(state, text, 0, ...)`: an `SSLError` with a
    /// fixed text, `errno` 0 and no library or reason.
    pub(crate) fn ssl_text(text: &'static str) -> SslError {
        SslError::ssl_family(SslErrorKind::Ssl, 0, None, Some(text))
    }

    /// An `SSLError` with a fixed text and no library or reason, e.g.
    /// `"No cipher can be selected."`.
    pub(crate) fn ssl_message(text: &'static str) -> SslError {
        let mut e = SslError::new(SslErrorKind::Ssl, "SSLError", Cow::Borrowed(text));
        e.0.args_tuple = true;
        e
    }

    /// Python's `ValueError(text)`.
    pub(crate) fn value(text: impl Into<Cow<'static, str>>) -> SslError {
        SslError::new(SslErrorKind::Value, "ValueError", text.into())
    }

    /// A `ValueError` subclass (`UnicodeError`, …) with `text`.
    pub(crate) fn value_class(class: &'static str, text: impl Into<Cow<'static, str>>) -> SslError {
        SslError::new(SslErrorKind::Value, class, text.into())
    }

    /// Python's `TypeError(text)`, reported as kind
    /// [`Value`](SslErrorKind::Value) (a bad argument).
    pub(crate) fn type_error(text: impl Into<Cow<'static, str>>) -> SslError {
        SslError::new(SslErrorKind::Value, "TypeError", text.into())
    }

    /// Python's `TimeoutError(text)` as `_ssl.c` raises it, e.g. `"The read
    /// operation timed out"`: no errno (Python's is `None`), no source.
    pub(crate) fn timeout(text: &'static str) -> SslError {
        SslError::new(SslErrorKind::Timeout, "TimeoutError", Cow::Borrowed(text))
    }

    /// Python's `OSError` (or the subclass its errno selects) from an I/O
    /// error; `str()` is `"[Errno N] text"` as `PyErr_SetFromErrno` writes it.
    pub(crate) fn io(io: io::Error) -> SslError {
        let class = io_class(&io);
        let (errno, message) = match io.raw_os_error() {
            Some(code) => {
                let full = io.to_string();
                let suffix = format!(" (os error {code})");
                let text = full.strip_suffix(&suffix).unwrap_or(&full);
                (Some(code), format!("[Errno {code}] {text}"))
            }
            None => (None, io.to_string()),
        };
        let kind = if class == "TimeoutError" {
            SslErrorKind::Timeout
        } else {
            SslErrorKind::Io
        };
        let mut e = SslError::new(kind, class, Cow::Owned(message));
        e.0.errno = errno;
        e.0.io = Some(io);
        e
    }

    /// Python's `PyErr_SetFromErrnoWithFilenameObject`: the `OSError` for
    /// an I/O error on `path`, whose `str()` is `"[Errno N] text: 'path'"`
    /// (`path_repr` is Python's `repr()` of the path).
    pub(crate) fn io_file(io: io::Error, path: &Path, path_repr: &str) -> SslError {
        let mut e = SslError::io(io).with_filename(path);
        if e.0.errno.is_some() {
            e.0.message = Cow::Owned(format!("{}: {path_repr}", e.0.message));
        }
        e
    }

    fn new(kind: SslErrorKind, class: &'static str, message: Cow<'static, str>) -> SslError {
        SslError(Box::new(Inner {
            kind,
            class,
            errno: None,
            library: None,
            reason: None,
            message,
            verify: None,
            io: None,
            stack: None,
            filename: None,
            args_tuple: false,
        }))
    }

    /// Python's `fill_and_set_sslerror`: names the last queued error's
    /// library and reason and takes its reason string when `errstr` is None.
    fn ssl_family(
        kind: SslErrorKind,
        errno: i32,
        stack: Option<ErrorStack>,
        errstr: Option<&'static str>,
    ) -> SslError {
        SslError::ssl_family_at(kind, errno, stack, errstr, |s| s.errors().last())
    }

    /// [`SslError::ssl_family`], with `pick` choosing the queued error
    /// that names the failure.
    fn ssl_family_at(
        kind: SslErrorKind,
        errno: i32,
        stack: Option<ErrorStack>,
        errstr: Option<&'static str>,
        pick: fn(&ErrorStack) -> Option<&openssl::error::Error>,
    ) -> SslError {
        let class = match kind {
            SslErrorKind::ZeroReturn => "SSLZeroReturnError",
            SslErrorKind::WantRead => "SSLWantReadError",
            SslErrorKind::WantWrite => "SSLWantWriteError",
            SslErrorKind::Syscall => "SSLSyscallError",
            SslErrorKind::Eof => "SSLEOFError",
            SslErrorKind::CertVerification => "SSLCertVerificationError",
            _ => "SSLError",
        };
        let last = stack.as_ref().and_then(pick);
        let (library, reason, text) = match last {
            Some(e) => {
                let (lib, code) = lib_reason(e);
                (
                    library_name(lib),
                    reason_name(lib, code),
                    errstr
                        .map(Cow::Borrowed)
                        .unwrap_or_else(|| reason_text(e, lib, code)),
                )
            }
            None => (None, None, Cow::Borrowed(errstr.unwrap_or("unknown error"))),
        };
        let mut e = SslError::new(kind, class, text);
        e.0.errno = Some(errno);
        e.0.library = library;
        e.0.reason = reason;
        e.0.stack = stack;
        e
    }

    fn without_codes(mut self) -> SslError {
        self.0.library = None;
        self.0.reason = None;
        self
    }
}

impl fmt::Display for SslError {
    /// Python's `str(exc)`, without the `(_ssl.c:NNNN)` tail.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.args_tuple {
            // SSLError.__str__ falls back to str(self.args).
            let m = &self.0.message;
            let quote = if m.contains('\'') && !m.contains('"') {
                '"'
            } else {
                '\''
            };
            f.write_str("(")?;
            write!(f, "{quote}")?;
            for c in m.chars() {
                match c {
                    '\\' => f.write_str("\\\\")?,
                    c if c == quote => write!(f, "\\{c}")?,
                    c => write!(f, "{c}")?,
                }
            }
            return write!(f, "{quote},)");
        }
        match (self.0.library, self.0.reason, &self.0.verify) {
            (Some(lib), Some(reason), Some((_, verify))) => {
                write!(f, "[{lib}: {reason}] {}: {verify}", self.0.message)
            }
            (Some(lib), Some(reason), None) => write!(f, "[{lib}: {reason}] {}", self.0.message),
            (Some(lib), None, _) => write!(f, "[{lib}] {}", self.0.message),
            _ => f.write_str(&self.0.message),
        }
    }
}

impl fmt::Debug for SslError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("SslError");
        d.field("kind", &self.0.kind)
            .field("python_class", &self.0.class)
            .field("message", &self.to_string());
        if let Some((code, _)) = &self.0.verify {
            d.field("verify_code", code);
        }
        if let Some(path) = &self.0.filename {
            d.field("filename", path);
        }
        if let Some(io) = &self.0.io {
            d.field("io", io);
        }
        if let Some(stack) = &self.0.stack {
            d.field("openssl", stack);
        }
        d.finish()
    }
}

impl StdError for SslError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match (&self.0.io, &self.0.stack) {
            (Some(io), _) => Some(io),
            (None, Some(stack)) => Some(stack),
            (None, None) => None,
        }
    }
}

impl From<SslError> for io::Error {
    /// `WantRead`/`WantWrite` become [`io::ErrorKind::WouldBlock`],
    /// `Timeout` [`io::ErrorKind::TimedOut`], an `Io` error its own
    /// [`io::Error`]; everything else is [`io::ErrorKind::Other`] (or
    /// `UnexpectedEof`/`InvalidInput`) carrying the `SslError`.
    fn from(mut e: SslError) -> io::Error {
        let kind = match e.0.kind {
            SslErrorKind::Io => match e.0.io.take() {
                Some(io) => return io,
                None => io::ErrorKind::Other,
            },
            SslErrorKind::WantRead | SslErrorKind::WantWrite => io::ErrorKind::WouldBlock,
            SslErrorKind::Timeout => io::ErrorKind::TimedOut,
            SslErrorKind::Eof => io::ErrorKind::UnexpectedEof,
            SslErrorKind::Value => io::ErrorKind::InvalidInput,
            _ => io::ErrorKind::Other,
        };
        io::Error::new(kind, e)
    }
}

impl From<io::Error> for SslError {
    /// The reverse of `From<SslError> for io::Error`: an `io::Error` that
    /// came out of an [`SslSocket`](crate::SslSocket)'s `io::Read`/`io::Write`
    /// gives back the `SslError` inside it; any other becomes Python's
    /// `OSError` (as [`SslErrorKind::Io`] or, for `TimedOut`,
    /// [`SslErrorKind::Timeout`]).
    fn from(e: io::Error) -> SslError {
        if e.get_ref().is_some_and(|inner| inner.is::<SslError>()) {
            if let Some(inner) = e.into_inner() {
                if let Ok(ssl) = inner.downcast::<SslError>() {
                    return *ssl;
                }
            }
            // Unreachable: checked above that the payload is an SslError.
            return SslError::value("lost error");
        }
        SslError::io(e)
    }
}

impl From<ErrorStack> for SslError {
    /// Python's `_setSSLError(state, NULL, ...)`.
    fn from(stack: ErrorStack) -> SslError {
        SslError::from_stack(stack, None)
    }
}

/// `ERR_GET_LIB` and `ERR_GET_REASON` of a queued error, as OpenSSL 3
/// defines them: a system error (`ERR_SYSTEM_FLAG`, the top bit) is
/// `ERR_LIB_SYS` with the errno as its reason. (openssl-sys 0.9.118's
/// `ERR_GET_REASON` returns `ERR_LIB_SYS` for those instead of the errno.)
pub(crate) fn lib_reason(e: &openssl::error::Error) -> (i32, i32) {
    const ERR_SYSTEM_FLAG: u64 = 0x8000_0000;
    let code: u64 = e.code();
    if code & ERR_SYSTEM_FLAG != 0 {
        (ERR_LIB_SYS, (code & !ERR_SYSTEM_FLAG & 0x7fff_ffff) as i32)
    } else {
        (((code >> 23) & 0xff) as i32, (code & 0x7f_ffff) as i32)
    }
}

/// The queued error that names a failed TLS operation: the last one, or,
/// when system errors follow others (OpenSSL 3.2+ queues the failure to
/// send an alert over a closed transport after the real reason), the last
/// one before them.
fn reason_entry(stack: &ErrorStack) -> Option<&openssl::error::Error> {
    let errors = stack.errors();
    errors
        .iter()
        .rev()
        .find(|e| lib_reason(e).0 != ERR_LIB_SYS)
        .or(errors.last())
}

/// `ERR_reason_error_string`, except for TLS alerts, whose text is always
/// OpenSSL 3.0's (`sslv3 alert handshake failure`, `tlsv1 alert unknown
/// ca`): OpenSSL 3.2+ rewords them as `ssl/tls alert …`, and Python's
/// messages in the wild are the 3.0 ones. OpenSSL 3.0's text is the
/// reason's name in lower case with spaces, which is what is built here.
fn reason_text(e: &openssl::error::Error, lib: i32, code: i32) -> Cow<'static, str> {
    if lib == ERR_LIB_SSL && (1000..1200).contains(&code) {
        if let Some(name) = reason_name(lib, code).filter(|n| n.contains("_ALERT_")) {
            return Cow::Owned(name.to_ascii_lowercase().replace('_', " "));
        }
    }
    Cow::Owned(e.reason().unwrap_or("unknown error").to_owned())
}

/// CPython's name for an `ERR_LIB_*` code.
pub(crate) fn library_name(lib: i32) -> Option<&'static str> {
    err_names::LIBRARIES
        .binary_search_by_key(&lib, |&(code, _)| code)
        .ok()
        .map(|i| err_names::LIBRARIES[i].1)
}

/// CPython's name for a `(ERR_LIB_*, *_R_*)` pair.
pub(crate) fn reason_name(lib: i32, reason: i32) -> Option<&'static str> {
    err_names::REASONS
        .binary_search_by_key(&(lib, reason), |&(key, _)| key)
        .ok()
        .map(|i| err_names::REASONS[i].1)
}

/// The `OSError` subclass Python picks for an errno (`PyErr_SetFromErrno`).
fn io_class(e: &io::Error) -> &'static str {
    use io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "FileNotFoundError",
        K::PermissionDenied => "PermissionError",
        K::ConnectionRefused => "ConnectionRefusedError",
        K::ConnectionReset => "ConnectionResetError",
        K::ConnectionAborted => "ConnectionAbortedError",
        K::BrokenPipe => "BrokenPipeError",
        K::AlreadyExists => "FileExistsError",
        K::WouldBlock => "BlockingIOError",
        K::Interrupted => "InterruptedError",
        K::TimedOut => "TimeoutError",
        K::IsADirectory => "IsADirectoryError",
        K::NotADirectory => "NotADirectoryError",
        _ => "OSError",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_cpythons_tables() {
        assert_eq!(library_name(20), Some("SSL"));
        assert_eq!(library_name(9), Some("PEM"));
        assert_eq!(reason_name(20, 134), Some("CERTIFICATE_VERIFY_FAILED"));
        assert_eq!(reason_name(9, 108), Some("NO_START_LINE"));
        assert_eq!(reason_name(20, 999_999), None);
    }

    /// The hand-declared OpenSSL codes above, checked against OpenSSL's own
    /// strings and CPython's name table on the OpenSSL this was built with.
    #[test]
    fn hand_declared_codes_match_openssl() {
        assert_eq!(library_name(ERR_LIB_SYS), Some("SYS"));
        assert_eq!(library_name(ERR_LIB_SSL), Some("SSL"));
        assert_eq!(
            reason_name(ERR_LIB_SSL, SSL_R_CERTIFICATE_VERIFY_FAILED),
            Some("CERTIFICATE_VERIFY_FAILED")
        );
        assert_eq!(
            reason_name(ERR_LIB_SSL, SSL_R_UNEXPECTED_EOF_WHILE_READING),
            Some("UNEXPECTED_EOF_WHILE_READING")
        );
        let host = crate::ffi::verify_cert_error_string(X509_V_ERR_HOSTNAME_MISMATCH);
        assert_eq!(host, "hostname mismatch");
        let ip = crate::ffi::verify_cert_error_string(X509_V_ERR_IP_ADDRESS_MISMATCH);
        assert_eq!(ip, "IP address mismatch");
    }

    #[test]
    fn io_errors_read_like_python_oserror() {
        let e = SslError::io(io::Error::from_raw_os_error(2));
        assert_eq!(e.python_class(), "FileNotFoundError");
        assert_eq!(e.kind(), SslErrorKind::Io);
        assert_eq!(e.errno(), Some(2));
        assert_eq!(e.to_string(), "[Errno 2] No such file or directory");
    }

    #[test]
    fn io_error_round_trip_keeps_the_ssl_error() {
        let e = SslError::timeout("The read operation timed out");
        let back = SslError::from(io::Error::from(e));
        assert_eq!(back.kind(), SslErrorKind::Timeout);
        assert_eq!(back.to_string(), "The read operation timed out");
        let plain = SslError::from(io::Error::from(io::ErrorKind::ConnectionReset));
        assert_eq!(plain.python_class(), "ConnectionResetError");
    }

    #[test]
    fn want_read_becomes_would_block() {
        let e = SslError::ssl_family(SslErrorKind::WantRead, 2, None, Some("x"));
        assert_eq!(io::Error::from(e).kind(), io::ErrorKind::WouldBlock);
        let t = SslError::timeout("The read operation timed out");
        assert_eq!(t.to_string(), "The read operation timed out");
        assert_eq!(io::Error::from(t).kind(), io::ErrorKind::TimedOut);
    }
}
