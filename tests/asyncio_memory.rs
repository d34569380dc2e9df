//! CPython's memory-leak tests of `test_asyncio/test_ssl.py`, as bounded
//! loops whose resident memory (`/proc/self/statm`) must stay flat:
//! connections that complete, handshakes cancelled half-way, and shutdowns.
//! CPython checks that the `SSLContext` is collected afterwards (a weak
//! reference); in Rust a leaked `SSL` (its context reference, record
//! buffers and BIO) would show as growth, tens of KiB per connection.
//!
//! One test in this binary, so no other test's allocations blur the
//! numbers.

mod common;

use std::future::Future;
use std::time::Duration;

use sslwrap::asyncio;
use sslwrap::{SslContext, WrapOptions, CERT_NONE, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const WARMUP: usize = 50;
const ROUNDS: usize = 300;
/// Allowed growth over [`ROUNDS`] (a leaked `SSL` with its buffers, ~40
/// KiB, would add 12 MiB).
const SLACK: usize = 3 << 20;
const PAYLOAD_SIZE: usize = 1024 * 100;

fn rss() -> usize {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap();
    let pages: usize = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

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

fn client_ctx() -> SslContext {
    let mut c = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    c.set_check_hostname(false).unwrap();
    c.set_verify_mode(CERT_NONE).unwrap();
    c
}

/// Runs `round` [`WARMUP`] times, then [`ROUNDS`] times, and fails if the
/// resident memory grew by more than [`SLACK`] over the latter.
async fn flat<F, Fut>(what: &str, mut round: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ()>,
{
    for _ in 0..WARMUP {
        round().await;
    }
    let before = rss();
    for _ in 0..ROUNDS {
        round().await;
    }
    let after = rss();
    eprintln!("{what}: RSS {before} -> {after} over {ROUNDS} rounds");
    assert!(
        after <= before + SLACK,
        "{what}: resident memory grew from {before} to {after} bytes over {ROUNDS} rounds"
    );
}

#[tokio::test]
async fn no_memory_grows_per_connection() {
    tokio::time::timeout(Duration::from_secs(30), run())
        .await
        .expect("bounded");
}

async fn run() {
    let client = client_ctx();

    // CPython test_asyncio/test_ssl.py: TestSSL.test_create_connection_memory_leak
    // (a server that sends, reads PAYLOAD_SIZE and unwraps; the client
    // closes).
    let opts = WrapOptions::default().ssl_handshake_timeout(Duration::from_secs(10));
    let mut listener = asyncio::SslListener::bind("127.0.0.1:0", &server_ctx(), opts)
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                s.write_all(b"O").await.unwrap();
                let mut data = vec![0; PAYLOAD_SIZE];
                s.read_exact(&mut data).await.unwrap();
                let _ = s.unwrap().await;
            });
        }
    });
    let hello = vec![b'1'; PAYLOAD_SIZE];
    flat("create_connection_memory_leak", || async {
        let mut s = asyncio::open_connection("127.0.0.1", port, &client, WrapOptions::default())
            .await
            .unwrap();
        let mut o = [0];
        s.read_exact(&mut o).await.unwrap();
        s.write_all(&hello).await.unwrap();
        assert_eq!(s.read(&mut o).await.unwrap(), 0); // on_eof
        s.shutdown().await.unwrap();
    })
    .await;
    server.abort();

    // CPython test_asyncio/test_ssl.py: TestSSL.test_handshake_timeout_handler_leak
    // (a listener that never answers; the handshake is cancelled
    // half-way).
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let holder = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((tcp, _)) = silent.accept().await {
            held.push(tcp);
        }
    });
    flat("handshake_timeout_handler_leak", || async {
        let connect = asyncio::open_connection("127.0.0.1", port, &client, WrapOptions::default());
        let r = tokio::time::timeout(Duration::from_millis(1), connect).await;
        assert!(
            !matches!(r, Ok(Ok(_))),
            "the silent server cannot complete a handshake"
        );
    })
    .await;
    holder.abort();

    // CPython test_asyncio/test_ssl.py: TestSSL.test_shutdown_timeout_handler_leak
    // (the server reads and closes; the client closes at once).
    let opts = WrapOptions::default();
    let mut listener = asyncio::SslListener::bind("127.0.0.1:0", &server_ctx(), opts)
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        loop {
            let Ok((mut s, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let _ = s.read(&mut [0; 32]).await;
            });
        }
    });
    flat("shutdown_timeout_handler_leak", || async {
        let mut s = asyncio::open_connection("127.0.0.1", port, &client, WrapOptions::default())
            .await
            .unwrap();
        let _ = s.shutdown().await;
    })
    .await;
    server.abort();
}
