//! `sslwrap::asyncio` against CPython's `Lib/test/test_asyncio/test_ssl.py`
//! (3.11.7): each test names the one it ports. CPython's peers are threads
//! with blocking `ssl` sockets (`tcp_server(server_prog)`); here they are
//! threads with blocking [`SslSocket`]s (and, where CPython pumps an
//! `SSLObject` by hand, an [`SslObject`]). Contexts and certificates are
//! CPython's (`ssl_cert.pem`/`ssl_key.pem`, `test_utils.ONLYCERT`/`ONLYKEY`).
//!
//! Every test runs under [`bounded`] (15 s), every blocking socket has a
//! read and write timeout, every thread is joined off the runtime. Nothing
//! waits by sleeping: peers signal over channels.

mod common;

use std::future::Future;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener as StdListener, TcpStream as StdStream};
use std::panic::resume_unwind;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use sslwrap::asyncio::{self, SslStream};
use sslwrap::{
    create_default_context, MemoryBio, Purpose, SslContext, SslError, SslErrorKind, SslSocket,
    WrapOptions, CERT_NONE, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER,
};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, oneshot};

/// The bound of a whole test.
const LIMIT: Duration = Duration::from_secs(15);
/// The read and write timeout of every blocking socket.
const IO_TIMEOUT: Duration = Duration::from_secs(10);
/// CPython's `support.SHORT_TIMEOUT` stand-in, for handshakes that must
/// succeed.
const SHORT: Duration = Duration::from_secs(10);
/// `1024 * BUF_MULTIPLIER` (1024 on Linux).
const BUF: usize = 1024 * 1024;
/// `TestSSL.PAYLOAD_SIZE`.
const PAYLOAD_SIZE: usize = 1024 * 100;

/// Fails the test if `f` has not finished within [`LIMIT`].
async fn bounded<F: Future>(f: F) -> F::Output {
    tokio::time::timeout(LIMIT, f)
        .await
        .expect("the test did not finish in time")
}

// --- contexts (CPython's) ---------------------------------------------------

/// `_create_server_ssl_context(ONLYCERT, ONLYKEY)`.
fn server_ctx() -> SslContext {
    let mut c = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    c.load_cert_chain(
        &common::certdata("ssl_cert.pem"),
        Some(&common::certdata("ssl_key.pem")),
        None,
    )
    .unwrap();
    c
}

/// `_create_client_ssl_context()`: the default context, verifying
/// nothing.
fn client_ctx() -> SslContext {
    let mut c = create_default_context(Purpose::ServerAuth).unwrap();
    c.set_check_hostname(false).unwrap();
    c.set_verify_mode(CERT_NONE).unwrap();
    c
}

/// `_create_client_ssl_context(disable_verify=False)`: verifying the
/// chain against the system's CAs (which do not include CPython's test
/// certificates), no name check.
fn verifying_client_ctx() -> SslContext {
    let mut c = create_default_context(Purpose::ServerAuth).unwrap();
    c.set_check_hostname(false).unwrap();
    c
}

/// `test_utils.simple_client_sslcontext()`.
fn simple_client_ctx() -> SslContext {
    let mut c = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    c.set_check_hostname(false).unwrap();
    c.set_verify_mode(CERT_NONE).unwrap();
    c
}

/// `test_utils.simple_server_sslcontext()` (a server verifies nothing by
/// default).
fn simple_server_ctx() -> SslContext {
    server_ctx()
}

/// Client options as CPython's tests pass them: `server_hostname=''`.
fn no_name() -> WrapOptions {
    WrapOptions::default().server_hostname("")
}

// --- blocking peers (CPython's TestThreadedServer / TestThreadedClient) ----

/// A loopback listener whose thread accepts `clients` connections and runs
/// `prog` on each in a thread of its own (CPython's `tcp_server`).
struct ThreadServer {
    addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

fn tcp_server(clients: usize, prog: impl Fn(StdStream) + Send + Sync + 'static) -> ThreadServer {
    let listener = StdListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    listener.set_nonblocking(true).unwrap();
    let prog = Arc::new(prog);
    let thread = std::thread::spawn(move || {
        let deadline = Instant::now() + LIMIT;
        let mut running = Vec::new();
        while running.len() < clients {
            match listener.accept() {
                Ok((tcp, _)) => {
                    tcp.set_nonblocking(false).unwrap();
                    tcp.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
                    tcp.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
                    let prog = Arc::clone(&prog);
                    running.push(std::thread::spawn(move || prog(tcp)));
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    assert!(
                        Instant::now() < deadline,
                        "only {} clients came",
                        running.len()
                    );
                    // The poll interval of a non-blocking accept.
                    std::thread::sleep(Duration::from_millis(2));
                }
                Err(e) => panic!("accept: {e}"),
            }
        }
        for t in running {
            if let Err(panic) = t.join() {
                resume_unwind(panic);
            }
        }
    });
    ThreadServer {
        addr,
        thread: Some(thread),
    }
}

impl ThreadServer {
    fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Waits (off the runtime's thread) for every client's `prog`, failing
    /// the test with a `prog`'s panic.
    async fn join(mut self) {
        join_thread(self.thread.take().unwrap()).await;
    }
}

/// A blocking client thread (CPython's `tcp_client(client_prog)`), its
/// socket with timeouts.
fn tcp_client(addr: SocketAddr, prog: impl FnOnce(StdStream) + Send + 'static) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let tcp = StdStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        tcp.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
        prog(tcp)
    })
}

async fn join_thread(t: JoinHandle<()>) {
    let joined = tokio::task::spawn_blocking(move || t.join()).await.unwrap();
    if let Err(panic) = joined {
        resume_unwind(panic);
    }
}

/// `sock.starttls(ctx, server_side=True)`.
fn wrap_server(tcp: StdStream, ctx: &SslContext) -> SslSocket<StdStream> {
    ctx.wrap_socket(tcp, WrapOptions::default().server_side(true))
        .unwrap()
}

/// `sock.recv_all(n)`.
fn recv_all(s: &mut impl Read, n: usize) -> Vec<u8> {
    let mut buf = vec![0; n];
    s.read_exact(&mut buf).unwrap();
    buf
}

/// Reads until the peer ends the stream (EOF, or an error such as a
/// reset, which CPython's servers also take as the end).
fn read_until_closed(s: &mut impl Read) {
    let mut buf = [0; 65536];
    while let Ok(1..) = s.read(&mut buf) {}
}

// --- async helpers ------------------------------------------------------------

async fn read_n<S: AsyncRead + Unpin>(s: &mut S, n: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0; n];
    s.read_exact(&mut buf).await?;
    Ok(buf)
}

