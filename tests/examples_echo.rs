//! `examples/echo_server.rs` and `examples/echo_client.rs` (the Python
//! Cookbook's recipe 11.10, ported) run as compiled binaries against the
//! real, unmodified peers they meet in the Python world, over loopback:
//!
//! - the Cookbook's own Python client and server code, run by `python3`
//!   (CPython 3.11, whose deprecated `ssl.wrap_socket` still runs) as the
//!   scripts [`PYTHON_CLIENT`] and [`PYTHON_SERVER`];
//! - `openssl s_client` / `openssl s_server -rev` (Debian package `openssl`);
//! - `gnutls-cli` / `gnutls-serv --echo` (Debian package `gnutls-bin`);
//!
//! each over TLS 1.2 and TLS 1.3, one-way and mutual (the `tls1_2_one_way`,
//! `tls1_2_mutual`, `tls1_3_one_way` and `tls1_3_mutual` modules). Under
//! mutual TLS the Rust client without a certificate must fail as the
//! Python client fails against the same server. Then the failure cases,
//! each compared with what the Cookbook's Python program prints in the same
//! place ([`untrusted_server`], [`client_without_cert`]), and a newcomer's
//! run of the server with its throw-away certificates
//! ([`echo_server_throwaway_pki`]).
//!
//! Every peer is a child process on an ephemeral port, killed when its test
//! ends ([`Peer`]); every wait is bounded by [`TIMEOUT`]. A missing peer
//! program fails the test with the Debian package to install; nothing skips.
//! Certificates are the examples' own throw-away PKI
//! (`examples/support/mod.rs`), made once per test run under
//! `CARGO_TARGET_TMPDIR`, plus a second one whose CA nobody trusts.

#[path = "../examples/support/mod.rs"]
mod support;

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::time::{Duration, Instant};

use support::ThrowawayPki;

/// Upper bound for any single wait: a peer's readiness, its output, its exit.
const TIMEOUT: Duration = Duration::from_secs(10);

/// Upper bound for building the examples (the target dir may be locked by
/// another build).
const BUILD_LIMIT: Duration = Duration::from_secs(600);

/// The Python Cookbook, 3rd ed., recipe 11.10, the echo server, as printed
/// except for what the test must choose: the files, mutual auth and TLS
/// version come from `argv` (the recipe's mutual-auth variant adds
/// `cert_reqs=ssl.CERT_REQUIRED, ca_certs=CAFILE`; TLS 1.2 only is the
/// legacy `ssl_version=ssl.PROTOCOL_TLSv1_2`), it binds an ephemeral
/// loopback port instead of `('', 20000)` and says which.
const PYTHON_SERVER: &str = r#"
import sys
from socket import socket, AF_INET, SOCK_STREAM
import ssl

KEYFILE, CERTFILE, CAFILE, TLS_VERSION = sys.argv[1:]

def echo_client(s):
    while True:
        data = s.recv(8192)
        if data == b'':
            break
        s.send(data)
    s.close()
    print('Connection closed')

def echo_server(address):
    s = socket(AF_INET, SOCK_STREAM)
    s.bind(address)
    s.listen(1)

    # Wrap with an SSL layer requiring client certs
    mutual = {} if CAFILE == '-' else dict(cert_reqs=ssl.CERT_REQUIRED, ca_certs=CAFILE)
    version = dict(ssl_version=ssl.PROTOCOL_TLSv1_2) if TLS_VERSION == '1.2' else {}
    s_ssl = ssl.wrap_socket(s,
                            keyfile=KEYFILE,
                            certfile=CERTFILE,
                            server_side=True,
                            **mutual, **version
                            )
    print('listening on {}:{}'.format(*s_ssl.getsockname()))  # added: the test's readiness line
    # Wait for connections
    while True:
        try:
            c,a = s_ssl.accept()
            print('Got connection', c, a)
            echo_client(c)
        except Exception as e:
            print('{}: {}'.format(e.__class__.__name__, e))

echo_server(('127.0.0.1', 0))
"#;

/// The Python Cookbook, 3rd ed., recipe 11.10, the client session, as
/// printed except for the port and files from `argv`, the optional client
/// certificate (`keyfile=`, `certfile=`), a socket timeout, the REPL's
/// echo of each result made a `print`, and an exception printed the way the
/// recipe's server prints one (then exit 1).
const PYTHON_CLIENT: &str = r#"
import sys
from socket import socket, AF_INET, SOCK_STREAM
import ssl

