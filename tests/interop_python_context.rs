//! The rest of `SSLContext` and the module-level `ssl` API against the
//! local CPython (`python3`, CPython 3.11.7 on the OpenSSL sslwrap links):
//! every default of a fresh context, `get_ciphers`, `session_stats`,
//! `get_ca_certs`, `hostname_checks_common_name`, `num_tickets`,
//! `load_dh_params`, `security_level`, the `RAND_*` functions, the version
//! and `HAS_*` constants, `get_default_verify_paths`, and Python's errors
//! for bad input to each setter.
//!
//! Each test runs the same steps in Python (a script given to `python3`,
//! which prints one line per fact and then `END`) and in sslwrap, and
//! compares the lines. Handshakes run both peers in the same language,
//! over loopback with timeouts; the no-certificate server runs the four
//! pairings through the shared harness.
//!
//! Like the other `interop_python*` files, these need the local CPython on
//! the same OpenSSL, so `.ci/run` leaves them out of its vendored run.
//! Python-free checks of the same API are in `tests/context_surface.rs`.

mod common;

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, OnceLock};
use std::thread;
use std::time::Duration;

use common::python::{assert_lines, err_line, script_lines};
use common::{certdata, run_pair, Outcome, PeerConfig, Side};
use sslwrap::{
    CaData, CipherInfo, Protocol, SessionStats, SslContext, SslError, SslSocket, TlsVersion,
    WrapOptions, PROTOCOL_TLS, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER,
};

const TIMEOUT: Duration = Duration::from_secs(10);

// ---------------------------------------------------------------------------
// Running Python.

/// What every script starts with: `D` is CPython's certificate folder,
/// `P` prints a line, `err` formats an exception as `Class: str` without
/// the `(_ssl.c:NNNN)` tail, `handshake` runs one connection between two
/// Python contexts.
const PRELUDE: &str = r#"
import hashlib, json, os, socket, ssl, sys, tempfile, threading
D = sys.argv[1]
def P(*parts):
    print(*parts, flush=True)
def err(e):
    return "%s: %s" % (type(e).__name__, str(e).rsplit(" (_ssl.c:", 1)[0])
def attempt(f):
    try:
        r = f()
        return "ok" if r is None else "ok %r" % (r,)
    except Exception as e:
        return err(e)
def handshake(cc, sc, hostname, tls12=False):
    ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(1); ls.settimeout(10)
    def serve():
        try:
            conn, _ = ls.accept(); conn.settimeout(10)
            with sc.wrap_socket(conn, server_side=True) as s:
                s.recv(1)
        except Exception:
            pass
    t = threading.Thread(target=serve); t.start()
    try:
        with socket.create_connection(ls.getsockname(), timeout=10) as raw:
            with cc.wrap_socket(raw, server_hostname=hostname) as s:
                s.send(b"x")
                out = "ok %s %s" % (s.version(), s.cipher()[0])
    except Exception as e:
        out = err(e)
    t.join(); ls.close()
    return out
"#;

/// Runs `script` (after [`PRELUDE`]) with `python3 script certdata-dir
/// args…` and returns the lines it prints before `END`.
fn py(script: &str, args: &[&str]) -> Vec<String> {
    script_lines(&format!("{PRELUDE}\n{script}\nP('END')\n"), args)
}

/// The prelude's `attempt` for a call returning `()`.
fn attempt(r: Result<(), SslError>) -> String {
    match r {
        Ok(()) => "ok".to_owned(),
        Err(e) => err_line(&e),
    }
}

/// Tests that read the environment run one at a time in this binary
/// (`SSL_CERT_FILE`, `SSL_CERT_DIR`).
fn env_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

// ---------------------------------------------------------------------------
// Python's spellings of values.

fn py_bool(b: bool) -> &'static str {
    if b {
        "True"
    } else {
        "False"
    }
}

fn py_version(v: TlsVersion) -> i64 {
    match v {
        TlsVersion::MinimumSupported => -2,
        TlsVersion::MaximumSupported => -1,
        TlsVersion::SSLv3 => 0x300,
        TlsVersion::TLSv1 => 0x301,
        TlsVersion::TLSv1_1 => 0x302,
        TlsVersion::TLSv1_2 => 0x303,
        TlsVersion::TLSv1_3 => 0x304,
        other => panic!("unexpected {other:?}"),
    }
}

fn py_verify_mode(m: sslwrap::VerifyMode) -> i64 {
    match m {
        sslwrap::CERT_NONE => 0,
        sslwrap::CERT_OPTIONAL => 1,
        sslwrap::CERT_REQUIRED => 2,
    }
}

/// `repr(ctx.session_stats())`.
fn stats_repr(s: &SessionStats) -> String {
    format!(
        "{{'number': {}, 'connect': {}, 'connect_good': {}, 'connect_renegotiate': {}, \
         'accept': {}, 'accept_good': {}, 'accept_renegotiate': {}, 'hits': {}, 'misses': {}, \
         'timeouts': {}, 'cache_full': {}}}",
        s.number,
        s.connect,
        s.connect_good,
        s.connect_renegotiate,
        s.accept,
        s.accept_good,
        s.accept_renegotiate,
        s.hits,
        s.misses,
        s.timeouts,
        s.cache_full
    )
}

