//! Faults and panics, sslwrap alone (the comparison with Python's `ssl` is
//! `tests/interop_python_faults.rs`; this file also runs on the vendored
//! OpenSSL, whose reasons and texts differ, so it checks the exception
//! class, which both releases share, not the message):
//!
//! * every fault of the raw peer (`tests/fault_peer`: close, reset,
//!   half-close, garbage, oversized or truncated record, fatal alert,
//!   stall; at each step of the handshake and mid-record) ends the
//!   connection under test with the class Python gives, within the socket
//!   timeout, without a panic or a hang, on both sides;
//! * a server that handshakes in worker threads (Python's
//!   `socketserver.ThreadingMixIn`) keeps serving other clients while one
//!   connection misbehaves or stalls;
//! * a panic in a user callback (the context's message callback, its
//!   key-log callback) is caught at the FFI boundary and fails only the
//!   connection whose handshake ran it, on sockets; a panic in the
//!   stream's own `Read`/`Write` is carried across OpenSSL and resumed in
//!   the caller (the `openssl` crate's rule), leaving the process sound.

mod common;
mod fault_peer;

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use fault_peer::{Case, Fault, Outcome, Step, TIMEOUT};
use sslwrap::{SslContext, SslErrorKind, SslListener, TraceEvent, WrapOptions};

/// The bound on any one faulty connection: the stall timeout plus slack.
const BOUND: Duration = Duration::from_secs(8);

/// The class Python 3.11 gives (see the table in RELIABILITY.md, made by
/// `tests/interop_python_faults.rs`): `None` for a clean `b''`.
fn python_class(case: Case) -> Option<&'static str> {
    use Fault::*;
    use Step::*;
    let handshake = !matches!(case.step, AfterFinished | MidRecord);
    let ragged = if case.suppress_ragged_eofs {
        None
    } else {
        Some("SSLEOFError")
    };
    match (case.step, case.fault) {
        (_, Stall) => Some("TimeoutError"),
        (_, Reset) if handshake => Some("ConnectionResetError"),
        // The forged bytes only extend the half record: an EOF inside it.
        (MidHello | MidCertificate, _) => Some("SSLEOFError"),
        // TLS 1.3 after the ServerHello: a plaintext handshake record
        // where an encrypted one must come is BAD_RECORD_TYPE at once.
        (AfterHello, Truncated) if !case.tls12 => Some("SSLError"),
        (_, Close | HalfClose | Truncated) if handshake => Some("SSLEOFError"),
        (_, Garbage | Oversized | Alert) if handshake => Some("SSLError"),
        (_, Close | HalfClose | Truncated | Reset) => ragged,
        (MidRecord, Alert) => ragged,
        _ => Some("SSLError"),
    }
}

fn cases(steps: &[Step]) -> Vec<Case> {
    let mut out = Vec::new();
    for &step in steps {
        for &fault in &Fault::ALL {
            out.push(Case::new(step, fault));
            if matches!(step, Step::MidCertificate | Step::AfterFinished) {
                out.push(Case::new(step, fault).tls12());
            }
            if matches!(step, Step::AfterFinished | Step::MidRecord) {
                out.push(Case::new(step, fault).ragged(false));
            }
        }
    }
    out
}

fn check(side: &str, case: Case, run: impl FnOnce(Case) -> Outcome) -> Option<String> {
    let start = Instant::now();
    let got = run(case);
    let took = start.elapsed();
    let want = python_class(case);
    if took > BOUND {
        return Some(format!("{side} {case:?}: took {took:?}"));
    }
    if got.class.as_deref() != want {
        return Some(format!("{side} {case:?}: want {want:?}, got {got:?}"));
    }
    if want.is_none() && got.stage != "eof" {
        return Some(format!("{side} {case:?}: want a clean b'', got {got:?}"));
    }
    None
}

/// Runs `cases` on two threads (the stalls take [`TIMEOUT`] each).
fn run_all(side: &'static str, cases: Vec<Case>, run: fn(Case) -> Outcome) {
    let cases = Arc::new(cases);
    let next = Arc::new(AtomicUsize::new(0));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (cases, next) = (cases.clone(), next.clone());
            thread::spawn(move || {
                let mut diffs = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(&case) = cases.get(i) else {
                        return diffs;
                    };
                    diffs.extend(check(side, case, run));
                }
            })
        })
        .collect();
    let diffs: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("a fault worker panicked"))
        .collect();
    assert!(
        diffs.is_empty(),
        "{} of {} faults ended wrongly:\n{}",
        diffs.len(),
        cases.len(),
        diffs.join("\n")
    );
}

