//! TLS 1.3 post-handshake client authentication across languages: sslwrap
//! and the local CPython (`python3`, 3.11.7 on the same OpenSSL) on either
//! side of the cases of CPython's `TestPostHandshakeAuth`.
//!
//! One Python script plays a client, a server, or both (the reference). The
//! client sends `HASCERT`, `PHA`, `HASCERT` as `test_ssl.py`'s
//! `ConnectionHandler` understands them, and prints each command with the
//! server's reply; the server answers `TRUE`/`FALSE` (`getpeercert() is not
//! None`), `OK` for `verify_client_post_handshake()`, or its error as
//! `Class: str` without the `(_ssl.c:NNNN)` tail. The lines of an sslwrap
//! server facing a Python client, and of an sslwrap client facing a Python
//! server, must be the lines of Python facing Python.
//!
//! The Rust-only twins of the CPython tests are in tests/socket.rs.

mod common;

use std::net::TcpStream;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::python::PyProcess;
use common::{certdata, python3, Server};
use sslwrap::{
    SslContext, SslError, SslSocket, TlsVersion, VerifyMode, WrapOptions, CERT_OPTIONAL,
    CERT_REQUIRED, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER,
};

const TIMEOUT: Duration = Duration::from_secs(10);

/// The cases, named after the CPython tests they follow.
const CASES: [&str; 5] = [
    "pha_required",
    "pha_optional_nocert",
    "pha_no_pha_client",
    "pha_no_pha_server",
    "pha_not_tls13",
];

const SCRIPT: &str = r#"
import os, socket, ssl, sys, threading
D, role, case = sys.argv[1], sys.argv[2], sys.argv[3]
CA = os.path.join(D, "capath", "ceff1710.0")
CERT = os.path.join(D, "keycert3.pem")
def P(*parts):
    print(*parts, flush=True)
def err(e):
    return "%s: %s" % (type(e).__name__, str(e).rsplit(" (_ssl.c:", 1)[0])
def server_ctx():
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    s.load_cert_chain(CERT)
    s.load_verify_locations(CA)
    s.verify_mode = ssl.CERT_OPTIONAL if case == "pha_optional_nocert" else ssl.CERT_REQUIRED
    if case not in ("pha_no_pha_server", "pha_not_tls13"):
        s.post_handshake_auth = True
    return s
def client_ctx():
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.load_verify_locations(CA)
    if case != "pha_no_pha_client":
        c.post_handshake_auth = True
    if case != "pha_optional_nocert":
        c.load_cert_chain(CERT)
    if case == "pha_not_tls13":
        c.maximum_version = ssl.TLSVersion.TLSv1_2
    return c
def serve(conn):
    conn.settimeout(10)
    with server_ctx().wrap_socket(conn, server_side=True) as s:
        while True:
            m = s.recv(1024).strip()
            if not m:
                return
            if m == b"HASCERT":
                r = "TRUE" if s.getpeercert() is not None else "FALSE"
            elif m == b"PHA":
                try:
                    s.verify_client_post_handshake()
                    r = "OK"
                except ssl.SSLError as e:
                    r = err(e)
            else:
                r = "unknown"
            s.sendall(r.encode() + b"\n")
def client(port):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
        with client_ctx().wrap_socket(raw, server_hostname="localhost") as s:
            for cmd in ("HASCERT", "PHA", "HASCERT"):
                s.sendall(cmd.encode())
                P(cmd, s.recv(1024).decode().strip())
if role == "client":
    client(int(sys.argv[4]))
else:
    ls = socket.socket()
    ls.bind(("127.0.0.1", 0))
    ls.listen(1)
    ls.settimeout(10)
    def accept_and_serve():
        conn, _ = ls.accept()
        serve(conn)
    if role == "server":
        P("PORT", ls.getsockname()[1])
        accept_and_serve()
    else:
        t = threading.Thread(target=accept_and_serve)
        t.start()
        client(ls.getsockname()[1])
        t.join()
P("END")
"#;

/// Runs the script as `role` for `case` and returns the process, its
/// script file removed when `lines` has read to `END`.
fn spawn(role: &str, case: &str, port: Option<u16>) -> (PyProcess, PathBuf) {
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "sslwrap-pha-{}-{}.py",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, SCRIPT).unwrap();
    let _ = python3();
    let dir = certdata("");
    let port = port.map(|p| p.to_string());
    let mut args = vec![dir.to_str().unwrap(), role, case];
    args.extend(port.as_deref());
    (PyProcess::talk(&path, &args), path)
}

