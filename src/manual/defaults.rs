//! # Defaults
//!
//! A new [`SslContext`] starts exactly where Python 3.10+'s `SSLContext`
//! does, on the same OpenSSL:
//!
//! | setting | [`PROTOCOL_TLS_CLIENT`] | [`PROTOCOL_TLS_SERVER`] / [`PROTOCOL_TLS`] |
//! |---|---|---|
//! | verify mode | `CERT_REQUIRED` | `CERT_NONE` |
//! | check_hostname | on | off |
//! | minimum version | TLS 1.2 | TLS 1.2 |
//! | maximum version | highest supported (TLS 1.3) | same |
//! | options | `OP_ALL \| OP_NO_SSLv3 \| OP_NO_COMPRESSION \| OP_CIPHER_SERVER_PREFERENCE` plus OpenSSL's own (`OP_ENABLE_MIDDLEBOX_COMPAT`) | same |
//! | ciphers (TLS ≤ 1.2) | `@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM` | same |
//! | TLS 1.3 suites | OpenSSL's defaults | same |
//! | verify flags | `VERIFY_X509_TRUSTED_FIRST` | same |
//! | host name matching | no partial wildcards (`X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS`); CN used only without a DNS SAN | same |
//! | CA certificates | none (use [`create_default_context`] or [`SslContext::load_default_certs`]) | none |
//!
//! [`create_default_context`]`(`[`Purpose::ServerAuth`]`)` is a client
//! context with the system's CA certificates loaded;
//! `create_default_context(`[`Purpose::ClientAuth`]`)` a server context
//! that does not ask for client certificates. Both follow Python 3.13 and
//! add [`VERIFY_X509_STRICT`] and [`VERIFY_X509_PARTIAL_CHAIN`] to the verify
//! flags: strict RFC 5280 checks (a CA whose basicConstraints is not marked
//! critical is refused, for instance CPython 3.11's own `pycacert.pem`) and
//! any trusted certificate may end a chain. Python 3.10–3.12's behaviour is
//! one call away:
//!
//! ```
//! use sslwrap::{create_default_context, Purpose, VERIFY_X509_PARTIAL_CHAIN, VERIFY_X509_STRICT};
//! let mut ctx = create_default_context(Purpose::ServerAuth)?;
//! ctx.set_verify_flags(ctx.verify_flags() & !(VERIFY_X509_STRICT | VERIFY_X509_PARTIAL_CHAIN))?;
//! # Ok::<(), sslwrap::SslError>(())
//! ```
//!
//! Also as in Python: [`SslContext::hostname_checks_common_name`] is on (the
//! CN is matched only when the certificate has no DNS name), the
//! [`security_level`](SslContext::security_level) is OpenSSL's (2 on the
//! usual builds, set by the `@SECLEVEL=2` of the cipher string) and a
//! TLS 1.3 server sends OpenSSL's two session tickets
//! ([`SslContext::num_tickets`]).
//!
//! Wrapping ([`WrapOptions`]) defaults to the client side, a handshake
//! inside `wrap_socket`, and ragged EOFs read as end of stream.
//!
//! ## Why changes affect only later sockets
//!
//! The context keeps its settings as data and builds an immutable OpenSSL
//! context from them on the first wrap after a change; sockets share that
//! one until the next change. That makes changing a context sound while
//! sockets wrapped earlier handshake in other threads, where Python relies
//! on the GIL. A listener from [`SslContext::wrap_listener`] keeps the
//! context as it was when wrapped; [`SslListener::set_context`] gives it
//! the context as it is now (Python: `listening_sock.context = ctx`), for
//! the connections it accepts afterwards. A connection moves to another
//! context only by [`SslSocket::set_context`] (or an SNI callback's
//! [`SniConnection::set_context`]), which is OpenSSL's `SSL_set_SSL_CTX`,
//! as in Python.

#[allow(unused_imports)]
use crate::*;
