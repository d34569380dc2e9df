//! The client session cache (`SslContext::set_client_session_cache`), an
//! sslwrap addition: resumption per `server_hostname` with no user code,
//! TLS 1.3 tickets used once, TLS 1.2 sessions reused, refused sessions
//! dropped, capacity, threads. The Rust server here serves several
//! connections and reports, for each, whether it resumed on its side;
//! `interop_python_session_cache.rs` has the CPython server.

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use openssl::ssl::SslSessionCacheMode;
use sslwrap::{
    ContentType, Direction, SslContext, SslSocket, TlsVersion, TraceEvent, WrapOptions,
    OP_NO_TICKET, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER,
};

use common::{pki, IO_TIMEOUT};

/// A server context with the test PKI's `server.pem`, up to `max`.
fn server_ctx(max: TlsVersion) -> SslContext {
    let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(
        &pki().path("server.pem"),
        Some(&pki().path("server.key")),
        None,
    )
    .unwrap();
    ctx.set_maximum_version(max).unwrap();
    ctx
}

/// A client context trusting the test CA, without the hostname check (so
/// any name reaches the `localhost` server), with the cache.
fn client_ctx(capacity: Option<usize>) -> SslContext {
    let mut ctx = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    ctx.load_verify_locations(Some(&pki().path("ca.pem")), None, None)
        .unwrap();
    ctx.set_check_hostname(false).unwrap();
    ctx.set_client_session_cache(capacity);
    ctx
}

/// A loopback server serving `n` connections one after the other: the
/// handshake, then one echo. Its result lists, per connection, whether
/// the server resumed it.
struct MultiServer {
    addr: SocketAddr,
    thread: Option<JoinHandle<Vec<bool>>>,
}

impl MultiServer {
    fn start(ctx: &SslContext, n: usize) -> MultiServer {
        let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = tcp.local_addr().unwrap();
        let mut listener = ctx.wrap_listener(tcp);
        listener.set_handshake_timeout(Some(IO_TIMEOUT));
        let thread = std::thread::spawn(move || {
            let mut reused = Vec::new();
            for _ in 0..n {
                let (mut s, _) = listener.accept().expect("server-side accept and handshake");
                reused.push(s.session_reused());
                // Echo one read; a client that leaves without data is fine.
                if let Ok(got) = s.recv(1024) {
                    let _ = s.sendall(&got);
                }
            }
            reused
        });
        MultiServer {
            addr,
            thread: Some(thread),
        }
    }

    /// What the server saw, once all `n` connections were served.
    fn join(mut self) -> Vec<bool> {
        self.thread.take().unwrap().join().expect("server thread")
    }
}

impl Drop for MultiServer {
    fn drop(&mut self) {
        // A failed test leaves the server in accept: let it finish.
        if let Some(t) = self.thread.take() {
            while !t.is_finished() {
                if TcpStream::connect_timeout(&self.addr, IO_TIMEOUT).is_err() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(10));
            }
            let _ = t.join();
        }
    }
}

/// Connects to `addr` as `name` (or without a name); with `talk`, sends
/// and reads back one message, which also reads the TLS 1.3 tickets.
fn connect(
    ctx: &SslContext,
    addr: SocketAddr,
    name: Option<&str>,
    talk: bool,
) -> SslSocket<TcpStream> {
    let tcp = TcpStream::connect_timeout(&addr, IO_TIMEOUT).unwrap();
    tcp.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    tcp.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    let mut opts = WrapOptions::default();
    if let Some(name) = name {
        opts = opts.server_hostname(name);
    }
    let mut s = ctx.wrap_socket(tcp, opts).expect("client handshake");
    if talk {
        s.sendall(b"ping").unwrap();
        assert_eq!(s.recv(4).unwrap(), b"ping");
    }
    s
}

/// `talk`ing connections to `name`: whether each resumed.
fn resumed(ctx: &SslContext, addr: SocketAddr, names: &[&str]) -> Vec<bool> {
    names
        .iter()
        .map(|n| connect(ctx, addr, Some(n), true).session_reused())
        .collect()
}

#[test]
fn second_connection_resumes_tls13() {
    let server = MultiServer::start(&server_ctx(TlsVersion::TLSv1_3), 3);
    let ctx = client_ctx(Some(16));
    let names = ["localhost"; 3];
    let client = resumed(&ctx, server.addr, &names);
    assert_eq!(client, [false, true, true]);
    assert_eq!(server.join(), [false, true, true], "the server's view");
    let s = connect_version(&ctx);
    assert_eq!(s.as_deref(), Some("TLSv1.3"));
}