#[test]
fn every_fault_against_a_client_ends_as_in_python() {
    let steps = [
        Step::BeforeHello,
        Step::AfterHello,
        Step::MidCertificate,
        Step::AfterFinished,
        Step::MidRecord,
    ];
    run_all("client", cases(&steps), fault_peer::rust_client);
}

#[test]
fn every_fault_against_a_server_ends_as_in_python() {
    let steps = [
        Step::BeforeHello,
        Step::MidHello,
        Step::AfterHello,
        Step::MidCertificate,
        Step::AfterFinished,
        Step::MidRecord,
    ];
    run_all("server", cases(&steps), fault_peer::rust_server);
}

// --- a threaded server keeps serving ----------------------------------------

/// Python's `socketserver.ThreadingMixIn` over an [`SslListener`]: the
/// accept loop only accepts (no handshake: `do_handshake_on_connect(false)`),
/// and each connection's handshake and echo run in its own thread under
/// its own timeout, so a slow or silent client holds only its thread.
/// Each connection's result goes to `results`. Stops after `n`
/// connections.
fn threading_server(
    ctx: &SslContext,
    n: usize,
    timeout: Duration,
) -> (
    SocketAddr,
    mpsc::Receiver<Result<(), String>>,
    thread::JoinHandle<()>,
) {
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = tcp.local_addr().unwrap();
    let mut listener: SslListener = ctx.wrap_listener(tcp);
    listener.set_do_handshake_on_connect(false);
    listener.set_handshake_timeout(Some(timeout));
    let (tx, rx) = mpsc::channel();
    let acceptor = thread::spawn(move || {
        let mut workers = Vec::new();
        for _ in 0..n {
            let (mut s, _) = match listener.accept() {
                Ok(accepted) => accepted,
                Err(e) => {
                    let _ = tx.send(Err(format!("accept: {e}")));
                    continue;
                }
            };
            let tx = tx.clone();
            workers.push(thread::spawn(move || {
                let r = (|| {
                    s.do_handshake()?;
                    let got = s.recv(1024)?;
                    s.sendall(&got)
                })();
                let _ = tx.send(r.map_err(|e| e.to_string()));
            }));
        }
        for w in workers {
            w.join().expect("a worker panicked");
        }
    });
    (addr, rx, acceptor)
}

/// A well-behaved client: handshake, echo; how long it took.
fn good_client(addr: SocketAddr) -> Result<Duration, String> {
    let start = Instant::now();
    let tcp =
        TcpStream::connect_timeout(&addr, fault_peer::RAW_TIMEOUT).map_err(|e| e.to_string())?;
    let ctx = fault_peer::client_ctx(false, false);
    let opts = WrapOptions::default()
        .server_hostname("localhost")
        .do_handshake_on_connect(false);
    let mut s = ctx.wrap_socket(tcp, opts).map_err(|e| e.to_string())?;
    s.settimeout(Some(fault_peer::RAW_TIMEOUT))
        .map_err(|e| e.to_string())?;
    s.do_handshake().map_err(|e| e.to_string())?;
    s.sendall(b"ping").map_err(|e| e.to_string())?;
    let got = s.recv(16).map_err(|e| e.to_string())?;
    if got != b"ping" {
        return Err(format!("echo {got:?}"));
    }
    Ok(start.elapsed())
}

