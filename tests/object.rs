//! `SslObject` over `MemoryBio` (Python's `ssl.SSLObject`/`ssl.MemoryBIO`),
//! driven by hand, flight by flight, with no sockets: the test moves the
//! bytes between a client and a server object. At the end, CPython's
//! `MemoryBIOTests` and the `SimpleBackgroundTests` that drive an
//! `SSLObject` over a TCP socket (`ssl_io_loop`), step by step.
//!
//! Where Python's behaviour is asserted, it was read off `python3` (CPython
//! 3.11.7 on OpenSSL 3.0) on the same steps, or is computed by it in the
//! test itself (`python_*` tests, which run `tests/py/sslobject_peer.py` or
//! a snippet).

mod common;

use common::certdata;
use sslwrap::{MemoryBio, SslContext, SslErrorKind, TlsVersion, WrapOptions, CERT_REQUIRED};

// ---------------------------------------------------------------------------
// Harness: two objects and the bytes between them (tests/common/memory.rs).

use common::memory::{handshake, pair, pair_with, send, transfer, wrap, PairSide};
use common::{cpython_client_ctx as client_ctx, cpython_server_ctx as server_ctx};

fn tls(max: TlsVersion) -> (SslContext, SslContext) {
    let c = client_ctx();
    let mut s = server_ctx();
    s.set_maximum_version(max).unwrap();
    (c, s)
}

// ---------------------------------------------------------------------------
// Handshakes.

#[test]
fn full_handshake_tls13_and_tls12_flight_by_flight() {
    for (max, version, flights) in [
        // CH; SH..Finished; Finished; the server's tickets.
        (TlsVersion::TLSv1_3, "TLSv1.3", 4),
        // CH; SH..SHD; CKE..Finished; ticket..Finished.
        (TlsVersion::TLSv1_2, "TLSv1.2", 4),
    ] {
        let (cc, sc) = tls(max);
        let (mut c, mut s) = pair(&cc, &sc);
        // Before anything crosses, the client has its ClientHello ready.
        let e = c.do_handshake().unwrap_err();
        assert_eq!(e.kind(), SslErrorKind::WantRead);
        assert!(c.outgoing().pending() > 0);
        assert_eq!(handshake(&mut c, &mut s).unwrap(), flights, "{version}");
        assert_eq!(c.version().as_deref(), Some(version));
        assert_eq!(s.version().as_deref(), Some(version));
        assert_eq!(c.cipher(), s.cipher());
        let cert = c.getpeercert().unwrap().unwrap();
        assert_eq!(
            cert.subject[3][0],
            ("commonName".into(), "localhost".into())
        );
        assert_eq!(s.getpeercert().unwrap(), None);
        assert!(!c.server_side() && s.server_side());
        assert_eq!(c.server_hostname(), Some("localhost"));
        assert_eq!(send(&mut c, &mut s, b"ping"), b"ping");
        assert_eq!(send(&mut s, &mut c, b"pong"), b"pong");
    }
}

#[test]
fn resumed_handshake_with_the_first_connections_session() {
    for max in [TlsVersion::TLSv1_3, TlsVersion::TLSv1_2] {
        let (cc, sc) = tls(max);
        let (mut c, mut s) = pair(&cc, &sc);
        handshake(&mut c, &mut s).unwrap();
        // TLS 1.3 tickets come after the handshake, with the first data.
        send(&mut s, &mut c, b"hello");
        let session = c.session().expect("a session");
        assert!(!c.session_reused());

        let (mut c2, mut s2) = pair_with(
            &cc,
            &sc,
            WrapOptions::default()
                .server_hostname("localhost")
                .session(session),
        );
        handshake(&mut c2, &mut s2).unwrap();
        assert!(c2.session_reused(), "{max:?}");
        assert!(s2.session_reused(), "{max:?}");
        assert_eq!(send(&mut c2, &mut s2, b"again"), b"again");
    }
}

