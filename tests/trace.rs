//! The handshake trace: `WrapOptions::trace`, `handshake_trace()`,
//! `handshake_summary()` and `SslContext::set_msg_callback` (Python's
//! private `SSLContext._msg_callback`), on in-memory pairs of `SslObject`s
//! and on sockets. The sequences are compared with what Python's
//! `_msg_callback` records on the same handshake (`python3`, CPython 3.11.7
//! on OpenSSL 3.0).

mod common;

use std::sync::{Arc, Mutex};

use common::memory::{handshake, pair_with, send, transfer, wrap, PairSide};
use common::{certdata, cpython_client_ctx, cpython_server_ctx, Server};
use sslwrap::{
    AlertDescription, AlertLevel, ContentType, Direction, HandshakeType as H, SslContext,
    SslErrorKind, SslObject, TlsVersion, TraceEvent, TraceMessage, WrapOptions, CERT_REQUIRED,
};

fn traced() -> WrapOptions {
    WrapOptions::default()
        .server_hostname("localhost")
        .trace(true)
}

/// A traced client and server, handshaken, then data both ways (which
/// delivers TLS 1.3 tickets).
fn traced_pair(cc: &SslContext, sc: &SslContext) -> (SslObject, SslObject) {
    let c = wrap(cc, traced());
    let s = wrap(sc, WrapOptions::default().server_side(true).trace(true));
    let (mut c, mut s) = (c, s);
    handshake(&mut c, &mut s).unwrap();
    send(&mut s, &mut c, b"hi");
    send(&mut c, &mut s, b"hi");
    (c, s)
}

fn max(v: TlsVersion) -> (SslContext, SslContext) {
    let mut sc = cpython_server_ctx();
    sc.set_maximum_version(v).unwrap();
    (cpython_client_ctx(), sc)
}

fn handshakes(events: &[TraceEvent], d: Direction) -> Vec<H> {
    events
        .iter()
        .filter(|e| e.direction == d)
        .filter_map(TraceEvent::handshake_type)
        .collect()
}

#[test]
fn tls13_full_handshake_message_sequences() {
    let (cc, sc) = max(TlsVersion::TLSv1_3);
    let (c, s) = traced_pair(&cc, &sc);
    let server_flight = vec![
        H::ServerHello,
        H::EncryptedExtensions,
        H::Certificate,
        H::CertificateVerify,
        H::Finished,
        H::NewSessionTicket,
        H::NewSessionTicket,
    ];
    assert_eq!(
        handshakes(c.handshake_trace(), Direction::Sent),
        [H::ClientHello, H::Finished]
    );
    assert_eq!(
        handshakes(c.handshake_trace(), Direction::Received),
        server_flight
    );
    assert_eq!(
        handshakes(s.handshake_trace(), Direction::Sent),
        server_flight
    );
    assert_eq!(
        handshakes(s.handshake_trace(), Direction::Received),
        [H::ClientHello, H::Finished]
    );
    let summary = c.handshake_summary();
    assert_eq!(summary.sent, [H::ClientHello, H::Finished]);
    assert!(!summary.hello_retry_request);
    assert!(!summary.client_certificate_requested);
    assert_eq!(summary.alert, None);
    // Every message is tagged TLS 1.3; headers carry the legacy version.
    let hello = &c.handshake_trace()[1];
    assert_eq!(
        hello.to_string(),
        format!(
            "-> TLSv1.3 Handshake ClientHello ({} bytes)",
            hello.data.len()
        )
    );
    let header = &c.handshake_trace()[0];
    assert_eq!(header.content_type, ContentType::Header);
    assert_eq!(
        header.message,
        Some(TraceMessage::Record(ContentType::Handshake))
    );
    assert_eq!(header.to_string(), "-> TLSv1 Header Handshake (5 bytes)");
}