/// `repr(ctx.cert_store_stats())`.
fn store_stats_repr(c: &SslContext) -> String {
    let (x509, crl, ca) = c.cert_store_stats();
    format!("{{'x509': {x509}, 'crl': {crl}, 'x509_ca': {ca}}}")
}

/// Python's `repr()` of an optional str.
fn py_opt(s: &Option<String>) -> String {
    match s {
        Some(s) => format!("'{s}'"),
        None => "None".to_owned(),
    }
}

/// `repr()` of one `get_ciphers()` dict.
fn cipher_repr(c: &CipherInfo) -> String {
    format!(
        "{{'id': {}, 'name': '{}', 'protocol': '{}', 'description': '{}', 'strength_bits': {}, \
         'alg_bits': {}, 'aead': {}, 'symmetric': {}, 'digest': {}, 'kea': {}, 'auth': {}}}",
        c.id,
        c.name,
        c.protocol,
        c.description,
        c.strength_bits,
        c.alg_bits,
        py_bool(c.aead),
        py_opt(&c.symmetric),
        py_opt(&c.digest),
        py_opt(&c.kea),
        py_opt(&c.auth),
    )
}

fn sha256_hex(der: &[u8]) -> String {
    openssl::sha::sha256(der)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn ctx(protocol: Protocol) -> SslContext {
    SslContext::new(protocol).expect("SslContext::new")
}

const PROTOCOLS: [(&str, Protocol); 3] = [
    ("PROTOCOL_TLS_CLIENT", PROTOCOL_TLS_CLIENT),
    ("PROTOCOL_TLS_SERVER", PROTOCOL_TLS_SERVER),
    ("PROTOCOL_TLS", PROTOCOL_TLS),
];

// ---------------------------------------------------------------------------
// The defaults of a fresh context, one test per default, each comparing all
// three protocols (Python's values printed once per test binary).

/// `name key value` lines for every default of `SSLContext(protocol)` of
/// each protocol, from python3 (run once).
fn python_defaults() -> &'static [String] {
    static LINES: OnceLock<Vec<String>> = OnceLock::new();
    LINES.get_or_init(|| {
        let _env = env_lock();
        py(
            r#"
import warnings
warnings.simplefilter("ignore", DeprecationWarning)
for name in ("PROTOCOL_TLS_CLIENT", "PROTOCOL_TLS_SERVER", "PROTOCOL_TLS"):
    c = ssl.SSLContext(getattr(ssl, name))
    P(name, "options", int(c.options))
    P(name, "verify_flags", int(c.verify_flags))
    P(name, "verify_mode", int(c.verify_mode))
    P(name, "check_hostname", c.check_hostname)
    P(name, "minimum_version", int(c.minimum_version))
    P(name, "maximum_version", int(c.maximum_version))
    P(name, "security_level", c.security_level)
    P(name, "num_tickets", c.num_tickets)
    P(name, "hostname_checks_common_name", c.hostname_checks_common_name)
    P(name, "post_handshake_auth", c.post_handshake_auth)
    P(name, "session_stats", c.session_stats())
    P(name, "cert_store_stats", c.cert_store_stats())
    P(name, "get_ca_certs", c.get_ca_certs())
    P(name, "keylog_filename", c.keylog_filename)
    P(name, "ciphers", ":".join(x["name"] for x in c.get_ciphers()))
"#,
            &[],
        )
    })
}

/// Compares one default for the three protocols.
#[track_caller]
fn assert_default(key: &str, ours: impl Fn(&SslContext) -> String) {
    let theirs: Vec<String> = python_defaults()
        .iter()
        .filter(|l| l.split(' ').nth(1) == Some(key))
        .cloned()
        .collect();
    assert_eq!(theirs.len(), 3, "python3 printed no {key}");
    let ours: Vec<String> = PROTOCOLS
        .iter()
        .map(|(name, p)| format!("{name} {key} {}", ours(&ctx(*p))))
        .collect();
    assert_lines(&ours, &theirs);
}

#[test]
fn default_options_as_python3() {
    assert_default("options", |c| c.options().bits().to_string());
}

#[test]
fn default_verify_flags_as_python3() {
    assert_default("verify_flags", |c| c.verify_flags().bits().to_string());
}

#[test]
fn default_verify_mode_as_python3() {
    assert_default("verify_mode", |c| {
        py_verify_mode(c.verify_mode()).to_string()
    });
}

#[test]
fn default_check_hostname_as_python3() {
    assert_default("check_hostname", |c| py_bool(c.check_hostname()).to_owned());
}

#[test]
fn default_minimum_version_as_python3() {
    assert_default("minimum_version", |c| {
        py_version(c.minimum_version()).to_string()
    });
}

#[test]
fn default_maximum_version_as_python3() {
    assert_default("maximum_version", |c| {
        py_version(c.maximum_version()).to_string()
    });
}

#[test]
fn default_security_level_as_python3() {
    assert_default("security_level", |c| c.security_level().to_string());
}

#[test]
fn default_num_tickets_as_python3() {
    assert_default("num_tickets", |c| c.num_tickets().to_string());
}

#[test]
fn default_hostname_checks_common_name_as_python3() {
    assert_default("hostname_checks_common_name", |c| {
        py_bool(c.hostname_checks_common_name()).to_owned()
    });
}

