//! `examples/redis_ping.rs` against a real `redis-server` over TLS, side by
//! side with the redis-py snippet it ports (issue 8, item 3).
//!
//! Each test starts its own `redis-server` (Debian package `redis-server`)
//! on a loopback TLS port with certificates made here by the `openssl`
//! crate, runs the compiled example, then runs the Azure Cache for Redis
//! document's redis-py call (PyPI package `redis`) as a Python script with
//! the same host, port, password and files, and compares what each saw.
//! The pairs are printed (`cargo test --test examples_redis -- --nocapture`).
//!
//! A missing `redis-server` or redis-py fails the test with the package to
//! install; nothing skips. Every child is killed when its handle drops (also
//! while a failing test unwinds), every socket has a timeout and every wait
//! is bounded.

use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use sslwrap::{SslContext, WrapOptions, PROTOCOL_TLS_CLIENT};

mod common;
#[path = "../examples/support/mod.rs"]
mod support;

use common::child::run_limited;

/// The `requirepass` of every server.
const PASSWORD: &str = "s3cret-redis-pw";
/// Bound on a child process (the example, Python, cargo building the
/// example when `cargo test` has not).
const CHILD_LIMIT: Duration = Duration::from_secs(120);
/// Bound on `redis-server` becoming ready.
const READY_LIMIT: Duration = Duration::from_secs(10);
/// Socket timeout of the probe here, and `--socket-timeout` of both clients.
const IO_TIMEOUT: Duration = Duration::from_secs(5);

// --- certificates -------------------------------------------------------------

/// The test PKI, made once per test binary: `ca.pem` signed `server.pem`
/// (localhost, 127.0.0.1) and `client.pem`; `other-ca.pem` is an unrelated
/// CA that signed nothing here.
struct Pki {
    ca: PathBuf,
    server_cert: PathBuf,
    server_key: PathBuf,
    client_cert: PathBuf,
    client_key: PathBuf,
    other_ca: PathBuf,
}

fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| make_pki().expect("cannot make the test certificates"))
}

fn make_pki() -> Result<Pki, Box<dyn std::error::Error>> {
    remove_stale_dirs();
    let dir = fresh_dir("redis-pki");
    // The examples' own throw-away PKI, twice: the second CA signed nothing
    // the server uses.
    let main = support::ThrowawayPki::create(&dir.join("main"))?;
    let other = support::ThrowawayPki::create(&dir.join("other"))?;
    Ok(Pki {
        ca: main.ca,
        server_cert: main.server_cert,
        server_key: main.server_key,
        client_cert: main.client_cert,
        client_key: main.client_key,
        other_ca: other.ca,
    })
}

