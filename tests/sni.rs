//! The server-name callback (`SslContext::set_sni_callback`, Python's
//! `SSLContext.sni_callback`) and moving a connection to another context
//! (`set_context`, Python's `SSLSocket.context = ctx`), without Python:
//! every driver runs the callback (socket, object, listener, asyncio
//! stream), what the callback can do (switch the certificate, refuse with
//! an alert, panic), and what `context()`/`set_context` do outside it.
//! The comparisons with the live CPython are in
//! `tests/interop_python_sni.rs`.

mod common;

use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::certdata;
use common::memory::{handshake, pair_with, PairSide};
use sslwrap::{
    AlertDescription, SslContext, SslError, SslErrorKind, SslSocket, WrapOptions,
    PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER,
};

const TIMEOUT: Duration = Duration::from_secs(10);

/// The callback's calls: the name, and whether it saw its own context.
type Calls = Arc<Mutex<Vec<(Option<String>, bool)>>>;

/// The type of a plain-function callback, to write "no callback".
type SniFn =
    fn(&mut sslwrap::SniConnection<'_>, Option<&str>, &SslContext) -> Result<(), AlertDescription>;

/// CPython's `sni_contexts()`: a server with `keycert3.pem` (localhost), an
/// other server context with `keycert4.pem` (fakehostname), and a client
/// trusting the CA that signed both.
fn sni_contexts() -> (SslContext, SslContext, SslContext) {
    let mut server = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    server
        .load_cert_chain(&certdata("keycert3.pem"), None, None)
        .unwrap();
    let mut other = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    other
        .load_cert_chain(&certdata("keycert4.pem"), None, None)
        .unwrap();
    let mut client = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    client
        .load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    (server, other, client)
}

/// The common name of the certificate a connection's peer sent.
fn peer_cn<S: std::io::Read + std::io::Write>(s: &SslSocket<S>) -> String {
    let cert = s.getpeercert().unwrap().expect("a peer certificate");
    cert.subject
        .iter()
        .flatten()
        .find(|(k, _)| k == "commonName")
        .map(|(_, v)| v.clone())
        .unwrap()
}

/// One connection over loopback: the server wraps with `server`, the
/// client with `client` and SNI `name`. Returns what each side got: the
/// server's `Ok(())` or error, the client's peer CN or error.
fn connect(
    server: &SslContext,
    client: &SslContext,
    name: Option<&str>,
) -> (Result<(), SslError>, Result<String, SslError>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::scope(|scope| {
        let srv = scope.spawn(|| {
            let (tcp, _) = listener.accept().unwrap();
            tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
            tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
            let mut s = server.wrap_socket(tcp, WrapOptions::default().server_side(true))?;
            let _ = s.recv(1);
            Ok(())
        });
        let tcp = TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
        tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
        let mut opts = WrapOptions::default();
        opts.server_hostname = name.map(str::to_owned);
        let cli = client.wrap_socket(tcp, opts).map(|mut s| {
            let cn = peer_cn(&s);
            s.sendall(b"x").unwrap();
            cn
        });
        (srv.join().unwrap(), cli)
    })
}

/// CPython test_ssl.py: `ContextTests.test_sni_callback`. Python's
/// `TypeError`s for a missing or non-callable argument cannot be written
/// in Rust (the argument is an `Option` of a closure); setting `None` and a
/// callback works, and so does the old name.
#[test]
fn test_sni_callback_context() {
    let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    assert!(!ctx.has_sni_callback());
    ctx.set_servername_callback(None::<SniFn>).unwrap();
    assert!(!ctx.has_sni_callback());
    ctx.set_servername_callback(Some(
        |_: &mut sslwrap::SniConnection<'_>, _: Option<&str>, _: &SslContext| Ok(()),
    ))
    .unwrap();
    assert!(ctx.has_sni_callback());
    ctx.set_sni_callback(None::<SniFn>).unwrap();
    assert!(!ctx.has_sni_callback());
    // Python: `sni_callback` on a client context is a ValueError.
    let mut client = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    let e = client
        .set_sni_callback(Some(
            |_: &mut sslwrap::SniConnection<'_>, _: Option<&str>, _: &SslContext| Ok(()),
        ))
        .unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::Value);
    assert_eq!(
        e.to_string(),
        "sni_callback cannot be set on TLS_CLIENT context"
    );
}

