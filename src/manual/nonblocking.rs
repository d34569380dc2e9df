//! # Non-blocking streams and timeouts
//!
//! sslwrap follows Python's three socket modes on `SslSocket<TcpStream>`:
//!
//! * blocking (`settimeout(None)`, the default): every call waits;
//! * timeout (`settimeout(Some(d))`): each call gets one deadline `d` from
//!   its start, as in CPython's `_ssl.c`; the socket is non-blocking at the
//!   OS level and the call polls it for the time left. Past the deadline it
//!   fails with [`SslErrorKind::Timeout`] (no errno, as Python's
//!   `TimeoutError`), whose message names the operation ("The handshake
//!   operation timed out", "The read operation timed out", "The write
//!   operation timed out"). A peer that sends one byte at a time cannot
//!   stretch a call past `d`; `sendall` has one deadline for all of its
//!   data;
//! * non-blocking (`settimeout(Some(Duration::ZERO))` or
//!   `setblocking(false)`): a call that would wait fails at once with
//!   [`SslErrorKind::WantRead`] or [`SslErrorKind::WantWrite`]; wait for
//!   the socket to become readable or writable (e.g. with `poll`) and call
//!   it again. Through `io::Read`/`io::Write` these are
//!   `io::ErrorKind::WouldBlock`.
//!
//! A TLS operation may need the *other* direction: a read can need a write
//! (a key update, a renegotiation) and a write a read, which is why both
//! kinds exist.
//!
//! Wrap a non-blocking stream with
//! [`WrapOptions::do_handshake_on_connect`]`(false)` and drive
//! [`SslSocket::do_handshake`] until it returns `Ok(())`:
//!
//! ```no_run
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use sslwrap::{create_default_context, Purpose, SslErrorKind, WrapOptions};
//! let ctx = create_default_context(Purpose::ServerAuth)?;
//! let tcp = std::net::TcpStream::connect("localhost:8443")?;
//! tcp.set_nonblocking(true)?;
//! let opts = WrapOptions::default()
//!     .server_hostname("localhost")
//!     .do_handshake_on_connect(false);
//! let mut s = ctx.wrap_socket(tcp, opts)?;
//! loop {
//!     match s.do_handshake() {
//!         Ok(()) => break,
//!         Err(e) if matches!(e.kind(), SslErrorKind::WantRead | SslErrorKind::WantWrite) => {
//!             // wait for readiness here (poll/epoll/mio); then try again
//!         }
//!         Err(e) => return Err(e.into()),
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! Any `Read + Write` type works the same way: an `io::ErrorKind::WouldBlock`
//! from it becomes `WantRead`/`WantWrite`. Only
//! [`SslSocket::settimeout`] tells sslwrap that a would-block means a
//! timeout expired; a timeout set on the `TcpStream` directly reads as
//! `WantRead`, except during the handshake `wrap_socket` runs, where Python
//! does not allow non-blocking sockets and a would-block is reported as
//! [`SslErrorKind::Timeout`].

#[allow(unused_imports)]
use crate::*;
