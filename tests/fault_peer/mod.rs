//! A scripted raw TLS peer for the fault tests (`tests/faults.rs`,
//! `tests/interop_python_faults.rs`): plain TCP that speaks real TLS up to a
//! chosen [`Step`] of the handshake (through an in-memory [`SslObject`] that
//! makes the genuine records), then commits a chosen [`Fault`].
//!
//! The same raw peer faces the side under test, played by sslwrap or by
//! Python's `ssl` (`tests/py/faults_peer.py`), and each reports an
//! [`Outcome`]: where it failed (handshake or read), the exception class and
//! `str()`, and what it read. The raw peer's behaviour does not depend on
//! who it faces, so the two outcomes compare with `assert_eq!`.
//!
//! Timing: the raw peer reads everything the side under test sent before a
//! fault that closes the socket (a close with unread data would be a reset
//! instead of a FIN), and the servers under test send no TLS 1.3 session
//! tickets (`num_tickets = 0`) for the same reason.

#![allow(dead_code)] // each test binary uses a different part

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::path::Path;
use std::thread::JoinHandle;
use std::time::Duration;

use sslwrap::{
    MemoryBio, SslContext, SslError, SslErrorKind, SslObject, SslSocket, TlsVersion, WrapOptions,
};

use crate::common::certdata;
use crate::common::json::Json;
use crate::common::python::PyProcess;

/// The socket timeout of the side under test (Python's `settimeout`,
/// sslwrap's `settimeout`/listener handshake timeout): what a stall runs
/// into.
pub const TIMEOUT: Duration = Duration::from_millis(1000);

/// How long the raw peer waits for the side under test, at most.
pub const RAW_TIMEOUT: Duration = Duration::from_secs(10);

/// Where in the conversation the raw peer commits its fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Raw server: after reading the ClientHello, before any ServerHello.
    /// Raw client: right after connecting, before any ClientHello.
    BeforeHello,
    /// Raw client only: half of the ClientHello record sent.
    MidHello,
    /// Raw server: the ServerHello record sent, nothing more. Raw client:
    /// the ClientHello sent and the server's whole first flight read.
    AfterHello,
    /// Half of the certificate record sent (the largest handshake record
    /// of the flight: the server's certificate, or the client's on a
    /// server that asks for one); in the clear with TLS 1.2, encrypted
    /// with TLS 1.3.
    MidCertificate,
    /// The handshake completed on both sides (Finished exchanged); the
    /// side under test is reading.
    AfterFinished,
    /// After the handshake, half of an application-data record sent.
    MidRecord,
}

/// What the raw peer does at its [`Step`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// `close()`: FIN (after reading what the other side sent).
    Close,
    /// `SO_LINGER` 0 then `close()`: a TCP reset.
    Reset,
    /// `shutdown(SHUT_WR)`, then read until the other side closes.
    HalfClose,
    /// An HTTP answer instead of TLS, then half-close.
    Garbage,
    /// A record header announcing 18,433 bytes (more than any TLS record,
    /// 2^14 + 2048), some of them, then half-close.
    Oversized,
    /// A record header announcing 100 bytes, 10 of them, then half-close.
    Truncated,
    /// A plaintext fatal `handshake_failure` alert, then half-close.
    Alert,
    /// Nothing: read until the other side gives up (its timeout).
    Stall,
}

impl Fault {
    pub const ALL: [Fault; 8] = [
        Fault::Close,
        Fault::Reset,
        Fault::HalfClose,
        Fault::Garbage,
        Fault::Oversized,
        Fault::Truncated,
        Fault::Alert,
        Fault::Stall,
    ];
}

/// One situation: the raw peer's step and fault, and the side under
/// test's settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Case {
    pub step: Step,
    pub fault: Fault,
    /// `maximum_version = TLSv1_2` on the side under test (else TLS 1.3).
    pub tls12: bool,
    /// `suppress_ragged_eofs` of the side under test.
    pub suppress_ragged_eofs: bool,
}

