//! Python as a peer: finding and checking `python3`, and running
//! `tests/py/peer.py` as a child process with hard deadlines.
//!
//! A child is killed (and reaped) when its [`PyProcess`] drops, which also
//! happens while a failing test unwinds, so no process outlives its test.
//! Every wait on a child is bounded by [`PEER_DEADLINE`].

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::OnceLock;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::config::PeerConfig;
use super::json::Json;
use super::outcome::Outcome;

/// How long a child may run before it is killed and the test fails.
/// `peer.py`'s own socket timeout (10 s) is well inside it.
pub const PEER_DEADLINE: Duration = Duration::from_secs(30);

/// The interpreter the oracle must be: CPython 3.11 (the tests record what
/// 3.11's `ssl` does; other versions word some errors differently).
const EXPECTED: (i64, i64) = (3, 11);

/// The CPython 3.11 interpreter: `python3` on PATH, checked once per test
/// binary and resolved to its real executable (`sys.executable`, skipping
/// wrapper scripts such as pyenv shims). Panics, never skips, when it is
/// missing or another version.
pub fn python3() -> &'static Path {
    let (path, openssl) = probe();
    let ours = sslwrap::openssl_version();
    assert!(
        openssl == ours,
        "`python3` runs on {openssl:?} but sslwrap on {ours:?}: error texts and defaults \
         differ between OpenSSL versions, so the comparison needs the same one"
    );
    path
}

/// The CPython 3.11 interpreter as a *peer* only: the other end of a real
/// connection, whose behaviour the test does not compare with sslwrap's
/// (what crosses the wire is TLS, which OpenSSL 3.0 and 3.6 speak alike).
/// The same checks as [`python3`] except the OpenSSL release, so that
/// these tests also run on the vendored OpenSSL 3.6 against the system
/// Python on 3.0.
pub fn python3_peer() -> &'static Path {
    probe().0
}

/// Finds and checks `python3` once per test binary: its real executable
/// and its `ssl.OPENSSL_VERSION`.
fn probe() -> (&'static Path, &'static str) {
    static PYTHON: OnceLock<(PathBuf, String)> = OnceLock::new();
    let (path, openssl) = PYTHON.get_or_init(|| {
        const PROBE: &str = "import json, ssl, sys; print(json.dumps({\
            'impl': sys.implementation.name, 'version': list(sys.version_info[:3]), \
            'openssl': ssl.OPENSSL_VERSION, 'executable': sys.executable, \
            'ignore_eof': bool(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).options \
                               & ssl.OP_IGNORE_UNEXPECTED_EOF)}))";
        let hint = "these tests use Python's ssl module as the oracle and need an upstream \
                    CPython 3.11 as `python3` on PATH, on the OpenSSL sslwrap links (e.g. \
                    pyenv `3.11.7`, or a `python3` package that ships 3.11 unpatched)";
        let mut cmd = Command::new("python3");
        cmd.args(["-c", PROBE]);
        let mut proc =
            PyProcess::spawn(cmd).unwrap_or_else(|e| panic!("cannot run `python3` ({e}): {hint}"));
        let line = proc
            .next_line()
            .unwrap_or_else(|e| panic!("`python3` did not answer the version probe ({e}): {hint}"));
        let info = Json::parse(&line).unwrap_or_else(|e| panic!("bad probe line {line:?}: {e}"));
        let version: Vec<i64> = match info.get("version") {
            Some(Json::Arr(v)) => v.iter().filter_map(Json::as_i64).collect(),
            _ => Vec::new(),
        };
        let implementation = info.str_at("impl").unwrap_or_default();
        assert!(
            implementation == "cpython"
                && version.len() == 3
                && (version[0], version[1]) == EXPECTED,
            "`python3` on PATH is {implementation} {version:?}, expected CPython {}.{}: {hint}",
            EXPECTED.0,
            EXPECTED.1,
        );
        // Debian's `python3` package (3.11.2 on bookworm) patches `ssl` to
        // set OP_IGNORE_UNEXPECTED_EOF on every context, which turns every
        // ragged EOF into a clean one: not what upstream Python does.
        assert!(
            info.get("ignore_eof") == Some(&Json::Bool(false)),
            "`python3` on PATH ({}) sets OP_IGNORE_UNEXPECTED_EOF by default, as Debian's \
             patched `python3` package does; the EOF rows need upstream behaviour: {hint}",
            info.str_at("executable").unwrap_or_default()
        );
        (
            PathBuf::from(info.str_at("executable").expect("sys.executable")),
            info.str_at("openssl").unwrap_or_default(),
        )
    });
    (path.as_path(), openssl.as_str())
}

