//! # sslwrap: Python's `ssl` module, in Rust, over OpenSSL
//!
//! sslwrap gives Rust the API that Python programmers know from `import ssl`:
//! an [`SslContext`] holding configuration, [`SslContext::wrap_socket`] turning
//! any `Read + Write` stream (a [`std::net::TcpStream`] first of all) into an
//! [`SslSocket`] with an explicit [`do_handshake`](SslSocket::do_handshake),
//! [`getpeercert`](SslSocket::getpeercert), [`cipher`](SslSocket::cipher),
//! [`version`](SslSocket::version), [`unwrap`](SslSocket::unwrap) and
//! `io::Read`/`io::Write`, and an [`SslError`] that carries Python's
//! exception class, library, reason and verify code.
//!
//! Defaults, semantics and messages are Python's (3.10 and later), over the
//! same OpenSSL, so code ported from Python behaves the same and fails the
//! same way:
//!
//! ```no_run
//! use std::net::TcpStream;
//! use std::io::{Read, Write};
//! use sslwrap::{create_default_context, Purpose, WrapOptions};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Python: ctx = ssl.create_default_context()
//! let ctx = create_default_context(Purpose::ServerAuth)?;
//! // Python: s = ctx.wrap_socket(socket.create_connection(...), server_hostname=...)
//! let tcp = TcpStream::connect(("localhost", 8443))?;
//! let mut s = ctx.wrap_socket(tcp, WrapOptions::default().server_hostname("localhost"))?;
//! println!("{:?} {:?}", s.version(), s.cipher());
//! s.write_all(b"hello")?;
//! let mut buf = [0; 1024];
//! let n = s.read(&mut buf)?;
//! # let _ = n; Ok(())
//! # }
//! ```
//!
//! The same TLS state machine also runs with no I/O of its own:
//! [`SslContext::wrap_bio`] gives an [`SslObject`] over two [`MemoryBio`]s
//! (Python's `SSLObject` over `MemoryBIO`), whose bytes you carry yourself
//! ([`manual::sans_io`]).
//!
//! The [`manual`] module explains the design: how Python names map to Rust
//! ([`manual::porting`]), the defaults ([`manual::defaults`]), EOF and
//! shutdown ([`manual::eof_and_shutdown`]), non-blocking use and timeouts
//! ([`manual::nonblocking`]), sans-IO ([`manual::sans_io`]), OpenSSL
//! versions ([`manual::openssl_versions`]), and what sslwrap adds beyond
//! Python: the escape hatch to the `openssl` crate and the client session
//! cache ([`manual::beyond_python`]).
//!
//! ## Deliberate differences from the pinned API sketch
//!
//! `set_check_hostname(true)` on a context whose verify mode is `CERT_NONE`
//! switches the mode to `CERT_REQUIRED`, as CPython 3.7+ does, rather than
//! failing; the `ValueError` in Python (and here) is the other direction:
//! `set_verify_mode(CERT_NONE)` while `check_hostname` is on.
//!
//! [`MemoryBio::write`] after [`MemoryBio::write_eof`] is an error of kind
//! [`SslErrorKind::Ssl`] (`SSLError: ('cannot write() after write_eof()',)`),
//! as CPython raises it, not the `Value` error the sketch names.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(unsafe_code)]
#![deny(missing_docs, missing_debug_implementations, rust_2018_idioms)]
#![warn(clippy::exhaustive_enums)]
#![doc(test(attr(deny(warnings))))]

// The layers, data flowing one way (each imports only those below it):
//
//   context      configuration (SslContext): settings, then an OpenSSL context
//   conn         the TLS state machine (Conn), written once
//   socket       SslSocket: drives Conn over a stream, with deadlines
//   object       SslObject: drives Conn over two MemoryBios (sans-IO)
//   asyncio      SslStream: drives Conn over a tokio stream (feature tokio)
//   listener     SslListener: accepts and wraps
//   cert, legacy, session, options, memory_bio: what those take and give
//   sni, psk     the server-name and PSK callbacks, and moving a connection
//                to another context (set_context)
//   hooks        the callbacks' storage on OpenSSL contexts and connections,
//                the trace and key-log callbacks (trace, keylog: their data)
//   configurator, session_cache  beyond Python: the user's hook on the
//                OpenSSL context, the client session cache
//   version      TlsVersion
//   error        SslError: Python's exceptions from OpenSSL's failures
//   ffi          the only unsafe code: OpenSSL (and poll(2)) calls
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod asyncio;
mod cert;
mod configurator;
mod conn;
mod constants;
mod context;
mod context_info;
mod err_names;
mod error;
#[allow(unsafe_code)]
mod ffi;
mod hooks;
mod idna;
mod keylog;
mod legacy;
mod listener;
pub mod manual;
mod memory_bio;
mod object;
mod options;
mod psk;
mod rand;
mod session;
mod session_cache;
mod sni;
mod socket;
#[cfg(feature = "testing")]
pub mod testing;
pub mod trace;
mod verify_paths;
mod version;

pub use cert::{
    cert_time_to_seconds, decode_cert, der_cert_to_pem_cert, pem_cert_to_der_cert, AltValue,
    PeerCert,
};
pub use constants::*;
pub use context::{
    create_default_context, CaData, Options, Protocol, Purpose, SslContext, VerifyFlags, VerifyMode,
};
pub use context_info::{CipherInfo, SessionStats};
pub use error::{SslError, SslErrorKind};
pub use legacy::{get_server_certificate, wrap_socket, LegacyWrapArgs};
pub use listener::SslListener;
pub use memory_bio::MemoryBio;
pub use object::SslObject;
pub use options::WrapOptions;
pub use rand::{rand_add, rand_bytes, rand_status};
pub use session::SslSession;
pub use sni::SniConnection;
pub use socket::SslSocket;
pub use trace::{
    AlertDescription, AlertLevel, ContentType, Direction, HandshakeSummary, HandshakeType,
    TraceEvent, TraceMessage,
};
pub use verify_paths::{get_default_verify_paths, DefaultVerifyPaths};
pub use version::TlsVersion;

/// The OpenSSL version sslwrap runs on, e.g. `"OpenSSL 3.0.19 27 Jan 2026"`.
///
/// Python: `ssl.OPENSSL_VERSION`. OpenSSL: `OpenSSL_version(OPENSSL_VERSION)`.
pub fn openssl_version() -> &'static str {
    openssl::version::version()
}

/// The OpenSSL version number, e.g. `0x30000130` for 3.0.19.
///
/// Python: `ssl.OPENSSL_VERSION_NUMBER`. OpenSSL: `OpenSSL_version_num`.
pub fn openssl_version_number() -> i64 {
    openssl::version::number()
}

#[cfg(test)]
mod tests {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}

    /// Contexts are shared between threads that wrap sockets; errors and
    /// sessions travel between threads; sockets move to worker threads.
    #[test]
    fn thread_safety_of_public_types() {
        send_sync::<crate::SslContext>();
        send_sync::<crate::SslError>();
        send_sync::<crate::SslSession>();
        send_sync::<crate::SslListener>();
        send::<crate::SslSocket<std::net::TcpStream>>();
        send_sync::<crate::SslSocket<std::net::TcpStream>>();
        send::<crate::SslObject>();
        send::<crate::MemoryBio>();
    }
}

/// The examples in README.md, compiled as doctests so they stay correct.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
