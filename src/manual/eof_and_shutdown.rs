//! # EOF, close_notify and `unwrap`
//!
//! TLS ends a connection with a close_notify alert, so a reader can tell a
//! complete stream from a truncated one. Many peers (HTTP servers among
//! them) just close TCP instead: a *ragged EOF*.
//!
//! * A close_notify from the peer reads as end of stream (`Ok(0)`, an empty
//!   [`SslSocket::recv`]), as in Python. Reading again after that is an
//!   [`SslErrorKind::ZeroReturn`] error.
//! * A ragged EOF is, on OpenSSL 3, `SSL_ERROR_SSL` with reason
//!   `UNEXPECTED_EOF_WHILE_READING`; sslwrap reports it as Python does, as
//!   [`SslErrorKind::Eof`] (`SSLEOFError`: `[SSL: UNEXPECTED_EOF_WHILE_READING]
//!   EOF occurred in violation of protocol`). With
//!   [`WrapOptions::suppress_ragged_eofs`] (the default) reads turn it into
//!   end of stream, again as Python does. During a handshake it is always an
//!   error.
//! * [`OP_IGNORE_UNEXPECTED_EOF`] makes OpenSSL itself treat a ragged EOF as
//!   a clean close. Debian's own Python build sets it; CPython does not, and
//!   neither does sslwrap.
//!
//! Dropping an [`SslSocket`] closes the stream without close_notify, like
//! Python's `close()`. [`SslSocket::unwrap`] sends close_notify, waits for
//! the peer's and hands back the plain stream, for STARTTLS-style protocols
//! that continue in cleartext; nothing beyond the peer's close_notify is
//! read from the stream, so the cleartext that follows is intact.

#[allow(unused_imports)]
use crate::*;