/// CPython test_ssl.py: `ContextTests.test_sni_callback_refcycle`. Python
/// checks that a cycle through the callback (the callback holding the
/// context it is set on) is collected. A Rust closure cannot own the
/// context it is set on (`set_sni_callback` borrows it mutably), so no such
/// cycle exists; what is left to check is that nothing the callback holds
/// leaks: after the context, a context the callback switches to, and the
/// connections that ran it are dropped, the callback's captures are freed.
#[test]
fn test_sni_callback_refcycle() {
    let (mut server, other, client) = sni_contexts();
    let marker = Arc::new(());
    let held = Arc::clone(&marker);
    let other = Arc::new(other);
    let target = Arc::clone(&other);
    server
        .set_sni_callback(Some(
            move |conn: &mut sslwrap::SniConnection<'_>, _: Option<&str>, _: &SslContext| {
                let _ = &held;
                conn.set_context(&target).unwrap();
                Ok(())
            },
        ))
        .unwrap();
    let (srv, cli) = connect(&server, &client, Some("fakehostname"));
    srv.unwrap();
    assert_eq!(cli.unwrap(), "fakehostname");
    assert!(Arc::strong_count(&marker) > 1);
    drop(server);
    assert_eq!(Arc::strong_count(&marker), 1, "the callback leaked");
    assert_eq!(Arc::strong_count(&other), 1, "the other context leaked");
}

/// CPython test_ssl.py: `ThreadedTests.test_sni_callback` (without Python;
/// `tests/interop_python_sni.rs` compares with it). The callback sees the
/// name and the context it was set on, switches the certificate; with no
/// SNI it sees `None`; removed, it is not called.
#[test]
fn test_sni_callback_threaded() {
    let (mut server, other, mut client) = sni_contexts();
    client.set_check_hostname(false).unwrap();
    let calls: Calls = Arc::default();
    let seen = Arc::clone(&calls);
    let other = Arc::new(other);
    let target = Arc::clone(&other);
    server
        .set_servername_callback(Some(
            move |conn: &mut sslwrap::SniConnection<'_>,
                  name: Option<&str>,
                  initial: &SslContext| {
                // `initial` is the context the callback was set on, as the
                // connection's context is until it is switched.
                let now = conn.context().unwrap();
                let same = now.protocol() == initial.protocol()
                    && now.cert_store_stats() == initial.cert_store_stats();
                seen.lock().unwrap().push((name.map(str::to_owned), same));
                if name.is_some() {
                    conn.set_context(&target).unwrap();
                    assert!(conn.context().is_some());
                }
                Ok(())
            },
        ))
        .unwrap();
    let (srv, cli) = connect(&server, &client, Some("supermessage"));
    srv.unwrap();
    assert_eq!(cli.unwrap(), "fakehostname");
    assert_eq!(
        *calls.lock().unwrap(),
        [(Some("supermessage".to_owned()), true)]
    );

    calls.lock().unwrap().clear();
    let (srv, cli) = connect(&server, &client, None);
    srv.unwrap();
    assert_eq!(cli.unwrap(), "localhost");
    assert_eq!(*calls.lock().unwrap(), [(None, true)]);

    calls.lock().unwrap().clear();
    server.set_servername_callback(None::<SniFn>).unwrap();
    let (srv, cli) = connect(&server, &client, Some("notfunny"));
    srv.unwrap();
    assert_eq!(cli.unwrap(), "localhost");
    assert!(calls.lock().unwrap().is_empty());
}

