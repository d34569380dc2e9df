//! The shared test harness: certificate paths, the test PKI, Python's `ssl`
//! as a peer and oracle (`tests/py/peer.py`), and the same peer in Rust, so a
//! test can run one situation with any pair of sides and compare what each
//! side sees.
//!
//! Every socket has a timeout, every child process is killed on drop, and
//! every wait is bounded.
#![allow(dead_code)] // each test binary uses a different part

pub mod pki;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use sslwrap::{
    CaData, Options, SslContext, SslError, SslSocket, TlsVersion, VerifyFlags, WrapOptions,
};

/// How long any single peer may take before the test fails.
pub const PEER_TIMEOUT: Duration = Duration::from_secs(20);
/// Socket timeout used by both peers.
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// A file of CPython's test certificates (`Lib/test/certdata`).
pub fn certdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/testdata/cpython-certdata")
        .join(name)
}

/// [`certdata`] as a `String`.
pub fn certdata_arg(name: &str) -> String {
    certdata(name).display().to_string()
}

/// Settings for one side, as `key=value` pairs understood by both
/// `tests/py/peer.py` and [`rust_context`]/[`rust_server`]/[`rust_client`].
pub type Cfg = Vec<(&'static str, String)>;

/// `cfg!["protocol" => "client", "cafile" => path]`.
#[macro_export]
macro_rules! cfg {
    ($($k:literal => $v:expr),* $(,)?) => {
        vec![$(($k, ($v).to_string())),*]
    };
}

/// What one side saw: `result` (`ok`/`error`), and either the connection's
/// `version`, `cipher`, `alpn`, `peercert` (Python's repr), `peercert_der`,
/// or the error's `class`, `str`, `library`, `reason`, `verify_code`,
/// `verify_message`, `errno`, plus what the action after the handshake got.
pub type Outcome = BTreeMap<String, String>;

/// The `python3` on PATH, checked to be CPython 3.11 (the oracle the tests
/// are written against).
pub fn python3() -> &'static str {
    static CHECKED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    CHECKED.get_or_init(|| {
        let out = Command::new("python3")
            .args(["-c", "import sys, ssl; print(sys.version_info[:2] == (3, 11), ssl.OPENSSL_VERSION)"])
            .output()
            .unwrap_or_else(|e| {
                panic!("python3 not found ({e}): the tests need CPython 3.11 on PATH (Debian package python3, or pyenv)")
            });
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with("True"),
            "python3 on PATH must be CPython 3.11 (the parity oracle); got: {text}"
        );
    });
    "python3"
}

/// A running `tests/py/peer.py`, killed on drop.
pub struct PyPeer {
    child: Child,
    lines: mpsc::Receiver<String>,
    /// The port a server listens on (0 when it failed to load).
    pub port: u16,
}

impl PyPeer {
    /// Starts the Python server side and waits for its port.
    pub fn server(cfg: &Cfg) -> PyPeer {
        let mut peer = PyPeer::spawn("server", cfg);
        let line = peer
            .next_line()
            .expect("python server printed no PORT line");
        peer.port = line
            .strip_prefix("PORT ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("bad PORT line from python: {line:?}"));
        peer
    }

    /// Starts the Python client side against `port`.
    pub fn client(cfg: &Cfg, port: u16) -> PyPeer {
        let mut cfg = cfg.clone();
        cfg.push(("port", port.to_string()));
        PyPeer::spawn("client", &cfg)
    }

    /// Runs Python's context construction only (load-time errors).
    pub fn load(cfg: &Cfg) -> Outcome {
        PyPeer::spawn("load", cfg).outcome()
    }

    fn spawn(role: &str, cfg: &Cfg) -> PyPeer {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/peer.py");
        let mut child = Command::new(python3())
            .arg(script)
            .arg(role)
            .args(cfg.iter().map(|(k, v)| format!("{k}={v}")))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start python3 peer");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        PyPeer {
            child,
            lines: rx,
            port: 0,
        }
    }

    fn next_line(&mut self) -> Option<String> {
        self.lines.recv_timeout(PEER_TIMEOUT).ok()
    }

    /// Waits (bounded) for the peer's outcome.
    pub fn outcome(mut self) -> Outcome {
        let mut out = Outcome::new();
        let mut started = false;
        while let Some(line) = self.next_line() {
            if line == "OUTCOME" {
                started = true;
            } else if line == "END" {
                return out;
            } else if started {
                let (key, hex) = line.split_once(' ').unwrap_or((line.as_str(), ""));
                out.insert(key.to_owned(), unhex(hex));
            }
        }
        panic!("python peer gave no outcome within {PEER_TIMEOUT:?} (got {out:?})");
    }
}

