//! The old protocol versions (SSL 2, SSL 3, TLS 1.0, TLS 1.1) against the
//! local CPython (`python3`, CPython 3.11.7 on the OpenSSL sslwrap links):
//! the twins of CPython's `ThreadedTests.test_protocol_sslv2`,
//! `test_protocol_sslv3`, `test_protocol_tlsv1`, `test_protocol_tlsv1_1`,
//! `test_min_max_version_tlsv1_1`, `test_min_max_version_mismatch` and
//! `test_min_max_version_sslv3`.
//!
//! CPython skips all of them on OpenSSL 3.0 (`has_tls_version`, bpo-43791):
//! at the default security level (1) OpenSSL 3 refuses TLS 1.0 and 1.1, and
//! it is built without SSL 3 and SSL 2. With `set_ciphers("ALL:@SECLEVEL=0")`
//! on both sides TLS 1.0 and 1.1 work, so each twin runs CPython's steps
//! with that cipher string added, once between two sslwrap peers and once
//! between two Python peers with the same settings, and compares the
//! outcomes line by line (the version negotiated, or each side's error).
//!
//! Python's `PROTOCOL_TLSv1`/`PROTOCOL_TLSv1_1`/`PROTOCOL_TLSv1_2`/
//! `PROTOCOL_SSLv3` are spelled as `PROTOCOL_TLS` bounded to that version
//! both ways (sslwrap has no version-specific protocols; Python's own
//! `PROTOCOL_TLSv1` reports some failures with other reasons, e.g. `WRONG_SSL_VERSION`,
//! so the Python peer uses the same bounds, not the deprecated constant).
//!
//! Like the other `interop_python*` files, these need the local CPython on
//! the same OpenSSL.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use common::certdata;
use common::python::{assert_lines, err_line, script_lines};
use sslwrap::{
    HAS_SSLv2, HAS_SSLv3, OP_NO_SSLv2, OP_NO_SSLv3, OP_NO_TLSv1, OP_NO_TLSv1_1, Options,
    SslContext, SslError, TlsVersion, VerifyMode, WrapOptions, CERT_NONE, CERT_OPTIONAL,
    CERT_REQUIRED, PROTOCOL_TLS, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER,
};

const TIMEOUT: Duration = Duration::from_secs(10);

/// The cipher string both sides get: every cipher, security level 0, so
/// that OpenSSL 3 negotiates TLS 1.0 and 1.1 (SHA-1 signatures and MACs).
const SECLEVEL_0: &str = "ALL:@SECLEVEL=0";

// ---------------------------------------------------------------------------
// The cases.

/// One side's context: `PROTOCOL_TLS` (or `testing_context`'s
/// `PROTOCOL_TLS_CLIENT`/`_SERVER`) with these bounds and options, each
/// given as Python names them. Bounds are set in the order listed.
#[derive(Clone, Copy)]
struct Side {
    bounds: &'static [(Bound, &'static str)],
    options: &'static [&'static str],
}

#[derive(Clone, Copy)]
enum Bound {
    Min,
    Max,
}

/// Python's `PROTOCOL_<v>`: `PROTOCOL_TLS` bounded to `v` both ways.
const fn only(v: &'static str) -> Side {
    Side {
        bounds: match v.as_bytes() {
            b"SSLv3" => &[(Bound::Min, "SSLv3"), (Bound::Max, "SSLv3")],
            b"TLSv1" => &[(Bound::Min, "TLSv1"), (Bound::Max, "TLSv1")],
            b"TLSv1_1" => &[(Bound::Min, "TLSv1_1"), (Bound::Max, "TLSv1_1")],
            _ => &[(Bound::Min, "TLSv1_2"), (Bound::Max, "TLSv1_2")],
        },
        options: &[],
    }
}

/// `PROTOCOL_TLS` with `options |= ssl.<name>` for each name.
const fn tls_with(options: &'static [&'static str]) -> Side {
    Side {
        bounds: &[],
        options,
    }
}