fn connect_version(ctx: &SslContext) -> Option<String> {
    let server = MultiServer::start(&server_ctx(TlsVersion::TLSv1_3), 1);
    connect(ctx, server.addr, Some("localhost"), true).version()
}

#[test]
fn second_connection_resumes_tls12_and_the_session_is_reused() {
    let server = MultiServer::start(&server_ctx(TlsVersion::TLSv1_2), 4);
    let ctx = client_ctx(Some(16));
    let client = resumed(&ctx, server.addr, &["localhost"; 4]);
    // A TLS 1.2 session is reused until it expires.
    assert_eq!(client, [false, true, true, true]);
    assert_eq!(server.join(), [false, true, true, true]);
}

#[test]
fn off_by_default_as_in_python() {
    let mut ctx = client_ctx(None);
    assert_eq!(ctx.client_session_cache(), None);
    let server = MultiServer::start(&server_ctx(TlsVersion::TLSv1_3), 2);
    assert_eq!(
        resumed(&ctx, server.addr, &["localhost"; 2]),
        [false, false]
    );
    ctx.set_client_session_cache(Some(8));
    assert_eq!(ctx.client_session_cache(), Some(8));
}

#[test]
fn no_server_hostname_nothing_cached() {
    let server = MultiServer::start(&server_ctx(TlsVersion::TLSv1_2), 2);
    let ctx = client_ctx(Some(16));
    let a = connect(&ctx, server.addr, None, true).session_reused();
    let b = connect(&ctx, server.addr, None, true).session_reused();
    assert_eq!((a, b), (false, false));
}

#[test]
fn an_explicit_session_wins() {
    // Two sessions for one name: the cache holds the second, the caller
    // passes the first; the server resumes the one offered.
    let server = MultiServer::start(&server_ctx(TlsVersion::TLSv1_2), 3);
    let ctx = client_ctx(Some(16));
    let first = connect(&ctx, server.addr, Some("localhost"), true);
    let session = first.session().expect("a TLS 1.2 session");
    // Another name's full handshake; then "localhost" with the session.
    connect(&ctx, server.addr, Some("other.test"), true);
    let tcp = TcpStream::connect_timeout(&server.addr, IO_TIMEOUT).unwrap();
    tcp.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    let opts = WrapOptions::default()
        .server_hostname("other.test")
        .session(session.clone());
    let mut s = ctx.wrap_socket(tcp, opts).unwrap();
    s.sendall(b"ping").unwrap();
    s.recv(4).unwrap();
    assert!(s.session_reused());
    assert_eq!(
        s.session().unwrap().id(),
        session.id(),
        "the explicit session was resumed"
    );
    drop(s);
    assert_eq!(server.join(), [false, false, true]);
}

#[test]
fn a_tls13_ticket_is_used_once() {
    // One ticket per handshake: the first connection leaves one ticket;
    // the second uses it and reads nothing (so receives no new one); the
    // third finds none. A cache that handed the ticket out twice would
    // resume the third.
    let mut sctx = server_ctx(TlsVersion::TLSv1_3);
    sctx.set_num_tickets(1).unwrap();
    let server = MultiServer::start(&sctx, 3);
    let ctx = client_ctx(Some(16));
    let first = connect(&ctx, server.addr, Some("localhost"), true).session_reused();
    let second = connect(&ctx, server.addr, Some("localhost"), false).session_reused();
    let third = connect(&ctx, server.addr, Some("localhost"), true).session_reused();
    assert_eq!((first, second, third), (false, true, false));
    assert_eq!(server.join(), [false, true, false]);
}

#[test]
fn different_names_do_not_share() {
    let server = MultiServer::start(&server_ctx(TlsVersion::TLSv1_3), 4);
    let ctx = client_ctx(Some(16));
    let got = resumed(&ctx, server.addr, &["a.test", "b.test", "a.test", "b.test"]);
    assert_eq!(got, [false, false, true, true]);
    server.join();
}

/// A server that cannot resume: no tickets, no session cache (set through
/// the configurator, which sslwrap has no setter for).
fn refusing_server_ctx(max: TlsVersion) -> SslContext {
    let mut ctx = server_ctx(max);
    ctx.set_options(ctx.options() | OP_NO_TICKET).unwrap();
    ctx.set_openssl_configurator(|b| {
        b.set_session_cache_mode(SslSessionCacheMode::OFF);
        Ok(())
    });
    ctx
}

