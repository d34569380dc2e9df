//! # Beyond Python: reaching OpenSSL, resuming sessions, and the semver promise
//!
//! sslwrap is Python's `ssl`, and stays close to it. A crate that wraps
//! sockets for others (a database driver, a Redis client, a proxy) sometimes
//! needs what Python's `ssl` never offered. This page lists those additions,
//! shows the escape hatch to the [`openssl`] crate at work, says what it can
//! break, and what sslwrap promises about the `openssl` versions it exposes.
//!
//! ## What sslwrap adds to Python's `ssl`
//!
//! | sslwrap | what for | Python |
//! |---|---|---|
//! | [`SslContext::set_openssl_configurator`] | anything the `SSL_CTX` can do: OCSP stapling, custom extensions, client-hello callbacks, certificate compression, engine or provider keys | none |
//! | [`SslSocket::ssl`], [`SslSocket::ssl_mut`] (also on [`SslObject`] and the async stream) | the connection's `SSL`: per-connection settings before the handshake, anything to read after it | none |
//! | [`SslContext::set_client_session_cache`] | resumption per server name with no user code (off by default) | keep `s.session`, pass `session=` |
//! | [`WrapOptions::trace`], [`SslSocket::handshake_trace`], [`SslSocket::handshake_summary`] | one connection's handshake, message by message | the private `_msg_callback`, context-wide |
//! | [`SslContext::set_keylog_callback`] | key-log lines to your code, not only to a file | `keylog_filename` |
//! | [`SslSocket::export_keying_material`], `get_channel_binding("tls-exporter")` | RFC 5705 / RFC 9266 | `tls-unique` only |
//! | (nothing to call) | an idle connection holds no record buffer, also after a post-handshake message: a TLS 1.3 client's NewSessionTickets make OpenSSL 3.0 set up a 16.2 KiB write buffer that `SSL_MODE_RELEASE_BUFFERS` never frees, which sslwrap gives back (`SSL_free_buffers`) with the next read that leaves nothing buffered | kept for the connection's life |
//!
//! ## The escape hatch: the configurator and `ssl_mut()`
//!
//! [`SslContext::set_openssl_configurator`] hands you the `openssl` crate's
//! [`SslContextBuilder`](openssl::ssl::SslContextBuilder) each time the
//! context builds its OpenSSL context, after sslwrap applied its own
//! settings; a later setter rebuilds and runs it again, so it is never lost.
//! Its `Err` or a panic in it fails the wrap that builds (kind
//! [`Ssl`](crate::SslErrorKind::Ssl)). Per connection, `ssl_mut()` before
//! [`do_handshake`](crate::SslSocket::do_handshake) (wrap with
//! [`WrapOptions::do_handshake_on_connect`]`(false)`) sets what OpenSSL only
//! knows per `SSL`.
//!
//! ### Example: OCSP stapling, served and checked
//!
//! The server staples a DER OCSP response (fetched from its CA's responder,
//! refreshed before it expires) with `SSL_CTX_set_tlsext_status_cb`; the
//! client asks for it per connection (`SSL_set_tlsext_status_type`, through
//! `ssl_mut()`) and checks it in its own status callback: signed by a CA it
//! trusts, about this server's certificate, `good`, and current. A client
//! whose callback returns `Ok(false)` aborts the handshake.
//! `tests/beyond_python.rs` runs this with a response made by `openssl
//! ocsp`.
//!
//! ```no_run
//! use std::net::{TcpListener, TcpStream};
//! use std::sync::Arc;
//!
//! use openssl::hash::MessageDigest;
//! use openssl::ocsp::{OcspCertId, OcspCertStatus, OcspFlag, OcspResponse, OcspResponseStatus};
//! use openssl::ssl::{SslRef, StatusType};
//! use sslwrap::{SslContext, WrapOptions, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER};
//!
//! /// A server stapling `response` (DER) to each handshake.
//! fn stapling_server(response: Arc<[u8]>) -> Result<SslContext, sslwrap::SslError> {
//!     let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER)?;
//!     ctx.load_cert_chain("server.pem".as_ref(), Some("server.key".as_ref()), None)?;
//!     ctx.set_openssl_configurator(move |b| {
//!         let response = Arc::clone(&response);
//!         b.set_status_callback(move |ssl| {
//!             ssl.set_ocsp_status(&response)?;
//!             Ok(true) // send it
//!         })
//!     });
//!     Ok(ctx)
//! }
//!
//! /// The client's check: a successful response, signed by a CA the client
//! /// trusts, saying `good` for the server's certificate, and current.
//! fn ocsp_good(ssl: &SslRef) -> Result<bool, openssl::error::ErrorStack> {
//!     let Some(der) = ssl.ocsp_status() else { return Ok(false) }; // none stapled
//!     let response = OcspResponse::from_der(der)?;
//!     if response.status() != OcspResponseStatus::SUCCESSFUL {
//!         return Ok(false);
//!     }
//!     let basic = response.basic()?;
//!     let (Some(chain), Some(leaf)) = (ssl.verified_chain(), ssl.peer_certificate()) else {
//!         return Ok(false);
//!     };
//!     let Some(issuer) = chain.get(1) else { return Ok(false) };
//!     if basic.verify(chain, ssl.ssl_context().cert_store(), OcspFlag::empty()).is_err() {
//!         return Ok(false);
//!     }
//!     let id = OcspCertId::from_cert(MessageDigest::sha1(), &leaf, issuer)?;
//!     Ok(match basic.find_status(&id) {
//!         Some(s) => s.status == OcspCertStatus::GOOD && s.check_validity(300, None).is_ok(),
//!         None => false,
//!     })
//! }
//!
//! /// A client requiring a good stapled response.
//! fn checking_client() -> Result<SslContext, sslwrap::SslError> {
//!     let mut ctx = SslContext::new(PROTOCOL_TLS_CLIENT)?;
//!     ctx.load_verify_locations(Some("ca.pem".as_ref()), None, None)?;
//!     ctx.set_openssl_configurator(|b| b.set_status_callback(|ssl| ocsp_good(ssl)));
//!     Ok(ctx)
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let server = stapling_server(std::fs::read("ocsp.der")?.into())?;
//! let listener = server.wrap_listener(TcpListener::bind("127.0.0.1:0")?);
//! let addr = listener.local_addr()?;
//! std::thread::spawn(move || listener.accept());
//!
//! let client = checking_client()?;
//! let opts = WrapOptions::default().server_hostname("localhost").do_handshake_on_connect(false);
//! let mut s = client.wrap_socket(TcpStream::connect(addr)?, opts)?;
//! s.ssl_mut().set_status_type(StatusType::OCSP)?; // send status_request
//! s.do_handshake()?; // fails unless the stapled response is good
//! # Ok(())
//! # }
//! ```
//!
//! ### Example: reading a TLS extension the client sent
//!
//! A server can read any extension of the ClientHello. Here the client
//! sends a private one (number `0xff5a`, from the private-use range) with
//! `SSL_CTX_add_custom_ext`, the server's parse callback keeps its bytes on
//! the connection (`SSL` ex_data), and the server reads them through
//! `ssl()` once the handshake is done. (For the standard extensions, a
//! client-hello callback, `SslContextBuilder::set_client_hello_callback`,
//! sees the raw ClientHello before anything is decided.) This one runs: two
//! [`SslObject`]s, the bytes carried by hand.
//!
//! ```
//! use std::sync::OnceLock;
//!
//! use openssl::ex_data::Index;
//! use openssl::ssl::{ExtensionContext, Ssl};
//! use sslwrap::testing::CertificateAuthority;
//! use sslwrap::{MemoryBio, SslContext, SslErrorKind, SslObject, WrapOptions};
//!
//! const TENANT_EXT: u16 = 0xff5a;
//!
//! /// Where the server keeps the extension's bytes, per connection.
//! fn tenant_index() -> Index<Ssl, Vec<u8>> {
//!     static INDEX: OnceLock<Index<Ssl, Vec<u8>>> = OnceLock::new();
//!     *INDEX.get_or_init(|| Ssl::new_ex_index().expect("an ex_data index"))
//! }
//!
//! fn in_client_hello() -> ExtensionContext {
//!     ExtensionContext::TLS_ONLY | ExtensionContext::CLIENT_HELLO
//! }
//!
//! /// Runs both handshakes, carrying each side's bytes to the other.
//! fn handshake(c: &mut SslObject, s: &mut SslObject) -> Result<(), sslwrap::SslError> {
//!     let (mut c_done, mut s_done) = (false, false);
//!     for _ in 0..8 {
//!         for (obj, done) in [(&mut *c, &mut c_done), (&mut *s, &mut s_done)] {
//!             if !*done {
//!                 match obj.do_handshake() {
//!                     Ok(()) => *done = true,
//!                     Err(e) if e.kind() == SslErrorKind::WantRead => {}
//!                     Err(e) => return Err(e),
//!                 }
//!             }
//!         }
//!         s.incoming().write(&c.outgoing().read(None))?;
//!         c.incoming().write(&s.outgoing().read(None))?;
//!         if c_done && s_done {
//!             return Ok(());
//!         }
//!     }
//!     panic!("the handshake did not finish");
//! }
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let ca = CertificateAuthority::new()?;
//! let mut server = SslContext::new(sslwrap::PROTOCOL_TLS_SERVER)?;
//! ca.issue_cert(&["localhost"])?.configure_cert(&mut server)?;
//! server.set_openssl_configurator(|b| {
//!     b.add_custom_ext(
//!         TENANT_EXT,
//!         in_client_hello(),
//!         |_, _, _| Ok(None::<Vec<u8>>), // nothing to send back
//!         |ssl, _, data, _| {
//!             ssl.set_ex_data(tenant_index(), data.to_vec());
//!             Ok(())
//!         },
//!     )
//! });
//!
//! let mut client = SslContext::new(sslwrap::PROTOCOL_TLS_CLIENT)?;
//! ca.configure_trust(&mut client)?;
//! client.set_openssl_configurator(|b| {
//!     b.add_custom_ext(
//!         TENANT_EXT,
//!         in_client_hello(),
//!         |_, _, _| Ok(Some(b"tenant-42".to_vec())),
//!         |_, _, _, _| Ok(()),
//!     )
//! });
//!
//! let opts = WrapOptions::default().server_hostname("localhost");
//! let mut c = client.wrap_bio(MemoryBio::new(), MemoryBio::new(), opts)?;
//! let opts = WrapOptions::default().server_side(true);
//! let mut s = server.wrap_bio(MemoryBio::new(), MemoryBio::new(), opts)?;
//! handshake(&mut c, &mut s)?;
//! assert_eq!(s.ssl().ex_data(tenant_index()).map(|v| &v[..]), Some(&b"tenant-42"[..]));
//! # Ok(())
//! # }
//! ```
//!
//! ## What `ssl_mut()` and the configurator may break
//!
//! Nothing unsound: the `openssl` crate marks its unsafe calls `unsafe`.
//! But sslwrap's behaviour rests on the `SSL` and `SSL_CTX` as it set them
//! up:
//!
//! * replacing a connection's BIOs, or reading, writing or shutting down
//!   through the `SSL` directly, desynchronises sslwrap's driver: data is
//!   lost, and Python's EOF and shutdown rules no longer apply;
//! * a verify callback replaces sslwrap's, and with it Python's
//!   verification errors and messages; a message or key-log callback
//!   replaces the trace and key log; an ALPN select callback replaces
//!   Python's selection;
//! * a session cache mode or new-session callback set by a configurator
//!   turns [`SslContext::set_client_session_cache`] off; an info callback
//!   set per connection (`ssl_mut()`) replaces sslwrap's, which stops the
//!   cache from dropping a refused session and leaves the write buffer of
//!   a post-handshake message allocated, as plain OpenSSL does;
//! * the host name or verify parameters changed after the handshake have
//!   no effect; changed before it, they replace what
//!   [`WrapOptions::server_hostname`] set;
//! * getters such as [`SslContext::options`] report sslwrap's settings, not
//!   what a configurator changed.
//!
//! Settings meant for every connection belong in the configurator;
//! `ssl_mut()` is for one connection, before its handshake.
//!
//! ## The semver promise
//!
//! sslwrap's public API exposes the [`openssl`] crate's types:
//! [`SslRef`](openssl::ssl::SslRef) (`ssl()`, `ssl_mut()`),
//! [`SslContextBuilder`](openssl::ssl::SslContextBuilder) and
//! [`ErrorStack`](openssl::error::ErrorStack) (the configurator). They come
//! from `openssl` 0.10 (0.10.82 or newer, as `Cargo.toml` requires); your
//! crate must use the same 0.10 line for its code to name them. Moving to an
//! `openssl` release that is not semver-compatible with 0.10 (0.11, 1.0) is
//! a breaking change of sslwrap: a new major version (a new minor one
//! while sslwrap is 0.x). A compatible `openssl` update is not. What OpenSSL
//! itself does through these types (its C library's version, 3.0 or newer)
//! is described in [`openssl_versions`](super::openssl_versions).
//!
//! [`SslContext::set_openssl_configurator`]: crate::SslContext::set_openssl_configurator
//! [`SslContext::set_client_session_cache`]: crate::SslContext::set_client_session_cache
//! [`SslContext::set_keylog_callback`]: crate::SslContext::set_keylog_callback
//! [`SslContext::options`]: crate::SslContext::options
//! [`SslSocket::ssl`]: crate::SslSocket::ssl
//! [`SslSocket::ssl_mut`]: crate::SslSocket::ssl_mut
//! [`SslSocket::handshake_trace`]: crate::SslSocket::handshake_trace
//! [`SslSocket::handshake_summary`]: crate::SslSocket::handshake_summary
//! [`SslSocket::export_keying_material`]: crate::SslSocket::export_keying_material
//! [`SslObject`]: crate::SslObject
//! [`WrapOptions::trace`]: crate::WrapOptions::trace
//! [`WrapOptions::do_handshake_on_connect`]: crate::WrapOptions::do_handshake_on_connect
//! [`WrapOptions::server_hostname`]: crate::WrapOptions::server_hostname
//! [`openssl`]: https://docs.rs/openssl/0.10
