//! The examples run as a newcomer runs them: `cargo run --example …`.
//!
//! Examples have no `CARGO_BIN_EXE_*`, so this runs cargo itself (the same
//! cargo, features and profile as this test), which builds the example if
//! `cargo test` has not already.

mod common;

use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use common::child::{run_limited, Killed};

/// Generous: includes building the example when it is not built yet.
const LIMIT: Duration = Duration::from_secs(120);

/// `cargo run --quiet --example <name>`, killed after [`LIMIT`].
fn run_example(name: &str) -> Output {
    run_example_with(name, &[])
}

/// `cargo run --quiet --example <name> -- <args>`, killed after [`LIMIT`].
fn run_example_with(name: &str, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--quiet", "--example", name]);
    if cfg!(feature = "vendored") {
        cmd.args(["--features", "vendored"]);
    }
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    cmd.arg("--").args(args);
    run_limited(cmd, LIMIT, &format!("`cargo run --example {name}`"))
}

/// The README's first command: a mutual-TLS echo on loopback with its own
/// certificates, over TLS 1.3, exiting 0.
#[test]
fn demo() {
    let out = run_example("demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "demo failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        stdout.contains("client: received \"Hello World?\""),
        "{stdout}"
    );
    assert!(stdout.contains("TLSv1.3"), "{stdout}");
    assert!(
        stdout.contains("client certificate subject [[(\"commonName\", \"sslwrap demo client\")]]"),
        "{stdout}"
    );
}

/// Waits (bounded) for a line of `child`'s stdout containing `needle`;
/// the rest of its stdout keeps draining in the background.
fn wait_line(child: &mut Child, needle: &'static str) -> String {
    wait_line_within(child, needle, Duration::from_secs(10))
}

fn certdata(name: &str) -> String {
    common::certdata(name).display().to_string()
}