/// How the two contexts are made.
#[derive(Clone, Copy)]
enum Setup {
    /// CPython's `try_protocol_combo`: both `PROTOCOL_TLS`, both loading
    /// keycert3.pem and the signing CA, both verifying with this mode; the
    /// client sends no server name.
    Combo(VerifyMode),
    /// CPython's `testing_context()`: a `PROTOCOL_TLS_CLIENT` trusting the
    /// signing CA, connecting to "localhost", and a `PROTOCOL_TLS_SERVER`
    /// with keycert3.pem.
    Testing,
}

struct Case {
    server: Side,
    client: Side,
    setup: Setup,
}

fn combo(server: Side, client: Side) -> Case {
    combo_with(server, client, CERT_NONE)
}

fn combo_with(server: Side, client: Side, certsreqs: VerifyMode) -> Case {
    Case {
        server,
        client,
        setup: Setup::Combo(certsreqs),
    }
}

fn version(name: &str) -> TlsVersion {
    match name {
        "SSLv3" => TlsVersion::SSLv3,
        "TLSv1" => TlsVersion::TLSv1,
        "TLSv1_1" => TlsVersion::TLSv1_1,
        "TLSv1_2" => TlsVersion::TLSv1_2,
        other => panic!("no version {other}"),
    }
}

fn option(name: &str) -> Options {
    match name {
        "OP_NO_SSLv2" => OP_NO_SSLv2,
        "OP_NO_SSLv3" => OP_NO_SSLv3,
        "OP_NO_TLSv1" => OP_NO_TLSv1,
        "OP_NO_TLSv1_1" => OP_NO_TLSv1_1,
        other => panic!("no option {other}"),
    }
}

// ---------------------------------------------------------------------------
// sslwrap's side.

fn rust_ctx(side: Side, setup: Setup, server: bool) -> Result<SslContext, SslError> {
    let protocol = match (setup, server) {
        (Setup::Combo(_), _) => PROTOCOL_TLS,
        (Setup::Testing, true) => PROTOCOL_TLS_SERVER,
        (Setup::Testing, false) => PROTOCOL_TLS_CLIENT,
    };
    let mut ctx = SslContext::new(protocol)?;
    let mut options = ctx.options();
    for name in side.options {
        options |= option(name);
    }
    ctx.set_options(options)?;
    ctx.set_ciphers(SECLEVEL_0)?;
    for (bound, v) in side.bounds {
        match bound {
            Bound::Min => ctx.set_minimum_version(version(v))?,
            Bound::Max => ctx.set_maximum_version(version(v))?,
        }
    }
    let ca = certdata("capath/ceff1710.0");
    match setup {
        Setup::Combo(certsreqs) => {
            ctx.set_verify_mode(certsreqs)?;
            ctx.load_cert_chain(&certdata("keycert3.pem"), None, None)?;
            ctx.load_verify_locations(Some(&ca), None, None)?;
        }
        Setup::Testing if server => {
            ctx.load_cert_chain(&certdata("keycert3.pem"), None, None)?;
            ctx.load_verify_locations(Some(&ca), None, None)?;
        }
        Setup::Testing => ctx.load_verify_locations(Some(&ca), None, None)?,
    }
    Ok(ctx)
}

/// One connection between two sslwrap peers: `client <outcome> | server
/// <outcome>`, each `ok …` or the error. The server echoes one message
/// lower-cased (Python's `ThreadedEchoServer`); the client sends `FOO` and
/// reads the answer.
fn rust_outcome(case: &Case) -> String {
    let sc = match rust_ctx(case.server, case.setup, true) {
        Ok(c) => c,
        Err(e) => return format!("server setup {}", err_line(&e)),
    };
    let cc = match rust_ctx(case.client, case.setup, false) {
        Ok(c) => c,
        Err(e) => return format!("client setup {}", err_line(&e)),
    };
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || -> String {
        let (tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
        tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
        let run = || -> Result<(), SslError> {
            let mut s = sc.wrap_socket(tcp, WrapOptions::default().server_side(true))?;
            let msg = s.recv(100)?;
            s.sendall(&msg.to_ascii_lowercase())?;
            Ok(())
        };
        match run() {
            Ok(()) => "ok".to_owned(),
            Err(e) => err_line(&e),
        }
    });
    let tcp = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
    tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
    tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
    let opts = match case.setup {
        Setup::Combo(_) => WrapOptions::default(),
        Setup::Testing => WrapOptions::default().server_hostname("localhost"),
    };
    let run = || -> Result<String, SslError> {
        let mut s = cc.wrap_socket(tcp, opts)?;
        s.sendall(b"FOO")?;
        let back = s.recv(100)?;
        assert_eq!(back, b"foo");
        Ok(format!("ok {}", s.version().unwrap_or_default()))
    };
    let client = run().unwrap_or_else(|e| err_line(&e));
    let server = server.join().unwrap();
    format!("client {client} | server {server}")
}

