//! # Sans-IO: `SslObject` over `MemoryBio`
//!
//! [`SslObject`] is the TLS state machine with no I/O of its own: bytes
//! from the peer go into its *incoming* [`MemoryBio`], bytes for the peer
//! come out of its *outgoing* one, and you carry them however you like (an
//! event loop, a test that inspects each flight, TLS inside TLS). It is
//! Python's `ssl.SSLObject` over `ssl.MemoryBIO`, the layer asyncio's
//! `sslproto.py` is built on, and the same state machine [`SslSocket`]
//! drives over a stream, so both give the same errors for the same bytes.
//!
//! Python:
//!
//! ```python
//! incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
//! obj = ctx.wrap_bio(incoming, outgoing, server_hostname="example.org")
//! while True:
//!     try:
//!         obj.do_handshake()
//!         break
//!     except ssl.SSLWantReadError:
//!         sock.sendall(outgoing.read())       # our flight
//!         incoming.write(sock.recv(16384))    # theirs
//! sock.sendall(outgoing.read())
//! obj.write(b"GET / HTTP/1.0\r\n\r\n")
//! sock.sendall(outgoing.read())
//! ```
//!
//! sslwrap:
//!
//! ```no_run
//! use std::io::{Read, Write};
//! use sslwrap::{create_default_context, MemoryBio, Purpose, SslErrorKind, WrapOptions};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let ctx = create_default_context(Purpose::ServerAuth)?;
//! let mut sock = std::net::TcpStream::connect("example.org:443")?;
//! let mut obj = ctx.wrap_bio(
//!     MemoryBio::new(),
//!     MemoryBio::new(),
//!     WrapOptions::default().server_hostname("example.org"),
//! )?;
//! let mut buf = vec![0; 16384];
//! loop {
//!     match obj.do_handshake() {
//!         Ok(()) => break,
//!         Err(e) if e.kind() == SslErrorKind::WantRead => {
//!             sock.write_all(&obj.outgoing().read(None))?;
//!             let n = sock.read(&mut buf)?;
//!             obj.incoming().write(&buf[..n])?;
//!         }
//!         Err(e) => return Err(e.into()),
//!     }
//! }
//! sock.write_all(&obj.outgoing().read(None))?;
//! obj.write(b"GET / HTTP/1.0\r\n\r\n")?;
//! sock.write_all(&obj.outgoing().read(None))?;
//! # Ok(())
//! # }
//! ```
//!
//! What to know:
//!
//! * Every call that needs more from the peer fails with
//!   [`SslErrorKind::WantRead`]; nothing blocks, nothing times out (time is
//!   the driver's business). After *every* call, send what
//!   [`SslObject::outgoing`] holds: a read can produce bytes to send (a
//!   TLS 1.3 key update, an alert), and so can a failed handshake (the
//!   alert telling the peer why).
//! * A partial flight is fine: the state machine keeps what it has and asks
//!   for more.
//! * The end of the transport is [`MemoryBio::write_eof`] on incoming. A
//!   read then fails with [`SslErrorKind::Eof`] unless the peer's
//!   close_notify came first: `SslObject` has no `suppress_ragged_eofs`,
//!   as Python's has none.
//! * [`SslObject::unwrap`] writes our close_notify and returns `WantRead`
//!   until the peer's has arrived; afterwards the two buffers carry
//!   cleartext, and whatever followed the peer's close_notify in
//!   *incoming* is still there.
//! * `MemoryBio`'s methods take `&self`, as Python's do; it is `Send` but
//!   not `Sync`, and so is `SslObject`.
//!
//! [`SslObject`]: crate::SslObject
//! [`SslObject::outgoing`]: crate::SslObject::outgoing
//! [`SslObject::unwrap`]: crate::SslObject::unwrap
//! [`MemoryBio`]: crate::MemoryBio
//! [`MemoryBio::write_eof`]: crate::MemoryBio::write_eof
//! [`SslSocket`]: crate::SslSocket
//! [`SslErrorKind::WantRead`]: crate::SslErrorKind::WantRead
//! [`SslErrorKind::Eof`]: crate::SslErrorKind::Eof