impl Drop for PyPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn unhex(hex: &str) -> String {
    let bytes: Vec<u8> = (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).ok())
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn get<'a>(cfg: &'a Cfg, key: &str) -> Option<&'a str> {
    cfg.iter()
        .rev()
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.as_str())
}

fn version(name: &str) -> TlsVersion {
    match name {
        "MINIMUM_SUPPORTED" => TlsVersion::MinimumSupported,
        "TLSv1" => TlsVersion::TLSv1,
        "TLSv1_1" => TlsVersion::TLSv1_1,
        "TLSv1_2" => TlsVersion::TLSv1_2,
        "TLSv1_3" => TlsVersion::TLSv1_3,
        "MAXIMUM_SUPPORTED" => TlsVersion::MaximumSupported,
        other => panic!("unknown version {other}"),
    }
}

/// The Rust twin of `peer.py`'s `make_context`, in the same order.
pub fn rust_context(cfg: &Cfg) -> Result<SslContext, SslError> {
    let protocol = match get(cfg, "protocol").unwrap_or("client") {
        "tls" => sslwrap::PROTOCOL_TLS,
        "client" => sslwrap::PROTOCOL_TLS_CLIENT,
        "server" => sslwrap::PROTOCOL_TLS_SERVER,
        other => panic!("unknown protocol {other}"),
    };
    let mut ctx = SslContext::new(protocol)?;
    if let Some(v) = get(cfg, "check_hostname") {
        ctx.set_check_hostname(v == "1")?;
    }
    if let Some(v) = get(cfg, "verify_mode") {
        ctx.set_verify_mode(match v {
            "none" => sslwrap::CERT_NONE,
            "optional" => sslwrap::CERT_OPTIONAL,
            "required" => sslwrap::CERT_REQUIRED,
            other => panic!("unknown verify_mode {other}"),
        })?;
    }
    if let Some(v) = get(cfg, "check_hostname_after") {
        ctx.set_check_hostname(v == "1")?;
    }
    for name in get(cfg, "verify_flags")
        .unwrap_or("")
        .split(',')
        .filter(|s| !s.is_empty())
    {
        let flag: VerifyFlags = match name {
            "crl_leaf" => sslwrap::VERIFY_CRL_CHECK_LEAF,
            "crl_chain" => sslwrap::VERIFY_CRL_CHECK_CHAIN,
            "strict" => sslwrap::VERIFY_X509_STRICT,
            "partial_chain" => sslwrap::VERIFY_X509_PARTIAL_CHAIN,
            other => panic!("unknown verify flag {other}"),
        };
        ctx.set_verify_flags(ctx.verify_flags() | flag)?;
    }
    if let Some(v) = get(cfg, "min_version") {
        ctx.set_minimum_version(version(v))?;
    }
    if let Some(v) = get(cfg, "max_version") {
        ctx.set_maximum_version(version(v))?;
    }
    if let Some(v) = get(cfg, "ciphers") {
        ctx.set_ciphers(v)?;
    }
    if let Some(v) = get(cfg, "alpn") {
        let protos: Vec<&str> = v.split(',').filter(|p| !p.is_empty()).collect();
        ctx.set_alpn_protocols(&protos)?;
    }
    if let Some(v) = get(cfg, "options_add") {
        for name in v.split(',') {
            let opt: Options = match name {
                "OP_NO_TICKET" => sslwrap::OP_NO_TICKET,
                "OP_IGNORE_UNEXPECTED_EOF" => sslwrap::OP_IGNORE_UNEXPECTED_EOF,
                "OP_NO_TLSv1_3" => sslwrap::OP_NO_TLSv1_3,
                other => panic!("unknown option {other}"),
            };
            ctx.set_options(ctx.options() | opt)?;
        }
    }
    let cafile = get(cfg, "cafile").map(PathBuf::from);
    let capath = get(cfg, "capath").map(PathBuf::from);
    let pem = get(cfg, "cadata_pem").map(|p| std::fs::read_to_string(p).expect("cadata_pem file"));
    let der = get(cfg, "cadata_der").map(|p| std::fs::read(p).expect("cadata_der file"));
    let cadata = match (&pem, &der) {
        (Some(p), _) => Some(CaData::Pem(p)),
        (None, Some(d)) => Some(CaData::Der(d)),
        (None, None) => None,
    };
    if cafile.is_some() || capath.is_some() || cadata.is_some() {
        ctx.load_verify_locations(cafile.as_deref(), capath.as_deref(), cadata)?;
    }
    if let Some(cert) = get(cfg, "certfile") {
        let key = get(cfg, "keyfile").map(Path::new);
        ctx.load_cert_chain(
            Path::new(cert),
            key,
            get(cfg, "password").map(str::as_bytes),
        )?;
    }
    Ok(ctx)
}

