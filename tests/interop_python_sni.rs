//! The server-name callback and `SSLSocket.context` against the local
//! CPython (`python3`, 3.11.7 on the OpenSSL sslwrap links): the same
//! situations run between two Python peers and between two sslwrap peers
//! print the same lines (the callback's calls, what each side got, Python's
//! errors and messages), and a Python client talks to an sslwrap server
//! whose callback switches its certificate.
//!
//! The situations are CPython's `ThreadedTests.test_sni_callback*`, plus
//! what moving a connection to another context changes (the certificate,
//! the CA certificates and the ALPN protocols of the new context) and
//! keeps (the verify mode), which Python and sslwrap both get from
//! `SSL_set_SSL_CTX`.
//!
//! Like the other `interop_python*` files these need the local CPython on
//! the same OpenSSL, so `.ci/run` leaves them out of its vendored run.

mod common;

use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::certdata;
use common::python::{assert_lines, err_line, script_lines, PyProcess};
use sslwrap::{
    AlertDescription, SniConnection, SslContext, VerifyMode, WrapOptions, PROTOCOL_TLS_CLIENT,
    PROTOCOL_TLS_SERVER,
};

const TIMEOUT: Duration = Duration::from_secs(10);

/// `D`: CPython's certificate folder; `P` prints a line; `err` is `Class:
/// str` without the `(_ssl.c:NNNN)` tail; `run(sc, cc, name)` runs one
/// connection and returns `(server, client)`, the server's peer
/// certificate subject and ALPN protocol or error, the client's peer CN
/// or error; `contexts()` is CPython's `sni_contexts()`.
const PRELUDE: &str = r#"
import socket, ssl, sys, threading
D = sys.argv[1] + "/"
def P(*parts):
    print(*parts, flush=True)
def err(e):
    return "%s: %s" % (type(e).__name__, str(e).rsplit(" (_ssl.c:", 1)[0])
def cn(cert):
    return [v for rdn in cert["subject"] for (k, v) in rdn if k == "commonName"][0]
def run(sc, cc, name):
    ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1); ls.settimeout(10)
    out = {}
    def serve():
        try:
            conn, _ = ls.accept(); conn.settimeout(10)
            with sc.wrap_socket(conn, server_side=True) as s:
                peer = s.getpeercert()
                out["s"] = "ok peer=%s alpn=%s" % (cn(peer) if peer else None, s.selected_alpn_protocol())
                s.recv(1)
        except Exception as e:
            out["s"] = err(e)
    t = threading.Thread(target=serve); t.start()
    try:
        with socket.create_connection(ls.getsockname(), timeout=10) as raw:
            with cc.wrap_socket(raw, server_hostname=name) as s:
                out["c"] = "ok " + cn(s.getpeercert())
                s.send(b"x")
    except Exception as e:
        out["c"] = err(e)
    t.join(); ls.close()
    return out["s"], out["c"]
def contexts():
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); s.load_cert_chain(D + "keycert3.pem")
    o = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); o.load_cert_chain(D + "keycert4.pem")
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); c.load_verify_locations(D + "pycacert.pem")
    return s, o, c
"#;

/// Runs `script` after [`PRELUDE`] and returns the lines it prints before
/// `END`.
fn py(script: &str, args: &[&str]) -> Vec<String> {
    script_lines(&format!("{PRELUDE}\n{script}\nP('END')\n"), args)
}

fn cn(cert: &sslwrap::PeerCert) -> String {
    cert.subject
        .iter()
        .flatten()
        .find(|(k, _)| k == "commonName")
        .map(|(_, v)| v.clone())
        .unwrap()
}