#[test]
fn client_certificate_required() {
    let mut sc = server_ctx();
    sc.set_verify_mode(CERT_REQUIRED).unwrap();
    sc.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();

    // Without one: TLS 1.3 finishes on the client, the server refuses, and
    // the client hears of it on its next read (python3: the same texts).
    let cc = client_ctx();
    let (mut c, mut s) = pair(&cc, &sc);
    let (side, e) = handshake(&mut c, &mut s).unwrap_err();
    assert_eq!(side, PairSide::Server);
    assert_eq!(
        e.to_string(),
        "[SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate"
    );
    transfer(&s, &c);
    let e = c.read(10).unwrap_err();
    assert_eq!(
        e.to_string(),
        "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required"
    );

    // With one.
    let mut cc = client_ctx();
    cc.load_cert_chain(&certdata("keycert3.pem"), None, None)
        .unwrap();
    let (mut c, mut s) = pair(&cc, &sc);
    handshake(&mut c, &mut s).unwrap();
    let cert = s.getpeercert().unwrap().unwrap();
    assert_eq!(cert.subject[3][0].1, "localhost");
}

#[test]
fn hostname_mismatch_is_pythons_verification_error() {
    let (cc, sc) = (client_ctx(), server_ctx());
    let (mut c, mut s) = pair_with(
        &cc,
        &sc,
        WrapOptions::default().server_hostname("wronghost"),
    );
    let (side, e) = handshake(&mut c, &mut s).unwrap_err();
    assert_eq!(side, PairSide::Client);
    assert_eq!(e.kind(), SslErrorKind::CertVerification);
    assert_eq!(e.verify_code(), Some(62));
    assert_eq!(
        e.to_string(),
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: Hostname mismatch, \
         certificate is not valid for 'wronghost'."
    );
    // The alert reaches the server (python3: the same text).
    transfer(&c, &s);
    let e = s.do_handshake().unwrap_err();
    assert_eq!(
        e.to_string(),
        "[SSL: SSLV3_ALERT_BAD_CERTIFICATE] sslv3 alert bad certificate"
    );
}

#[test]
fn alpn_is_negotiated() {
    let (mut cc, mut sc) = (client_ctx(), server_ctx());
    cc.set_alpn_protocols(&["h2", "http/1.1"]).unwrap();
    sc.set_alpn_protocols(&["http/1.1"]).unwrap();
    let (mut c, mut s) = pair(&cc, &sc);
    handshake(&mut c, &mut s).unwrap();
    assert_eq!(c.selected_alpn_protocol().as_deref(), Some("http/1.1"));
    assert_eq!(s.selected_alpn_protocol().as_deref(), Some("http/1.1"));
}

#[test]
fn post_handshake_auth() {
    let mut cc = client_ctx();
    cc.load_cert_chain(&certdata("keycert3.pem"), None, None)
        .unwrap();
    cc.set_post_handshake_auth(true).unwrap();
    let mut sc = server_ctx();
    sc.set_verify_mode(CERT_REQUIRED).unwrap();
    sc.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    sc.set_post_handshake_auth(true).unwrap();
    let (mut c, mut s) = pair(&cc, &sc);
    handshake(&mut c, &mut s).unwrap();
    // With post-handshake auth the handshake itself asks for nothing.
    assert_eq!(s.getpeercert().unwrap(), None);
    s.verify_client_post_handshake().unwrap();
    // The request goes out with the next write; the certificate comes back
    // with the client's next read and write.
    assert_eq!(send(&mut s, &mut c, b"who?"), b"who?");
    assert_eq!(send(&mut c, &mut s, b"me"), b"me");
    let cert = s.getpeercert().unwrap().expect("client certificate");
    assert_eq!(cert.subject[3][0].1, "localhost");
}

// ---------------------------------------------------------------------------
// Shutdown, and calls in the wrong state (python3 on the same steps).

