//! Beyond Python: the OpenSSL configurator (`set_openssl_configurator`)
//! and the two worked examples of `manual::beyond_python`, run for real:
//! OCSP stapling served and checked (with a response made by the `openssl
//! ocsp` CLI), and a server reading a TLS extension its client sent.

mod common;

use std::net::TcpStream;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use openssl::ex_data::Index;
use openssl::hash::MessageDigest;
use openssl::ocsp::{OcspCertId, OcspCertStatus, OcspFlag, OcspResponse, OcspResponseStatus};
use openssl::ssl::{ExtensionContext, Ssl, SslRef, StatusType};
use sslwrap::{SslContext, SslErrorKind, WrapOptions, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER};

use common::memory::{handshake, pair};
use common::{pki, Server, IO_TIMEOUT};

fn server_ctx() -> SslContext {
    let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(
        &pki().path("server.pem"),
        Some(&pki().path("server.key")),
        None,
    )
    .unwrap();
    ctx
}

fn client_ctx() -> SslContext {
    let mut ctx = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    ctx.load_verify_locations(Some(&pki().path("ca.pem")), None, None)
        .unwrap();
    ctx
}

// --- the configurator ---------------------------------------------------------

#[test]
fn runs_after_sslwrap_settings_on_every_build_and_survives_setters() {
    let calls = Arc::new(AtomicUsize::new(0));
    let mut client = client_ctx();
    // sslwrap's own setting, which the configurator overrides.
    client.set_ciphersuites("TLS_AES_128_GCM_SHA256").unwrap();
    let counted = Arc::clone(&calls);
    client.set_openssl_configurator(move |b| {
        counted.fetch_add(1, Ordering::SeqCst);
        b.set_ciphersuites("TLS_CHACHA20_POLY1305_SHA256")
    });
    let server = server_ctx();
    let suite = |client: &SslContext| {
        let (mut c, mut s) = pair(client, &server);
        handshake(&mut c, &mut s).expect("handshake");
        c.cipher().unwrap().0
    };
    assert_eq!(suite(&client), "TLS_CHACHA20_POLY1305_SHA256");
    assert_eq!(suite(&client), "TLS_CHACHA20_POLY1305_SHA256");
    assert_eq!(calls.load(Ordering::SeqCst), 1, "one build per generation");
    // A later setter rebuilds: the configurator runs again and still wins.
    client.set_ciphersuites("TLS_AES_256_GCM_SHA384").unwrap();
    client.set_alpn_protocols(&["h2"]).unwrap();
    assert_eq!(suite(&client), "TLS_CHACHA20_POLY1305_SHA256");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    // Cleared: sslwrap's setting again.
    client.clear_openssl_configurator();
    assert_eq!(suite(&client), "TLS_AES_256_GCM_SHA384");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

#[test]
fn its_error_is_an_ssl_error_of_the_call_that_builds() {
    let mut ctx = client_ctx();
    ctx.set_openssl_configurator(|b| b.set_cipher_list("NO-SUCH-CIPHER"));
    let e = ctx
        .wrap_bio(
            sslwrap::MemoryBio::new(),
            sslwrap::MemoryBio::new(),
            WrapOptions::default().server_hostname("localhost"),
        )
        .unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::Ssl);
    assert_eq!(e.python_class(), "SSLError");
    assert_eq!(e.library(), Some("SSL"));
    assert_eq!(e.reason(), Some("NO_CIPHER_MATCH"));
    let e = ctx.get_ciphers().unwrap_err();
    assert_eq!(e.reason(), Some("NO_CIPHER_MATCH"));
    // A listener built with it fails each accept, as the wrap would.
    let mut sctx = server_ctx();
    sctx.set_openssl_configurator(|b| b.set_cipher_list("NO-SUCH-CIPHER"));
    let tcp = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = tcp.local_addr().unwrap();
    let listener = sctx.wrap_listener(tcp);
    let _peer = TcpStream::connect_timeout(&addr, IO_TIMEOUT).unwrap();
    let e = listener.accept().unwrap_err();
    assert_eq!(e.reason(), Some("NO_CIPHER_MATCH"));
    // Cleared, the same context works.
    ctx.clear_openssl_configurator();
    assert!(!ctx.get_ciphers().unwrap().is_empty());
}

