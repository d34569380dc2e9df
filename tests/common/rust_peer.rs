//! The Rust twin of `tests/py/peer.py`: the same [`PeerConfig`] builds an
//! [`SslContext`] in the same order, the same actions run after the
//! handshake, and the same [`Outcome`] comes out.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::Duration;

use sslwrap::{
    CaData, Options, Protocol, SslContext, SslError, SslSocket, TlsVersion, VerifyFlags,
    VerifyMode, WrapOptions,
};

use super::config::{CaDataCfg, PeerConfig};
use super::outcome::{latin1, After, Connection, ErrorInfo, Outcome};
use super::python::PEER_DEADLINE;

/// The socket timeout of both peers (`peer.py`'s `TIMEOUT`).
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

fn protocol(name: &str) -> Protocol {
    match name {
        "PROTOCOL_TLS" => sslwrap::PROTOCOL_TLS,
        "PROTOCOL_TLS_CLIENT" => sslwrap::PROTOCOL_TLS_CLIENT,
        "PROTOCOL_TLS_SERVER" => sslwrap::PROTOCOL_TLS_SERVER,
        other => panic!("unknown protocol {other}"),
    }
}

fn verify_mode(name: &str) -> VerifyMode {
    match name {
        "CERT_NONE" => sslwrap::CERT_NONE,
        "CERT_OPTIONAL" => sslwrap::CERT_OPTIONAL,
        "CERT_REQUIRED" => sslwrap::CERT_REQUIRED,
        other => panic!("unknown verify mode {other}"),
    }
}

fn verify_flag(name: &str) -> VerifyFlags {
    match name {
        "VERIFY_DEFAULT" => sslwrap::VERIFY_DEFAULT,
        "VERIFY_CRL_CHECK_LEAF" => sslwrap::VERIFY_CRL_CHECK_LEAF,
        "VERIFY_CRL_CHECK_CHAIN" => sslwrap::VERIFY_CRL_CHECK_CHAIN,
        "VERIFY_X509_STRICT" => sslwrap::VERIFY_X509_STRICT,
        "VERIFY_X509_PARTIAL_CHAIN" => sslwrap::VERIFY_X509_PARTIAL_CHAIN,
        "VERIFY_X509_TRUSTED_FIRST" => sslwrap::VERIFY_X509_TRUSTED_FIRST,
        "VERIFY_ALLOW_PROXY_CERTS" => sslwrap::VERIFY_ALLOW_PROXY_CERTS,
        other => panic!("unknown verify flag {other}"),
    }
}

fn option(name: &str) -> Options {
    match name {
        "OP_NO_TICKET" => sslwrap::OP_NO_TICKET,
        "OP_NO_COMPRESSION" => sslwrap::OP_NO_COMPRESSION,
        "OP_NO_RENEGOTIATION" => sslwrap::OP_NO_RENEGOTIATION,
        "OP_CIPHER_SERVER_PREFERENCE" => sslwrap::OP_CIPHER_SERVER_PREFERENCE,
        "OP_IGNORE_UNEXPECTED_EOF" => sslwrap::OP_IGNORE_UNEXPECTED_EOF,
        "OP_ENABLE_MIDDLEBOX_COMPAT" => sslwrap::OP_ENABLE_MIDDLEBOX_COMPAT,
        "OP_NO_TLSv1_2" => sslwrap::OP_NO_TLSv1_2,
        "OP_NO_TLSv1_3" => sslwrap::OP_NO_TLSv1_3,
        other => panic!("unknown option {other}"),
    }
}

fn tls_version(name: &str) -> TlsVersion {
    match name {
        "MINIMUM_SUPPORTED" => TlsVersion::MinimumSupported,
        "SSLv3" => TlsVersion::SSLv3,
        "TLSv1" => TlsVersion::TLSv1,
        "TLSv1_1" => TlsVersion::TLSv1_1,
        "TLSv1_2" => TlsVersion::TLSv1_2,
        "TLSv1_3" => TlsVersion::TLSv1_3,
        "MAXIMUM_SUPPORTED" => TlsVersion::MaximumSupported,
        other => panic!("unknown TLS version {other}"),
    }
}