/// CPython test_ssl.py: `ThreadedTests.test_sni_callback_alert`: the alert
/// the callback returns reaches the client; the server fails with OpenSSL's
/// `CALLBACK_FAILED`, as Python's does.
#[test]
fn test_sni_callback_alert() {
    let (mut server, _, client) = sni_contexts();
    server
        .set_sni_callback(Some(
            |_: &mut sslwrap::SniConnection<'_>, _: Option<&str>, _: &SslContext| {
                Err(AlertDescription::AccessDenied)
            },
        ))
        .unwrap();
    let (srv, cli) = connect(&server, &client, Some("supermessage"));
    let srv = srv.unwrap_err();
    assert_eq!(srv.reason(), Some("CALLBACK_FAILED"));
    assert_eq!(srv.to_string(), "[SSL: CALLBACK_FAILED] callback failed");
    let cli = cli.unwrap_err();
    assert_eq!(cli.kind(), SslErrorKind::Ssl);
    assert_eq!(cli.reason(), Some("TLSV1_ALERT_ACCESS_DENIED"));
    assert_eq!(
        cli.to_string(),
        "[SSL: TLSV1_ALERT_ACCESS_DENIED] tlsv1 alert access denied"
    );
}

/// CPython test_ssl.py: `ThreadedTests.test_sni_callback_raising`: a
/// callback that panics (Python: raises) fails the handshake with a
/// handshake_failure alert; the panic never unwinds into OpenSSL, and the
/// server goes on serving.
#[test]
fn test_sni_callback_raising() {
    let (mut server, _, client) = sni_contexts();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    server
        .set_sni_callback(Some(
            move |_: &mut sslwrap::SniConnection<'_>, name: Option<&str>, _: &SslContext| {
                counted.fetch_add(1, Ordering::SeqCst);
                if name == Some("supermessage") {
                    panic!("1/0");
                }
                Ok(())
            },
        ))
        .unwrap();
    let (srv, cli) = connect(&server, &client, Some("supermessage"));
    let srv = srv.unwrap_err();
    assert_eq!(srv.reason(), Some("CALLBACK_FAILED"));
    let cli = cli.unwrap_err();
    assert_eq!(cli.reason(), Some("SSLV3_ALERT_HANDSHAKE_FAILURE"));
    // The next connection of the same context works.
    let (srv, cli) = connect(&server, &client, Some("localhost"));
    srv.unwrap();
    assert_eq!(cli.unwrap(), "localhost");
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}

/// A context with a callback that moves every connection to `other`.
fn switching(server: &mut SslContext, other: SslContext) {
    let other = Arc::new(other);
    server
        .set_sni_callback(Some(
            move |conn: &mut sslwrap::SniConnection<'_>, _: Option<&str>, _: &SslContext| {
                conn.set_context(&other)
                    .map_err(|_| AlertDescription::InternalError)
            },
        ))
        .unwrap();
}

/// The callback runs inside the state machine: a sans-IO `SslObject`
/// server gets it too, and its `context()` afterwards is the other one.
#[test]
fn sni_callback_on_sslobject() {
    let (mut server, other, client) = sni_contexts();
    let other_stats = other.cert_store_stats();
    switching(&mut server, other);
    let (mut c, mut s) = pair_with(
        &client,
        &server,
        WrapOptions::default().server_hostname("fakehostname"),
    );
    handshake(&mut c, &mut s).unwrap();
    let cert = c.getpeercert().unwrap().unwrap();
    assert!(cert
        .subject
        .iter()
        .flatten()
        .any(|(_, v)| v == "fakehostname"));
    assert_eq!(s.context().unwrap().cert_store_stats(), other_stats);
    assert!(c.context().is_some());
}

