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
//! | `ctx.protocol` | [`SslContext::protocol`] |
//! | `ctx.maximum_version = v` | [`SslContext::set_maximum_version`], [`SslContext::maximum_version`] |
//! | `ctx.hostname_checks_common_name = False` | [`SslContext::set_hostname_checks_common_name`], [`SslContext::hostname_checks_common_name`] |
//! | `ctx.security_level` | [`SslContext::security_level`] (set with `@SECLEVEL=n` in [`SslContext::set_ciphers`], as in Python) |
//! | `ctx.num_tickets = n` | [`SslContext::set_num_tickets`], [`SslContext::num_tickets`] |
//! | `ctx.load_dh_params(path)` | [`SslContext::load_dh_params`] |
//! | `ctx.get_ca_certs()`, `ctx.get_ca_certs(True)` | [`SslContext::get_ca_certs`], [`SslContext::get_ca_certs_der`] |
//! | `ctx.get_ciphers()` | [`SslContext::get_ciphers`] ([`CipherInfo`]) |
//! | `ctx.session_stats()` | [`SslContext::session_stats`] ([`SessionStats`]) |
//! | `ctx.set_ciphersuites(s)` (3.15) | [`SslContext::set_ciphersuites`] |
//! | `ctx.set_groups(g)`, `ctx.get_groups()` (3.15) | [`SslContext::set_groups`], [`SslContext::get_groups`] |
//! | `ctx.sni_callback = f`, `ctx.set_servername_callback(f)` | [`SslContext::set_sni_callback`], [`SslContext::set_servername_callback`]; `f` gets a [`SniConnection`] |
//! | `sock.context = other` in the SNI callback; `s.context`, `s.context = ctx`, `obj.context` | [`SniConnection::set_context`]; [`SslSocket::context`], [`SslSocket::set_context`] (also on `SslObject` and `asyncio::SslStream`); [`SslListener::set_context`] |
//! | `ctx.set_psk_client_callback(cb)`, `ctx.set_psk_server_callback(cb, hint)` (3.13) | [`SslContext::set_psk_client_callback`], [`SslContext::set_psk_server_callback`] |
//! | `ctx.set_npn_protocols(p)`, `s.selected_npn_protocol()`, `obj.selected_npn_protocol()`, `ssl.HAS_NPN` | none: NPN is gone from OpenSSL's TLS 1.3 and deprecated in Python (which returns `None`); use ALPN. [`HAS_NPN`] is `false` |
//! | `ctx.sslsocket_class`, `ctx.sslobject_class` | none: Python's hooks for subclasses; wrap an [`SslSocket`] or [`SslObject`] in a type of your own |
//! | `s.verify_client_post_handshake()`, `obj.verify_client_post_handshake()` | [`SslSocket::verify_client_post_handshake`], [`SslObject::verify_client_post_handshake`] |
//! | `s.read(n)`, `s.write(b)`, `s.recv_into(buf)` | `io::Read::read` / `io::Write::write` on [`SslSocket`] (or [`SslSocket::recv`], [`SslSocket::send`]) |
//! | `s.makefile()` | `std::io::BufReader::new(&mut s)` / `BufWriter` (an `SslSocket` is `io::Read + io::Write`) |
//! | `s.shutdown(how)` | [`SslSocket::shutdown_tls`] (close_notify), then `s.get_ref().shutdown(how)` |
//! | `s.detach()` | [`SslSocket::into_inner`] (the stream, no TLS shutdown) |
//! | `s.compression()`, `obj.compression()` | none: always `None` with OpenSSL 3, which has no TLS compression (`OP_NO_COMPRESSION` is set) |
//! | `s.timeout` | [`SslSocket::gettimeout`] |
//! | `s.accept()` | [`SslListener::accept`] |
//! | `s.bind(a)`, `s.listen(n)`, `s.connect(a)`, `s.connect_ex(a)` | on the `std::net` socket before wrapping: `TcpListener::bind`, `TcpStream::connect` |
//! | `s.fileno()`, `s.family`, `s.type`, `s.proto`, `s.getpeername()`, `s.getsockname()`, `s.getsockopt(…)`, `s.setsockopt(…)`, `s.getblocking()`, `s.get_inheritable()`, `s.set_inheritable(b)`, `s.dup()` | on the stream: [`SslSocket::get_ref`] (`as_raw_fd`, `peer_addr`, `local_addr`, `try_clone`, the `socket2` crate for options); a duplicate carries no TLS state, as in Python |
//! | `s.recvfrom(n)`, `s.recvfrom_into(b)`, `s.sendto(b, a)`, `s.recvmsg(n)`, `s.recvmsg_into(b)`, `s.sendmsg(b)`, `s.sendmsg_afalg(…)` | none: Python raises `ValueError` or `NotImplementedError` for them on an `SSLSocket` |
//! | `ssl.SSLSocket`, `ssl.SSLObject`, `ssl.SSLSession`, `ssl.MemoryBIO` | [`SslSocket`], [`SslObject`], [`SslSession`], [`MemoryBio`] |
//! | `ssl.CERT_NONE`, `ssl.CERT_OPTIONAL`, `ssl.CERT_REQUIRED`, `ssl.VerifyMode` | [`CERT_NONE`], [`CERT_OPTIONAL`], [`CERT_REQUIRED`] of [`VerifyMode`] |
//! | `ssl.PROTOCOL_TLS`, `ssl.PROTOCOL_SSLv23`, `ssl.PROTOCOL_TLS_CLIENT`, `ssl.PROTOCOL_TLS_SERVER` | [`PROTOCOL_TLS`] (`PROTOCOL_SSLv23` is its old alias), [`PROTOCOL_TLS_CLIENT`], [`PROTOCOL_TLS_SERVER`] of [`Protocol`] |
//! | `ssl.PROTOCOL_TLSv1`, `ssl.PROTOCOL_TLSv1_1`, `ssl.PROTOCOL_TLSv1_2` | none: deprecated fixed-version methods; [`PROTOCOL_TLS_CLIENT`] or [`PROTOCOL_TLS_SERVER`] with [`SslContext::set_minimum_version`] and [`SslContext::set_maximum_version`] |
//! | `ssl.get_protocol_name(p)` | none (an undocumented helper); `format!("{p:?}")` of a [`Protocol`] |
//! | `ssl.OP_ALL`, `ssl.OP_CIPHER_SERVER_PREFERENCE`, `ssl.OP_ENABLE_MIDDLEBOX_COMPAT`, `ssl.OP_IGNORE_UNEXPECTED_EOF`, `ssl.OP_NO_COMPRESSION`, `ssl.OP_NO_RENEGOTIATION`, `ssl.OP_NO_SSLv2`, `ssl.OP_NO_SSLv3`, `ssl.OP_NO_TICKET`, `ssl.OP_NO_TLSv1`, `ssl.OP_NO_TLSv1_1`, `ssl.OP_NO_TLSv1_2`, `ssl.OP_NO_TLSv1_3`, `ssl.OP_SINGLE_DH_USE`, `ssl.OP_SINGLE_ECDH_USE`, `ssl.Options` | the constants of the same names at the crate root, of [`Options`] |
//! | `ssl.VERIFY_ALLOW_PROXY_CERTS`, `ssl.VERIFY_CRL_CHECK_CHAIN`, `ssl.VERIFY_CRL_CHECK_LEAF`, `ssl.VERIFY_DEFAULT`, `ssl.VERIFY_X509_PARTIAL_CHAIN`, `ssl.VERIFY_X509_STRICT`, `ssl.VERIFY_X509_TRUSTED_FIRST`, `ssl.VerifyFlags` | the constants of the same names at the crate root, of [`VerifyFlags`] |
//! | `ssl.ALERT_DESCRIPTION_ACCESS_DENIED`, `ssl.ALERT_DESCRIPTION_BAD_CERTIFICATE`, `ssl.ALERT_DESCRIPTION_BAD_CERTIFICATE_HASH_VALUE`, `ssl.ALERT_DESCRIPTION_BAD_CERTIFICATE_STATUS_RESPONSE`, `ssl.ALERT_DESCRIPTION_BAD_RECORD_MAC`, `ssl.ALERT_DESCRIPTION_CERTIFICATE_EXPIRED`, `ssl.ALERT_DESCRIPTION_CERTIFICATE_REVOKED`, `ssl.ALERT_DESCRIPTION_CERTIFICATE_UNKNOWN`, `ssl.ALERT_DESCRIPTION_CERTIFICATE_UNOBTAINABLE`, `ssl.ALERT_DESCRIPTION_CLOSE_NOTIFY`, `ssl.ALERT_DESCRIPTION_DECODE_ERROR`, `ssl.ALERT_DESCRIPTION_DECOMPRESSION_FAILURE`, `ssl.ALERT_DESCRIPTION_DECRYPT_ERROR`, `ssl.ALERT_DESCRIPTION_HANDSHAKE_FAILURE`, `ssl.ALERT_DESCRIPTION_ILLEGAL_PARAMETER`, `ssl.ALERT_DESCRIPTION_INSUFFICIENT_SECURITY`, `ssl.ALERT_DESCRIPTION_INTERNAL_ERROR`, `ssl.ALERT_DESCRIPTION_NO_RENEGOTIATION`, `ssl.ALERT_DESCRIPTION_PROTOCOL_VERSION`, `ssl.ALERT_DESCRIPTION_RECORD_OVERFLOW`, `ssl.ALERT_DESCRIPTION_UNEXPECTED_MESSAGE`, `ssl.ALERT_DESCRIPTION_UNKNOWN_CA`, `ssl.ALERT_DESCRIPTION_UNKNOWN_PSK_IDENTITY`, `ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME`, `ssl.ALERT_DESCRIPTION_UNSUPPORTED_CERTIFICATE`, `ssl.ALERT_DESCRIPTION_UNSUPPORTED_EXTENSION`, `ssl.ALERT_DESCRIPTION_USER_CANCELLED`, `ssl.AlertDescription` | the variants of [`AlertDescription`] in CamelCase (`AccessDenied`, …; `USER_CANCELLED` is `UserCanceled`), which an SNI callback returns |
//! | `ssl.SSL_ERROR_EOF`, `ssl.SSL_ERROR_INVALID_ERROR_CODE`, `ssl.SSL_ERROR_SSL`, `ssl.SSL_ERROR_SYSCALL`, `ssl.SSL_ERROR_WANT_CONNECT`, `ssl.SSL_ERROR_WANT_READ`, `ssl.SSL_ERROR_WANT_WRITE`, `ssl.SSL_ERROR_WANT_X509_LOOKUP`, `ssl.SSL_ERROR_ZERO_RETURN`, `ssl.SSLErrorNumber` | [`SslError::errno`] gives these numbers; [`SslErrorKind`] classifies them |
//! | `ssl.HAS_ALPN`, `ssl.HAS_ECDH`, `ssl.HAS_NEVER_CHECK_COMMON_NAME`, `ssl.HAS_NPN`, `ssl.HAS_SNI`, `ssl.HAS_SSLv2`, `ssl.HAS_SSLv3`, `ssl.HAS_TLSv1`, `ssl.HAS_TLSv1_1`, `ssl.HAS_TLSv1_2`, `ssl.HAS_TLSv1_3`, `ssl.HAS_PSK` | the constants of the same names at the crate root ([`HAS_SNI`], [`HAS_PSK`], …) |
//! | `ssl.CHANNEL_BINDING_TYPES` | [`CHANNEL_BINDING_TYPES`] |
//! | `ssl.OPENSSL_VERSION_INFO` | [`openssl_version_info`] |
//! | `ssl.RAND_bytes(n)`, `ssl.RAND_status()`, `ssl.RAND_add(b, e)` | [`rand_bytes`], [`rand_status`], [`rand_add`] |
//! | `ssl.RAND_pseudo_bytes(n)` | none: deprecated since Python 3.6 and removed in 3.12; [`rand_bytes`] |
//! | `ssl.get_default_verify_paths()`, `ssl.DefaultVerifyPaths` | [`get_default_verify_paths`], [`DefaultVerifyPaths`] |
//! | `ssl.PEM_HEADER`, `ssl.PEM_FOOTER` | none exported: the `-----BEGIN CERTIFICATE-----` / `-----END CERTIFICATE-----` lines [`der_cert_to_pem_cert`] writes and [`pem_cert_to_der_cert`] checks |
//! | `ssl.CertificateError` | [`SslErrorKind::CertVerification`] (Python's alias of `SSLCertVerificationError`) |
//! | `ssl.match_hostname(cert, hostname)` | none: removed in Python 3.12; not added (OpenSSL checks the name during the handshake when [`SslContext::check_hostname`] is on) |
//! | `ssl.socket`, `ssl.create_connection`, `ssl.socket_error`, `ssl.SOCK_STREAM`, `ssl.SOL_SOCKET`, `ssl.SO_TYPE`, `ssl.base64`, `ssl.errno`, `ssl.os`, `ssl.sys`, `ssl.warnings`, `ssl.namedtuple` | none: modules and names `ssl.py` imports for its own use, not part of its API; `std::net` (`TcpStream::connect` for `create_connection`) |
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