#[test]
fn unwrap_both_ways_then_calls_after_it() {
    let (cc, sc) = (client_ctx(), server_ctx());
    let (mut c, mut s) = pair(&cc, &sc);
    handshake(&mut c, &mut s).unwrap();
    // The client's close_notify goes out; it waits for the server's.
    let e = c.unwrap().unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::WantRead);
    assert_eq!(e.to_string(), "The operation did not complete (read)");
    transfer(&c, &s);
    // The server reads the end of the stream, then answers.
    assert_eq!(s.read(100).unwrap(), b"");
    s.unwrap().unwrap();
    transfer(&s, &c);
    c.unwrap().unwrap();
    // python3: after unwrap, read is SSLZeroReturnError, write
    // PROTOCOL_IS_SHUTDOWN, do_handshake and unwrap succeed.
    for obj in [&mut c, &mut s] {
        let e = obj.read(10).unwrap_err();
        assert_eq!(e.kind(), SslErrorKind::ZeroReturn);
        assert_eq!(e.to_string(), "TLS/SSL connection has been closed (EOF)");
        let e = obj.write(b"x").unwrap_err();
        assert_eq!(
            e.to_string(),
            "[SSL: PROTOCOL_IS_SHUTDOWN] protocol is shutdown"
        );
    }
    c.do_handshake().unwrap();
    c.unwrap().unwrap();
    // The buffers stay usable for cleartext.
    c.outgoing().write(b"plain").unwrap();
    assert_eq!(c.outgoing().read(None), b"plain");
}

// The bytes that follow the peer's close_notify in `incoming` are left
// there for the cleartext protocol, on OpenSSL 3.0 and 3.6 alike (3.6's
// SSL_has_pending is 1 after a TLS 1.3 close_notify even so: its record
// is kept, not the bytes behind it). With read-ahead turned on through
// `ssl_mut`, OpenSSL takes them into a buffer it cannot hand back: unwrap
// then refuses rather than lose them silently.
#[test]
fn unwrap_leaves_the_bytes_past_close_notify_in_incoming() {
    for read_ahead in [false, true] {
        let (cc, sc) = (client_ctx(), server_ctx());
        let (mut c, mut s) = pair(&cc, &sc);
        handshake(&mut c, &mut s).unwrap();
        c.write(b"ping").unwrap();
        transfer(&c, &s);
        assert_eq!(s.read(100).unwrap(), b"ping");
        if read_ahead {
            common::set_read_ahead(c.ssl_mut());
        }
        // The server's tickets and close_notify, cleartext right behind.
        let e = s.unwrap().unwrap_err();
        assert_eq!(e.kind(), SslErrorKind::WantRead);
        transfer(&s, &c);
        c.incoming().write(b"plain").unwrap();
        let r = c.unwrap();
        if read_ahead {
            let e = r.unwrap_err();
            assert_eq!(e.kind(), SslErrorKind::Value, "{e}");
            assert_eq!(
                e.to_string(),
                "bytes past the peer's close_notify may be buffered inside OpenSSL \
                 (read-ahead is on) and cannot be handed back"
            );
            assert_eq!(c.incoming().pending(), 0, "OpenSSL took them");
        } else {
            r.unwrap();
            assert_eq!(c.incoming().read(None), b"plain");
            // The server completes its unwrap on the client's close_notify.
            transfer(&c, &s);
            s.unwrap().unwrap();
        }
    }
}

#[test]
fn calls_before_the_handshake_as_python() {
    let cc = client_ctx();
    let mut c = wrap(&cc, WrapOptions::default().server_hostname("localhost"));
    // python3: SSLWantReadError for read and write (they start the
    // handshake), ValueError for getpeercert, None for version and cipher.
    let e = c.read(10).unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::WantRead);
    assert_eq!(e.python_class(), "SSLWantReadError");
    let e = c.write(b"x").unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::WantRead);
    assert_eq!(c.pending(), 0);
    let e = c.getpeercert().unwrap_err();
    assert_eq!(
        (e.kind(), e.to_string().as_str()),
        (SslErrorKind::Value, "handshake not done yet")
    );
    assert_eq!(c.version(), None);
    assert_eq!(c.cipher(), None);
    assert!(!c.session_reused());
    let e = c.unwrap().unwrap_err();
    assert_eq!(
        e.to_string(),
        "[SSL: SHUTDOWN_WHILE_IN_INIT] shutdown while in init"
    );
}