#[test]
fn default_post_handshake_auth_as_python3() {
    assert_default("post_handshake_auth", |c| {
        py_bool(c.post_handshake_auth()).to_owned()
    });
}

#[test]
fn default_session_stats_as_python3() {
    assert_default("session_stats", |c| stats_repr(&c.session_stats()));
}

#[test]
fn default_cert_store_stats_as_python3() {
    assert_default("cert_store_stats", store_stats_repr);
}

#[test]
fn default_get_ca_certs_as_python3() {
    assert_default("get_ca_certs", |c| {
        assert!(c.get_ca_certs_der().unwrap().is_empty());
        format!("{:?}", c.get_ca_certs().unwrap())
    });
}

#[test]
fn default_keylog_filename_as_python3() {
    // Neither SSLContext() nor SslContext::new reads SSLKEYLOGFILE (only
    // create_default_context does).
    assert_default("keylog_filename", |c| {
        c.keylog_filename()
            .map_or("None".to_owned(), |p| p.display().to_string())
    });
}

#[test]
fn default_cipher_list_as_python3() {
    assert_default("ciphers", |c| {
        let names: Vec<String> = c
            .get_ciphers()
            .unwrap()
            .into_iter()
            .map(|c| c.name)
            .collect();
        names.join(":")
    });
}

// ---------------------------------------------------------------------------
// get_ciphers

// CPython test_ssl.py: ContextTests.test_get_ciphers, extended to every
// field of every cipher.
#[test]
fn get_ciphers_as_python3() {
    let cases: &[(&str, Protocol, Option<&str>)] = &[
        ("client", PROTOCOL_TLS_CLIENT, None),
        ("server", PROTOCOL_TLS_SERVER, None),
        ("tls", PROTOCOL_TLS, None),
        (
            "client-ecdhe-aesgcm",
            PROTOCOL_TLS_CLIENT,
            Some("ECDHE+AESGCM"),
        ),
        (
            "server-ecdhe-aesgcm",
            PROTOCOL_TLS_SERVER,
            Some("ECDHE+AESGCM"),
        ),
        (
            "client-all-seclevel0",
            PROTOCOL_TLS_CLIENT,
            Some("ALL:@SECLEVEL=0"),
        ),
    ];
    let mut ours = Vec::new();
    for (tag, protocol, ciphers) in cases {
        let mut c = ctx(*protocol);
        if let Some(s) = ciphers {
            c.set_ciphers(s).unwrap();
        }
        for cipher in c.get_ciphers().unwrap() {
            ours.push(format!("{tag} {}", cipher_repr(&cipher)));
        }
    }
    let theirs = py(
        r#"
import warnings
warnings.simplefilter("ignore", DeprecationWarning)
for tag, proto, ciphers in [
        ("client", ssl.PROTOCOL_TLS_CLIENT, None),
        ("server", ssl.PROTOCOL_TLS_SERVER, None),
        ("tls", ssl.PROTOCOL_TLS, None),
        ("client-ecdhe-aesgcm", ssl.PROTOCOL_TLS_CLIENT, "ECDHE+AESGCM"),
        ("server-ecdhe-aesgcm", ssl.PROTOCOL_TLS_SERVER, "ECDHE+AESGCM"),
        ("client-all-seclevel0", ssl.PROTOCOL_TLS_CLIENT, "ALL:@SECLEVEL=0")]:
    c = ssl.SSLContext(proto)
    if ciphers:
        c.set_ciphers(ciphers)
    for d in c.get_ciphers():
        P(tag, repr(d))
"#,
        &[],
    );
    assert_lines(&ours, &theirs);
}

// ---------------------------------------------------------------------------
// security_level and set_ciphers

// CPython test_ssl.py: ContextTests.test_security_level, plus how
// `@SECLEVEL` carries over between set_ciphers calls (also a failing one).
#[test]
fn security_level_as_python3() {
    let mut c = ctx(PROTOCOL_TLS_CLIENT);
    let mut ours = vec![format!("start {}", c.security_level())];
    for s in [
        "@SECLEVEL=1:ECDHE+AESGCM",
        "ECDHE+AESGCM",
        "@SECLEVEL=3:ALL",
        "@SECLEVEL=0:XXX",
        "ECDHE+AESGCM",
    ] {
        let r = attempt(c.set_ciphers(s));
        ours.push(format!("{s} {r} {}", c.security_level()));
    }
    let theirs = py(
        r#"
c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
P("start", c.security_level)
for s in ["@SECLEVEL=1:ECDHE+AESGCM", "ECDHE+AESGCM", "@SECLEVEL=3:ALL", "@SECLEVEL=0:XXX",
          "ECDHE+AESGCM"]:
    r = attempt(lambda: c.set_ciphers(s))
    P(s, r, c.security_level)
"#,
        &[],
    );
    assert_lines(&ours, &theirs);
}

