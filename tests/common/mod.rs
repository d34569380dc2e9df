//! The shared test harness of sslwrap's integration tests (`mod common;`).
//!
//! * [`certdata`]: CPython's own test certificates, copied into
//!   `tests/data/cpython/` (see its README);
//! * [`pki`]: a test PKI made with `sslwrap::testing` once per test binary
//!   (CA, leaves for every verification failure, client certs, CRL, capath,
//!   encrypted key, bad files; its module docs list the files);
//! * [`python`]: the CPython 3.11 on PATH running `tests/py/peer.py` as a
//!   TLS server, client, raw misbehaving peer or context loader, with hard
//!   deadlines and kill-on-drop;
//! * [`rust_peer`]: the same peer in Rust ([`rust_context`], [`RustServer`],
//!   [`rust_client`], [`rust_load`]);
//! * [`PeerConfig`] describes a side for both, [`Outcome`] is what a side
//!   saw, comparable with `assert_eq!` across languages;
//! * [`run_pair`] plays one situation with a chosen implementation on each
//!   side;
//! * [`memory`]: a client and a server `SslObject` and the bytes between
//!   them, driven flight by flight;
//! * [`set_read_ahead`]: `SSL_set_read_ahead` on a connection, for the
//!   tests of `unwrap` with read-ahead on;
//! * [`Server`]: a plain loopback TLS server thread with a builder
//!   (`Server::builder().ctx(..).io_cb(..).build()`), for Rust-only tests.
//!
//! Every socket has a timeout, every child process is killed when its
//! handle drops (also while a failing test unwinds), every wait is bounded.
#![allow(dead_code)] // each test binary uses a different part

pub mod child;
pub mod config;
pub mod json;
pub mod memory;
pub mod outcome;
pub mod pki;
pub mod python;
pub mod rust_peer;
pub mod server;

use std::path::{Path, PathBuf};

// Re-exports for the test files; each binary uses some of them.
#[allow(unused_imports)]
pub use config::PeerConfig;
#[allow(unused_imports)]
pub use outcome::{After, Connection, Der, ErrorInfo, Outcome};
#[allow(unused_imports)]
pub use pki::{pki, KEY_PASSWORD};
#[allow(unused_imports)]
pub use python::{python3, PyPeer};
#[allow(unused_imports)]
pub use rust_peer::{rust_client, rust_context, rust_load, RustServer, IO_TIMEOUT};
#[allow(unused_imports)]
pub use server::Server;

/// A file (or, with `""`, the folder) of CPython's test certificates
/// (`Lib/test/certdata` of 3.11.7, in `tests/data/cpython/`), e.g.
/// `certdata("keycert3.pem")`. Panics naming the path when it is missing,
/// so a test never fails later with a bare `FileNotFoundError`.
pub fn certdata(name: &str) -> PathBuf {
    let path = certdata_dir().join(name);
    assert!(
        path.exists(),
        "missing test data file {}: tests/data/cpython/ is part of the repository \
         (see tests/data/cpython/README.md)",
        path.display()
    );
    path
}

/// A path in CPython's certificate folder that must *not* exist (Python's
/// `NONEXISTINGCERT`, a missing `capath`), for the tests of missing files.
pub fn certdata_absent(name: &str) -> PathBuf {
    let path = certdata_dir().join(name);
    assert!(!path.exists(), "{} should not exist", path.display());
    path
}

/// A client context trusting CPython's test CA (`pycacert.pem`), which
/// signed `keycert3.pem` (localhost).
pub fn cpython_client_ctx() -> sslwrap::SslContext {
    let mut c = sslwrap::SslContext::new(sslwrap::PROTOCOL_TLS_CLIENT).unwrap();
    c.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    c
}

/// A server context with CPython's `keycert3.pem` (localhost, signed by
/// the test CA).
pub fn cpython_server_ctx() -> sslwrap::SslContext {
    let mut s = sslwrap::SslContext::new(sslwrap::PROTOCOL_TLS_SERVER).unwrap();
    s.load_cert_chain(&certdata("keycert3.pem"), None, None)
        .unwrap();
    s
}

fn certdata_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cpython")
}

/// Which implementation plays a side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Python,
    Rust,
}

/// What the server and the client saw in one run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub server: Outcome,
    pub client: Outcome,
}

/// Runs one connection between `server` (played by `server_side`) and
/// `client` (played by `client_side`) and returns what each saw. A side
/// that is [`PeerConfig::python_only`] must be played by Python. When one
/// side fails to load its context, the other never gets a connection and
/// is reported as [`Outcome::NotRun`] (a waiting server is stopped).
pub fn run_pair(
    server: &PeerConfig,
    server_side: Side,
    client: &PeerConfig,
    client_side: Side,
) -> Pair {
    assert!(
        !server.python_only() || server_side == Side::Python,
        "this server can only be played by Python"
    );
    assert!(
        !client.python_only() || client_side == Side::Python,
        "this client can only be played by Python"
    );
    let run_client = |port: Option<u16>| match (port, client_side) {
        (None, _) => Outcome::NotRun,
        (Some(port), Side::Python) => PyPeer::client(client, port).outcome(),
        (Some(port), Side::Rust) => rust_client(client, port),
    };
    let connected = |client: &Outcome| !matches!(client, Outcome::LoadFailed(_) | Outcome::NotRun);
    match server_side {
        Side::Python => {
            let srv = PyPeer::server(server);
            let client = run_client(srv.port);
            let server = if connected(&client) {
                srv.outcome()
            } else {
                srv.early_outcome().unwrap_or(Outcome::NotRun)
            };
            Pair { server, client }
        }
        Side::Rust => {
            let srv = RustServer::start(server);
            let client = run_client(srv.port);
            let server = if connected(&client) {
                srv.outcome()
            } else {
                srv.early_outcome().unwrap_or(Outcome::NotRun)
            };
            Pair { server, client }
        }
    }
}

/// `SSL_set_read_ahead(ssl, 1)`, which neither sslwrap nor the `openssl`
/// crate offers on an `SSL`: the record layer then reads as much as the
/// transport has, past the record it is parsing.
pub fn set_read_ahead(ssl: &mut openssl::ssl::SslRef) {
    use foreign_types::ForeignTypeRef;
    extern "C" {
        fn SSL_set_read_ahead(s: *mut openssl_sys::SSL, yes: std::os::raw::c_int);
    }
    // SAFETY: the SSL is live and ours for the call; it only sets a flag.
    unsafe { SSL_set_read_ahead(ssl.as_ptr(), 1) }
}