#[test]
fn a_threaded_server_keeps_serving_while_clients_misbehave() {
    let steps = [
        Step::BeforeHello,
        Step::MidHello,
        Step::AfterHello,
        Step::MidCertificate,
        Step::AfterFinished,
        Step::MidRecord,
    ];
    let faults: Vec<Case> = steps
        .iter()
        .flat_map(|&s| Fault::ALL.iter().map(move |&f| Case::new(s, f)))
        .collect();
    // A generous per-connection timeout: the good clients must be served
    // long before a stalled connection times out.
    let timeout = Duration::from_secs(3);
    let n = faults.len() * 2;
    let (addr, results, acceptor) = threading_server(&fault_peer::server_ctx(false), n, timeout);
    let mut good_times = Vec::new();
    for case in &faults {
        let case = *case;
        let bad = thread::spawn(move || fault_peer::raw_client(addr, case));
        // Give the bad client time to connect and commit (a stall then
        // holds its worker), then a good one must go through at once.
        thread::sleep(Duration::from_millis(20));
        let took = good_client(addr).unwrap_or_else(|e| panic!("beside {case:?}: {e}"));
        assert!(
            took < timeout,
            "beside {case:?} a good client waited {took:?}: the stall held the server"
        );
        good_times.push(took);
        // The bad one's join waits for a stall to time out; leave it.
        drop(bad);
    }
    let mut ok = 0;
    let mut failed = 0;
    for _ in 0..n {
        match results.recv_timeout(BOUND * 2).expect("a worker's result") {
            Ok(()) => ok += 1,
            Err(_) => failed += 1,
        }
    }
    acceptor.join().unwrap();
    // Every good client was served; every faulty one failed or (a fault
    // after the handshake that reads as b'') ended its echo early.
    assert!(ok >= faults.len(), "ok {ok}, failed {failed}");
    let worst = good_times.iter().max().unwrap();
    println!(
        "{} faulty and {} good connections; slowest good one {worst:?}",
        faults.len(),
        faults.len()
    );
}

// --- panics in callbacks ---------------------------------------------------

/// Serves `n` connections of `ctx` with [`threading_server`]; returns each
/// connection's result.
fn serve(ctx: &SslContext, n: usize, clients: impl FnOnce(SocketAddr)) -> Vec<Result<(), String>> {
    let (addr, results, acceptor) = threading_server(ctx, n, TIMEOUT * 3);
    clients(addr);
    let out = (0..n)
        .map(|_| results.recv_timeout(BOUND).expect("a server result"))
        .collect();
    acceptor.join().unwrap();
    out
}

fn client_socket(
    ctx: &SslContext,
    addr: SocketAddr,
) -> Result<sslwrap::SslSocket<TcpStream>, sslwrap::SslError> {
    let tcp = TcpStream::connect(addr).unwrap();
    let opts = WrapOptions::default()
        .server_hostname("localhost")
        .do_handshake_on_connect(false);
    let mut s = ctx.wrap_socket(tcp, opts)?;
    s.settimeout(Some(TIMEOUT * 3)).unwrap();
    s.do_handshake()?;
    Ok(s)
}

/// Sends b"ping", reads the echo; a short answer (b'' at a ragged EOF) is
/// an error too.
fn echo(s: &mut sslwrap::SslSocket<TcpStream>) -> Result<(), String> {
    s.sendall(b"ping").map_err(|e| e.to_string())?;
    match s.recv(16).map_err(|e| e.to_string())? {
        got if got == b"ping" => Ok(()),
        got => Err(format!("echo {got:?}")),
    }
}

#[test]
fn a_panicking_msg_callback_fails_only_its_server_connection() {
    let mut sc = fault_peer::server_ctx(false);
    // Panics on the ClientHello of the second connection only.
    let hellos = Arc::new(AtomicUsize::new(0));
    let seen = hellos.clone();
    sc.set_msg_callback(Some(move |e: &TraceEvent| {
        if e.handshake_type() == Some(sslwrap::HandshakeType::ClientHello)
            && seen.fetch_add(1, Ordering::SeqCst) == 1
        {
            panic!("server msg_callback boom");
        }
    }));
    let cc = fault_peer::client_ctx(false, false);
    let mut client_errors = Vec::new();
    let results = serve(&sc, 3, |addr| {
        for _ in 0..3 {
            // One at a time, so "the second connection" is well defined.
            let r = client_socket(&cc, addr).map_err(|e| e.to_string());
            client_errors.push(r.and_then(|mut s| echo(&mut s)).err());
        }
    });
    assert_eq!(hellos.load(Ordering::SeqCst), 3);
    // (The results come in the order the workers end.)
    let failed: Vec<_> = results.iter().filter(|r| r.is_err()).collect();
    assert_eq!(
        failed,
        [&Err(
            "the msg_callback panicked: server msg_callback boom".to_owned()
        )],
        "{results:?}"
    );
    // The client of the failed connection sees the server go away.
    assert_eq!(client_errors[0], None);
    assert!(client_errors[1].is_some());
    assert_eq!(client_errors[2], None);
}