// ---------------------------------------------------------------------------
// Python's side.

/// The same connection in Python: `combo(server, client, setup)` prints
/// what [`rust_outcome`] returns.
const SCRIPT: &str = r#"
import os, socket, ssl, sys, threading, warnings
warnings.simplefilter("ignore", DeprecationWarning)
D = sys.argv[1]
def P(*parts):
    print(*parts, flush=True)
def err(e):
    return "%s: %s" % (type(e).__name__, str(e).rsplit(" (_ssl.c:", 1)[0])
def ctx(side, setup, server):
    bounds, options = side
    if setup == "testing":
        c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if server else ssl.PROTOCOL_TLS_CLIENT)
    else:
        c = ssl.SSLContext(ssl.PROTOCOL_TLS)
    for name in options:
        c.options |= getattr(ssl, name)
    c.set_ciphers("ALL:@SECLEVEL=0")
    for bound, v in bounds:
        setattr(c, bound + "imum_version", ssl.TLSVersion[v])
    ca = os.path.join(D, "capath", "ceff1710.0")
    if setup == "testing":
        if server:
            c.load_cert_chain(os.path.join(D, "keycert3.pem"))
        c.load_verify_locations(ca)
    else:
        c.verify_mode = setup
        c.load_cert_chain(os.path.join(D, "keycert3.pem"))
        c.load_verify_locations(ca)
    return c
def combo(server, client, setup):
    try:
        sc = ctx(server, setup, True)
    except Exception as e:
        return "server setup " + err(e)
    try:
        cc = ctx(client, setup, False)
    except Exception as e:
        return "client setup " + err(e)
    ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1); ls.settimeout(10)
    res = {}
    def serve():
        try:
            conn, _ = ls.accept(); conn.settimeout(10)
            with sc.wrap_socket(conn, server_side=True) as s:
                s.sendall(s.recv(100).lower())
            res["s"] = "ok"
        except Exception as e:
            res["s"] = err(e)
    t = threading.Thread(target=serve); t.start()
    try:
        with socket.create_connection(ls.getsockname(), timeout=10) as raw:
            name = "localhost" if setup == "testing" else None
            with cc.wrap_socket(raw, server_hostname=name) as s:
                s.sendall(b"FOO")
                assert s.recv(100) == b"foo"
                out = "ok %s" % s.version()
    except Exception as e:
        out = err(e)
    t.join(); ls.close()
    return "client %s | server %s" % (out, res.get("s"))
"#;

fn py_side(side: Side) -> String {
    let bounds: Vec<String> = side
        .bounds
        .iter()
        .map(|(b, v)| {
            let b = match b {
                Bound::Min => "min",
                Bound::Max => "max",
            };
            format!("({b:?}, {v:?})")
        })
        .collect();
    let options: Vec<String> = side.options.iter().map(|o| format!("{o:?}")).collect();
    format!("([{}], [{}])", bounds.join(", "), options.join(", "))
}

fn py_setup(setup: Setup) -> String {
    match setup {
        Setup::Combo(m) => format!("ssl.VerifyMode({})", m.value()),
        Setup::Testing => "\"testing\"".to_owned(),
    }
}

/// Runs `script` after [`SCRIPT`] and returns the lines it prints before
/// `END`.
fn py(script: &str) -> Vec<String> {
    script_lines(&format!("{SCRIPT}\n{script}\nP('END')\n"), &[])
}

