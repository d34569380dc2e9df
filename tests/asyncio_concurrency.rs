//! Many handshakes at once on one thread: a slow client delays no other.
//!
//! 1,000 clients and one "dripper" (a real ClientHello, one byte every
//! 0.5 s) connect to one [`asyncio::SslListener`] on a current-thread
//! runtime. Every honest client completes its handshake; the dripper hits
//! the listener's (short) `ssl_handshake_timeout` and is cut off with
//! asyncio's message, while the others are served. CPython's asyncio does
//! the same with its per-connection `_check_handshake_timeout`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use sslwrap::asyncio;
use sslwrap::{MemoryBio, SslContext, SslErrorKind, WrapOptions, CERT_NONE, PROTOCOL_TLS_CLIENT};
use sslwrap::{SslError, PROTOCOL_TLS_SERVER};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const CLIENTS: usize = 1000;
/// The listener's handshake timeout, for everyone.
/// (Long enough for a loaded CI machine to run the 1,000 honest handshakes
/// of a debug build, each under it.)
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
const DRIP: Duration = Duration::from_millis(500);
const LIMIT: Duration = Duration::from_secs(20);

/// An ECDSA server (CPython's `keycertecc.pem`), cheap to sign with.
fn server_ctx() -> SslContext {
    let mut c = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    c.load_cert_chain(&common::certdata("keycertecc.pem"), None, None)
        .unwrap();
    c
}

fn client_ctx() -> SslContext {
    let mut c = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    c.set_check_hostname(false).unwrap();
    c.set_verify_mode(CERT_NONE).unwrap();
    c
}

/// The first flight of a real client, to drip.
fn client_hello() -> Vec<u8> {
    let ctx = client_ctx();
    let mut obj = ctx
        .wrap_bio(MemoryBio::new(), MemoryBio::new(), WrapOptions::default())
        .unwrap();
    assert_eq!(
        obj.do_handshake().unwrap_err().kind(),
        SslErrorKind::WantRead
    );
    obj.outgoing().read(None)
}

/// Makes room for two descriptors per connection if the soft limit is low.
fn raise_fd_limit(need: u64) {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes one rlimit into `lim`, which lives here.
    assert_eq!(unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) }, 0);
    if lim.rlim_cur < need {
        lim.rlim_cur = need.min(lim.rlim_max);
        // SAFETY: setrlimit reads one rlimit from `lim`.
        assert_eq!(unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &lim) }, 0);
    }
}

#[tokio::test]
async fn a_thousand_handshakes_and_a_dripper() {
    raise_fd_limit(3 * CLIENTS as u64);
    tokio::time::timeout(LIMIT, run()).await.expect("bounded");
}

async fn run() {
    let opts = WrapOptions::default().ssl_handshake_timeout(HANDSHAKE_TIMEOUT);
    let mut listener = asyncio::SslListener::bind("127.0.0.1:0", &server_ctx(), opts)
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let start = Instant::now();

    // The dripper: a byte every 0.5 s until the server hangs up.
    let dripper = tokio::spawn(async move {
        let mut tcp = TcpStream::connect(addr).await.unwrap();
        let mut hello = client_hello().into_iter();
        let mut tick = tokio::time::interval(DRIP);
        let mut buf = [0; 64];
        loop {
            tokio::select! {
                _ = tick.tick() => {
                    let byte = hello.next().expect("the ClientHello is longer than the test");
                    if tcp.write_all(&[byte]).await.is_err() {
                        break;
                    }
                }
                r = tcp.read(&mut buf) => {
                    // The server's abort: end of stream (or a reset), no reply.
                    assert!(matches!(r, Ok(0) | Err(_)), "the server answered: {r:?}");
                    break;
                }
            }
        }
        start.elapsed()
    });

    // The honest clients, all at once.
    let ctx = Arc::new(client_ctx());
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let ctx = Arc::clone(&ctx);
            tokio::spawn(async move {
                let tcp = TcpStream::connect(addr).await.unwrap();
                let mut s = asyncio::start_tls(tcp, &ctx, WrapOptions::default())
                    .await
                    .unwrap();
                let mut k = [0];
                s.read_exact(&mut k).await.unwrap();
                assert_eq!(&k, b"k");
            })
        })
        .collect();

    // Serve until every honest client is in and the dripper is out.
    let mut served = Vec::with_capacity(CLIENTS);
    let mut all_served_at = None;
    let mut dripper_error: Option<(SslError, Duration)> = None;
    while served.len() < CLIENTS || dripper_error.is_none() {
        match listener.accept().await {
            Ok((mut s, _)) => {
                s.write_all(b"k").await.unwrap();
                served.push(s);
                if served.len() == CLIENTS {
                    all_served_at = Some(start.elapsed());
                }
            }
            Err(e) => {
                assert!(
                    dripper_error.is_none(),
                    "a second failed handshake: {e} (after {:?})",
                    start.elapsed()
                );
                dripper_error = Some((e, start.elapsed()));
            }
        }
    }
    for c in clients {
        c.await.unwrap();
    }
    let (err, failed_at) = dripper_error.unwrap();
    assert_eq!(err.kind(), SslErrorKind::Timeout);
    assert_eq!(
        err.to_string(),
        "SSL handshake is taking longer than 5.0 seconds: aborting the connection"
    );
    assert!(failed_at >= HANDSHAKE_TIMEOUT, "{failed_at:?}");
    // Every honest handshake ended within its own timeout, the dripper's
    // stall notwithstanding (a second failure would have stopped the loop).
    let all_served_at = all_served_at.unwrap();
    let cut_off = dripper.await.unwrap();
    assert!(cut_off >= HANDSHAKE_TIMEOUT, "{cut_off:?}");
    eprintln!(
        "{CLIENTS} handshakes served in {all_served_at:?}; the dripper cut off after {cut_off:?}"
    );
}
