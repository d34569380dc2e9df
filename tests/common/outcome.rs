//! [`Outcome`]: what one side of a connection saw, in a form both peers
//! produce (Python through `peer.py`'s JSON line, Rust from an
//! [`SslSocket`] or [`SslError`]), so the two compare with `assert_eq!`.

use std::fmt;
use std::io::{Read, Write};

use sslwrap::{SslError, SslSocket};

use super::json::Json;

/// What one side saw, start to end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Building the context failed (`SSLContext(...)`, `load_*`, setters).
    LoadFailed(ErrorInfo),
    /// Only the context was built (role `load`), and that worked.
    Loaded,
    /// `wrap_socket` (client) or the accept-and-wrap (server) failed.
    HandshakeFailed(ErrorInfo),
    /// The handshake completed.
    Connected(Connection),
    /// A raw, non-TLS peer did its thing (what it read is not compared:
    /// ClientHellos differ in random bytes).
    Raw,
    /// This side never ran, because the other side failed to load.
    NotRun,
}

/// An exception as Python shows it (`SslError` as Rust shows it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorInfo {
    /// `type(exc).__name__` / [`SslError::python_class`].
    pub class: String,
    /// `str(exc)` without `(_ssl.c:NNNN)` / `to_string()`.
    pub str: String,
    /// `exc.library` / [`SslError::library`].
    pub library: Option<String>,
    /// `exc.reason` / [`SslError::reason`].
    pub reason: Option<String>,
    /// `exc.verify_code` / [`SslError::verify_code`].
    pub verify_code: Option<i64>,
    /// `exc.verify_message` / [`SslError::verify_message`].
    pub verify_message: Option<String>,
    /// `exc.errno` of an `OSError` / [`SslError::errno`].
    pub errno: Option<i64>,
}

/// A completed handshake and what the action after it got.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connection {
    /// `version()`.
    pub version: Option<String>,
    /// `cipher()`: name, protocol, secret bits.
    pub cipher: Option<(String, String, i64)>,
    /// `selected_alpn_protocol()`.
    pub alpn: Option<String>,
    /// `repr(getpeercert())` / [`sslwrap::PeerCert::python_repr`]
    /// (`"None"` when no certificate, `"{}"` when not validated).
    pub peercert: String,
    /// `getpeercert(True)`.
    pub peercert_der: Option<Der>,
    /// What the action after the handshake read, and the error that ended
    /// it.
    pub after: After,
}

/// The action after the handshake: bytes read (as Latin-1 text) and the
/// error that stopped it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct After {
    pub data: String,
    pub error: Option<ErrorInfo>,
}

/// A DER certificate; `Debug` shows its length and SHA-256, not the bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct Der(pub Vec<u8>);

impl fmt::Debug for Der {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digest = openssl::sha::sha256(&self.0);
        let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
        write!(f, "Der({} bytes, sha256 {hex}…)", self.0.len())
    }
}

impl ErrorInfo {
    /// The Rust side's view of an error.
    pub fn of(e: &SslError) -> ErrorInfo {
        ErrorInfo {
            class: e.python_class().to_owned(),
            str: e.to_string(),
            library: e.library().map(str::to_owned),
            reason: e.reason().map(str::to_owned),
            verify_code: e.verify_code(),
            verify_message: e.verify_message().map(str::to_owned),
            errno: e.errno().map(i64::from),
        }
    }

    fn from_json(j: &Json) -> Result<ErrorInfo, String> {
        Ok(ErrorInfo {
            class: j.str_at("class").ok_or("error without class")?,
            str: j.str_at("str").ok_or("error without str")?,
            library: j.str_at("library"),
            reason: j.str_at("reason"),
            verify_code: j.int_at("verify_code"),
            verify_message: j.str_at("verify_message"),
            errno: j.int_at("errno"),
        })
    }
}

impl Connection {
    /// The Rust side's view of a handshaken socket, taken right after the
    /// handshake as `peer.py` does; `after` is filled in by the action.
    pub fn of<S: Read + Write>(s: &SslSocket<S>) -> Connection {
        let peercert = match s.getpeercert() {
            Ok(Some(cert)) => cert.python_repr(),
            Ok(None) => "None".to_owned(),
            Err(e) => format!("<getpeercert failed: {e}>"),
        };
        let peercert_der = match s.getpeercert_der() {
            Ok(der) => der.map(Der),
            Err(e) => Some(Der(format!("<getpeercert_der failed: {e}>").into_bytes())),
        };
        Connection {
            version: s.version(),
            cipher: s.cipher().map(|(n, p, b)| (n, p, i64::from(b))),
            alpn: s.selected_alpn_protocol(),
            peercert,
            peercert_der,
            after: After::default(),
        }
    }
}

impl Outcome {
    /// Parses `peer.py`'s outcome line.
    pub fn from_json(j: &Json) -> Result<Outcome, String> {
        let error = || -> Result<ErrorInfo, String> {
            ErrorInfo::from_json(j.get("error").ok_or("no error member")?)
        };
        match j.str_at("stage").as_deref() {
            Some("load") => Ok(Outcome::LoadFailed(error()?)),
            Some("loaded") => Ok(Outcome::Loaded),
            Some("handshake") => Ok(Outcome::HandshakeFailed(error()?)),
            Some("raw") => Ok(Outcome::Raw),
            Some("connected") => {
                let cipher = match j.get("cipher") {
                    Some(Json::Arr(items)) => match items.as_slice() {
                        [Json::Str(n), Json::Str(p), Json::Int(b)] => {
                            Some((n.clone(), p.clone(), *b))
                        }
                        _ => return Err(format!("bad cipher {items:?}")),
                    },
                    _ => None,
                };
                let der = match j.str_at("peercert_der") {
                    Some(hex) => Some(Der(unhex(&hex)?)),
                    None => None,
                };
                let after = j.get("after").ok_or("no after member")?;
                Ok(Outcome::Connected(Connection {
                    version: j.str_at("version"),
                    cipher,
                    alpn: j.str_at("alpn"),
                    peercert: j.str_at("peercert").ok_or("no peercert")?,
                    peercert_der: der,
                    after: After {
                        data: after.str_at("data").unwrap_or_default(),
                        error: after.get("error").map(ErrorInfo::from_json).transpose()?,
                    },
                }))
            }
            other => Err(format!("unknown stage {other:?}")),
        }
    }

    /// The connection, if the handshake completed.
    pub fn connection(&self) -> Option<&Connection> {
        match self {
            Outcome::Connected(c) => Some(c),
            _ => None,
        }
    }
}

fn unhex(hex: &str) -> Result<Vec<u8>, String> {
    if hex.len() % 2 != 0 {
        return Err(format!("odd-length hex {hex:?}"));
    }
    (0..hex.len() / 2)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).map_err(|e| e.to_string()))
        .collect()
}

/// Bytes as Python's `bytes.decode("latin-1")`.
pub fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| char::from(b)).collect()
}