/// The prelude's `run` in sslwrap.
fn run(server: &SslContext, client: &SslContext, name: Option<&str>) -> (String, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::scope(|scope| {
        let srv = scope.spawn(|| {
            let (tcp, _) = listener.accept().unwrap();
            tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
            tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
            match server.wrap_socket(tcp, WrapOptions::default().server_side(true)) {
                Ok(mut s) => {
                    let peer = s.getpeercert().unwrap().map(|c| cn(&c));
                    let line = format!(
                        "ok peer={} alpn={}",
                        peer.as_deref().unwrap_or("None"),
                        s.selected_alpn_protocol().as_deref().unwrap_or("None")
                    );
                    let _ = s.recv(1);
                    line
                }
                Err(e) => err_line(&e),
            }
        });
        let tcp = TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
        tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
        let mut opts = WrapOptions::default();
        opts.server_hostname = name.map(str::to_owned);
        let cli = match client.wrap_socket(tcp, opts) {
            Ok(mut s) => {
                let line = format!("ok {}", cn(&s.getpeercert().unwrap().unwrap()));
                let _ = s.send(b"x");
                line
            }
            Err(e) => err_line(&e),
        };
        (srv.join().unwrap(), cli)
    })
}

/// CPython's `sni_contexts()`.
fn contexts() -> (SslContext, SslContext, SslContext) {
    let mut s = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    s.load_cert_chain(&certdata("keycert3.pem"), None, None)
        .unwrap();
    let mut o = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    o.load_cert_chain(&certdata("keycert4.pem"), None, None)
        .unwrap();
    let mut c = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    c.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    (s, o, c)
}

type Calls = Arc<Mutex<Vec<String>>>;

/// CPython test_ssl.py: `ThreadedTests.test_sni_callback`, and the same
/// steps in Python: the callback's calls (the name, and whether the
/// context it got is the one it was set on), the certificate the client
/// got; without SNI; with the callback removed.
#[test]
fn test_sni_callback() {
    let theirs = py(
        r#"
s, o, c = contexts(); c.check_hostname = False
calls = []
def cb(sock, name, ctx):
    calls.append("%r %s" % (name, ctx is s and sock.context is s))
    if name is not None:
        sock.context = o
s.set_servername_callback(cb)
for name in ["supermessage", None]:
    srv, cli = run(s, c, name)
    P(repr(name), calls, srv, cli); calls.clear()
s.set_servername_callback(None)
P("removed", run(s, c, "notfunny"), calls)
"#,
        &[],
    );
    let (mut s, o, mut c) = contexts();
    c.set_check_hostname(false).unwrap();
    let calls: Calls = Arc::default();
    let seen = Arc::clone(&calls);
    let (o, s_stats) = (Arc::new(o), s.cert_store_stats());
    s.set_servername_callback(Some(
        move |conn: &mut SniConnection<'_>, name: Option<&str>, ctx: &SslContext| {
            // `ctx is s and sock.context is s`: the context the callback
            // was set on (its own settings, not the other one's).
            let now = conn.context().unwrap();
            let same = ctx.cert_store_stats() == s_stats
                && now.cert_store_stats() == s_stats
                && ctx.has_sni_callback()
                && now.has_sni_callback();
            let py_same = if same { "True" } else { "False" };
            let py_name = name.map_or("None".to_owned(), |n| format!("'{n}'"));
            seen.lock().unwrap().push(format!("{py_name} {py_same}"));
            if name.is_some() {
                conn.set_context(&o).unwrap();
            }
            Ok(())
        },
    ))
    .unwrap();
    let mut ours = Vec::new();
    for name in [Some("supermessage"), None] {
        let (srv, cli) = run(&s, &c, name);
        let py_name = name.map_or("None".to_owned(), |n| format!("'{n}'"));
        let list: Vec<String> = calls.lock().unwrap().drain(..).collect();
        ours.push(format!("{py_name} {} {srv} {cli}", py_list(&list)));
    }
    s.set_servername_callback(None::<SniFn>).unwrap();
    let (srv, cli) = run(&s, &c, Some("notfunny"));
    let list: Vec<String> = calls.lock().unwrap().drain(..).collect();
    ours.push(format!("removed ('{srv}', '{cli}') {}", py_list(&list)));
    assert_lines(&ours, &theirs);
}