impl Case {
    pub fn new(step: Step, fault: Fault) -> Case {
        Case {
            step,
            fault,
            tls12: false,
            suppress_ragged_eofs: true,
        }
    }
    pub fn tls12(mut self) -> Case {
        self.tls12 = true;
        self
    }
    pub fn ragged(mut self, suppress: bool) -> Case {
        self.suppress_ragged_eofs = suppress;
        self
    }
}

/// What the side under test saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// `"handshake"` or `"read"` when that failed; `"eof"` when reading
    /// ended with `b''`.
    pub stage: String,
    /// The exception class (`type(e).__name__`, `SslError::python_class`).
    pub class: Option<String>,
    /// `str(e)` without `_ssl.c`'s location, `SslError::to_string()`.
    pub str: Option<String>,
    /// What was read (Latin-1).
    pub data: String,
}

impl Outcome {
    fn failed(stage: &str, e: &SslError, data: &[u8]) -> Outcome {
        Outcome {
            stage: stage.to_owned(),
            class: Some(e.python_class().to_owned()),
            str: Some(e.to_string()),
            data: latin1(data),
        }
    }

    fn from_json(j: &Json) -> Outcome {
        Outcome {
            stage: j.str_at("stage").expect("stage"),
            class: j.str_at("class"),
            str: j.str_at("str"),
            data: j.str_at("data").unwrap_or_default(),
        }
    }
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}

// --- the contexts ------------------------------------------------------------

/// The client under test (or the raw client's engine): CPython's test CA,
/// for `localhost`; a client certificate (keycert4.pem) when `cert`.
pub fn client_ctx(tls12: bool, cert: bool) -> SslContext {
    let mut c = SslContext::new(sslwrap::PROTOCOL_TLS_CLIENT).unwrap();
    c.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    if tls12 {
        c.set_maximum_version(TlsVersion::TLSv1_2).unwrap();
    }
    if cert {
        c.load_cert_chain(&certdata("keycert4.pem"), None, None)
            .unwrap();
    }
    c
}

/// The server under test (or the raw server's engine): keycert3.pem,
/// asking for an optional client certificate from CPython's test CA, no
/// TLS 1.3 session tickets.
pub fn server_ctx(tls12: bool) -> SslContext {
    let mut s = SslContext::new(sslwrap::PROTOCOL_TLS_SERVER).unwrap();
    s.load_cert_chain(&certdata("keycert3.pem"), None, None)
        .unwrap();
    s.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    s.set_verify_mode(sslwrap::CERT_OPTIONAL).unwrap();
    s.set_num_tickets(0).unwrap();
    if tls12 {
        s.set_maximum_version(TlsVersion::TLSv1_2).unwrap();
    }
    s
}

fn wrap(ctx: &SslContext, opts: WrapOptions) -> SslObject {
    ctx.wrap_bio(MemoryBio::new(), MemoryBio::new(), opts)
        .unwrap()
}

// --- records -----------------------------------------------------------------

/// Reads one TLS record (header and body) from `tcp`.
fn read_record(tcp: &mut TcpStream) -> io::Result<Vec<u8>> {
    let mut rec = vec![0; 5];
    tcp.read_exact(&mut rec)?;
    let len = usize::from(u16::from_be_bytes([rec[3], rec[4]]));
    rec.resize(5 + len, 0);
    tcp.read_exact(&mut rec[5..])?;
    Ok(rec)
}

/// Splits a flight into its records.
fn records(mut flight: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while flight.len() >= 5 {
        let len = 5 + usize::from(u16::from_be_bytes([flight[3], flight[4]]));
        let (rec, rest) = flight.split_at(len.min(flight.len()));
        out.push(rec);
        flight = rest;
    }
    out
}

/// The records before the certificate record (the largest of the flight)
/// and half of that record.
fn up_to_half_certificate(flight: &[u8]) -> Vec<u8> {
    let recs = records(flight);
    let (at, _) = recs
        .iter()
        .enumerate()
        .max_by_key(|(_, r)| r.len())
        .expect("a flight has records");
    let mut out: Vec<u8> = recs[..at].concat();
    let cert = recs[at];
    out.extend_from_slice(&cert[..cert.len() / 2]);
    out
}