#[test]
fn a_panic_inside_is_caught_and_reported_by_the_call_that_builds() {
    let mut ctx = client_ctx();
    ctx.set_openssl_configurator(|_| panic!("boom"));
    // The panic is caught: the call returns an error, nothing unwinds.
    let r = std::panic::catch_unwind(AssertUnwindSafe(|| {
        let server = Server::builder().build();
        let tcp = TcpStream::connect_timeout(&server.addr(), IO_TIMEOUT).unwrap();
        ctx.wrap_socket(tcp, WrapOptions::default().server_hostname("localhost"))
            .map(drop)
    }));
    let e = r
        .expect("the panic must not unwind out of wrap_socket")
        .unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::Ssl);
    assert_eq!(e.python_class(), "SSLError");
    assert!(
        e.to_string()
            .contains("OpenSSL configurator panicked: boom"),
        "{e}"
    );
    // Again on the next call (nothing was built), then fine once cleared.
    assert_eq!(ctx.get_ciphers().unwrap_err().kind(), SslErrorKind::Ssl);
    ctx.clear_openssl_configurator();
    let (mut c, mut s) = pair(&ctx, &server_ctx());
    handshake(&mut c, &mut s).expect("handshake after clearing");
}

// --- example 1: OCSP stapling, as in manual::beyond_python ---------------------

/// A server stapling `response` (DER) to each handshake.
fn stapling_server(response: Arc<[u8]>) -> SslContext {
    let mut ctx = server_ctx();
    ctx.set_openssl_configurator(move |b| {
        let response = Arc::clone(&response);
        b.set_status_callback(move |ssl| {
            ssl.set_ocsp_status(&response)?;
            Ok(true)
        })
    });
    ctx
}

/// The client's check, as in the manual.
fn ocsp_good(ssl: &SslRef) -> Result<bool, openssl::error::ErrorStack> {
    let Some(der) = ssl.ocsp_status() else {
        return Ok(false);
    };
    let response = OcspResponse::from_der(der)?;
    if response.status() != OcspResponseStatus::SUCCESSFUL {
        return Ok(false);
    }
    let basic = response.basic()?;
    let (Some(chain), Some(leaf)) = (ssl.verified_chain(), ssl.peer_certificate()) else {
        return Ok(false);
    };
    let Some(issuer) = chain.get(1) else {
        return Ok(false);
    };
    if basic
        .verify(chain, ssl.ssl_context().cert_store(), OcspFlag::empty())
        .is_err()
    {
        return Ok(false);
    }
    let id = OcspCertId::from_cert(MessageDigest::sha1(), &leaf, issuer)?;
    Ok(match basic.find_status(&id) {
        Some(s) => s.status == OcspCertStatus::GOOD && s.check_validity(300, None).is_ok(),
        None => false,
    })
}

fn checking_client() -> SslContext {
    let mut ctx = client_ctx();
    ctx.set_openssl_configurator(|b| b.set_status_callback(|ssl| ocsp_good(ssl)));
    ctx
}