type SniFn = fn(&mut SniConnection<'_>, Option<&str>, &SslContext) -> Result<(), AlertDescription>;

/// Python's `repr()` of a list of strings (without `"` or `\\` inside).
fn py_list(items: &[String]) -> String {
    let inner: Vec<String> = items
        .iter()
        .map(|i| match i.contains('\'') {
            true => format!("\"{i}\""),
            false => format!("'{i}'"),
        })
        .collect();
    format!("[{}]", inner.join(", "))
}

/// CPython test_ssl.py: `ThreadedTests.test_sni_callback_alert` and
/// `ThreadedTests.test_sni_callback_raising` (a panic in Rust), and
/// another alert (`unrecognized_name`): what each side reports, compared
/// with Python's.
#[test]
fn test_sni_callback_alert_and_raising() {
    let theirs = py(
        r#"
s, o, c = contexts()
s.sni_callback = lambda *a: ssl.ALERT_DESCRIPTION_ACCESS_DENIED
P("access_denied", *run(s, c, "supermessage"))
s.sni_callback = lambda *a: ssl.ALERT_DESCRIPTION_UNRECOGNIZED_NAME
P("unrecognized_name", *run(s, c, "supermessage"))
def raising(sock, name, ctx):
    if name == "supermessage":
        1/0
s.sni_callback = raising
sys.unraisablehook = lambda u: None
P("raising", *run(s, c, "supermessage"))
P("after", *run(s, c, "localhost"))
"#,
        &[],
    );
    let (mut s, _, c) = contexts();
    let mut ours = Vec::new();
    for (label, alert) in [
        ("access_denied", AlertDescription::AccessDenied),
        ("unrecognized_name", AlertDescription::UnrecognizedName),
    ] {
        s.set_sni_callback(Some(
            move |_: &mut SniConnection<'_>, _: Option<&str>, _: &SslContext| Err(alert),
        ))
        .unwrap();
        let (srv, cli) = run(&s, &c, Some("supermessage"));
        ours.push(format!("{label} {srv} {cli}"));
    }
    s.set_sni_callback(Some(
        |_: &mut SniConnection<'_>, name: Option<&str>, _: &SslContext| {
            if name == Some("supermessage") {
                panic!("division by zero");
            }
            Ok(())
        },
    ))
    .unwrap();
    let (srv, cli) = run(&s, &c, Some("supermessage"));
    ours.push(format!("raising {srv} {cli}"));
    let (srv, cli) = run(&s, &c, Some("localhost"));
    ours.push(format!("after {srv} {cli}"));
    assert_lines(&ours, &theirs);
}

/// What moving a connection to another context changes, in Python and in
/// sslwrap (both `SSL_set_SSL_CTX`): moved to a context that requires
/// client certificates and offers ALPN `h2`, the server still asks for no
/// certificate (the verify mode was copied when the connection was made)
/// but selects `h2`; moved from a context that requires client
/// certificates to one without CA certificates, it still asks, and
/// verifies with the new (empty) store, so the client's certificate fails.
#[test]
fn switching_context_changes_what_python_changes() {
    let theirs = py(
        r#"
s, o, c = contexts(); c.check_hostname = False
c.load_cert_chain(D + "keycert3.pem"); c.set_alpn_protocols(["h2", "http/1.1"])
o.verify_mode = ssl.CERT_REQUIRED; o.load_verify_locations(D + "pycacert.pem"); o.set_alpn_protocols(["h2"])
s.sni_callback = lambda sock, name, ctx: setattr(sock, "context", o)
P("to_required", *run(s, c, "x"))
s2 = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); s2.load_cert_chain(D + "keycert3.pem")
s2.verify_mode = ssl.CERT_REQUIRED; s2.load_verify_locations(D + "pycacert.pem")
o2 = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); o2.load_cert_chain(D + "keycert4.pem")
P("from_required", run(s2, c, "x")[0])
s2.sni_callback = lambda sock, name, ctx: setattr(sock, "context", o2)
P("from_required_switched", run(s2, c, "x")[0])
"#,
        &[],
    );
    let (mut s, mut o, mut c) = contexts();
    c.set_check_hostname(false).unwrap();
    c.load_cert_chain(&certdata("keycert3.pem"), None, None)
        .unwrap();
    c.set_alpn_protocols(&["h2", "http/1.1"]).unwrap();
    o.set_verify_mode(VerifyMode::CertRequired).unwrap();
    o.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    o.set_alpn_protocols(&["h2"]).unwrap();
    let switch_to = |o: SslContext| {
        let o = Arc::new(o);
        Some(
            move |conn: &mut SniConnection<'_>, _: Option<&str>, _: &SslContext| {
                conn.set_context(&o).unwrap();
                Ok(())
            },
        )
    };
    s.set_sni_callback(switch_to(o)).unwrap();
    let mut ours = Vec::new();
    let (srv, cli) = run(&s, &c, Some("x"));
    ours.push(format!("to_required {srv} {cli}"));
    let mut s2 = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    s2.load_cert_chain(&certdata("keycert3.pem"), None, None)
        .unwrap();
    s2.set_verify_mode(VerifyMode::CertRequired).unwrap();
    s2.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    let mut o2 = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    o2.load_cert_chain(&certdata("keycert4.pem"), None, None)
        .unwrap();
    // The client's side of a refused client certificate is a race under
    // TLS 1.3 (it may finish before the alert arrives): only the server's.
    let (srv, _) = run(&s2, &c, Some("x"));
    ours.push(format!("from_required {srv}"));
    s2.set_sni_callback(switch_to(o2)).unwrap();
    let (srv, _) = run(&s2, &c, Some("x"));
    ours.push(format!("from_required_switched {srv}"));
    assert_lines(&ours, &theirs);
}