/// ... and so does a server from `wrap_listener`.
#[test]
fn sni_callback_on_listener() {
    let (mut server, other, client) = sni_contexts();
    switching(&mut server, other);
    let listener = server.wrap_listener(TcpListener::bind("127.0.0.1:0").unwrap());
    let addr = listener.local_addr().unwrap();
    let cn = thread::scope(|scope| {
        let cli = scope.spawn(|| {
            let tcp = TcpStream::connect(addr).unwrap();
            tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
            let s = client
                .wrap_socket(tcp, WrapOptions::default().server_hostname("fakehostname"))
                .unwrap();
            peer_cn(&s)
        });
        let (_s, _) = listener.accept().unwrap();
        cli.join().unwrap()
    });
    assert_eq!(cn, "fakehostname");
}

/// ... and an asyncio stream.
#[test]
fn sni_callback_on_asyncio_stream() {
    let (mut server, other, client) = sni_contexts();
    switching(&mut server, other);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let (a, b) = tokio::io::duplex(1 << 16);
        let srv = sslwrap::asyncio::start_tls(a, &server, WrapOptions::default().server_side(true));
        let cli = sslwrap::asyncio::start_tls(
            b,
            &client,
            WrapOptions::default().server_hostname("fakehostname"),
        );
        let (srv, cli) = tokio::time::timeout(TIMEOUT, async { tokio::join!(srv, cli) })
            .await
            .unwrap();
        let (srv, cli) = (srv.unwrap(), cli.unwrap());
        let cert = cli.getpeercert().unwrap().unwrap();
        assert!(cert
            .subject
            .iter()
            .flatten()
            .any(|(_, v)| v == "fakehostname"));
        assert!(srv.context().is_some());
    });
}

/// A name that is not ASCII fails the handshake with internal_error, the
/// callback uncalled, as `_ssl.c` fails its ASCII decoding. (A client of
/// sslwrap or Python never sends one: names are IDNA-encoded; the raw
/// OpenSSL connection can.)
#[test]
fn sni_name_not_ascii_is_internal_error() {
    let (mut server, _, client) = sni_contexts();
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&calls);
    server
        .set_sni_callback(Some(
            move |_: &mut sslwrap::SniConnection<'_>, _: Option<&str>, _: &SslContext| {
                counted.fetch_add(1, Ordering::SeqCst);
                Ok(())
            },
        ))
        .unwrap();
    let mut c = common::memory::wrap(&client, WrapOptions::default());
    c.ssl_mut().set_hostname("caf\u{e9}.example").unwrap();
    let mut s = common::memory::wrap(&server, WrapOptions::default().server_side(true));
    let (side, e) = handshake(&mut c, &mut s).unwrap_err();
    assert_eq!(side, PairSide::Server);
    assert_eq!(e.reason(), Some("CALLBACK_FAILED"));
    assert_eq!(calls.load(Ordering::SeqCst), 0);
    common::memory::transfer(&s, &c);
    let e = c.do_handshake().unwrap_err();
    assert_eq!(e.reason(), Some("TLSV1_ALERT_INTERNAL_ERROR"));
}

/// `context()` gives back the context a connection was wrapped with:
/// same settings, and the same OpenSSL context, so a session of one
/// connection resumes in a connection wrapped with the returned context
/// (Python: `SSLSession` and `s.context`).
#[test]
fn context_getter_shares_the_wrapped_context() {
    let (server, _, client) = sni_contexts();
    let listener = server.wrap_listener(TcpListener::bind("127.0.0.1:0").unwrap());
    let addr = listener.local_addr().unwrap();
    thread::scope(|scope| {
        scope.spawn(|| {
            for _ in 0..2 {
                let (mut s, _) = listener.accept().unwrap();
                s.sendall(b"hi").unwrap();
                let _ = s.recv(1);
            }
        });
        let connect = |ctx: &SslContext, session: Option<sslwrap::SslSession>| {
            let tcp = TcpStream::connect(addr).unwrap();
            tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
            let mut opts = WrapOptions::default().server_hostname("localhost");
            opts.session = session;
            let mut s = ctx.wrap_socket(tcp, opts).unwrap();
            assert_eq!(s.recv(2).unwrap(), b"hi");
            s
        };
        let mut first = connect(&client, None);
        let again = first.context().unwrap();
        assert_eq!(again.verify_mode(), client.verify_mode());
        assert_eq!(again.check_hostname(), client.check_hostname());
        assert_eq!(again.cert_store_stats(), client.cert_store_stats());
        let session = first.session().unwrap();
        first.sendall(b"x").unwrap();
        let mut second = connect(&again, Some(session));
        assert!(second.session_reused());
        second.sendall(b"x").unwrap();
    });
}