/// Runs every case in sslwrap and in Python, checks they agree, and checks
/// CPython's expectation for each: `Some(version)` (the client reports that
/// version), or `None` (the connection fails: CPython accepts an `SSLError`
/// or a connection reset).
#[track_caller]
fn run(cases: &[(Case, Option<&str>)]) {
    let ours: Vec<String> = cases.iter().map(|(c, _)| rust_outcome(c)).collect();
    let script: String = cases
        .iter()
        .map(|(c, _)| {
            format!(
                "P(combo({}, {}, {}))\n",
                py_side(c.server),
                py_side(c.client),
                py_setup(c.setup)
            )
        })
        .collect();
    let theirs = py(&script);
    assert_lines(&ours, &theirs);
    for ((_, expect), line) in cases.iter().zip(&ours) {
        match expect {
            Some(v) => assert!(
                line.starts_with(&format!("client ok {v} |")),
                "expected {v}: {line}"
            ),
            None => assert!(
                line.starts_with("client SSLError")
                    || line.starts_with("client ConnectionResetError")
                    || line.starts_with("client setup"),
                "expected a failure: {line}"
            ),
        }
    }
}

// ---------------------------------------------------------------------------
// The twins.

/// CPython test_ssl.py: `ThreadedTests.test_protocol_tlsv1`, with
/// `@SECLEVEL=0` on both sides. The `PROTOCOL_SSLv2`/`PROTOCOL_SSLv3`
/// clients CPython tries only when those exist are left out, as CPython
/// leaves them out here (`has_tls_version` is false for both).
#[test]
fn protocol_tlsv1() {
    let tlsv1 = only("TLSv1");
    run(&[
        (combo(tlsv1, tlsv1), Some("TLSv1")),
        (combo_with(tlsv1, tlsv1, CERT_OPTIONAL), Some("TLSv1")),
        (combo_with(tlsv1, tlsv1, CERT_REQUIRED), Some("TLSv1")),
        (combo(tlsv1, tls_with(&["OP_NO_TLSv1"])), None),
    ]);
}

/// CPython test_ssl.py: `ThreadedTests.test_protocol_tlsv1_1`, with
/// `@SECLEVEL=0` on both sides. For `PROTOCOL_TLS` server and
/// `PROTOCOL_TLSv1_1` client, `try_protocol_combo` lowers the server's
/// minimum to TLS 1.1 (its `PROTOCOL_TO_TLS_VERSION` step); so does the
/// case here.
#[test]
fn protocol_tlsv1_1() {
    let tlsv1_1 = only("TLSv1_1");
    let tlsv1_2 = only("TLSv1_2");
    let tls_min_1_1 = Side {
        bounds: &[(Bound::Min, "TLSv1_1")],
        options: &[],
    };
    run(&[
        (combo(tlsv1_1, tlsv1_1), Some("TLSv1.1")),
        (combo(tlsv1_1, tls_with(&["OP_NO_TLSv1_1"])), None),
        (combo(tls_min_1_1, tlsv1_1), Some("TLSv1.1")),
        (combo(tlsv1_1, tlsv1_2), None),
        (combo(tlsv1_2, tlsv1_1), None),
    ]);
}

/// CPython test_ssl.py: `ThreadedTests.test_min_max_version_tlsv1_1`, with
/// `@SECLEVEL=0` on both sides (CPython's `seclevel_workaround` sets
/// `@SECLEVEL=1:ALL` on Ubuntu only; level 1 refuses TLS 1.1 on OpenSSL 3).
#[test]
fn min_max_version_tlsv1_1() {
    run(&[(
        Case {
            // server 1.0 to 1.1
            server: Side {
                bounds: &[(Bound::Min, "TLSv1"), (Bound::Max, "TLSv1_1")],
                options: &[],
            },
            // client 1.0 to 1.2
            client: Side {
                bounds: &[(Bound::Min, "TLSv1"), (Bound::Max, "TLSv1_2")],
                options: &[],
            },
            setup: Setup::Testing,
        },
        Some("TLSv1.1"),
    )]);
}

/// CPython test_ssl.py: `ThreadedTests.test_min_max_version_mismatch`, with
/// `@SECLEVEL=0` on both sides: a TLS 1.0-only client and a TLS 1.2-only
/// server fail with an alert (CPython: `"alert"` in `str(e)`).
#[test]
fn min_max_version_mismatch() {
    let case = Case {
        server: Side {
            bounds: &[(Bound::Max, "TLSv1_2"), (Bound::Min, "TLSv1_2")],
            options: &[],
        },
        client: Side {
            bounds: &[(Bound::Max, "TLSv1"), (Bound::Min, "TLSv1")],
            options: &[],
        },
        setup: Setup::Testing,
    };
    let line = rust_outcome(&case);
    let client = line.split(" | ").next().unwrap();
    assert!(
        client.starts_with("client SSLError") && client.contains("alert"),
        "{line}"
    );
    run(&[(case, None)]);
}

