//! What a connection tells about itself beyond the basics: the peer's
//! chains (Python 3.13's `get_unverified_chain`/`get_verified_chain`),
//! `shared_ciphers`, `get_channel_binding` (`tls-unique` as Python, plus
//! `tls-server-end-point` and `tls-exporter`), `export_keying_material`,
//! and `sendfile`. In-memory pairs (tests/common/memory.rs) unless a socket
//! is the point.

mod common;

use std::io::{Cursor, Seek, SeekFrom};

use common::memory::{handshake, pair, wrap};
use common::{certdata, cpython_client_ctx, cpython_server_ctx, Server};
use openssl::hash::MessageDigest;
use openssl::x509::X509;
use sslwrap::{SslErrorKind, TlsVersion, WrapOptions, CERT_REQUIRED};

fn pem_der(name: &str) -> Vec<u8> {
    let pem = std::fs::read(certdata(name)).unwrap();
    X509::from_pem(&pem).unwrap().to_der().unwrap()
}

#[test]
fn chains_leaf_first_and_verified_to_the_root() {
    let mut sc = cpython_server_ctx();
    sc.set_verify_mode(CERT_REQUIRED).unwrap();
    sc.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    let mut cc = cpython_client_ctx();
    cc.load_cert_chain(&certdata("keycert3.pem"), None, None)
        .unwrap();
    let (mut c, mut s) = pair(&cc, &sc);
    // Nothing before the handshake.
    assert_eq!(c.get_unverified_chain().unwrap(), Vec::<Vec<u8>>::new());
    assert_eq!(c.get_verified_chain().unwrap(), Vec::<Vec<u8>>::new());
    handshake(&mut c, &mut s).unwrap();
    let (leaf, ca) = (pem_der("keycert3.pem"), pem_der("pycacert.pem"));
    // keycert3.pem holds only the leaf; each side also sends the CA, which
    // OpenSSL adds from the context's store (its automatic chain building,
    // which Python does not turn off either); verification ends there.
    let both = vec![leaf, ca];
    let same = |got: Vec<Vec<u8>>| got == both;
    assert!(
        same(c.get_unverified_chain().unwrap()),
        "client: unverified"
    );
    assert!(same(c.get_verified_chain().unwrap()), "client: verified");
    // The server side too (OpenSSL leaves the peer's leaf out there;
    // Python and sslwrap put it first).
    assert!(
        same(s.get_unverified_chain().unwrap()),
        "server: unverified"
    );
    assert!(same(s.get_verified_chain().unwrap()), "server: verified");
    // A server without the CA in its store sends the leaf alone; without
    // verification that is still the chain received.
    let (cc, sc) = (
        sslwrap::SslContext::new(sslwrap::PROTOCOL_TLS_CLIENT).unwrap(),
        cpython_server_ctx(),
    );
    let mut cc = cc;
    cc.set_check_hostname(false).unwrap();
    cc.set_verify_mode(sslwrap::CERT_NONE).unwrap();
    let (mut c, mut s) = pair(&cc, &sc);
    handshake(&mut c, &mut s).unwrap();
    assert!(c.get_unverified_chain().unwrap() == both[..1]);
}

#[test]
fn shared_ciphers_on_the_server_only() {
    let (cc, sc) = (cpython_client_ctx(), cpython_server_ctx());
    let (mut c, mut s) = pair(&cc, &sc);
    assert_eq!(s.shared_ciphers(), None, "before the ClientHello");
    handshake(&mut c, &mut s).unwrap();
    assert_eq!(c.shared_ciphers(), None, "a client has none");
    let shared = s.shared_ciphers().unwrap();
    assert!(shared.contains(&s.cipher().unwrap()), "{shared:?}");
    // Python's default contexts share its default cipher list plus the
    // TLS 1.3 suites.
    assert!(shared.iter().any(|c| c.0 == "TLS_AES_256_GCM_SHA384"));
    assert!(shared
        .iter()
        .any(|c| c.0 == "ECDHE-RSA-AES128-GCM-SHA256" && c.1 == "TLSv1.2"));
}