#[test]
fn a_server_that_refuses_still_connects_and_the_session_is_dropped() {
    // TLS 1.2: a session from server A, offered to B (same name), which
    // cannot resume and issues no session. The connection is a full
    // handshake; the refused session is dropped, so A is not offered it
    // again either.
    let a = MultiServer::start(&server_ctx(TlsVersion::TLSv1_2), 2);
    let b = MultiServer::start(&refusing_server_ctx(TlsVersion::TLSv1_2), 1);
    let ctx = client_ctx(Some(16));
    assert!(!connect(&ctx, a.addr, Some("localhost"), true).session_reused());
    assert!(!connect(&ctx, b.addr, Some("localhost"), true).session_reused());
    assert!(!connect(&ctx, a.addr, Some("localhost"), true).session_reused());
    assert_eq!(a.join(), [false, false]);
    assert_eq!(b.join(), [false]);
}

#[test]
fn a_tls13_server_that_refuses_still_connects() {
    let a = MultiServer::start(&server_ctx(TlsVersion::TLSv1_3), 1);
    let mut refusing = refusing_server_ctx(TlsVersion::TLSv1_3);
    refusing.set_num_tickets(0).unwrap();
    let b = MultiServer::start(&refusing, 2);
    let ctx = client_ctx(Some(16));
    assert!(!connect(&ctx, a.addr, Some("localhost"), true).session_reused());
    // Two tickets from A; B refuses each.
    assert!(!connect(&ctx, b.addr, Some("localhost"), true).session_reused());
    assert!(!connect(&ctx, b.addr, Some("localhost"), true).session_reused());
    assert_eq!(b.join(), [false, false]);
}

#[test]
fn the_cache_stays_within_capacity() {
    // TLS 1.2, one session per name, capacity 2: after four names only the
    // last two resume.
    let server = MultiServer::start(&server_ctx(TlsVersion::TLSv1_2), 8);
    let ctx = client_ctx(Some(2));
    let full = resumed(
        &ctx,
        server.addr,
        &["n0.test", "n1.test", "n2.test", "n3.test"],
    );
    assert_eq!(full, [false; 4]);
    let again = resumed(
        &ctx,
        server.addr,
        &["n3.test", "n2.test", "n1.test", "n0.test"],
    );
    assert_eq!(again, [true, true, false, false]);
    server.join();
}

#[test]
fn capacity_zero_stores_nothing() {
    let server = MultiServer::start(&server_ctx(TlsVersion::TLSv1_3), 2);
    let ctx = client_ctx(Some(0));
    assert_eq!(
        resumed(&ctx, server.addr, &["localhost"; 2]),
        [false, false]
    );
    server.join();
}

#[test]
fn the_cache_survives_a_rebuild() {
    let server = MultiServer::start(&server_ctx(TlsVersion::TLSv1_3), 2);
    let mut ctx = client_ctx(Some(16));
    assert!(!connect(&ctx, server.addr, Some("localhost"), true).session_reused());
    // A setter: the next wrap builds a new OpenSSL context.
    ctx.set_alpn_protocols(&["http/1.1"]).unwrap();
    assert!(connect(&ctx, server.addr, Some("localhost"), true).session_reused());
    server.join();
}

/// The PSK identities (TLS 1.3 tickets) a ClientHello offers: its
/// `pre_shared_key` extension (RFC 8446 section 4.2.11).
fn psk_identities(hello: &[u8]) -> Vec<Vec<u8>> {
    let u16_at = |b: &[u8], i: usize| usize::from(u16::from_be_bytes([b[i], b[i + 1]]));
    let mut p = 4 + 2 + 32; // header, legacy_version, random
    p += 1 + usize::from(hello[p]); // legacy_session_id
    p += 2 + u16_at(hello, p); // cipher_suites
    p += 1 + usize::from(hello[p]); // legacy_compression_methods
    let end = p + 2 + u16_at(hello, p);
    p += 2;
    let mut ids = Vec::new();
    while p + 4 <= end {
        let (kind, len) = (u16_at(hello, p), u16_at(hello, p + 2));
        let body = &hello[p + 4..p + 4 + len];
        if kind == 41 {
            let ids_end = 2 + u16_at(body, 0);
            let mut q = 2;
            while q < ids_end {
                let n = u16_at(body, q);
                ids.push(body[q + 2..q + 2 + n].to_vec());
                q += 2 + n + 4; // identity, obfuscated_ticket_age
            }
        }
        p += 4 + len;
    }
    ids
}