// The security level checks a certificate when it is loaded; one loaded
// before the level was raised stays, and the handshake applies the level.
#[test]
fn security_level_and_certificates_as_python3() {
    let mut ours = Vec::new();
    let mut sc = ctx(PROTOCOL_TLS_SERVER);
    sc.set_ciphers("@SECLEVEL=4:ALL").unwrap();
    ours.push(attempt(sc.load_cert_chain(
        &certdata("keycert3.pem"),
        None,
        None,
    )));
    let mut sc = server_with("keycert3.pem");
    sc.set_ciphers("@SECLEVEL=4:ALL").unwrap();
    ours.push(handshake(&client_trusting_cpython_ca(), sc, "localhost"));
    let mut cc = client_trusting_cpython_ca();
    cc.set_ciphers("@SECLEVEL=4:ALL").unwrap();
    ours.push(handshake(&cc, server_with("keycert3.pem"), "localhost"));
    let theirs = py(
        r#"
sc = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sc.set_ciphers("@SECLEVEL=4:ALL")
P(attempt(lambda: sc.load_cert_chain(os.path.join(D, "keycert3.pem"))))
def server():
    sc = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sc.load_cert_chain(os.path.join(D, "keycert3.pem"))
    return sc
def client():
    cc = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cc.load_verify_locations(os.path.join(D, "pycacert.pem"))
    return cc
sc = server()
sc.set_ciphers("@SECLEVEL=4:ALL")
P(handshake(client(), sc, "localhost"))
cc = client()
cc.set_ciphers("@SECLEVEL=4:ALL")
P(handshake(cc, server(), "localhost"))
"#,
        &[],
    );
    assert_lines(&ours, &theirs);
}

// ---------------------------------------------------------------------------
// hostname_checks_common_name

/// One connection from `cc` to a sslwrap server with `sc`, as the
/// prelude's `handshake` does it in Python: `ok <version> <cipher>` or the
/// client's error.
fn handshake(cc: &SslContext, sc: SslContext, hostname: &str) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let server = thread::spawn(move || {
        let (tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
        tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
        if let Ok(mut s) = sc.wrap_socket(tcp, WrapOptions::default().server_side(true)) {
            let _ = s.recv(1);
        }
    });
    let out = match client(cc, addr, hostname) {
        Ok(mut s) => {
            s.send(b"x").unwrap();
            let (cipher, _, _) = s.cipher().unwrap();
            format!("ok {} {cipher}", s.version().unwrap())
        }
        Err(e) => err_line(&e),
    };
    server.join().unwrap();
    out
}

fn client(
    cc: &SslContext,
    addr: SocketAddr,
    hostname: &str,
) -> Result<SslSocket<TcpStream>, SslError> {
    let tcp = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
    tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
    tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
    cc.wrap_socket(tcp, WrapOptions::default().server_hostname(hostname))
}

fn server_with(certfile: &str) -> SslContext {
    let mut sc = ctx(PROTOCOL_TLS_SERVER);
    sc.load_cert_chain(&certdata(certfile), None, None).unwrap();
    sc
}

fn client_trusting_cpython_ca() -> SslContext {
    let mut cc = ctx(PROTOCOL_TLS_CLIENT);
    cc.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    cc
}

// CPython test_ssl.py: ThreadedTests.test_hostname_checks_common_name, on
// nosan.pem (a CN-only certificate, CN "nosan") and keycert3.pem (with a
// subjectAltName), for the default, off and on again.
#[test]
fn hostname_checks_common_name_as_python3() {
    let mut ours = Vec::new();
    for (cert, host) in [("nosan.pem", "nosan"), ("keycert3.pem", "localhost")] {
        for setting in [None, Some(false), Some(true)] {
            let mut cc = client_trusting_cpython_ca();
            if let Some(on) = setting {
                cc.set_hostname_checks_common_name(on).unwrap();
            }
            let shown = setting.map_or("default", |on| py_bool(on));
            let got = handshake(&cc, server_with(cert), host);
            ours.push(format!(
                "{cert} {shown} {} {got}",
                py_bool(cc.hostname_checks_common_name())
            ));
        }
    }
    let theirs = py(
        r#"
for cert, host in [("nosan.pem", "nosan"), ("keycert3.pem", "localhost")]:
    for setting in [None, False, True]:
        cc = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        cc.load_verify_locations(os.path.join(D, "pycacert.pem"))
        if setting is not None:
            cc.hostname_checks_common_name = setting
        sc = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        sc.load_cert_chain(os.path.join(D, cert))
        shown = "default" if setting is None else setting
        got = handshake(cc, sc, host)
        P(cert, shown, cc.hostname_checks_common_name, got)
"#,
        &[],
    );
    assert_lines(&ours, &theirs);
}

// ---------------------------------------------------------------------------
// num_tickets

// CPython test_ssl.py: ContextTests.test_num_tickest (sic).
#[test]
fn num_tickets_as_python3() {
    let mut ours = Vec::new();
    for (name, p) in PROTOCOLS {
        let mut c = ctx(p);
        for n in [0usize, 5, 2] {
            let r = attempt(c.set_num_tickets(n));
            ours.push(format!("{name} {n} {r} {}", c.num_tickets()));
        }
    }
    let theirs = py(
        r#"
import warnings
warnings.simplefilter("ignore", DeprecationWarning)
for name in ("PROTOCOL_TLS_CLIENT", "PROTOCOL_TLS_SERVER", "PROTOCOL_TLS"):
    c = ssl.SSLContext(getattr(ssl, name))
    for n in (0, 5, 2):
        def f():
            c.num_tickets = n
        r = attempt(f)
        P(name, n, r, c.num_tickets)
"#,
        &[],
    );
    assert_lines(&ours, &theirs);
}

