//! The rest of `SSLContext` and the module-level `ssl` API, without Python:
//! what the getters and setters keep, what reaches a handshake, the errors
//! for bad input, Python 3.13's verify flags in `create_default_context`,
//! the per-generation `session_stats`, and the module functions and
//! constants. These also run on the vendored OpenSSL, where
//! `tests/interop_python_context.rs` (the same API compared with the local
//! CPython) does not.

mod common;

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::sync::{Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use common::{certdata, pki};
use sslwrap::{
    create_default_context, Purpose, SslContext, SslError, SslErrorKind, SslSession, SslSocket,
    TlsVersion, VerifyFlags, WrapOptions, PROTOCOL_TLS, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER,
    VERIFY_X509_PARTIAL_CHAIN, VERIFY_X509_STRICT, VERIFY_X509_TRUSTED_FIRST,
};

const TIMEOUT: Duration = Duration::from_secs(10);

/// Tests that read or change the environment (`SSL_CERT_FILE`, which
/// `create_default_context` reads) run one at a time.
fn env_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

fn ctx(protocol: sslwrap::Protocol) -> SslContext {
    SslContext::new(protocol).expect("SslContext::new")
}

#[track_caller]
fn err<T: std::fmt::Debug>(r: Result<T, SslError>) -> SslError {
    r.expect_err("expected an error")
}

fn server_with(cert: &Path, key: Option<&Path>) -> SslContext {
    let mut sc = ctx(PROTOCOL_TLS_SERVER);
    sc.load_cert_chain(cert, key, None).unwrap();
    sc
}

fn cpython_server() -> SslContext {
    server_with(&certdata("keycert3.pem"), None)
}

fn cpython_client() -> SslContext {
    let mut cc = ctx(PROTOCOL_TLS_CLIENT);
    cc.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    cc
}

/// What a client saw of one connection.
#[derive(Debug)]
struct Seen {
    cipher: String,
    version: String,
    session: Option<SslSession>,
    reused: bool,
}

/// One connection from `cc` to a server thread with `sc`: handshake, one
/// byte each way (which also takes in the TLS 1.3 tickets sent before the
/// reply), then close_notify both ways (`unwrap`), so both sides end
/// cleanly and the thread is joined before returning. The client's error,
/// if any part failed on its side.
fn connect(
    cc: &SslContext,
    sc: &SslContext,
    hostname: &str,
    session: Option<SslSession>,
) -> Result<Seen, SslError> {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::scope(|scope| {
        scope.spawn(|| {
            let (tcp, _) = listener.accept().unwrap();
            tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
            tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
            if let Ok(mut s) = sc.wrap_socket(tcp, WrapOptions::default().server_side(true)) {
                if s.recv(1).is_ok() && s.sendall(b"y").is_ok() {
                    let _ = s.unwrap();
                }
            }
        });
        let tcp = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
        tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
        tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
        let mut opts = WrapOptions::default().server_hostname(hostname);
        if let Some(s) = session {
            opts = opts.session(s);
        }
        let mut s: SslSocket<TcpStream> = cc.wrap_socket(tcp, opts)?;
        s.sendall(b"x")?;
        assert_eq!(s.recv(1)?, b"y");
        let seen = Seen {
            cipher: s.cipher().expect("cipher").0,
            version: s.version().expect("version"),
            session: s.session(),
            reused: s.session_reused(),
        };
        s.unwrap()?;
        Ok(seen)
    })
}

/// [`connect`]'s session and whether it was resumed.
fn connect_and_close(
    cc: &SslContext,
    sc: &SslContext,
    session: Option<SslSession>,
) -> Result<(Option<SslSession>, bool), SslError> {
    let seen = connect(cc, sc, "localhost", session)?;
    Ok((seen.session, seen.reused))
}

// ---------------------------------------------------------------------------
// create_default_context: Python 3.13's verify flags.

#[test]
fn create_default_context_sets_python_313_verify_flags() {
    let _env = env_lock();
    let expected = VERIFY_X509_TRUSTED_FIRST | VERIFY_X509_PARTIAL_CHAIN | VERIFY_X509_STRICT;
    assert_eq!(expected.bits(), 0x8_8020); // Python 3.13: hex(ctx.verify_flags)
    for purpose in [Purpose::ServerAuth, Purpose::ClientAuth] {
        let mut c = create_default_context(purpose).unwrap();
        assert_eq!(c.verify_flags(), expected, "{purpose:?}");
        // Python 3.11's flags, one call away.
        c.set_verify_flags(c.verify_flags() & !(VERIFY_X509_STRICT | VERIFY_X509_PARTIAL_CHAIN))
            .unwrap();
        assert_eq!(c.verify_flags(), VERIFY_X509_TRUSTED_FIRST);
    }
    // A plain context keeps Python's SSLContext() flags.
    for p in [PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER, PROTOCOL_TLS] {
        assert_eq!(ctx(p).verify_flags(), VERIFY_X509_TRUSTED_FIRST);
    }
}

// VERIFY_X509_PARTIAL_CHAIN: trusting only the intermediate that issued
// the server's certificate is enough for create_default_context's client,
// and not without the flag.
#[test]
fn create_default_context_trusts_a_partial_chain() {
    let _env = env_lock();
    let p = pki();
    let sc = server_with(&p.path("chained.pem"), Some(&p.path("chained.key")));
    let mut cc = create_default_context(Purpose::ServerAuth).unwrap();
    cc.load_verify_locations(Some(&p.path("inter.pem")), None, None)
        .unwrap();
    connect(&cc, &sc, "localhost", None).expect("partial chain to the intermediate");

    cc.set_verify_flags(cc.verify_flags() & !VERIFY_X509_PARTIAL_CHAIN)
        .unwrap();
    let e = err(connect(&cc, &sc, "localhost", None));
    assert_eq!(e.kind(), SslErrorKind::CertVerification, "{e:?}");
}

// ---------------------------------------------------------------------------
// hostname_checks_common_name

/// CPython test_ssl.py: ContextTests.test_hostname_checks_common_name
/// (`HAS_NEVER_CHECK_COMMON_NAME` is true on OpenSSL 3.0).
#[test]
fn hostname_checks_common_name_() {
    const { assert!(sslwrap::HAS_NEVER_CHECK_COMMON_NAME) };
    let mut ctx = ctx(PROTOCOL_TLS_CLIENT);
    assert!(ctx.hostname_checks_common_name());
    ctx.set_hostname_checks_common_name(true).unwrap();
    assert!(ctx.hostname_checks_common_name());
    ctx.set_hostname_checks_common_name(false).unwrap();
    assert!(!ctx.hostname_checks_common_name());
    ctx.set_hostname_checks_common_name(true).unwrap();
    assert!(ctx.hostname_checks_common_name());
}

#[test]
fn hostname_checks_common_name_roundtrip() {
    let mut c = ctx(PROTOCOL_TLS_CLIENT);
    assert!(c.hostname_checks_common_name());
    c.set_hostname_checks_common_name(false).unwrap();
    assert!(!c.hostname_checks_common_name());
    // Other setters leave it alone.
    c.set_ciphers("ECDHE+AESGCM").unwrap();
    c.set_verify_flags(VerifyFlags::empty()).unwrap();
    assert!(!c.hostname_checks_common_name());
    c.set_hostname_checks_common_name(true).unwrap();
    assert!(c.hostname_checks_common_name());
}

// A CN-only certificate (CPython's nosan.pem, CN "nosan") passes the
// hostname check through its CN only while the fallback is on; a
// certificate with a SAN is unaffected.
#[test]
fn cn_only_certificate_needs_common_name_checks() {
    let nosan = server_with(&certdata("nosan.pem"), None);
    let mut cc = cpython_client();
    connect(&cc, &nosan, "nosan", None).expect("CN fallback on by default");
    cc.set_hostname_checks_common_name(false).unwrap();
    let e = err(connect(&cc, &nosan, "nosan", None));
    assert_eq!(e.kind(), SslErrorKind::CertVerification);
    assert_eq!(e.verify_code(), Some(62), "{e:?}"); // X509_V_ERR_HOSTNAME_MISMATCH
    connect(&cc, &cpython_server(), "localhost", None).expect("SAN certificate");
    cc.set_hostname_checks_common_name(true).unwrap();
    connect(&cc, &nosan, "nosan", None).expect("CN fallback on again");
}

// ---------------------------------------------------------------------------
// security_level

#[test]
fn security_level_follows_seclevel_in_cipher_strings() {
    let mut c = ctx(PROTOCOL_TLS_CLIENT);
    assert_eq!(c.security_level(), 2);
    c.set_ciphers("ECDHE+AESGCM:@SECLEVEL=1").unwrap();
    assert_eq!(c.security_level(), 1);
    // A string without @SECLEVEL keeps the level, as on one SSL_CTX.
    c.set_ciphers("ECDHE+AESGCM").unwrap();
    assert_eq!(c.security_level(), 1);
    // A failing string still set its level (as OpenSSL does in Python).
    err(c.set_ciphers("@SECLEVEL=0:XXX"));
    assert_eq!(c.security_level(), 0);
    // The level reaches the OpenSSL context: at level 0 a TLS 1.0 client
    // could be built, at level 2 not; here, just that the built context
    // agrees (get_ciphers builds it).
    c.set_ciphers("@SECLEVEL=3:ECDHE+AESGCM").unwrap();
    assert_eq!(c.security_level(), 3);
    assert!(!c.get_ciphers().unwrap().is_empty());
}

// ---------------------------------------------------------------------------
// num_tickets

#[test]
fn num_tickets_only_on_server_contexts() {
    for p in [PROTOCOL_TLS_CLIENT, PROTOCOL_TLS] {
        let mut c = ctx(p);
        assert_eq!(c.num_tickets(), 2);
        let e = err(c.set_num_tickets(0));
        assert_eq!(e.python_class(), "ValueError");
        assert_eq!(e.to_string(), "SSLContext is not a server context.");
        assert_eq!(c.num_tickets(), 2);
    }
    let mut s = ctx(PROTOCOL_TLS_SERVER);
    s.set_num_tickets(0).unwrap();
    assert_eq!(s.num_tickets(), 0);
    s.set_num_tickets(7).unwrap();
    assert_eq!(s.num_tickets(), 7);
}

// With no tickets a TLS 1.3 client has nothing to resume with.
#[test]
fn num_tickets_zero_means_no_resumption() {
    let cc = cpython_client();
    for (n, resumes) in [(2, true), (0, false)] {
        let mut sc = cpython_server();
        sc.set_num_tickets(n).unwrap();
        let (session, reused) = connect_and_close(&cc, &sc, None).unwrap();
        assert!(!reused);
        let (_, reused) = connect_and_close(&cc, &sc, session).unwrap();
        assert_eq!(reused, resumes, "num_tickets {n}");
    }
}

// ---------------------------------------------------------------------------
// load_dh_params

// A TLS 1.2 client offering only a DHE suite needs the server's DH
// parameters.
#[test]
fn load_dh_params_enables_dhe() {
    let mut cc = cpython_client();
    cc.set_maximum_version(TlsVersion::TLSv1_2).unwrap();
    cc.set_ciphers("DHE-RSA-AES256-GCM-SHA384").unwrap();
    let mut sc = cpython_server();
    err(connect(&cc, &sc, "localhost", None));
    sc.load_dh_params(&certdata("ffdh3072.pem")).unwrap();
    let s = connect(&cc, &sc, "localhost", None).unwrap();
    assert_eq!(s.cipher, "DHE-RSA-AES256-GCM-SHA384");
}

#[test]
fn load_dh_params_errors() {
    let mut c = ctx(PROTOCOL_TLS_SERVER);
    let missing = certdata("").join("XXXnonexisting.pem");
    let e = err(c.load_dh_params(&missing));
    assert_eq!(e.python_class(), "FileNotFoundError");
    assert_eq!(e.errno(), Some(2));
    assert_eq!(e.filename(), Some(missing.as_path()));
    assert!(e.to_string().ends_with("XXXnonexisting.pem'"), "{e}");

    let e = err(c.load_dh_params(&certdata("keycert.pem")));
    assert_eq!(e.kind(), SslErrorKind::Ssl);
    assert_eq!(
        (e.library(), e.reason()),
        (Some("PEM"), Some("NO_START_LINE"))
    );
    assert_eq!(e.filename(), Some(certdata("keycert.pem").as_path()));

    let e = err(c.load_dh_params(Path::new("a\0b")));
    assert_eq!(e.python_class(), "ValueError");

    // 1024-bit parameters: too small for level 2, fine at level 1; a later
    // raise of the level does not break building the context.
    let small = std::env::temp_dir().join(format!("sslwrap-surface-dh-{}.pem", std::process::id()));
    let dh = openssl::dh::Dh::get_1024_160().unwrap();
    std::fs::write(&small, dh.params_to_pem().unwrap()).unwrap();
    let e = err(c.load_dh_params(&small));
    assert_eq!(e.reason(), Some("DH_KEY_TOO_SMALL"), "{e:?}");
    c.set_ciphers("DEFAULT:@SECLEVEL=1").unwrap();
    c.load_dh_params(&small).unwrap();
    c.set_ciphers("DEFAULT:@SECLEVEL=2").unwrap();
    c.get_ciphers().expect("the context still builds");
    let _ = std::fs::remove_file(&small);
}

// ---------------------------------------------------------------------------
// get_ca_certs

#[test]
fn get_ca_certs_lists_only_ca_certificates() {
    let mut c = ctx(PROTOCOL_TLS_CLIENT);
    assert!(c.get_ca_certs().unwrap().is_empty());
    c.load_verify_locations(Some(&certdata("keycert3.pem")), None, None)
        .unwrap();
    assert!(c.get_ca_certs().unwrap().is_empty(), "a leaf is no CA");
    c.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    assert_eq!(c.cert_store_stats(), (2, 0, 1));
    let certs = c.get_ca_certs().unwrap();
    assert_eq!(certs.len(), 1);
    assert_eq!(
        certs[0].subject,
        vec![
            vec![("countryName".to_owned(), "XY".to_owned())],
            vec![(
                "organizationName".to_owned(),
                "Python Software Foundation CA".to_owned()
            )],
            vec![("commonName".to_owned(), "our-ca-server".to_owned())],
        ]
    );
    let pem = std::fs::read(certdata("pycacert.pem")).unwrap();
    let der = openssl::x509::X509::from_pem(&pem)
        .unwrap()
        .to_der()
        .unwrap();
    assert_eq!(c.get_ca_certs_der().unwrap(), vec![der]);
    // capath directories are looked up lazily: not listed before a
    // handshake needs them (tests/socket.rs, get_ca_certs_capath).
    c.load_verify_locations(None, Some(&certdata("capath")), None)
        .unwrap();
    assert_eq!(c.get_ca_certs().unwrap().len(), 1);
}

// ---------------------------------------------------------------------------
// get_ciphers, set_ciphersuites

#[test]
fn get_ciphers_follows_set_ciphers_and_set_ciphersuites() {
    let mut c = ctx(PROTOCOL_TLS_CLIENT);
    let all = c.get_ciphers().unwrap();
    let tls13: Vec<&str> = all
        .iter()
        .filter(|c| c.protocol == "TLSv1.3")
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(tls13.len(), 3, "{tls13:?}");
    assert!(all.iter().all(|c| c.description.starts_with(&c.name)));
    assert!(all.iter().all(|c| !c.description.ends_with('\n')));

    c.set_ciphersuites("TLS_AES_128_GCM_SHA256").unwrap();
    c.set_ciphers("ECDHE+AESGCM").unwrap();
    let list = c.get_ciphers().unwrap();
    assert_eq!(list[0].name, "TLS_AES_128_GCM_SHA256");
    assert_eq!(list[0].id, 0x0300_1301);
    assert!(list[0].aead);
    assert_eq!(list[0].symmetric.as_deref(), Some("aes-128-gcm"));
    assert_eq!(list[0].digest, None);
    assert_eq!(list[0].kea.as_deref(), Some("kx-any"));
    assert_eq!((list[0].strength_bits, list[0].alg_bits), (128, 128));
    assert!(list[1..].iter().all(|c| c.protocol == "TLSv1.2"
        && c.name.starts_with("ECDHE-")
        && c.name.contains("GCM")));

    c.set_ciphersuites("").unwrap();
    assert!(c
        .get_ciphers()
        .unwrap()
        .iter()
        .all(|c| c.protocol != "TLSv1.3"));
}

#[test]
fn set_ciphersuites_errors() {
    let mut c = ctx(PROTOCOL_TLS_CLIENT);
    let before = c.get_ciphers().unwrap();
    let e = err(c.set_ciphersuites("NOT_A_SUITE:ALSO_NOT"));
    assert_eq!(e.python_class(), "SSLError");
    assert_eq!(e.to_string(), "No cipher suite can be selected.");
    assert_eq!((e.library(), e.reason()), (None, None));
    let e = err(c.set_ciphersuites("TLS_AES_128_GCM_SHA256\0"));
    assert_eq!(e.python_class(), "ValueError");
    assert_eq!(e.to_string(), "embedded null character");
    assert_eq!(
        c.get_ciphers().unwrap(),
        before,
        "a failed call changes nothing"
    );
    // Unknown names beside known ones are ignored, as OpenSSL does.
    c.set_ciphersuites("NOT_A_SUITE:TLS_CHACHA20_POLY1305_SHA256")
        .unwrap();
    assert_eq!(
        c.get_ciphers().unwrap()[0].name,
        "TLS_CHACHA20_POLY1305_SHA256"
    );
}

#[test]
fn set_ciphersuites_is_negotiated() {
    let mut sc = cpython_server();
    sc.set_ciphersuites("TLS_CHACHA20_POLY1305_SHA256").unwrap();
    let s = connect(&cpython_client(), &sc, "localhost", None).unwrap();
    assert_eq!(s.cipher, "TLS_CHACHA20_POLY1305_SHA256");
    assert_eq!(s.version, "TLSv1.3");

    // No TLS 1.3 suite on the client: OpenSSL refuses to send a ClientHello
    // that offers TLS 1.3 without a suite for it (as Python's does) ...
    let mut cc = cpython_client();
    cc.set_ciphersuites("").unwrap();
    let e = err(connect(&cc, &cpython_server(), "localhost", None));
    assert_eq!(e.reason(), Some("NO_CIPHERS_AVAILABLE"), "{e:?}");
    // ... so with TLS 1.2 as the maximum, TLS 1.2 it is.
    cc.set_maximum_version(TlsVersion::TLSv1_2).unwrap();
    let s = connect(&cc, &cpython_server(), "localhost", None).unwrap();
    assert_eq!(s.version, "TLSv1.2");
}

#[test]
fn set_ciphers_refuses_nul() {
    let mut c = ctx(PROTOCOL_TLS_CLIENT);
    let e = err(c.set_ciphers("ECDHE\0"));
    assert_eq!(e.python_class(), "ValueError");
    assert_eq!(e.to_string(), "embedded null character");
}

// ---------------------------------------------------------------------------
/// CPython test_ssl.py: ContextTests.test_set_ecdh_curve. Python's bytes
/// spelling (`b"prime256v1"`) and its `TypeError`s for no argument or
/// `None` have no counterpart: the name is a `&str`.
#[test]
fn set_ecdh_curve_() {
    let mut ctx = ctx(PROTOCOL_TLS_SERVER);
    ctx.set_ecdh_curve("prime256v1").unwrap();
    let e = err(ctx.set_ecdh_curve("foo"));
    assert_eq!(e.kind(), SslErrorKind::Value);
    // python3: ValueError: unknown elliptic curve name 'foo'
    assert_eq!(e.python_class(), "ValueError");
    assert_eq!(e.to_string(), "unknown elliptic curve name 'foo'");
}

/// CPython test_ssl.py: ContextTests.test_python_ciphers: a client
/// context's default cipher list has no PSK, SRP, MD5, RC4 or 3DES suite.
#[test]
fn python_ciphers() {
    let ctx = ctx(PROTOCOL_TLS_CLIENT);
    let ciphers = ctx.get_ciphers().unwrap();
    assert!(!ciphers.is_empty());
    for suite in &ciphers {
        let name = &suite.name;
        for bad in ["PSK", "SRP", "MD5", "RC4", "3DES"] {
            assert!(!name.contains(bad), "{name}");
        }
    }
}

// set_groups, get_groups, set_ecdh_curve: one setting.

#[test]
fn groups_setters_and_getter() {
    let mut c = ctx(PROTOCOL_TLS_CLIENT);
    let default = c.get_groups().unwrap();
    assert!(default.iter().any(|g| g == "x25519"), "{default:?}");
    assert!(default.iter().any(|g| g == "secp256r1"), "{default:?}");

    // Aliases in, OpenSSL's TLS names out, in the order given.
    c.set_groups(&["P-256", "X25519"]).unwrap();
    assert_eq!(c.get_groups().unwrap(), ["secp256r1", "x25519"]);
    c.set_groups(&["secp384r1:ffdhe2048"]).unwrap();
    assert_eq!(c.get_groups().unwrap(), ["secp384r1", "ffdhe2048"]);

    // set_ecdh_curve is the same setting, one group; the later call wins.
    c.set_ecdh_curve("prime256v1").unwrap();
    assert_eq!(c.get_groups().unwrap(), ["secp256r1"]);
    c.set_groups(&["X448"]).unwrap();
    assert_eq!(c.get_groups().unwrap(), ["x448"]);

    // Errors change nothing. (An empty list is OpenSSL's to judge: 3.0
    // refuses it, 3.6 takes it.)
    for bad in [&["P-256", "xxx"][..], &["xxx"][..], &["P-256", ""][..]] {
        let e = c
            .set_groups(bad)
            .expect_err(&format!("set_groups({bad:?})"));
        assert_eq!(e.python_class(), "SSLError", "{bad:?}");
        assert_eq!(e.to_string(), "unrecognized group", "{bad:?}");
    }
    let e = err(c.set_groups(&["x25519\0"]));
    assert_eq!(e.python_class(), "ValueError");
    let e = err(c.set_ecdh_curve("P-256"));
    assert_eq!(e.to_string(), "unknown elliptic curve name 'P-256'");
    assert_eq!(c.get_groups().unwrap(), ["x448"]);

    // Only what the versions allow: the finite-field groups are for TLS 1.3
    // in supported_groups.
    c.set_groups(&["x25519", "ffdhe2048"]).unwrap();
    c.set_maximum_version(TlsVersion::TLSv1_2).unwrap();
    assert_eq!(c.get_groups().unwrap(), ["x25519"]);
    // None left: none offered.
    c.set_groups(&["ffdhe2048"]).unwrap();
    assert_eq!(c.get_groups().unwrap(), Vec::<String>::new());

    // The same list on a server context.
    let mut s = ctx(PROTOCOL_TLS_SERVER);
    s.set_ecdh_curve("secp384r1").unwrap();
    assert_eq!(s.get_groups().unwrap(), ["secp384r1"]);
}

#[test]
fn groups_reach_the_handshake() {
    // The server insists on a group the client supports but sends no key
    // share for: a HelloRetryRequest, then success.
    let mut sc = cpython_server();
    sc.set_groups(&["secp384r1"]).unwrap();
    connect(&cpython_client(), &sc, "localhost", None).expect("HRR to secp384r1");
    // No group in common: the handshake fails.
    let mut cc = cpython_client();
    cc.set_groups(&["x25519"]).unwrap();
    let e = err(connect(&cc, &sc, "localhost", None));
    assert_eq!(e.kind(), SslErrorKind::Ssl, "{e:?}");
    // set_ecdh_curve on the client instead: the same effect.
    cc.set_ecdh_curve("secp384r1").unwrap();
    connect(&cc, &sc, "localhost", None).expect("secp384r1 on both");
}

// ---------------------------------------------------------------------------
// session_stats: the counters of the current generation.

#[test]
fn session_stats_count_per_generation() {
    let mut sc = cpython_server();
    let cc = cpython_client();
    assert_eq!(sc.session_stats(), sslwrap::SessionStats::default());
    let (session, _) = connect_and_close(&cc, &sc, None).unwrap();
    let (_, reused) = connect_and_close(&cc, &sc, session).unwrap();
    assert!(reused);
    let stats = sc.session_stats();
    assert_eq!(
        (stats.accept, stats.accept_good, stats.hits),
        (2, 2, 1),
        "{stats:?}"
    );
    assert_eq!((stats.connect, stats.connect_good), (0, 0));
    let client = cc.session_stats();
    assert_eq!(
        (client.connect, client.connect_good, client.hits),
        (2, 2, 1),
        "{client:?}"
    );

    // A setter starts a new generation: its counters start at zero.
    sc.set_num_tickets(2).unwrap();
    assert_eq!(sc.session_stats(), sslwrap::SessionStats::default());
    connect_and_close(&cc, &sc, None).unwrap();
    assert_eq!(sc.session_stats().accept_good, 1);
}

// ---------------------------------------------------------------------------
// Module level.

#[test]
fn rand_functions() {
    assert!(sslwrap::rand_status());
    assert_eq!(sslwrap::rand_bytes(0).unwrap(), b"");
    let a = sslwrap::rand_bytes(64).unwrap();
    let b = sslwrap::rand_bytes(64).unwrap();
    assert_eq!(a.len(), 64);
    assert_ne!(a, b);
    sslwrap::rand_add(b"entropy?", 0.0);
    sslwrap::rand_add(&[], 0.0);
    assert!(sslwrap::rand_status());
    let e = err(sslwrap::rand_bytes(1 << 31));
    assert_eq!(e.python_class(), "OverflowError");
    assert_eq!(e.kind(), SslErrorKind::Value);
}

#[test]
fn version_constants_agree() {
    assert_eq!(*sslwrap::OPENSSL_VERSION, sslwrap::openssl_version());
    assert_eq!(
        *sslwrap::OPENSSL_VERSION_NUMBER,
        sslwrap::openssl_version_number()
    );
    let (major, minor, fix, patch, status) = sslwrap::openssl_version_info();
    assert_eq!(
        *sslwrap::OPENSSL_VERSION_INFO,
        (major, minor, fix, patch, status)
    );
    assert!(major >= 3, "sslwrap needs OpenSSL 3");
    // OpenSSL 3 numbers its patch releases in the fourth field ("fix" is 0).
    assert_eq!(fix, 0);
    let text = format!("OpenSSL {major}.{minor}.{patch} ");
    assert!(sslwrap::openssl_version().starts_with(&text), "{text:?}");
    assert_eq!(status, 0, "a release build");
}

#[test]
fn has_constants_and_channel_binding_types() {
    let on = [
        sslwrap::HAS_SNI,
        sslwrap::HAS_ALPN,
        sslwrap::HAS_ECDH,
        sslwrap::HAS_NEVER_CHECK_COMMON_NAME,
        sslwrap::HAS_TLSv1_2,
        sslwrap::HAS_TLSv1_3,
        sslwrap::HAS_TLSv1,
        sslwrap::HAS_TLSv1_1,
    ];
    assert!(on.iter().all(|b| *b));
    let off = [sslwrap::HAS_NPN, sslwrap::HAS_SSLv2, sslwrap::HAS_SSLv3];
    assert!(off.iter().all(|b| !*b));
    assert_eq!(sslwrap::CHANNEL_BINDING_TYPES, ["tls-unique"]);
}

#[test]
fn default_verify_paths_follow_the_environment() {
    let _env = env_lock();
    let saved: Vec<_> = ["SSL_CERT_FILE", "SSL_CERT_DIR"]
        .iter()
        .map(|k| (*k, std::env::var_os(k)))
        .collect();
    let p = sslwrap::get_default_verify_paths();
    assert_eq!(p.openssl_cafile_env, "SSL_CERT_FILE");
    assert_eq!(p.openssl_capath_env, "SSL_CERT_DIR");

    std::env::set_var("SSL_CERT_FILE", certdata("pycacert.pem"));
    std::env::set_var("SSL_CERT_DIR", certdata("capath"));
    let p = sslwrap::get_default_verify_paths();
    assert_eq!(
        p.cafile.as_deref(),
        Some(certdata("pycacert.pem").as_path())
    );
    assert_eq!(p.capath.as_deref(), Some(certdata("capath").as_path()));

    // Set but wrong (a directory as the file, a file as the directory).
    std::env::set_var("SSL_CERT_FILE", certdata("capath"));
    std::env::set_var("SSL_CERT_DIR", certdata("pycacert.pem"));
    let p = sslwrap::get_default_verify_paths();
    assert_eq!((p.cafile, p.capath), (None, None));

    for (k, v) in saved {
        match v {
            Some(v) => std::env::set_var(k, v),
            None => std::env::remove_var(k),
        }
    }
}