/// `set_context` outside a callback: a server socket wrapped with
/// `do_handshake_on_connect(false)` moved to another context before its
/// handshake serves that context's certificate (Python:
/// `s.context = other` before `s.do_handshake()`).
#[test]
fn set_context_before_the_handshake() {
    let (server, other, client) = sni_contexts();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::scope(|scope| {
        scope.spawn(|| {
            let (tcp, _) = listener.accept().unwrap();
            tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
            let opts = WrapOptions::default()
                .server_side(true)
                .do_handshake_on_connect(false);
            let mut s = server.wrap_socket(tcp, opts).unwrap();
            s.set_context(&other).unwrap();
            s.do_handshake().unwrap();
            let _ = s.recv(1);
        });
        let tcp = TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut s = client
            .wrap_socket(tcp, WrapOptions::default().server_hostname("fakehostname"))
            .unwrap();
        assert_eq!(peer_cn(&s), "fakehostname");
        s.sendall(b"x").unwrap();
    });
}

/// `SslListener::set_context`: connections accepted afterwards use the
/// new context; `context()` tells which.
#[test]
fn listener_set_context() {
    let (server, other, client) = sni_contexts();
    let mut listener = server.wrap_listener(TcpListener::bind("127.0.0.1:0").unwrap());
    let addr = listener.local_addr().unwrap();
    let cn = |name: &str| {
        let tcp = TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
        let s = client
            .wrap_socket(tcp, WrapOptions::default().server_hostname(name))
            .unwrap();
        peer_cn(&s)
    };
    thread::scope(|scope| {
        let c = scope.spawn(|| cn("localhost"));
        let _ = listener.accept().unwrap();
        assert_eq!(c.join().unwrap(), "localhost");
    });
    let stats = listener.context().unwrap().cert_store_stats();
    assert_eq!(stats, server.cert_store_stats());
    listener.set_context(&other);
    thread::scope(|scope| {
        let c = scope.spawn(|| cn("fakehostname"));
        let _ = listener.accept().unwrap();
        assert_eq!(c.join().unwrap(), "fakehostname");
    });
}

/// `set_context` brings the new context's message callback and drops the
/// old one's, as `_ssl.c`'s setter does (`SSL_set_msg_callback` after
/// `SSL_set_SSL_CTX`); a connection recording its own trace keeps
/// recording.
#[test]
fn set_context_follows_the_message_callback() {
    let (server, _, client) = sni_contexts();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&count);
    let mut traced = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    traced
        .load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    traced.set_msg_callback(Some(move |_: &sslwrap::TraceEvent| {
        counted.fetch_add(1, Ordering::SeqCst);
    }));
    let opts = WrapOptions::default().server_hostname("localhost");

    // Wrapped without a callback, moved to the traced context: called.
    let (mut c, mut s) = pair_with(&client, &server, opts.clone());
    c.set_context(&traced).unwrap();
    handshake(&mut c, &mut s).unwrap();
    assert!(count.load(Ordering::SeqCst) > 0);

    // Wrapped with it, moved away: not called; a recorded trace goes on.
    count.store(0, Ordering::SeqCst);
    let (mut c, mut s) = pair_with(&traced, &server, opts.trace(true));
    c.set_context(&client).unwrap();
    handshake(&mut c, &mut s).unwrap();
    assert_eq!(count.load(Ordering::SeqCst), 0);
    assert!(!c.handshake_trace().is_empty());
}