/// `peer.py`'s `make_context`, call for call and in the same order.
pub fn rust_context(cfg: &PeerConfig) -> Result<SslContext, SslError> {
    let mut ctx = SslContext::new(protocol(cfg.protocol))?;
    if let Some(on) = cfg.check_hostname {
        ctx.set_check_hostname(on)?;
    }
    if let Some(mode) = cfg.verify_mode {
        ctx.set_verify_mode(verify_mode(mode))?;
    }
    if let Some(on) = cfg.check_hostname_last {
        ctx.set_check_hostname(on)?;
    }
    for name in &cfg.verify_flags {
        ctx.set_verify_flags(ctx.verify_flags() | verify_flag(name))?;
    }
    for name in &cfg.options {
        ctx.set_options(ctx.options() | option(name))?;
    }
    if let Some(v) = cfg.min_version {
        ctx.set_minimum_version(tls_version(v))?;
    }
    if let Some(v) = cfg.max_version {
        ctx.set_maximum_version(tls_version(v))?;
    }
    if let Some(ciphers) = &cfg.ciphers {
        ctx.set_ciphers(ciphers)?;
    }
    if let Some(alpn) = &cfg.alpn {
        let protocols: Vec<&str> = alpn.iter().map(String::as_str).collect();
        ctx.set_alpn_protocols(&protocols)?;
    }
    let cadata = match &cfg.cadata {
        Some(CaDataCfg::Pem(pem)) => Some(CaData::Pem(pem)),
        Some(CaDataCfg::Der(der)) => Some(CaData::Der(der)),
        None => None,
    };
    if cfg.cafile.is_some() || cfg.capath.is_some() || cadata.is_some() {
        ctx.load_verify_locations(cfg.cafile.as_deref(), cfg.capath.as_deref(), cadata)?;
    }
    if let Some(certfile) = &cfg.certfile {
        let password = cfg.password.as_deref().map(str::as_bytes);
        ctx.load_cert_chain(certfile, cfg.keyfile.as_deref().map(Path::new), password)?;
    }
    Ok(ctx)
}

/// What the Rust context construction from `cfg` gives (role `load`).
pub fn rust_load(cfg: &PeerConfig) -> Outcome {
    match rust_context(cfg) {
        Ok(_) => Outcome::Loaded,
        Err(e) => Outcome::LoadFailed(ErrorInfo::of(&e)),
    }
}

/// `peer.py`'s `act`.
fn act(s: &mut SslSocket<TcpStream>, cfg: &PeerConfig, client: bool) -> After {
    let mut got = Vec::new();
    let result: Result<(), SslError> = (|| {
        match (cfg.action, client) {
            ("echo", true) => {
                s.sendall(b"ping")?;
                got = s.recv(1024)?;
            }
            ("echo", false) => {
                got = s.recv(1024)?;
                s.sendall(&got)?;
            }
            ("send_and_close", _) => s.sendall(b"bye")?,
            ("send_and_unwrap", _) => {
                s.sendall(b"bye")?;
                s.shutdown_tls()?;
            }
            ("echo_then_read_to_eof", client) => {
                if client {
                    s.sendall(b"ping")?;
                    got = s.recv(1024)?;
                    s.sendall(b"done")?;
                } else {
                    got = s.recv(1024)?;
                    s.sendall(&got)?;
                }
                loop {
                    let chunk = s.recv(1024)?;
                    if chunk.is_empty() {
                        break;
                    }
                    got.extend_from_slice(&chunk);
                }
            }
            ("read_to_eof", _) => loop {
                let chunk = s.recv(1024)?;
                if chunk.is_empty() {
                    break;
                }
                got.extend_from_slice(&chunk);
            },
            ("none", _) => {}
            (other, _) => panic!("unknown action {other}"),
        }
        Ok(())
    })();
    After {
        data: latin1(&got),
        error: result.err().map(|e| ErrorInfo::of(&e)),
    }
}

/// A Rust server on a thread: one connection, as `peer.py`'s server.
///
/// Dropping it before a client came unblocks its `accept` with a throwaway
/// connection and joins the thread (bounded by [`IO_TIMEOUT`]).
pub struct RustServer {
    /// The port it listens on; `None` when its context failed to load.
    pub port: Option<u16>,
    outcome: Receiver<Outcome>,
    early: Option<Outcome>,
    thread: Option<JoinHandle<()>>,
}