#[test]
fn channel_bindings_agree_on_both_ends() {
    for v in [TlsVersion::TLSv1_3, TlsVersion::TLSv1_2] {
        let (cc, mut sc) = (cpython_client_ctx(), cpython_server_ctx());
        sc.set_maximum_version(v).unwrap();
        let (mut c, mut s) = pair(&cc, &sc);
        for kind in ["tls-unique", "tls-server-end-point", "tls-exporter"] {
            assert_eq!(
                c.get_channel_binding(kind).unwrap(),
                None,
                "{kind} before the handshake"
            );
        }
        handshake(&mut c, &mut s).unwrap();
        for kind in ["tls-unique", "tls-server-end-point", "tls-exporter"] {
            let ours = c.get_channel_binding(kind).unwrap().unwrap();
            assert_eq!(
                Some(ours.clone()),
                s.get_channel_binding(kind).unwrap(),
                "{kind} {v:?}"
            );
            assert!(!ours.is_empty());
        }
        // tls-unique is the first Finished: 12 bytes in TLS 1.2, a hash in 1.3.
        let unique = c.get_channel_binding("tls-unique").unwrap().unwrap();
        assert_eq!(unique.len(), if v == TlsVersion::TLSv1_2 { 12 } else { 48 });
        // tls-server-end-point: SHA-256 of the server's certificate (signed
        // with sha256WithRSAEncryption).
        let cert = X509::from_pem(&std::fs::read(certdata("keycert3.pem")).unwrap()).unwrap();
        let want = cert.digest(MessageDigest::sha256()).unwrap().to_vec();
        assert_eq!(
            c.get_channel_binding("tls-server-end-point").unwrap(),
            Some(want)
        );
        // tls-exporter: RFC 9266's exporter.
        let exporter = c
            .export_keying_material("EXPORTER-Channel-Binding", None, 32)
            .unwrap();
        assert_eq!(
            c.get_channel_binding("tls-exporter").unwrap(),
            Some(exporter)
        );
    }
    // python3: ValueError "'foo' channel binding type not implemented".
    let (cc, sc) = (cpython_client_ctx(), cpython_server_ctx());
    let (c, _) = pair(&cc, &sc);
    let e = c.get_channel_binding("foo").unwrap_err();
    assert_eq!(
        (e.python_class(), e.to_string().as_str()),
        ("ValueError", "'foo' channel binding type not implemented")
    );
}

#[test]
fn resumed_sessions_swap_the_tls_unique_finished() {
    let (cc, mut sc) = (cpython_client_ctx(), cpython_server_ctx());
    sc.set_maximum_version(TlsVersion::TLSv1_2).unwrap();
    let (mut c, mut s) = pair(&cc, &sc);
    handshake(&mut c, &mut s).unwrap();
    let session = c.session().unwrap();
    let mut c2 = wrap(
        &cc,
        WrapOptions::default()
            .server_hostname("localhost")
            .session(session),
    );
    let mut s2 = wrap(&sc, WrapOptions::default().server_side(true));
    handshake(&mut c2, &mut s2).unwrap();
    assert!(c2.session_reused());
    let (a, b) = (
        c2.get_channel_binding("tls-unique").unwrap(),
        s2.get_channel_binding("tls-unique").unwrap(),
    );
    assert_eq!(a, b);
    assert_ne!(a, c.get_channel_binding("tls-unique").unwrap());
}