#[test]
fn wrap_bio_checks_as_python() {
    let cc = client_ctx();
    let sc = server_ctx();
    let bios = || (MemoryBio::new(), MemoryBio::new());
    // python3: no server_hostname is fine for wrap_bio, even with
    // check_hostname (nothing is checked then).
    let (i, o) = bios();
    assert!(cc.wrap_bio(i, o, WrapOptions::default()).is_ok());
    let cases: [(&SslContext, WrapOptions, &str, &str); 4] = [
        (
            &sc,
            WrapOptions::default(),
            "SSLError",
            "Cannot create a client socket with a PROTOCOL_TLS_SERVER context",
        ),
        (
            &cc,
            WrapOptions::default()
                .server_side(true)
                .server_hostname("x"),
            "SSLError",
            "Cannot create a server socket with a PROTOCOL_TLS_CLIENT context",
        ),
        (
            &cc,
            WrapOptions::default().server_hostname(""),
            "ValueError",
            "server_hostname cannot be an empty string or start with a leading dot.",
        ),
        (
            &cc,
            WrapOptions::default().server_hostname("a\0b"),
            "TypeError",
            "argument must be encoded string without null bytes, not str",
        ),
    ];
    for (ctx, opts, class, text) in cases {
        let (i, o) = bios();
        let e = ctx.wrap_bio(i, o, opts.clone()).unwrap_err();
        assert_eq!(
            (e.python_class(), e.to_string().as_str()),
            (class, text),
            "{opts:?}"
        );
    }
}

// ---------------------------------------------------------------------------
// Partial flights, garbage, ragged EOF.

/// Every flight of a TLS 1.3 and 1.2 handshake delivered one byte at a
/// time: at every offset the state machine asks for more, never fails.
#[test]
fn flights_cut_at_every_offset_ask_for_more() {
    for max in [TlsVersion::TLSv1_3, TlsVersion::TLSv1_2] {
        let (cc, sc) = tls(max);
        let (c, s) = pair(&cc, &sc);
        let mut objs = [c, s];
        let mut done = [false, false];
        for _ in 0..10 {
            for i in [0, 1] {
                let (first, second) = objs.split_at_mut(1);
                let (from, to) = if i == 0 {
                    (&mut first[0], &mut second[0])
                } else {
                    (&mut second[0], &mut first[0])
                };
                if !done[i] {
                    match from.do_handshake() {
                        Ok(()) => done[i] = true,
                        Err(e) => assert_eq!(e.kind(), SslErrorKind::WantRead, "{e}"),
                    }
                }
                let flight = from.outgoing().read(None);
                for (k, byte) in flight.iter().enumerate() {
                    to.incoming().write(&[*byte]).unwrap();
                    if k + 1 == flight.len() {
                        break;
                    }
                    // Not the whole flight yet: always "want more", and
                    // nothing sent in answer.
                    if let Err(e) = to.do_handshake() {
                        assert_eq!(e.kind(), SslErrorKind::WantRead, "{max:?} offset {k}: {e}");
                    }
                }
            }
            if done == [true, true] {
                break;
            }
        }
        assert_eq!(done, [true, true], "{max:?}");
        let [mut c, mut s] = objs;
        assert_eq!(send(&mut c, &mut s, b"after"), b"after");
    }
}

#[test]
fn ragged_eof_is_eof_error_without_suppression() {
    let (cc, sc) = (client_ctx(), server_ctx());
    let (mut c, mut s) = pair(&cc, &sc);
    handshake(&mut c, &mut s).unwrap();
    // The transport ends without close_notify (python3: SSLEOFError;
    // SSLObject has no suppress_ragged_eofs).
    c.incoming().write_eof();
    let e = c.read(10).unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::Eof);
    assert_eq!(
        e.to_string(),
        "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol"
    );
}

// ---------------------------------------------------------------------------
// MemoryBio.

#[test]
fn memory_bio_as_python() {
    // python3: b = ssl.MemoryBIO(); b.write(b'abcdef'); b.read(2), b.read(-1), b.read(100)
    let b = MemoryBio::new();
    assert_eq!(b.write(b"abcdef").unwrap(), 6);
    assert_eq!(b.pending(), 6);
    assert_eq!(b.read(Some(2)), b"ab");
    assert_eq!(b.read(None), b"cdef");
    assert_eq!(b.read(Some(100)), b"");
    // b.write(b'abc'); b.write_eof(): eof only once drained.
    b.write(b"abc").unwrap();
    b.write_eof();
    assert!(!b.eof());
    let mut buf = [0u8; 2];
    assert_eq!(b.read_into(&mut buf), 2);
    assert_eq!(&buf, b"ab");
    assert!(!b.eof());
    assert_eq!(b.read(None), b"c");
    assert!(b.eof());
    // SSLError: ('cannot write() after write_eof()',)
    let e = b.write(b"x").unwrap_err();
    assert_eq!(e.python_class(), "SSLError");
    assert_eq!(e.to_string(), "('cannot write() after write_eof()',)");
    // Empty reads.
    let b = MemoryBio::new();
    assert_eq!(b.read(None), b"");
    assert_eq!(b.read(Some(0)), b"");
    assert!(!b.eof());
}