/// CPython test_ssl.py: `ThreadedTests.test_protocol_sslv3`. This OpenSSL
/// has no SSL 3 (`HAS_SSLv3` is false, as in Python), so where CPython
/// expects `'SSLv3'` both peers fail, as Python's do with the same settings
/// (`@SECLEVEL=0` on both sides): `[SSL: NO_PROTOCOLS_AVAILABLE] no
/// protocols available`. An SSL 3-only server refuses a TLS client
/// (without SSL 3, or TLS 1.0-only) with the same errors as Python's.
#[test]
fn protocol_sslv3() {
    assert_eq!(HAS_SSLv3, py_bool("ssl.HAS_SSLv3"));
    let sslv3 = only("SSLv3");
    run(&[
        (combo(sslv3, sslv3), None),
        (combo_with(sslv3, sslv3, CERT_OPTIONAL), None),
        (combo_with(sslv3, sslv3, CERT_REQUIRED), None),
        (combo(sslv3, tls_with(&["OP_NO_SSLv3"])), None),
        (combo(sslv3, only("TLSv1")), None),
    ]);
    let line = rust_outcome(&combo(sslv3, sslv3));
    assert_eq!(
        line,
        "client SSLError: [SSL: NO_PROTOCOLS_AVAILABLE] no protocols available | \
         server SSLError: [SSL: NO_PROTOCOLS_AVAILABLE] no protocols available"
    );
}

/// CPython test_ssl.py: `ThreadedTests.test_min_max_version_sslv3`, with
/// `@SECLEVEL=0` on both sides: where CPython (on an OpenSSL with SSL 3)
/// expects `'SSLv3'`, this OpenSSL has none, and sslwrap fails as Python
/// does with the same settings.
#[test]
fn min_max_version_sslv3() {
    let case = Case {
        server: Side {
            bounds: &[(Bound::Min, "SSLv3")],
            options: &[],
        },
        client: Side {
            bounds: &[(Bound::Min, "SSLv3"), (Bound::Max, "SSLv3")],
            options: &[],
        },
        setup: Setup::Testing,
    };
    let line = rust_outcome(&case);
    assert!(
        line.starts_with("client SSLError: [SSL: NO_PROTOCOLS_AVAILABLE] no protocols available"),
        "{line}"
    );
    run(&[(case, None)]);
}

/// An SSL 2 `CLIENT-HELLO` (SSL 2.0 record header, version `0x0002`, two
/// cipher specs, a 16-byte challenge).
fn sslv2_client_hello() -> Vec<u8> {
    let ciphers = [0x01, 0x00, 0x80, 0x00, 0x00, 0x35];
    let challenge: Vec<u8> = (0..16).collect();
    let mut body = vec![1, 0x00, 0x02];
    body.extend_from_slice(&(ciphers.len() as u16).to_be_bytes());
    body.extend_from_slice(&0u16.to_be_bytes());
    body.extend_from_slice(&(challenge.len() as u16).to_be_bytes());
    body.extend_from_slice(&ciphers);
    body.extend_from_slice(&challenge);
    let mut msg = (0x8000 | body.len() as u16).to_be_bytes().to_vec();
    msg.extend_from_slice(&body);
    msg
}

