//! # Testing your TLS code (feature `testing`)
//!
//! Your client or server speaks TLS, and its tests need certificates a
//! peer will accept. Python projects reach for [`trustme`]; sslwrap has the
//! same thing, with the same names, in [`sslwrap::testing`](crate::testing),
//! behind the `testing` feature. Turn it on for your tests only:
//!
//! ```toml
//! [dev-dependencies]
//! sslwrap = { version = "0.1", features = ["testing"] }
//! ```
//!
//! A [`CertificateAuthority`] is made in a millisecond, in memory; it
//! issues a [`LeafCert`] for the names your server answers to;
//! [`configure_trust`](crate::testing::CertificateAuthority::configure_trust) and
//! [`configure_cert`](crate::testing::LeafCert::configure_cert) put them into the two
//! [`SslContext`]s. Nothing touches the system trust store, and nothing
//! outlives the test.
//!
//! ## A handshake test, in Python with trustme
//!
//! ```python
//! import socket, ssl, threading, trustme
//!
//! def test_handshake():
//!     ca = trustme.CA()
//!     cert = ca.issue_cert("localhost", "127.0.0.1")
//!     server_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
//!     cert.configure_cert(server_ctx)
//!     client_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
//!     ca.configure_trust(client_ctx)
//!
//!     listener = socket.create_server(("127.0.0.1", 0))
//!     def serve():
//!         conn, _ = listener.accept()
//!         conn.settimeout(10)
//!         with server_ctx.wrap_socket(conn, server_side=True) as s:
//!             s.sendall(s.recv(1024))
//!     server = threading.Thread(target=serve)
//!     server.start()
//!
//!     sock = socket.create_connection(listener.getsockname(), timeout=10)
//!     with client_ctx.wrap_socket(sock, server_hostname="localhost") as s:
//!         s.sendall(b"ping")
//!         assert s.recv(1024) == b"ping"
//!         assert s.version() == "TLSv1.3"
//!         assert s.cipher()[1] == "TLSv1.3"
//!         assert ("DNS", "localhost") in s.getpeercert()["subjectAltName"]
//!     server.join()
//! ```
//!
//! ## The same test with sslwrap
//!
//! ```
//! use std::net::{TcpListener, TcpStream};
//! use std::time::Duration;
//!
//! use sslwrap::testing::CertificateAuthority;
//! use sslwrap::{SslContext, WrapOptions, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER};
//!
//! type BoxError = Box<dyn std::error::Error + Send + Sync>;
//!
//! const TIMEOUT: Duration = Duration::from_secs(10);
//!
//! # fn main() -> Result<(), BoxError> {
//! // ca = trustme.CA(); cert = ca.issue_cert("localhost", "127.0.0.1")
//! let ca = CertificateAuthority::new()?;
//! let cert = ca.issue_cert(&["localhost", "127.0.0.1"])?;
//! let mut server_ctx = SslContext::new(PROTOCOL_TLS_SERVER)?;
//! cert.configure_cert(&mut server_ctx)?;
//! let mut client_ctx = SslContext::new(PROTOCOL_TLS_CLIENT)?;
//! ca.configure_trust(&mut client_ctx)?;
//!
//! let listener = TcpListener::bind("127.0.0.1:0")?;
//! let addr = listener.local_addr()?;
//! let server = std::thread::spawn(move || -> Result<(), BoxError> {
//!     let (conn, _) = listener.accept()?;
//!     conn.set_read_timeout(Some(TIMEOUT))?;
//!     let mut s = server_ctx.wrap_socket(conn, WrapOptions::default().server_side(true))?;
//!     s.settimeout(Some(TIMEOUT))?;
//!     let got = s.recv(1024)?;
//!     Ok(s.sendall(&got)?)
//! });
//!
//! let sock = TcpStream::connect_timeout(&addr, TIMEOUT)?;
//! sock.set_read_timeout(Some(TIMEOUT))?;
//! let mut s = client_ctx.wrap_socket(sock, WrapOptions::default().server_hostname("localhost"))?;
//! s.settimeout(Some(TIMEOUT))?;
//! s.sendall(b"ping")?;
//! assert_eq!(s.recv(1024)?, b"ping");
//! assert_eq!(s.version().as_deref(), Some("TLSv1.3"));
//! assert_eq!(s.cipher().map(|c| c.1).as_deref(), Some("TLSv1.3"));
//! let peer = s.getpeercert()?.expect("the server's certificate");
//! assert!(peer
//!     .subject_alt_name
//!     .iter()
//!     .any(|(kind, name)| kind == "DNS" && name.as_text() == Some("localhost")));
//! drop(s);
//! server.join().expect("server thread")?;
//! # Ok(())
//! # }
//! ```
//!
//! ## Certificates that must fail
//!
//! The point of many TLS tests is the failure. Each of these is one line,
//! and the comment is what the client's [`SslError`] then says
//! ([`kind`](crate::SslError::kind) [`CertVerification`](crate::SslErrorKind::CertVerification),
//! [`verify_code`](crate::SslError::verify_code), [`verify_message`](crate::SslError::verify_message)):
//!
//! ```
//! # use sslwrap::testing::{CertificateAuthority, KeyType, LeafCert};
//! # use std::time::{Duration, SystemTime};
//! # fn main() -> Result<(), sslwrap::SslError> {
//! # let ca = CertificateAuthority::new()?;
//! # let yesterday = SystemTime::now() - Duration::from_secs(86_400);
//! let expired = ca.leaf().expired().issue(&["localhost"])?;             // 10, certificate has expired
//! let also_expired = ca.leaf().not_after(yesterday).issue(&["localhost"])?; // 10
//! let future = ca.leaf().not_yet_valid().issue(&["localhost"])?;       // 9, certificate is not yet valid
//! let other = ca.issue_cert(&["other.example"])?;                      // 62, Hostname mismatch, …
//! let self_signed = LeafCert::self_signed().issue(&["localhost"])?;    // 18, self-signed certificate
//! let stranger = CertificateAuthority::new()?.issue_cert(&["localhost"])?; // 20, unable to get local issuer certificate
//! let not_a_client = ca.leaf().client_auth(false).issue(&["localhost"])?; // 26 on a CERT_REQUIRED server
//! let cn_only = ca.leaf().common_name("localhost").issue(&[])?;        // legacy: no subjectAltName
//! let rsa = ca.leaf().key_type(KeyType::Rsa2048).issue(&["localhost"])?;
//! # let _ = (expired, also_expired, future, other, self_signed, stranger, not_a_client, cn_only, rsa);
//! # Ok(()) }
//! ```
//!
//! An intermediate: `let inter = ca.create_child_ca()?;` then
//! `inter.issue_cert(..)`; the leaf's [`cert_chain_pems`](crate::testing::LeafCert::cert_chain_pems)
//! (and `configure_cert`) carry the intermediate, and clients trust the
//! root alone.
//!
//! ## Revocation
//!
//! [`revoke`](crate::testing::CertificateAuthority::revoke) a leaf, then give the client the
//! CA and its [`crl_pem`](crate::testing::CertificateAuthority::crl_pem) in one `cafile`
//! (Python, like OpenSSL, reads CRLs from files, not from `cadata`) and turn
//! on CRL checking; the handshake then fails with verify code 23,
//! `certificate revoked`:
//!
//! ```no_run
//! # use sslwrap::testing::CertificateAuthority;
//! # use sslwrap::{SslContext, PROTOCOL_TLS_CLIENT, VERIFY_CRL_CHECK_LEAF};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let ca = CertificateAuthority::new()?;
//! # let dir = std::env::temp_dir();
//! let revoked = ca.issue_cert(&["localhost"])?;
//! ca.revoke(&revoked)?;
//! let cafile = dir.join("ca_with_crl.pem");
//! std::fs::write(&cafile, format!("{}{}", ca.cert_pem(), ca.crl_pem()?))?;
//! let mut client_ctx = SslContext::new(PROTOCOL_TLS_CLIENT)?;
//! client_ctx.load_verify_locations(Some(&cafile), None, None)?;
//! client_ctx.set_verify_flags(VERIFY_CRL_CHECK_LEAF)?;
//! # Ok(()) }
//! ```
//!
//! ## Files
//!
//! For APIs that take paths (a child process, `load_cert_chain` with an
//! encrypted key), [`CertificateAuthority::write_to`] and
//! [`LeafCert::write_to`] write `<name>.pem` and `<name>.key` (the key
//! readable by you only) and return the paths;
//! [`private_key_pem_encrypted`](crate::testing::LeafCert::private_key_pem_encrypted) gives
//! the key under a password. trustme's `Blob.write_to_path` and
//! `Blob.tempfile` are the Python twins.
//!
//! ## Differences from trustme
//!
//! * Identities are validated: `issue_cert(&["999.1.1.1"])` or a name
//!   with a space or NUL is a `ValueError`, not a certificate a TLS stack
//!   would read differently. IP networks (`"10.0.0.0/8"`) are not taken.
//! * Validity starts a day ago (trustme: 2000-01-01); it ends on
//!   3000-01-01, as trustme's.
//! * Keys are PKCS#8 PEM (`BEGIN PRIVATE KEY`); trustme writes the
//!   traditional OpenSSL form. Both load everywhere.
//! * Leaves carry `serverAuth` and `clientAuth`, not trustme's extra
//!   `codeSigning`.
//! * Beyond trustme: expired and not-yet-valid leaves, self-signed leaves,
//!   CRLs, OCSP and CRL URLs, encrypted keys, P-384 keys.
//!
//! [`trustme`]: https://trustme.readthedocs.io
//! [`CertificateAuthority`]: crate::testing::CertificateAuthority
//! [`CertificateAuthority::write_to`]: crate::testing::CertificateAuthority::write_to
//! [`LeafCert`]: crate::testing::LeafCert
//! [`LeafCert::write_to`]: crate::testing::LeafCert::write_to
//! [`SslContext`]: crate::SslContext
//! [`SslError`]: crate::SslError
