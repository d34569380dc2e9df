//! Interop with the real `openssl s_server` / `openssl s_client` (the CLI of
//! the OpenSSL sslwrap links), over loopback, for TLS 1.2 and TLS 1.3.
//!
//! Each test starts one CLI process, killed when the test ends (the
//! [`Cli`] guard), and checks what both ends saw: the echoed bytes, the
//! version and cipher the CLI printed, ALPN, the peer certificate, and for
//! the failure cases the error Python's `ssl` raises in the same situation
//! (found by running CPython 3.11 on OpenSSL 3.0.19 against the same CLI
//! command; the Python lines are quoted next to each assertion).
//!
//! Certificates are CPython's test certdata (`keycert3.pem` for localhost,
//! signed by `pycacert.pem`); the client certificate is made here with
//! `sslwrap::testing`, signed by `pycakey.pem`.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use openssl::x509::X509;
use sslwrap::testing::CertificateAuthority;
use sslwrap::{
    decode_cert, SslContext, SslErrorKind, SslListener, SslSocket, WrapOptions, CERT_REQUIRED,
    PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER,
};

/// Upper bound for any single wait (process output, accept, socket I/O).
const TIMEOUT: Duration = Duration::from_secs(10);

/// Every scenario (a function taking the CLI's version flag and the name
/// `version()` gives) runs as two tests, `tls1_2::<scenario>` and
/// `tls1_3::<scenario>`, which cargo runs in parallel.
macro_rules! for_each_version {
    ($($scenario:ident),* $(,)?) => {
        mod tls1_2 {
            $(#[test] fn $scenario() { super::$scenario("-tls1_2", "TLSv1.2") })*
        }
        mod tls1_3 {
            $(#[test] fn $scenario() { super::$scenario("-tls1_3", "TLSv1.3") })*
        }
    };
}

for_each_version!(
    client_to_s_server,
    client_with_cert_to_s_server,
    client_without_cert_to_s_server_requiring_one,
    s_client_to_server,
    s_client_with_cert_to_server_requiring_one,
    s_client_without_cert_to_server_requiring_one,
    s_client_with_untrusted_cert_to_server,
);

// --- certificates ---------------------------------------------------------

fn certdata(name: &str) -> String {
    common::certdata(name).display().to_string()
}

/// A client certificate (EC P-256, subject `CN=sslwrap interop client`
/// alone, clientAuth only) signed by CPython's test CA, written once per
/// test run.
struct ClientCert {
    cert: String,
    key: String,
    der: Vec<u8>,
}

fn client_cert() -> &'static ClientCert {
    static CERT: OnceLock<ClientCert> = OnceLock::new();
    CERT.get_or_init(|| {
        let read = |name| std::fs::read_to_string(certdata(name)).expect(name);
        let ca = CertificateAuthority::from_pem(&read("pycacert.pem"), &read("pycakey.pem"))
            .expect("CPython's test CA");
        let leaf = ca
            .leaf()
            .common_name("sslwrap interop client")
            .organization("")
            .organization_unit("")
            .server_auth(false)
            .issue(&[])
            .expect("client certificate");
        let files = leaf
            .write_to(&fresh_tmp_dir(), "client")
            .expect("client certificate files");
        ClientCert {
            cert: files.certfile.display().to_string(),
            key: files.keyfile.display().to_string(),
            der: leaf.cert_der().to_vec(),
        }
    })
}

/// `target/tmp/interop_openssl-<pid>`, one per test process (so parallel
/// runs cannot mix files); those of runs over an hour old are removed.
fn fresh_tmp_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let stale = |e: &std::fs::DirEntry| {
        let old = e.metadata().and_then(|m| m.modified()).ok();
        old.and_then(|t| t.elapsed().ok()) > Some(Duration::from_secs(3600))
    };
    for e in std::fs::read_dir(tmp).into_iter().flatten().flatten() {
        if e.file_name()
            .to_string_lossy()
            .starts_with("interop_openssl-")
            && stale(&e)
        {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
    let dir = tmp.join(format!("interop_openssl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

// --- the CLI process --------------------------------------------------------

/// A running `openssl` command, killed (and reaped) on drop, with two
/// threads collecting its stdout and stderr.
///
/// stderr is unbuffered, but stdout is block-buffered into a pipe: apart
/// from lines the CLI flushes itself (s_server's `ACCEPT`), stdout is only
/// complete after [`finish`](Cli::finish). s_client also writes the data it
/// receives straight to fd 1, past that buffer, so it can land in the middle
/// of a buffered line: see [`remove_from_stdout`](Cli::remove_from_stdout).
struct Cli {
    child: Child,
    stdin: Option<ChildStdin>,
    /// Everything read so far from stdout and stderr.
    output: Arc<(Mutex<[Vec<u8>; 2]>, Condvar)>,
    readers: Vec<JoinHandle<()>>,
    /// Set by [`finish`](Cli::finish): no more output will come.
    finished: bool,
}

impl Cli {
    fn spawn(args: &[&str]) -> Cli {
        let mut child = match Command::new("openssl")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
        {
            Ok(c) => c,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => panic!(
                "these tests need the `openssl` command-line tool: install the Debian package \
                 `openssl` (apt-get install openssl)"
            ),
            Err(e) => panic!("cannot run openssl {args:?}: {e}"),
        };
        let output = Arc::new((Mutex::new([Vec::new(), Vec::new()]), Condvar::new()));
        let out: Box<dyn Read + Send> = Box::new(child.stdout.take().unwrap());
        let err: Box<dyn Read + Send> = Box::new(child.stderr.take().unwrap());
        let readers = [out, err]
            .into_iter()
            .enumerate()
            .map(|(i, mut pipe)| {
                let output = Arc::clone(&output);
                std::thread::spawn(move || {
                    let mut buf = [0u8; 4096];
                    while let Ok(n @ 1..) = pipe.read(&mut buf) {
                        lock(&output.0)[i].extend_from_slice(&buf[..n]);
                        output.1.notify_all();
                    }
                    // End the last line, so that only whole lines are ever
                    // matched.
                    let mut output = lock(&output.0);
                    if !output[i].is_empty() && !output[i].ends_with(b"\n") {
                        output[i].push(b'\n');
                    }
                })
            })
            .collect();
        Cli {
            stdin: child.stdin.take(),
            child,
            output,
            readers,
            finished: false,
        }
    }

    /// `openssl s_server` on an ephemeral loopback port, reversing each line
    /// it receives (`-rev`), serving one connection; returns it and the port
    /// once it listens.
    fn s_server(args: &[&str]) -> (Cli, u16) {
        let mut all = vec![
            "s_server",
            "-accept",
            "127.0.0.1:0",
            "-naccept",
            "1",
            "-rev",
        ];
        all.extend_from_slice(args);
        let cli = Cli::spawn(&all);
        // "ACCEPT 127.0.0.1:40553" once the socket listens.
        let line = cli.wait_for("ACCEPT ");
        let port = line.rsplit(':').next().and_then(|p| p.parse().ok());
        let port = port.unwrap_or_else(|| panic!("no port in {line:?}"));
        (cli, port)
    }

    /// Writes `data` to the process's stdin and closes it.
    fn send_stdin(&mut self, data: &[u8]) {
        let mut stdin = self.stdin.take().expect("stdin already closed");
        stdin.write_all(data).unwrap();
    }

    /// The first output line containing `needle`, waiting for it up to
    /// [`TIMEOUT`].
    fn wait_for(&self, needle: &str) -> String {
        self.wait_until(needle, |l| l.contains(needle))
    }

    /// What follows `prefix` on the first line starting with it (leading
    /// blanks ignored), waiting for it up to [`TIMEOUT`].
    fn value(&self, prefix: &str) -> String {
        let line = self.wait_until(prefix, |l| l.trim_start().starts_with(prefix));
        line.trim_start()[prefix.len()..].trim().to_owned()
    }

    fn wait_until(&self, what: &str, found: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + TIMEOUT;
        let (output, cond) = &*self.output;
        let mut output = lock(output);
        loop {
            if let Some(l) = whole_lines(&output).find(|l| found(l)) {
                return l;
            }
            let now = Instant::now();
            if now >= deadline || self.finished {
                let transcript = whole_lines(&output).collect::<Vec<_>>().join("\n");
                drop(output);
                panic!("openssl printed no line with {what:?}:\n{transcript}");
            }
            output = cond
                .wait_timeout(output, deadline - now)
                .unwrap_or_else(|e| e.into_inner())
                .0;
        }
    }

    /// Removes the one occurrence of `data` from stdout (after
    /// [`finish`](Cli::finish)); false if it is not there exactly once.
    ///
    /// s_client writes received data with one `write(2)` on fd 1 while its
    /// own text goes through stdio's buffer, so the data is whole but can
    /// split a line of that text; without it the text reads as printed.
    fn remove_from_stdout(&self, data: &[u8]) -> bool {
        let stdout = &mut lock(&self.output.0)[0];
        let at: Vec<usize> = (0..stdout.len())
            .filter(|&i| stdout[i..].starts_with(data))
            .collect();
        match at[..] {
            [i] => {
                stdout.drain(i..i + data.len());
                true
            }
            _ => false,
        }
    }

    /// Whether a whole output line is `line`; for after [`finish`](Cli::finish).
    fn has_line(&self, line: &str) -> bool {
        whole_lines(&lock(&self.output.0)).any(|l| l == line)
    }

    /// Waits (up to [`TIMEOUT`]) for the process to exit, then for all its
    /// output.
    fn finish(&mut self) {
        self.stdin = None;
        let deadline = Instant::now() + TIMEOUT;
        while self.child.try_wait().unwrap().is_none() {
            assert!(
                Instant::now() < deadline,
                "openssl did not exit:\n{}",
                self.transcript()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        for r in self.readers.drain(..) {
            r.join().unwrap();
        }
        self.finished = true;
    }

    /// stdout, then stderr, for failure messages.
    fn transcript(&self) -> String {
        let output = lock(&self.output.0);
        format!(
            "--- stdout:\n{}--- stderr:\n{}",
            String::from_utf8_lossy(&output[0]),
            String::from_utf8_lossy(&output[1])
        )
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The output, even if a thread panicked while holding it.
fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The complete (newline-terminated) lines of stdout, then of stderr.
fn whole_lines(output: &[Vec<u8>; 2]) -> impl Iterator<Item = String> + '_ {
    output.iter().flat_map(|stream| {
        let end = stream
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        String::from_utf8_lossy(&stream[..end])
            .lines()
            .map(str::to_owned)
            .collect::<Vec<_>>()
    })
}

// --- sslwrap ends ---------------------------------------------------------

/// A TCP connection to the CLI server, retried while it is not yet
/// accepting, with read/write timeouts.
fn connect(port: u16) -> TcpStream {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        match TcpStream::connect(("127.0.0.1", port)) {
            Ok(tcp) => {
                tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
                tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
                return tcp;
            }
            Err(e) if Instant::now() < deadline => {
                eprintln!("connect to {port}: {e}; retrying");
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(e) => panic!("cannot connect to openssl s_server on {port}: {e}"),
        }
    }
}

/// Python: `ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)` trusting `cafile`.
fn client_context(cafile: &str) -> SslContext {
    let mut ctx = SslContext::new(PROTOCOL_TLS_CLIENT).unwrap();
    ctx.load_verify_locations(Some(cafile.as_ref()), None, None)
        .unwrap();
    ctx
}

/// Python: `ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)` with `keycert3.pem`,
/// ALPN `h2`/`http/1.1`, optionally requiring a client certificate from
/// CPython's test CA; listening on an ephemeral loopback port.
fn server_listener(require_client_cert: bool) -> (SslListener, u16) {
    let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    ctx.load_cert_chain(certdata("keycert3.pem").as_ref(), None, None)
        .unwrap();
    ctx.set_alpn_protocols(&["h2", "http/1.1"]).unwrap();
    if require_client_cert {
        ctx.set_verify_mode(CERT_REQUIRED).unwrap();
        ctx.load_verify_locations(Some(certdata("pycacert.pem").as_ref()), None, None)
            .unwrap();
    }
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = tcp.local_addr().unwrap().port();
    // Polled, so a client that never connects fails the test instead of
    // hanging it. Accepted streams block (with the handshake timeout):
    // `settimeout`, which the listener applies, clears O_NONBLOCK.
    tcp.set_nonblocking(true).unwrap();
    let mut listener = ctx.wrap_listener(tcp);
    listener.set_handshake_timeout(Some(TIMEOUT));
    (listener, port)
}

/// `listener.accept()` (with its handshake), waiting up to [`TIMEOUT`] for
/// the connection.
fn accept(listener: &SslListener) -> Result<SslSocket<TcpStream>, sslwrap::SslError> {
    let deadline = Instant::now() + TIMEOUT;
    loop {
        match listener.accept() {
            Err(e) if e.kind() == SslErrorKind::Io && Instant::now() < deadline => {
                let would_block = e.io_error().map(|io| io.kind());
                assert_eq!(would_block, Some(std::io::ErrorKind::WouldBlock), "{e}");
                std::thread::sleep(Duration::from_millis(10));
            }
            other => return other.map(|(s, _)| s),
        }
    }
}

/// Reads up to and including the first `\n`.
fn read_line<S: Read + Write>(s: &mut SslSocket<S>) -> Vec<u8> {
    let mut line = Vec::new();
    while !line.ends_with(b"\n") {
        let chunk = s.recv(1024).unwrap();
        assert!(!chunk.is_empty(), "EOF after {line:?}");
        line.extend_from_slice(&chunk);
    }
    line
}

/// `b"abc\n"` -> `b"cba\n"`, what `s_server -rev` answers.
fn reversed(line: &[u8]) -> Vec<u8> {
    let mut r: Vec<u8> = line.strip_suffix(b"\n").unwrap().to_vec();
    r.reverse();
    r.push(b'\n');
    r
}

/// `cipher()` is self-consistent: its protocol is `version()` for TLS 1.3
/// suites and "TLSv1.2" for the (TLS 1.2-only AEAD) suites TLS 1.2 picks, and
/// the secret bits match the suite's name.
fn check_cipher_shape(cipher: &(String, String, i32), version: &str) {
    assert_eq!(cipher.1, version, "{cipher:?}");
    let bits = if cipher.0.contains("AES128") || cipher.0.contains("AES_128") {
        128
    } else {
        256
    };
    assert_eq!(cipher.2, bits, "{cipher:?}");
}

// --- sslwrap client -> openssl s_server -----------------------------------

/// One-way TLS with ALPN, data both ways, then `unwrap()` (close_notify
/// both ways) and the plain stream back. Python does the same against the
/// same command: `unwrap()` returns at once and `recv()` then gives `b''`.
fn client_to_s_server(flag: &str, version: &str) {
    let (mut server, port) = Cli::s_server(&[
        flag,
        "-cert",
        &certdata("keycert3.pem"),
        "-alpn",
        "x-unused,http/1.1",
    ]);
    let mut ctx = client_context(&certdata("pycacert.pem"));
    ctx.set_alpn_protocols(&["h2", "http/1.1"]).unwrap();
    let mut s = ctx
        .wrap_socket(
            connect(port),
            WrapOptions::default().server_hostname("localhost"),
        )
        .unwrap();

    let line = format!("sslwrap to s_server {version}\n").into_bytes();
    s.sendall(&line).unwrap();
    assert_eq!(read_line(&mut s), reversed(&line));

    // What s_server negotiated (its `-brief` summary, set by `-rev`).
    assert_eq!(s.version().as_deref(), Some(version));
    assert_eq!(server.value("Protocol version:"), version);
    let cipher = s.cipher().unwrap();
    assert_eq!(server.value("Ciphersuite:"), cipher.0);
    check_cipher_shape(&cipher, version);
    assert_eq!(s.selected_alpn_protocol().as_deref(), Some("http/1.1"));
    server.wait_for("No peer certificate");
    // The dict Python's getpeercert() gives: decode_cert of the same file.
    let expected = decode_cert(certdata("keycert3.pem").as_ref()).unwrap();
    assert_eq!(s.getpeercert().unwrap(), Some(expected));
    let der = s.getpeercert_der().unwrap().unwrap();
    let pem = std::fs::read(certdata("keycert3.pem")).unwrap();
    assert_eq!(der, X509::from_pem(&pem).unwrap().to_der().unwrap());

    // Python: s.unwrap() -> plain socket; .recv(10) -> b''
    let mut plain = s.unwrap().unwrap();
    let mut buf = [0u8; 10];
    assert_eq!(
        plain.read(&mut buf).unwrap(),
        0,
        "s_server closes after close_notify"
    );
    server.wait_for("CONNECTION CLOSED");

    // On stdout, complete once s_server has exited (-naccept 1).
    server.finish();
    assert_eq!(server.value("ALPN protocols selected:"), "http/1.1");
    assert_eq!(
        server.value("ALPN protocols advertised by the client:"),
        "h2, http/1.1"
    );
}

/// `s_server -Verify 1 -verify_return_error` demands a certificate; the
/// sslwrap client presents one signed by the CA s_server trusts.
/// No ALPN offered by either side: none selected.
fn client_with_cert_to_s_server(flag: &str, version: &str) {
    let cc = client_cert();
    let (server, port) = Cli::s_server(&[
        flag,
        "-cert",
        &certdata("keycert3.pem"),
        "-Verify",
        "1",
        "-verify_return_error",
        "-CAfile",
        &certdata("pycacert.pem"),
    ]);
    let mut ctx = client_context(&certdata("pycacert.pem"));
    ctx.load_cert_chain(cc.cert.as_ref(), Some(cc.key.as_ref()), None)
        .unwrap();
    let mut s = ctx
        .wrap_socket(
            connect(port),
            WrapOptions::default().server_hostname("localhost"),
        )
        .unwrap();

    let line = format!("mutual {version} \u{e9}\u{1f512} bytes\n").into_bytes();
    s.sendall(&line).unwrap();
    assert_eq!(read_line(&mut s), reversed(&line).as_slice());

    assert_eq!(s.version().as_deref(), Some(version));
    assert_eq!(server.value("Protocol version:"), version);
    let cipher = s.cipher().unwrap();
    assert_eq!(server.value("Ciphersuite:"), cipher.0);
    check_cipher_shape(&cipher, version);
    assert_eq!(
        server.value("Peer certificate:"),
        "CN = sslwrap interop client"
    );
    assert_eq!(server.value("Verification:"), "OK");
    assert_eq!(s.selected_alpn_protocol(), None);
}

/// No client certificate for an `s_server` that requires one. Python's
/// client, same command: TLS 1.2 fails the handshake, TLS 1.3 completes it
/// (the server checks the client's certificate after the client is done)
/// and the first read fails:
///
/// ```text
/// TLS 1.2, wrap_socket: ssl.SSLError: [SSL: SSLV3_ALERT_HANDSHAKE_FAILURE] sslv3 alert handshake failure (_ssl.c:1006)
/// TLS 1.3, recv:        ssl.SSLError: [SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert certificate required (_ssl.c:2580)
/// ```
fn client_without_cert_to_s_server_requiring_one(flag: &str, version: &str) {
    let (server, port) = Cli::s_server(&[
        flag,
        "-cert",
        &certdata("keycert3.pem"),
        "-Verify",
        "1",
        "-verify_return_error",
        "-CAfile",
        &certdata("pycacert.pem"),
    ]);
    let ctx = client_context(&certdata("pycacert.pem"));
    let wrapped = ctx.wrap_socket(
        connect(port),
        WrapOptions::default().server_hostname("localhost"),
    );
    let (e, reason, text) = if version == "TLSv1.2" {
        let e = wrapped.unwrap_err();
        (
            e,
            "SSLV3_ALERT_HANDSHAKE_FAILURE",
            "sslv3 alert handshake failure",
        )
    } else {
        // Nothing sent: the alert is the next thing to read.
        let e = wrapped.unwrap().recv(10).unwrap_err();
        (
            e,
            "TLSV13_ALERT_CERTIFICATE_REQUIRED",
            "tlsv13 alert certificate required",
        )
    };
    assert_eq!(e.kind(), SslErrorKind::Ssl, "{e}");
    assert_eq!(e.python_class(), "SSLError");
    assert_eq!(e.errno(), Some(1));
    assert_eq!(e.library(), Some("SSL"));
    assert_eq!(e.reason(), Some(reason));
    assert_eq!(e.to_string(), format!("[SSL: {reason}] {text}"));
    server.wait_for("peer did not return a certificate");
}

/// A server certificate the client cannot chain to its trust store:
/// `SSLCertVerificationError` with OpenSSL's verify code and message, as
/// Python raises against the same `s_server`:
///
/// ```text
/// keycert.pem (self-signed)         18 'self-signed certificate'
/// keycert3.pem, CA not sent         20 'unable to get local issuer certificate'
/// keycert3.pem + -cert_chain CA     19 'self-signed certificate in certificate chain'
/// str(e) == "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: <message> (_ssl.c:1006)"
/// ```
#[test]
fn client_rejects_untrusted_s_server() {
    // (version flag, server certificate, s_server also sends the CA, code, message)
    let cases = [
        (
            "-tls1_3",
            "keycert.pem",
            false,
            18,
            "self-signed certificate",
        ),
        (
            "-tls1_2",
            "keycert3.pem",
            false,
            20,
            "unable to get local issuer certificate",
        ),
        (
            "-tls1_3",
            "keycert3.pem",
            true,
            19,
            "self-signed certificate in certificate chain",
        ),
    ];
    for (flag, server_cert, send_ca, code, message) in cases {
        let (cert, ca) = (certdata(server_cert), certdata("pycacert.pem"));
        let mut args = vec![flag, "-cert", &cert];
        if send_ca {
            args.extend(["-cert_chain", &ca]);
        }
        let (server, port) = Cli::s_server(&args);
        // Trusts only a CA unrelated to the server's (for the self-signed
        // case, the test CA, which did not sign keycert.pem).
        let trusted = if server_cert == "keycert.pem" {
            "pycacert.pem"
        } else {
            "ssl_cert.pem"
        };
        let ctx = client_context(&certdata(trusted));
        let e = ctx
            .wrap_socket(
                connect(port),
                WrapOptions::default().server_hostname("localhost"),
            )
            .unwrap_err();

        assert_eq!(
            e.kind(),
            SslErrorKind::CertVerification,
            "{server_cert}: {e}"
        );
        assert_eq!(e.python_class(), "SSLCertVerificationError");
        assert_eq!(e.verify_code(), Some(code), "{server_cert}: {e}");
        assert_eq!(e.verify_message(), Some(message));
        assert_eq!(e.library(), Some("SSL"));
        assert_eq!(e.reason(), Some("CERTIFICATE_VERIFY_FAILED"));
        assert_eq!(
            e.to_string(),
            format!("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {message}")
        );
        // The client told s_server why (OpenSSL maps these codes to the
        // unknown_ca alert).
        server.wait_for("alert unknown ca");
    }
}

// --- openssl s_client -> sslwrap server -----------------------------------

/// `openssl s_client` for `port`, verifying the server as localhost against
/// CPython's test CA, staying connected after its stdin ends (`-ign_eof`),
/// i.e. until the server closes.
fn s_client(port: u16, args: &[&str]) -> Cli {
    let connect = format!("127.0.0.1:{port}");
    let cafile = certdata("pycacert.pem");
    let mut all = vec![
        "s_client",
        "-connect",
        &connect,
        "-servername",
        "localhost",
        "-verify_hostname",
        "localhost",
        "-verify_return_error",
        "-CAfile",
        &cafile,
        "-ign_eof",
    ];
    all.extend_from_slice(args);
    Cli::spawn(&all)
}

/// The sslwrap server's side of the echo: read a line, answer it reversed
/// (as `s_server -rev` does), then `unwrap()` (close_notify both ways, as
/// Python's server does with the same s_client).
fn serve_one_line(mut s: SslSocket<TcpStream>, expected: &[u8]) {
    assert_eq!(read_line(&mut s), expected);
    s.sendall(&reversed(expected)).unwrap();
    s.unwrap().unwrap();
}

/// One-way TLS with ALPN, data both ways, and the server's `unwrap()`.
fn s_client_to_server(flag: &str, version: &str) {
    let (listener, port) = server_listener(false);
    let mut client = s_client(port, &[flag, "-alpn", "x-unused,http/1.1"]);
    let line = format!("s_client to sslwrap {version}\n").into_bytes();
    client.send_stdin(&line);

    let s = accept(&listener).unwrap();
    assert_eq!(s.getpeercert().unwrap(), None, "no client certificate");
    serve_and_compare(&mut client, s, &line, version, "http/1.1");
}

/// Serves the echo, lets s_client finish, and compares what both ends
/// saw: s_client's `New, <cipher protocol>, Cipher is <name>` and
/// `Protocol  :` lines, ALPN, the verify result, the echoed line, and
/// "closed" (the server's close_notify, not an error).
fn serve_and_compare(
    client: &mut Cli,
    s: SslSocket<TcpStream>,
    line: &[u8],
    version: &str,
    alpn: &str,
) {
    let cipher = s.cipher().unwrap();
    assert_eq!(s.version().as_deref(), Some(version));
    check_cipher_shape(&cipher, version);
    assert_eq!(s.selected_alpn_protocol().as_deref(), Some(alpn));
    serve_one_line(s, line);

    client.finish();
    assert!(
        client.remove_from_stdout(&reversed(line)),
        "{}",
        client.transcript()
    );
    assert_eq!(
        client.value("New, "),
        format!("{}, Cipher is {}", cipher.1, cipher.0)
    );
    assert_eq!(client.value("Protocol  :"), version);
    assert_eq!(client.value("ALPN protocol:"), alpn);
    assert_eq!(client.value("Verify return code:"), "0 (ok)");
    assert!(client.has_line("closed"), "{}", client.transcript());
}

/// Mutual TLS: the server requires a certificate and gets s_client's, byte
/// for byte.
fn s_client_with_cert_to_server_requiring_one(flag: &str, version: &str) {
    let cc = client_cert();
    let (listener, port) = server_listener(true);
    let mut client = s_client(
        port,
        &[flag, "-cert", &cc.cert, "-key", &cc.key, "-alpn", "h2"],
    );
    let line = format!("mutual s_client to sslwrap {version}\n").into_bytes();
    client.send_stdin(&line);

    let s = accept(&listener).unwrap();
    assert_eq!(
        s.getpeercert_der().unwrap().as_deref(),
        Some(cc.der.as_slice())
    );
    let cert = s.getpeercert().unwrap().unwrap();
    let cn = |v: &str| vec![vec![("commonName".to_owned(), v.to_owned())]];
    assert_eq!(cert.subject, cn("sslwrap interop client"));
    assert_eq!(cert.issuer.last(), cn("our-ca-server").last());
    serve_and_compare(&mut client, s, &line, version, "h2");
}

/// s_client without a certificate against a server that requires one.
/// Python's server, same OpenSSL, same s_client command, both versions:
///
/// ```text
/// ssl.SSLError: [SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate (_ssl.c:1006)
/// e.errno == 1, e.library == 'SSL', e.reason == 'PEER_DID_NOT_RETURN_A_CERTIFICATE'
/// ```
fn s_client_without_cert_to_server_requiring_one(flag: &str, version: &str) {
    let (listener, port) = server_listener(true);
    let mut client = s_client(port, &[flag]);
    client.send_stdin(b"never read\n");

    let e = accept(&listener).unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::Ssl, "{version}: {e}");
    assert_eq!(e.python_class(), "SSLError");
    assert_eq!(e.errno(), Some(1));
    assert_eq!(e.library(), Some("SSL"));
    assert_eq!(e.reason(), Some("PEER_DID_NOT_RETURN_A_CERTIFICATE"));
    assert_eq!(e.verify_code(), None);
    assert_eq!(
        e.to_string(),
        "[SSL: PEER_DID_NOT_RETURN_A_CERTIFICATE] peer did not return a certificate"
    );
    // What the server's OpenSSL told s_client: TLS 1.3 has an alert for
    // this (RFC 8446 section 4.4.2.4), TLS 1.2 a generic one.
    client.finish();
    if version == "TLSv1.3" {
        client.wait_for("alert certificate required");
    } else {
        client.wait_for("alert handshake failure");
    }
}

/// s_client presenting a self-signed certificate (`keycert.pem`) the server
/// does not trust. Python's server, same s_client command, both versions:
///
/// ```text
/// ssl.SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:1006)
/// e.verify_code == 18
/// ```
fn s_client_with_untrusted_cert_to_server(flag: &str, version: &str) {
    let (listener, port) = server_listener(true);
    let cert = certdata("keycert.pem");
    let mut client = s_client(port, &[flag, "-cert", &cert]);
    client.send_stdin(b"never read\n");

    let e = accept(&listener).unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::CertVerification, "{version}: {e}");
    assert_eq!(e.python_class(), "SSLCertVerificationError");
    assert_eq!(e.verify_code(), Some(18));
    assert_eq!(e.verify_message(), Some("self-signed certificate"));
    assert_eq!(e.reason(), Some("CERTIFICATE_VERIFY_FAILED"));
    assert_eq!(
        e.to_string(),
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate"
    );
    client.finish();
    client.wait_for("alert unknown ca");
}