/// Half of a record (header included).
fn half(rec: &[u8]) -> &[u8] {
    &rec[..rec.len() / 2]
}

fn want_read(r: Result<(), SslError>) -> bool {
    match r {
        Ok(()) => true,
        Err(e) if e.kind() == SslErrorKind::WantRead => false,
        Err(e) => panic!("the raw peer's own TLS engine failed: {e}"),
    }
}

// --- faults ------------------------------------------------------------------

/// Reads whatever has already arrived, without waiting.
fn read_available(tcp: &mut TcpStream) {
    let _ = tcp.set_nonblocking(true);
    let mut buf = [0u8; 65536];
    while let Ok(n) = tcp.read(&mut buf) {
        if n == 0 {
            break;
        }
    }
    let _ = tcp.set_nonblocking(false);
}

/// Reads until the other side closes (or resets, or [`RAW_TIMEOUT`]).
fn drain(tcp: &mut TcpStream) {
    let mut buf = [0u8; 65536];
    loop {
        match tcp.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
}

/// `SO_LINGER {on, 0}`: the next close sends a reset.
fn set_linger_zero(tcp: &TcpStream) {
    let linger = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    // SAFETY: setsockopt reads `size_of::<linger>()` bytes from a live
    // `linger` on our stack; the fd is open for as long as `tcp` lives.
    let rc = unsafe {
        libc::setsockopt(
            tcp.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &linger as *const libc::linger as *const libc::c_void,
            std::mem::size_of::<libc::linger>() as libc::socklen_t,
        )
    };
    assert_eq!(rc, 0, "SO_LINGER: {}", io::Error::last_os_error());
}

/// Commits `fault` on `tcp`; `encrypted` says whether the record layer is
/// past the handshake (the content type of the forged records).
fn commit(mut tcp: TcpStream, fault: Fault, encrypted: bool) {
    let ct = if encrypted { 0x17 } else { 0x16 };
    let send_then_half_close = |tcp: &mut TcpStream, bytes: &[u8]| {
        let _ = tcp.write_all(bytes);
        let _ = tcp.shutdown(Shutdown::Write);
        drain(tcp);
    };
    match fault {
        Fault::Close => {
            read_available(&mut tcp);
            drop(tcp);
        }
        Fault::Reset => {
            set_linger_zero(&tcp);
            drop(tcp);
        }
        Fault::HalfClose => send_then_half_close(&mut tcp, b""),
        Fault::Garbage => send_then_half_close(&mut tcp, b"HTTP/1.1 400 Bad Request\r\n\r\n"),
        Fault::Oversized => {
            let mut rec = vec![ct, 0x03, 0x03, 0x48, 0x01];
            rec.extend_from_slice(&[0u8; 64]);
            send_then_half_close(&mut tcp, &rec);
        }
        Fault::Truncated => {
            let mut rec = vec![ct, 0x03, 0x03, 0x00, 100];
            rec.extend_from_slice(&[0u8; 10]);
            send_then_half_close(&mut tcp, &rec);
        }
        Fault::Alert => {
            send_then_half_close(&mut tcp, &[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]);
        }
        Fault::Stall => drain(&mut tcp),
    }
}

// --- the raw server (a client under test) --------------------------------------

/// A raw server on 127.0.0.1 serving one connection with `case` on a
/// thread; joined (bounded by [`RAW_TIMEOUT`] reads) with [`RawServer::join`].
pub struct RawServer {
    pub addr: SocketAddr,
    thread: Option<JoinHandle<()>>,
}

impl RawServer {
    pub fn start(case: Case) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let thread = std::thread::spawn(move || {
            let (tcp, _) = listener.accept().unwrap();
            raw_server(tcp, case);
        });
        RawServer {
            addr,
            thread: Some(thread),
        }
    }

    pub fn join(mut self) {
        if let Some(t) = self.thread.take() {
            t.join().expect("the raw server panicked");
        }
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        if let Some(t) = self.thread.take() {
            if !t.is_finished() {
                let _ = TcpStream::connect_timeout(&self.addr, RAW_TIMEOUT);
            }
            let _ = t.join();
        }
    }
}