async fn read_line<S: AsyncRead + Unpin>(s: &mut S) -> std::io::Result<Vec<u8>> {
    let mut line = Vec::new();
    while !line.ends_with(b"\n") {
        let mut byte = [0];
        if s.read(&mut byte).await? == 0 {
            break;
        }
        line.push(byte[0]);
    }
    Ok(line)
}

/// What a test compares between the async and the blocking client.
fn summary(
    e: &SslError,
) -> (
    SslErrorKind,
    &'static str,
    Option<&str>,
    Option<i64>,
    String,
) {
    (
        e.kind(),
        e.python_class(),
        e.reason(),
        e.verify_code(),
        e.to_string(),
    )
}

fn check(cond: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if cond {
        Ok(())
    } else {
        Err(what())
    }
}

// --- the ports ----------------------------------------------------------------

/// CPython test_asyncio/test_ssl.py: TestSSL.test_create_server_ssl_1
#[tokio::test]
async fn create_server_ssl_1() {
    const TOTAL: usize = 25;
    bounded(async {
        let (done, mut finished) = mpsc::unbounded_channel();
        let opts = WrapOptions::default().ssl_handshake_timeout(SHORT);
        let server = asyncio::start_server(&server_ctx(), "127.0.0.1:0", opts, move |s, _| {
            let done = done.clone();
            async move {
                let _ = done.send(handle_client(s).await);
            }
        })
        .await
        .unwrap();
        assert!(server.is_serving());
        let addr = server.local_addr();

        async fn handle_client(mut s: SslStream<TcpStream>) -> Result<(), String> {
            let e = |e: std::io::Error| e.to_string();
            let data = read_n(&mut s, BUF).await.map_err(e)?;
            check(data == vec![b'A'; BUF], || "A_DATA".into())?;
            s.write_all(b"OK").await.map_err(e)?;
            let data = read_n(&mut s, BUF).await.map_err(e)?;
            check(data == vec![b'B'; BUF], || "B_DATA".into())?;
            // writer.writelines([b'SP', bytearray(b'A'), memoryview(b'M')])
            for part in [&b"SP"[..], b"A", b"M"] {
                s.write_all(part).await.map_err(e)?;
            }
            s.flush().await.map_err(e)?;
            s.shutdown().await.map_err(e)
        }

        let clients: Vec<_> = (0..TOTAL)
            .map(|_| {
                tcp_client(addr, |tcp| {
                    let mut s = client_ctx()
                        .wrap_socket(tcp, WrapOptions::default())
                        .unwrap();
                    s.write_all(&vec![b'A'; BUF]).unwrap();
                    assert_eq!(recv_all(&mut s, 2), b"OK");
                    s.write_all(&vec![b'B'; BUF]).unwrap();
                    assert_eq!(recv_all(&mut s, 4), b"SPAM");
                })
            })
            .collect();
        for c in clients {
            join_thread(c).await;
        }
        for _ in 0..TOTAL {
            finished.recv().await.unwrap().unwrap();
        }
        server.close();
        assert!(!server.is_serving());
    })
    .await
}

/// CPython test_asyncio/test_ssl.py: TestSSL.test_create_connection_ssl_1
/// (both `client`, through `open_connection`, and `client_sock`, through
/// `start_tls` on a connected socket).
#[tokio::test]
async fn create_connection_ssl_1() {
    const TOTAL: usize = 25;
    bounded(async {
        for with_sock in [false, true] {
            let server = tcp_server(TOTAL, |tcp| {
                let mut s = wrap_server(tcp, &server_ctx());
                assert_eq!(recv_all(&mut s, BUF), vec![b'A'; BUF]);
                s.write_all(b"OK").unwrap();
                assert_eq!(recv_all(&mut s, BUF), vec![b'B'; BUF]);
                s.write_all(b"SPAM").unwrap();
            });
            let ctx = Arc::new(client_ctx());
            let addr = server.addr;
            let clients: Vec<_> = (0..TOTAL)
                .map(|_| {
                    let ctx = Arc::clone(&ctx);
                    tokio::spawn(async move {
                        let opts = no_name().ssl_handshake_timeout(SHORT);
                        let mut s = if with_sock {
                            let tcp = TcpStream::connect(addr).await.unwrap();
                            asyncio::start_tls(tcp, &ctx, opts).await.unwrap()
                        } else {
                            asyncio::open_connection("127.0.0.1", addr.port(), &ctx, opts)
                                .await
                                .unwrap()
                        };
                        s.write_all(&vec![b'A'; BUF]).await.unwrap();
                        assert_eq!(read_n(&mut s, 2).await.unwrap(), b"OK");
                        s.write_all(&vec![b'B'; BUF]).await.unwrap();
                        assert_eq!(read_n(&mut s, 4).await.unwrap(), b"SPAM");
                        // writer.close(): the server may be gone already.
                        let _ = s.shutdown().await;
                    })
                })
                .collect();
            for c in clients {
                c.await.unwrap();
            }
            server.join().await;
        }
    })
    .await
}

/// CPython test_asyncio/test_ssl.py:
/// TestSSL.test_create_connection_ssl_slow_handshake
#[tokio::test]
async fn create_connection_ssl_slow_handshake() {
    bounded(async {
        // The server reads and never answers, until the client aborts.
        let server = tcp_server(1, |mut tcp| read_until_closed(&mut tcp));
        let opts = no_name().ssl_handshake_timeout(Duration::from_secs(1));
        let start = Instant::now();
        let err = asyncio::open_connection("127.0.0.1", server.port(), &client_ctx(), opts)
            .await
            .unwrap_err();
        assert!(start.elapsed() >= Duration::from_secs(1));
        assert_eq!(err.kind(), SslErrorKind::Timeout);
        // asyncio: ConnectionAbortedError, r'SSL handshake.*is taking longer'
        assert_eq!(
            err.to_string(),
            "SSL handshake is taking longer than 1.0 seconds: aborting the connection"
        );
        server.join().await;
    })
    .await
}

/// CPython test_asyncio/test_ssl.py:
/// TestSSL.test_create_connection_ssl_failed_certificate; the error is the
/// blocking socket's for the same server.
#[tokio::test]
async fn create_connection_ssl_failed_certificate() {
    bounded(async {
        let server = tcp_server(2, |tcp| {
            let _ = server_ctx().wrap_socket(tcp, WrapOptions::default().server_side(true));
        });
        let ctx = verifying_client_ctx();
        let opts = no_name().ssl_handshake_timeout(SHORT);
        let err = asyncio::open_connection("127.0.0.1", server.port(), &ctx, opts)
            .await
            .unwrap_err();
        assert_eq!(err.kind(), SslErrorKind::CertVerification);
        // X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: ssl_cert.pem is self-signed.
        assert_eq!(err.verify_code(), Some(18), "{err}");
        let blocking = {
            let tcp = StdStream::connect(server.addr).unwrap();
            tcp.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
            tokio::task::spawn_blocking(move || ctx.wrap_socket(tcp, WrapOptions::default()))
                .await
                .unwrap()
                .unwrap_err()
        };
        assert_eq!(summary(&err), summary(&blocking));
        assert_eq!(err.verify_message(), blocking.verify_message());
        server.join().await;
    })
    .await
}