PORT, CAFILE = int(sys.argv[1]), sys.argv[2]
KEYFILE, CERTFILE = sys.argv[3:5] if len(sys.argv) > 3 else (None, None)
try:
    s = socket(AF_INET, SOCK_STREAM)
    s.settimeout(10)
    s_ssl = ssl.wrap_socket(s,
                    keyfile=KEYFILE, certfile=CERTFILE,
                    cert_reqs=ssl.CERT_REQUIRED,
                    ca_certs = CAFILE)
    s_ssl.connect(('localhost', PORT))
    print(s_ssl.send(b'Hello World?'))
    print(s_ssl.recv(8192))
except Exception as e:
    print('{}: {}'.format(e.__class__.__name__, e))
    sys.exit(1)
"#;

// --- the matrix ------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tls {
    V1_2,
    V1_3,
}

impl Tls {
    /// What `version()` says (and every example prints).
    fn name(self) -> &'static str {
        match self {
            Tls::V1_2 => "TLSv1.2",
            Tls::V1_3 => "TLSv1.3",
        }
    }

    /// `openssl s_server` / `s_client` flag.
    fn openssl_flag(self) -> &'static str {
        match self {
            Tls::V1_2 => "-tls1_2",
            Tls::V1_3 => "-tls1_3",
        }
    }

    /// GnuTLS priority string allowing only this version.
    fn gnutls_priority(self) -> &'static str {
        match self {
            Tls::V1_2 => "NORMAL:-VERS-ALL:+VERS-TLS1.2",
            Tls::V1_3 => "NORMAL:-VERS-ALL:+VERS-TLS1.3",
        }
    }

    /// `echo_server --max-version` / [`PYTHON_SERVER`]'s version argument.
    /// Neither can be limited to TLS 1.3 alone (the Cookbook's calls have no
    /// such knob): they get it by default, the CLI peers are limited to it,
    /// and the version each connection got is checked.
    fn short(self) -> &'static str {
        match self {
            Tls::V1_2 => "1.2",
            Tls::V1_3 => "1.3",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Auth {
    OneWay,
    Mutual,
}

/// Each scenario `fn(Tls, Auth)` becomes four tests:
/// `tls1_2_one_way::<scenario>`, `tls1_2_mutual::<scenario>`, … .
macro_rules! matrix {
    ($($scenario:ident),* $(,)?) => {
        matrix!(@mod tls1_2_one_way, V1_2, OneWay; $($scenario),*);
        matrix!(@mod tls1_2_mutual, V1_2, Mutual; $($scenario),*);
        matrix!(@mod tls1_3_one_way, V1_3, OneWay; $($scenario),*);
        matrix!(@mod tls1_3_mutual, V1_3, Mutual; $($scenario),*);
    };
    (@mod $m:ident, $tls:ident, $auth:ident; $($scenario:ident),*) => {
        mod $m {
            $(#[test] fn $scenario() { super::$scenario(super::Tls::$tls, super::Auth::$auth) })*
        }
    };
}

matrix!(
    echo_server_python_client,
    echo_server_s_client,
    echo_server_gnutls_cli,
    echo_client_python_server,
    echo_client_s_server,
    echo_client_gnutls_serv,
);

// --- Rust echo_server against each client ----------------------------------

/// Rust `echo_server` ↔ the Cookbook's Python client.
fn echo_server_python_client(tls: Tls, auth: Auth) {
    let pki = pki();
    let server = EchoServer::start(tls, auth);
    let client = python_client(server.port, &pki.good.ca, client_cert(auth));
    assert_eq!(
        client.lines,
        ["12", "b'Hello World?'"],
        "the Cookbook client's session; server:\n{}",
        server.peer.transcript()
    );
    assert!(client.status.success(), "{client:?}");
    server.check_served(tls, auth);
}

/// Rust `echo_server` ↔ `openssl s_client`.
fn echo_server_s_client(tls: Tls, auth: Auth) {
    let pki = pki();
    let server = EchoServer::start(tls, auth);
    let connect = format!("127.0.0.1:{}", server.port);
    let mut args = vec![
        "s_client",
        "-connect",
        &connect,
        "-CAfile",
        path(&pki.good.ca),
        "-verify_return_error",
        "-verify_hostname",
        "localhost",
        tls.openssl_flag(),
    ];
    if auth == Auth::Mutual {
        args.extend(["-cert", path(&pki.good.client_cert)]);
        args.extend(["-key", path(&pki.good.client_key)]);
    }
    let mut client = Peer::spawn("openssl", &args, OPENSSL);
    talk(
        &mut client,
        "Hello World? (s_client)",
        "Hello World? (s_client)",
    );
    server.check_served(tls, auth);
}

/// Rust `echo_server` ↔ `gnutls-cli`.
fn echo_server_gnutls_cli(tls: Tls, auth: Auth) {
    let pki = pki();
    let server = EchoServer::start(tls, auth);
    let port = server.port.to_string();
    let mut args = vec![
        "--x509cafile",
        path(&pki.good.ca),
        "--priority",
        tls.gnutls_priority(),
        "-p",
        &port,
    ];
    if auth == Auth::Mutual {
        args.extend(["--x509certfile", path(&pki.good.client_cert)]);
        args.extend(["--x509keyfile", path(&pki.good.client_key)]);
    }
    // An IP address: the certificate's subjectAltName has 127.0.0.1, and
    // `localhost` could resolve to ::1, where gnutls-cli would find nothing.
    args.push("127.0.0.1");
    let mut client = Peer::spawn("gnutls-cli", &args, GNUTLS);
    talk(
        &mut client,
        "Hello World? (gnutls-cli)",
        "Hello World? (gnutls-cli)",
    );
    server.check_served(tls, auth);
}

/// Writes `message` and a newline to a CLI client, waits for `echo` in
/// what it prints, closes its stdin (which ends its session) and requires a
/// clean exit.
fn talk(client: &mut Peer, message: &str, echo: &str) {
    client.write_stdin(format!("{message}\n").as_bytes());
    client.wait_for(echo);
    let status = client.finish(TIMEOUT);
    assert!(
        status.success(),
        "{} exited with {status}:\n{}",
        client.name,
        client.transcript()
    );
}

/// A running Rust `echo_server` with the test PKI's server certificate.
struct EchoServer {
    peer: Peer,
    port: u16,
}

impl EchoServer {
    /// `echo_server --certfile --keyfile [--cafile --require-client-cert]
    /// [--max-version 1.2]`.
    fn start(tls: Tls, auth: Auth) -> EchoServer {
        let pki = pki();
        let mut args = vec![
            "--port",
            "0",
            "--certfile",
            path(&pki.good.server_cert),
            "--keyfile",
            path(&pki.good.server_key),
        ];
        if auth == Auth::Mutual {
            args.extend(["--cafile", path(&pki.good.ca), "--require-client-cert"]);
        }
        if tls == Tls::V1_2 {
            args.extend(["--max-version", "1.2"]);
        }
        EchoServer::spawn(&args)
    }

    fn spawn(args: &[&str]) -> EchoServer {
        let peer = Peer::spawn(example("echo_server"), args, EXAMPLE);
        let port = port_after(&peer.wait_for("listening on "));
        EchoServer { peer, port }
    }

    /// The server printed one connection of version `tls`, with the test
    /// client's certificate when `auth` is mutual, and its clean end.
    fn check_served(&self, tls: Tls, auth: Auth) {
        let line = self.peer.wait_for("Got connection from ");
        let client = match auth {
            Auth::OneWay => "client=-",
            Auth::Mutual => "client=example client",
        };
        assert!(
            line.contains(&format!(": {} ", tls.name())) && line.ends_with(client),
            "expected {} and {client} in {line:?}",
            tls.name()
        );
        self.peer.wait_for("Connection closed");
    }
}

// --- Rust echo_client against each server ----------------------------------

/// Rust `echo_client` ↔ the Cookbook's Python echo server.
fn echo_client_python_server(tls: Tls, auth: Auth) {
    let server = PythonServer::start(tls, auth);
    let message = "Hello World? (Python server)";
    expect_echo(server.port, tls, auth, message, message);
    server.peer.wait_for("Got connection <ssl.SSLSocket");
    server.peer.wait_for("Connection closed");
    if auth == Auth::Mutual {
        no_cert_like_python(server.port, tls);
    }
}

/// Rust `echo_client` ↔ `openssl s_server -rev` (which sends each line
/// back reversed).
fn echo_client_s_server(tls: Tls, auth: Auth) {
    let pki = pki();
    let mut args = vec![
        "s_server",
        "-accept",
        "127.0.0.1:0",
        "-rev",
        "-cert",
        path(&pki.good.server_cert),
        "-key",
        path(&pki.good.server_key),
        tls.openssl_flag(),
    ];
    if auth == Auth::Mutual {
        // -Verify (capital): request a client certificate and require one.
        args.extend(["-CAfile", path(&pki.good.ca), "-Verify", "1"]);
    }
    let server = Peer::spawn("openssl", &args, OPENSSL);
    // "ACCEPT 127.0.0.1:40553", flushed, once it listens.
    let port = port_after(&server.wait_for("ACCEPT "));
    let message = "Hello World? (s_server)";
    let reversed: String = message.chars().rev().collect();
    expect_echo(port, tls, auth, message, &reversed);
    if auth == Auth::Mutual {
        server.wait_for("Peer certificate: CN = example client");
        no_cert_like_python(port, tls);
    }
}

/// Rust `echo_client` ↔ `gnutls-serv --echo`.
fn echo_client_gnutls_serv(tls: Tls, auth: Auth) {
    let pki = pki();
    let mut args = vec![
        "--echo",
        "-p",
        "0",
        "--x509certfile",
        path(&pki.good.server_cert),
        "--x509keyfile",
        path(&pki.good.server_key),
        "--priority",
        tls.gnutls_priority(),
    ];
    if auth == Auth::Mutual {
        args.extend(["--x509cafile", path(&pki.good.ca)]);
        args.extend(["--require-client-cert", "--verify-client-cert"]);
    }
    let server = Peer::spawn("gnutls-serv", &args, GNUTLS);
    // gnutls-serv binds all addresses and does not say which port it got.
    server.wait_for("listening on IPv4");
    let port = server.tcp_listen_port();
    let message = "Hello World? (gnutls-serv)";
    expect_echo(port, tls, auth, message, message);
    if auth == Auth::Mutual {
        no_cert_like_python(port, tls);
    }
}

/// `echo_client` (with the client certificate when mutual) sends `message`
/// and prints `echo`, over `tls`.
fn expect_echo(port: u16, tls: Tls, auth: Auth, message: &str, echo: &str) {
    let run = echo_client(port, &pki().good.ca, client_cert(auth), message);
    assert!(run.status.success(), "{run:?}");
    assert_eq!(run.lines.len(), 2, "{run:?}");
    assert!(
        run.lines[0].starts_with(&format!("connected: {} ", tls.name())),
        "{run:?}"
    );
    assert_eq!(run.lines[1], echo, "{run:?}");
}

/// Against a server requiring a client certificate, `echo_client` without
/// one fails as the Cookbook's Python client does against the same server.
///
/// Under TLS 1.2 the server refuses in the handshake and both print the
/// alert it sent. Under TLS 1.3 the client's handshake completes first and
/// the refusal comes after its first write: it reads the server's alert, or
/// (when the server closed on unread data) an EOF or a reset, whichever
/// the race between them gives; Python shows the same set.
fn no_cert_like_python(port: u16, tls: Tls) {
    let rust = echo_client(port, &pki().good.ca, None, "no certificate");
    let python = python_client(port, &pki().good.ca, None);
    assert_eq!(rust.status.code(), Some(1), "{rust:?}");
    assert_eq!(python.status.code(), Some(1), "{python:?}");
    let (rust, python) = (rust.last(), strip_ssl_c(python.last()));
    // Shown with `-- --nocapture`: which of the TLS 1.3 outcomes came.
    println!("{tls:?}, no client certificate: Rust {rust:?}, Python {python:?}");
    match tls {
        Tls::V1_2 => assert_eq!(rust, python, "Rust client vs Python client"),
        Tls::V1_3 => {
            for (who, line) in [("Rust", rust), ("Python", python)] {
                assert!(
                    TLS13_REFUSED_AFTER_HANDSHAKE.contains(&line),
                    "{who} client: {line:?} (Rust: {rust:?}, Python: {python:?})"
                );
            }
        }
    }
}

/// What a TLS 1.3 client refused after its handshake completed may see
/// (see [`no_cert_like_python`]), in Python's words.
const TLS13_REFUSED_AFTER_HANDSHAKE: &[&str] = &[
    "SSLError: [SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required",
    "SSLEOFError: EOF occurred in violation of protocol",
    "ConnectionResetError: [Errno 104] Connection reset by peer",
    "BrokenPipeError: [Errno 32] Broken pipe",
];

/// A running [`PYTHON_SERVER`].
struct PythonServer {
    peer: Peer,
    port: u16,
}

impl PythonServer {
    fn start(tls: Tls, auth: Auth) -> PythonServer {
        let pki = pki();
        let cafile = match auth {
            Auth::OneWay => "-",
            Auth::Mutual => path(&pki.good.ca),
        };
        let args = [
            path(&pki.good.server_key),
            path(&pki.good.server_cert),
            cafile,
            tls.short(),
        ];
        let peer = python(PYTHON_SERVER, &args);
        let port = port_after(&peer.wait_for("listening on "));
        PythonServer { peer, port }
    }
}

// --- failure cases -----------------------------------------------------------

#[test]
fn untrusted_server_tls1_2() {
    untrusted_server(Tls::V1_2);
}

#[test]
fn untrusted_server_tls1_3() {
    untrusted_server(Tls::V1_3);
}

/// A client that does not trust the server (`--cafile` of another CA):
/// `echo_client` prints the class and message the Cookbook's Python client
/// prints against the same server and exits 1; the Rust server prints the
/// line the Python server prints for the same client; both keep serving.
fn untrusted_server(tls: Tls) {
    let pki = pki();
    let rust_server = EchoServer::start(tls, Auth::OneWay);
    let python_server = PythonServer::start(tls, Auth::OneWay);
    let mut server_lines = Vec::new();
    for (name, server, port) in [
        ("Rust server", &rust_server.peer, rust_server.port),
        ("Python server", &python_server.peer, python_server.port),
    ] {
        let rust = echo_client(port, &pki.other.ca, None, "untrusted");
        let python = python_client(port, &pki.other.ca, None);
        assert_eq!(rust.status.code(), Some(1), "{name}: {rust:?}");
        assert_eq!(python.status.code(), Some(1), "{name}: {python:?}");
        assert_eq!(rust.lines.len(), 1, "{name}: {rust:?}");
        assert_eq!(
            rust.last(),
            strip_ssl_c(python.last()),
            "{name}: Rust client vs Python client"
        );
        assert!(
            rust.last().starts_with(
                "SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify \
                 failed: "
            ),
            "{name}: {rust:?}"
        );
        // One line per refused client, the same for both.
        let lines = server.wait_errors(2);
        assert_eq!(lines[0], lines[1], "{name}");
        server_lines.push(strip_ssl_c(&lines[0]).to_owned());
        // ... and it keeps serving.
        expect_echo(port, tls, Auth::OneWay, "still serving", "still serving");
    }
    assert_eq!(
        server_lines[0], server_lines[1],
        "Rust server vs Python server"
    );
}

#[test]
fn client_without_cert_tls1_2() {
    client_without_cert(Tls::V1_2);
}

#[test]
fn client_without_cert_tls1_3() {
    client_without_cert(Tls::V1_3);
}

/// A client without a certificate when the server requires one: the Rust
/// server prints the `Class: message` line the Python server prints, the
/// Rust client fails as the Python client does, and a good client then
/// succeeds against the same server process.
fn client_without_cert(tls: Tls) {
    let rust_server = EchoServer::start(tls, Auth::Mutual);
    let python_server = PythonServer::start(tls, Auth::Mutual);
    let mut server_lines = Vec::new();
    for (name, server, port) in [
        ("Rust server", &rust_server.peer, rust_server.port),
        ("Python server", &python_server.peer, python_server.port),
    ] {
        no_cert_like_python(port, tls);
        let lines = server.wait_errors(2);
        assert_eq!(lines[0], lines[1], "{name}");
        server_lines.push(strip_ssl_c(&lines[0]).to_owned());
        expect_echo(port, tls, Auth::Mutual, "still serving", "still serving");
    }
    assert_eq!(
        server_lines[0], server_lines[1],
        "Rust server vs Python server"
    );
    assert_eq!(
        server_lines[0],
        "SSLError: [SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate"
    );
    rust_server.check_served(tls, Auth::Mutual);
}

/// A newcomer's run: `echo_server` with no flags makes its own PKI and says
/// where the CA and the client certificate are; the Cookbook's Python client
/// and `echo_client` trust that CA.
#[test]
fn echo_server_throwaway_pki() {
    let server = EchoServer::spawn(&["--port", "0"]);
    let ca = PathBuf::from(
        server
            .peer
            .wait_for("throw-away CA: ")
            .trim_start_matches("throw-away CA: "),
    );
    let _cleanup = RemoveDir(ca.parent().unwrap().to_owned());
    let line = server.peer.wait_for("throw-away client cert: ");
    let (cert, key) = line
        .trim_start_matches("throw-away client cert: ")
        .split_once(" key: ")
        .unwrap_or_else(|| panic!("{line:?}"));
    for file in [&*ca, Path::new(cert), Path::new(key)] {
        assert!(file.is_file(), "{} is not there", file.display());
    }
    let python = python_client(server.port, &ca, None);
    assert_eq!(python.lines, ["12", "b'Hello World?'"], "{python:?}");
    server.peer.wait_for("Connection closed");
    let rust = echo_client(server.port, &ca, None, "Hello World?");
    assert_eq!(rust.last(), "Hello World?", "{rust:?}");
}

/// Removes the throw-away PKI `echo_server` wrote, when the test ends.
struct RemoveDir(PathBuf);

impl Drop for RemoveDir {
    fn drop(&mut self) {
        let name = self.0.file_name().unwrap_or_default().to_string_lossy();
        if name.starts_with("sslwrap-echo-server-") {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

// --- clients: run to completion ------------------------------------------------

/// A client that ran to its end.
struct ClientRun {
    status: ExitStatus,
    /// What it printed on stdout.
    lines: Vec<String>,
    stderr: String,
}

impl ClientRun {
    fn last(&self) -> &str {
        self.lines.last().map_or("", String::as_str)
    }
}

impl std::fmt::Debug for ClientRun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientRun")
            .field("status", &self.status)
            .field("lines", &self.lines)
            .field("stderr", &self.stderr)
            .finish()
    }
}

/// The test PKI's client certificate and key, when mutual.
fn client_cert(auth: Auth) -> Option<(&'static Path, &'static Path)> {
    let pki = pki();
    (auth == Auth::Mutual).then(|| (&*pki.good.client_cert, &*pki.good.client_key))
}

/// `echo_client --host 127.0.0.1 --port P --cafile CA [--certfile --keyfile]
/// --message M`.
fn echo_client(port: u16, ca: &Path, cert: Option<(&Path, &Path)>, message: &str) -> ClientRun {
    let port = port.to_string();
    let mut args = vec!["--host", "127.0.0.1", "--port", &port, "--cafile", path(ca)];
    if let Some((cert, key)) = cert {
        args.extend(["--certfile", path(cert), "--keyfile", path(key)]);
    }
    args.extend(["--message", message]);
    Peer::spawn(example("echo_client"), &args, EXAMPLE).run()
}

/// [`PYTHON_CLIENT`] against `port`, trusting `ca`.
fn python_client(port: u16, ca: &Path, cert: Option<(&Path, &Path)>) -> ClientRun {
    let port = port.to_string();
    let mut args = vec![port.as_str(), path(ca)];
    if let Some((cert, key)) = cert {
        args.extend([path(key), path(cert)]);
    }
    python(PYTHON_CLIENT, &args).run()
}

/// `python3 -u` running `script` with `args`, the DeprecationWarnings of
/// the Cookbook's `ssl.wrap_socket` silenced.
fn python(script: &str, args: &[&str]) -> Peer {
    check_python();
    let mut all = vec!["-u", "-W", "ignore::DeprecationWarning", "-c", script];
    all.extend_from_slice(args);
    Peer::spawn("python3", &all, PYTHON)
}

/// The Cookbook code needs `ssl.wrap_socket`, which Python 3.12 removed.
fn check_python() {
    static CHECKED: OnceLock<()> = OnceLock::new();
    CHECKED.get_or_init(|| {
        let check = "import ssl, sys; print(sys.version.split()[0], hasattr(ssl, 'wrap_socket'))";
        let run = Peer::spawn("python3", &["-c", check], PYTHON).run();
        assert!(
            run.status.success() && run.last().ends_with(" True"),
            "these tests run the Python Cookbook's code, which needs `ssl.wrap_socket` \
             (removed in Python 3.12): they need CPython 3.11 as `python3`; got {run:?}"
        );
    });
}

/// "… 127.0.0.1:PORT" → PORT.
fn port_after(line: &str) -> u16 {
    line.rsplit(':')
        .next()
        .and_then(|p| p.trim().parse().ok())
        .unwrap_or_else(|| panic!("no port in {line:?}"))
}

/// Python's `str(exc)` without its `(_ssl.c:NNNN)` tail, as sslwrap writes it.
fn strip_ssl_c(line: &str) -> &str {
    match line.rfind(" (_ssl.c:") {
        Some(at) if line.ends_with(')') => &line[..at],
        _ => line,
    }
}

/// A printed exception, `Class: message` (the Cookbook's server format).
fn is_error_line(line: &str) -> bool {
    line.split_once(": ").is_some_and(|(class, _)| {
        !class.is_empty() && class.chars().all(|c| c.is_ascii_alphanumeric())
    })
}

// --- the example binaries and the PKI ---------------------------------------

/// The path of a built example: `cargo build --examples` (once per test
/// binary, with this test's features and profile), then
/// `target/<profile>/examples/<name>`.
fn example(name: &str) -> String {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let mut args = vec!["build", "--quiet", "--examples"];
        if cfg!(feature = "vendored") {
            args.extend(["--features", "vendored"]);
        }
        if !cfg!(debug_assertions) {
            args.push("--release");
        }
        let mut cargo = Peer::spawn_in(
            env!("CARGO"),
            &args,
            "cargo",
            Some(Path::new(env!("CARGO_MANIFEST_DIR"))),
        );
        let status = cargo.finish(BUILD_LIMIT);
        assert!(
            status.success(),
            "cargo {args:?}: {status}\n{}",
            cargo.transcript()
        );
        // target/<profile>/deps/examples_echo-HASH → target/<profile>/examples
        let exe = std::env::current_exe().unwrap();
        exe.parent()
            .and_then(Path::parent)
            .unwrap()
            .join("examples")
    });
    dir.join(name).display().to_string()
}

/// The test PKI: `good` is the one every peer uses; nobody trusts `other`'s
/// CA.
struct Pkis {
    good: ThrowawayPki,
    other: ThrowawayPki,
}

/// Made once per test process in `$CARGO_TARGET_TMPDIR/examples_echo-<pid>`;
/// those of runs over an hour old are removed.
fn pki() -> &'static Pkis {
    static PKI: OnceLock<Pkis> = OnceLock::new();
    PKI.get_or_init(|| {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        let stale = |e: &std::fs::DirEntry| {
            let modified = e.metadata().and_then(|m| m.modified()).ok();
            modified.and_then(|t| t.elapsed().ok()) > Some(Duration::from_secs(3600))
        };
        for e in std::fs::read_dir(tmp).into_iter().flatten().flatten() {
            if e.file_name()
                .to_string_lossy()
                .starts_with("examples_echo-")
                && stale(&e)
            {
                let _ = std::fs::remove_dir_all(e.path());
            }
        }
        let dir = tmp.join(format!("examples_echo-{}", std::process::id()));
        Pkis {
            good: ThrowawayPki::create(&dir.join("good")).expect("test PKI"),
            other: ThrowawayPki::create(&dir.join("other")).expect("untrusted PKI"),
        }
    })
}