/// Removes `$CARGO_TARGET_TMPDIR/redis-*-<pid>` left by test processes
/// that are gone (Linux: no `/proc/<pid>`; elsewhere nothing is removed).
fn remove_stale_dirs() {
    let Ok(entries) = std::fs::read_dir(env!("CARGO_TARGET_TMPDIR")) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix("redis-")
            .and_then(|n| n.rsplit('-').next())
        else {
            continue;
        };
        let gone = pid.parse::<u32>().is_ok()
            && Path::new("/proc/self").exists()
            && !Path::new("/proc").join(pid).exists();
        if gone {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// `$CARGO_TARGET_TMPDIR/<name>-<pid>`, emptied first.
fn fresh_dir(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {dir:?}: {e}"));
    dir
}

// --- redis-server -------------------------------------------------------------

/// How `redis-server` treats client certificates: `--tls-auth-clients`.
#[derive(Debug, Clone, Copy)]
enum AuthClients {
    No,
    Yes,
    Optional,
}

/// A `redis-server` child on `127.0.0.1:port` (TLS only), killed on drop.
struct RedisServer {
    child: Child,
    port: u16,
    dir: PathBuf,
}

impl RedisServer {
    /// Starts `redis-server` with TLS on a free loopback port and waits,
    /// bounded, until it answers a TLS `PING`. `tls_protocols` limits the
    /// server's versions (`"TLSv1.2"`), `None` leaves Redis's default.
    fn start(name: &str, auth: AuthClients, tls_protocols: Option<&str>) -> RedisServer {
        let pki = pki();
        let dir = fresh_dir(&format!("redis-{name}"));
        // The free port is released before redis-server binds it, so another
        // process may take it in between: then redis-server exits and the
        // start is retried on a new port.
        let mut last_log = String::new();
        for _attempt in 0..3 {
            let port = free_port();
            let log = dir.join("redis.log");
            let mut cmd = Command::new("redis-server");
            cmd.current_dir(&dir)
                .args(["--port", "0", "--bind", "127.0.0.1"])
                .args(["--tls-port", &port.to_string()])
                .arg("--tls-cert-file")
                .arg(&pki.server_cert)
                .arg("--tls-key-file")
                .arg(&pki.server_key)
                .arg("--tls-ca-cert-file")
                .arg(&pki.ca)
                .arg("--tls-auth-clients")
                .arg(match auth {
                    AuthClients::No => "no",
                    AuthClients::Yes => "yes",
                    AuthClients::Optional => "optional",
                })
                .args(["--requirepass", PASSWORD])
                .args(["--save", "", "--appendonly", "no", "--daemonize", "no"])
                .arg("--dir")
                .arg(&dir);
            if let Some(p) = tls_protocols {
                cmd.args(["--tls-protocols", p]);
            }
            let out = File::create(&log).expect("cannot create redis.log");
            let err = out.try_clone().expect("cannot dup redis.log");
            let child = match cmd.stdin(Stdio::null()).stdout(out).stderr(err).spawn() {
                Ok(child) => child,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                    "`redis-server` is not installed: install the Debian package `redis-server` \
                     (apt-get install redis-server)"
                ),
                Err(e) => panic!("cannot run redis-server: {e}"),
            };
            let mut server = RedisServer {
                child,
                port,
                dir: dir.clone(),
            };
            if server.wait_ready() {
                return server;
            }
            last_log = std::fs::read_to_string(&log).unwrap_or_default();
            // `server` drops here: killed and reaped.
        }
        panic!("redis-server did not start on a free port in 3 attempts; its log:\n{last_log}");
    }

    /// Polls, bounded by [`READY_LIMIT`], until a TLS `PING` gets a reply
    /// (`-NOAUTH` counts: the server is up). False if the child exited
    /// (its port was taken); panics on the deadline.
    fn wait_ready(&mut self) -> bool {
        let deadline = Instant::now() + READY_LIMIT;
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                eprintln!("redis-server exited early ({status})");
                return false;
            }
            let last = match probe(self.port) {
                Ok(()) => return true,
                Err(e) => e,
            };
            if Instant::now() >= deadline {
                let log = std::fs::read_to_string(self.dir.join("redis.log")).unwrap_or_default();
                panic!("redis-server not ready after {READY_LIMIT:?} (last: {last}); log:\n{log}");
            }
            // A retry interval, not synchronisation: the probe above is the
            // readiness check.
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for RedisServer {
    /// Kills and reaps the server; its directory (with `redis.log`) is
    /// kept when the test is failing.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// A port that was free on 127.0.0.1 a moment ago.
fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
    l.local_addr().expect("local_addr").port()
}

/// One TLS connection with the client certificate, `PING`, one reply line.
fn probe(port: u16) -> Result<(), String> {
    let pki = pki();
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let tcp = TcpStream::connect_timeout(&addr, IO_TIMEOUT).map_err(|e| e.to_string())?;
    tcp.set_read_timeout(Some(IO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    tcp.set_write_timeout(Some(IO_TIMEOUT))
        .map_err(|e| e.to_string())?;
    let mut ctx = SslContext::new(PROTOCOL_TLS_CLIENT).map_err(|e| e.to_string())?;
    ctx.load_verify_locations(Some(&pki.ca), None, None)
        .map_err(|e| e.to_string())?;
    ctx.load_cert_chain(&pki.client_cert, Some(&pki.client_key), None)
        .map_err(|e| e.to_string())?;
    let opts = WrapOptions::default().server_hostname("localhost");
    let mut tls = ctx.wrap_socket(tcp, opts).map_err(|e| e.to_string())?;
    tls.write_all(b"*1\r\n$4\r\nPING\r\n")
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    BufReader::new(&mut tls)
        .read_line(&mut line)
        .map_err(|e| e.to_string())?;
    if line.starts_with('+') || line.starts_with('-') {
        Ok(())
    } else {
        Err(format!("unexpected reply {line:?}"))
    }
}

// --- the two clients ----------------------------------------------------------

/// What one client is given, in redis-py's terms.
#[derive(Debug, Clone, Default)]
struct ClientArgs {
    host: &'static str,
    password: Option<&'static str>,
    ca_certs: Option<PathBuf>,
    certfile: Option<PathBuf>,
    keyfile: Option<PathBuf>,
    cert_reqs: &'static str,
    value: &'static str,
}

impl ClientArgs {
    fn new(value: &'static str) -> ClientArgs {
        ClientArgs {
            host: "localhost",
            password: Some(PASSWORD),
            ca_certs: Some(pki().ca.clone()),
            cert_reqs: "required",
            value,
            ..ClientArgs::default()
        }
    }

    /// `host=… ssl_ca_certs=ca.pem ssl_certfile=client.pem …`, file names only.
    fn summary(&self) -> String {
        let name = |p: &Option<PathBuf>| match p {
            Some(p) => p
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned(),
            None => "None".into(),
        };
        format!(
            "host={} password={} ssl_ca_certs={} ssl_certfile={} ssl_keyfile={} ssl_cert_reqs={}",
            self.host,
            if self.password == Some(PASSWORD) {
                "right"
            } else {
                "wrong"
            },
            name(&self.ca_certs),
            name(&self.certfile),
            name(&self.keyfile),
            self.cert_reqs
        )
    }

    fn client_cert(mut self) -> ClientArgs {
        self.certfile = Some(pki().client_cert.clone());
        self.keyfile = Some(pki().client_key.clone());
        self
    }
}

/// What a client printed and whether it succeeded.
#[derive(Debug)]
struct Run {
    ok: bool,
    lines: Vec<String>,
    all: String,
}

/// The Rust port and the Python original against the same server.
struct SideBySide {
    rust: Run,
    python: Run,
}

fn side_by_side(title: &str, server: &RedisServer, args: &ClientArgs) -> SideBySide {
    let rust = run_rust(server.port, args);
    let python = run_python(server.port, args);
    let summary = args.summary();
    println!(
        "--- {title} ({summary})\n  redis_ping.rs:\n    {}\n  redis-py:\n    {}",
        rust.lines.join("\n    "),
        python.lines.join("\n    "),
    );
    SideBySide { rust, python }
}

impl std::fmt::Display for SideBySide {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "\n== redis_ping.rs (ok={}):\n{}\n== redis-py (ok={}):\n{}",
            self.rust.ok, self.rust.all, self.python.ok, self.python.all
        )
    }
}

/// Runs `examples/redis_ping.rs` with redis-py's argument names as flags.
fn run_rust(port: u16, a: &ClientArgs) -> Run {
    let mut cmd = Command::new(redis_ping_exe());
    cmd.args(["--host", a.host, "--port", &port.to_string()])
        .args(["--ssl-cert-reqs", a.cert_reqs, "--value", a.value])
        .args(["--socket-timeout", &IO_TIMEOUT.as_secs().to_string()]);
    if let Some(pw) = a.password {
        cmd.args(["--password", pw]);
    }
    for (flag, path) in [
        ("--ssl-ca-certs", &a.ca_certs),
        ("--ssl-certfile", &a.certfile),
        ("--ssl-keyfile", &a.keyfile),
    ] {
        if let Some(path) = path {
            cmd.arg(flag).arg(path);
        }
    }
    let out = run_limited(cmd, CHILD_LIMIT, "redis_ping");
    to_run(&out)
}

/// The document's snippet, as close as a test can run it: the call is the
/// document's, plus `socket_timeout`s (every socket here has one) and
/// `retry=Retry(NoBackoff(), 0)` (redis-py 8 otherwise retries a failed
/// connection 3 times with jittered back-off of up to ~14 s; the Rust port
/// does not retry either). Prints what each call returned, or the exception
/// and the `OSError` redis-py wrapped in it (`str()` without `(_ssl.c:NNNN)`).
const PY_SNIPPET: &str = r#"
import re, sys
try:
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry
except ImportError as e:
    print(f"MISSING-REDIS-PY: {e}")
    sys.exit(3)
host, port, password, ca_certs, certfile, keyfile, cert_reqs, value = sys.argv[1:]
opt = lambda s: s or None
r = redis.StrictRedis(host=host, port=int(port), password=opt(password), ssl=True,
                      ssl_ca_certs=opt(ca_certs), ssl_certfile=opt(certfile),
                      ssl_keyfile=opt(keyfile), ssl_cert_reqs=cert_reqs,
                      socket_timeout=5, socket_connect_timeout=5, retry=Retry(NoBackoff(), 0))
tail = lambda e: re.sub(r" \(_ssl\.c:\d+\)$", "", str(e))
try:
    print(repr(r.ping()))
    print(repr(r.set("foo", value)))
    print(repr(r.get("foo")))
except redis.RedisError as e:
    print(f"{type(e).__name__}: {e}")
    inner = e.__context__
    if isinstance(inner, OSError):
        print(f"inner {type(inner).__name__}: {tail(inner)}")
    sys.exit(1)
"#;

fn run_python(port: u16, a: &ClientArgs) -> Run {
    let path_arg = |p: &Option<PathBuf>| {
        p.as_ref()
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    };
    let mut cmd = Command::new("python3");
    cmd.args(["-c", PY_SNIPPET])
        .args([a.host, &port.to_string(), a.password.unwrap_or("")])
        .args([
            path_arg(&a.ca_certs),
            path_arg(&a.certfile),
            path_arg(&a.keyfile),
        ])
        .args([a.cert_reqs, a.value]);
    let out = run_limited(cmd, CHILD_LIMIT, "python3");
    if out.status.code() == Some(3) {
        panic!(
            "redis-py is not installed for python3: install the PyPI package `redis` \
             (pip install redis). ({})",
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
    to_run(&out)
}

fn to_run(out: &Output) -> Run {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    Run {
        ok: out.status.success(),
        lines: stdout.lines().map(str::to_owned).collect(),
        all: format!("[{}]\n{stdout}{stderr}", out.status),
    }
}

/// The compiled example, built once per test binary with the same cargo,
/// features and profile as this test (examples have no `CARGO_BIN_EXE_*`).
/// Only this example is built, so a sibling example being edited cannot
/// fail this test.
fn redis_ping_exe() -> &'static Path {
    static EXE: OnceLock<PathBuf> = OnceLock::new();
    EXE.get_or_init(|| {
        let mut cmd = Command::new(env!("CARGO"));
        cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["build", "--quiet", "--example", "redis_ping"])
            .arg("--message-format=json-render-diagnostics");
        if cfg!(feature = "vendored") {
            cmd.args(["--features", "vendored"]);
        }
        if !cfg!(debug_assertions) {
            cmd.arg("--release");
        }
        let out = run_limited(cmd, CHILD_LIMIT, "cargo build --example redis_ping");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "cannot build examples/redis_ping.rs:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        // cargo's JSON: the compiler-artifact line of the example carries
        // "executable":"<path>".
        stdout
            .lines()
            .filter(|l| {
                l.contains("\"compiler-artifact\"") && l.contains("\"name\":\"redis_ping\"")
            })
            .find_map(|l| {
                let rest = &l[l.find("\"executable\":\"")? + 14..];
                Some(PathBuf::from(&rest[..rest.find('"')?]))
            })
            .unwrap_or_else(|| panic!("no redis_ping executable in cargo's output:\n{stdout}"))
    })
}

/// Both sides ran PING, SET, GET: `redis-cli`'s rendering on the Rust side,
/// redis-py's return values on the Python side.
fn assert_both_succeed(s: &SideBySide, value: &str) {
    let quoted = format!("\"{value}\"");
    assert!(s.rust.ok, "{s}");
    assert_eq!(s.rust.lines, ["PONG", "OK", quoted.as_str()], "{s}");
    let py_bytes = format!("b'{value}'");
    assert!(s.python.ok, "{s}");
    assert_eq!(s.python.lines, ["True", "True", py_bytes.as_str()], "{s}");
}

/// The Rust side's one line of error (`Class: message`), and the Python
/// side's inner `OSError` line (`inner Class: message`) without `inner `.
fn errors(s: &SideBySide) -> (String, String) {
    assert!(!s.rust.ok && !s.python.ok, "both should fail: {s}");
    let rust = s.rust.lines.last().cloned().unwrap_or_default();
    let python = s
        .python
        .lines
        .iter()
        .find_map(|l| l.strip_prefix("inner "))
        .unwrap_or_else(|| panic!("redis-py's error wraps no OSError: {s}"))
        .to_owned();
    (rust, python)
}

// --- the cases ----------------------------------------------------------------

/// One-way TLS (`--tls-auth-clients no`): the server is verified against
/// `ssl_ca_certs`, the client shows no certificate. Also by IP address
/// (matched against the IP subjectAltName, no SNI) and with
/// `ssl_cert_reqs='none'` and no CA at all.
#[test]
fn one_way_tls() {
    let server = RedisServer::start("one-way", AuthClients::No, None);
    let args = ClientArgs::new("one-way");
    assert_both_succeed(
        &side_by_side("one-way, localhost", &server, &args),
        "one-way",
    );

    let by_ip = ClientArgs {
        host: "127.0.0.1",
        ..ClientArgs::new("by-ip")
    };
    assert_both_succeed(
        &side_by_side("one-way, 127.0.0.1", &server, &by_ip),
        "by-ip",
    );

    let unverified = ClientArgs {
        ca_certs: None,
        cert_reqs: "none",
        ..ClientArgs::new("unverified")
    };
    assert_both_succeed(
        &side_by_side("ssl_cert_reqs='none'", &server, &unverified),
        "unverified",
    );
}

/// Mutual TLS (`--tls-auth-clients yes`) with the client certificate.
#[test]
fn mutual_tls_with_client_cert() {
    let server = RedisServer::start("mutual", AuthClients::Yes, None);
    let args = ClientArgs::new("mutual").client_cert();
    assert_both_succeed(&side_by_side("mutual TLS", &server, &args), "mutual");
}

/// `--tls-auth-clients optional`: without a certificate and with one.
#[test]
fn optional_client_auth() {
    let server = RedisServer::start("optional", AuthClients::Optional, None);
    let without = ClientArgs::new("no-cert");
    assert_both_succeed(
        &side_by_side("optional, no cert", &server, &without),
        "no-cert",
    );
    let with = ClientArgs::new("with-cert").client_cert();
    assert_both_succeed(&side_by_side("optional, cert", &server, &with), "with-cert");
}

/// `ssl_ca_certs` names a CA that did not sign the server: the handshake
/// fails with `SSLCertVerificationError` and the same message on both sides
/// (redis-py wraps it in `ConnectionError: Error 1 connecting to …`).
#[test]
fn wrong_ca_fails_verification() {
    let server = RedisServer::start("wrong-ca", AuthClients::No, None);
    let args = ClientArgs {
        ca_certs: Some(pki().other_ca.clone()),
        ..ClientArgs::new("never-set")
    };
    let s = side_by_side("wrong CA", &server, &args);
    let (rust, python) = errors(&s);
    assert!(
        rust.starts_with(
            "SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
        ),
        "{s}"
    );
    assert_eq!(rust, python, "{s}");
    assert!(
        s.python.lines[0].starts_with("ConnectionError: Error 1 connecting to localhost:"),
        "{s}"
    );
}

/// `--tls-auth-clients yes` and no client certificate, over TLS 1.3: the
/// client's handshake completes before the server has looked at the (empty)
/// certificate, so the refusal shows on the first I/O after it. Redis sends
/// the `certificate_required` alert and closes with the client's Finished
/// unread, which resets the connection. If the client's first write (`AUTH`)
/// comes after the reset, it fails: `SSLEOFError: EOF occurred in violation
/// of protocol`; if it comes before, the following read gets the alert:
/// `SSLError: [SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] …`. redis-py shows
/// the same two outcomes with the same race (roughly 60/40 here), so each
/// side must give one of them, with Python's class and message.
#[test]
fn missing_client_cert_tls13() {
    let server = RedisServer::start("no-cert-13", AuthClients::Yes, None);
    let args = ClientArgs::new("never-set");
    let s = side_by_side("mutual TLS, no client cert, TLS 1.3", &server, &args);
    let (rust, python) = errors(&s);
    let allowed = [
        "SSLEOFError: EOF occurred in violation of protocol",
        "SSLError: [SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required",
    ];
    assert!(allowed.contains(&rust.as_str()), "{s}");
    assert!(allowed.contains(&python.as_str()), "{s}");
}

/// The same over TLS 1.2 (`--tls-protocols TLSv1.2`), where the server
/// refuses inside the handshake: deterministic, and the same on both sides.
#[test]
fn missing_client_cert_tls12() {
    let server = RedisServer::start("no-cert-12", AuthClients::Yes, Some("TLSv1.2"));
    let args = ClientArgs::new("never-set");
    let s = side_by_side("mutual TLS, no client cert, TLS 1.2", &server, &args);
    let (rust, python) = errors(&s);
    assert_eq!(
        rust, "SSLError: [SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure",
        "{s}"
    );
    assert_eq!(rust, python, "{s}");
    // And with the certificate, TLS 1.2 works.
    let with = ClientArgs::new("tls12").client_cert();
    assert_both_succeed(&side_by_side("mutual TLS 1.2", &server, &with), "tls12");
}

/// A wrong password: Redis's `-WRONGPASS` reply, printed by the Rust port as
/// `redis-cli` prints it and raised by redis-py as `AuthenticationError`.
#[test]
fn wrong_password() {
    let server = RedisServer::start("wrong-pw", AuthClients::No, None);
    let args = ClientArgs {
        password: Some("not-the-password"),
        ..ClientArgs::new("never-set")
    };
    let s = side_by_side("wrong password", &server, &args);
    assert!(!s.rust.ok && !s.python.ok, "{s}");
    let reply = "invalid username-password pair or user is disabled.";
    assert_eq!(s.rust.lines, [format!("(error) WRONGPASS {reply}")], "{s}");
    assert_eq!(
        s.python.lines,
        [format!("AuthenticationError: {reply}")],
        "{s}"
    );
}