/// The lines the process prints before `END`.
fn lines(mut proc: PyProcess, path: PathBuf) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        let line = proc
            .next_line()
            .unwrap_or_else(|e| panic!("python3 {}: {e}", path.display()));
        if line == "END" {
            break;
        }
        out.push(line);
    }
    let _ = std::fs::remove_file(&path);
    out
}

/// Python facing Python.
fn reference(case: &str) -> Vec<String> {
    let (proc, path) = spawn("both", case, None);
    lines(proc, path)
}

/// The script's `server_ctx()` in sslwrap.
fn server_ctx(case: &str) -> SslContext {
    let mut s = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    s.load_cert_chain(&certdata("keycert3.pem"), None, None)
        .unwrap();
    s.load_verify_locations(Some(&certdata("capath/ceff1710.0")), None, None)
        .unwrap();
    let mode: VerifyMode = if case == "pha_optional_nocert" {
        CERT_OPTIONAL
    } else {
        CERT_REQUIRED
    };
    s.set_verify_mode(mode).unwrap();
    if !matches!(case, "pha_no_pha_server" | "pha_not_tls13") {
        s.set_post_handshake_auth(true).unwrap();
    }
    s
}

/// The script's `client_ctx()` in sslwrap.
fn client_ctx(case: &str) -> SslContext {
    let mut c = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    c.load_verify_locations(Some(&certdata("capath/ceff1710.0")), None, None)
        .unwrap();
    if case != "pha_no_pha_client" {
        c.set_post_handshake_auth(true).unwrap();
    }
    if case != "pha_optional_nocert" {
        c.load_cert_chain(&certdata("keycert3.pem"), None, None)
            .unwrap();
    }
    if case == "pha_not_tls13" {
        c.set_maximum_version(TlsVersion::TLSv1_2).unwrap();
    }
    c
}

/// The script's `serve()` in sslwrap.
fn serve(s: &mut SslSocket<TcpStream>) -> Result<(), SslError> {
    loop {
        let msg = s.recv(1024)?;
        let reply = match msg.trim_ascii() {
            b"" => return Ok(()),
            b"HASCERT" => {
                if s.getpeercert()?.is_some() {
                    "TRUE".to_owned()
                } else {
                    "FALSE".to_owned()
                }
            }
            b"PHA" => match s.verify_client_post_handshake() {
                Ok(()) => "OK".to_owned(),
                Err(e) => format!("{}: {e}", e.python_class()),
            },
            _ => "unknown".to_owned(),
        };
        s.sendall(format!("{reply}\n").as_bytes())?;
    }
}

// CPython test_ssl.py: TestPostHandshakeAuth (the cases of test_pha_required,
// _optional_nocert, _no_pha_client, _no_pha_server, _not_tls13), an sslwrap
// server facing python3's client, against python3 facing itself.
#[test]
fn pha_sslwrap_server_python3_client() {
    for case in CASES {
        let expected = reference(case);
        let server = Server::builder()
            .ctx(server_ctx(case))
            .io_cb(serve)
            .timeout(TIMEOUT)
            .build();
        let (proc, path) = spawn("client", case, Some(server.port()));
        let got = lines(proc, path);
        server
            .join()
            .unwrap_or_else(|e| panic!("{case}: server: {e}"));
        assert_eq!(got, expected, "{case}");
    }
}

// The same cases, an sslwrap client facing python3's server.
#[test]
fn pha_sslwrap_client_python3_server() {
    for case in CASES {
        let expected = reference(case);
        let (mut proc, path) = spawn("server", case, None);
        let first = proc.next_line().unwrap();
        let port: u16 = first
            .strip_prefix("PORT ")
            .unwrap_or_else(|| panic!("{case}: {first:?}"))
            .parse()
            .unwrap();
        let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
        tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
        tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
        let mut s = client_ctx(case)
            .wrap_socket(tcp, WrapOptions::default().server_hostname("localhost"))
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        let mut got = Vec::new();
        for cmd in ["HASCERT", "PHA", "HASCERT"] {
            s.sendall(cmd.as_bytes()).unwrap();
            let reply = s.recv(1024).unwrap();
            got.push(format!(
                "{cmd} {}",
                String::from_utf8_lossy(reply.trim_ascii())
            ));
        }
        drop(s);
        assert!(lines(proc, path).is_empty(), "{case}: python3 printed more");
        assert_eq!(got, expected, "{case}");
    }
}
