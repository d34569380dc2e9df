//! [`PeerConfig`]: one side's settings, read by both peers: as JSON by
//! `tests/py/peer.py`, and by [`rust_context`](super::rust_context) and the
//! Rust peers. Names are Python's (`"PROTOCOL_TLS_CLIENT"`, `"CERT_NONE"`,
//! `"VERIFY_CRL_CHECK_LEAF"`, `"OP_NO_TICKET"`, `TLSVersion` members).

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::json::{opt_s, s, Json};

/// `cadata`: a PEM string or DER bytes.
#[derive(Debug, Clone)]
pub enum CaDataCfg {
    Pem(String),
    Der(Vec<u8>),
}

/// What one side does; see `tests/py/peer.py` for the meaning of each
/// field. Build with [`PeerConfig::client`]/[`PeerConfig::server`] and the
/// chainable setters.
#[derive(Debug, Clone)]
pub struct PeerConfig {
    /// `ssl.SSLContext(protocol)`: `"PROTOCOL_TLS_CLIENT"`,
    /// `"PROTOCOL_TLS_SERVER"` or `"PROTOCOL_TLS"`.
    pub protocol: &'static str,
    /// `ctx.check_hostname = …`, set first.
    pub check_hostname: Option<bool>,
    /// `ctx.verify_mode = ssl.<name>`, set second.
    pub verify_mode: Option<&'static str>,
    /// `ctx.check_hostname = …` again, set third (to test the order rules).
    pub check_hostname_last: Option<bool>,
    /// `ctx.verify_flags |= ssl.<name>` each.
    pub verify_flags: Vec<&'static str>,
    /// `ctx.options |= ssl.<name>` each.
    pub options: Vec<&'static str>,
    /// `ctx.minimum_version = ssl.TLSVersion.<name>`.
    pub min_version: Option<&'static str>,
    /// `ctx.maximum_version = ssl.TLSVersion.<name>`.
    pub max_version: Option<&'static str>,
    /// `ctx.set_ciphers(…)`.
    pub ciphers: Option<String>,
    /// `ctx.set_alpn_protocols(…)`.
    pub alpn: Option<Vec<String>>,
    /// `ctx.load_verify_locations(cafile, capath, cadata)`, when any is set.
    pub cafile: Option<PathBuf>,
    pub capath: Option<PathBuf>,
    pub cadata: Option<CaDataCfg>,
    /// `ctx.load_cert_chain(certfile, keyfile, password)`, when `certfile`.
    pub certfile: Option<PathBuf>,
    pub keyfile: Option<PathBuf>,
    pub password: Option<String>,
    /// Client: `wrap_socket(server_hostname=…)`.
    pub server_hostname: Option<String>,
    /// `wrap_socket(suppress_ragged_eofs=…)`.
    pub suppress_ragged_eofs: bool,
    /// The socket timeout of this side (`socket.settimeout`); `None` is
    /// [`IO_TIMEOUT`](super::IO_TIMEOUT).
    pub timeout: Option<Duration>,
    /// After the handshake: `"echo"` (default), `"none"`,
    /// `"send_and_close"`, `"send_and_unwrap"`, `"read_to_eof"`,
    /// `"echo_then_read_to_eof"` and, Python only, `"echo_then_reset"`.
    pub action: &'static str,
    /// A non-TLS peer: `"close_after_hello"`, `"reset_after_hello"`,
    /// `"garbage_after_hello"` (servers), `"close"`, `"garbage"` (clients).
    /// Only Python plays it.
    pub raw: Option<&'static str>,
    /// The bytes a `garbage` raw peer sends.
    pub garbage: Vec<u8>,
}

impl PeerConfig {
    fn new(protocol: &'static str) -> PeerConfig {
        PeerConfig {
            protocol,
            check_hostname: None,
            verify_mode: None,
            check_hostname_last: None,
            verify_flags: Vec::new(),
            options: Vec::new(),
            min_version: None,
            max_version: None,
            ciphers: None,
            alpn: None,
            cafile: None,
            capath: None,
            cadata: None,
            certfile: None,
            keyfile: None,
            password: None,
            server_hostname: None,
            suppress_ragged_eofs: true,
            timeout: None,
            action: "echo",
            raw: None,
            garbage: Vec::new(),
        }
    }

    /// Whether only Python can play this side: a raw peer, or an action
    /// that needs a socket option std does not offer (`SO_LINGER` 0 for
    /// `"echo_then_reset"`).
    pub fn python_only(&self) -> bool {
        self.raw.is_some() || self.action == "echo_then_reset"
    }

    /// A `PROTOCOL_TLS_CLIENT` side with Python's defaults.
    pub fn client() -> PeerConfig {
        PeerConfig::new("PROTOCOL_TLS_CLIENT")
    }

    /// A `PROTOCOL_TLS_SERVER` side with Python's defaults.
    pub fn server() -> PeerConfig {
        PeerConfig::new("PROTOCOL_TLS_SERVER")
    }