/// `openssl s_server` with CPython's keycert3.pem on an ephemeral port,
/// serving one connection.
fn s_server() -> (Killed, u16) {
    let child = Command::new("openssl")
        .args([
            "s_server",
            "-accept",
            "127.0.0.1:0",
            "-naccept",
            "1",
            "-cert",
        ])
        .arg(certdata("keycert3.pem"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the `openssl` command (Debian package openssl) must be installed");
    let mut peer = Killed(child);
    let line = wait_line(&mut peer.0, "ACCEPT ");
    let port = line
        .rsplit(':')
        .next()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"));
    (peer, port)
}

/// Runs a Python script under the python3 on PATH (CPython 3.11 expected).
fn python(script: &str, args: &[String]) -> Output {
    let mut cmd = Command::new("python3");
    cmd.arg("-c").arg(script).args(args);
    run_limited(cmd, LIMIT, "python3 (CPython 3.11 on PATH)")
}

// `examples/get_server_certificate.rs` prints exactly what Python's
// `ssl.get_server_certificate` returns, unverified and with `ca_certs`,
// against `openssl s_server`.
#[test]
fn get_server_certificate_matches_python_against_s_server() {
    let script = "import ssl, sys\n\
        ca = sys.argv[2] if len(sys.argv) > 2 else None\n\
        sys.stdout.write(ssl.get_server_certificate(('127.0.0.1', int(sys.argv[1])), ca_certs=ca))";
    for ca in [None, Some(certdata("pycacert.pem"))] {
        let (_py_server, port) = s_server();
        let mut args = vec![port.to_string()];
        args.extend(ca.clone());
        let py = python(script, &args);
        assert!(
            py.status.success(),
            "python: {}",
            String::from_utf8_lossy(&py.stderr)
        );

        let (_rs_server, port) = s_server();
        let target = format!("127.0.0.1:{port}");
        let mut args = vec![target.as_str()];
        if let Some(ca) = &ca {
            args.extend(["--cafile", ca.as_str()]);
        }
        let ours = run_example_with("get_server_certificate", &args);
        assert!(
            ours.status.success(),
            "example: {}",
            String::from_utf8_lossy(&ours.stdout)
        );
        assert_eq!(
            String::from_utf8_lossy(&ours.stdout),
            String::from_utf8_lossy(&py.stdout)
        );
        assert!(String::from_utf8_lossy(&ours.stdout).starts_with("-----BEGIN CERTIFICATE-----\n"));
    }
}

/// The STARTTLS line protocol of `examples/starttls.rs`, spoken by Python:
/// `server` or `client PORT CAFILE`.
const PY_STARTTLS: &str = r#"
import socket, ssl, sys

def line(s):
    data = b""
    while not data.endswith(b"\n"):
        chunk = s.recv(1)
        if not chunk:
            raise EOFError("peer closed")
        data += chunk
    return data[:-1].decode()

if sys.argv[1] == "client":
    port, cafile = int(sys.argv[2]), sys.argv[3]
    ctx = ssl.create_default_context(cafile=cafile)
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    for cmd in ["HELLO", "STARTTLS"]:
        s.sendall(cmd.encode() + b"\n"); print(line(s))
    s = ctx.wrap_socket(s, server_hostname="localhost")
    print("upgraded:", s.version())
    for cmd in ["PING", "ENDTLS"]:
        s.sendall(cmd.encode() + b"\n"); print(line(s))
    s = s.unwrap()
    print("back to plaintext")
    s.sendall(b"BYE\n"); print(line(s))
else:
    certfile = sys.argv[2]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(certfile)
    l = socket.socket(); l.bind(("127.0.0.1", 0)); l.listen(1); l.settimeout(10)
    print("listening on 127.0.0.1:%d" % l.getsockname()[1], flush=True)
    s, _ = l.accept(); s.settimeout(10)
    while True:
        cmd = line(s)
        if cmd == "HELLO":
            s.sendall(b"OK plain\n")
        elif cmd == "STARTTLS":
            s.sendall(b"OK starttls\n")
            t = ctx.wrap_socket(s, server_side=True)
            while True:
                cmd = line(t)
                if cmd == "PING":
                    t.sendall(b"PONG\n")
                elif cmd == "ENDTLS":
                    t.sendall(b"OK endtls\n"); break
            s = t.unwrap()
        elif cmd == "BYE":
            s.sendall(b"OK bye\n"); print("done", flush=True); break
"#;

const STARTTLS_SESSION: &str =
    "OK plain\nOK starttls\nupgraded: TLSv1.3\nPONG\nOK endtls\nback to plaintext\nOK bye\n";

// `examples/starttls.rs client` against a Python server doing the same:
// plaintext, TLS with `wrap_socket`, plaintext again after `unwrap()`.
#[test]
fn starttls_client_against_python_server() {
    let child = Command::new("python3")
        .args(["-c", PY_STARTTLS, "server"])
        .arg(certdata("keycert3.pem"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 (CPython 3.11) must be on PATH");
    let mut server = Killed(child);
    let line = wait_line(&mut server.0, "listening on");
    let port = line.rsplit(':').next().unwrap().trim().to_owned();
    let ours = run_example_with(
        "starttls",
        &[
            "client",
            "--port",
            &port,
            "--cafile",
            &certdata("pycacert.pem"),
        ],
    );
    assert!(
        ours.status.success(),
        "{}",
        String::from_utf8_lossy(&ours.stdout)
    );
    assert_eq!(String::from_utf8_lossy(&ours.stdout), STARTTLS_SESSION);
}

// A Python client against `examples/starttls.rs server`.
#[test]
fn starttls_server_against_python_client() {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--quiet", "--example", "starttls"]);
    if cfg!(feature = "vendored") {
        cmd.args(["--features", "vendored"]);
    }
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let child = cmd
        .args(["--", "server", "--certfile"])
        .arg(certdata("keycert3.pem"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot run cargo");
    let mut server = Killed(child);
    // Generous: cargo may build the example first.
    let line = wait_line_within(&mut server.0, "listening on", LIMIT);
    let port = line.rsplit(':').next().unwrap().trim().to_owned();
    let py = python(
        PY_STARTTLS,
        &["client".into(), port, certdata("pycacert.pem")],
    );
    assert!(
        py.status.success(),
        "python: {}",
        String::from_utf8_lossy(&py.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&py.stdout), STARTTLS_SESSION);
}

fn wait_line_within(child: &mut Child, needle: &'static str, limit: Duration) -> String {
    use std::io::BufRead;
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if line.contains(needle) {
                let _ = tx.send(line);
            }
        }
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|_| panic!("no line with {needle:?} within {limit:?}"))
}