/// The fields Python's `peer.py` reports for an exception.
pub fn error_fields(e: &SslError) -> Outcome {
    let mut out = Outcome::new();
    out.insert("result".into(), "error".into());
    out.insert("class".into(), e.python_class().into());
    out.insert("str".into(), e.to_string());
    if let Some(v) = e.library() {
        out.insert("library".into(), v.into());
    }
    if let Some(v) = e.reason() {
        out.insert("reason".into(), v.into());
    }
    if let Some(v) = e.verify_code() {
        out.insert("verify_code".into(), v.to_string());
    }
    if let Some(v) = e.verify_message() {
        out.insert("verify_message".into(), v.into());
    }
    if let Some(v) = e.errno() {
        out.insert("errno".into(), v.to_string());
    }
    out
}

/// Python's `str()` of an `SSLError` made from one string is the tuple
/// `('text',)` (`SSLError.__str__` falls back to `str(args)`); sslwrap's
/// `Display` is the text (see `SslContext::set_ciphers`). Outcomes are
/// compared with that one difference undone.
pub fn normalize(mut out: Outcome) -> Outcome {
    for key in ["str", "after_str", "read_str"] {
        if let Some(s) = out.get(key) {
            if let Some(inner) = s.strip_prefix("('").and_then(|s| s.strip_suffix("',)")) {
                let inner = inner.to_owned();
                out.insert(key.into(), inner);
            }
        }
    }
    out
}

fn success_fields<S: Read + Write>(s: &SslSocket<S>) -> Outcome {
    let mut out = Outcome::new();
    out.insert("result".into(), "ok".into());
    if let Some(v) = s.version() {
        out.insert("version".into(), v);
    }
    if let Some((name, proto, bits)) = s.cipher() {
        out.insert("cipher".into(), format!("{name} {proto} {bits}"));
    }
    if let Some(v) = s.selected_alpn_protocol() {
        out.insert("alpn".into(), v);
    }
    let cert = match s.getpeercert().expect("getpeercert after handshake") {
        Some(c) => c.python_repr(),
        None => "None".into(),
    };
    out.insert("peercert".into(), cert);
    let der = match s
        .getpeercert_der()
        .expect("getpeercert_der after handshake")
    {
        Some(d) => d.iter().map(|b| format!("{b:02x}")).collect(),
        None => "None".into(),
    };
    out.insert("peercert_der".into(), der);
    out
}

fn prefixed(prefix: &str, fields: Outcome) -> impl Iterator<Item = (String, String)> + '_ {
    fields
        .into_iter()
        .map(move |(k, v)| (format!("{prefix}{k}"), v))
}

/// `peer.py`'s `act`, in Rust.
fn act(s: &mut SslSocket<TcpStream>, cfg: &Cfg, client: bool, out: &mut Outcome) {
    let result: Result<(), SslError> = (|| {
        match (get(cfg, "action").unwrap_or("echo"), client) {
            ("echo", true) => {
                s.sendall(b"ping")?;
                let echo = s.recv(1024)?;
                out.insert("echo".into(), String::from_utf8_lossy(&echo).into_owned());
            }
            ("echo", false) => {
                let data = s.recv(1024)?;
                s.sendall(&data)?;
            }
            ("send_and_close", _) => s.sendall(b"bye")?,
            ("read_to_eof", _) => {
                let mut got = Vec::new();
                loop {
                    match s.recv(1024) {
                        Ok(chunk) if chunk.is_empty() => break,
                        Ok(chunk) => got.extend_from_slice(&chunk),
                        Err(e) => {
                            out.extend(prefixed("read_", error_fields(&e)));
                            break;
                        }
                    }
                }
                out.insert("read".into(), String::from_utf8_lossy(&got).into_owned());
            }
            ("handshake_only", _) => {}
            (other, _) => panic!("unknown action {other}"),
        }
        Ok(())
    })();
    if let Err(e) = result {
        out.extend(prefixed("after_", error_fields(&e)));
    }
}