/// The hostname mismatch of a verifying client: the blocking socket's
/// error (kind, verify code and Python's message).
#[tokio::test]
async fn hostname_mismatch_is_the_blocking_sockets_error() {
    bounded(async {
        let server = tcp_server(2, |tcp| {
            let _ = common::cpython_server_ctx()
                .wrap_socket(tcp, WrapOptions::default().server_side(true));
        });
        let ctx = common::cpython_client_ctx();
        let opts = || WrapOptions::default().server_hostname("wrong.example.org");
        let err = asyncio::open_connection("127.0.0.1", server.port(), &ctx, opts())
            .await
            .unwrap_err();
        let tcp = StdStream::connect(server.addr).unwrap();
        tcp.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        let blocking = tokio::task::spawn_blocking(move || ctx.wrap_socket(tcp, opts()))
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(err.kind(), SslErrorKind::CertVerification);
        assert_eq!(
            err.verify_message(),
            Some("Hostname mismatch, certificate is not valid for 'wrong.example.org'.")
        );
        assert_eq!(summary(&err), summary(&blocking));
        server.join().await;
    })
    .await
}

/// CPython test_asyncio/test_ssl.py: TestSSL.test_ssl_handshake_timeout
/// (`asyncio.wait_for(create_connection(...), 0.5)`: cancelled, and the
/// server sees the connection aborted).
#[tokio::test]
async fn ssl_handshake_timeout() {
    bounded(async {
        let aborted = Arc::new(Mutex::new(false));
        let seen = Arc::clone(&aborted);
        let server = tcp_server(1, move |mut tcp| {
            read_until_closed(&mut tcp);
            *seen.lock().unwrap() = true;
        });
        let opts = WrapOptions::default().ssl_handshake_timeout(Duration::from_secs(10));
        let ctx = simple_client_ctx();
        let connect = asyncio::open_connection("127.0.0.1", server.port(), &ctx, opts);
        let r = tokio::time::timeout(Duration::from_millis(500), connect).await;
        assert!(r.is_err(), "the handshake should still be running");
        server.join().await;
        assert!(*aborted.lock().unwrap());
    })
    .await
}

/// CPython test_asyncio/test_ssl.py: TestSSL.test_ssl_handshake_connection_lost.
/// The error is the blocking socket's for the same peer (asyncio says
/// `ConnectionResetError`; see `start_tls`'s "Differences from Python").
#[tokio::test]
async fn ssl_handshake_connection_lost() {
    bounded(async {
        let server = tcp_server(2, |mut tcp| {
            // Read the whole ClientHello record (CPython reads 1024 bytes:
            // OpenSSL 3.0's is 297, but 3.6's, with its X25519MLKEM768 key
            // share, is 1522; closing with bytes unread would send a reset,
            // not the EOF this test is about), then break the connection
            // during the handshake.
            let mut header = [0; 5];
            if tcp.read_exact(&mut header).is_ok() {
                let len = usize::from(u16::from_be_bytes([header[3], header[4]]));
                let _ = tcp.read_exact(&mut vec![0; len]);
            }
        });
        let ctx = simple_client_ctx();
        let err = asyncio::open_connection("127.0.0.1", server.port(), &ctx, no_name())
            .await
            .unwrap_err();
        let tcp = StdStream::connect(server.addr).unwrap();
        tcp.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        let blocking =
            tokio::task::spawn_blocking(move || ctx.wrap_socket(tcp, WrapOptions::default()))
                .await
                .unwrap()
                .unwrap_err();
        assert_eq!(err.kind(), SslErrorKind::Eof, "{err}");
        assert_eq!(summary(&err), summary(&blocking));
        server.join().await;
    })
    .await
}

/// CPython test_asyncio/test_ssl.py: TestSSL.test_start_tls_client_corrupted_ssl;
/// the error is the blocking socket's for the same bytes.
#[tokio::test]
async fn start_tls_client_corrupted_ssl() {
    bounded(async {
        let server = tcp_server(2, |tcp| {
            let mut raw = tcp.try_clone().unwrap();
            let mut s = wrap_server(tcp, &simple_server_ctx());
            s.write_all(b"A\n").unwrap();
            recv_all(&mut s, 1);
            raw.write_all(b"please corrupt the SSL connection").unwrap();
        });
        let ctx = simple_client_ctx();
        let mut s = asyncio::open_connection("127.0.0.1", server.port(), &ctx, no_name())
            .await
            .unwrap();
        assert_eq!(read_line(&mut s).await.unwrap(), b"A\n");
        s.write_all(b"B").await.unwrap();
        let err = SslError::from(read_line(&mut s).await.unwrap_err());
        assert_eq!(err.kind(), SslErrorKind::Ssl, "{err}");
        let _ = s.shutdown().await; // writer.close(), which may fail too

        let tcp = StdStream::connect(server.addr).unwrap();
        tcp.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
        let blocking = tokio::task::spawn_blocking(move || {
            let mut s = ctx.wrap_socket(tcp, WrapOptions::default()).unwrap();
            assert_eq!(recv_all(&mut s, 2), b"A\n");
            s.write_all(b"B").unwrap();
            SslError::from(s.read(&mut [0; 10]).unwrap_err())
        })
        .await
        .unwrap();
        assert_eq!(summary(&err), summary(&blocking));
        server.join().await;
    })
    .await
}

/// CPython test_asyncio/test_ssl.py: TestSSL.test_start_tls_client_buf_proto_1
/// (STARTTLS after cleartext; the first reads into a one-byte buffer, as
/// its `BufferedProtocol`).
#[tokio::test]
async fn start_tls_client_buf_proto_1() {
    bounded(async {
        let hello = vec![b'1'; PAYLOAD_SIZE];
        let server = tcp_server(1, |mut tcp| {
            assert_eq!(recv_all(&mut tcp, PAYLOAD_SIZE).len(), PAYLOAD_SIZE);
            let mut s = wrap_server(tcp, &simple_server_ctx());
            s.write_all(b"O").unwrap();
            assert_eq!(recv_all(&mut s, PAYLOAD_SIZE).len(), PAYLOAD_SIZE);
            s.write_all(b"2").unwrap();
            assert_eq!(recv_all(&mut s, PAYLOAD_SIZE).len(), PAYLOAD_SIZE);
            s.unwrap().unwrap();
        });
        let mut tcp = TcpStream::connect(server.addr).await.unwrap();
        tcp.write_all(&hello).await.unwrap();
        let mut s = asyncio::start_tls(tcp, &simple_client_ctx(), WrapOptions::default())
            .await
            .unwrap();
        let mut one = [0u8; 1];
        assert_eq!(s.read(&mut one).await.unwrap(), 1);
        assert_eq!(&one, b"O");
        s.write_all(&hello).await.unwrap();
        assert_eq!(s.read(&mut one).await.unwrap(), 1);
        assert_eq!(&one, b"2");
        s.write_all(&hello).await.unwrap();
        // eof_received: the server's close_notify.
        assert_eq!(s.read(&mut one).await.unwrap(), 0);
        s.shutdown().await.unwrap();
        server.join().await;
    })
    .await
}