impl RustServer {
    /// Builds the context and, if that works, listens on 127.0.0.1:0 and
    /// serves one connection through [`SslContext::wrap_listener`].
    pub fn start(cfg: &PeerConfig) -> RustServer {
        let (tx, outcome) = mpsc::channel();
        let ctx = match rust_context(cfg) {
            Ok(ctx) => ctx,
            Err(e) => {
                return RustServer {
                    port: None,
                    outcome,
                    early: Some(Outcome::LoadFailed(ErrorInfo::of(&e))),
                    thread: None,
                }
            }
        };
        let tcp = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let port = tcp.local_addr().expect("local_addr").port();
        let mut listener = ctx.wrap_listener(tcp);
        listener.set_suppress_ragged_eofs(cfg.suppress_ragged_eofs);
        // Python's accepted socket inherits the default timeout (peer.py
        // sets it) and handshakes under it; this is the listener's way.
        listener.set_handshake_timeout(Some(cfg.io_timeout()));
        let cfg = cfg.clone();
        let thread = std::thread::spawn(move || {
            let out = match listener.accept() {
                Err(e) => Outcome::HandshakeFailed(ErrorInfo::of(&e)),
                Ok((mut s, _)) => {
                    let mut conn = Connection::of(&s);
                    conn.after = act(&mut s, &cfg, false);
                    Outcome::Connected(conn)
                }
            };
            let _ = tx.send(out);
        });
        RustServer {
            port: Some(port),
            outcome,
            early: None,
            thread: Some(thread),
        }
    }

    /// The outcome of a server whose context failed to load; dropping the
    /// server (unblocking one still waiting for a client) in any case.
    pub fn early_outcome(mut self) -> Option<Outcome> {
        self.early.take()
    }

    /// Waits (bounded) for what the server saw.
    pub fn outcome(mut self) -> Outcome {
        if let Some(out) = self.early.take() {
            return out;
        }
        let out = self
            .outcome
            .recv_timeout(PEER_DEADLINE)
            .unwrap_or_else(|_| panic!("the Rust server gave no outcome within {PEER_DEADLINE:?}"));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        out
    }
}

impl Drop for RustServer {
    fn drop(&mut self) {
        let (Some(thread), Some(port)) = (self.thread.take(), self.port) else {
            return;
        };
        if !thread.is_finished() {
            // Unblock an `accept` nobody connected to; the handshake then
            // fails at once on EOF (or within IO_TIMEOUT if a real client
            // is still talking to it).
            let addr = SocketAddr::from(([127, 0, 0, 1], port));
            let _ = TcpStream::connect_timeout(&addr, IO_TIMEOUT);
        }
        let _ = thread.join();
    }
}

/// The Rust client, as `peer.py`'s client: build the context, connect,
/// `wrap_socket` (the handshake runs there, under the socket's timeout),
/// then the action.
pub fn rust_client(cfg: &PeerConfig, port: u16) -> Outcome {
    let ctx = match rust_context(cfg) {
        Ok(ctx) => ctx,
        Err(e) => return Outcome::LoadFailed(ErrorInfo::of(&e)),
    };
    let addr = SocketAddr::from(([127, 0, 0, 1], port));
    let timeout = cfg.io_timeout();
    let tcp = TcpStream::connect_timeout(&addr, timeout).expect("connect to the server");
    // Python: socket.create_connection(..., timeout=TIMEOUT).
    tcp.set_read_timeout(Some(timeout)).expect("read timeout");
    tcp.set_write_timeout(Some(timeout)).expect("write timeout");
    let mut opts = WrapOptions::default().suppress_ragged_eofs(cfg.suppress_ragged_eofs);
    if let Some(name) = &cfg.server_hostname {
        opts = opts.server_hostname(name.as_str());
    }
    match ctx.wrap_socket(tcp, opts) {
        Err(e) => Outcome::HandshakeFailed(ErrorInfo::of(&e)),
        Ok(mut s) => {
            s.settimeout(Some(timeout)).expect("settimeout");
            let mut conn = Connection::of(&s);
            conn.after = act(&mut s, cfg, true);
            Outcome::Connected(conn)
        }
    }
}
