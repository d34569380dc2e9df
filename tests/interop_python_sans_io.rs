//! sslwrap's sans-IO layer against CPython's own `SSLObject`/`MemoryBIO`
//! (`python3`, CPython 3.11.7, on the OpenSSL sslwrap links): the two
//! objects talking through bytes the test carries, the errors both give
//! for bytes that are not TLS, and the handshake trace against Python's
//! `_msg_callback`.
//!
//! Like `tests/interop_python.rs`, these compare with the local CPython and
//! need it to run on the same OpenSSL, so `.ci/run` leaves `interop_python*`
//! out of its vendored (OpenSSL 3.6) run.

mod common;

use std::sync::{Arc, Mutex};

use common::memory::{handshake, pair_with, send, wrap};
use common::python::PyProcess;
use common::{
    certdata, cpython_client_ctx as client_ctx, cpython_server_ctx as server_ctx, python3,
};
use sslwrap::{Direction, SslErrorKind, TlsVersion, TraceEvent, WrapOptions};

// ---------------------------------------------------------------------------
// SslObject and SSLObject.

/// What a server and a client make of bytes that are not TLS, compared
/// with python3 on the same bytes.
#[test]
fn garbage_gives_pythons_errors() {
    let inputs: [&[u8]; 5] = [
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
        b"\x16\x03\x01\xff\xff",
        b"\x17\x03\x03\x00\x05hello",
        b"\x15\x03\x03\x00\x02\x02\x28",
        &[0u8; 64],
    ];
    let mut ours = Vec::new();
    for input in inputs {
        for side in ["server", "client"] {
            let (cc, sc) = (client_ctx(), server_ctx());
            let mut obj = if side == "server" {
                wrap(&sc, WrapOptions::default().server_side(true))
            } else {
                let mut c = wrap(&cc, WrapOptions::default().server_hostname("localhost"));
                let _ = c.do_handshake();
                c
            };
            obj.incoming().write(input).unwrap();
            let e = obj.do_handshake().unwrap_err();
            ours.push(format!("{}: {e}", e.python_class()));
        }
    }
    let script = r#"
import os, ssl, sys
d = sys.argv[1]
cc = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); cc.load_verify_locations(os.path.join(d, "pycacert.pem"))
sc = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); sc.load_cert_chain(os.path.join(d, "keycert3.pem"))
for line in sys.stdin:
    data = bytes.fromhex(line.strip())
    for side in ("server", "client"):
        i, o = ssl.MemoryBIO(), ssl.MemoryBIO()
        if side == "server":
            obj = sc.wrap_bio(i, o, server_side=True)
        else:
            obj = cc.wrap_bio(i, o, server_hostname="localhost")
            try: obj.do_handshake()
            except ssl.SSLWantReadError: pass
        i.write(data)
        try:
            obj.do_handshake(); print("no error", flush=True)
        except Exception as e:
            print("%s: %s" % (type(e).__name__, str(e).rsplit(" (_ssl.c:", 1)[0]), flush=True)
"#;
    let path = std::env::temp_dir().join(format!("sslwrap-garbage-{}.py", std::process::id()));
    std::fs::write(&path, script).unwrap();
    let dir = certdata("");
    let mut py = PyProcess::talk(&path, &[dir.to_str().unwrap()]);
    let mut theirs = Vec::new();
    for input in inputs {
        let hex: String = input.iter().map(|b| format!("{b:02x}")).collect();
        py.send_line(&hex).unwrap();
        for _ in 0..2 {
            theirs.push(py.next_line().unwrap());
        }
    }
    let _ = std::fs::remove_file(&path);
    assert_eq!(ours, theirs);
}