/// CPython test_asyncio/test_ssl.py: TestSSL.test_start_tls_client_reg_proto_1
/// (STARTTLS after cleartext with a plain `Protocol`: the server upgrades
/// after reading the cleartext, sends b'O', reads the payload over TLS and
/// unwraps; the client sees its close_notify as EOF).
#[tokio::test]
async fn start_tls_client_reg_proto_1() {
    bounded(async {
        let hello = vec![b'1'; PAYLOAD_SIZE];
        let server = tcp_server(1, |mut tcp| {
            assert_eq!(recv_all(&mut tcp, PAYLOAD_SIZE).len(), PAYLOAD_SIZE);
            let mut s = wrap_server(tcp, &simple_server_ctx());
            s.write_all(b"O").unwrap();
            assert_eq!(recv_all(&mut s, PAYLOAD_SIZE).len(), PAYLOAD_SIZE);
            s.unwrap().unwrap();
        });
        let mut tcp = TcpStream::connect(server.addr).await.unwrap();
        tcp.write_all(&hello).await.unwrap();
        let mut s = asyncio::start_tls(tcp, &simple_client_ctx(), WrapOptions::default())
            .await
            .unwrap();
        // data_received: b'O' (all there is before the payload's answer).
        let mut buf = [0u8; 16];
        assert_eq!(s.read(&mut buf).await.unwrap(), 1);
        assert_eq!(&buf[..1], b"O");
        s.write_all(&hello).await.unwrap();
        // eof_received: the server's close_notify.
        assert_eq!(s.read(&mut buf).await.unwrap(), 0);
        s.shutdown().await.unwrap();
        server.join().await;
    })
    .await
}

/// CPython test_asyncio/test_ssl.py: TestSSL.test_ssl_connect_accepted_socket:
/// TLS on a socket accepted by hand (`loop.connect_accepted_socket(...,
/// ssl=server_context, ssl_handshake_timeout=SHORT_TIMEOUT)`; here
/// `start_tls` server side over the accepted stream). A client thread with
/// a blocking TLS socket sends b'test data' and reads b'roger'. (In 3.11.7
/// the test builds the contexts and stops: its call of
/// `test_connect_accepted_socket(server_context, client_context)` was
/// lost upstream; this is what that call runs.)
#[tokio::test]
async fn ssl_connect_accepted_socket() {
    bounded(async {
        let lsock = StdListener::bind("127.0.0.1:0").unwrap();
        let addr = lsock.local_addr().unwrap();
        let message = b"test data";
        let expected_response = b"roger";
        let response = Arc::new(Mutex::new(None));
        let got = Arc::clone(&response);
        let client = tcp_client(addr, move |tcp| {
            let mut s = simple_client_ctx()
                .wrap_socket(tcp, WrapOptions::default())
                .unwrap();
            s.write_all(message).unwrap();
            let mut buf = [0u8; 99];
            let n = s.read(&mut buf).unwrap();
            *got.lock().unwrap() = Some(buf[..n].to_vec());
        });
        let (conn, _) = tokio::task::spawn_blocking(move || lsock.accept())
            .await
            .unwrap()
            .unwrap();
        conn.set_nonblocking(true).unwrap();
        let conn = TcpStream::from_std(conn).unwrap();
        let mut tr = asyncio::start_tls(
            conn,
            &server_ctx(),
            WrapOptions::default()
                .server_side(true)
                .ssl_handshake_timeout(SHORT),
        )
        .await
        .unwrap();
        let data = read_n(&mut tr, message.len()).await.unwrap();
        assert_eq!(data, message);
        tr.write_all(expected_response).await.unwrap();
        tr.flush().await.unwrap();
        join_thread(client).await;
        assert_eq!(
            response.lock().unwrap().as_deref(),
            Some(&expected_response[..])
        );
        // connection_lost: the client closed.
        let mut rest = Vec::new();
        let _ = tr.read_to_end(&mut rest).await;
        assert!(rest.is_empty());
    })
    .await
}

/// CPython test_asyncio/test_ssl.py: TestSSL.test_start_tls_slow_client_cancel
/// (`asyncio.wait_for(loop.start_tls(...), 0.5)` against a server that
/// never answers: cancelled, the connection dropped, nothing left over).
#[tokio::test]
async fn start_tls_slow_client_cancel() {
    bounded(async {
        let (waits_on_handshake, server_waits) = oneshot::channel();
        let waits_on_handshake = Mutex::new(Some(waits_on_handshake));
        let server = tcp_server(1, move |mut tcp| {
            assert_eq!(recv_all(&mut tcp, PAYLOAD_SIZE).len(), PAYLOAD_SIZE);
            let _ = waits_on_handshake.lock().unwrap().take().unwrap().send(());
            read_until_closed(&mut tcp);
        });
        let mut tcp = TcpStream::connect(server.addr).await.unwrap();
        tcp.write_all(&vec![b'1'; PAYLOAD_SIZE]).await.unwrap();
        server_waits.await.unwrap();
        let ctx = simple_client_ctx();
        let start_tls = asyncio::start_tls(tcp, &ctx, WrapOptions::default());
        let r = tokio::time::timeout(Duration::from_millis(500), start_tls).await;
        assert!(r.is_err(), "start_tls should still be waiting");
        // The server saw the connection end when the future was dropped.
        server.join().await;
        tokio::task::yield_now().await;
    })
    .await
}

/// CPython test_asyncio/test_ssl.py: TestSSL.test_start_tls_server_1
/// (the server upgrades after sending cleartext; the client unwraps).
#[tokio::test]
async fn start_tls_server_1() {
    bounded(async {
        let hello = vec![b'1'; PAYLOAD_SIZE];
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let client = tcp_client(listener.local_addr().unwrap(), |mut tcp| {
            assert_eq!(recv_all(&mut tcp, PAYLOAD_SIZE).len(), PAYLOAD_SIZE);
            let mut s = simple_client_ctx()
                .wrap_socket(tcp, WrapOptions::default())
                .unwrap();
            s.write_all(&vec![b'1'; PAYLOAD_SIZE]).unwrap();
            s.unwrap().unwrap();
        });
        let (mut tcp, _) = listener.accept().await.unwrap();
        tcp.write_all(&hello).await.unwrap();
        let opts = WrapOptions::default()
            .server_side(true)
            .ssl_handshake_timeout(SHORT);
        let mut s = asyncio::start_tls(tcp, &simple_server_ctx(), opts)
            .await
            .unwrap();
        assert!(s.server_side());
        let mut data = Vec::new();
        s.read_to_end(&mut data).await.unwrap(); // until eof_received
        assert_eq!(data, hello);
        s.shutdown().await.unwrap(); // new_tr.close()
        join_thread(client).await;
    })
    .await
}