    pub fn protocol(mut self, name: &'static str) -> Self {
        self.protocol = name;
        self
    }
    pub fn check_hostname(mut self, on: bool) -> Self {
        self.check_hostname = Some(on);
        self
    }
    pub fn verify_mode(mut self, name: &'static str) -> Self {
        self.verify_mode = Some(name);
        self
    }
    pub fn check_hostname_last(mut self, on: bool) -> Self {
        self.check_hostname_last = Some(on);
        self
    }
    pub fn verify_flag(mut self, name: &'static str) -> Self {
        self.verify_flags.push(name);
        self
    }
    pub fn option(mut self, name: &'static str) -> Self {
        self.options.push(name);
        self
    }
    pub fn min_version(mut self, name: &'static str) -> Self {
        self.min_version = Some(name);
        self
    }
    pub fn max_version(mut self, name: &'static str) -> Self {
        self.max_version = Some(name);
        self
    }
    pub fn ciphers(mut self, ciphers: &str) -> Self {
        self.ciphers = Some(ciphers.to_owned());
        self
    }
    pub fn alpn(mut self, protocols: &[&str]) -> Self {
        self.alpn = Some(protocols.iter().map(|p| (*p).to_owned()).collect());
        self
    }
    pub fn cafile(mut self, path: impl AsRef<Path>) -> Self {
        self.cafile = Some(path.as_ref().to_owned());
        self
    }
    pub fn capath(mut self, path: impl AsRef<Path>) -> Self {
        self.capath = Some(path.as_ref().to_owned());
        self
    }
    /// `cadata` as a PEM string, read from `path` now.
    pub fn cadata_pem(mut self, path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("reading cadata {path:?}: {e}"));
        self.cadata = Some(CaDataCfg::Pem(text));
        self
    }
    /// `cadata` as DER bytes, read from `path` now.
    pub fn cadata_der(mut self, path: impl AsRef<Path>) -> Self {
        let path = path.as_ref();
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("reading cadata {path:?}: {e}"));
        self.cadata = Some(CaDataCfg::Der(bytes));
        self
    }
    /// `load_cert_chain(certfile)`: a file with the certificate and its key.
    pub fn certfile(mut self, path: impl AsRef<Path>) -> Self {
        self.certfile = Some(path.as_ref().to_owned());
        self
    }
    /// `load_cert_chain(certfile, keyfile)`.
    pub fn cert_and_key(mut self, cert: impl AsRef<Path>, key: impl AsRef<Path>) -> Self {
        self.certfile = Some(cert.as_ref().to_owned());
        self.keyfile = Some(key.as_ref().to_owned());
        self
    }
    pub fn keyfile(mut self, path: impl AsRef<Path>) -> Self {
        self.keyfile = Some(path.as_ref().to_owned());
        self
    }
    pub fn password(mut self, password: &str) -> Self {
        self.password = Some(password.to_owned());
        self
    }
    pub fn server_hostname(mut self, name: &str) -> Self {
        self.server_hostname = Some(name.to_owned());
        self
    }
    pub fn suppress_ragged_eofs(mut self, on: bool) -> Self {
        self.suppress_ragged_eofs = on;
        self
    }
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = Some(t);
        self
    }
    /// The socket timeout this side runs with.
    pub fn io_timeout(&self) -> Duration {
        self.timeout.unwrap_or(super::IO_TIMEOUT)
    }
    pub fn action(mut self, action: &'static str) -> Self {
        self.action = action;
        self
    }
    pub fn raw(mut self, mode: &'static str) -> Self {
        self.raw = Some(mode);
        self
    }
    pub fn garbage(mut self, bytes: &[u8]) -> Self {
        self.garbage = bytes.to_vec();
        self
    }

    /// The JSON `peer.py` reads, for `role` (`"server"`, `"client"`,
    /// `"load"`) and, for a client, the server's `port`.
    pub fn to_json(&self, role: &str, port: Option<u16>) -> String {
        let path = |p: &Option<PathBuf>| opt_s(p.as_ref().map(|p| p.display().to_string()));
        let names = |v: &[&str]| Json::Arr(v.iter().map(|n| s(*n)).collect());
        let flag = |b: Option<bool>| b.map_or(Json::Null, Json::Bool);
        let hex = |b: &[u8]| b.iter().map(|b| format!("{b:02x}")).collect::<String>();
        let (pem, der) = match &self.cadata {
            Some(CaDataCfg::Pem(p)) => (s(p.clone()), Json::Null),
            Some(CaDataCfg::Der(d)) => (Json::Null, s(hex(d))),
            None => (Json::Null, Json::Null),
        };
        Json::Obj(vec![
            ("role".into(), s(role)),
            (
                "port".into(),
                port.map_or(Json::Null, |p| Json::Int(p.into())),
            ),
            ("protocol".into(), s(self.protocol)),
            ("check_hostname".into(), flag(self.check_hostname)),
            ("verify_mode".into(), opt_s(self.verify_mode)),
            ("check_hostname_last".into(), flag(self.check_hostname_last)),
            ("verify_flags".into(), names(&self.verify_flags)),
            ("options".into(), names(&self.options)),
            ("min_version".into(), opt_s(self.min_version)),
            ("max_version".into(), opt_s(self.max_version)),
            ("ciphers".into(), opt_s(self.ciphers.clone())),
            (
                "alpn".into(),
                self.alpn.as_ref().map_or(Json::Null, |v| {
                    Json::Arr(v.iter().map(|p| s(p.clone())).collect())
                }),
            ),
            ("cafile".into(), path(&self.cafile)),
            ("capath".into(), path(&self.capath)),
            ("cadata_pem".into(), pem),
            ("cadata_der_hex".into(), der),
            ("certfile".into(), path(&self.certfile)),
            ("keyfile".into(), path(&self.keyfile)),
            ("password".into(), opt_s(self.password.clone())),
            (
                "server_hostname".into(),
                opt_s(self.server_hostname.clone()),
            ),
            (
                "suppress_ragged_eofs".into(),
                Json::Bool(self.suppress_ragged_eofs),
            ),
            (
                "timeout_ms".into(),
                self.timeout.map_or(Json::Null, |t| {
                    Json::Int(i64::try_from(t.as_millis()).unwrap_or(i64::MAX))
                }),
            ),
            ("action".into(), s(self.action)),
            ("raw".into(), opt_s(self.raw)),
            ("garbage_hex".into(), s(hex(&self.garbage))),
        ])
        .dump()
    }
}