fn path(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

// --- a peer process --------------------------------------------------------------

/// What to install when a program is missing.
const OPENSSL: &str = "install the Debian package `openssl` (apt-get install -y openssl)";
const GNUTLS: &str = "install the Debian package `gnutls-bin` (apt-get install -y gnutls-bin)";
const PYTHON: &str = "install CPython 3.11 as `python3` (Debian package `python3`)";
const EXAMPLE: &str = "`cargo build --examples` did not make it";

/// A child process, killed and reaped on drop (also when the test fails),
/// with two threads collecting its stdout and stderr.
struct Peer {
    name: String,
    child: Child,
    stdin: Option<ChildStdin>,
    output: Arc<Output>,
}

/// stdout and stderr so far, and how many of them have ended.
#[derive(Default)]
struct Output {
    state: Mutex<([Vec<u8>; 2], usize)>,
    changed: Condvar,
}

impl Peer {
    /// Starts `program`; if it is not installed the test fails with
    /// `missing` (what to install).
    fn spawn(program: impl AsRef<str>, args: &[&str], missing: &str) -> Peer {
        Peer::spawn_in(program.as_ref(), args, missing, None)
    }

    fn spawn_in(program: &str, args: &[&str], missing: &str, dir: Option<&Path>) -> Peer {
        let mut cmd = Command::new(program);
        cmd.args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(dir) = dir {
            cmd.current_dir(dir);
        }
        let mut child = match cmd.spawn() {
            Ok(child) => child,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                panic!("cannot run `{program}` ({e}): {missing}")
            }
            Err(e) => panic!("cannot run `{program}`: {e}"),
        };
        let output = Arc::new(Output::default());
        let out: Box<dyn Read + Send> = Box::new(child.stdout.take().unwrap());
        let err: Box<dyn Read + Send> = Box::new(child.stderr.take().unwrap());
        for (i, mut pipe) in [out, err].into_iter().enumerate() {
            let output = Arc::clone(&output);
            std::thread::spawn(move || {
                let mut buf = [0u8; 4096];
                while let Ok(n @ 1..) = pipe.read(&mut buf) {
                    lock(&output.state).0[i].extend_from_slice(&buf[..n]);
                    output.changed.notify_all();
                }
                let mut state = lock(&output.state);
                // End the last line, so only whole lines are ever matched.
                if !state.0[i].is_empty() && !state.0[i].ends_with(b"\n") {
                    state.0[i].push(b'\n');
                }
                state.1 += 1;
                output.changed.notify_all();
            });
        }
        let name = Path::new(program)
            .file_name()
            .map_or(program.into(), |n| n.to_string_lossy())
            .into_owned();
        Peer {
            name,
            stdin: child.stdin.take(),
            child,
            output,
        }
    }

    /// Runs a client to its end (up to [`TIMEOUT`]) with its stdin closed.
    fn run(mut self) -> ClientRun {
        let status = self.finish(TIMEOUT);
        let state = lock(&self.output.state);
        ClientRun {
            status,
            lines: complete_lines(&state.0[0]),
            stderr: String::from_utf8_lossy(&state.0[1]).into_owned(),
        }
    }

    fn write_stdin(&mut self, data: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin closed");
        stdin.write_all(data).unwrap();
        stdin.flush().unwrap();
    }

    /// The first whole line (of stdout or stderr) containing `needle`,
    /// waiting up to [`TIMEOUT`] for it.
    fn wait_for(&self, needle: &str) -> String {
        self.wait_lines(needle, 1, |l| l.contains(needle)).remove(0)
    }

    /// The first `n` `Class: message` lines, waiting up to [`TIMEOUT`].
    fn wait_errors(&self, n: usize) -> Vec<String> {
        self.wait_lines("`Class: message` lines", n, is_error_line)
    }

    /// The first `n` whole lines matching `found`, waiting up to
    /// [`TIMEOUT`]; fails at once when the process has ended without them.
    fn wait_lines(&self, what: &str, n: usize, found: impl Fn(&str) -> bool) -> Vec<String> {
        let deadline = Instant::now() + TIMEOUT;
        let mut state = lock(&self.output.state);
        loop {
            let lines: Vec<String> = state
                .0
                .iter()
                .flat_map(|s| complete_lines(s))
                .filter(|l| found(l))
                .take(n)
                .collect();
            if lines.len() == n {
                return lines;
            }
            let now = Instant::now();
            if now >= deadline || state.1 == 2 {
                drop(state);
                panic!(
                    "{} printed no {n} lines with {what:?} ({}):\n{}",
                    self.name,
                    if now >= deadline {
                        "timed out"
                    } else {
                        "it ended"
                    },
                    self.transcript()
                );
            }
            state = self
                .output
                .changed
                .wait_timeout(state, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Closes stdin and waits (up to `limit`) for the process to exit and
    /// for all its output.
    fn finish(&mut self, limit: Duration) -> ExitStatus {
        self.stdin = None;
        let deadline = Instant::now() + limit;
        {
            let mut state = lock(&self.output.state);
            while state.1 < 2 {
                let now = Instant::now();
                if now >= deadline {
                    drop(state);
                    panic!(
                        "{} did not end in {limit:?}:\n{}",
                        self.name,
                        self.transcript()
                    );
                }
                state = self
                    .output
                    .changed
                    .wait_timeout(state, deadline - now)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
        }
        // Its output has ended, so it has exited or is about to.
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "{} closed its output but did not exit",
                self.name
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// The port of the IPv4 TCP socket this process listens on, from
    /// `/proc` (for servers that bind port 0 without saying what they got),
    /// waiting up to [`TIMEOUT`] for it.
    fn tcp_listen_port(&self) -> u16 {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(port) = listening_port(self.child.id()) {
                return port;
            }
            assert!(
                Instant::now() < deadline,
                "{} listens on no IPv4 TCP port:\n{}",
                self.name,
                self.transcript()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// stdout, then stderr, for failure messages.
    fn transcript(&self) -> String {
        let state = lock(&self.output.state);
        format!(
            "--- {} stdout:\n{}--- stderr:\n{}",
            self.name,
            String::from_utf8_lossy(&state.0[0]),
            String::from_utf8_lossy(&state.0[1])
        )
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The port of a LISTEN socket in `/proc/net/tcp` whose inode is one of
/// process `pid`'s file descriptors.
fn listening_port(pid: u32) -> Option<u16> {
    let inodes: Vec<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .ok()?
        .flatten()
        .filter_map(|fd| std::fs::read_link(fd.path()).ok())
        .filter_map(|target| {
            let target = target.to_str()?;
            Some(
                target
                    .strip_prefix("socket:[")?
                    .strip_suffix(']')?
                    .to_owned(),
            )
        })
        .collect();
    let table = std::fs::read_to_string("/proc/net/tcp").ok()?;
    // "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode"
    table.lines().skip(1).find_map(|row| {
        let fields: Vec<&str> = row.split_whitespace().collect();
        let (local, state, inode) = (fields.get(1)?, fields.get(3)?, fields.get(9)?);
        if *state != "0A" || !inodes.iter().any(|i| i == inode) {
            return None;
        }
        u16::from_str_radix(local.rsplit(':').next()?, 16).ok()
    })
}

/// The newline-terminated lines of `bytes`.
fn complete_lines(bytes: &[u8]) -> Vec<String> {
    let end = bytes.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    String::from_utf8_lossy(&bytes[..end])
        .lines()
        .map(str::to_owned)
        .collect()
}

/// The lock, even if a thread panicked while holding it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}