/// CPython test_asyncio/test_ssl.py: TestSSL.test_create_server_ssl_over_ssl
/// (TLS inside TLS: `SslStream<SslStream<TcpStream>>` on both ends; the
/// client unwraps the inner session and reads the outer one to its end).
#[tokio::test]
async fn create_server_ssl_over_ssl() {
    const TOTAL: usize = 25;
    bounded(async {
        let mut listener =
            asyncio::SslListener::bind("127.0.0.1:0", &server_ctx(), WrapOptions::default())
                .await
                .unwrap();
        let port = listener.local_addr().unwrap().port();
        let ctx_2 = Arc::new(server_ctx());
        let (done, mut finished) = mpsc::unbounded_channel();
        let serve = tokio::spawn(async move {
            for _ in 0..TOTAL {
                let (outer, _) = listener.accept().await.unwrap();
                let ctx_2 = Arc::clone(&ctx_2);
                let done = done.clone();
                tokio::spawn(async move {
                    let inner_opts = WrapOptions::default().server_side(true);
                    let mut s = asyncio::start_tls(outer, &ctx_2, inner_opts).await.unwrap();
                    let r = async {
                        assert_eq!(read_n(&mut s, BUF).await?, vec![b'A'; BUF]);
                        s.write_all(b"OK").await?;
                        assert_eq!(read_n(&mut s, BUF).await?, vec![b'B'; BUF]);
                        for part in [&b"SP"[..], b"A", b"M"] {
                            s.write_all(part).await?;
                        }
                        s.shutdown().await
                    };
                    let _ = done.send(r.await.map_err(|e| e.to_string()));
                });
            }
        });
        let ctx_1 = Arc::new(client_ctx());
        let ctx_2 = Arc::new(client_ctx());
        let clients: Vec<_> = (0..TOTAL)
            .map(|_| {
                let (ctx_1, ctx_2) = (Arc::clone(&ctx_1), Arc::clone(&ctx_2));
                tokio::spawn(async move {
                    let outer = asyncio::open_connection("127.0.0.1", port, &ctx_1, no_name())
                        .await
                        .unwrap();
                    let mut s = asyncio::start_tls(outer, &ctx_2, WrapOptions::default())
                        .await
                        .unwrap();
                    s.write_all(&vec![b'A'; BUF]).await.unwrap();
                    assert_eq!(read_n(&mut s, 2).await.unwrap(), b"OK");
                    s.write_all(&vec![b'B'; BUF]).await.unwrap();
                    let mut data = Vec::new();
                    s.read_to_end(&mut data).await.unwrap();
                    assert_eq!(data, b"SPAM");
                    // do(sslobj.unwrap): back to the outer TLS session.
                    let (mut outer, rest) = s.unwrap().await.unwrap();
                    assert!(rest.is_empty());
                    assert_eq!(outer.version().as_deref(), Some("TLSv1.3"));
                    let mut tail = Vec::new();
                    outer.read_to_end(&mut tail).await.unwrap();
                    assert!(tail.is_empty());
                })
            })
            .collect();
        for c in clients {
            c.await.unwrap();
        }
        for _ in 0..TOTAL {
            finished.recv().await.unwrap().unwrap();
        }
        serve.await.unwrap();
    })
    .await
}

/// CPython test_asyncio/test_ssl.py: TestSSL.test_shutdown_cleanly
#[tokio::test]
async fn shutdown_cleanly() {
    const TOTAL: usize = 25;
    bounded(async {
        let server = tcp_server(TOTAL, |tcp| {
            let mut s = wrap_server(tcp, &server_ctx());
            assert_eq!(recv_all(&mut s, BUF), vec![b'A'; BUF]);
            s.write_all(b"OK").unwrap();
            s.unwrap().unwrap();
        });
        let ctx = Arc::new(client_ctx());
        let port = server.port();
        let clients: Vec<_> = (0..TOTAL)
            .map(|_| {
                let ctx = Arc::clone(&ctx);
                tokio::spawn(async move {
                    let opts = no_name().ssl_handshake_timeout(SHORT);
                    let mut s = asyncio::open_connection("127.0.0.1", port, &ctx, opts)
                        .await
                        .unwrap();
                    s.write_all(&vec![b'A'; BUF]).await.unwrap();
                    assert_eq!(read_n(&mut s, 2).await.unwrap(), b"OK");
                    assert_eq!(s.read(&mut [0; 100]).await.unwrap(), 0);
                    s.shutdown().await.unwrap();
                })
            })
            .collect();
        for c in clients {
            c.await.unwrap();
        }
        server.join().await;
    })
    .await
}

/// CPython test_asyncio/test_ssl.py: TestSSL.test_flush_before_shutdown
/// (4 MiB written, then closed: all of it reaches the server before a
/// clean close_notify).
#[tokio::test]
async fn flush_before_shutdown() {
    const CHUNK: usize = 1024 * 128;
    const SIZE: usize = 32;
    bounded(async {
        let server = tcp_server(1, |tcp| {
            let mut s = server_ctx()
                .wrap_socket(
                    tcp,
                    WrapOptions::default()
                        .server_side(true)
                        .suppress_ragged_eofs(false),
                )
                .unwrap();
            assert_eq!(recv_all(&mut s, 4), b"ping");
            s.write_all(b"pong").unwrap();
            assert_eq!(recv_all(&mut s, CHUNK * SIZE).len(), CHUNK * SIZE);
            // A clean end (close_notify), not a ragged EOF.
            assert_eq!(s.read(&mut [0; 10]).unwrap(), 0);
        });
        let mut s = asyncio::open_connection("127.0.0.1", server.port(), &client_ctx(), no_name())
            .await
            .unwrap();
        s.write_all(b"ping").await.unwrap();
        assert_eq!(read_n(&mut s, 4).await.unwrap(), b"pong");
        for _ in 0..SIZE {
            s.write_all(&vec![b'x'; CHUNK]).await.unwrap();
        }
        s.shutdown().await.unwrap();
        let mut rest = Vec::new();
        match s.read_to_end(&mut rest).await {
            Ok(_) => assert!(rest.is_empty()),
            Err(e) => assert_eq!(e.kind(), std::io::ErrorKind::ConnectionReset, "{e}"),
        }
        server.join().await;
    })
    .await
}

