//! An idle connection keeps no record buffers. sslwrap sets
//! `SSL_MODE_RELEASE_BUFFERS`, as Python does, and also gives back the
//! write buffer that OpenSSL sets up to read a post-handshake message (a
//! TLS 1.3 client's NewSessionTickets, read with its first data) and that
//! plain OpenSSL, and so Python, keeps for the life of the connection
//! (16.2 KiB per idle client on OpenSSL 3.0).
//!
//! Measured as malloc's bytes in use (`mallinfo2`) around the read that
//! takes the tickets, over many connections to a CPython server in its own
//! process. One test in this binary, so no other test's allocations blur
//! the numbers.

mod common;

use std::io::Read;
use std::net::TcpStream;
use std::path::PathBuf;

use common::python::PyProcess;
use common::{pki, IO_TIMEOUT};
use sslwrap::{SslContext, SslSocket, WrapOptions, PROTOCOL_TLS_CLIENT};

const WARMUP: usize = 5;
const CONNECTIONS: usize = 40;
const ECHO: usize = 16 * 1024;

/// Bytes malloc has handed out and not had back (heap and mmapped).
fn in_use() -> usize {
    // SAFETY: mallinfo2 takes nothing and returns a plain struct (glibc's
    // statistics, as the benchmark's `heap_bytes` reads them).
    let m = unsafe { libc::mallinfo2() };
    m.uordblks + m.hblkhd
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/py/echo_keep_server.py")
}

/// Connects to the server, handshakes, sends [`ECHO`] bytes; returns the
/// socket before it reads anything.
fn connect(ctx: &SslContext, port: u16) -> SslSocket<TcpStream> {
    let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tcp.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    tcp.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    let opts = WrapOptions::default().server_hostname("localhost");
    let mut s = ctx.wrap_socket(tcp, opts).unwrap();
    assert_eq!(s.version().as_deref(), Some("TLSv1.3"));
    s.sendall(&payload()).unwrap();
    s
}

fn payload() -> Vec<u8> {
    (0..ECHO).map(|i| (i % 251) as u8).collect()
}

/// Reads `buf.len()` bytes of the echo (after the server's two tickets)
/// into `buf`; returns how many bytes more malloc has handed out after the
/// read than before it.
fn read_echo(s: &mut SslSocket<TcpStream>, buf: &mut [u8]) -> isize {
    let before = in_use();
    s.read_exact(buf).unwrap();
    let after = in_use();
    after as isize - before as isize
}

#[test]
fn idle_tls13_client_keeps_no_record_buffer() {
    let (cert, key) = (pki().path("server.pem"), pki().path("server.key"));
    let n = (WARMUP + 2 * CONNECTIONS).to_string();
    let size = ECHO.to_string();
    let args = [cert.to_str().unwrap(), key.to_str().unwrap(), &n, &size];
    let mut py = PyProcess::talk_peer(&script(), &args);
    let port: u16 = py.next_line().unwrap().trim().parse().expect("the port");
    let mut ctx = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    ctx.load_verify_locations(Some(&pki().path("ca.pem")), None, None)
        .unwrap();
    let mut buf = vec![0; ECHO];
    let mut kept = Vec::new();
    for _ in 0..WARMUP {
        let mut s = connect(&ctx, port);
        read_echo(&mut s, &mut buf);
        kept.push(s);
    }

    // The whole echo read: nothing left behind.
    let mut idle = 0;
    for _ in 0..CONNECTIONS {
        let mut s = connect(&ctx, port);
        idle += read_echo(&mut s, &mut buf);
        assert_eq!(buf, payload());
        kept.push(s);
    }
    let idle = idle / CONNECTIONS as isize;

    // Half of it read: the rest of the record waits in the read buffer,
    // which must stay (and which the measurement must see); the rest then
    // reads intact, and the buffers go with the read that empties them.
    let (mut half, mut rest) = (0, 0);
    for _ in 0..CONNECTIONS {
        let mut s = connect(&ctx, port);
        half += read_echo(&mut s, &mut buf[..ECHO / 2]);
        rest += read_echo(&mut s, &mut buf[ECHO / 2..]);
        assert_eq!(buf, payload());
        kept.push(s);
    }
    let half = half / CONNECTIONS as isize;
    let both = half + rest / CONNECTIONS as isize;
    assert_eq!(py.next_line().unwrap().trim(), "served");
    eprintln!(
        "bytes in use after the read, per connection: {idle} (the whole echo), \
         {half} (half of it), {both} (then the other half)"
    );
    assert!(
        idle < 4096,
        "an idle TLS 1.3 client kept {idle} bytes per connection after reading its \
         tickets and data: a record buffer was not given back"
    );
    assert!(
        half > 16 * 1024,
        "with half a record unread the read left only {half} bytes per connection"
    );
    assert!(
        both < 4096,
        "after reading the rest of the record a connection kept {both} bytes"
    );
}