#[test]
fn tls12_full_handshake_message_sequences() {
    let (cc, sc) = max(TlsVersion::TLSv1_2);
    let (c, s) = traced_pair(&cc, &sc);
    let client = [H::ClientHello, H::ClientKeyExchange, H::Finished];
    let server = [
        H::ServerHello,
        H::Certificate,
        H::ServerKeyExchange,
        H::ServerDone,
        H::NewSessionTicket,
        H::Finished,
    ];
    assert_eq!(handshakes(c.handshake_trace(), Direction::Sent), client);
    assert_eq!(handshakes(c.handshake_trace(), Direction::Received), server);
    assert_eq!(handshakes(s.handshake_trace(), Direction::Sent), server);
    assert_eq!(handshakes(s.handshake_trace(), Direction::Received), client);
    // The change-cipher-spec: OpenSSL 3.0 reports ours as a message, the
    // peer's only through its record header (so does Python's callback).
    let count = |o: &SslObject, d, m| {
        o.handshake_trace()
            .iter()
            .filter(|e| e.direction == d && e.message == Some(m))
            .count()
    };
    let ccs_record = TraceMessage::Record(ContentType::ChangeCipherSpec);
    assert_eq!(
        count(&c, Direction::Sent, TraceMessage::ChangeCipherSpec),
        1
    );
    assert_eq!(count(&c, Direction::Received, ccs_record), 1);
}

#[test]
fn resumed_handshake_has_no_certificate() {
    for v in [TlsVersion::TLSv1_3, TlsVersion::TLSv1_2] {
        let (cc, sc) = max(v);
        let (c, _s) = traced_pair(&cc, &sc);
        assert!(c
            .handshake_summary()
            .received
            .contains(&H::NewSessionTicket));
        let session = c.session().unwrap();
        let c2 = wrap(&cc, traced().session(session));
        let s2 = wrap(&sc, WrapOptions::default().server_side(true).trace(true));
        let (mut c2, mut s2) = (c2, s2);
        handshake(&mut c2, &mut s2).unwrap();
        assert!(c2.session_reused(), "{v:?}");
        let got = c2.handshake_summary().received;
        assert!(!got.contains(&H::Certificate), "{v:?}: {got:?}");
        assert!(
            !s2.handshake_summary().sent.contains(&H::Certificate),
            "{v:?}"
        );
    }
}

#[test]
fn client_certificate_requested_and_sent() {
    let mut sc = cpython_server_ctx();
    sc.set_verify_mode(CERT_REQUIRED).unwrap();
    sc.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    for (with_cert, v) in [
        (true, TlsVersion::TLSv1_3),
        (true, TlsVersion::TLSv1_2),
        (false, TlsVersion::TLSv1_3),
    ] {
        let mut cc = cpython_client_ctx();
        cc.set_maximum_version(v).unwrap();
        if with_cert {
            cc.load_cert_chain(&certdata("keycert3.pem"), None, None)
                .unwrap();
        }
        let c = wrap(&cc, traced());
        let s = wrap(&sc, WrapOptions::default().server_side(true).trace(true));
        let (mut c, mut s) = (c, s);
        let result = handshake(&mut c, &mut s);
        transfer(&s, &c);
        let _ = c.read(1);
        for summary in [c.handshake_summary(), s.handshake_summary()] {
            assert!(summary.client_certificate_requested, "{v:?}");
            assert_eq!(summary.client_certificate_sent, with_cert, "{v:?}");
        }
        if !with_cert {
            // The server refuses: alert certificate_required, sent by the
            // server, received by the client.
            assert_eq!(result.unwrap_err().0, PairSide::Server);
            let expected = (AlertLevel::Fatal, AlertDescription::CertificateRequired);
            let (d, l, a) = s.handshake_summary().alert.unwrap();
            assert_eq!((d, l, a), (Direction::Sent, expected.0, expected.1));
            let (d, ..) = c.handshake_summary().alert.unwrap();
            assert_eq!(d, Direction::Received);
        }
    }
}

#[test]
fn hello_retry_request_when_the_server_wants_another_group() {
    // The client sends an X25519 key share; a server that takes only
    // P-256 asks again.
    let (cc, mut sc) = max(TlsVersion::TLSv1_3);
    sc.set_ecdh_curve("prime256v1").unwrap();
    let (c, s) = traced_pair(&cc, &sc);
    assert!(c.handshake_summary().hello_retry_request);
    assert!(s.handshake_summary().hello_retry_request);
    assert_eq!(
        handshakes(c.handshake_trace(), Direction::Received)[0],
        H::HelloRetryRequest
    );
    assert_eq!(
        handshakes(c.handshake_trace(), Direction::Sent)[..2],
        [H::ClientHello, H::ClientHello]
    );
    // Without the restriction: none.
    let (cc, sc) = max(TlsVersion::TLSv1_3);
    let (c, _) = traced_pair(&cc, &sc);
    assert!(!c.handshake_summary().hello_retry_request);
}