/// CPython test_asyncio/test_ssl.py:
/// TestSSL.test_remote_shutdown_receives_trailing_data, first server: an
/// `SslObject` pumped by hand sends close_notify without waiting, and must
/// still receive all the client writes after it (which the client's reader
/// half sees as end of stream while its writer half goes on).
#[tokio::test]
async fn remote_shutdown_receives_trailing_data() {
    const CHUNK: usize = 1024 * 128;
    const SIZE: usize = 32;
    bounded(async {
        let server = tcp_server(1, |mut sock| {
            let ctx = server_ctx();
            let mut obj = ctx
                .wrap_bio(
                    MemoryBio::new(),
                    MemoryBio::new(),
                    WrapOptions::default().server_side(true),
                )
                .unwrap();
            let mut buf = vec![0; 16384];
            let mut feed = |sock: &mut StdStream, obj: &sslwrap::SslObject| {
                let n = sock.read(&mut buf).unwrap();
                if n == 0 {
                    obj.incoming().write_eof();
                } else {
                    obj.incoming().write(&buf[..n]).unwrap();
                }
            };
            let send = |sock: &mut StdStream, obj: &sslwrap::SslObject| {
                sock.write_all(&obj.outgoing().read(None)).unwrap();
            };
            loop {
                match obj.do_handshake() {
                    Ok(()) => break send(&mut sock, &obj),
                    Err(e) if e.kind() == SslErrorKind::WantRead => {
                        send(&mut sock, &obj);
                        feed(&mut sock, &obj);
                    }
                    Err(e) => panic!("{e}"),
                }
            }
            let data = loop {
                match obj.read(4) {
                    Ok(d) => break d,
                    Err(e) if e.kind() == SslErrorKind::WantRead => feed(&mut sock, &obj),
                    Err(e) => panic!("{e}"),
                }
            };
            assert_eq!(data, b"ping");
            obj.write(b"pong").unwrap();
            send(&mut sock, &obj);
            // send close_notify but don't wait for response
            assert_eq!(obj.unwrap().unwrap_err().kind(), SslErrorKind::WantRead);
            send(&mut sock, &obj);
            // should receive all data
            let mut total = 0;
            loop {
                match obj.read(16384) {
                    Ok(d) if d.is_empty() => break,
                    Ok(d) => total += d.len(),
                    Err(e) if e.kind() == SslErrorKind::WantRead => feed(&mut sock, &obj),
                    Err(e) if e.kind() == SslErrorKind::ZeroReturn => break,
                    Err(e) => panic!("{e}"),
                }
            }
            assert_eq!(total, CHUNK * SIZE);
            // verify that close_notify is received
            obj.unwrap().unwrap();
        });
        let mut s = asyncio::open_connection("127.0.0.1", server.port(), &client_ctx(), no_name())
            .await
            .unwrap();
        s.write_all(b"ping").await.unwrap();
        assert_eq!(read_n(&mut s, 4).await.unwrap(), b"pong");
        let (mut reader, mut writer) = tokio::io::split(s);
        let writes = tokio::spawn(async move {
            for _ in 0..SIZE {
                writer.write_all(&vec![b'x'; CHUNK]).await?;
            }
            writer.shutdown().await
        });
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).await.unwrap();
        assert!(rest.is_empty());
        writes.await.unwrap().unwrap();
        server.join().await;
    })
    .await
}

/// CPython test_asyncio/test_ssl.py:
/// TestSSL.test_remote_shutdown_receives_trailing_data, second server
/// (`eof_server`: a TCP half-close, no close_notify). The client writes its
/// data before it reads the EOF: once OpenSSL has read a ragged EOF it
/// fails the session (so it would fail later writes, as the blocking
/// socket's), where asyncio never shows OpenSSL the EOF.
#[tokio::test]
async fn remote_half_close_receives_trailing_data() {
    const CHUNK: usize = 1024 * 128;
    const SIZE: usize = 32;
    bounded(async {
        let server = tcp_server(1, |tcp| {
            let mut s = wrap_server(tcp, &server_ctx());
            assert_eq!(recv_all(&mut s, 4), b"ping");
            s.write_all(b"pong").unwrap();
            s.get_ref().shutdown(Shutdown::Write).unwrap(); // send EOF
            assert_eq!(recv_all(&mut s, CHUNK * SIZE).len(), CHUNK * SIZE);
        });
        let mut s = asyncio::open_connection("127.0.0.1", server.port(), &client_ctx(), no_name())
            .await
            .unwrap();
        s.write_all(b"ping").await.unwrap();
        assert_eq!(read_n(&mut s, 4).await.unwrap(), b"pong");
        for _ in 0..SIZE {
            s.write_all(&vec![b'x'; CHUNK]).await.unwrap();
        }
        // suppress_ragged_eofs (the default): the end of the stream.
        assert_eq!(s.read(&mut [0; 10]).await.unwrap(), 0);
        // No close_notify after a ragged EOF (asyncio skips unwrap()).
        s.shutdown().await.unwrap();
        server.join().await;
    })
    .await
}

/// CPython test_asyncio/test_ssl.py: TestSSL.test_shutdown_timeout_handler_not_set
/// (data, then a TCP half-close from the server while the client is not
/// reading; the client reads both, then closes at once, no shutdown
/// timeout involved).
#[tokio::test]
async fn shutdown_timeout_handler_not_set() {
    bounded(async {
        let (eof_tx, eof) = oneshot::channel();
        let eof_tx = Mutex::new(Some(eof_tx));
        let server = tcp_server(1, move |tcp| {
            let mut s = wrap_server(tcp, &server_ctx());
            s.write_all(b"hello").unwrap();
            assert_eq!(recv_all(&mut s, 5), b"world");
            s.write_all(b"extra bytes").unwrap();
            s.get_ref().shutdown(Shutdown::Write).unwrap(); // sending EOF here
            let _ = eof_tx.lock().unwrap().take().unwrap().send(());
            // make sure we have enough time to reproduce the issue: the
            // client's end. (Not b'' as under asyncio: OpenSSL, shown the
            // ragged EOF, fails the session with a decode_error alert, as
            // for the blocking socket; see the manual's asyncio page.)
            match s.read(&mut [0; 1024]) {
                Ok(n) => assert_eq!(n, 0),
                Err(e) => assert_eq!(SslError::from(e).reason(), Some("TLSV1_ALERT_DECODE_ERROR")),
            }
        });
        let opts = WrapOptions::default().ssl_shutdown_timeout(Duration::from_secs(5));
        let mut s = asyncio::open_connection("127.0.0.1", server.port(), &client_ctx(), opts)
            .await
            .unwrap();
        assert_eq!(read_n(&mut s, 5).await.unwrap(), b"hello");
        s.write_all(b"world").await.unwrap();
        // pause_reading() until the server has sent its EOF
        eof.await.unwrap();
        let mut extra = Vec::new();
        s.read_to_end(&mut extra).await.unwrap();
        assert_eq!(extra, b"extra bytes");
        let start = Instant::now();
        s.shutdown().await.unwrap();
        assert!(start.elapsed() < Duration::from_secs(5));
        server.join().await;
    })
    .await
}