/// A child process whose stdout is read line by line with deadlines and
/// whose stderr is kept for failure messages. Killed on drop.
pub struct PyProcess {
    child: Child,
    /// Piped for [`PyProcess::talk`]ers, else `None` (stdin is null).
    stdin: Option<std::process::ChildStdin>,
    lines: Receiver<String>,
    stderr: Option<JoinHandle<String>>,
    deadline: Instant,
}

impl PyProcess {
    fn spawn(cmd: Command) -> std::io::Result<PyProcess> {
        PyProcess::spawn_with(cmd, Stdio::null())
    }

    /// `python3 script args…` with stdin piped: a peer that the test talks
    /// to line by line ([`PyProcess::send_line`], [`PyProcess::next_line`]).
    pub fn talk(script: &Path, args: &[&str]) -> PyProcess {
        let mut cmd = Command::new(python3());
        cmd.arg(script).args(args);
        PyProcess::spawn_with(cmd, Stdio::piped())
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()))
    }

    /// [`talk`](Self::talk) with [`python3_peer`]: for a Python peer whose
    /// OpenSSL may differ from sslwrap's.
    pub fn talk_peer(script: &Path, args: &[&str]) -> PyProcess {
        let mut cmd = Command::new(python3_peer());
        cmd.arg(script).args(args);
        PyProcess::spawn_with(cmd, Stdio::piped())
            .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()))
    }

    /// Writes one line to the child's stdin.
    pub fn send_line(&mut self, line: &str) -> Result<(), String> {
        use std::io::Write as _;
        let stdin = self.stdin.as_mut().ok_or("stdin is not piped")?;
        writeln!(stdin, "{line}")
            .and_then(|()| stdin.flush())
            .map_err(|e| {
                format!(
                    "writing to the child: {e}; stderr:\n{}",
                    self.kill_and_stderr()
                )
            })
    }

    fn spawn_with(mut cmd: Command, stdin: Stdio) -> std::io::Result<PyProcess> {
        let mut child = cmd
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()?;
        let stdin_pipe = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");
        let mut stderr = child.stderr.take().expect("piped stderr");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = stderr.read_to_string(&mut text);
            text
        });
        Ok(PyProcess {
            child,
            stdin: stdin_pipe,
            lines,
            stderr: Some(stderr),
            deadline: Instant::now() + PEER_DEADLINE,
        })
    }

    /// The next line of stdout, waiting until the deadline at most.
    pub fn next_line(&mut self) -> Result<String, String> {
        let left = self.deadline.saturating_duration_since(Instant::now());
        match self.lines.recv_timeout(left) {
            Ok(line) => Ok(line),
            Err(RecvTimeoutError::Timeout) => {
                let err = self.kill_and_stderr();
                Err(format!(
                    "no output within {PEER_DEADLINE:?}; killed. stderr:\n{err}"
                ))
            }
            Err(RecvTimeoutError::Disconnected) => {
                let err = self.kill_and_stderr();
                let status = self.child.wait().map(|s| s.to_string()).unwrap_or_default();
                Err(format!(
                    "exited ({status}) without the expected output. stderr:\n{err}"
                ))
            }
        }
    }

    fn kill_and_stderr(&mut self) -> String {
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default()
    }
}

impl Drop for PyProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `tests/py/peer.py` playing one side.
pub struct PyPeer {
    proc: PyProcess,
    /// The port a server listens on; `None` when it failed before
    /// listening (its outcome is then already known).
    pub port: Option<u16>,
    early: Option<Outcome>,
}

