//! Python's module-level helpers built from a context and a socket:
//! `ssl.wrap_socket` (deprecated in Python, still in ported code) and
//! `ssl.get_server_certificate`.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

use crate::cert::der_cert_to_pem_cert;
use crate::context::{Protocol, SslContext, VerifyMode};
use crate::error::SslError;
use crate::options::WrapOptions;
use crate::socket::SslSocket;

/// The arguments of Python's `ssl.wrap_socket`, with Python's defaults
/// (`Default`): no certificate, client side, `CERT_NONE`,
/// `PROTOCOL_TLS`, handshake on connect, ragged EOFs suppressed.
///
/// Python: the keyword arguments of `ssl.wrap_socket(sock, keyfile=None,
/// certfile=None, server_side=False, cert_reqs=CERT_NONE,
/// ssl_version=PROTOCOL_TLS, ca_certs=None, do_handshake_on_connect=True,
/// suppress_ragged_eofs=True, ciphers=None)`.
///
/// Build it with struct-update syntax, as Python's keyword arguments read:
/// `LegacyWrapArgs { certfile: Some(path), server_side: true,
/// ..LegacyWrapArgs::default() }`. The set of fields is complete: the Python
/// function is frozen (deprecated in 3.7, removed in 3.12).
#[allow(clippy::exhaustive_structs)]
#[derive(Debug, Clone)]
pub struct LegacyWrapArgs {
    /// `keyfile`: the private key, if not in `certfile`.
    pub keyfile: Option<PathBuf>,
    /// `certfile`: the certificate chain (and key); required server-side.
    pub certfile: Option<PathBuf>,
    /// `server_side`.
    pub server_side: bool,
    /// `cert_reqs`: the verify mode. Default `CERT_NONE`.
    pub cert_reqs: VerifyMode,
    /// `ssl_version`: the context protocol. Default `PROTOCOL_TLS`.
    pub ssl_version: Protocol,
    /// `ca_certs`: a CA file to verify the peer with.
    pub ca_certs: Option<PathBuf>,
    /// `do_handshake_on_connect`.
    pub do_handshake_on_connect: bool,
    /// `suppress_ragged_eofs`.
    pub suppress_ragged_eofs: bool,
    /// `ciphers`: an OpenSSL cipher string.
    pub ciphers: Option<String>,
}

impl Default for LegacyWrapArgs {
    fn default() -> LegacyWrapArgs {
        LegacyWrapArgs {
            keyfile: None,
            certfile: None,
            server_side: false,
            cert_reqs: VerifyMode::CertNone,
            ssl_version: Protocol::Tls,
            ca_certs: None,
            do_handshake_on_connect: true,
            suppress_ragged_eofs: true,
            ciphers: None,
        }
    }
}

/// Wraps `sock` in TLS the way Python's deprecated module function does:
/// a fresh context from `args`, then `wrap_socket`.
///
/// Python: `ssl.wrap_socket(sock, ...)`. OpenSSL: as
/// [`SslContext::new`], [`SslContext::load_verify_locations`],
/// [`SslContext::load_cert_chain`], [`SslContext::set_ciphers`] and
/// [`SslContext::wrap_socket`].
///
/// Python's checks come first: "certfile must be specified for server-side
/// operations" and "certfile must be specified" (for a `keyfile` alone),
/// both [`SslErrorKind::Value`](crate::SslErrorKind::Value).
///
/// # Security
///
/// The default `cert_reqs` is `CERT_NONE`, and there is no hostname check:
/// a client wrapped with the defaults accepts any server.
pub fn wrap_socket<S: Read + Write>(
    sock: S,
    args: LegacyWrapArgs,
) -> Result<SslSocket<S>, SslError> {
    // Python tests these arguments for truth: an empty path is "not given".
    let given = |p: Option<PathBuf>| p.filter(|p| !p.as_os_str().is_empty());
    let args = LegacyWrapArgs {
        keyfile: given(args.keyfile),
        certfile: given(args.certfile),
        ca_certs: given(args.ca_certs),
        ciphers: args.ciphers.filter(|c| !c.is_empty()),
        ..args
    };
    if args.server_side && args.certfile.is_none() {
        return Err(SslError::value(
            "certfile must be specified for server-side operations",
        ));
    }
    if args.keyfile.is_some() && args.certfile.is_none() {
        return Err(SslError::value("certfile must be specified"));
    }
    let mut ctx = SslContext::new(args.ssl_version)?;
    ctx.set_verify_mode(args.cert_reqs)?;
    if let Some(ca) = &args.ca_certs {
        ctx.load_verify_locations(Some(ca), None, None)?;
    }
    if let Some(cert) = &args.certfile {
        ctx.load_cert_chain(cert, args.keyfile.as_deref(), None)?;
    }
    if let Some(ciphers) = &args.ciphers {
        ctx.set_ciphers(ciphers)?;
    }
    let opts = WrapOptions::default()
        .server_side(args.server_side)
        .do_handshake_on_connect(args.do_handshake_on_connect)
        .suppress_ragged_eofs(args.suppress_ragged_eofs);
    ctx.wrap_socket(sock, opts)
}

/// Connects to `addr`, handshakes, and returns the server's certificate as
/// PEM.
///
/// Python: `ssl.get_server_certificate(addr, ca_certs=None, timeout=...)`.
/// OpenSSL: `SSL_do_handshake`, `SSL_get_peer_certificate`, `i2d_X509`.
///
/// Without `ca_certs` the certificate is not verified (`CERT_NONE`); with
/// it, the chain must verify against that file (`CERT_REQUIRED`), but the
/// name is not checked, as in Python. The host is sent as SNI.
pub fn get_server_certificate(
    addr: (&str, u16),
    ca_certs: Option<&std::path::Path>,
    timeout: Option<Duration>,
) -> Result<String, SslError> {
    let (host, port) = addr;
    let mut ctx = SslContext::new(Protocol::TlsClient)?;
    ctx.set_check_hostname(false)?;
    match ca_certs {
        Some(ca) => {
            ctx.set_verify_mode(VerifyMode::CertRequired)?;
            ctx.load_verify_locations(Some(ca), None, None)?;
        }
        None => ctx.set_verify_mode(VerifyMode::CertNone)?,
    }
    let tcp = connect(host, port, timeout)?;
    let sock = ctx.wrap_socket(tcp, WrapOptions::default().server_hostname(host))?;
    let der = sock
        .getpeercert_der()?
        .ok_or_else(|| SslError::value("the server sent no certificate"))?;
    Ok(der_cert_to_pem_cert(&der))
}

/// Python's `socket.create_connection(addr, timeout)`: every address of
/// `host` in turn, the last error if none answers.
fn connect(host: &str, port: u16, timeout: Option<Duration>) -> Result<TcpStream, SslError> {
    use std::net::ToSocketAddrs;
    let mut last = None;
    for addr in (host, port).to_socket_addrs().map_err(SslError::io)? {
        let attempt = match timeout {
            Some(t) => TcpStream::connect_timeout(&addr, t),
            None => TcpStream::connect(addr),
        };
        match attempt {
            Ok(tcp) => {
                tcp.set_read_timeout(timeout).map_err(SslError::io)?;
                tcp.set_write_timeout(timeout).map_err(SslError::io)?;
                return Ok(tcp);
            }
            Err(e) => last = Some(e),
        }
    }
    Err(SslError::io(last.unwrap_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "getaddrinfo returns an empty list",
        )
    })))
}