// --- beyond CPython's tests ------------------------------------------------

/// `unwrap` goes back to cleartext on both ends (STARTTLS and back).
#[tokio::test]
async fn unwrap_returns_to_cleartext() {
    bounded(async {
        let server = tcp_server(1, |tcp| {
            let mut s = wrap_server(tcp, &server_ctx());
            assert_eq!(recv_all(&mut s, 5), b"hello");
            let mut tcp = s.unwrap().unwrap();
            tcp.write_all(b"plain").unwrap();
            assert_eq!(recv_all(&mut tcp, 3), b"bye");
        });
        let mut s = asyncio::open_connection("127.0.0.1", server.port(), &client_ctx(), no_name())
            .await
            .unwrap();
        s.write_all(b"hello").await.unwrap();
        let (mut tcp, rest) = s.unwrap().await.unwrap();
        assert!(rest.is_empty());
        assert_eq!(read_n(&mut tcp, 5).await.unwrap(), b"plain");
        tcp.write_all(b"bye").await.unwrap();
        server.join().await;
    })
    .await
}

/// The cleartext that follows the server's close_notify in the same TCP
/// write is still in the stream `unwrap` gives back (OpenSSL reads records
/// exactly, on 3.0 and 3.6 alike, although 3.6's `SSL_has_pending` says 1
/// after a TLS 1.3 close_notify). With read-ahead turned on through
/// `ssl_mut`, OpenSSL reads it into its own buffer: `unwrap` refuses rather
/// than lose it.
#[tokio::test]
async fn unwrap_leaves_the_cleartext_after_close_notify_in_the_stream() {
    bounded(async {
        for read_ahead in [false, true] {
            let server = tcp_server(1, |mut tcp| {
                let opts = WrapOptions::default().server_side(true);
                let mut s = server_ctx()
                    .wrap_bio(MemoryBio::new(), MemoryBio::new(), opts)
                    .unwrap();
                common::memory::pump(&mut s, &mut tcp, |s| s.do_handshake());
                // To the client's close_notify.
                while !common::memory::pump(&mut s, &mut tcp, |s| s.read(1024)).is_empty() {}
                s.unwrap().unwrap();
                // Our close_notify and the cleartext in one write.
                let mut tail = s.outgoing().read(None);
                tail.extend_from_slice(b"plain");
                tcp.write_all(&tail).unwrap();
                // Until the client is done with the connection.
                let _ = tcp.read(&mut [0; 1]);
            });
            let mut s =
                asyncio::open_connection("127.0.0.1", server.port(), &client_ctx(), no_name())
                    .await
                    .unwrap();
            if read_ahead {
                common::set_read_ahead(s.ssl_mut());
                let e = s.unwrap().await.unwrap_err();
                assert_eq!(e.kind(), SslErrorKind::Value, "{e}");
                assert!(e.to_string().contains("read-ahead is on"), "{e}");
            } else {
                let (mut tcp, rest) = s.unwrap().await.unwrap();
                assert!(rest.is_empty());
                assert_eq!(read_n(&mut tcp, 5).await.unwrap(), b"plain");
            }
            server.join().await;
        }
    })
    .await
}

/// `unwrap` against a peer that never sends close_notify: asyncio's
/// shutdown timeout, and its text.
#[tokio::test]
async fn unwrap_times_out() {
    bounded(async {
        let (done_tx, done) = std::sync::mpsc::channel::<()>();
        let done = Mutex::new(done);
        let server = tcp_server(1, move |tcp| {
            let mut s = wrap_server(tcp, &server_ctx());
            assert_eq!(recv_all(&mut s, 5), b"hello");
            // Wait for the client's verdict without reading its
            // close_notify (recv fails when the sender is dropped).
            let _ = done.lock().unwrap().recv();
            read_until_closed(s.get_mut());
        });
        let opts = no_name().ssl_shutdown_timeout(Duration::from_millis(300));
        let mut s = asyncio::open_connection("127.0.0.1", server.port(), &client_ctx(), opts)
            .await
            .unwrap();
        s.write_all(b"hello").await.unwrap();
        let err = s.unwrap().await.unwrap_err();
        assert_eq!(err.kind(), SslErrorKind::Timeout);
        assert_eq!(err.to_string(), "SSL shutdown timed out");
        drop(done_tx);
        server.join().await;
    })
    .await
}

/// `shutdown` (`writer.close()`) past `ssl_shutdown_timeout` when the peer
/// reads nothing: a timeout, and the stream is aborted.
#[tokio::test]
async fn shutdown_times_out_when_the_peer_does_not_read() {
    bounded(async {
        // A one-byte pipe: close_notify cannot go out unless it is read.
        // TLS 1.2, so that the server's handshake ends without the client
        // reading anything more (no TLS 1.3 tickets after it).
        let (client_end, server_end) = tokio::io::duplex(1);
        let mut ctx = server_ctx();
        ctx.set_maximum_version(sslwrap::TlsVersion::TLSv1_2)
            .unwrap();
        let server = tokio::spawn(async move {
            asyncio::start_tls(server_end, &ctx, WrapOptions::default().server_side(true)).await
        });
        let opts = no_name().ssl_shutdown_timeout(Duration::from_millis(300));
        let mut s = asyncio::start_tls(client_end, &client_ctx(), opts)
            .await
            .unwrap();
        let _server = server.await.unwrap().unwrap(); // kept, never read
        let start = Instant::now();
        let err = SslError::from(s.shutdown().await.unwrap_err());
        assert!(start.elapsed() >= Duration::from_millis(300));
        assert_eq!(err.kind(), SslErrorKind::Timeout);
        assert_eq!(err.to_string(), "SSL shutdown timed out");
        let after = s.write(b"x").await.unwrap_err();
        assert_eq!(after.kind(), std::io::ErrorKind::NotConnected);
    })
    .await
}

/// A read dropped while waiting loses nothing: the next read gets the
/// data (reads are cancel-safe).
#[tokio::test]
async fn reads_are_cancel_safe() {
    bounded(async {
        let (go_tx, go) = std::sync::mpsc::channel::<()>();
        let go = Mutex::new(go);
        let server = tcp_server(1, move |tcp| {
            let mut s = wrap_server(tcp, &server_ctx());
            go.lock().unwrap().recv().unwrap();
            s.write_all(b"late").unwrap();
            let _ = s.unwrap();
        });
        let mut s = asyncio::open_connection("127.0.0.1", server.port(), &client_ctx(), no_name())
            .await
            .unwrap();
        let mut buf = [0; 4];
        let early = tokio::time::timeout(Duration::from_millis(50), s.read(&mut buf)).await;
        assert!(early.is_err());
        go_tx.send(()).unwrap();
        assert_eq!(read_n(&mut s, 4).await.unwrap(), b"late");
        s.shutdown().await.unwrap();
        server.join().await;
    })
    .await
}