/// sslwrap's `SslObject` and CPython's `SSLObject` talk through bytes the
/// test carries, in both roles: handshake, then b"ping" / b"pong:ping".
#[test]
fn python_sslobject_peer_both_roles() {
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/sslobject_peer.py");
    let dir = certdata("");
    let _ = python3();
    for python_role in ["server", "client"] {
        let mut py = PyProcess::talk(&script, &[python_role, dir.to_str().unwrap()]);
        let (cc, sc) = (client_ctx(), server_ctx());
        let mut ours = if python_role == "server" {
            wrap(&cc, WrapOptions::default().server_hostname("localhost"))
        } else {
            wrap(&sc, WrapOptions::default().server_side(true))
        };
        let mut got = Vec::new();
        let mut sent = false;
        let mut their_out = String::new();
        let mut their_last = None;
        let mut rounds = 0;
        loop {
            rounds += 1;
            assert!(rounds < 20, "no end after 20 rounds");
            // Our turn: take their bytes, make progress, send ours.
            let bytes: Vec<u8> = (0..their_out.len() / 2)
                .map(|i| u8::from_str_radix(&their_out[2 * i..2 * i + 2], 16).unwrap())
                .collect();
            ours.incoming().write(&bytes).unwrap();
            let step = (|| -> Result<(), sslwrap::SslError> {
                ours.do_handshake()?;
                if python_role == "server" && !sent {
                    ours.write(b"ping")?;
                    sent = true;
                }
                let mut buf = [0u8; 100];
                let n = ours.read_into(&mut buf)?;
                got.extend_from_slice(&buf[..n]);
                if python_role == "client" && !got.is_empty() && !sent {
                    let mut reply = b"pong:".to_vec();
                    reply.extend_from_slice(&got);
                    ours.write(&reply)?;
                    sent = true;
                }
                Ok(())
            })();
            if let Err(e) = step {
                assert_eq!(
                    e.kind(),
                    SslErrorKind::WantRead,
                    "sslwrap as the other side: {e}"
                );
            }
            let out: String = ours
                .outgoing()
                .read(None)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let our_done = sent && !got.is_empty();
            if our_done && out.is_empty() && their_last.is_some() {
                break;
            }
            py.send_line(&out).unwrap();
            let line = py.next_line().unwrap();
            let reply = common::json::Json::parse(&line).unwrap();
            assert_eq!(reply.get("error"), None, "{line}");
            their_out = reply.str_at("out").unwrap_or_default();
            if reply.get("done") == Some(&common::json::Json::Bool(true)) {
                their_last = Some(reply);
            }
        }
        let theirs = their_last.unwrap();
        assert_eq!(
            theirs.str_at("version").as_deref(),
            ours.version().as_deref()
        );
        assert_eq!(
            theirs.str_at("cipher"),
            ours.cipher().map(|c| c.0),
            "python as {python_role}"
        );
        // Both ends of the connection see the same tls-unique binding.
        let ours_cb: Option<String> = ours
            .get_channel_binding("tls-unique")
            .unwrap()
            .map(|b| b.iter().map(|x| format!("{x:02x}")).collect());
        assert_eq!(
            theirs.str_at("tls_unique"),
            ours_cb,
            "python as {python_role}"
        );
        if python_role == "server" {
            assert_eq!(theirs.str_at("got").as_deref(), Some("ping"));
            assert_eq!(got, b"pong:ping");
        } else {
            assert_eq!(got, b"ping");
            assert_eq!(theirs.str_at("got").as_deref(), Some("pong:ping"));
        }
    }
}

// ---------------------------------------------------------------------------
// The trace and Python's `_msg_callback`.

/// Python: a client and a server `SSLObject` of contexts `c` and `s`,
/// handshaken flight by flight, as tests/common/memory.rs does in Rust.
const PY_PAIR: &str = r#"
import os, ssl, sys

def handshake_pair(c, s):
    ci, co, si, so = [ssl.MemoryBIO() for _ in range(4)]
    a = c.wrap_bio(ci, co, server_hostname="localhost"); b = s.wrap_bio(si, so, server_side=True)
    done = [False, False]
    for _ in range(10):
        for i, (x, o, peer) in enumerate(((a, co, si), (b, so, ci))):
            if not done[i]:
                try: x.do_handshake(); done[i] = True
                except ssl.SSLWantReadError: pass
            peer.write(o.read())
        if all(done): break
    return a, co, ci, b, so, si
"#;

/// The same handshake in Python (two `SSLObject`s) and in sslwrap, with
/// what `_msg_callback` gets (side, direction, version, content type,
/// msg_type) compared event by event.
#[test]
fn sequences_match_pythons_msg_callback() {
    let script = PY_PAIR.to_owned()
        + r#"
d = sys.argv[1]
for maxv in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); c.load_verify_locations(os.path.join(d, "pycacert.pem"))
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); s.load_cert_chain(os.path.join(d, "keycert3.pem"))
    s.maximum_version = maxv
    ev = []
    def cb(conn, direction, version, content_type, msg_type, data):
        v = version.name if isinstance(version, ssl.TLSVersion) else str(version)
        ev.append("%s %s %s %d %d" % ("server" if conn.server_side else "client", direction, v, content_type, msg_type))
    c._msg_callback = cb; s._msg_callback = cb
    a, co, ci, b, so, si = handshake_pair(c, s)
    b.write(b"hi"); ci.write(so.read()); a.read(10)
    a.write(b"hi"); si.write(co.read()); b.read(10)
    for e in ev: print(e)
    print("END", flush=True)
