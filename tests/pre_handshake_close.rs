//! A peer that sends clear text and resets the connection before the TLS
//! handshake, ported from CPython 3.11's `Lib/test/test_ssl.py`,
//! `TestPreHandshakeClose` (CVE-2023-40217).
//!
//! Python's tests guard its deferred-connect path: a socket wrapped before
//! it is connected skips the handshake, and a socket that `getpeername()`
//! calls unconnected (ENOTCONN after the peer's RST) used to be read as
//! clear text. Python now peeks at the receive buffer and raises `SSLError`
//! "Closed before TLS handshake with data in recv buffer.". sslwrap has no
//! such path: a stream is wrapped connected and the handshake reads it at
//! once, so the clear text can only ever reach OpenSSL as a malformed record.
//! What the twins assert is the property the CVE is about, as Python does:
//! the wrap fails with an `SSLError`, and no byte of the peer's clear text
//! is received as data. The error text is OpenSSL's reason for the record
//! (what python3 gives for the same bytes on a connected socket, cf.
//! `TestPreHandshakeClose.test_https_client_non_tls_response_ignored` in
//! tests/socket.rs), not Python's message, which names the mechanism sslwrap
//! lacks.

mod common;

use std::io::{self, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use common::certdata;
use sslwrap::{create_default_context, Purpose, SslError, WrapOptions, CERT_REQUIRED};

/// Python's `support.SHORT_TIMEOUT` stands for this: every wait is bounded.
const TIMEOUT: Duration = Duration::from_secs(10);

/// `set_socket_so_linger_on_with_zero_timeout`: the next close sends a
/// reset.
fn set_linger_zero(tcp: &TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: setsockopt reads `size_of::<linger>()` bytes from a live
    // `linger` on our stack; the fd is open for as long as `tcp` lives.
    let rc = unsafe {
        libc::setsockopt(
            tcp.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &linger as *const libc::linger as *const libc::c_void,
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "SO_LINGER: {}", io::Error::last_os_error());
}

/// `SingleConnectionTestServerThread`'s context: `create_default_context(
/// Purpose.CLIENT_AUTH)`, `CERT_REQUIRED`, `ONLYCERT`/`ONLYKEY` as both the
/// certificate and the trusted CA.
fn server_ctx() -> sslwrap::SslContext {
    let mut ctx = create_default_context(Purpose::ClientAuth).unwrap();
    ctx.set_verify_mode(CERT_REQUIRED).unwrap();
    ctx.load_verify_locations(Some(&certdata("ssl_cert.pem")), None, None)
        .unwrap();
    ctx.load_cert_chain(
        &certdata("ssl_cert.pem"),
        Some(&certdata("ssl_key.pem")),
        None,
    )
    .unwrap();
    ctx
}

fn connect(addr: std::net::SocketAddr) -> TcpStream {
    let tcp = TcpStream::connect(addr).expect("connect");
    tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
    tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
    tcp
}

/// The assertions both tests make on the wrap's outcome: it failed with an
/// OSError (Python: `assertIsInstance(wrap_error, OSError)  # All
/// platforms.`) and nothing was received. The error is an `SSLError` for
/// the peer's clear text read as a record (a non-zero errno and OpenSSL's
/// reason), or, where `reset_ok`, the `ConnectionResetError` of writing to
/// the reset socket: the outcome Python's `non_linux_skip_if_other_okay_error`
/// names for platforms where its handshake path runs, as sslwrap's always
/// does.
#[track_caller]
fn assert_refused(wrapped: Result<Vec<u8>, SslError>, reset_ok: bool, reason: (&str, &str)) {
    let e = match wrapped {
        Ok(data) => panic!("the wrap succeeded and received {data:?}"),
        Err(e) => e,
    };
    if reset_ok && e.python_class() == "ConnectionResetError" {
        assert_eq!(e.errno(), Some(libc::ECONNRESET), "{e:?}");
        return;
    }
    assert_eq!(e.python_class(), "SSLError", "{e:?}");
    assert_ne!(e.errno(), Some(0), "{e:?}");
    assert_eq!(e.reason(), Some(reason.0), "{e:?}");
    assert_eq!(
        e.to_string(),
        format!("[SSL: {}] {}", reason.0, reason.1),
        "{e:?}"
    );
}

/// OpenSSL's reason for a record that starts with `DELETE`: before 3.5 only
/// `GET `, `POST `, `HEAD ` and `PUT ` were recognised as HTTP; 3.5 added
/// `PATCH`, `OPTIO`, `DELET` and `TRACE` (openssl/openssl#26968, merged to
/// master on 2025-03-05). Python shows whichever its OpenSSL gives.
fn delete_reason() -> (&'static str, &'static str) {
    if sslwrap::openssl_version_number() >= 0x3050_0000 {
        ("HTTP_REQUEST", "http request")
    } else {
        ("WRONG_VERSION_NUMBER", "wrong version number")
    }
}

/// CPython test_ssl.py: TestPreHandshakeClose.test_preauth_data_to_tls_server:
/// a client connects, sends an HTTP request and resets; the server wraps the
/// accepted socket only then.
#[test]
fn preauth_data_to_tls_server() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (accepted_tx, accepted_rx) = mpsc::channel();
    let (ready_tx, ready_rx) = mpsc::channel::<()>();
    let server = thread::spawn(move || -> Result<Vec<u8>, SslError> {
        let (conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(TIMEOUT)).unwrap();
        conn.set_write_timeout(Some(TIMEOUT)).unwrap();
        accepted_tx.send(()).unwrap();
        ready_rx
            .recv_timeout(TIMEOUT)
            .expect("wrap_socket event never set");
        let mut tls = server_ctx().wrap_socket(conn, WrapOptions::default().server_side(true))?;
        // Python's `received_data = tls_socket.recv(400)`.
        tls.recv(400)
    });

    let mut client = connect(addr);
    // This forces an immediate connection close via RST on .close().
    set_linger_zero(&client);
    accepted_rx.recv_timeout(TIMEOUT).expect("server accept");
    client.write_all(b"DELETE /data HTTP/1.0\r\n\r\n").unwrap();
    drop(client); // RST
    ready_tx.send(()).unwrap();

    // python3 (OpenSSL 3.0), wrapping a connected socket holding these bytes
    // (no RST): SSLError errno 1, "[SSL: WRONG_VERSION_NUMBER] wrong version
    // number"; from OpenSSL 3.5 on, "[SSL: HTTP_REQUEST] http request".
    assert_refused(server.join().unwrap(), false, delete_reason());
}

/// CPython test_ssl.py: TestPreHandshakeClose.test_preauth_data_to_tls_client:
/// the server sends an HTTP redirect and resets before the client wraps.
#[test]
fn preauth_data_to_tls_client() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let (go_tx, go_rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel();
    let server = thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        go_rx
            .recv_timeout(TIMEOUT)
            .expect("test client took too long");
        // This forces an immediate connection close via RST on .close().
        set_linger_zero(&conn);
        conn.write_all(
            b"HTTP/1.0 307 Temporary Redirect\r\n\
              Location: https://example.com/someone-elses-server\r\n\
              \r\n",
        )
        .unwrap();
        drop(conn); // RST
        done_tx.send(()).unwrap();
    });

    let client = connect(addr);
    go_tx.send(()).unwrap();
    done_rx
        .recv_timeout(TIMEOUT)
        .expect("test server took too long");
    let ctx = create_default_context(Purpose::ServerAuth).unwrap();
    let wrapped = ctx
        .wrap_socket(client, WrapOptions::default().server_hostname("localhost"))
        .and_then(|mut tls| tls.recv(400));
    server.join().unwrap();
    // The RST came first: writing the ClientHello fails. Had it come later,
    // the redirect would be read as a record (WRONG_VERSION_NUMBER).
    assert_refused(
        wrapped,
        true,
        ("WRONG_VERSION_NUMBER", "wrong version number"),
    );
}
