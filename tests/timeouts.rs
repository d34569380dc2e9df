//! `settimeout`: one deadline per call, as CPython's `_ssl.c` computes it
//! (`_PyDeadline_Init`, then `PySSL_select` with the time left). A peer that
//! drips one byte every half second cannot hold a handshake, a read or a
//! `sendall` past its timeout; the error is Python's `TimeoutError` with no
//! errno.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use sslwrap::{MemoryBio, SslError, SslErrorKind, WrapOptions};

const TIMEOUT: Duration = Duration::from_secs(1);
/// The bound each timed-out call must end within.
const BOUND: Duration = Duration::from_millis(1500);
const DRIP: Duration = Duration::from_millis(500);

use common::{cpython_client_ctx as client_ctx, cpython_server_ctx as server_ctx};

/// Writes `bytes` one at a time, `DRIP` apart, until done, the peer goes
/// away, or 10 s have passed.
fn drip(tcp: &mut TcpStream, bytes: &[u8]) {
    let end = Instant::now() + Duration::from_secs(10);
    for b in bytes {
        if Instant::now() > end || tcp.write_all(&[*b]).is_err() {
            return;
        }
        thread::sleep(DRIP);
    }
}

/// A timed-out call: Python's `TimeoutError` with `text`, no errno, within
/// [`BOUND`] of `start` and not before the timeout.
fn assert_timed_out(result: Result<impl std::fmt::Debug, SslError>, text: &str, start: Instant) {
    let elapsed = start.elapsed();
    let e = result.expect_err("the call should time out");
    assert_eq!(e.kind(), SslErrorKind::Timeout, "{e:?}");
    assert_eq!(e.python_class(), "TimeoutError");
    assert_eq!(e.to_string(), text);
    assert_eq!(e.errno(), None, "Python's TimeoutError.errno is None");
    assert!(e.io_error().is_none(), "{e:?}");
    assert!(
        elapsed >= TIMEOUT && elapsed < BOUND,
        "timed out after {elapsed:?}, expected {TIMEOUT:?}..{BOUND:?}"
    );
}

fn listener() -> (TcpListener, std::net::SocketAddr) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    (l, addr)
}

/// The handshake against a server that drips a plausible ServerHello one
/// byte per half second: before, each byte restarted the wait; now the
/// whole handshake has one second.
#[test]
fn dripping_server_cannot_hold_the_handshake() {
    let (l, addr) = listener();
    let server = thread::spawn(move || {
        let (mut tcp, _) = l.accept().unwrap();
        let mut hello = vec![0x16, 0x03, 0x03, 0x00, 0x7a, 0x02, 0x00, 0x00, 0x76];
        hello.extend_from_slice(&[0x03; 20]);
        drip(&mut tcp, &hello);
    });
    let tcp = TcpStream::connect(addr).unwrap();
    let mut s = client_ctx()
        .wrap_socket(
            tcp,
            WrapOptions::default()
                .server_hostname("localhost")
                .do_handshake_on_connect(false),
        )
        .unwrap();
    s.settimeout(Some(TIMEOUT)).unwrap();
    let start = Instant::now();
    assert_timed_out(s.do_handshake(), "The handshake operation timed out", start);
    drop(s);
    server.join().unwrap();
}

/// A server (sslwrap's `SslObject`, its bytes carried by hand over TCP)
/// that completes the handshake, then drips its first record.
#[test]
fn dripping_record_cannot_hold_a_read() {
    let (l, addr) = listener();
    let server = thread::spawn(move || {
        let (mut tcp, _) = l.accept().unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let ctx = server_ctx();
        let mut obj = ctx
            .wrap_bio(
                MemoryBio::new(),
                MemoryBio::new(),
                WrapOptions::default().server_side(true),
            )
            .unwrap();
        let mut buf = [0u8; 16384];
        loop {
            let done = match obj.do_handshake() {
                Ok(()) => true,
                Err(e) if e.kind() == SslErrorKind::WantRead => false,
                Err(e) => panic!("server handshake: {e}"),
            };
            tcp.write_all(&obj.outgoing().read(None)).unwrap();
            if done {
                break;
            }
            let n = tcp.read(&mut buf).unwrap();
            assert!(n > 0, "client went away during the handshake");
            obj.incoming().write(&buf[..n]).unwrap();
        }
        obj.write(b"hello").unwrap();
        let record = obj.outgoing().read(None);
        drip(&mut tcp, &record);
    });
    let tcp = TcpStream::connect(addr).unwrap();
    let mut s = client_ctx()
        .wrap_socket(
            tcp,
            WrapOptions::default()
                .server_hostname("localhost")
                .do_handshake_on_connect(false),
        )
        .unwrap();
    s.settimeout(Some(Duration::from_secs(5))).unwrap();
    s.do_handshake().unwrap();
    s.settimeout(Some(TIMEOUT)).unwrap();
    let start = Instant::now();
    assert_timed_out(s.recv(100), "The read operation timed out", start);
    drop(s);
    server.join().unwrap();
}