#[test]
fn many_threads_share_one_context_and_no_ticket_is_offered_twice() {
    const THREADS: usize = 4;
    const EACH: usize = 8;
    let offered = Arc::new(Mutex::new(Vec::<Vec<u8>>::new()));
    let mut sctx = server_ctx(TlsVersion::TLSv1_3);
    let seen = Arc::clone(&offered);
    sctx.set_msg_callback(Some(move |e: &TraceEvent| {
        if e.direction == Direction::Received
            && e.content_type == ContentType::Handshake
            && e.data.first() == Some(&1)
        {
            seen.lock().unwrap().extend(psk_identities(&e.data));
        }
    }));
    let server = MultiServer::start(&sctx, THREADS * EACH);
    let ctx = Arc::new(client_ctx(Some(64)));
    let addr = server.addr;
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let ctx = Arc::clone(&ctx);
            std::thread::spawn(move || resumed(&ctx, addr, &["localhost"; EACH]))
        })
        .collect();
    let client: Vec<bool> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("client thread"))
        .collect();
    let server_side = server.join();
    let resumptions = client.iter().filter(|r| **r).count();
    assert_eq!(
        resumptions,
        server_side.iter().filter(|r| **r).count(),
        "both sides agree"
    );
    // Each thread's later connections find tickets (two per handshake).
    assert!(
        resumptions >= THREADS * (EACH - 2),
        "{resumptions} of {}",
        THREADS * EACH
    );
    let offered = offered.lock().unwrap();
    assert_eq!(
        offered.len(),
        resumptions,
        "one ticket offered per resumption"
    );
    let mut unique = offered.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), offered.len(), "a ticket was offered twice");
}

extern "C" {
    /// `SSL_CTX_set_timeout` (not in `openssl-sys`): the lifetime of the
    /// sessions a context makes.
    fn SSL_CTX_set_timeout(
        ctx: *mut openssl_sys::SSL_CTX,
        t: std::os::raw::c_long,
    ) -> std::os::raw::c_long;
}

#[test]
fn a_tls12_session_is_reused_until_it_expires() {
    // The client's sessions live 2 s (the server would resume its tickets
    // for much longer: 7200 s); after 3 s the cache no longer offers the
    // session.
    let sctx = server_ctx(TlsVersion::TLSv1_2);
    let server = MultiServer::start(&sctx, 4);
    let mut ctx = client_ctx(Some(16));
    ctx.set_openssl_configurator(|b| {
        // SAFETY: `b` is a live SSL_CTX; the call only stores the value.
        unsafe { SSL_CTX_set_timeout(b.as_ptr(), 2) };
        Ok(())
    });
    let early = resumed(&ctx, server.addr, &["localhost"; 3]);
    assert_eq!(early, [false, true, true]);
    std::thread::sleep(std::time::Duration::from_millis(3100));
    assert_eq!(resumed(&ctx, server.addr, &["localhost"]), [false]);
    assert_eq!(server.join(), [false, true, true, false]);
}

#[test]
fn the_async_stream_resumes_from_the_cache_too() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = MultiServer::start(&server_ctx(TlsVersion::TLSv1_3), 2);
    let ctx = client_ctx(Some(16));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let got = rt.block_on(async {
        let mut reused = Vec::new();
        for _ in 0..2 {
            let tcp = tokio::net::TcpStream::connect(server.addr).await.unwrap();
            let opts = WrapOptions::default().server_hostname("localhost");
            let connect = sslwrap::asyncio::start_tls(tcp, &ctx, opts);
            let mut s = tokio::time::timeout(IO_TIMEOUT, connect)
                .await
                .expect("handshake within the timeout")
                .unwrap();
            s.write_all(b"ping").await.unwrap();
            let mut buf = [0; 4];
            tokio::time::timeout(IO_TIMEOUT, s.read_exact(&mut buf))
                .await
                .expect("echo within the timeout")
                .unwrap();
            reused.push(s.session_reused());
        }
        reused
    });
    assert_eq!(got, [false, true]);
    assert_eq!(server.join(), [false, true]);
}
