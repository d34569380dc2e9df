//! The examples run as a newcomer runs them: `cargo run --example …`.
//!
//! Examples have no `CARGO_BIN_EXE_*`, so this runs cargo itself (the same
//! cargo, features and profile as this test), which builds the example if
//! `cargo test` has not already.

mod common;

use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use common::child::{run_limited, Killed};

/// Generous: includes building the example when it is not built yet.
const LIMIT: Duration = Duration::from_secs(120);

/// How long an example that runs has to say something or to exit.
const STEP: Duration = Duration::from_secs(10);

/// `cargo run --quiet --example <name>`, killed after [`LIMIT`].
fn run_example(name: &str) -> Output {
    run_example_with(name, &[])
}

/// `cargo run --quiet --example <name> -- <args>`, killed after [`LIMIT`].
fn run_example_with(name: &str, args: &[&str]) -> Output {
    run_limited(
        example_command(name, args),
        LIMIT,
        &format!("`cargo run --example {name}`"),
    )
}

/// `cargo run --quiet --example <name> -- <args>` with the cargo, features
/// and profile of this test. On Unix `cargo run` execs the example, so the
/// child's pid is the example's and signals sent to it reach the example.
fn example_command(name: &str, args: &[&str]) -> Command {
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
    cmd
}

/// A long-running example (a server), killed when the handle drops, with
/// its stdout as [`Lines`].
fn spawn_example(name: &str, args: &[&str]) -> (Killed, Lines) {
    let child = example_command(name, args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("cannot run cargo");
    let mut child = Killed(child);
    let lines = Lines::of(&mut child.0);
    (child, lines)
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
        stdout.contains("client certificate subject [[(\"commonName\", \"example client\")]]"),
        "{stdout}"
    );
}

/// A child's stdout, line by line, read by a thread (which also keeps the
/// pipe drained).
struct Lines(Receiver<String>);

impl Lines {
    fn of(child: &mut Child) -> Lines {
        use std::io::BufRead;
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
            {
                let _ = tx.send(line);
            }
        });
        Lines(rx)
    }

    /// The next line containing `needle` (the lines before it are
    /// skipped), waiting at most `limit`.
    fn wait_for(&self, needle: &str, limit: Duration) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.0.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return line,
                Ok(_) => {}
                Err(_) => panic!("no line with {needle:?} within {limit:?}"),
            }
        }
    }
}

/// "… 127.0.0.1:PORT" → PORT.
fn port_after(line: &str) -> u16 {
    line.rsplit(':')
        .next()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"))
}

fn certdata(name: &str) -> String {
    common::certdata(name).display().to_string()
}

/// `openssl s_server` with CPython's keycert3.pem on an ephemeral port of
/// 127.0.0.1, serving one connection.
fn s_server() -> (Killed, u16) {
    s_server_at("127.0.0.1:0")
}