/// A `PROTOCOL_TLS` server (at `@SECLEVEL=0`, with `options`) given an SSL 2
/// `CLIENT-HELLO`: the server's error and the bytes it answers with.
fn rust_sslv2_hello(options: &[&str]) -> String {
    let mut sc = SslContext::new(PROTOCOL_TLS).unwrap();
    let mut o = sc.options();
    for name in options {
        o |= option(name);
    }
    sc.set_options(o).unwrap();
    sc.set_ciphers(SECLEVEL_0).unwrap();
    sc.load_cert_chain(&certdata("keycert3.pem"), None, None)
        .unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut peer = TcpStream::connect_timeout(&listener.local_addr().unwrap(), TIMEOUT).unwrap();
    peer.set_read_timeout(Some(TIMEOUT)).unwrap();
    let (tcp, _) = listener.accept().unwrap();
    tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
    peer.write_all(&sslv2_client_hello()).unwrap();
    let out = match sc.wrap_socket(tcp, WrapOptions::default().server_side(true)) {
        Ok(s) => format!("ok {}", s.version().unwrap_or_default()),
        Err(e) => err_line(&e),
    };
    let mut answer = Vec::new();
    peer.read_to_end(&mut answer).unwrap();
    let hex: String = answer.iter().map(|b| format!("{b:02x}")).collect();
    format!("{out} | {hex}")
}

const PY_SSLV2_HELLO: &str = r#"
def sslv2_hello(options):
    challenge = bytes(range(16))
    ciphers = bytes.fromhex("010080000035")
    body = (bytes([1, 0, 2]) + len(ciphers).to_bytes(2, "big") + (0).to_bytes(2, "big")
            + len(challenge).to_bytes(2, "big") + ciphers + challenge)
    hello = (0x8000 | len(body)).to_bytes(2, "big") + body
    sc = ssl.SSLContext(ssl.PROTOCOL_TLS)
    for name in options:
        sc.options |= getattr(ssl, name)
    sc.set_ciphers("ALL:@SECLEVEL=0")
    sc.load_cert_chain(os.path.join(D, "keycert3.pem"))
    ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1)
    peer = socket.create_connection(ls.getsockname(), timeout=10)
    conn, _ = ls.accept(); conn.settimeout(10)
    peer.sendall(hello)
    try:
        s = sc.wrap_socket(conn, server_side=True)
        out = "ok " + s.version()
        s.close()
    except Exception as e:
        out = err(e)
        conn.close()
    answer = b""
    while True:
        chunk = peer.recv(4096)
        if not chunk:
            break
        answer += chunk
    peer.close(); ls.close()
    return "%s | %s" % (out, answer.hex())
"#;

/// `bool(expr)` in Python, as a Rust bool.
fn py_bool(expr: &str) -> bool {
    match py(&format!("P(bool({expr}))")).as_slice() {
        [v] if v == "True" => true,
        [v] if v == "False" => false,
        other => panic!("{expr}: {other:?}"),
    }
}

/// CPython test_ssl.py: `ThreadedTests.test_protocol_sslv2`. CPython runs
/// it only where `has_tls_version('SSLv2')`, which is never true any more
/// ("never supported and not even in TLSVersion enum"): there is no SSL 2
/// protocol, server or client to make. What applies is that SSL 2 is not
/// spoken: `HAS_SSLv2` is false and `OP_NO_SSLv2` is `0`, as Python's, and
/// the combinations CPython tries against an SSL 2 peer (a `PROTOCOL_TLS`
/// side plain, with `OP_NO_SSLv3`, with `OP_NO_TLSv1`) fail. The SSL 2 peer
/// here is an SSL 2 `CLIENT-HELLO` sent to the `PROTOCOL_TLS` server (the
/// one direction an SSL 2 peer can still be played); sslwrap's server
/// refuses it with the same error and the same answer (a
/// protocol_version alert) as Python's.
#[test]
fn protocol_sslv2() {
    assert_eq!(HAS_SSLv2, py_bool("ssl.HAS_SSLv2"));
    assert_eq!(
        py("P(int(ssl.OP_NO_SSLv2))"),
        [OP_NO_SSLv2.bits().to_string()]
    );
    let cases: [&[&str]; 3] = [&[], &["OP_NO_SSLv3"], &["OP_NO_TLSv1"]];
    let ours: Vec<String> = cases.iter().map(|o| rust_sslv2_hello(o)).collect();
    let script: String = cases
        .iter()
        .map(|o| {
            let names: Vec<String> = o.iter().map(|n| format!("{n:?}")).collect();
            format!("P(sslv2_hello([{}]))\n", names.join(", "))
        })
        .collect();
    let theirs = py(&format!("{PY_SSLV2_HELLO}\n{script}"));
    assert_lines(&ours, &theirs);
    for line in &ours {
        assert!(line.starts_with("SSLError: "), "{line}");
    }
}