fn raw_server(mut tcp: TcpStream, case: Case) {
    tcp.set_read_timeout(Some(RAW_TIMEOUT)).unwrap();
    // The engine speaks whatever version the client offers (the client
    // under test carries the TLS 1.2 limit).
    let ctx = server_ctx(false);
    let mut srv = wrap(&ctx, WrapOptions::default().server_side(true));
    let Ok(hello) = read_record(&mut tcp) else {
        return;
    };
    if case.step == Step::BeforeHello {
        return commit(tcp, case.fault, false);
    }
    srv.incoming().write(&hello).unwrap();
    assert!(!want_read(srv.do_handshake()));
    let flight = srv.outgoing().read(None);
    match case.step {
        Step::AfterHello => {
            tcp.write_all(records(&flight)[0]).unwrap();
            return commit(tcp, case.fault, false);
        }
        Step::MidCertificate => {
            tcp.write_all(&up_to_half_certificate(&flight)).unwrap();
            return commit(tcp, case.fault, false);
        }
        _ => {}
    }
    tcp.write_all(&flight).unwrap();
    loop {
        let Ok(rec) = read_record(&mut tcp) else {
            return;
        };
        srv.incoming().write(&rec).unwrap();
        let done = want_read(srv.do_handshake());
        tcp.write_all(&srv.outgoing().read(None)).unwrap();
        if done {
            break;
        }
    }
    if case.step == Step::MidRecord {
        srv.write(b"hello world").unwrap();
        let rec = srv.outgoing().read(None);
        tcp.write_all(half(&rec)).unwrap();
    }
    commit(tcp, case.fault, true)
}

// --- the raw client (a server under test) --------------------------------------

/// Connects to `addr` and plays `case` against the server there.
pub fn raw_client(addr: SocketAddr, case: Case) {
    let mut tcp = TcpStream::connect_timeout(&addr, RAW_TIMEOUT).unwrap();
    tcp.set_read_timeout(Some(RAW_TIMEOUT)).unwrap();
    let ctx = client_ctx(case.tls12, case.step == Step::MidCertificate);
    let mut cli = wrap(&ctx, WrapOptions::default().server_hostname("localhost"));
    if case.step == Step::BeforeHello {
        return commit(tcp, case.fault, false);
    }
    assert!(!want_read(cli.do_handshake()));
    let hello = cli.outgoing().read(None);
    if case.step == Step::MidHello {
        tcp.write_all(half(&hello)).unwrap();
        return commit(tcp, case.fault, false);
    }
    tcp.write_all(&hello).unwrap();
    // The server's first flight, record by record, until the client has
    // its answer (its second flight) or is done.
    let mut done;
    let second = loop {
        let Ok(rec) = read_record(&mut tcp) else {
            return;
        };
        cli.incoming().write(&rec).unwrap();
        done = want_read(cli.do_handshake());
        let out = cli.outgoing().read(None);
        if !out.is_empty() {
            break out;
        }
    };
    match case.step {
        Step::AfterHello => return commit(tcp, case.fault, false),
        Step::MidCertificate => {
            tcp.write_all(&up_to_half_certificate(&second)).unwrap();
            return commit(tcp, case.fault, false);
        }
        _ => {}
    }
    tcp.write_all(&second).unwrap();
    while !done {
        // TLS 1.2: the server's change-cipher-spec and Finished.
        let Ok(rec) = read_record(&mut tcp) else {
            return;
        };
        cli.incoming().write(&rec).unwrap();
        done = want_read(cli.do_handshake());
    }
    if case.step == Step::MidRecord {
        cli.write(b"hello world").unwrap();
        let rec = cli.outgoing().read(None);
        tcp.write_all(half(&rec)).unwrap();
    }
    commit(tcp, case.fault, true)
}

// --- the side under test, in Rust ----------------------------------------------

/// Reads until `b''` or an error, as `faults_peer.py` does.
fn read_all<S: Read + Write>(s: &mut SslSocket<S>) -> Outcome {
    let mut data = Vec::new();
    loop {
        match s.recv(1024) {
            Ok(chunk) if chunk.is_empty() => {
                return Outcome {
                    stage: "eof".into(),
                    class: None,
                    str: None,
                    data: latin1(&data),
                }
            }
            Ok(chunk) => data.extend_from_slice(&chunk),
            Err(e) => return Outcome::failed("read", &e, &data),
        }
    }
}