/// An internationalised name reaches the callback as its A-label, as in
/// Python 3.11 (`'xn--pythn-mua.org'` for `server_hostname='pythön.org'`,
/// with `sni_callback` and `set_servername_callback` alike).
#[test]
fn sni_callback_gets_the_a_label() {
    let (mut server, _, mut client) = sni_contexts();
    client.set_check_hostname(false).unwrap();
    let calls: Calls = Arc::default();
    let seen = Arc::clone(&calls);
    server
        .set_servername_callback(Some(
            move |_: &mut sslwrap::SniConnection<'_>, name: Option<&str>, _: &SslContext| {
                seen.lock().unwrap().push((name.map(str::to_owned), true));
                Ok(())
            },
        ))
        .unwrap();
    let (srv, cli) = connect(&server, &client, Some("pyth\u{f6}n.org"));
    srv.unwrap();
    cli.unwrap();
    assert_eq!(
        *calls.lock().unwrap(),
        [(Some("xn--pythn-mua.org".to_owned()), true)]
    );
}

/// SimpleBackgroundTests.test_context_setget: the context of a connected
/// client socket can be replaced; `context()` gives the new one. Python
/// checks identity (`assertIs`); here the second context differs from the
/// first in one setting that no longer matters once connected
/// (`hostname_checks_common_name`), and `context()` shows which it is.
#[test]
fn context_setget() {
    let (server, _, _) = sni_contexts();
    let client = |cn_checks: bool| {
        let mut ctx = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
        ctx.load_verify_locations(None, Some(&certdata("capath")), None)
            .unwrap();
        ctx.set_hostname_checks_common_name(cn_checks).unwrap();
        ctx
    };
    let (ctx1, ctx2) = (client(true), client(false));
    let listener = server.wrap_listener(TcpListener::bind("127.0.0.1:0").unwrap());
    let addr = listener.local_addr().unwrap();
    thread::scope(|scope| {
        scope.spawn(|| {
            let (mut s, _) = listener.accept().unwrap();
            let _ = s.recv(1);
        });
        let tcp = TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut ss = ctx1
            .wrap_socket(tcp, WrapOptions::default().server_hostname("localhost"))
            .unwrap();
        assert!(ss.context().unwrap().hostname_checks_common_name());
        ss.set_context(&ctx2).unwrap();
        assert!(!ss.context().unwrap().hostname_checks_common_name());
        ss.sendall(b"x").unwrap();
    });
}

/// TestSSLDebug.test_msg_callback_deadlock_bpo43577: a server context with
/// a message callback whose SNI callback moves each connection to a second
/// server context (bpo-43577 was a lock-order deadlock in `_ssl.c`); two
/// clients in a row both connect.
#[test]
fn msg_callback_deadlock_bpo43577() {
    let (mut server, _, client) = sni_contexts();
    let mut server2 = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    server2
        .load_cert_chain(&certdata("keycert3.pem"), None, None)
        .unwrap();
    server.set_msg_callback(Some(|_: &sslwrap::TraceEvent| {}));
    server
        .set_sni_callback(Some(
            move |conn: &mut sslwrap::SniConnection<'_>, _: Option<&str>, _: &SslContext| {
                conn.set_context(&server2)
                    .map_err(|_| AlertDescription::InternalError)
            },
        ))
        .unwrap();
    let listener = server.wrap_listener(TcpListener::bind("127.0.0.1:0").unwrap());
    let addr = listener.local_addr().unwrap();
    thread::scope(|scope| {
        scope.spawn(|| {
            for _ in 0..2 {
                let (mut s, _) = listener.accept().unwrap();
                let _ = s.recv(1);
            }
        });
        for _ in 0..2 {
            let tcp = TcpStream::connect(addr).unwrap();
            tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
            let mut s = client
                .wrap_socket(tcp, WrapOptions::default().server_hostname("localhost"))
                .unwrap();
            assert_eq!(peer_cn(&s), "localhost");
            s.sendall(b"x").unwrap();
        }
    });
}