"#;
    let path = std::env::temp_dir().join(format!("sslwrap-trace-{}.py", std::process::id()));
    std::fs::write(&path, script).unwrap();
    let dir = certdata("");
    let mut py = PyProcess::talk(&path, &[dir.to_str().unwrap()]);
    for v in [TlsVersion::TLSv1_3, TlsVersion::TLSv1_2] {
        let mut theirs = Vec::new();
        loop {
            let line = py.next_line().unwrap();
            if line == "END" {
                break;
            }
            theirs.push(line);
        }
        // Ours, merged in the order the events happened: the pump below
        // runs the sides in the same order as the script.
        let log = Arc::new(Mutex::new(Vec::new()));
        let (mut cc, mut sc) = (client_ctx(), server_ctx());
        sc.set_maximum_version(v).unwrap();
        for (ctx, side) in [(&mut cc, "client"), (&mut sc, "server")] {
            let log = log.clone();
            ctx.set_msg_callback(Some(move |e: &TraceEvent| {
                let dir = match e.direction {
                    Direction::Sent => "write",
                    Direction::Received => "read",
                };
                let version = match e.version {
                    TlsVersion::TLSv1 => "TLSv1".to_owned(),
                    TlsVersion::TLSv1_2 => "TLSv1_2".to_owned(),
                    TlsVersion::TLSv1_3 => "TLSv1_3".to_owned(),
                    _ => e.raw_version.to_string(),
                };
                log.lock().unwrap().push(format!(
                    "{side} {dir} {version} {} {}",
                    e.content_type.value(),
                    e.python_msg_type()
                ));
            }));
        }
        let (mut c, mut s) = pair_with(
            &cc,
            &sc,
            WrapOptions::default().server_hostname("localhost"),
        );
        handshake(&mut c, &mut s).unwrap();
        send(&mut s, &mut c, b"hi");
        send(&mut c, &mut s, b"hi");
        let ours = log.lock().unwrap().clone();
        assert_eq!(ours, theirs, "{v:?}");
    }
    let _ = std::fs::remove_file(&path);
}

// ---------------------------------------------------------------------------
// The key log and Python's `keylog_filename`.

/// The same handshakes (TLS 1.3, then 1.2) logged by Python and by sslwrap:
/// the same header and the same labels, in the same order.
#[test]
fn keylog_lines_match_pythons() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("keylog-py-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (theirs, ours) = (dir.join("python.log"), dir.join("sslwrap.log"));
    let _ = std::fs::remove_file(&theirs);
    let _ = std::fs::remove_file(&ours);
    let script = PY_PAIR.to_owned()
        + r#"
d, log = sys.argv[1], sys.argv[2]
for maxv in (ssl.TLSVersion.TLSv1_3, ssl.TLSVersion.TLSv1_2):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); c.load_verify_locations(os.path.join(d, "pycacert.pem"))
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); s.load_cert_chain(os.path.join(d, "keycert3.pem"))
    s.maximum_version = maxv
    c.keylog_filename = log; s.keylog_filename = log
    a, co, ci, b, so, si = handshake_pair(c, s)
print("END", flush=True)
"#;
    let path = dir.join("keylog.py");
    std::fs::write(&path, script).unwrap();
    let certs = certdata("");
    let mut py = PyProcess::talk(&path, &[certs.to_str().unwrap(), theirs.to_str().unwrap()]);
    assert_eq!(py.next_line().unwrap(), "END");
    for v in [TlsVersion::TLSv1_3, TlsVersion::TLSv1_2] {
        let (mut cc, mut sc) = (client_ctx(), server_ctx());
        sc.set_maximum_version(v).unwrap();
        cc.set_keylog_filename(Some(&ours)).unwrap();
        sc.set_keylog_filename(Some(&ours)).unwrap();
        let (mut c, mut s) = pair_with(
            &cc,
            &sc,
            WrapOptions::default().server_hostname("localhost"),
        );
        handshake(&mut c, &mut s).unwrap();
    }
    let labels = |p: &std::path::Path| -> Vec<String> {
        std::fs::read_to_string(p)
            .unwrap()
            .lines()
            .map(|l| l.split(' ').next().unwrap_or_default().to_owned())
            .collect()
    };
    let (py_labels, our_labels) = (labels(&theirs), labels(&ours));
    assert!(py_labels.len() > 10, "{py_labels:?}");
    assert_eq!(our_labels, py_labels);
    assert_eq!(
        std::fs::read_to_string(&ours).unwrap().lines().next(),
        std::fs::read_to_string(&theirs).unwrap().lines().next()
    );
}