#[test]
fn unknown_ca_alert_from_a_client_that_does_not_trust_the_server() {
    let cc = SslContext::new(sslwrap::PROTOCOL_TLS_CLIENT).unwrap(); // no CA loaded
    let sc = cpython_server_ctx();
    let c = wrap(&cc, traced());
    let s = wrap(&sc, WrapOptions::default().server_side(true).trace(true));
    let (mut c, mut s) = (c, s);
    let (side, e) = handshake(&mut c, &mut s).unwrap_err();
    assert_eq!(side, PairSide::Client);
    assert_eq!(e.kind(), SslErrorKind::CertVerification);
    transfer(&c, &s);
    let _ = s.do_handshake();
    let alert = (AlertLevel::Fatal, AlertDescription::UnknownCa);
    assert_eq!(
        c.handshake_summary().alert,
        Some((Direction::Sent, alert.0, alert.1))
    );
    assert_eq!(
        s.handshake_summary().alert,
        Some((Direction::Received, alert.0, alert.1))
    );
    let line = c
        .handshake_trace()
        .iter()
        .find(|e| e.content_type == ContentType::Alert)
        .unwrap()
        .to_string();
    assert_eq!(line, "-> TLSv1.3 Alert Fatal UnknownCa (2 bytes)");
}

#[test]
fn close_notify_on_unwrap() {
    let (cc, sc) = max(TlsVersion::TLSv1_3);
    let (mut c, mut s) = traced_pair(&cc, &sc);
    let _ = c.unwrap();
    transfer(&c, &s);
    assert_eq!(s.read(10).unwrap(), b"");
    let close = |o: &SslObject, d| {
        o.handshake_trace().iter().any(|e| {
            e.direction == d
                && e.message
                    == Some(TraceMessage::Alert(
                        AlertLevel::Warning,
                        AlertDescription::CloseNotify,
                    ))
        })
    };
    assert!(close(&c, Direction::Sent));
    assert!(close(&s, Direction::Received));
    // close_notify is not "the alert" of the summary.
    assert_eq!(c.handshake_summary().alert, None);
}

#[test]
fn context_msg_callback_sees_every_connection_and_a_panic_fails_only_the_call() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (cc, mut sc) = max(TlsVersion::TLSv1_3);
    let log = seen.clone();
    sc.set_msg_callback(Some(move |e: &TraceEvent| {
        log.lock().unwrap().push(e.clone())
    }));
    let (_c, s) = traced_pair(&cc, &sc);
    // The callback saw what the recorder kept.
    assert_eq!(*seen.lock().unwrap(), s.handshake_trace());

    // A callback that panics: caught, never unwinds into OpenSSL; the call
    // that ran it fails with an error naming it, the process goes on.
    let mut panicky = cpython_server_ctx();
    panicky.set_msg_callback(Some(|e: &TraceEvent| {
        if e.handshake_type() == Some(H::ClientHello) {
            panic!("boom in the callback");
        }
    }));
    let (mut c, mut s) = pair_with(
        &cc,
        &panicky,
        WrapOptions::default().server_hostname("localhost"),
    );
    let (side, e) = handshake(&mut c, &mut s).unwrap_err();
    assert_eq!(side, PairSide::Server);
    assert_eq!(e.kind(), SslErrorKind::Ssl);
    assert_eq!(
        e.to_string(),
        "the msg_callback panicked: boom in the callback"
    );
    // Removing it brings back plain handshakes.
    panicky.set_msg_callback(None::<fn(&TraceEvent)>);
    let (mut c, mut s) = pair_with(
        &cc,
        &panicky,
        WrapOptions::default().server_hostname("localhost"),
    );
    handshake(&mut c, &mut s).unwrap();
}