#[test]
fn a_panicking_msg_callback_fails_the_client_socket_handshake() {
    let mut cc = fault_peer::client_ctx(false, false);
    cc.set_msg_callback(Some(|e: &TraceEvent| {
        if e.handshake_type() == Some(sslwrap::HandshakeType::ServerHello) {
            panic!("client msg_callback boom");
        }
    }));
    let sc = fault_peer::server_ctx(false);
    let results = serve(&sc, 2, |addr| {
        let e = client_socket(&cc, addr).unwrap_err();
        assert_eq!(e.kind(), SslErrorKind::Ssl);
        assert_eq!(
            e.to_string(),
            "the msg_callback panicked: client msg_callback boom"
        );
        // A context without the callback works with the same server.
        let plain = fault_peer::client_ctx(false, false);
        let mut s = client_socket(&plain, addr).unwrap();
        echo(&mut s).unwrap();
    });
    // The plain client was served. (TLS 1.3: the failing client had sent
    // its Finished in the failed call, so the server may have seen a
    // handshake and then its close, a ragged EOF, b''; results come in
    // the order the workers end.)
    assert!(results.contains(&Ok(())), "{results:?}");
}

#[test]
fn a_panicking_keylog_callback_fails_only_its_socket() {
    // Client side.
    let mut cc = fault_peer::client_ctx(false, false);
    cc.set_keylog_callback(Some(|_: &str| panic!("client keylog boom")));
    let sc = fault_peer::server_ctx(false);
    let results = serve(&sc, 2, |addr| {
        let e = client_socket(&cc, addr).unwrap_err();
        assert_eq!(e.kind(), SslErrorKind::Ssl);
        assert_eq!(
            e.to_string(),
            "the keylog callback panicked: client keylog boom"
        );
        let plain = fault_peer::client_ctx(false, false);
        echo(&mut client_socket(&plain, addr).unwrap()).unwrap();
    });
    // As above.
    assert!(results.contains(&Ok(())), "{results:?}");

    // Server side: every connection's handshake fails, the server lives on.
    let mut sc = fault_peer::server_ctx(false);
    sc.set_keylog_callback(Some(|_: &str| panic!("server keylog boom")));
    let cc = fault_peer::client_ctx(false, false);
    let results = serve(&sc, 2, |addr| {
        for _ in 0..2 {
            let _ = client_socket(&cc, addr).map(|mut s| echo(&mut s));
        }
    });
    for r in results {
        assert_eq!(
            r,
            Err("the keylog callback panicked: server keylog boom".to_owned())
        );
    }
}

/// A stream whose `read` panics after `ok_reads` reads.
struct PanickyStream {
    inner: TcpStream,
    ok_reads: usize,
}

impl Read for PanickyStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.ok_reads == 0 {
            panic!("stream read boom");
        }
        self.ok_reads -= 1;
        self.inner.read(buf)
    }
}

impl Write for PanickyStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.inner.write(buf)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[test]
fn a_panicking_stream_is_resumed_in_the_caller_not_in_openssl() {
    let sc = fault_peer::server_ctx(false);
    let cc = fault_peer::client_ctx(false, false);
    let results = serve(&sc, 2, |addr| {
        let tcp = TcpStream::connect(addr).unwrap();
        tcp.set_read_timeout(Some(TIMEOUT * 3)).unwrap();
        let stream = PanickyStream {
            inner: tcp,
            ok_reads: 0,
        };
        let opts = WrapOptions::default()
            .server_hostname("localhost")
            .do_handshake_on_connect(false);
        let mut s = cc.wrap_socket(stream, opts).unwrap();
        let payload = catch_unwind(AssertUnwindSafe(|| s.do_handshake())).unwrap_err();
        assert_eq!(payload.downcast_ref::<&str>(), Some(&"stream read boom"));
        drop(s);
        // The process (and OpenSSL's state) is fine: the next connection works.
        echo(&mut client_socket(&cc, addr).unwrap()).unwrap();
    });
    assert!(results[0].is_err());
    assert_eq!(results[1], Ok(()));
}