/// An OCSP response from the test CA for `server.pem` with `status`
/// (`V`alid or `R`evoked), made by the `openssl ocsp` responder.
fn ocsp_response(status: char) -> Vec<u8> {
    let dir = pki().dir().join(format!("ocsp-{status}"));
    std::fs::create_dir_all(&dir).unwrap();
    let openssl = |args: &[&str]| {
        let out = Command::new("openssl")
            .args(args)
            .output()
            .unwrap_or_else(|e| {
                panic!("cannot run the openssl CLI (Debian package `openssl`): {e}")
            });
        assert!(
            out.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let path = |p: &Path| p.to_str().unwrap().to_owned();
    let server = path(&pki().path("server.pem"));
    let serial = openssl(&["x509", "-in", &server, "-noout", "-serial"]);
    let serial = serial.trim().trim_start_matches("serial=");
    let revoked = if status == 'R' { "250101000000Z" } else { "" };
    let index = dir.join("index.txt");
    std::fs::write(
        &index,
        format!("{status}\t391231000000Z\t{revoked}\t{serial}\tunknown\t/CN=localhost\n"),
    )
    .unwrap();
    let resp = dir.join("resp.der");
    let (ca, key) = (path(&pki().path("ca.pem")), path(&pki().path("ca.key")));
    openssl(&[
        "ocsp",
        "-index",
        &path(&index),
        "-rsigner",
        &ca,
        "-rkey",
        &key,
        "-CA",
        &ca,
        "-issuer",
        &ca,
        "-cert",
        &server,
        "-respout",
        &path(&resp),
        "-ndays",
        "1",
        "-no_nonce",
    ]);
    std::fs::read(resp).unwrap()
}

/// A client handshake asking for the status (`ssl_mut()` before the
/// handshake), against `server`.
fn ocsp_handshake(server: SslContext) -> Result<Option<Vec<u8>>, sslwrap::SslError> {
    let server = Server::builder().ctx(server).io_cb(|_| Ok(())).build();
    let tcp = TcpStream::connect_timeout(&server.addr(), IO_TIMEOUT).unwrap();
    tcp.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    let opts = WrapOptions::default()
        .server_hostname("localhost")
        .do_handshake_on_connect(false);
    let mut s = checking_client().wrap_socket(tcp, opts)?;
    s.ssl_mut().set_status_type(StatusType::OCSP).unwrap();
    s.do_handshake()?;
    Ok(s.ssl().ocsp_status().map(<[u8]>::to_vec))
}

#[test]
fn ocsp_stapling_served_and_checked() {
    let good = ocsp_response('V');
    let stapled = ocsp_handshake(stapling_server(good.clone().into())).expect("handshake");
    assert_eq!(stapled.as_deref(), Some(&good[..]));
}

#[test]
fn ocsp_client_refuses_a_revoked_or_missing_status() {
    let revoked = ocsp_response('R');
    let e = ocsp_handshake(stapling_server(revoked.into())).unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::Ssl);
    assert_eq!(e.reason(), Some("INVALID_STATUS_RESPONSE"), "{e}");
    let e = ocsp_handshake(server_ctx()).unwrap_err();
    assert_eq!(e.reason(), Some("INVALID_STATUS_RESPONSE"), "{e}");
}

// --- example 2: a TLS extension the client sent --------------------------------

const TENANT_EXT: u16 = 0xff5a;

fn tenant_index() -> Index<Ssl, Vec<u8>> {
    static INDEX: OnceLock<Index<Ssl, Vec<u8>>> = OnceLock::new();
    *INDEX.get_or_init(|| Ssl::new_ex_index().expect("an ex_data index"))
}

fn in_client_hello() -> ExtensionContext {
    ExtensionContext::TLS_ONLY | ExtensionContext::CLIENT_HELLO
}

#[test]
fn server_reads_an_extension_the_client_sent() {
    let mut server = server_ctx();
    server.set_openssl_configurator(|b| {
        b.add_custom_ext(
            TENANT_EXT,
            in_client_hello(),
            |_, _, _| Ok(None::<Vec<u8>>),
            |ssl, _, data, _| {
                ssl.set_ex_data(tenant_index(), data.to_vec());
                Ok(())
            },
        )
    });
    // The server answers with what it read from the ClientHello.
    let server = Server::builder()
        .ctx(server)
        .io_cb(|s| {
            let tenant = s.ssl().ex_data(tenant_index()).cloned().unwrap_or_default();
            s.sendall(&tenant)
        })
        .build();
    let mut client = client_ctx();
    client.set_openssl_configurator(|b| {
        b.add_custom_ext(
            TENANT_EXT,
            in_client_hello(),
            |_, _, _| Ok(Some(b"tenant-42".to_vec())),
            |_, _, _, _| Ok(()),
        )
    });
    let tcp = TcpStream::connect_timeout(&server.addr(), IO_TIMEOUT).unwrap();
    tcp.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    let mut s = client
        .wrap_socket(tcp, WrapOptions::default().server_hostname("localhost"))
        .unwrap();
    assert_eq!(s.recv(64).unwrap(), b"tenant-42");
    server.join().unwrap();
}