/// A Python client (`server_hostname="fakehostname"`, then none) against
/// an sslwrap server whose callback serves `keycert4.pem` for that name,
/// and an sslwrap client against the same callback written in Python.
#[test]
fn sni_across_languages() {
    // sslwrap server, Python client.
    let (mut s, o, c) = contexts();
    let calls: Calls = Arc::default();
    let seen = Arc::clone(&calls);
    let o = Arc::new(o);
    s.set_sni_callback(Some(
        move |conn: &mut SniConnection<'_>, name: Option<&str>, _: &SslContext| {
            seen.lock().unwrap().push(format!("{name:?}"));
            if name == Some("fakehostname") {
                conn.set_context(&o).unwrap();
            }
            Ok(())
        },
    ))
    .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let theirs = thread::scope(|scope| {
        scope.spawn(|| {
            for _ in 0..2 {
                let (tcp, _) = listener.accept().unwrap();
                tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
                let mut s = s
                    .wrap_socket(tcp, WrapOptions::default().server_side(true))
                    .unwrap();
                let _ = s.recv(1);
            }
        });
        py(
            r#"
_, _, c = contexts(); c.check_hostname = False
for name in ["fakehostname", None]:
    with socket.create_connection(("127.0.0.1", int(sys.argv[2])), timeout=10) as raw:
        with c.wrap_socket(raw, server_hostname=name) as t:
            P(repr(name), cn(t.getpeercert())); t.send(b"x")
"#,
            &[&port],
        )
    });
    assert_eq!(theirs, ["'fakehostname' fakehostname", "None localhost"]);
    assert_eq!(
        *calls.lock().unwrap(),
        ["Some(\"fakehostname\")".to_owned(), "None".to_owned()]
    );

    // Python server, sslwrap client.
    let mut server = PyProcess::talk(
        &{
            let path =
                std::env::temp_dir().join(format!("sslwrap-sni-server-{}.py", std::process::id()));
            std::fs::write(
                &path,
                format!(
                    "{PRELUDE}\n{}",
                    r#"
s, o, _ = contexts()
s.sni_callback = lambda sock, name, ctx: setattr(sock, "context", o) if name == "fakehostname" else None
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(2); ls.settimeout(10)
P(ls.getsockname()[1])
for _ in range(2):
    conn, _ = ls.accept(); conn.settimeout(10)
    with s.wrap_socket(conn, server_side=True) as t:
        t.recv(1)
P("END")
"#
                ),
            )
            .unwrap();
            path
        },
        &[certdata("").to_str().unwrap()],
    );
    let port: u16 = server.next_line().unwrap().parse().unwrap();
    let mut got = Vec::new();
    for name in ["fakehostname", "localhost"] {
        let tcp = TcpStream::connect(("127.0.0.1", port)).unwrap();
        tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
        let mut t = c
            .wrap_socket(tcp, WrapOptions::default().server_hostname(name))
            .unwrap();
        got.push(cn(&t.getpeercert().unwrap().unwrap()));
        t.sendall(b"x").unwrap();
    }
    assert_eq!(got, ["fakehostname", "localhost"]);
    assert_eq!(server.next_line().unwrap(), "END");
}