/// A session handed out is a copy (Python's `_ssl_session_dup`): a
/// connection that resumes it and then ends without close_notify (which
/// marks *its* session not resumable) does not spoil it for the next one.
#[test]
fn a_session_survives_a_connection_that_ends_without_close_notify() {
    for max in [TlsVersion::TLSv1_3, TlsVersion::TLSv1_2] {
        let (cc, sc) = tls(max);
        let (mut c, mut s) = pair(&cc, &sc);
        handshake(&mut c, &mut s).unwrap();
        send(&mut s, &mut c, b"tickets");
        let session = c.session().unwrap();
        for round in 0..3 {
            let (mut c2, mut s2) = pair_with(
                &cc,
                &sc,
                WrapOptions::default()
                    .server_hostname("localhost")
                    .session(session.clone()),
            );
            handshake(&mut c2, &mut s2).unwrap();
            send(&mut c2, &mut s2, b"x");
            assert!(c2.session_reused(), "{max:?} round {round}");
            // Dropped mid-conversation: no close_notify either way.
        }
    }
}

// ---------------------------------------------------------------------------
// CPython's MemoryBIOTests, step by step.

/// CPython test_ssl.py: MemoryBIOTests.test_read_write
#[test]
fn memory_bio_read_write() {
    let bio = MemoryBio::new();
    bio.write(b"foo").unwrap();
    assert_eq!(bio.read(None), b"foo");
    assert_eq!(bio.read(None), b"");
    bio.write(b"foo").unwrap();
    bio.write(b"bar").unwrap();
    assert_eq!(bio.read(None), b"foobar");
    assert_eq!(bio.read(None), b"");
    bio.write(b"baz").unwrap();
    assert_eq!(bio.read(Some(2)), b"ba");
    assert_eq!(bio.read(Some(1)), b"z");
    assert_eq!(bio.read(Some(1)), b"");
}

/// CPython test_ssl.py: MemoryBIOTests.test_buffer_types. Python's
/// `bytes`, `bytearray` and `memoryview` are, in Rust, a byte string
/// literal (`&[u8; 3]`), a `Vec<u8>`, a slice of a `Vec` and a
/// `Box<[u8]>`; each is written and read back unchanged. Python's fourth
/// case, a non-contiguous `memoryview` refused with `BufferError`, has no
/// counterpart: a `&[u8]` is contiguous by type, so such a buffer cannot be
/// passed at all.
#[test]
fn memory_bio_buffer_types() {
    let bio = MemoryBio::new();
    // bytes
    let array: &[u8; 3] = b"foo";
    assert_eq!(bio.write(array).unwrap(), 3);
    assert_eq!(bio.read(None), b"foo");
    // bytearray
    let vec: Vec<u8> = b"bar".to_vec();
    assert_eq!(bio.write(&vec).unwrap(), 3);
    assert_eq!(bio.read(None), b"bar");
    // memoryview (of a larger buffer)
    let whole: Vec<u8> = b"xbazx".to_vec();
    assert_eq!(bio.write(&whole[1..4]).unwrap(), 3);
    assert_eq!(bio.read(None), b"baz");
    // an owned, fixed-size buffer
    let boxed: Box<[u8]> = Box::from(&b"qux"[..]);
    assert_eq!(bio.write(&boxed).unwrap(), 3);
    assert_eq!(bio.read(None), b"qux");
    assert_eq!(bio.pending(), 0);
}