fn with_stage(mut fields: Outcome, stage: &str) -> Outcome {
    fields.insert("stage".into(), stage.into());
    fields
}

/// The Rust server side of one situation, on a thread.
pub struct RustServer {
    /// The port it listens on (0 when its context failed to load).
    pub port: u16,
    outcome: mpsc::Receiver<Outcome>,
}

impl RustServer {
    /// Loads the context, listens on 127.0.0.1:0 and serves one connection
    /// in a thread, as `peer.py server` does.
    pub fn start(cfg: &Cfg) -> RustServer {
        let (tx, rx) = mpsc::channel();
        let ctx = match rust_context(cfg) {
            Ok(ctx) => ctx,
            Err(e) => {
                let _ = tx.send(with_stage(error_fields(&e), "load"));
                return RustServer {
                    port: 0,
                    outcome: rx,
                };
            }
        };
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().expect("local addr").port();
        let mut listener = ctx.wrap_listener(listener);
        listener.set_suppress_ragged_eofs(get(cfg, "suppress_ragged_eofs") != Some("0"));
        listener.set_handshake_timeout(Some(IO_TIMEOUT));
        let cfg = cfg.clone();
        std::thread::spawn(move || {
            let out = match listener.accept() {
                Err(e) => with_stage(error_fields(&e), "handshake"),
                Ok((mut s, _)) => {
                    let mut out = success_fields(&s);
                    act(&mut s, &cfg, false, &mut out);
                    out
                }
            };
            let _ = tx.send(out);
        });
        RustServer { port, outcome: rx }
    }

    /// Waits (bounded) for what the server saw. If nobody connected, a
    /// throw-away connection unblocks its `accept` first.
    pub fn outcome(self, client_connected: bool) -> Outcome {
        if !client_connected && self.port != 0 {
            let _ = TcpStream::connect(("127.0.0.1", self.port));
        }
        self.outcome
            .recv_timeout(PEER_TIMEOUT)
            .unwrap_or_else(|_| panic!("rust server gave no outcome within {PEER_TIMEOUT:?}"))
    }
}

/// The Rust client side of one situation, as `peer.py client` does.
pub fn rust_client(cfg: &Cfg, port: u16) -> Outcome {
    let ctx = match rust_context(cfg) {
        Ok(ctx) => ctx,
        Err(e) => return with_stage(error_fields(&e), "load"),
    };
    let tcp = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
    tcp.set_read_timeout(Some(IO_TIMEOUT))
        .expect("read timeout");
    tcp.set_write_timeout(Some(IO_TIMEOUT))
        .expect("write timeout");
    let mut opts =
        WrapOptions::default().suppress_ragged_eofs(get(cfg, "suppress_ragged_eofs") != Some("0"));
    if let Some(name) = get(cfg, "server_hostname").filter(|n| !n.is_empty()) {
        opts = opts.server_hostname(name);
    }
    match ctx.wrap_socket(tcp, opts) {
        Err(e) => with_stage(error_fields(&e), "handshake"),
        Ok(mut s) => {
            s.settimeout(Some(IO_TIMEOUT)).expect("settimeout");
            let mut out = success_fields(&s);
            act(&mut s, cfg, true, &mut out);
            out
        }
    }
}

/// A raw TCP peer for the misbehaving-peer situations: it accepts one
/// connection, reads what arrives first (a ClientHello), then either closes
/// or answers with `reply` and closes.
pub fn raw_server(reply: &'static [u8]) -> (u16, std::thread::JoinHandle<()>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    let port = listener.local_addr().expect("local addr").port();
    let handle = std::thread::spawn(move || {
        if let Ok((mut s, _)) = listener.accept() {
            let _ = s.set_read_timeout(Some(IO_TIMEOUT));
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let _ = s.write_all(reply);
        }
    });
    (port, handle)
}

/// A raw TCP client for the misbehaving-peer situations on the server side:
/// connects, sends `first` (nothing, or garbage) and closes.
pub fn raw_client(port: u16, first: &[u8]) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    let _ = s.write_all(first);
    let _ = s.shutdown(std::net::Shutdown::Write);
    let _ = s.set_read_timeout(Some(IO_TIMEOUT));
    let mut sink = Vec::new();
    let _ = s.read_to_end(&mut sink);
}