#[test]
fn exported_keying_material_agrees_and_depends_on_label_and_context() {
    let (cc, sc) = (cpython_client_ctx(), cpython_server_ctx());
    let (mut c, mut s) = pair(&cc, &sc);
    let e = c
        .export_keying_material("EXPERIMENTAL-x", None, 16)
        .unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::Value);
    handshake(&mut c, &mut s).unwrap();
    let k = |o: &sslwrap::SslObject, label, ctx| o.export_keying_material(label, ctx, 40).unwrap();
    assert_eq!(k(&c, "EXPERIMENTAL-a", None), k(&s, "EXPERIMENTAL-a", None));
    assert_eq!(
        k(&c, "EXPERIMENTAL-a", Some(b"x")),
        k(&s, "EXPERIMENTAL-a", Some(b"x"))
    );
    assert_ne!(k(&c, "EXPERIMENTAL-a", None), k(&c, "EXPERIMENTAL-b", None));
    assert_ne!(
        k(&c, "EXPERIMENTAL-a", Some(b"x")),
        k(&c, "EXPERIMENTAL-a", Some(b"y"))
    );
    assert_eq!(k(&c, "EXPERIMENTAL-a", None).len(), 40);
}

/// `sendfile` falls back to reading and sending, as Python's on a TLS
/// socket, and leaves the file at `offset + sent` (python3's semantics).
#[test]
fn sendfile_sends_the_file_through_tls() {
    let data: Vec<u8> = (0..20_000u32).map(|i| (i % 251) as u8).collect();
    let expected = data[100..].to_vec();
    let server = Server::builder()
        .ctx(cpython_server_ctx())
        .io_cb(move |s| {
            let mut got = Vec::new();
            while got.len() < expected.len() + 5000 {
                let chunk = s.recv(65536)?;
                assert!(!chunk.is_empty(), "closed early after {}", got.len());
                got.extend_from_slice(&chunk);
            }
            assert_eq!(&got[..expected.len()], &expected[..]);
            assert_eq!(&got[expected.len()..], &expected[..5000]);
            s.sendall(b"ok")
        })
        .build();
    let tcp = std::net::TcpStream::connect(server.addr()).unwrap();
    let mut s = cpython_client_ctx()
        .wrap_socket(tcp, WrapOptions::default().server_hostname("localhost"))
        .unwrap();
    s.settimeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    let mut file = Cursor::new(data);
    // All of it from offset 100.
    assert_eq!(s.sendfile(&mut file, 100, None).unwrap(), 19_900);
    assert_eq!(file.stream_position().unwrap(), 20_000);
    // Offset 0 reads from where the file is, and count bounds it.
    file.seek(SeekFrom::Start(100)).unwrap();
    assert_eq!(s.sendfile(&mut file, 0, Some(5000)).unwrap(), 5000);
    // python3: file.seek(offset + total_sent), with offset 0.
    assert_eq!(file.stream_position().unwrap(), 5000);
    assert_eq!(s.recv(2).unwrap(), b"ok");
    // python3: ValueError for count=0.
    let e = s.sendfile(&mut file, 0, Some(0)).unwrap_err();
    assert_eq!(e.to_string(), "count must be a positive integer (got 0)");
    server.join().unwrap();
}

/// The escape hatch: the `openssl` crate's `SslRef` of a connection, to
/// read and set what sslwrap does not expose, per connection.
#[test]
fn ssl_and_ssl_mut_reach_the_openssl_connection() {
    use openssl::ssl::SslVerifyMode;
    let (cc, sc) = (cpython_client_ctx(), cpython_server_ctx());
    let (mut c, mut s) = pair(&cc, &sc);
    // This one server connection asks for a client certificate, though its
    // context does not.
    s.ssl_mut()
        .set_verify(SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT);
    let (_, e) = handshake(&mut c, &mut s).unwrap_err();
    assert_eq!(
        e.to_string(),
        "[SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate"
    );
    // Reading: the same facts as sslwrap's own getters.
    let (mut c, mut s) = pair(&cc, &sc);
    handshake(&mut c, &mut s).unwrap();
    assert_eq!(Some(c.ssl().version_str().to_owned()), c.version());
    assert_eq!(
        c.ssl().current_cipher().map(|x| x.name().to_owned()),
        c.cipher().map(|x| x.0)
    );
}