/// CPython test_ssl.py: MemoryBIOTests.test_eof
#[test]
fn memory_bio_eof() {
    let bio = MemoryBio::new();
    assert!(!bio.eof());
    assert_eq!(bio.read(None), b"");
    assert!(!bio.eof());
    bio.write(b"foo").unwrap();
    assert!(!bio.eof());
    bio.write_eof();
    assert!(!bio.eof());
    assert_eq!(bio.read(Some(2)), b"fo");
    assert!(!bio.eof());
    assert_eq!(bio.read(Some(1)), b"o");
    assert!(bio.eof());
    assert_eq!(bio.read(None), b"");
    assert!(bio.eof());
}

/// CPython test_ssl.py: MemoryBIOTests.test_pending
#[test]
fn memory_bio_pending() {
    let bio = MemoryBio::new();
    assert_eq!(bio.pending(), 0);
    bio.write(b"foo").unwrap();
    assert_eq!(bio.pending(), 3);
    for i in 0..3 {
        bio.read(Some(1));
        assert_eq!(bio.pending(), 3 - i - 1);
    }
    for i in 0..3 {
        bio.write(b"x").unwrap();
        assert_eq!(bio.pending(), i + 1);
    }
    bio.read(None);
    assert_eq!(bio.pending(), 0);
}

// ---------------------------------------------------------------------------
// CPython's SimpleBackgroundTests over MemoryBIOs: an SslObject whose bytes
// a TCP socket carries to a server with keycert3.pem that echoes in lower
// case (CPython's ThreadedEchoServer).

/// A server with CPython's `keycert3.pem` that answers one message with
/// its lower-case form, then closes with close_notify.
fn echo_server() -> common::Server {
    common::Server::builder()
        .ctx(server_ctx())
        .io_cb(|s| {
            let got = s.recv(1024)?;
            s.sendall(&got.to_ascii_lowercase())?;
            s.shutdown_tls()
        })
        .build()
}

/// CPython's `SimpleBackgroundTests.ssl_io_loop`: runs `op` until it
/// stops asking for more, carrying `outgoing` to the socket and the
/// socket's bytes (or its EOF) to `incoming`.
fn ssl_io_loop<T>(
    sock: &mut std::net::TcpStream,
    obj: &mut sslwrap::SslObject,
    mut op: impl FnMut(&mut sslwrap::SslObject) -> Result<T, sslwrap::SslError>,
) -> Result<T, sslwrap::SslError> {
    use std::io::{Read, Write};
    for _ in 0..1000 {
        let ret = op(obj);
        let want_read = match &ret {
            Err(e) if e.kind() == SslErrorKind::WantRead => true,
            Err(e) if e.kind() == SslErrorKind::WantWrite => false,
            _ => false,
        };
        let buf = obj.outgoing().read(None);
        sock.write_all(&buf).unwrap();
        match ret {
            Err(e) if matches!(e.kind(), SslErrorKind::WantRead | SslErrorKind::WantWrite) => {}
            other => return other,
        }
        if want_read {
            let mut buf = vec![0u8; 32768];
            let n = sock.read(&mut buf).unwrap();
            if n > 0 {
                obj.incoming().write(&buf[..n]).unwrap();
            } else {
                obj.incoming().write_eof();
            }
        }
    }
    panic!("ssl_io_loop: no progress after 1000 rounds");
}

fn connected(server: &common::Server) -> std::net::TcpStream {
    let sock = std::net::TcpStream::connect(server.addr()).unwrap();
    sock.set_read_timeout(Some(common::IO_TIMEOUT)).unwrap();
    sock.set_write_timeout(Some(common::IO_TIMEOUT)).unwrap();
    sock
}

