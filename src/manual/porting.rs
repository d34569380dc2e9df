//! # Porting from Python's `ssl`
//!
//! Every name a Python program uses, and where it is in sslwrap. Python
//! methods keep their names; attributes become a getter plus `set_<name>`;
//! constants become enum variants or bit sets, with the Python spelling
//! also at the crate root (`sslwrap::CERT_REQUIRED`).
//!
//! | Python | sslwrap |
//! |---|---|
//! | `ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)` | [`SslContext::new`]`(`[`PROTOCOL_TLS_CLIENT`]`)` |
//! | `ssl.create_default_context()` | [`create_default_context`]`(`[`Purpose::ServerAuth`]`)` |
//! | `ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)` | [`create_default_context`]`(`[`Purpose::ClientAuth`]`)` |
//! | `ctx.verify_mode = ssl.CERT_REQUIRED` | [`SslContext::set_verify_mode`]`(`[`CERT_REQUIRED`]`)` |
//! | `ctx.check_hostname = False` | [`SslContext::set_check_hostname`]`(false)` |
//! | `ctx.load_verify_locations(cafile=…, capath=…, cadata=…)` | [`SslContext::load_verify_locations`]`(Some(path), None, None)`; `cadata` is [`CaData::Pem`] (str) or [`CaData::Der`] (bytes) |
//! | `ctx.load_cert_chain(certfile, keyfile, password)` | [`SslContext::load_cert_chain`]`(certfile, Some(keyfile), Some(b"…"))` |
//! | `ctx.load_default_certs()` / `ctx.set_default_verify_paths()` | [`SslContext::load_default_certs`] / [`SslContext::set_default_verify_paths`] |
//! | `ctx.set_ciphers("…")` | [`SslContext::set_ciphers`] |
//! | `ctx.minimum_version = ssl.TLSVersion.TLSv1_3` | [`SslContext::set_minimum_version`]`(`[`TlsVersion::TLSv1_3`]`)` |
//! | `ctx.options \|= ssl.OP_NO_TICKET` | `ctx.set_options(ctx.options() \| `[`OP_NO_TICKET`]`)` |
//! | `ctx.verify_flags \|= ssl.VERIFY_CRL_CHECK_LEAF` | `ctx.set_verify_flags(ctx.verify_flags() \| `[`VERIFY_CRL_CHECK_LEAF`]`)` |
//! | `ctx.set_alpn_protocols(["h2"])` | [`SslContext::set_alpn_protocols`]`(&["h2"])` |
//! | `ctx.post_handshake_auth = True` | [`SslContext::set_post_handshake_auth`] |
//! | `ctx.cert_store_stats()` | [`SslContext::cert_store_stats`] (a tuple) |
//! | `ctx.wrap_socket(sock, server_hostname="h")` | [`SslContext::wrap_socket`]`(tcp, `[`WrapOptions`]`::default().server_hostname("h"))` |
//! | `ctx.wrap_socket(sock, server_side=True)` | `ctx.wrap_socket(tcp, WrapOptions::default().server_side(true))` |
//! | `ctx.wrap_socket(listening_sock, server_side=True)`, `.accept()` | [`SslContext::wrap_listener`], [`SslListener::accept`] |
//! | `do_handshake_on_connect=False`, `suppress_ragged_eofs=False`, `session=s` | the [`WrapOptions`] fields of the same names |
//! | `s.do_handshake()` | [`SslSocket::do_handshake`] |
//! | `s.recv(n)`, `s.send(b)`, `s.sendall(b)` | [`SslSocket::recv`], [`SslSocket::send`], [`SslSocket::sendall`]; or `io::Read`/`io::Write` |
//! | `s.pending()` | [`SslSocket::pending`] |
//! | `s.getpeercert()` / `s.getpeercert(True)` | [`SslSocket::getpeercert`] ([`PeerCert`]) / [`SslSocket::getpeercert_der`] |
//! | `s.cipher()`, `s.version()`, `s.selected_alpn_protocol()` | [`SslSocket::cipher`], [`SslSocket::version`], [`SslSocket::selected_alpn_protocol`] |
//! | `s.session`, `s.session_reused` | [`SslSocket::session`], [`SslSocket::session_reused`] |
//! | `sess.id`, `sess.time`, `sess.timeout`, `sess.has_ticket`, `sess.ticket_lifetime_hint`, `sess1 == sess2` | [`SslSession::id`], [`SslSession::time`], [`SslSession::timeout`], [`SslSession::has_ticket`], [`SslSession::ticket_lifetime_hint`], `==` (by session ID) |
//! | `s.server_side`, `s.server_hostname` | [`SslSocket::server_side`], [`SslSocket::server_hostname`] |
//! | `s.unwrap()` | [`SslSocket::unwrap`] (or [`SslSocket::shutdown_tls`] then [`SslSocket::into_inner`] when non-blocking) |
//! | `s.settimeout(t)`, `s.setblocking(b)`, `s.gettimeout()` | [`SslSocket::settimeout`], [`SslSocket::setblocking`], [`SslSocket::gettimeout`] (on `SslSocket<TcpStream>`) |
//! | `s.close()` | drop the socket (no close_notify, like Python) |
//! | `ctx._msg_callback = f` (private) | [`SslContext::set_msg_callback`] ([`TraceEvent`]); per connection [`WrapOptions::trace`], then [`SslSocket::handshake_trace`], [`SslSocket::handshake_summary`] |
//! | `ssl.Purpose.SERVER_AUTH.nid`, `.shortname`, `.longname`, `.oid` | [`Purpose::nid`], [`Purpose::shortname`], [`Purpose::longname`], [`Purpose::oid`] |
//! | `ssl.TLSVersion.TLSv1_2.value`, `ssl.PROTOCOL_TLS_CLIENT.value`, `ssl.CERT_REQUIRED.value` | [`TlsVersion::value`], [`Protocol::value`], [`VerifyMode::value`] (Python's numbers) |
//! | `ssl._TLSContentType`, `ssl._TLSMessageType`, `ssl._TLSAlertType` | [`ContentType`], [`HandshakeType`], [`AlertDescription`] |
//! | `ctx.keylog_filename = path` | [`SslContext::set_keylog_filename`], [`SslContext::keylog_filename`]; beyond Python [`SslContext::set_keylog_callback`] |
//! | `SSLKEYLOGFILE` in `create_default_context` | the same, in [`create_default_context`] |
//! | `ctx.set_ecdh_curve(name)` | [`SslContext::set_ecdh_curve`] |
//! | `ca = trustme.CA()` (trustme, test-only) | `sslwrap::testing::CertificateAuthority::new()?` (feature `testing`; see the `manual::testing` page) |
//! | `ca.issue_cert("localhost", "127.0.0.1")` | `ca.issue_cert(&["localhost", "127.0.0.1"])?` (a `LeafCert`) |
//! | `ca.issue_cert("h", common_name=…, not_after=…, key_type=trustme.KeyType.RSA)` | `ca.leaf().common_name(…).not_after(t).key_type(KeyType::Rsa2048).issue(&["h"])?` |
//! | `ca.configure_trust(ctx)`, `cert.configure_cert(ctx)` | `ca.configure_trust(&mut ctx)?`, `cert.configure_cert(&mut ctx)?` |
//! | `ca.create_child_ca()` | `ca.create_child_ca()?` (or `ca.child_ca().key_type(…).build()?`) |
//! | `ca.cert_pem.bytes()`, `cert.private_key_pem.bytes()` | `ca.cert_pem()`, `cert.private_key_pem()` |
//! | `cert.cert_chain_pems`, `cert.private_key_and_cert_chain_pem` | `cert.cert_chain_pems()`, `cert.private_key_and_cert_chain_pem()` |
//! | `trustme.CA.from_pem(cert_bytes, key_bytes)` | `CertificateAuthority::from_pem(cert_pem, key_pem)?` |
//! | `blob.write_to_path(p)` | `ca.write_to(dir, "ca")?` / `cert.write_to(dir, "server")?` (`CaFiles`/`LeafFiles` paths) |
//! | `s.get_unverified_chain()`, `s.get_verified_chain()` (3.13) | [`SslSocket::get_unverified_chain`], [`SslSocket::get_verified_chain`] (DER) |
//! | `s.shared_ciphers()` | [`SslSocket::shared_ciphers`] |
//! | `s.compression()` | [`SslSocket::compression`] (`None` on OpenSSL 3 without zlib) |
//! | `s.get_channel_binding("tls-unique")` | [`SslSocket::get_channel_binding`] (also `"tls-server-end-point"`, `"tls-exporter"`) |
//! | (none) | [`SslSocket::export_keying_material`] (RFC 5705/8446) |
//! | `s.sendfile(file, offset, count)` | [`SslSocket::sendfile`] (read and send, as Python on TLS) |
//! | (none: the `openssl` crate's `SslRef`) | [`SslSocket::ssl`], [`SslSocket::ssl_mut`] (also on `SslObject`) |
//! | (none: `SSLContext` keeps its `SSL_CTX` private) | [`SslContext::set_openssl_configurator`], [`SslContext::clear_openssl_configurator`]: the `openssl` crate's `SslContextBuilder` (see [`beyond_python`](super::beyond_python)) |
//! | (none: keep `s.session`, pass `session=` again) | [`SslContext::set_client_session_cache`]`(Some(capacity))`: sslwrap's addition, off by default; resumes per `server_hostname` with no user code |
//! | `getpeercert()['subjectAltName']` | [`PeerCert::subject_alt_name`] of [`AltValue`]s (`Text`, `DirName`) |
//! | `ssl.MemoryBIO()`, `.write(b)`, `.read(n)`, `.pending`, `.write_eof()`, `.eof` | [`MemoryBio::new`], [`MemoryBio::write`], [`MemoryBio::read`] (or [`MemoryBio::read_into`]), [`MemoryBio::pending`], [`MemoryBio::write_eof`], [`MemoryBio::eof`] |
//! | `ctx.wrap_bio(incoming, outgoing, server_side, server_hostname, session)` | [`SslContext::wrap_bio`] → [`SslObject`] (see [`sans_io`](super::sans_io)) |
//! | `obj.do_handshake()`, `obj.read(n)`, `obj.write(b)`, `obj.unwrap()` | [`SslObject::do_handshake`], [`SslObject::read`] (or [`SslObject::read_into`]), [`SslObject::write`], [`SslObject::unwrap`]; the inspection methods as on `SslSocket` |
//! | `ssl.wrap_socket(sock, keyfile, certfile, …)` | [`wrap_socket`]`(sock, `[`LegacyWrapArgs`]` { … })` |
//! | `ssl.get_server_certificate((host, port))` | [`get_server_certificate`]`((host, port), None, None)` |
//! | `ssl.DER_cert_to_PEM_cert`, `ssl.PEM_cert_to_DER_cert` | [`der_cert_to_pem_cert`], [`pem_cert_to_der_cert`] |
//! | `ssl.cert_time_to_seconds` | [`cert_time_to_seconds`] |
//! | `ssl._ssl._test_decode_cert(path)` | [`decode_cert`] |
//! | `ssl.OPENSSL_VERSION`, `ssl.OPENSSL_VERSION_NUMBER` | [`openssl_version`], [`openssl_version_number`] |
//! | `except ssl.SSLCertVerificationError as e:` | `Err(e) if e.kind() == `[`SslErrorKind::CertVerification`] |
//! | `e.library`, `e.reason`, `e.verify_code`, `e.verify_message`, `e.errno` | [`SslError::library`], [`SslError::reason`], [`SslError::verify_code`], [`SslError::verify_message`], [`SslError::errno`] |
//! | `type(e).__name__` | [`SslError::python_class`] |
//! | `str(e)` | `e.to_string()` (without the `(_ssl.c:NNNN)` tail) |
//! | `except ssl.SSLWantReadError:` (non-blocking) | [`SslErrorKind::WantRead`] (`io::ErrorKind::WouldBlock` through `io::Read`) |
//! | `except TimeoutError:` | [`SslErrorKind::Timeout`] (`io::ErrorKind::TimedOut`) |
//!
//! ## Exceptions
//!
//! | Python class | [`SslErrorKind`] |
//! |---|---|
//! | `SSLError` | [`Ssl`](SslErrorKind::Ssl) |
//! | `SSLZeroReturnError` | [`ZeroReturn`](SslErrorKind::ZeroReturn) |
//! | `SSLWantReadError`, `SSLWantWriteError` | [`WantRead`](SslErrorKind::WantRead), [`WantWrite`](SslErrorKind::WantWrite) |
//! | `SSLSyscallError` | [`Syscall`](SslErrorKind::Syscall) |
//! | `SSLEOFError` | [`Eof`](SslErrorKind::Eof) |
//! | `SSLCertVerificationError` | [`CertVerification`](SslErrorKind::CertVerification) |
//! | `TimeoutError` (`socket.timeout`) | [`Timeout`](SslErrorKind::Timeout) |
//! | `ValueError`, `TypeError` | [`Value`](SslErrorKind::Value) |
//! | `OSError`, `FileNotFoundError`, `ConnectionResetError`, … | [`Io`](SslErrorKind::Io) |

#[allow(unused_imports)]
use crate::*;
