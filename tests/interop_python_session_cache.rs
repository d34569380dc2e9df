//! The client session cache against CPython's `ssl` as the server: the
//! second connection to the same name resumes with no user code, and
//! CPython's `SSLSocket.session_reused` says so on its side (TLS 1.3 and
//! TLS 1.2).

mod common;

use std::net::TcpStream;
use std::path::PathBuf;

use common::json::Json;
use common::python::PyProcess;
use common::{pki, IO_TIMEOUT};
use sslwrap::{SslContext, WrapOptions, PROTOCOL_TLS_CLIENT};

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/py/resumption_server.py")
}

/// Runs the CPython server for `n` connections (up to `max`), connects `n`
/// times to "localhost" with a cache; returns, per connection, whether
/// sslwrap and CPython each saw a resumption, and the version.
fn run(n: usize, max: Option<&str>) -> Vec<(bool, bool, String)> {
    let cert = pki().path("server.pem");
    let key = pki().path("server.key");
    let count = n.to_string();
    let mut args = vec![cert.to_str().unwrap(), key.to_str().unwrap(), &count];
    args.extend(max);
    let mut py = PyProcess::talk(&script(), &args);
    let port: u16 = py.next_line().unwrap().trim().parse().expect("the port");
    let mut ctx = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    ctx.load_verify_locations(Some(&pki().path("ca.pem")), None, None)
        .unwrap();
    ctx.set_client_session_cache(Some(8));
    (0..n)
        .map(|_| {
            let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
            tcp.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
            tcp.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
            let opts = WrapOptions::default().server_hostname("localhost");
            let mut s = ctx.wrap_socket(tcp, opts).unwrap();
            s.sendall(b"ping").unwrap();
            assert_eq!(s.recv(4).unwrap(), b"ping");
            let ours = s.session_reused();
            let line = py.next_line().unwrap();
            let theirs = Json::parse(&line).unwrap();
            let reused = matches!(theirs.get("session_reused"), Some(Json::Bool(true)));
            (ours, reused, theirs.str_at("version").unwrap())
        })
        .collect()
}

#[test]
fn cpython_server_sees_session_reused_tls13() {
    let got = run(3, None);
    let v = "TLSv1.3".to_owned();
    assert_eq!(
        got,
        [
            (false, false, v.clone()),
            (true, true, v.clone()),
            (true, true, v)
        ]
    );
}

#[test]
fn cpython_server_sees_session_reused_tls12() {
    let got = run(3, Some("TLSv1_2"));
    let v = "TLSv1.2".to_owned();
    assert_eq!(
        got,
        [
            (false, false, v.clone()),
            (true, true, v.clone()),
            (true, true, v)
        ]
    );
}