/// CPython test_ssl.py: SimpleBackgroundTests.test_bio_handshake
#[test]
fn bio_handshake() {
    let server = echo_server();
    let mut sock = connected(&server);
    let mut ctx = SslContext::new(sslwrap::PROTOCOL_TLS_CLIENT).unwrap();
    assert!(ctx.check_hostname());
    assert_eq!(ctx.verify_mode(), CERT_REQUIRED);
    ctx.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    let mut sslobj = ctx
        .wrap_bio(
            MemoryBio::new(),
            MemoryBio::new(),
            WrapOptions::default().server_hostname("localhost"),
        )
        .unwrap();
    assert_eq!(sslobj.cipher(), None);
    assert_eq!(sslobj.version(), None);
    assert_eq!(sslobj.shared_ciphers(), None);
    assert_eq!(
        sslobj.getpeercert().unwrap_err().kind(),
        SslErrorKind::Value
    );
    assert_eq!(sslobj.get_channel_binding("tls-unique").unwrap(), None);
    ssl_io_loop(&mut sock, &mut sslobj, |o| o.do_handshake()).unwrap();
    assert!(sslobj.cipher().is_some());
    assert_eq!(sslobj.shared_ciphers(), None);
    assert!(sslobj.version().is_some());
    let cert = sslobj.getpeercert().unwrap().unwrap();
    assert!(!cert.subject.is_empty());
    assert!(!sslobj
        .get_channel_binding("tls-unique")
        .unwrap()
        .unwrap()
        .is_empty());
    // The server waits for data: send it one message, as the echo
    // server's client would, then unwrap.
    ssl_io_loop(&mut sock, &mut sslobj, |o| o.write(b"X")).unwrap();
    assert_eq!(
        ssl_io_loop(&mut sock, &mut sslobj, |o| o.read(1024)).unwrap(),
        b"x"
    );
    match ssl_io_loop(&mut sock, &mut sslobj, |o| o.unwrap()) {
        Ok(()) => {}
        // If the server shuts down the TCP connection without sending a
        // secure shutdown message, this is reported as SSL_ERROR_SYSCALL
        Err(e) if e.kind() == SslErrorKind::Syscall => {}
        Err(e) => panic!("unwrap: {e:?}"),
    }
    // CPython asserts ssl.SSLError; python3, on these steps:
    // "[SSL: PROTOCOL_IS_SHUTDOWN] protocol is shutdown".
    let e = sslobj.write(b"foo").unwrap_err();
    assert_eq!(e.python_class(), "SSLError", "{e:?}");
    assert_eq!(
        e.to_string(),
        "[SSL: PROTOCOL_IS_SHUTDOWN] protocol is shutdown"
    );
    server.join().unwrap();
}

/// CPython test_ssl.py: SimpleBackgroundTests.test_bio_read_write_data
#[test]
fn bio_read_write_data() {
    let server = echo_server();
    let mut sock = connected(&server);
    let mut ctx = SslContext::new(sslwrap::PROTOCOL_TLS_CLIENT).unwrap();
    ctx.set_check_hostname(false).unwrap();
    ctx.set_verify_mode(sslwrap::CERT_NONE).unwrap();
    let mut sslobj = ctx
        .wrap_bio(MemoryBio::new(), MemoryBio::new(), WrapOptions::default())
        .unwrap();
    ssl_io_loop(&mut sock, &mut sslobj, |o| o.do_handshake()).unwrap();
    let req = b"FOO\n";
    ssl_io_loop(&mut sock, &mut sslobj, |o| o.write(req)).unwrap();
    let buf = ssl_io_loop(&mut sock, &mut sslobj, |o| o.read(1024)).unwrap();
    assert_eq!(buf, b"foo\n");
    ssl_io_loop(&mut sock, &mut sslobj, |o| o.unwrap()).unwrap();
    server.join().unwrap();
}

/// CPython test_ssl.py: SimpleBackgroundTests.test_transport_eof: EOF from
/// the transport after the handshake is `SSLEOFError` on read.
#[test]
fn bio_transport_eof() {
    let server = common::Server::builder()
        .ctx(server_ctx())
        .io_cb(|s| s.recv(1).map(drop))
        .build();
    let mut sock = connected(&server);
    let mut sslobj = client_ctx()
        .wrap_bio(
            MemoryBio::new(),
            MemoryBio::new(),
            WrapOptions::default().server_hostname("localhost"),
        )
        .unwrap();
    ssl_io_loop(&mut sock, &mut sslobj, |o| o.do_handshake()).unwrap();
    // Simulate EOF from the transport.
    sslobj.incoming().write_eof();
    let e = sslobj.read(1024).unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::Eof, "{e:?}");
    assert_eq!(e.python_class(), "SSLEOFError");
    // python3 on the same steps.
    assert_eq!(
        e.to_string(),
        "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in violation of protocol"
    );
    drop(sock);
    let _ = server.join();
}