/// `open_connection` checks and sends `host` unless told otherwise
/// (asyncio's `server_hostname = host`), and the inspection methods are
/// the socket's.
#[tokio::test]
async fn open_connection_uses_the_host_as_server_hostname() {
    bounded(async {
        let server = tcp_server(1, |tcp| {
            let mut s = wrap_server(tcp, &common::cpython_server_ctx());
            s.write_all(b"hi").unwrap();
            let _ = s.unwrap();
        });
        let ctx = common::cpython_client_ctx(); // check_hostname on
        let mut s =
            asyncio::open_connection("localhost", server.port(), &ctx, WrapOptions::default())
                .await
                .unwrap();
        assert_eq!(s.server_hostname(), Some("localhost"));
        assert!(!s.server_side());
        assert_eq!(s.version().as_deref(), Some("TLSv1.3"));
        assert!(s.cipher().is_some());
        let cert = s.getpeercert().unwrap().unwrap();
        assert!(!cert.is_empty());
        assert!(s.getpeercert_der().unwrap().is_some());
        assert!(s.get_ref().peer_addr().is_ok());
        assert_eq!(read_n(&mut s, 2).await.unwrap(), b"hi");
        s.shutdown().await.unwrap();
        server.join().await;
    })
    .await
}

/// asyncio's argument checks: a zero timeout is a `ValueError` with
/// asyncio's text; a client context cannot serve.
#[tokio::test]
async fn argument_checks() {
    let (a, _b) = tokio::io::duplex(64);
    let opts = WrapOptions::default().ssl_handshake_timeout(Duration::ZERO);
    let err = asyncio::start_tls(a, &client_ctx(), opts)
        .await
        .unwrap_err();
    assert_eq!(err.kind(), SslErrorKind::Value);
    assert_eq!(
        err.to_string(),
        "ssl_handshake_timeout should be a positive number, got 0.0"
    );
    let opts = WrapOptions::default().ssl_shutdown_timeout(Duration::ZERO);
    let err = asyncio::SslListener::bind("127.0.0.1:0", &server_ctx(), opts)
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "ssl_shutdown_timeout should be a positive number, got 0.0"
    );
    let err = asyncio::SslListener::bind("127.0.0.1:0", &client_ctx(), WrapOptions::default())
        .await
        .unwrap_err();
    assert_eq!(err.kind(), SslErrorKind::Ssl);
    assert!(err
        .to_string()
        .contains("Cannot create a server socket with a PROTOCOL_TLS_CLIENT context"));
}

/// A client whose handshake fails makes that `accept` fail, with the
/// error the blocking listener gives; the listener accepts the next one.
#[tokio::test]
async fn listener_reports_failed_handshakes_and_goes_on() {
    bounded(async {
        let mut listener =
            asyncio::SslListener::bind("127.0.0.1:0", &server_ctx(), WrapOptions::default())
                .await
                .unwrap();
        let addr = listener.local_addr().unwrap();
        // Not TLS at all.
        let bad = tcp_client(addr, |mut tcp| {
            tcp.write_all(b"GET / HTTP/1.0\r\n\r\n").unwrap();
            read_until_closed(&mut tcp);
        });
        let err = listener.accept().await.unwrap_err();
        assert_eq!(err.kind(), SslErrorKind::Ssl);
        assert_eq!(err.reason(), Some("HTTP_REQUEST"), "{err}");
        join_thread(bad).await;
        let good = tcp_client(addr, |tcp| {
            let mut s = client_ctx()
                .wrap_socket(tcp, WrapOptions::default())
                .unwrap();
            assert_eq!(recv_all(&mut s, 2), b"ok");
        });
        let (mut s, peer) = listener.accept().await.unwrap();
        assert!(peer.ip().is_loopback());
        assert!(s.server_side());
        s.write_all(b"ok").await.unwrap();
        s.shutdown().await.unwrap();
        join_thread(good).await;
    })
    .await
}

/// The stream, and the futures of every async function, are `Send`, so
/// `tokio::spawn` takes them (checked when this compiles).
#[test]
fn streams_and_futures_are_send() {
    fn send<T: Send>(_: &T) {}
    fn sync<T: Sync>() {}
    fn check_types<S: AsyncRead + AsyncWrite + Unpin + Send + 'static>(s: S, ctx: &SslContext) {
        let f = asyncio::start_tls(s, ctx, WrapOptions::default());
        send(&f);
    }
    fn send_type<T: Send>() {}
    send_type::<SslStream<TcpStream>>();
    send_type::<SslStream<SslStream<TcpStream>>>();
    sync::<SslStream<TcpStream>>();
    sync::<asyncio::SslListener>();
    sync::<asyncio::Server>();
    let ctx = client_ctx();
    let _ = check_types::<TcpStream>;
    let _ = check_types::<SslStream<TcpStream>>;
    send(&asyncio::open_connection(
        "localhost",
        1,
        &ctx,
        WrapOptions::default(),
    ));
    let unwrap = |s: SslStream<TcpStream>| {
        let f = s.unwrap();
        send(&f);
    };
    let _ = unwrap;
    let accept = |l: &mut asyncio::SslListener| {
        let f = l.accept();
        send(&f);
    };
    let _ = accept;
    let server = |ctx: &SslContext| {
        let f = asyncio::start_server(ctx, "127.0.0.1:0", WrapOptions::default(), |_, _| async {});
        send(&f);
    };
    let _ = server;
}

/// `start_server` on a multi-thread runtime: the streams and the callback
/// move between worker threads.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_server_on_a_multi_thread_runtime() {
    bounded(async {
        let server = asyncio::start_server(
            &server_ctx(),
            "127.0.0.1:0",
            WrapOptions::default(),
            |mut s, _| async move {
                let mut buf = [0; 5];
                if s.read_exact(&mut buf).await.is_ok() {
                    let _ = s.write_all(&buf.to_ascii_uppercase()).await;
                }
                let _ = s.shutdown().await;
            },
        )
        .await
        .unwrap();
        let port = server.local_addr().port();
        let clients: Vec<_> = (0..8)
            .map(|_| {
                tokio::spawn(async move {
                    let mut s =
                        asyncio::open_connection("127.0.0.1", port, &client_ctx(), no_name())
                            .await
                            .unwrap();
                    s.write_all(b"hello").await.unwrap();
                    let mut out = Vec::new();
                    s.read_to_end(&mut out).await.unwrap();
                    assert_eq!(out, b"HELLO");
                })
            })
            .collect();
        for c in clients {
            c.await.unwrap();
        }
    })
    .await
}
