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
//!
//! That holds on every OpenSSL release sslwrap is tested on (3.0 and 3.6):
//! without read-ahead, which neither Python nor sslwrap turns on, OpenSSL
//! reads each record exactly, its header and then its body. `unwrap` (of
//! `SslSocket`, `SslObject` and the async `SslStream` alike) asks OpenSSL
//! for buffered bytes (`SSL_has_pending`) only when read-ahead was turned
//! on through `ssl_mut`, and then fails with [`SslErrorKind::Value`]
//! rather than lose them. It cannot ask otherwise: from OpenSSL 3.2 on,
//! `SSL_has_pending` is 1 after every TLS 1.3 close_notify, counting that
//! record itself (see [`openssl_versions`](super::openssl_versions)).

#[allow(unused_imports)]
use crate::*;