/// `openssl s_server -accept <accept>` (`[::1]:0` for IPv6) with CPython's
/// keycert3.pem, serving one connection.
fn s_server_at(accept: &str) -> (Killed, u16) {
    let child = Command::new("openssl")
        .args(["s_server", "-accept", accept, "-naccept", "1", "-cert"])
        .arg(certdata("keycert3.pem"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the `openssl` command (Debian package openssl) must be installed");
    let mut peer = Killed(child);
    let line = Lines::of(&mut peer.0).wait_for("ACCEPT ", STEP);
    (peer, port_after(&line))
}

/// The certificate of keycert3.pem as PEM: what `get_server_certificate`
/// prints for [`s_server`].
fn keycert3_certificate() -> String {
    let pem = std::fs::read_to_string(certdata("keycert3.pem")).expect("keycert3.pem");
    let begin = pem
        .find("-----BEGIN CERTIFICATE-----")
        .expect("a certificate");
    let end = "-----END CERTIFICATE-----\n";
    let len = pem[begin..].find(end).expect("its end") + end.len();
    pem[begin..begin + len].to_owned()
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
    certfile, keyfile = sys.argv[2], sys.argv[3]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(certfile, keyfile)
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
// The client uses `create_default_context`, whose VERIFY_X509_STRICT (3.13's
// default) refuses CPython 3.11's pycacert.pem (basicConstraints not
// critical), so the server's certificate comes from the test PKI.
#[test]
fn starttls_client_against_python_server() {
    let pki = common::pki::pki();
    let child = Command::new("python3")
        .args(["-c", PY_STARTTLS, "server"])
        .arg(pki.path("server.pem"))
        .arg(pki.path("server.key"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 (CPython 3.11) must be on PATH");
    let mut server = Killed(child);
    let line = Lines::of(&mut server.0).wait_for("listening on", STEP);
    let port = port_after(&line).to_string();
    let ours = run_example_with(
        "starttls",
        &[
            "client",
            "--port",
            &port,
            "--cafile",
            pki.path("ca.pem").to_str().expect("a UTF-8 path"),
        ],
    );
    assert!(
        ours.status.success(),
        "{}",
        String::from_utf8_lossy(&ours.stdout)
    );
    assert_eq!(String::from_utf8_lossy(&ours.stdout), STARTTLS_SESSION);
}

// A Python client against `examples/starttls.rs server --once`, which then
// exits 0.
#[test]
fn starttls_server_against_python_client() {
    let keycert = certdata("keycert3.pem");
    let (mut server, lines) =
        spawn_example("starttls", &["server", "--once", "--certfile", &keycert]);
    // Generous: cargo may build the example first.
    let port = port_after(&lines.wait_for("listening on", LIMIT));
    let py = python_starttls_client(port, &certdata("pycacert.pem"));
    assert_eq!(String::from_utf8_lossy(&py.stdout), STARTTLS_SESSION);
    let status = server.wait_within(STEP, "`starttls server --once` after its session");
    assert!(status.success(), "starttls server --once: {status}");
}

/// `starttls server` serves until interrupted: two sessions in a row with
/// its throw-away certificates, then Ctrl-C (SIGINT) ends it with status
/// 130 and removes the certificates.
#[test]
fn starttls_server_serves_until_interrupted() {
    let (mut server, lines) = spawn_example("starttls", &["server"]);
    let dir = announced_dir(&server, &lines, "starttls");
    let port = port_after(&lines.wait_for("listening on", STEP));
    for session in 1..=2 {
        let py = python_starttls_client(port, &dir.0.join("ca.pem").display().to_string());
        assert_eq!(
            String::from_utf8_lossy(&py.stdout),
            STARTTLS_SESSION,
            "session {session}"
        );
    }
    let status = server.interrupt(STEP);
    assert_eq!(
        status.code(),
        Some(130),
        "starttls server on SIGINT: {status}"
    );
    assert!(!dir.0.exists(), "{} is still there", dir.0.display());
}

/// [`PY_STARTTLS`] as a client of 127.0.0.1:`port`, trusting `cafile`;
/// fails the test if Python does.
fn python_starttls_client(port: u16, cafile: &str) -> Output {
    let py = python(
        PY_STARTTLS,
        &["client".into(), port.to_string(), cafile.to_owned()],
    );
    assert!(
        py.status.success(),
        "python: {}",
        String::from_utf8_lossy(&py.stderr)
    );
    py
}

// --- the command line -------------------------------------------------------

/// Every example and the options its `--help` must list.
const OPTIONS: &[(&str, &[&str])] = &[
    ("demo", &[]),
    (
        "echo_client",
        &[
            "--cafile",
            "--host",
            "--port",
            "--certfile",
            "--keyfile",
            "--message",
        ],
    ),
    (
        "echo_server",
        &[
            "--port",
            "--certfile",
            "--keyfile",
            "--keep-certs",
            "--cafile",
            "--require-client-cert",
            "--max-version",
        ],
    ),
    (
        "kv_server",
        &[
            "--port",
            "--certfile",
            "--keyfile",
            "--keep-certs",
            "--cafile",
            "--require-client-cert",
        ],
    ),
    (
        "kv_client",
        &["--cafile", "--certfile", "--keyfile", "--host", "--port"],
    ),
    (
        "redis_ping",
        &[
            "--host",
            "--port",
            "--username",
            "--password",
            "--ssl-ca-certs",
            "--ssl-ca-path",
            "--ssl-certfile",
            "--ssl-keyfile",
            "--ssl-password",
            "--ssl-cert-reqs",
            "--ssl-check-hostname",
            "--key",
            "--value",
            "--socket-timeout",
            "--socket-connect-timeout",
        ],
    ),
    (
        "get_server_certificate",
        &["HOST:PORT", "--host", "--port", "--cafile", "--timeout"],
    ),
    (
        "starttls",
        &[
            "server | client",
            "--port",
            "--certfile",
            "--keyfile",
            "--keep-certs",
            "--once",
            "--cafile",
            "--host",
        ],
    ),
];

/// `--help` (and `-h`) prints the usage, the Python program the example
/// ports and one line per option with its default (or "required"), on
/// stdout, and exits 0.
#[test]
fn help_lists_every_option() {
    for (name, options) in OPTIONS {
        for flag in ["--help", "-h"] {
            let out = run_example_with(name, &[flag]);
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success(),
                "{name} {flag}: {}\n{stderr}",
                out.status
            );
            assert!(
                stdout.starts_with(&format!("usage: {name} [-h]")),
                "{name} {flag}:\n{stdout}"
            );
            assert!(stdout.contains("\nPorts "), "{name} {flag}:\n{stdout}");
            assert!(
                stdout.contains("\n  -h, --help "),
                "{name} {flag}:\n{stdout}"
            );
            for option in *options {
                let line = stdout
                    .lines()
                    .find(|l| l.starts_with(&format!("  {option} ")))
                    .unwrap_or_else(|| panic!("{name} {flag}: no line for {option}:\n{stdout}"));
                assert!(
                    line.contains("(default: ") || line.contains("required"),
                    "{name} {flag}: {option} says neither its default nor that it is required: \
                     {line:?}"
                );
            }
        }
    }
}

/// A bad command line prints the usage and `NAME: error: …` on stderr and
/// exits 2, as Python's argparse does, before doing anything (the servers
/// among them would otherwise serve until killed).
#[test]
fn bad_command_lines_exit_2() {
    let mut cases: Vec<(&str, Vec<&str>)> = OPTIONS
        .iter()
        .map(|(name, _)| (*name, vec!["--no-such-flag"]))
        .collect();
    for name in [
        "echo_client",
        "echo_server",
        "kv_client",
        "kv_server",
        "redis_ping",
        "get_server_certificate",
    ] {
        cases.push((name, vec!["--port=abc"]));
        cases.push((name, vec!["--port", "99999"]));
        cases.push((name, vec!["--port"]));
    }
    cases.extend([
        ("starttls", vec!["server", "--port=abc"]),
        ("starttls", vec!["client", "--port", "99999"]),
        ("starttls", vec![]),
        ("starttls", vec!["client"]),
        ("starttls", vec!["server", "--cafile", "ca.pem"]),
        (
            "get_server_certificate",
            vec!["localhost:443", "--timeout", "abc"],
        ),
        (
            "get_server_certificate",
            vec!["localhost:443", "--timeout=0"],
        ),
        ("get_server_certificate", vec!["localhost:abc"]),
        ("get_server_certificate", vec!["::1:443"]),
        ("get_server_certificate", vec![]),
        ("redis_ping", vec!["--socket-timeout", "abc"]),
        ("redis_ping", vec!["--ssl-cert-reqs", "sometimes"]),
        ("echo_client", vec!["--port", "1"]),
        ("echo_server", vec!["--max-version", "1.1"]),
        ("echo_server", vec!["--keep-certs=yes"]),
        ("demo", vec!["extra"]),
    ]);
    for (name, args) in cases {
        let out = run_example_with(name, &args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name} {args:?}: {stderr}");
        assert!(
            stderr.starts_with(&format!("usage: {name} [-h]"))
                && stderr.contains(&format!("\n{name}: error: ")),
            "{name} {args:?}: {stderr}"
        );
        assert!(out.stdout.is_empty(), "{name} {args:?}: {:?}", out.stdout);
    }
}

/// `--host H --port=N`, the `=` spelling included, against `openssl
/// s_server`.
#[test]
fn get_server_certificate_host_and_port_flags() {
    let (_server, port) = s_server();
    let port = format!("--port={port}");
    let out = run_example_with("get_server_certificate", &["--host", "127.0.0.1", &port]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), keycert3_certificate());
}

/// `[::1]:PORT`, an IPv6 literal in brackets, against `openssl s_server` on
/// the IPv6 loopback. Needs `::1` (`ip -6 addr show lo`); without it this
/// fails saying so rather than skipping.
#[test]
fn get_server_certificate_ipv6_literal() {
    if let Err(e) = std::net::TcpListener::bind("[::1]:0") {
        panic!("this test needs the IPv6 loopback address ::1 (`ip -6 addr show lo`): {e}");
    }
    let (_server, port) = s_server_at("[::1]:0");
    let out = run_example_with("get_server_certificate", &[&format!("[::1]:{port}")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), keycert3_certificate());
}

/// A name that does not resolve (`.invalid` never does, RFC 6761) ends as
/// Python's traceback does: `socket.gaierror: [Errno -2] Name or service
/// not known` (with this resolver's code and message), exit 1.
#[test]
fn get_server_certificate_unresolvable_name_is_gaierror() {
    let py = python(
        "import ssl; ssl.get_server_certificate(('no-such-host.invalid', 443))",
        &[],
    );
    let py_stderr = String::from_utf8_lossy(&py.stderr);
    let python_says = py_stderr.lines().last().unwrap_or_default();
    assert!(
        python_says.starts_with("socket.gaierror: [Errno "),
        "python: {py_stderr}"
    );
    let ours = run_example_with("get_server_certificate", &["no-such-host.invalid:443"]);
    assert_eq!(ours.status.code(), Some(1), "{ours:?}");
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout).trim_end(),
        python_says
    );
}

// --- the throw-away certificates ----------------------------------------------

/// A server example stopped with SIGTERM (`kill`) removes its throw-away
/// certificates and exits 143 (128 + SIGTERM), as a shell reports it.
#[test]
fn servers_remove_throwaway_certs_on_sigterm() {
    for (example, dir_name) in [("echo_server", "echo-server"), ("kv_server", "kv-server")] {
        let (mut server, lines) = spawn_example(example, &["--port=0"]);
        let dir = announced_dir(&server, &lines, dir_name);
        lines.wait_for("listening on", STEP);
        let status = server.terminate(STEP);
        assert_eq!(status.code(), Some(143), "{example} on SIGTERM: {status}");
        assert!(!dir.0.exists(), "{example} left {}", dir.0.display());
    }
}

/// With `--keep-certs` the throw-away certificates outlive the server (the
/// test removes them).
#[test]
fn keep_certs_keeps_the_throwaway_certs() {
    let (mut server, lines) = spawn_example("echo_server", &["--keep-certs"]);
    let dir = announced_dir(&server, &lines, "echo-server");
    lines.wait_for("listening on", STEP);
    server.terminate(STEP);
    assert!(
        dir.0.join("ca.pem").is_file(),
        "{} was removed despite --keep-certs",
        dir.0.display()
    );
}

/// The folder a server example announced ("throw-away CA: DIR/ca.pem"),
/// checked to be `$TMPDIR/sslwrap-<name>-<pid>` of `server` itself (so a
/// signal sent to `server` reaches the example, not a cargo in between) and
/// to hold the CA; removed when the test ends.
fn announced_dir(server: &Killed, lines: &Lines, name: &str) -> RemoveDir {
    // Generous: cargo may build the example first.
    let line = lines.wait_for("throw-away CA: ", LIMIT);
    let ca = PathBuf::from(line.trim_start_matches("throw-away CA: "));
    let dir = RemoveDir(ca.parent().expect("a folder").to_owned());
    let expected = format!("sslwrap-{name}-{}", server.0.id());
    assert_eq!(
        dir.0.file_name().and_then(|n| n.to_str()),
        Some(expected.as_str()),
        "{line:?}"
    );
    assert!(ca.is_file(), "{} is not there", ca.display());
    dir
}

/// Removes a throw-away folder (`sslwrap-…` only) when the test ends.
struct RemoveDir(PathBuf);

impl Drop for RemoveDir {
    fn drop(&mut self) {
        let name = self.0.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with("sslwrap-") && self.0.parent() == Some(&std::env::temp_dir()) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}