// ---------------------------------------------------------------------------
// load_dh_params

/// A PEM file of 1024-bit DH parameters (RFC 5114's group), too small for
/// security level 2.
fn small_dh_file() -> PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dh = openssl::dh::Dh::get_1024_160().unwrap();
        let path = std::env::temp_dir().join(format!("sslwrap-dh1024-{}.pem", std::process::id()));
        std::fs::write(&path, dh.params_to_pem().unwrap()).unwrap();
        path
    })
    .clone()
}

// CPython test_ssl.py: ContextTests.test_load_dh_params and
// SSLErrorTests.test_lib_reason, with every kind of bad file.
#[test]
fn load_dh_params_as_python3() {
    let small = small_dh_file();
    let files: Vec<String> = [
        "ffdh3072.pem",
        "XXXnonexisting.pem",
        "keycert.pem",
        "badcert.pem",
        "nullcert.pem",
        "capath",
        "pycacert.pem",
    ]
    .iter()
    .map(|f| certdata("").join(f).to_str().unwrap().to_owned())
    .chain([small.to_str().unwrap().to_owned(), String::new()])
    .collect();
    let mut ours = Vec::new();
    for (name, p) in [
        ("PROTOCOL_TLS_SERVER", PROTOCOL_TLS_SERVER),
        ("PROTOCOL_TLS_CLIENT", PROTOCOL_TLS_CLIENT),
    ] {
        let mut c = ctx(p);
        for f in &files {
            let r = match c.load_dh_params(Path::new(f)) {
                Ok(()) => "ok".to_owned(),
                Err(e) => format!(
                    "{} lib={:?} reason={:?}",
                    err_line(&e),
                    e.library(),
                    e.reason()
                ),
            };
            ours.push(format!("{name} {f} {r}"));
        }
        // Lowered security level: the small group is accepted.
        c.set_ciphers("DEFAULT:@SECLEVEL=1").unwrap();
        let r = attempt(c.load_dh_params(&small));
        ours.push(format!("{name} seclevel1 {r}"));
    }
    let mut args: Vec<&str> = files.iter().map(String::as_str).collect();
    args.insert(0, "--");
    let theirs = py(
        r#"
files = sys.argv[3:]
def lib_reason(e):
    l = getattr(e, "library", None); r = getattr(e, "reason", None)
    return "lib=%s reason=%s" % ("None" if l is None else 'Some("%s")' % l,
                                 "None" if r is None else 'Some("%s")' % r)
for name in ("PROTOCOL_TLS_SERVER", "PROTOCOL_TLS_CLIENT"):
    c = ssl.SSLContext(getattr(ssl, name))
    for f in files:
        try:
            c.load_dh_params(f); r = "ok"
        except Exception as e:
            r = err(e) + " " + lib_reason(e)
        P(name, f, r)
    c.set_ciphers("DEFAULT:@SECLEVEL=1")
    P(name, "seclevel1", attempt(lambda: c.load_dh_params(files[-2])))
"#,
        &args,
    );
    assert_lines(&ours, &theirs);
}

// CPython test_ssl.py: ThreadedTests.test_dh_params: a TLS 1.2 client
// that offers only a DHE suite connects once the server has DH parameters,
// and gets NO_SHARED_CIPHER's alert before.
#[test]
fn dhe_after_load_dh_params_as_python3() {
    let mut ours = Vec::new();
    for with_dh in [false, true] {
        let mut sc = server_with("keycert3.pem");
        if with_dh {
            sc.load_dh_params(&certdata("ffdh3072.pem")).unwrap();
        }
        let mut cc = client_trusting_cpython_ca();
        cc.set_maximum_version(TlsVersion::TLSv1_2).unwrap();
        cc.set_ciphers("DHE-RSA-AES256-GCM-SHA384").unwrap();
        ours.push(format!(
            "{} {}",
            py_bool(with_dh),
            handshake(&cc, sc, "localhost")
        ));
    }
    let theirs = py(
        r#"
for with_dh in (False, True):
    sc = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    sc.load_cert_chain(os.path.join(D, "keycert3.pem"))
    if with_dh:
        sc.load_dh_params(os.path.join(D, "ffdh3072.pem"))
    cc = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    cc.load_verify_locations(os.path.join(D, "pycacert.pem"))
    cc.maximum_version = ssl.TLSVersion.TLSv1_2
    cc.set_ciphers("DHE-RSA-AES256-GCM-SHA384")
    P(with_dh, handshake(cc, sc, "localhost"))
"#,
        &[],
    );
    assert_lines(&ours, &theirs);
}

// ---------------------------------------------------------------------------
// get_ca_certs

/// `get_ca_certs()` (reprs), `get_ca_certs(True)` (SHA-256 of each) and
/// `cert_store_stats()` after one step.
fn show_ca_certs(c: &SslContext, tag: &str, reprs: bool, out: &mut Vec<String>) {
    out.push(format!("{tag} stats {}", store_stats_repr(c)));
    if reprs {
        for cert in c.get_ca_certs().unwrap() {
            out.push(format!("{tag} cert {}", cert.python_repr()));
        }
    }
    for der in c.get_ca_certs_der().unwrap() {
        out.push(format!("{tag} der {}", sha256_hex(&der)));
    }
}