impl PyPeer {
    fn spawn(cfg: &PeerConfig, role: &str, port: Option<u16>) -> PyPeer {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/peer.py");
        let mut cmd = Command::new(python3());
        // -I: isolated (no user site, no PYTHON* variables); -S: no `site`
        // import, which halves the start-up time.
        cmd.args(["-I", "-S"])
            .arg(script)
            .arg(cfg.to_json(role, port));
        let proc = PyProcess::spawn(cmd).unwrap_or_else(|e| panic!("starting peer.py: {e}"));
        PyPeer {
            proc,
            port: None,
            early: None,
        }
    }

    /// Starts a Python server and waits (bounded) until it listens.
    pub fn server(cfg: &PeerConfig) -> PyPeer {
        let mut peer = PyPeer::spawn(cfg, "server", None);
        let line = peer
            .proc
            .next_line()
            .unwrap_or_else(|e| panic!("python server: {e}"));
        let j = parse(&line);
        match j.int_at("port") {
            Some(port) => peer.port = Some(u16::try_from(port).expect("port number")),
            None => {
                let outcome = Outcome::from_json(&j)
                    .unwrap_or_else(|e| panic!("python server said {line:?}: {e}"));
                peer.early = Some(outcome);
            }
        }
        peer
    }

    /// Starts a Python client against `port`.
    pub fn client(cfg: &PeerConfig, port: u16) -> PyPeer {
        PyPeer::spawn(cfg, "client", Some(port))
    }

    /// What Python's `SSLContext` construction from `cfg` gives.
    pub fn load(cfg: &PeerConfig) -> Outcome {
        PyPeer::spawn(cfg, "load", None).outcome()
    }

    /// The outcome of a server that failed before listening; dropping the
    /// peer (killing a server still waiting for a client) in any case.
    pub fn early_outcome(mut self) -> Option<Outcome> {
        self.early.take()
    }

    /// Waits (bounded) for the peer's outcome line.
    pub fn outcome(mut self) -> Outcome {
        if let Some(outcome) = self.early.take() {
            return outcome;
        }
        let line = self
            .proc
            .next_line()
            .unwrap_or_else(|e| panic!("python peer: {e}"));
        Outcome::from_json(&parse(&line))
            .unwrap_or_else(|e| panic!("python peer said {line:?}: {e}"))
    }
}

fn parse(line: &str) -> Json {
    Json::parse(line).unwrap_or_else(|e| panic!("python peer printed {line:?}: {e}"))
}

/// Runs `source`, a Python program whose last line prints `END`, as
/// `python3 <file> <certdata dir> args…` (the file written to the temporary
/// directory, removed afterwards) and returns the lines it printed before
/// `END`. Every read is bounded by [`PEER_DEADLINE`].
pub fn script_lines(source: &str, args: &[&str]) -> Vec<String> {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "sslwrap-py-{}-{}.py",
        std::process::id(),
        N.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
    ));
    std::fs::write(&path, source).unwrap();
    let _ = python3();
    let dir = super::certdata("");
    let mut all = vec![dir.to_str().unwrap()];
    all.extend_from_slice(args);
    let mut proc = PyProcess::talk(&path, &all);
    let mut lines = Vec::new();
    loop {
        let line = proc
            .next_line()
            .unwrap_or_else(|e| panic!("python3 {}: {e}", path.display()));
        if line == "END" {
            break;
        }
        lines.push(line);
    }
    let _ = std::fs::remove_file(&path);
    lines
}

/// Compares sslwrap's lines with python3's, showing both lists side by side
/// on a difference.
#[track_caller]
pub fn assert_lines(ours: &[String], theirs: &[String]) {
    if ours != theirs {
        let mut msg = String::from("sslwrap (left) and python3 (right) differ:\n");
        for i in 0..ours.len().max(theirs.len()) {
            let a = ours.get(i).map_or("<none>", String::as_str);
            let b = theirs.get(i).map_or("<none>", String::as_str);
            let mark = if a == b { "  " } else { "≠ " };
            msg.push_str(&format!("{mark}{a}\n  {b}\n"));
        }
        panic!("{msg}");
    }
}

/// `Class: str` of an error, as the Python scripts' `err` prints it.
pub fn err_line(e: &sslwrap::SslError) -> String {
    format!("{}: {e}", e.python_class())
}