#[test]
fn socket_and_listener_record_too() {
    let (tx, rx) = std::sync::mpsc::channel();
    let server = Server::builder()
        .ctx(cpython_server_ctx())
        .trace(true)
        .io_cb(move |s| {
            let _ = tx.send(s.handshake_summary());
            let got = s.recv(10)?;
            s.sendall(&got)
        })
        .build();
    let tcp = std::net::TcpStream::connect(server.addr()).unwrap();
    let mut s = cpython_client_ctx().wrap_socket(tcp, traced()).unwrap();
    s.sendall(b"x").unwrap();
    assert_eq!(s.recv(1).unwrap(), b"x");
    let trace: Vec<String> = s.handshake_trace().iter().map(|e| e.to_string()).collect();
    assert!(
        trace
            .iter()
            .any(|l| l.starts_with("<- TLSv1.3 Handshake ServerHello")),
        "{trace:#?}"
    );
    let server_side = rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap();
    assert_eq!(server_side.received.first(), Some(&H::ClientHello));
    assert_eq!(server_side.sent.first(), Some(&H::ServerHello));
    server.join().unwrap();
}

/// CPython test_ssl.py: TestSSLDebug.test_msg_callback_tls12: a client
/// context's msg callback, TLS 1.2 over a socket, sees the server's
/// ServerKeyExchange read and its own ChangeCipherSpec written, with
/// Python's numbers (`_TLSContentType.HANDSHAKE` 22,
/// `_TLSMessageType.SERVER_KEY_EXCHANGE` 12, `CHANGE_CIPHER_SPEC` 20 and
/// msg_type 0x0101).
#[test]
fn msg_callback_tls12() {
    let mut cc = cpython_client_ctx();
    cc.set_maximum_version(TlsVersion::TLSv1_2).unwrap();
    let msg = Arc::new(Mutex::new(Vec::new()));
    let log = msg.clone();
    cc.set_msg_callback(Some(move |e: &TraceEvent| {
        let direction = match e.direction {
            Direction::Received => "read",
            Direction::Sent => "write",
        };
        log.lock().unwrap().push((
            direction,
            e.version,
            e.content_type.value(),
            e.python_msg_type(),
        ));
    }));
    let server = Server::builder().ctx(cpython_server_ctx()).build();
    let tcp = std::net::TcpStream::connect(server.addr()).unwrap();
    tcp.set_read_timeout(Some(common::IO_TIMEOUT)).unwrap();
    let mut s = cc
        .wrap_socket(tcp, WrapOptions::default().server_hostname("localhost"))
        .unwrap();
    s.sendall(b"x").unwrap();
    assert_eq!(s.recv(1).unwrap(), b"x");
    drop(s);
    server.join().unwrap();
    let msg = msg.lock().unwrap();
    assert!(
        msg.contains(&("read", TlsVersion::TLSv1_2, 22, 12)),
        "{msg:?}"
    );
    assert!(
        msg.contains(&("write", TlsVersion::TLSv1_2, 20, 0x0101)),
        "{msg:?}"
    );
}

/// CPython test_ssl.py: `TestSSLDebug.test_msg_callback`, on
/// `testing_context()`: no callback at first (Python: `_msg_callback is
/// None`; a handshake calls nothing), a callback set is called by the next
/// connection's handshake, and removing it (Python: `_msg_callback = None`)
/// stops the calls. Python's getter returning the very object set has no
/// counterpart (sslwrap has no getter), and its `TypeError` for a
/// non-callable is a compile-time error here.
#[test]
fn msg_callback() {
    let mut cc = cpython_client_ctx();
    let sc = cpython_server_ctx();
    let connect = |cc: &SslContext| {
        let (mut c, mut s) = common::memory::pair(cc, &sc);
        handshake(&mut c, &mut s).unwrap();
        send(&mut c, &mut s, b"x");
    };
    let calls = Arc::new(Mutex::new(0usize));
    let count = calls.clone();
    let msg_cb = move |_: &TraceEvent| *count.lock().unwrap() += 1;

    // Nothing is called before a callback is set.
    connect(&cc);
    assert_eq!(*calls.lock().unwrap(), 0);

    cc.set_msg_callback(Some(msg_cb));
    connect(&cc);
    let called = *calls.lock().unwrap();
    assert!(called > 0, "the callback was not called");

    cc.set_msg_callback(None::<fn(&TraceEvent)>);
    connect(&cc);
    assert_eq!(*calls.lock().unwrap(), called, "called after removal");
}
