//! # Async: `sslwrap::asyncio` beside Python's `asyncio`
//!
//! With the `tokio` feature, [`sslwrap::asyncio`](crate::asyncio) gives
//! tokio programs what `asyncio` gives Python's: [`start_tls`] (Python's
//! `loop.start_tls`), [`open_connection`] (`asyncio.open_connection(...,
//! ssl=ctx)`) and [`start_server`] (`asyncio.start_server(..., ssl=ctx)`),
//! with asyncio's two timeouts. A connection is one [`SslStream`]: tokio's
//! `AsyncRead + AsyncWrite`, standing for Python's `(reader, writer)` pair,
//! with the inspection methods of [`SslSocket`] (`getpeercert`, `cipher`,
//! `version`, …), which Python reaches through
//! `writer.get_extra_info("ssl_object")`.
//!
//! ## A client
//!
//! Python:
//!
//! ```python
//! ctx = ssl.create_default_context()
//! reader, writer = await asyncio.open_connection("example.org", 443, ssl=ctx)
//! writer.write(b"GET / HTTP/1.0\r\nHost: example.org\r\n\r\n")
//! body = await reader.read()      # to the end of the stream
//! writer.close()
//! await writer.wait_closed()
//! ```
//!
//! sslwrap:
//!
//! ```no_run
//! use sslwrap::{asyncio, create_default_context, Purpose, WrapOptions};
//! use tokio::io::{AsyncReadExt, AsyncWriteExt};
//!
//! # #[allow(dead_code)]
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! let ctx = create_default_context(Purpose::ServerAuth)?;
//! let mut s = asyncio::open_connection("example.org", 443, &ctx, WrapOptions::default()).await?;
//! s.write_all(b"GET / HTTP/1.0\r\nHost: example.org\r\n\r\n").await?;
//! let mut body = Vec::new();
//! s.read_to_end(&mut body).await?; // to the end of the stream
//! s.shutdown().await?; // close + wait_closed: close_notify, then FIN
//! # Ok(()) }
//! ```
//!
//! As in asyncio, `server_hostname` defaults to the host.
//!
//! ## A server
//!
//! Python:
//!
//! ```python
//! async def handle(reader, writer):
//!     line = await reader.readline()
//!     writer.write(line.upper())
//!     writer.close()
//!     await writer.wait_closed()
//!
//! ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
//! ctx.load_cert_chain("cert.pem")
//! server = await asyncio.start_server(handle, "127.0.0.1", 8443, ssl=ctx)
//! ```
//!
//! sslwrap:
//!
//! ```no_run
//! use sslwrap::{asyncio, SslContext, WrapOptions, PROTOCOL_TLS_SERVER};
//! use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
//!
//! # #[allow(dead_code)]
//! # async fn f() -> Result<(), Box<dyn std::error::Error>> {
//! let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER)?;
//! ctx.load_cert_chain("cert.pem".as_ref(), None, None)?;
//! let server = asyncio::start_server(&ctx, "127.0.0.1:8443", WrapOptions::default(), |s, _peer| async move {
//!     let mut s = BufReader::new(s);
//!     let mut line = String::new();
//!     if s.read_line(&mut line).await.is_ok() {
//!         let _ = s.write_all(line.to_uppercase().as_bytes()).await;
//!     }
//!     let _ = s.shutdown().await;
//! })
//! .await?;
//! # let _ = server; Ok(()) }
//! ```
//!
//! Each client's handshake runs in a task of its own under the handshake
//! timeout, so a slow or silent client holds up no other (1,000 concurrent
//! handshakes with one client dripping a byte every half second are
//! tested). `start_server` drops failed handshakes, as asyncio logs them;
//! to see them, accept from an [`SslListener`] instead, whose `accept`
//! returns them as errors.
//!
//! ## STARTTLS
//!
//! Python (3.11, streams):
//!
//! ```python
//! reader, writer = await asyncio.open_connection("mail.example.org", 587)
//! ...                                   # EHLO, STARTTLS in cleartext
//! await writer.start_tls(ctx, server_hostname="mail.example.org")
//! ```
//!
//! sslwrap: the same cleartext exchange on a `tokio::net::TcpStream`, then
//!
//! ```no_run
//! # use sslwrap::{asyncio, SslContext, WrapOptions};
//! # #[allow(dead_code)]
//! # async fn f(tcp: tokio::net::TcpStream, ctx: SslContext) -> Result<(), sslwrap::SslError> {
//! let tls = asyncio::start_tls(tcp, &ctx, WrapOptions::default().server_hostname("mail.example.org")).await?;
//! // ... and back to cleartext, where a protocol wants it:
//! let (tcp, rest) = tls.unwrap().await?;
//! # let _ = (tcp, rest); Ok(()) }
//! ```
//!
//! Do not read ahead of the upgrade: bytes of the handshake that a
//! `BufReader` swallowed are lost to TLS (check `buffer().is_empty()`
//! before `into_inner()`). [`SslStream::unwrap`] has no asyncio twin
//! (`SSLSocket.unwrap()` is the nearest); the bytes it returns are always
//! empty, since OpenSSL reads records exactly from the stream and anything
//! after the close_notify is still in it, on OpenSSL 3.0 and 3.6 alike (see
//! [`eof_and_shutdown`](super::eof_and_shutdown) for read-ahead).
//!
//! ## Timeouts
//!
//! | | asyncio | sslwrap | default |
//! |---|---|---|---|
//! | handshake | `ssl_handshake_timeout=` | [`WrapOptions::ssl_handshake_timeout`] | 60 s ([`SSL_HANDSHAKE_TIMEOUT`](crate::asyncio::SSL_HANDSHAKE_TIMEOUT)) |
//! | shutdown | `ssl_shutdown_timeout=` | [`WrapOptions::ssl_shutdown_timeout`] | 30 s ([`SSL_SHUTDOWN_TIMEOUT`](crate::asyncio::SSL_SHUTDOWN_TIMEOUT)) |
//! | a whole call | `asyncio.wait_for(coro, t)` | `tokio::time::timeout(t, fut)` | none |
//!
//! Past the handshake timeout the connection is dropped and the error is
//! [`SslErrorKind::Timeout`](crate::SslErrorKind::Timeout) with asyncio's
//! text ("SSL handshake is taking longer than 60.0 seconds: aborting the
//! connection"; asyncio's class is `ConnectionAbortedError`). The shutdown
//! timeout bounds `shutdown()` and `unwrap()`; past it, "SSL shutdown timed
//! out" (asyncio's `TimeoutError`) and the stream is aborted. A zero timeout
//! is asyncio's `ValueError`. The blocking [`SslSocket`] ignores both and
//! keeps [`settimeout`](crate::SslSocket::settimeout).
//!
//! ## Cancellation
//!
//! Dropping a future is asyncio's `task.cancel()`:
//!
//! * `start_tls`, `open_connection`, `unwrap`: not cancel-safe; the
//!   connection is dropped (closed) with the future. Nothing is left
//!   running or able to panic afterwards.
//! * reads: cancel-safe; no byte leaves OpenSSL unless it is returned.
//! * writes: a dropped `write` may leave one record (16 KiB at most)
//!   encrypted and waiting in OpenSSL, which it sends with the next write;
//!   that write must pass at least those bytes again (tokio's write futures
//!   are retried that way; another buffer fails with OpenSSL's `bad write
//!   retry`). `write_all` is not cancel-safe, as in tokio.
//! * `shutdown`: may be dropped and called again; it resumes.
//! * [`SslListener::accept`]: cancel-safe; connections accepted meanwhile
//!   go on handshaking in the listener.
//!
//! ## How it works, and its relation to `SslObject`
//!
//! asyncio builds its TLS on `SSLObject`: the bytes go through two
//! `MemoryBIO`s and asyncio's buffers, and Python's [`SslObject`] does the
//! same here. sslwrap's async driver does not copy: like tokio-openssl, it
//! lets OpenSSL read and write the tokio stream directly, through the same
//! stream BIO as [`SslSocket`], whose callbacks poll the stream with the
//! task context of the current poll call; the stream's `Poll::Pending`
//! becomes OpenSSL's `SSL_ERROR_WANT_READ`/`_WRITE`, which becomes
//! `Poll::Pending` again. All three (socket, object, stream) drive the one
//! state machine, so the same peer gives the same errors, kinds, reasons
//! and verify codes. Per connection the memory is OpenSSL's: the `SSL`, and
//! at most one record buffer each way (about 17 KiB each), freed whenever
//! empty; back-pressure is the stream's own.
//!
//! Use [`SslObject`] when the transport is not a tokio stream, or to see
//! each flight; use `asyncio` for sockets and anything `AsyncRead +
//! AsyncWrite` (a `tokio::io::duplex` pipe, another [`SslStream`]: TLS
//! inside TLS is `SslStream<SslStream<TcpStream>>`).
//!
//! ## Differences from asyncio
//!
//! * A peer that ends TCP without close_notify (a ragged EOF) reads as the
//!   end of the stream with `suppress_ragged_eofs` (the default), as in
//!   asyncio; but OpenSSL, which sees that EOF here, fails the session and
//!   sends the peer a `decode_error` alert, as with the blocking socket, so
//!   writes after it fail. asyncio never shows OpenSSL the EOF and can go
//!   on writing. Write what you must before reading to the end.
//! * A peer that closes during the handshake gives
//!   [`SslErrorKind::Eof`](crate::SslErrorKind::Eof) (the blocking
//!   socket's error), where asyncio says `ConnectionResetError`.
//! * As in asyncio, a client without `server_hostname` (or with an empty
//!   one) checks no name even when `check_hostname` is on; the blocking
//!   `wrap_socket` refuses that combination.
//!
//! [`start_tls`]: crate::asyncio::start_tls
//! [`open_connection`]: crate::asyncio::open_connection
//! [`start_server`]: crate::asyncio::start_server
//! [`SslStream`]: crate::asyncio::SslStream
//! [`SslStream::unwrap`]: crate::asyncio::SslStream::unwrap
//! [`SslListener`]: crate::asyncio::SslListener
//! [`SslListener::accept`]: crate::asyncio::SslListener::accept
//! [`SslSocket`]: crate::SslSocket
//! [`SslObject`]: crate::SslObject
//! [`WrapOptions::ssl_handshake_timeout`]: crate::WrapOptions::ssl_handshake_timeout
//! [`WrapOptions::ssl_shutdown_timeout`]: crate::WrapOptions::ssl_shutdown_timeout