/// sslwrap as the client under test against the raw server of `case`.
pub fn rust_client(case: Case) -> Outcome {
    let server = RawServer::start(case);
    let tcp = TcpStream::connect_timeout(&server.addr, RAW_TIMEOUT).unwrap();
    let ctx = client_ctx(case.tls12, false);
    let opts = WrapOptions::default()
        .server_hostname("localhost")
        .suppress_ragged_eofs(case.suppress_ragged_eofs)
        .do_handshake_on_connect(false);
    let mut s = ctx.wrap_socket(tcp, opts).unwrap();
    s.settimeout(Some(TIMEOUT)).unwrap();
    let out = match s.do_handshake() {
        Ok(()) => read_all(&mut s),
        Err(e) => Outcome::failed("handshake", &e, b""),
    };
    drop(s);
    server.join();
    out
}

/// sslwrap as the server under test (one `SslListener::accept`) against
/// the raw client of `case`.
pub fn rust_server(case: Case) -> Outcome {
    let tcp = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = tcp.local_addr().unwrap();
    let mut listener = server_ctx(case.tls12).wrap_listener(tcp);
    listener.set_handshake_timeout(Some(TIMEOUT));
    listener.set_suppress_ragged_eofs(case.suppress_ragged_eofs);
    let client = std::thread::spawn(move || raw_client(addr, case));
    let out = match listener.accept() {
        Ok((mut s, _)) => {
            let out = read_all(&mut s);
            drop(s);
            out
        }
        Err(e) => Outcome::failed("handshake", &e, b""),
    };
    client.join().expect("the raw client panicked");
    out
}

// --- the side under test, in Python --------------------------------------------

fn py_config(role: &str, case: Case, port: Option<u16>) -> String {
    Json::Obj(vec![
        ("role".into(), Json::Str(role.into())),
        (
            "port".into(),
            port.map_or(Json::Null, |p| Json::Int(p.into())),
        ),
        (
            "certdata".into(),
            Json::Str(certdata("").display().to_string()),
        ),
        ("tls12".into(), Json::Bool(case.tls12)),
        ("ragged".into(), Json::Bool(case.suppress_ragged_eofs)),
        (
            "timeout_ms".into(),
            Json::Int(i64::try_from(TIMEOUT.as_millis()).unwrap()),
        ),
    ])
    .dump()
}

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/faults_peer.py")
}

/// Python's `ssl` as the client under test against the raw server of
/// `case`.
pub fn python_client(case: Case) -> Outcome {
    let server = RawServer::start(case);
    let cfg = py_config("client", case, Some(server.addr.port()));
    let mut py = PyProcess::talk(&script(), &[&cfg]);
    let line = py
        .next_line()
        .unwrap_or_else(|e| panic!("faults_peer.py client: {e}"));
    server.join();
    Outcome::from_json(&Json::parse(&line).expect("faults_peer.py's JSON"))
}

/// Python's `ssl` as the server under test against the raw client of
/// `case`.
pub fn python_server(case: Case) -> Outcome {
    let cfg = py_config("server", case, None);
    let mut py = PyProcess::talk(&script(), &[&cfg]);
    let line = py
        .next_line()
        .unwrap_or_else(|e| panic!("faults_peer.py server: {e}"));
    let port = Json::parse(&line)
        .ok()
        .and_then(|j| j.int_at("port"))
        .unwrap_or_else(|| panic!("faults_peer.py said {line:?}, not its port"));
    let addr = SocketAddr::from(([127, 0, 0, 1], u16::try_from(port).unwrap()));
    let client = std::thread::spawn(move || raw_client(addr, case));
    let line = py
        .next_line()
        .unwrap_or_else(|e| panic!("faults_peer.py server: {e}"));
    client.join().expect("the raw client panicked");
    Outcome::from_json(&Json::parse(&line).expect("faults_peer.py's JSON"))
}