// CPython test_ssl.py: ContextTests.test_get_ca_certs, and the order of
// the list after loads of duplicates, CRLs, same-subject certificates and
// non-CA certificates, and after load_default_certs.
#[test]
fn get_ca_certs_as_python3() {
    let _env = env_lock();
    let capath: Vec<String> = {
        let mut names: Vec<String> = std::fs::read_dir(certdata("capath"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    };
    let read = |name: &str| std::fs::read_to_string(certdata(name)).unwrap();
    let mut ours = Vec::new();

    let mut c = ctx(PROTOCOL_TLS_CLIENT);
    c.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    show_ca_certs(&c, "pyca", true, &mut ours);

    let mut c = ctx(PROTOCOL_TLS_CLIENT);
    for name in &capath {
        c.load_verify_locations(Some(&certdata(&format!("capath/{name}"))), None, None)
            .unwrap();
        show_ca_certs(&c, &format!("capath/{name}"), true, &mut ours);
    }
    for step in [
        "keycert.pem",
        "pycacert.pem",
        "revocation.crl",
        "keycertecc.pem",
    ] {
        c.load_verify_locations(Some(&certdata(step)), None, None)
            .unwrap();
        show_ca_certs(&c, step, true, &mut ours);
    }

    let mut c = ctx(PROTOCOL_TLS_SERVER);
    let mut cadata: String = capath
        .iter()
        .rev()
        .map(|n| read(&format!("capath/{n}")))
        .collect();
    cadata.push_str(&read("pycacert.pem"));
    c.load_verify_locations(None, None, Some(CaData::Pem(&cadata)))
        .unwrap();
    show_ca_certs(&c, "cadata", true, &mut ours);

    let mut c = ctx(PROTOCOL_TLS_CLIENT);
    c.load_default_certs(sslwrap::Purpose::ServerAuth).unwrap();
    show_ca_certs(&c, "default", false, &mut ours);

    let theirs = py(
        r#"
def show(c, tag, reprs):
    P(tag, "stats", c.cert_store_stats())
    if reprs:
        for cert in c.get_ca_certs():
            P(tag, "cert", repr(cert))
    for der in c.get_ca_certs(True):
        P(tag, "der", hashlib.sha256(der).hexdigest())
def read(name):
    with open(os.path.join(D, name)) as f:
        return f.read()
capath = sorted(os.listdir(os.path.join(D, "capath")))

c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
c.load_verify_locations(os.path.join(D, "pycacert.pem"))
show(c, "pyca", True)

c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
for name in capath:
    c.load_verify_locations(os.path.join(D, "capath", name))
    show(c, "capath/" + name, True)
for step in ["keycert.pem", "pycacert.pem", "revocation.crl", "keycertecc.pem"]:
    c.load_verify_locations(os.path.join(D, step))
    show(c, step, True)

c = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
cadata = "".join(read(os.path.join("capath", n)) for n in reversed(capath)) + read("pycacert.pem")
c.load_verify_locations(cadata=cadata)
show(c, "cadata", True)

c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
c.load_default_certs(ssl.Purpose.SERVER_AUTH)
show(c, "default", False)
"#,
        &[],
    );
    assert_lines(&ours, &theirs);
}

// ---------------------------------------------------------------------------
// session_stats

// CPython test_ssl.py: ContextTests.test_session_stats and
// ThreadedTests.test_session (the counters after a full handshake and a
// resumption), on both contexts; every socket is unwrapped (close_notify
// both ways), so the session cache is not disturbed by an unclean close.
#[test]
fn session_stats_as_python3() {
    let sc = server_with("keycert3.pem");
    let cc = client_trusting_cpython_ca();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut ours = Vec::new();
    thread::scope(|scope| {
        let server = scope.spawn(|| {
            for _ in 0..2 {
                let (tcp, _) = listener.accept().unwrap();
                tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
                tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
                let mut s = sc
                    .wrap_socket(tcp, WrapOptions::default().server_side(true))
                    .unwrap();
                assert_eq!(s.recv(1).unwrap(), b"x");
                s.sendall(b"y").unwrap();
                s.unwrap().unwrap();
            }
        });
        let mut session = None;
        for _ in 0..2 {
            let tcp = TcpStream::connect_timeout(&addr, TIMEOUT).unwrap();
            tcp.set_read_timeout(Some(TIMEOUT)).unwrap();
            tcp.set_write_timeout(Some(TIMEOUT)).unwrap();
            let mut opts = WrapOptions::default().server_hostname("localhost");
            if let Some(s) = session.take() {
                opts = opts.session(s);
            }
            let mut s = cc.wrap_socket(tcp, opts).unwrap();
            s.sendall(b"x").unwrap();
            assert_eq!(s.recv(1).unwrap(), b"y");
            ours.push(format!("reused {}", py_bool(s.session_reused())));
            session = s.session();
            s.unwrap().unwrap();
        }
        server.join().unwrap();
    });
    ours.push(format!("server {}", stats_repr(&sc.session_stats())));
    ours.push(format!("client {}", stats_repr(&cc.session_stats())));
    let theirs = py(
        r#"
sc = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
sc.load_cert_chain(os.path.join(D, "keycert3.pem"))
cc = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
cc.load_verify_locations(os.path.join(D, "pycacert.pem"))
ls = socket.socket(); ls.bind(("127.0.0.1", 0)); ls.listen(2); ls.settimeout(10)
def serve():
    for _ in range(2):
        conn, _ = ls.accept(); conn.settimeout(10)
        s = sc.wrap_socket(conn, server_side=True)
        assert s.recv(1) == b"x"
        s.sendall(b"y")
        s.unwrap().close()
t = threading.Thread(target=serve); t.start()
session = None
for _ in range(2):
    raw = socket.create_connection(ls.getsockname(), timeout=10)
    s = cc.wrap_socket(raw, server_hostname="localhost", session=session)
    s.sendall(b"x")
    assert s.recv(1) == b"y"
    P("reused", s.session_reused)
    session = s.session
    s.unwrap().close()
t.join(); ls.close()
P("server", sc.session_stats())
P("client", cc.session_stats())
"#,
        &[],
    );
    assert_lines(&ours, &theirs);
}

// ---------------------------------------------------------------------------
// A server context with no certificate (the parity check of the issue).

// The same server (`SSLContext(PROTOCOL_TLS_SERVER)`, nothing loaded)
// against the same client, in the four pairings: what each side sees must
// not depend on which language plays it.
#[test]
fn server_without_certificate_as_python3() {
    for client in [
        PeerConfig::client()
            .verify_mode("CERT_NONE")
            .check_hostname(false),
        PeerConfig::client()
            .check_hostname(false)
            .verify_mode("CERT_NONE")
            .max_version("TLSv1_2"),
        PeerConfig::client()
            .check_hostname(false)
            .verify_mode("CERT_NONE")
            .min_version("TLSv1_3"),
    ] {
        let client = client.server_hostname("localhost");
        let server = PeerConfig::server();
        let oracle = run_pair(&server, Side::Python, &client, Side::Python);
        assert!(
            matches!(oracle.server, Outcome::HandshakeFailed(_)),
            "python3's server without a certificate: {oracle:#?}"
        );
        for (s, c) in [
            (Side::Rust, Side::Python),
            (Side::Python, Side::Rust),
            (Side::Rust, Side::Rust),
        ] {
            let got = run_pair(&server, s, &client, c);
            assert_eq!(
                got, oracle,
                "server {s:?}, client {c:?}, client config {client:?}"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Bad input to the setters: Python's class and message.

#[test]
fn setter_errors_as_python3() {
    let mut ours = Vec::new();
    let mut c = ctx(PROTOCOL_TLS_CLIENT);
    ours.push(attempt(c.set_ciphers("XXX")));
    ours.push(attempt(c.set_ciphers("")));
    ours.push(attempt(c.set_ciphers("a\0b")));
    for name in [
        "foo",
        "P-256",
        "secp112r1",
        "a\0b",
        "",
        "X25519",
        "prime256v1",
        "secp384r1",
        "sect163k1",
        "ffdhe2048",
    ] {
        ours.push(attempt(c.set_ecdh_curve(name)));
    }
    ours.push(attempt(c.set_num_tickets(1)));
    ours.push(attempt(c.load_dh_params(Path::new("a\0b"))));
    ours.push(attempt(c.set_alpn_protocols(&[""])));
    ours.push(attempt(c.set_verify_mode(sslwrap::CERT_NONE)));
    let theirs = py(
        r#"
c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
P(attempt(lambda: c.set_ciphers("XXX")))
P(attempt(lambda: c.set_ciphers("")))
P(attempt(lambda: c.set_ciphers("a\0b")))
for name in ["foo", "P-256", "secp112r1", "a\0b", "", "X25519", "prime256v1", "secp384r1",
             "sect163k1", "ffdhe2048"]:
    P(attempt(lambda: c.set_ecdh_curve(name)))
def f():
    c.num_tickets = 1
P(attempt(f))
P(attempt(lambda: c.load_dh_params("a\0b")))
P(attempt(lambda: c.set_alpn_protocols([""])))
def g():
    c.verify_mode = ssl.CERT_NONE
P(attempt(g))
"#,
        &[],
    );
    assert_lines(&ours, &theirs);
}

// ---------------------------------------------------------------------------
// Module level.

// CPython test_ssl.py: BasicSocketTests.test_random (RAND_status, RAND_bytes,
// RAND_add) and the arguments Python refuses.
#[test]
fn rand_functions_as_python3() {
    let mut ours = vec![
        format!("status {}", py_bool(sslwrap::rand_status())),
        format!("len {}", sslwrap::rand_bytes(16).unwrap().len()),
        format!("zero {:?}", sslwrap::rand_bytes(0).unwrap()),
    ];
    ours.push(match sslwrap::rand_bytes(1 << 31) {
        Ok(_) => "big ok".to_owned(),
        Err(e) => format!("big {}", err_line(&e)),
    });
    sslwrap::rand_add(b"this is a random bytes object", 75.0);
    sslwrap::rand_add("this is a random str".as_bytes(), 75.0);
    ours.push(format!("status {}", py_bool(sslwrap::rand_status())));
    let a = sslwrap::rand_bytes(32).unwrap();
    let b = sslwrap::rand_bytes(32).unwrap();
    assert_ne!(a, b);
    let theirs = py(
        r#"
P("status", ssl.RAND_status())
P("len", len(ssl.RAND_bytes(16)))
P("zero", list(ssl.RAND_bytes(0)))
try:
    ssl.RAND_bytes(1 << 31); P("big ok")
except Exception as e:
    P("big", err(e))
ssl.RAND_add(b"this is a random bytes object", 75.0)
ssl.RAND_add("this is a random str", 75.0)
P("status", ssl.RAND_status())
"#,
        &[],
    );
    assert_lines(&ours, &theirs);
}

// CPython test_ssl.py: BasicSocketTests.test_openssl_version, test_constants
// (the HAS_* flags, CHANNEL_BINDING_TYPES): the same values as python3's on
// the same OpenSSL.
#[test]
fn module_constants_as_python3() {
    let info = *sslwrap::OPENSSL_VERSION_INFO;
    assert_eq!(info, sslwrap::openssl_version_info());
    let has = [
        ("HAS_ALPN", sslwrap::HAS_ALPN),
        ("HAS_ECDH", sslwrap::HAS_ECDH),
        (
            "HAS_NEVER_CHECK_COMMON_NAME",
            sslwrap::HAS_NEVER_CHECK_COMMON_NAME,
        ),
        ("HAS_NPN", sslwrap::HAS_NPN),
        ("HAS_SNI", sslwrap::HAS_SNI),
        ("HAS_SSLv2", sslwrap::HAS_SSLv2),
        ("HAS_SSLv3", sslwrap::HAS_SSLv3),
        ("HAS_TLSv1", sslwrap::HAS_TLSv1),
        ("HAS_TLSv1_1", sslwrap::HAS_TLSv1_1),
        ("HAS_TLSv1_2", sslwrap::HAS_TLSv1_2),
        ("HAS_TLSv1_3", sslwrap::HAS_TLSv1_3),
    ];
    let mut ours = vec![
        format!("OPENSSL_VERSION {}", *sslwrap::OPENSSL_VERSION),
        format!(
            "OPENSSL_VERSION_NUMBER {}",
            *sslwrap::OPENSSL_VERSION_NUMBER
        ),
        format!(
            "OPENSSL_VERSION_INFO ({}, {}, {}, {}, {})",
            info.0, info.1, info.2, info.3, info.4
        ),
        format!("CHANNEL_BINDING_TYPES {:?}", sslwrap::CHANNEL_BINDING_TYPES).replace('"', "'"),
    ];
    ours.extend(has.iter().map(|(n, v)| format!("{n} {}", py_bool(*v))));
    let theirs = py(
        r#"
P("OPENSSL_VERSION", ssl.OPENSSL_VERSION)
P("OPENSSL_VERSION_NUMBER", ssl.OPENSSL_VERSION_NUMBER)
P("OPENSSL_VERSION_INFO", ssl.OPENSSL_VERSION_INFO)
P("CHANNEL_BINDING_TYPES", ssl.CHANNEL_BINDING_TYPES)
for n in sorted(n for n in dir(ssl) if n.startswith("HAS_")):
    P(n, getattr(ssl, n))
"#,
        &[],
    );
    assert_lines(&ours, &theirs);
}

/// `repr(ssl.get_default_verify_paths())` from ours.
fn verify_paths_repr(p: &sslwrap::DefaultVerifyPaths) -> String {
    let opt = |p: &Option<PathBuf>| match p {
        Some(p) => format!("'{}'", p.display()),
        None => "None".to_owned(),
    };
    format!(
        "DefaultVerifyPaths(cafile={}, capath={}, openssl_cafile_env='{}', openssl_cafile='{}', \
         openssl_capath_env='{}', openssl_capath='{}')",
        opt(&p.cafile),
        opt(&p.capath),
        p.openssl_cafile_env,
        p.openssl_cafile.display(),
        p.openssl_capath_env,
        p.openssl_capath.display()
    )
}

// CPython test_ssl.py: BasicSocketTests.test_get_default_verify_paths: with
// the environment as it is, then with SSL_CERT_FILE/SSL_CERT_DIR set to an
// existing file and directory, to missing ones, and to empty strings.
#[test]
fn get_default_verify_paths_as_python3() {
    let _env = env_lock();
    let saved: Vec<_> = ["SSL_CERT_FILE", "SSL_CERT_DIR"]
        .iter()
        .map(|k| (*k, std::env::var_os(k)))
        .collect();
    let cases: [Option<(PathBuf, PathBuf)>; 4] = [
        None,
        Some((certdata("pycacert.pem"), certdata("capath"))),
        Some((
            certdata("").join("missing.pem"),
            certdata("").join("missing"),
        )),
        Some((PathBuf::new(), PathBuf::new())),
    ];
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for case in &cases {
        if let Some((file, dir)) = case {
            std::env::set_var("SSL_CERT_FILE", file);
            std::env::set_var("SSL_CERT_DIR", dir);
        }
        ours.push(verify_paths_repr(&sslwrap::get_default_verify_paths()));
        theirs.extend(py("P(repr(ssl.get_default_verify_paths()))", &[]));
    }
    for (k, v) in saved {
        match v {
            Some(v) => std::env::set_var(k, v),
            None => std::env::remove_var(k),
        }
    }
    assert_lines(&ours, &theirs);
}