/// `sendall` into a peer that stops reading: the whole call has one
/// deadline (Python bounds each `send` inside it).
#[test]
fn sendall_into_a_peer_that_stops_reading() {
    let (l, addr) = listener();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let server = thread::spawn(move || {
        let (tcp, _) = l.accept().unwrap();
        let mut s = server_ctx()
            .wrap_socket(tcp, WrapOptions::default().server_side(true))
            .unwrap();
        s.sendall(b"ready").unwrap();
        // Read nothing more until the client is done (bounded).
        let _ = done_rx.recv_timeout(Duration::from_secs(10));
    });
    let tcp = TcpStream::connect(addr).unwrap();
    let mut s = client_ctx()
        .wrap_socket(tcp, WrapOptions::default().server_hostname("localhost"))
        .unwrap();
    assert_eq!(s.recv(5).unwrap(), b"ready");
    s.settimeout(Some(TIMEOUT)).unwrap();
    let data = vec![0x55u8; 64 << 20];
    let start = Instant::now();
    assert_timed_out(s.sendall(&data), "The write operation timed out", start);
    drop(s);
    let _ = done_tx.send(());
    server.join().unwrap();
}

/// After `settimeout(Some(t))`, calls that do not wait work as usual, and
/// `unwrap` gives the `TcpStream` back blocking, with `t` as its timeouts.
#[test]
fn a_timeout_socket_still_works_and_unwraps_blocking() {
    let (l, addr) = listener();
    let server = thread::spawn(move || {
        let (tcp, _) = l.accept().unwrap();
        let mut s = server_ctx()
            .wrap_socket(tcp, WrapOptions::default().server_side(true))
            .unwrap();
        s.settimeout(Some(Duration::from_secs(5))).unwrap();
        let got = s.recv(100).unwrap();
        s.sendall(&got).unwrap();
        let mut tcp = s.unwrap().unwrap();
        tcp.write_all(b"plain").unwrap();
    });
    let tcp = TcpStream::connect(addr).unwrap();
    let mut s = client_ctx()
        .wrap_socket(tcp, WrapOptions::default().server_hostname("localhost"))
        .unwrap();
    s.settimeout(Some(Duration::from_secs(5))).unwrap();
    s.sendall(b"echo").unwrap();
    assert_eq!(s.recv(100).unwrap(), b"echo");
    let mut tcp = s.unwrap().unwrap();
    assert_eq!(tcp.read_timeout().unwrap(), Some(Duration::from_secs(5)));
    let mut buf = [0u8; 5];
    tcp.read_exact(&mut buf).unwrap();
    assert_eq!(&buf, b"plain");
    server.join().unwrap();
}

/// `accept`'s handshake has one deadline too: a client that drips its
/// ClientHello is dropped when the listener's handshake timeout is up, and
/// the next client is served.
#[test]
fn dripping_client_cannot_hold_accept() {
    let mut listener = server_ctx().wrap_listener(TcpListener::bind("127.0.0.1:0").unwrap());
    listener.set_handshake_timeout(Some(TIMEOUT));
    let addr = listener.local_addr().unwrap();
    let dripper = thread::spawn(move || {
        let mut tcp = TcpStream::connect(addr).unwrap();
        let mut hello = vec![0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc];
        hello.extend_from_slice(&[0x03; 20]);
        drip(&mut tcp, &hello);
    });
    let start = Instant::now();
    assert_timed_out(
        listener.accept(),
        "The handshake operation timed out",
        start,
    );
    // The listener goes on with the next client.
    let client = thread::spawn(move || {
        let tcp = TcpStream::connect(addr).unwrap();
        let mut s = client_ctx()
            .wrap_socket(tcp, WrapOptions::default().server_hostname("localhost"))
            .unwrap();
        s.sendall(b"next").unwrap();
    });
    let (mut s, _) = listener.accept().unwrap();
    assert_eq!(s.recv(4).unwrap(), b"next");
    client.join().unwrap();
    dripper.join().unwrap();
}
