//! [`SslContext`]: configuration only. Python's `ssl.SSLContext`.
//!
//! # Design: settings, then an immutable OpenSSL context per generation
//!
//! Python mutates one `SSL_CTX` in place and relies on the GIL to keep other
//! threads out. sslwrap cannot: an `SSL_CTX` is shared by reference with
//! every `SSL` made from it, and OpenSSL reads some of its fields (the
//! certificate store, callbacks, the session cache) during handshakes in
//! other threads.
//!
//! So an [`SslContext`] keeps its configuration as plain data
//! ([`Settings`]), checked when it is set, with the same OpenSSL calls and
//! therefore the same errors as Python. The first wrap (a socket, a pair of
//! memory BIOs, a listener) after a change builds a fresh, immutable OpenSSL
//! context from those settings and
//! caches it; every socket wrapped until the next change shares that one.
//! A setter drops the cache and never touches a context already handed out.
//! Hence:
//!
//! * changing a context affects only sockets wrapped afterwards;
//! * it is sound while sockets made earlier handshake in other threads:
//!   setters take `&mut self`, wrapping takes `&self`, and what sockets hold
//!   is never written again;
//! * what OpenSSL counts per context
//!   ([`session_stats`](SslContext::session_stats)) is counted per
//!   generation.
//!
//! The price is one `SSL_CTX_new` plus re-adding the loaded certificates
//! (reference-counted, not re-parsed) on the first wrap after a change.
//! Wrapping with an unchanged context costs what `SSL_new` costs.
//!
//! Certificates and keys are loaded into a scratch OpenSSL context or store
//! at the time of the call (so errors and their timing are Python's), and
//! what was loaded is kept as reference-counted objects.
//!
//! This module is configuration only: it imports nothing above it. Wrapping
//! lives beside what it builds: [`wrap_socket`](SslContext::wrap_socket) in
//! `socket.rs`, [`wrap_bio`](SslContext::wrap_bio) in `object.rs`,
//! [`wrap_listener`](SslContext::wrap_listener) in `listener.rs`.

use std::ffi::CString;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use openssl::dh::Dh;
use openssl::error::ErrorStack;
use openssl::pkey::{PKey, Params, Private};
use openssl::ssl::{
    AlpnError, SslContextBuilder, SslFiletype, SslMethod, SslMode, SslOptions, SslVerifyMode,
    SslVersion,
};
use openssl::x509::store::{X509Lookup, X509StoreBuilder};
use openssl::x509::verify::{X509CheckFlags, X509VerifyFlags};
use openssl::x509::{X509Crl, X509};

use crate::cert::PeerCert;
use crate::configurator::Configurator;
use crate::context_info::{groups_offered_by, CipherInfo, SessionStats};
use crate::error::SslError;
use crate::ffi;
use crate::hooks::CtxHooks;
use crate::keylog::KeylogFile;
use crate::session_cache::ClientSessionCache;
use crate::trace::TraceEvent;
use crate::version::TlsVersion;

/// Which side(s) of a connection a context is for.
///
/// Python: `ssl.PROTOCOL_TLS`, `ssl.PROTOCOL_TLS_CLIENT`,
/// `ssl.PROTOCOL_TLS_SERVER`. OpenSSL: `TLS_method`, `TLS_client_method`,
/// `TLS_server_method`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// Either side (Python's deprecated `PROTOCOL_TLS`); starts with
    /// `CERT_NONE` and no hostname check.
    Tls,
    /// Client side; starts with `CERT_REQUIRED` and `check_hostname`.
    TlsClient,
    /// Server side; starts with `CERT_NONE`.
    TlsServer,
}

impl Protocol {
    /// The number Python gives the constant: `ssl.PROTOCOL_TLS` is `2`,
    /// `PROTOCOL_TLS_CLIENT` `16`, `PROTOCOL_TLS_SERVER` `17`.
    ///
    /// Python: `ssl._SSLMethod` member `.value` (`_ssl.c`'s `PY_SSL_VERSION_*`).
    pub fn value(self) -> i32 {
        match self {
            Protocol::Tls => 2,
            Protocol::TlsClient => 16,
            Protocol::TlsServer => 17,
        }
    }
}

/// Whether and how the peer's certificate is verified.
///
/// Python: `ssl.VerifyMode` (`CERT_NONE`, `CERT_OPTIONAL`, `CERT_REQUIRED`).
/// OpenSSL: the `SSL_VERIFY_*` mode of `SSL_CTX_set_verify`.
///
/// # Security
///
/// [`CertNone`](VerifyMode::CertNone) on a client accepts any server,
/// including an attacker in the middle. It exists for Python parity and for
/// servers, which by default do not ask clients for certificates.
#[allow(clippy::exhaustive_enums)] // Python's three modes are all there is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum VerifyMode {
    /// `CERT_NONE`: no verification (`SSL_VERIFY_NONE`). A server does not
    /// request a client certificate.
    CertNone,
    /// `CERT_OPTIONAL`: verify a certificate if one is sent
    /// (`SSL_VERIFY_PEER`). A server requests one but accepts none.
    CertOptional,
    /// `CERT_REQUIRED`: a certificate must be sent and verify
    /// (`SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT`).
    CertRequired,
}

impl VerifyMode {
    /// The number Python gives the constant: `CERT_NONE` `0`,
    /// `CERT_OPTIONAL` `1`, `CERT_REQUIRED` `2`.
    ///
    /// Python: `ssl.VerifyMode` member `.value` (`_ssl.c`'s `PY_SSL_CERT_*`).
    pub fn value(self) -> i32 {
        match self {
            VerifyMode::CertNone => 0,
            VerifyMode::CertOptional => 1,
            VerifyMode::CertRequired => 2,
        }
    }
}

/// What a context's certificates are for.
///
/// Python: `ssl.Purpose.SERVER_AUTH` / `ssl.Purpose.CLIENT_AUTH`.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// Verify servers: a client context (`Purpose.SERVER_AUTH`).
    ServerAuth,
    /// Verify clients: a server context (`Purpose.CLIENT_AUTH`).
    ClientAuth,
}

impl Purpose {
    fn nid_(self) -> openssl::nid::Nid {
        match self {
            Purpose::ServerAuth => openssl::nid::Nid::SERVER_AUTH,
            Purpose::ClientAuth => openssl::nid::Nid::CLIENT_AUTH,
        }
    }

    /// OpenSSL's NID of the extended key usage: `129` (`serverAuth`) or
    /// `130` (`clientAuth`).
    ///
    /// Python: `ssl.Purpose.SERVER_AUTH.nid`. OpenSSL: `NID_server_auth`,
    /// `NID_client_auth`.
    pub fn nid(self) -> i32 {
        self.nid_().as_raw()
    }

    /// The short name: `"serverAuth"` or `"clientAuth"`.
    ///
    /// Python: `ssl.Purpose.SERVER_AUTH.shortname`. OpenSSL: `OBJ_nid2sn`.
    pub fn shortname(self) -> &'static str {
        self.nid_().short_name().unwrap_or("")
    }

    /// The long name: `"TLS Web Server Authentication"` or
    /// `"TLS Web Client Authentication"`.
    ///
    /// Python: `ssl.Purpose.SERVER_AUTH.longname`. OpenSSL: `OBJ_nid2ln`.
    pub fn longname(self) -> &'static str {
        self.nid_().long_name().unwrap_or("")
    }

    /// The OID in dotted form: `"1.3.6.1.5.5.7.3.1"` (id-kp-serverAuth) or
    /// `"1.3.6.1.5.5.7.3.2"` (id-kp-clientAuth), RFC 5280 section 4.2.1.12.
    ///
    /// Python: `ssl.Purpose.SERVER_AUTH.oid`. OpenSSL: `OBJ_obj2txt` with
    /// numeric output, of the NID's object.
    pub fn oid(self) -> &'static str {
        match self {
            Purpose::ServerAuth => "1.3.6.1.5.5.7.3.1",
            Purpose::ClientAuth => "1.3.6.1.5.5.7.3.2",
        }
    }
}

/// In-memory CA certificates for [`SslContext::load_verify_locations`].
///
/// Python: the `cadata` argument, a `str` of PEM or `bytes` of DER.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaData<'a> {
    /// One or more PEM certificates (Python `cadata: str`); must be ASCII.
    Pem(&'a str),
    /// One or more concatenated DER certificates (Python `cadata: bytes`).
    Der(&'a [u8]),
}

macro_rules! bit_set {
    ($(#[$m:meta])* $name:ident { $($(#[$fm:meta])* $flag:ident = $value:expr;)* }) => {
        $(#[$m])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct $name(u64);

        #[allow(non_upper_case_globals)] // Python's spellings: OP_NO_TLSv1, …
        impl $name {
            $($(#[$fm])* pub const $flag: $name = $name($value as u64);)*

            /// The empty set.
            pub const fn empty() -> $name {
                $name(0)
            }

            /// From raw bits, as OpenSSL and Python's integers have them.
            pub const fn from_bits(bits: u64) -> $name {
                $name(bits)
            }

            /// The raw bits.
            pub const fn bits(self) -> u64 {
                self.0
            }

            /// Whether every bit of `other` is set in `self`.
            pub const fn contains(self, other: $name) -> bool {
                self.0 & other.0 == other.0
            }

            /// Whether no bit is set.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }
        }

        impl std::ops::BitOr for $name {
            type Output = $name;
            fn bitor(self, rhs: $name) -> $name {
                $name(self.0 | rhs.0)
            }
        }

        impl std::ops::BitOrAssign for $name {
            fn bitor_assign(&mut self, rhs: $name) {
                self.0 |= rhs.0;
            }
        }

        impl std::ops::BitAnd for $name {
            type Output = $name;
            fn bitand(self, rhs: $name) -> $name {
                $name(self.0 & rhs.0)
            }
        }

        impl std::ops::BitAndAssign for $name {
            fn bitand_assign(&mut self, rhs: $name) {
                self.0 &= rhs.0;
            }
        }

        impl std::ops::Not for $name {
            type Output = $name;
            fn not(self) -> $name {
                $name(!self.0)
            }
        }

        impl std::fmt::Debug for $name {
            /// Lists the Python names of the set bits, then any others in hex.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                let mut rest = self.0;
                let mut first = true;
                write!(f, "{}(", stringify!($name))?;
                $(
                    let bits = $name::$flag.0;
                    if bits != 0 && rest & bits == bits && self.0 & bits == bits {
                        if !first { f.write_str(" | ")?; }
                        f.write_str(stringify!($flag))?;
                        first = false;
                        rest &= !bits;
                    }
                )*
                if rest != 0 {
                    if !first { f.write_str(" | ")?; }
                    write!(f, "{rest:#x}")?;
                } else if first {
                    f.write_str("0")?;
                }
                f.write_str(")")
            }
        }
    };
}

bit_set! {
    /// `SSL_OP_*` option bits of a context.
    ///
    /// Python: `ssl.Options` (`SSLContext.options`). OpenSSL:
    /// `SSL_CTX_set_options`/`SSL_CTX_clear_options`. The Python spellings
    /// (`sslwrap::OP_NO_COMPRESSION`, …) are at the crate root.
    Options {
        /// `OP_ALL`: OpenSSL's bug workarounds (without
        /// `SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS` in Python's default).
        OP_ALL = SslOptions::ALL.bits() & !SslOptions::DONT_INSERT_EMPTY_FRAGMENTS.bits();
        /// `OP_NO_COMPRESSION`: no TLS compression (CRIME); on by default.
        OP_NO_COMPRESSION = SslOptions::NO_COMPRESSION.bits();
        /// `OP_NO_TICKET`: no stateless session tickets.
        OP_NO_TICKET = SslOptions::NO_TICKET.bits();
        /// `OP_NO_RENEGOTIATION`: refuse TLS 1.2 renegotiation.
        OP_NO_RENEGOTIATION = SslOptions::NO_RENEGOTIATION.bits();
        /// `OP_CIPHER_SERVER_PREFERENCE`: the server's cipher order wins; on
        /// by default.
        OP_CIPHER_SERVER_PREFERENCE = SslOptions::CIPHER_SERVER_PREFERENCE.bits();
        /// `OP_SINGLE_DH_USE` (no effect since OpenSSL 1.1; `0`).
        OP_SINGLE_DH_USE = SslOptions::SINGLE_DH_USE.bits();
        /// `OP_SINGLE_ECDH_USE` (no effect since OpenSSL 1.1; `0`).
        OP_SINGLE_ECDH_USE = SslOptions::SINGLE_ECDH_USE.bits();
        /// `OP_ENABLE_MIDDLEBOX_COMPAT`: TLS 1.3 middlebox compatibility mode;
        /// on by default.
        OP_ENABLE_MIDDLEBOX_COMPAT = SslOptions::ENABLE_MIDDLEBOX_COMPAT.bits();
        /// `OP_IGNORE_UNEXPECTED_EOF`: treat a peer's TCP close without
        /// close_notify as a clean close (OpenSSL 3).
        OP_IGNORE_UNEXPECTED_EOF = SslOptions::IGNORE_UNEXPECTED_EOF.bits();
        /// `OP_NO_SSLv2` (no effect; `0`).
        OP_NO_SSLv2 = SslOptions::NO_SSLV2.bits();
        /// `OP_NO_SSLv3`; on by default.
        OP_NO_SSLv3 = SslOptions::NO_SSLV3.bits();
        /// `OP_NO_TLSv1` (deprecated in Python: use the minimum version).
        OP_NO_TLSv1 = SslOptions::NO_TLSV1.bits();
        /// `OP_NO_TLSv1_1` (deprecated in Python: use the minimum version).
        OP_NO_TLSv1_1 = SslOptions::NO_TLSV1_1.bits();
        /// `OP_NO_TLSv1_2` (deprecated in Python: use the version bounds).
        OP_NO_TLSv1_2 = SslOptions::NO_TLSV1_2.bits();
        /// `OP_NO_TLSv1_3` (deprecated in Python: use the maximum version).
        OP_NO_TLSv1_3 = SslOptions::NO_TLSV1_3.bits();
    }
}

bit_set! {
    /// `X509_V_FLAG_*` certificate verification flags.
    ///
    /// Python: `ssl.VerifyFlags` (`SSLContext.verify_flags`). OpenSSL:
    /// `X509_VERIFY_PARAM_set_flags`. Python's spellings
    /// (`sslwrap::VERIFY_CRL_CHECK_LEAF`, …) are at the crate root.
    VerifyFlags {
        /// `VERIFY_CRL_CHECK_LEAF`: check the leaf against a CRL
        /// (`X509_V_FLAG_CRL_CHECK`); CRLs come from
        /// [`SslContext::load_verify_locations`].
        VERIFY_CRL_CHECK_LEAF = X509VerifyFlags::CRL_CHECK.bits();
        /// `VERIFY_CRL_CHECK_CHAIN`: check every certificate of the chain
        /// (`X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL`).
        VERIFY_CRL_CHECK_CHAIN = X509VerifyFlags::CRL_CHECK.bits() | X509VerifyFlags::CRL_CHECK_ALL.bits();
        /// `VERIFY_X509_STRICT`: no workarounds for broken certificates.
        VERIFY_X509_STRICT = X509VerifyFlags::X509_STRICT.bits();
        /// `VERIFY_ALLOW_PROXY_CERTS`: accept RFC 3820 proxy certificates.
        VERIFY_ALLOW_PROXY_CERTS = X509VerifyFlags::ALLOW_PROXY_CERTS.bits();
        /// `VERIFY_X509_TRUSTED_FIRST`: prefer trusted certificates when
        /// building the chain; on by default.
        VERIFY_X509_TRUSTED_FIRST = X509VerifyFlags::TRUSTED_FIRST.bits();
        /// `VERIFY_X509_PARTIAL_CHAIN`: accept a chain ending in any trusted
        /// certificate, not only a self-signed root.
        VERIFY_X509_PARTIAL_CHAIN = X509VerifyFlags::PARTIAL_CHAIN.bits();
    }
}

/// A TLS context: verification, certificates, ciphers, versions, ALPN.
///
/// Python: `ssl.SSLContext`. OpenSSL: `SSL_CTX`.
///
/// Configure it with `&mut self` setters, then wrap streams with
/// [`wrap_socket`](Self::wrap_socket) or a listener with
/// [`wrap_listener`](Self::wrap_listener). See the [module
/// docs](crate::manual::defaults) for the defaults and why changing a
/// context affects only sockets wrapped afterwards.
pub struct SslContext {
    id: u64,
    settings: Settings,
    built: OnceLock<openssl::ssl::SslContext>,
}

/// What a connection needs from its [`SslContext`] besides the OpenSSL
/// context: the settings that act per connection rather than through
/// `SSL_CTX`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConnConfig {
    pub(crate) protocol: Protocol,
    /// Identifies the context, for Python's check that a session comes
    /// from a connection of the same context.
    pub(crate) context_id: u64,
    pub(crate) check_hostname: bool,
    pub(crate) post_handshake_auth: bool,
    /// A callback (message, key log, server name, PSK) is set: connections
    /// watch for their failures.
    pub(crate) hooks: bool,
}

/// Everything an [`SslContext`] is configured with, as plain data; the
/// OpenSSL context is built from it (see the module docs).
#[derive(Clone)]
struct Settings {
    protocol: Protocol,
    verify_mode: VerifyMode,
    check_hostname: bool,
    options: Options,
    verify_flags: VerifyFlags,
    /// Raw `SSL_CTX_set_min_proto_version` argument (`0`: none).
    min_version: i32,
    /// Raw `SSL_CTX_set_max_proto_version` argument (`0`: none).
    max_version: i32,
    ciphers: String,
    /// ALPN protocols in wire format, if `set_alpn_protocols` was called.
    alpn: Option<Vec<u8>>,
    trust: Trust,
    /// One chain per key type (RSA, EC, …), as OpenSSL's `CERT` keeps one
    /// slot per type; loading another chain of a type replaces it.
    chains: Vec<CertChain>,
    post_handshake_auth: bool,
    /// The message callback and key log.
    hooks: CtxHooks,
    /// Key-exchange groups as an `SSL_CTX_set1_groups_list` string, from
    /// `set_groups` or `set_ecdh_curve` (whichever came last), if called.
    groups: Option<String>,
    /// TLS 1.3 cipher suites (`SSL_CTX_set_ciphersuites`), if set.
    ciphersuites: Option<String>,
    /// The security level Python's `SSL_CTX` would have: OpenSSL's default,
    /// then each `@SECLEVEL=n` of the cipher strings set so far.
    security_level: u32,
    /// `SSL_CTX_set_num_tickets` (OpenSSL's default: 2).
    num_tickets: usize,
    /// `X509_VERIFY_PARAM_set_hostflags`: `NO_PARTIAL_WILDCARDS`, plus
    /// `NEVER_CHECK_SUBJECT` when `hostname_checks_common_name` is off.
    host_flags: X509CheckFlags,
    /// DH parameters from `load_dh_params`.
    dh_params: Option<Arc<Dh<Params>>>,
    /// The user's hook on the OpenSSL context (`set_openssl_configurator`),
    /// run last by every build.
    configurator: Option<Configurator>,
    /// The client session cache (`set_client_session_cache`): one `Arc`
    /// shared by every generation, so a rebuild keeps its sessions.
    session_cache: Option<Arc<ClientSessionCache>>,
}

/// The CA certificates, CRLs and hashed directories loaded so far.
#[derive(Default, Clone)]
struct Trust {
    certs: Vec<X509>,
    crls: Vec<Arc<X509Crl>>,
    dirs: Vec<String>,
    /// The certificate Python's `X509_STORE` holds last, unsorted: set when
    /// the last addition pushed a new certificate, cleared when it added a
    /// CRL or a duplicate (whose lookup sorted the store). See
    /// [`Trust::store_order`].
    tail: Option<X509>,
}

impl Trust {
    /// Adds what a load read, skipping certificates already present, as an
    /// `X509_STORE` does (`X509_R_CERT_ALREADY_IN_HASH_TABLE` is ignored).
    fn add(&mut self, certs: Vec<X509>, crls: Vec<X509Crl>) {
        for cert in certs {
            if self.certs.iter().any(|c| **c == *cert) {
                self.tail = None;
            } else {
                self.tail = Some(cert.clone());
                self.certs.push(cert);
            }
        }
        if !crls.is_empty() {
            self.tail = None;
        }
        self.crls.extend(crls.into_iter().map(Arc::new));
    }

    /// The certificates in the order Python's `X509_STORE_get0_objects`
    /// lists them (`get_ca_certs`).
    ///
    /// An `X509_STORE` keeps its objects in a stack that every addition
    /// first searches (`X509_OBJECT_retrieve_match`), which sorts it by
    /// subject, and then appends to: after any history the stack is sorted
    /// except for the object added last. Replaying the additions into a
    /// fresh store ends the same way: everything but the tail, the CRLs,
    /// then the tail, or a duplicate of the first certificate when the last
    /// addition sorted the store.
    fn store_order(&self) -> Result<Vec<X509>, ErrorStack> {
        let mut store = X509StoreBuilder::new()?;
        let tail = self.tail.as_ref();
        for cert in &self.certs {
            if tail.map_or(true, |t| **t != **cert) {
                store.add_cert(cert.clone())?;
            }
        }
        for crl in &self.crls {
            ffi::store_add_crl(&mut store, crl)?;
        }
        if let Some(last) = tail.or(self.certs.first()) {
            store.add_cert(last.clone())?;
        }
        Ok(ffi::store_objects(&mut store).0)
    }
}

/// The certificate, its chain and private key from `load_cert_chain`.
#[derive(Clone)]
struct CertChain {
    cert: X509,
    chain: Vec<X509>,
    key: PKey<Private>,
}

/// Python's default cipher string for TLS 1.2 and below
/// (`PY_SSL_DEFAULT_CIPHER_STRING`, Python 3.10+).
const PY_DEFAULT_CIPHERS: &str =
    "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:!aDSS:!SHA1:!AESCCM";

/// `SSL_CTX_set_session_id_context` value, as Python's (`"Python"` and its
/// NUL).
const SID_CTX: &[u8] = b"Python\0";

/// The lowest and highest versions OpenSSL 3 is built with, which Python
/// substitutes for `MAXIMUM_SUPPORTED`/`MINIMUM_SUPPORTED` on the "wrong"
/// bound (`PY_PROTO_MINIMUM_AVAILABLE`, `PY_PROTO_MAXIMUM_AVAILABLE`).
const MINIMUM_AVAILABLE: i32 = 0x0301;
const MAXIMUM_AVAILABLE: i32 = 0x0304;

/// Longest password OpenSSL's PEM layer accepts (`PEM_BUFSIZE`).
const PEM_BUFSIZE: usize = 1024;

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

impl SslContext {
    /// A new context with Python's defaults for `protocol`.
    ///
    /// Python: `ssl.SSLContext(protocol)`. OpenSSL: `SSL_CTX_new`, then
    /// Python's defaults: options `OP_ALL | OP_NO_SSLv3 | OP_NO_COMPRESSION |
    /// OP_CIPHER_SERVER_PREFERENCE` (plus OpenSSL's own defaults such as
    /// `OP_ENABLE_MIDDLEBOX_COMPAT`), Python's cipher string, minimum TLS 1.2,
    /// `VERIFY_X509_TRUSTED_FIRST`, no partial wildcards in host names, and
    /// for [`Protocol::TlsClient`] `CERT_REQUIRED` with `check_hostname`.
    /// What Python leaves to OpenSSL stays OpenSSL's: the TLS 1.3 suites,
    /// the key-exchange groups, two session tickets, the session cache mode.
    #[doc(alias = "SSLContext")]
    #[doc(alias = "SSL_CTX_new")]
    pub fn new(protocol: Protocol) -> Result<SslContext, SslError> {
        // Python's option defaults sit on top of what SSL_CTX_new sets; read
        // those off a real context so the getter matches Python's.
        let mut probe = SslContextBuilder::new(method(protocol))?;
        let mut py_options = SslOptions::ALL | SslOptions::NO_SSLV3 | SslOptions::NO_COMPRESSION;
        py_options |= SslOptions::CIPHER_SERVER_PREFERENCE;
        py_options |= SslOptions::SINGLE_DH_USE | SslOptions::SINGLE_ECDH_USE;
        py_options &= !SslOptions::DONT_INSERT_EMPTY_FRAGMENTS;
        probe.set_options(py_options);
        let options = Options::from_bits(probe.options().bits());
        // Python's cipher string carries `@SECLEVEL=2`; the session ticket
        // count is OpenSSL's.
        probe.set_cipher_list(PY_DEFAULT_CIPHERS)?;
        let security_level = ffi::ctx_builder_security_level(&probe);
        let num_tickets = probe.build().num_tickets();
        let client = protocol == Protocol::TlsClient;
        Ok(SslContext {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            settings: Settings {
                protocol,
                verify_mode: if client {
                    VerifyMode::CertRequired
                } else {
                    VerifyMode::CertNone
                },
                check_hostname: client,
                options,
                verify_flags: VerifyFlags::VERIFY_X509_TRUSTED_FIRST,
                min_version: crate::version::version_raw(TlsVersion::TLSv1_2),
                max_version: 0,
                ciphers: PY_DEFAULT_CIPHERS.to_owned(),
                alpn: None,
                trust: Trust::default(),
                chains: Vec::new(),
                post_handshake_auth: false,
                hooks: CtxHooks::default(),
                groups: None,
                ciphersuites: None,
                security_level,
                num_tickets,
                host_flags: X509CheckFlags::NO_PARTIAL_WILDCARDS,
                dh_params: None,
                configurator: None,
                session_cache: None,
            },
            built: OnceLock::new(),
        })
    }

    /// Sets how the peer's certificate is verified.
    ///
    /// Python: `SSLContext.verify_mode = mode`. OpenSSL: `SSL_CTX_set_verify`.
    ///
    /// Fails with [`SslErrorKind::Value`](crate::SslErrorKind::Value) ("Cannot set verify_mode to
    /// CERT_NONE when check_hostname is enabled.") when turning verification
    /// off while [`check_hostname`](Self::check_hostname) is on, as Python.
    ///
    /// # Security
    ///
    /// `CertNone` on a client accepts any server certificate.
    pub fn set_verify_mode(&mut self, mode: VerifyMode) -> Result<(), SslError> {
        if mode == VerifyMode::CertNone && self.settings.check_hostname {
            return Err(SslError::value(
                "Cannot set verify_mode to CERT_NONE when check_hostname is enabled.",
            ));
        }
        self.settings_mut().verify_mode = mode;
        Ok(())
    }

    /// Turns matching the peer's certificate against `server_hostname` on or
    /// off.
    ///
    /// Python: `SSLContext.check_hostname = on`. OpenSSL:
    /// `X509_VERIFY_PARAM_set1_host`/`X509_VERIFY_PARAM_set1_ip` on each
    /// socket's parameters.
    ///
    /// Turning it on while the verify mode is `CERT_NONE` sets
    /// `CERT_REQUIRED`, as Python 3.7+ does.
    ///
    /// # Security
    ///
    /// Off, a client accepts any certificate the CAs signed, for any name.
    pub fn set_check_hostname(&mut self, on: bool) -> Result<(), SslError> {
        let s = self.settings_mut();
        if on && s.verify_mode == VerifyMode::CertNone {
            s.verify_mode = VerifyMode::CertRequired;
        }
        s.check_hostname = on;
        Ok(())
    }

    /// Loads CA certificates (and CRLs) to verify peers with.
    ///
    /// Python: `SSLContext.load_verify_locations(cafile, capath, cadata)`.
    /// OpenSSL: `SSL_CTX_load_verify_locations` (file and hashed directory),
    /// `PEM_read_bio_X509`/`d2i_X509_bio` + `X509_STORE_add_cert` (cadata).
    ///
    /// `cafile` may hold PEM certificates and CRLs (for
    /// [`VERIFY_CRL_CHECK_LEAF`](crate::VERIFY_CRL_CHECK_LEAF)); `capath` is
    /// a directory of `<hash>.N` files read lazily during verification.
    /// Errors are Python's: `TypeError` when all three are `None`,
    /// `FileNotFoundError` for a missing file, `SSLError` `[X509:
    /// NO_CERTIFICATE_OR_CRL_FOUND]` for a file without any, "Empty
    /// certificate data" (`ValueError`) for empty `cadata`.
    pub fn load_verify_locations(
        &mut self,
        cafile: Option<&Path>,
        capath: Option<&Path>,
        cadata: Option<CaData<'_>>,
    ) -> Result<(), SslError> {
        if cafile.is_none() && capath.is_none() && cadata.is_none() {
            return Err(SslError::type_error(
                "cafile, capath and cadata cannot be all omitted",
            ));
        }
        if let Some(data) = cadata {
            // Python adds cadata certificates one by one, keeping those
            // before a bad one.
            let (certs, result) = load_cadata(data);
            self.settings_mut().trust.add(certs, Vec::new());
            result?;
        }
        if let Some(file) = cafile {
            // Python: SSL_CTX_load_verify_locations(ctx, cafile, NULL).
            let mut scratch = SslContextBuilder::new(method(self.settings.protocol))?;
            let (loaded, errno) =
                ffi::with_errno(|| scratch.load_verify_locations(Some(file), None));
            loaded.map_err(|e| SslError::from_load(e, errno, file))?;
            let (certs, crls) = ffi::store_objects(scratch.cert_store_mut());
            self.settings_mut().trust.add(certs, crls);
        }
        if let Some(dir) = capath {
            let dir = dir
                .to_str()
                .ok_or_else(|| SslError::type_error("capath should be a valid filesystem path"))?;
            self.settings_mut().trust.dirs.push(dir.to_owned());
        }
        Ok(())
    }

    /// Loads a certificate chain and its private key for this side.
    ///
    /// Python: `SSLContext.load_cert_chain(certfile, keyfile, password)`.
    /// OpenSSL: `SSL_CTX_use_certificate_chain_file`,
    /// `SSL_CTX_use_PrivateKey_file` (with a password callback),
    /// `SSL_CTX_check_private_key`.
    ///
    /// `certfile` holds the certificate then its intermediates, PEM; the key
    /// is read from `keyfile`, or from `certfile` when `None`. An encrypted
    /// key needs `password` (at most 1024 bytes); sslwrap never prompts on
    /// a terminal. Errors are Python's, e.g. `[SSL] PEM lib` for a bad file
    /// or wrong password, `[X509: KEY_VALUES_MISMATCH] key values mismatch`,
    /// and `[SSL: EE_KEY_TOO_SMALL] ee key too small` for a key weaker than
    /// the [`security_level`](Self::security_level) allows.
    pub fn load_cert_chain(
        &mut self,
        certfile: &Path,
        keyfile: Option<&Path>,
        password: Option<&[u8]>,
    ) -> Result<(), SslError> {
        if password.is_some_and(|p| p.len() > PEM_BUFSIZE) {
            return Err(SslError::value(format!(
                "password cannot be longer than {PEM_BUFSIZE} bytes"
            )));
        }
        let mut scratch = SslContextBuilder::new(method(self.settings.protocol))?;
        // OpenSSL checks the key and chain against the security level.
        scratch.set_security_level(self.settings.security_level);
        let keypath = keyfile.unwrap_or(certfile);
        let c_certfile = c_path(certfile)?;
        let c_keyfile = keyfile.map(c_path).transpose()?;
        let c_keyfile = c_keyfile.as_deref().unwrap_or(&c_certfile);
        let (loaded, errno) = ffi::with_errno(|| {
            ffi::ctx_use_certificate_chain_file(&mut scratch, &c_certfile, password)
        });
        loaded.map_err(|e| SslError::from_load(e, errno, certfile))?;
        let (loaded, errno) =
            ffi::with_errno(|| ffi::ctx_use_private_key_file(&mut scratch, c_keyfile, password));
        loaded.map_err(|e| SslError::from_load(e, errno, keypath))?;
        scratch.check_private_key()?;
        let ctx = scratch.build();
        let (Some(cert), Some(key)) = (ctx.certificate(), ctx.private_key()) else {
            return Err(SslError::ssl_message("no certificate or key was loaded"));
        };
        let chain = CertChain {
            cert: cert.to_owned(),
            chain: ffi::ctx_chain_certs(&ctx),
            key: key.to_owned(),
        };
        let chains = &mut self.settings_mut().chains;
        chains.retain(|c| c.key.id() != chain.key.id());
        chains.push(chain);
        Ok(())
    }

    /// Loads the system's default CA certificates.
    ///
    /// Python: `SSLContext.load_default_certs(purpose)`. OpenSSL:
    /// `SSL_CTX_set_default_verify_paths` (on Unix the purpose does not
    /// matter, as in Python). Honours `SSL_CERT_FILE` and `SSL_CERT_DIR`.
    pub fn load_default_certs(&mut self, purpose: Purpose) -> Result<(), SslError> {
        let _ = purpose;
        self.set_default_verify_paths()
    }

    /// Loads OpenSSL's default CA file and directory.
    ///
    /// Python: `SSLContext.set_default_verify_paths()`. OpenSSL:
    /// `SSL_CTX_set_default_verify_paths` (`SSL_CERT_FILE`, `SSL_CERT_DIR`,
    /// else OpenSSL's compiled-in paths). The file is read now; the
    /// directory is searched lazily during verification.
    pub fn set_default_verify_paths(&mut self) -> Result<(), SslError> {
        let file = ffi::default_cert_file();
        let (certs, crls) = load_into_store(file.as_ref(), |store| store.set_default_paths())?;
        let dir = ffi::default_cert_dir();
        let trust = &mut self.settings_mut().trust;
        trust.add(certs, crls);
        trust.dirs.push(dir);
        Ok(())
    }

    /// Sets the cipher list for TLS 1.2 and below (TLS 1.3 suites are
    /// OpenSSL's defaults, as in Python).
    ///
    /// Python: `SSLContext.set_ciphers(ciphers)`. OpenSSL:
    /// `SSL_CTX_set_cipher_list`.
    ///
    /// Fails with `SSLError` "No cipher can be selected." when the string
    /// selects no cipher.
    ///
    /// As in Python, that error's `Display` is its args tuple, `('No cipher
    /// can be selected.',)`; [`SslError::message`] is the sentence.
    ///
    /// A `@SECLEVEL=n` in the string sets the
    /// [`security_level`](Self::security_level), which then stays for later
    /// strings without one, as on Python's single `SSL_CTX` (even when the
    /// string selects no cipher). A NUL in the string is Python's
    /// `ValueError` "embedded null character".
    pub fn set_ciphers(&mut self, ciphers: &str) -> Result<(), SslError> {
        if ciphers.contains('\0') {
            return Err(SslError::value("embedded null character"));
        }
        let mut probe = SslContextBuilder::new(method(self.settings.protocol))?;
        probe.set_security_level(self.settings.security_level);
        let result = probe.set_cipher_list(ciphers);
        let level = ffi::ctx_builder_security_level(&probe);
        if level != self.settings.security_level {
            self.settings_mut().security_level = level;
        }
        if result.is_err() {
            return Err(SslError::ssl_message("No cipher can be selected."));
        }
        self.settings_mut().ciphers = ciphers.to_owned();
        Ok(())
    }

    /// Sets the lowest protocol version to negotiate.
    ///
    /// Python: `SSLContext.minimum_version = v`. OpenSSL:
    /// `SSL_CTX_set_min_proto_version`.
    ///
    /// `MaximumSupported` means TLS 1.3, as in Python.
    pub fn set_minimum_version(&mut self, v: TlsVersion) -> Result<(), SslError> {
        let raw = match v {
            TlsVersion::MinimumSupported => 0,
            TlsVersion::MaximumSupported => MAXIMUM_AVAILABLE,
            v => crate::version::version_raw(v),
        };
        self.settings_mut().min_version = raw;
        Ok(())
    }

    /// Sets the highest protocol version to negotiate.
    ///
    /// Python: `SSLContext.maximum_version = v`. OpenSSL:
    /// `SSL_CTX_set_max_proto_version`.
    ///
    /// `MinimumSupported` means TLS 1.0, as in Python.
    pub fn set_maximum_version(&mut self, v: TlsVersion) -> Result<(), SslError> {
        let raw = match v {
            TlsVersion::MaximumSupported => 0,
            TlsVersion::MinimumSupported => MINIMUM_AVAILABLE,
            v => crate::version::version_raw(v),
        };
        self.settings_mut().max_version = raw;
        Ok(())
    }

    /// Sets the ALPN protocols to offer (client) or accept (server), most
    /// preferred first.
    ///
    /// Python: `SSLContext.set_alpn_protocols(protocols)`. OpenSSL:
    /// `SSL_CTX_set_alpn_protos` and `SSL_CTX_set_alpn_select_cb` with
    /// `SSL_select_next_proto`.
    ///
    /// A server with no protocol in common sends no ALPN (no alert), as
    /// Python's. Each name must be 1 to 255 bytes of ASCII (`SSLError` "ALPN
    /// protocols must be 1 to 255 in length"); an empty list turns ALPN off.
    pub fn set_alpn_protocols(&mut self, protocols: &[&str]) -> Result<(), SslError> {
        let mut wire = Vec::new();
        for p in protocols {
            if !p.is_ascii() {
                return Err(SslError::value(format!(
                    "'ascii' codec can't encode protocol {p:?}"
                )));
            }
            if p.is_empty() || p.len() > 255 {
                return Err(SslError::ssl_message(
                    "ALPN protocols must be 1 to 255 in length",
                ));
            }
            wire.push(p.len() as u8);
            wire.extend_from_slice(p.as_bytes());
        }
        self.settings_mut().alpn = Some(wire);
        Ok(())
    }

    /// Sets the certificate verification flags.
    ///
    /// Python: `SSLContext.verify_flags = flags`. OpenSSL:
    /// `X509_VERIFY_PARAM_set_flags`/`X509_VERIFY_PARAM_clear_flags`.
    pub fn set_verify_flags(&mut self, flags: VerifyFlags) -> Result<(), SslError> {
        self.settings_mut().verify_flags = flags;
        Ok(())
    }

    /// Sets the option bits (all of them: read, modify, write).
    ///
    /// Python: `SSLContext.options = options`. OpenSSL:
    /// `SSL_CTX_clear_options` then `SSL_CTX_set_options`.
    pub fn set_options(&mut self, options: Options) -> Result<(), SslError> {
        self.settings_mut().options = options;
        Ok(())
    }

    /// Enables TLS 1.3 post-handshake client authentication.
    ///
    /// Python: `SSLContext.post_handshake_auth = on`. OpenSSL:
    /// `SSL_set_post_handshake_auth` (client), `SSL_VERIFY_POST_HANDSHAKE`
    /// (server).
    pub fn set_post_handshake_auth(&mut self, on: bool) -> Result<(), SslError> {
        self.settings_mut().post_handshake_auth = on;
        Ok(())
    }

    /// Sets the TLS 1.3 cipher suites, in OpenSSL's colon-separated format
    /// (`"TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"`); `""`
    /// allows none (then only TLS 1.2 and below can be negotiated).
    ///
    /// Python 3.15: `SSLContext.set_ciphersuites(ciphersuites)`. OpenSSL:
    /// [`SSL_CTX_set_ciphersuites`](https://docs.openssl.org/3.0/man3/SSL_CTX_set_ciphersuites/).
    ///
    /// [`set_ciphers`](Self::set_ciphers) covers TLS 1.2 and below only;
    /// without this call the suites are OpenSSL's default, as in Python.
    /// OpenSSL ignores names it does not know; when no name is known, this
    /// fails with Python's `SSLError` "No cipher suite can be selected." (no
    /// library or reason, as `_setSSLError` with a fixed text makes it). A
    /// NUL in the string is Python's `ValueError` "embedded null character".
    #[doc(alias = "SSL_CTX_set_ciphersuites")]
    pub fn set_ciphersuites(&mut self, ciphersuites: &str) -> Result<(), SslError> {
        if ciphersuites.contains('\0') {
            return Err(SslError::value("embedded null character"));
        }
        let mut probe = SslContextBuilder::new(method(self.settings.protocol))?;
        if probe.set_ciphersuites(ciphersuites).is_err() {
            return Err(SslError::ssl_text("No cipher suite can be selected."));
        }
        self.settings_mut().ciphersuites = Some(ciphersuites.to_owned());
        Ok(())
    }

    /// Sets the key-exchange groups (elliptic curves, finite-field groups,
    /// hybrid post-quantum groups), most preferred first, by OpenSSL name:
    /// `&["X25519", "P-256"]`, `&["secp384r1"]`, `&["ffdhe2048"]`.
    ///
    /// Python 3.15: `SSLContext.set_groups(groups)`, with the names joined
    /// by `:`. OpenSSL:
    /// [`SSL_CTX_set1_groups_list`](https://docs.openssl.org/3.0/man3/SSL_CTX_set1_curves/).
    ///
    /// This and [`set_ecdh_curve`](Self::set_ecdh_curve) set the same thing;
    /// the later call wins, and [`get_groups`](Self::get_groups) shows the
    /// result. A client offers key shares for the first group(s); a server
    /// picks from this list. An unknown name fails with `SSLError`
    /// "unrecognized group" (Python 3.15's text), and so does an empty list
    /// on OpenSSL 3.0 (3.6 accepts it); a NUL is `ValueError`
    /// "embedded null character".
    ///
    /// # Differences from Python
    ///
    /// Python takes one colon-separated string; this takes the names, and
    /// joins them with `:` (so `&["X25519:P-256"]` works too).
    #[doc(alias = "SSL_CTX_set1_groups_list")]
    pub fn set_groups(&mut self, groups: &[&str]) -> Result<(), SslError> {
        let list = groups.join(":");
        if list.contains('\0') {
            return Err(SslError::value("embedded null character"));
        }
        let mut probe = SslContextBuilder::new(method(self.settings.protocol))?;
        if probe.set_groups_list(&list).is_err() {
            return Err(SslError::ssl_text("unrecognized group"));
        }
        self.settings_mut().groups = Some(list);
        Ok(())
    }

    /// Whether hostname checking falls back to the subject's common name
    /// (CN) when the certificate has no DNS or IP subjectAltName.
    ///
    /// Python 3.7+: `SSLContext.hostname_checks_common_name = on`. OpenSSL:
    /// [`X509_VERIFY_PARAM_set_hostflags`](https://docs.openssl.org/3.0/man3/X509_VERIFY_PARAM_set_flags/)
    /// with or without `X509_CHECK_FLAG_NEVER_CHECK_SUBJECT` (beside the
    /// context's `X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS`).
    ///
    /// On by default, as in Python 3.11 (`SSLContext(...)` leaves
    /// `NEVER_CHECK_SUBJECT` unset): a client with
    /// [`check_hostname`](Self::check_hostname) accepts a CN-only
    /// certificate for the name in its CN. Off, such a certificate fails
    /// with "Hostname mismatch".
    ///
    /// # Security
    ///
    /// RFC 6125 deprecates the CN fallback; turn it off where every
    /// certificate has a subjectAltName, as public CAs' do.
    #[doc(alias = "X509_CHECK_FLAG_NEVER_CHECK_SUBJECT")]
    pub fn set_hostname_checks_common_name(&mut self, on: bool) -> Result<(), SslError> {
        let flags = &mut self.settings_mut().host_flags;
        flags.set(X509CheckFlags::NEVER_CHECK_SUBJECT, !on);
        Ok(())
    }

    /// Sets how many TLS 1.3 session tickets a server sends after each full
    /// handshake (`0`: none, so clients cannot resume with a ticket).
    ///
    /// Python 3.8+: `SSLContext.num_tickets = n`. OpenSSL:
    /// [`SSL_CTX_set_num_tickets`](https://docs.openssl.org/3.0/man3/SSL_CTX_set_num_tickets/).
    ///
    /// Only for [`Protocol::TlsServer`] contexts: any other fails with
    /// Python's `ValueError` "SSLContext is not a server context.".
    ///
    /// # Differences from Python
    ///
    /// A negative count (Python's `ValueError` "value must be non-negative")
    /// cannot be expressed.
    #[doc(alias = "SSL_CTX_set_num_tickets")]
    pub fn set_num_tickets(&mut self, n: usize) -> Result<(), SslError> {
        if self.settings.protocol != Protocol::TlsServer {
            return Err(SslError::value("SSLContext is not a server context."));
        }
        self.settings_mut().num_tickets = n;
        Ok(())
    }

    /// Loads Diffie-Hellman parameters from a PEM file (`-----BEGIN DH
    /// PARAMETERS-----`), enabling the `DHE-*` cipher suites of TLS 1.2 on a
    /// server.
    ///
    /// Python: `SSLContext.load_dh_params(dhfile)`. OpenSSL:
    /// `PEM_read_DHparams` and
    /// [`SSL_CTX_set_tmp_dh`](https://docs.openssl.org/3.0/man3/SSL_CTX_set_tmp_dh/)
    /// (on OpenSSL 3 that is `SSL_CTX_set0_tmp_dh_pkey`).
    ///
    /// Errors are Python's: a missing or unreadable file is `OSError` with
    /// the name (`FileNotFoundError` "[Errno 2] No such file or directory:
    /// 'dh.pem'"); a file without parameters is `SSLError` (`[PEM:
    /// NO_START_LINE] no start line`); parameters too weak for the
    /// [`security_level`](Self::security_level) are `[SSL: DH_KEY_TOO_SMALL]
    /// dh key too small`. The check is made now, against the security level
    /// of now, as Python makes it; a later [`set_ciphers`](Self::set_ciphers)
    /// raising the level does not undo the load (the handshake then refuses
    /// the parameters, as Python's does).
    ///
    /// # Differences from Python
    ///
    /// Errors also name the file ([`SslError::filename`]).
    #[doc(alias = "SSL_CTX_set_tmp_dh")]
    #[doc(alias = "PEM_read_DHparams")]
    pub fn load_dh_params(&mut self, path: &Path) -> Result<(), SslError> {
        c_path(path)?;
        let pem = std::fs::read(path).map_err(|e| {
            SslError::io_file(e, path, &crate::cert::py_repr(&path.to_string_lossy()))
        })?;
        let dh = Dh::params_from_pem(&pem)
            .map_err(|e| SslError::from_stack(e, None).with_filename(path))?;
        let mut probe = SslContextBuilder::new(method(self.settings.protocol))?;
        probe.set_security_level(self.settings.security_level);
        probe
            .set_tmp_dh(&dh)
            .map_err(|e| SslError::from_stack(e, None).with_filename(path))?;
        self.settings_mut().dh_params = Some(Arc::new(dh));
        Ok(())
    }

    /// The protocol the context was made for.
    ///
    /// Python: `SSLContext.protocol`.
    pub fn protocol(&self) -> Protocol {
        self.settings.protocol
    }

    /// How the peer's certificate is verified.
    ///
    /// Python: `SSLContext.verify_mode`. OpenSSL: `SSL_CTX_get_verify_mode`.
    pub fn verify_mode(&self) -> VerifyMode {
        self.settings.verify_mode
    }

    /// Whether the peer's certificate must match `server_hostname`.
    ///
    /// Python: `SSLContext.check_hostname`.
    pub fn check_hostname(&self) -> bool {
        self.settings.check_hostname
    }

    /// The lowest protocol version negotiated.
    ///
    /// Python: `SSLContext.minimum_version`. OpenSSL:
    /// `SSL_CTX_get_min_proto_version`.
    pub fn minimum_version(&self) -> TlsVersion {
        match self.settings.min_version {
            0 => TlsVersion::MinimumSupported,
            raw => crate::version::version_from_raw(raw),
        }
    }

    /// The highest protocol version negotiated.
    ///
    /// Python: `SSLContext.maximum_version`. OpenSSL:
    /// `SSL_CTX_get_max_proto_version`.
    pub fn maximum_version(&self) -> TlsVersion {
        match self.settings.max_version {
            0 => TlsVersion::MaximumSupported,
            raw => crate::version::version_from_raw(raw),
        }
    }

    /// The certificate verification flags.
    ///
    /// Python: `SSLContext.verify_flags`. OpenSSL:
    /// `X509_VERIFY_PARAM_get_flags`.
    pub fn verify_flags(&self) -> VerifyFlags {
        self.settings.verify_flags
    }

    /// The option bits.
    ///
    /// Python: `SSLContext.options`. OpenSSL: `SSL_CTX_get_options`.
    pub fn options(&self) -> Options {
        self.settings.options
    }

    /// Whether TLS 1.3 post-handshake authentication is enabled.
    ///
    /// Python: `SSLContext.post_handshake_auth`.
    pub fn post_handshake_auth(&self) -> bool {
        self.settings.post_handshake_auth
    }

    /// Restricts key exchange to one elliptic curve (group), by its OpenSSL
    /// short name: `"prime256v1"`, `"secp384r1"`, `"X25519"`, ….
    ///
    /// Python: `SSLContext.set_ecdh_curve(name)`. OpenSSL: `OBJ_sn2nid`,
    /// `SSL_CTX_set1_groups` (Python's call on OpenSSL 3).
    ///
    /// An unknown name is Python's `ValueError` "unknown elliptic curve name
    /// 'name'". A TLS 1.3 server restricted to a group the client sent no
    /// key share for answers with a HelloRetryRequest.
    ///
    /// This is [`set_groups`](Self::set_groups) with one group, checked the
    /// way Python 3.11 checks it: the later of the two calls wins, and
    /// [`get_groups`](Self::get_groups) shows the result.
    pub fn set_ecdh_curve(&mut self, name: &str) -> Result<(), SslError> {
        let unknown = || {
            SslError::value(format!(
                "unknown elliptic curve name {}",
                crate::cert::py_repr(name)
            ))
        };
        let c_name = CString::new(name).map_err(|_| SslError::value("embedded null byte"))?;
        let nid = ffi::obj_sn2nid(&c_name).ok_or_else(unknown)?;
        let mut probe = SslContextBuilder::new(method(self.settings.protocol))?;
        ffi::ctx_set1_groups(&mut probe, &[nid])?;
        // The group's name as `SSL_CTX_set1_groups_list` takes it: OpenSSL's
        // short name for the NID (its "real name" in the group table).
        let list = openssl::nid::Nid::from_raw(nid).short_name()?.to_owned();
        probe.set_groups_list(&list)?;
        self.settings_mut().groups = Some(list);
        Ok(())
    }

    /// Calls `f` for every record header, handshake message, alert and
    /// change-cipher-spec of every connection wrapped afterwards, in both
    /// directions; `None` removes it.
    ///
    /// Python: `SSLContext._msg_callback = f` (private there; `f(conn,
    /// direction, version, content_type, msg_type, data)`). OpenSSL:
    /// `SSL_CTX_set_msg_callback`.
    ///
    /// `f` runs inside OpenSSL's handshake, read and write calls, on the
    /// thread making them. If it panics, the panic is caught (it never
    /// unwinds into OpenSSL) and that call fails with an
    /// [`SslErrorKind::Ssl`](crate::SslErrorKind::Ssl) error naming the
    /// callback; other connections are not affected. To keep one
    /// connection's events instead, wrap it with
    /// [`WrapOptions::trace`](crate::WrapOptions::trace).
    pub fn set_msg_callback<F>(&mut self, f: Option<F>)
    where
        F: Fn(&TraceEvent) + Send + Sync + 'static,
    {
        self.settings_mut().hooks.msg = f.map(|f| Arc::new(f) as _);
    }

    /// Appends the TLS secrets of every connection wrapped afterwards to
    /// `path` as NSS key-log lines (for Wireshark); `None` stops.
    ///
    /// Python: `SSLContext.keylog_filename = path`. OpenSSL:
    /// `SSL_CTX_set_keylog_callback`.
    ///
    /// The file is opened for appending now, as Python does, and Python's
    /// header line is written when it is empty; an error is Python's
    /// `OSError` with the file name (`[Errno 2] No such file or directory:
    /// '/no/such/dir/keys'`). Every connection and thread shares the file;
    /// each line is written whole. A write that fails later fails the call
    /// that ran the handshake.
    ///
    /// # Security
    ///
    /// Anyone who can read the file can decrypt the recorded connections.
    pub fn set_keylog_filename(&mut self, path: Option<&Path>) -> Result<(), SslError> {
        let file = path.map(KeylogFile::open).transpose()?;
        self.settings_mut().hooks.keylog_file = file.map(Arc::new);
        Ok(())
    }

    /// The key-log file set with
    /// [`set_keylog_filename`](Self::set_keylog_filename).
    ///
    /// Python: `SSLContext.keylog_filename`.
    pub fn keylog_filename(&self) -> Option<&Path> {
        self.settings
            .hooks
            .keylog_file
            .as_deref()
            .map(KeylogFile::path)
    }

    /// Calls `f` with each NSS key-log line (without its newline) of every
    /// connection wrapped afterwards; `None` removes it. Works beside
    /// [`set_keylog_filename`](Self::set_keylog_filename).
    ///
    /// Python: none (sslwrap; the lines Python writes to
    /// `keylog_filename`). OpenSSL: `SSL_CTX_set_keylog_callback`.
    ///
    /// A panic in `f` is caught and fails the call that ran the handshake,
    /// as for [`set_msg_callback`](Self::set_msg_callback).
    ///
    /// # Security
    ///
    /// The lines are the connection's secrets.
    pub fn set_keylog_callback<F>(&mut self, f: Option<F>)
    where
        F: Fn(&str) + Send + Sync + 'static,
    {
        self.settings_mut().hooks.keylog = f.map(|f| Arc::new(f) as _);
    }

    /// Counts of the loaded CA material: `(x509, crl, x509_ca)`.
    ///
    /// Python: `SSLContext.cert_store_stats()` (`{'x509': …, 'crl': …,
    /// 'x509_ca': …}`). OpenSSL: `X509_check_ca` over the store.
    ///
    /// Certificates a `capath` directory yields during verification are
    /// counted once a handshake has looked them up, as in Python (until a
    /// setting changes: the next OpenSSL context starts without them).
    pub fn cert_store_stats(&self) -> (usize, usize, usize) {
        let trust = &self.settings.trust;
        let looked_up = self.looked_up_certs();
        let ca = trust
            .certs
            .iter()
            .chain(&looked_up)
            .filter(|c| ffi::x509_check_ca(c))
            .count();
        (trust.certs.len() + looked_up.len(), trust.crls.len(), ca)
    }

    /// Whether hostname checking falls back to the subject's common name
    /// when the certificate has no subjectAltName; `true` by default. See
    /// [`set_hostname_checks_common_name`](Self::set_hostname_checks_common_name).
    ///
    /// Python 3.7+: `SSLContext.hostname_checks_common_name`. OpenSSL:
    /// `X509_VERIFY_PARAM_get_hostflags` lacks `NEVER_CHECK_SUBJECT`.
    pub fn hostname_checks_common_name(&self) -> bool {
        !self
            .settings
            .host_flags
            .contains(X509CheckFlags::NEVER_CHECK_SUBJECT)
    }

    /// The security level (0 to 5): which key sizes, signature algorithms
    /// and protocol versions OpenSSL allows. Python's cipher string sets 2;
    /// `@SECLEVEL=n` in [`set_ciphers`](Self::set_ciphers) changes it.
    ///
    /// Python 3.10+: `SSLContext.security_level`. OpenSSL:
    /// [`SSL_CTX_get_security_level`](https://docs.openssl.org/3.0/man3/SSL_CTX_set_security_level/).
    #[doc(alias = "SSL_CTX_get_security_level")]
    pub fn security_level(&self) -> u32 {
        self.settings.security_level
    }

    /// How many TLS 1.3 session tickets a server sends after a full
    /// handshake; 2 by default (OpenSSL's).
    ///
    /// Python 3.8+: `SSLContext.num_tickets`. OpenSSL:
    /// `SSL_CTX_get_num_tickets`.
    #[doc(alias = "SSL_CTX_get_num_tickets")]
    pub fn num_tickets(&self) -> usize {
        self.settings.num_tickets
    }

    /// The key-exchange groups connections of this context use, most
    /// preferred first, by OpenSSL's TLS name: `"x25519"`, `"secp256r1"`,
    /// `"ffdhe2048"`, … Those set with [`set_groups`](Self::set_groups) or
    /// [`set_ecdh_curve`](Self::set_ecdh_curve), else OpenSSL's defaults;
    /// in either case only those the security level and the
    /// [minimum](Self::minimum_version)/[maximum](Self::maximum_version)
    /// versions allow.
    ///
    /// Python 3.15: `SSLContext.get_groups()` (see below). OpenSSL: what a
    /// client of this configuration writes in the `supported_groups`
    /// extension of its ClientHello (generated in memory and never sent),
    /// named with `SSL_group_to_name`.
    ///
    /// # Differences from Python
    ///
    /// Python 3.15 lists the groups OpenSSL *implements* for the context's
    /// versions (`SSL_CTX_get0_implemented_groups`, OpenSSL 3.5+), whatever
    /// `set_groups` chose, and has `include_aliases`. OpenSSL 3.0 has no such
    /// call, so this lists the groups the context *uses*, which also makes
    /// it the getter of [`set_groups`](Self::set_groups).
    pub fn get_groups(&self) -> Result<Vec<String>, SslError> {
        let s = &self.settings;
        let mut probe = SslContextBuilder::new(SslMethod::tls_client())?;
        probe.clear_options(SslOptions::from_bits_retain(!0));
        probe.set_options(SslOptions::from_bits_retain(s.options.bits()));
        probe.set_cipher_list(&s.ciphers)?;
        probe.set_security_level(s.security_level);
        if let Some(suites) = &s.ciphersuites {
            probe.set_ciphersuites(suites)?;
        }
        probe.set_min_proto_version(proto_version(s.min_version))?;
        probe.set_max_proto_version(proto_version(s.max_version))?;
        if let Some(groups) = &s.groups {
            probe.set_groups_list(groups)?;
        }
        let probe = probe.build();
        groups_offered_by(&probe)
    }

    /// The cipher suites connections of this context may negotiate, in
    /// preference order: the TLS 1.3 suites, then those of
    /// [`set_ciphers`](Self::set_ciphers), each as Python's dict.
    ///
    /// Python: `SSLContext.get_ciphers()`. OpenSSL: `SSL_CTX_get_ciphers`
    /// (CPython calls `SSL_get_ciphers` on a fresh `SSL`, the same list) and
    /// CPython's `cipher_to_dict` for each ([`CipherInfo`]).
    ///
    /// Builds the OpenSSL context for the current settings if no wrap has
    /// yet (the next wrap reuses it), so an error is one of building.
    #[doc(alias = "SSL_CTX_get_ciphers")]
    pub fn get_ciphers(&self) -> Result<Vec<CipherInfo>, SslError> {
        Ok(CipherInfo::list(self.built()?))
    }

    /// The session-cache counters of the OpenSSL context the current
    /// settings built: handshakes started and completed as client and as
    /// server, sessions resumed, cache misses, ….
    ///
    /// Python: `SSLContext.session_stats()`. OpenSSL: the `SSL_CTX_sess_*`
    /// macros.
    ///
    /// # Differences from Python
    ///
    /// Python's counters belong to its one `SSL_CTX` for the context's
    /// whole life. An [`SslContext`] builds a new OpenSSL context for each
    /// generation of settings (see the module docs), so the counters are
    /// those of the current generation: they start again from zero after
    /// any setter, and count only the sockets wrapped since (also the
    /// handshakes those run later). All zero until the OpenSSL context of
    /// the current settings is built (by the first wrap, or
    /// [`get_ciphers`](Self::get_ciphers)).
    pub fn session_stats(&self) -> SessionStats {
        self.built
            .get()
            .map(|ctx| SessionStats::of(ctx))
            .unwrap_or_default()
    }

    /// The loaded CA certificates (those `X509_check_ca` accepts), each as
    /// Python's certificate dict, in the order Python lists them.
    ///
    /// Python: `SSLContext.get_ca_certs()`. OpenSSL:
    /// `X509_STORE_get0_objects` and `X509_check_ca`, decoded as
    /// `getpeercert()` decodes ([`PeerCert`]).
    ///
    /// Certificates loaded that are not CAs (a leaf given as `cafile`)
    /// are left out but counted by
    /// [`cert_store_stats`](Self::cert_store_stats); certificates of a
    /// `capath` directory are listed once a verification has looked them
    /// up, as in Python.
    ///
    /// # Differences from Python
    ///
    /// Python's store lives as long as the context; sslwrap builds a new
    /// OpenSSL context after a setting changes, which starts without the
    /// `capath` certificates earlier handshakes looked up.
    #[doc(alias = "X509_STORE_get0_objects")]
    pub fn get_ca_certs(&self) -> Result<Vec<PeerCert>, SslError> {
        self.ca_certs()?
            .iter()
            .map(|c| PeerCert::from_x509(c))
            .collect()
    }

    /// [`get_ca_certs`](Self::get_ca_certs) as DER.
    ///
    /// Python: `SSLContext.get_ca_certs(binary_form=True)`. OpenSSL:
    /// `i2d_X509` of each.
    pub fn get_ca_certs_der(&self) -> Result<Vec<Vec<u8>>, SslError> {
        self.ca_certs()?
            .iter()
            .map(|c| c.to_der().map_err(SslError::from))
            .collect()
    }

    fn settings_mut(&mut self) -> &mut Settings {
        self.built = OnceLock::new();
        &mut self.settings
    }

    /// The CA certificates of [`get_ca_certs`](Self::get_ca_certs).
    fn ca_certs(&self) -> Result<Vec<X509>, SslError> {
        let mut certs = self.settings.trust.store_order()?;
        certs.extend(self.looked_up_certs());
        Ok(certs
            .into_iter()
            .filter(|c| ffi::x509_check_ca(c))
            .collect())
    }

    /// Certificates a verification found in a `capath` directory since the
    /// current OpenSSL context was built: OpenSSL caches each in the
    /// context's store, where Python's `get_ca_certs` and
    /// `cert_store_stats` see them.
    fn looked_up_certs(&self) -> Vec<X509> {
        let Some(built) = self.built.get() else {
            return Vec::new();
        };
        let loaded = &self.settings.trust.certs;
        ffi::ctx_store_certs(built)
            .into_iter()
            .filter(|c| !loaded.iter().any(|l| l.as_ref() == c.as_ref()))
            .collect()
    }

    /// What each connection takes from the context besides the OpenSSL
    /// context.
    pub(crate) fn conn_config(&self) -> ConnConfig {
        ConnConfig {
            protocol: self.settings.protocol,
            context_id: self.id,
            check_hostname: self.settings.check_hostname,
            post_handshake_auth: self.settings.post_handshake_auth,
            hooks: self.settings.hooks.any(),
        }
    }

    /// The OpenSSL context for the current settings, built on first use
    /// after a change (see the module docs).
    pub(crate) fn built(&self) -> Result<&openssl::ssl::SslContext, SslError> {
        if let Some(ctx) = self.built.get() {
            return Ok(ctx);
        }
        let ctx = self.settings.build(self.id)?;
        // Two threads may build at once; either result is the same.
        Ok(self.built.get_or_init(|| ctx))
    }

    /// The context an OpenSSL context was built from, sharing it (what a
    /// connection's `context()` returns); `None` for one sslwrap did not
    /// build.
    pub(crate) fn of_openssl(ctx: &openssl::ssl::SslContextRef) -> Option<SslContext> {
        let origin = ctx.ex_data(origin_index().ok()?)?;
        Some(SslContext {
            id: origin.id,
            settings: origin.settings.clone(),
            built: OnceLock::from(ctx.to_owned()),
        })
    }

    /// The context's callbacks.
    pub(crate) fn hooks(&self) -> &CtxHooks {
        &self.settings.hooks
    }

    /// The context's callbacks, to change (connections wrapped afterwards
    /// get the change).
    pub(crate) fn hooks_mut(&mut self) -> &mut CtxHooks {
        &mut self.settings_mut().hooks
    }

    /// The identity of the context an OpenSSL context was built from.
    pub(crate) fn id_of_openssl(ctx: &openssl::ssl::SslContextRef) -> Option<u64> {
        Some(ctx.ex_data(origin_index().ok()?)?.id)
    }
}

/// Where a built OpenSSL context keeps the settings it was built from
/// (`SSL_CTX` ex_data), for a connection's `context()`.
fn origin_index(
) -> Result<openssl::ex_data::Index<openssl::ssl::SslContext, SslContext>, ErrorStack> {
    static INDEX: OnceLock<openssl::ex_data::Index<openssl::ssl::SslContext, SslContext>> =
        OnceLock::new();
    ffi::ex_index(&INDEX, openssl::ssl::SslContext::new_ex_index)
}

/// The settings of the beyond-Python modules (`configurator.rs`,
/// `session_cache.rs`), which hold their public setters.
impl SslContext {
    pub(crate) fn set_configurator(&mut self, f: Option<Configurator>) {
        self.settings_mut().configurator = f;
    }

    pub(crate) fn set_session_cache(&mut self, cache: Option<Arc<ClientSessionCache>>) {
        self.settings_mut().session_cache = cache;
    }

    pub(crate) fn session_cache(&self) -> Option<&ClientSessionCache> {
        self.settings.session_cache.as_deref()
    }
}

impl std::fmt::Debug for SslContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.settings;
        f.debug_struct("SslContext")
            .field("protocol", &s.protocol)
            .field("verify_mode", &s.verify_mode)
            .field("check_hostname", &s.check_hostname)
            .field("minimum_version", &self.minimum_version())
            .field("maximum_version", &self.maximum_version())
            .field("options", &s.options)
            .field("verify_flags", &s.verify_flags)
            .field("security_level", &s.security_level)
            .field(
                "hostname_checks_common_name",
                &self.hostname_checks_common_name(),
            )
            .field("num_tickets", &s.num_tickets)
            .field("groups", &s.groups)
            .field("cert_store_stats", &self.cert_store_stats())
            .field("cert_chains", &s.chains.len())
            .field("keylog_filename", &self.keylog_filename())
            .field("msg_callback", &s.hooks.msg.is_some())
            .field("openssl_configurator", &s.configurator.is_some())
            .field("client_session_cache", &self.client_session_cache())
            .finish()
    }
}

/// A context with Python's secure defaults for `purpose`, loaded with the
/// system's CA certificates when it verifies peers.
///
/// Python: `ssl.create_default_context(purpose)`. OpenSSL: as
/// [`SslContext::new`], then `SSL_CTX_set_default_verify_paths`.
///
/// [`Purpose::ServerAuth`] (for clients): `PROTOCOL_TLS_CLIENT`,
/// `CERT_REQUIRED`, `check_hostname`, system CAs. [`Purpose::ClientAuth`]
/// (for servers): `PROTOCOL_TLS_SERVER`, `CERT_NONE`, no CAs. When the
/// environment variable `SSLKEYLOGFILE` is set and not empty, its value is
/// the [`keylog_filename`](SslContext::keylog_filename), as in Python.
///
/// Both add [`VERIFY_X509_STRICT`](crate::VERIFY_X509_STRICT) and
/// [`VERIFY_X509_PARTIAL_CHAIN`](crate::VERIFY_X509_PARTIAL_CHAIN) to the
/// verify flags, as Python 3.13 and later do: chain building stops at the
/// first trusted certificate, self-signed or not (RFC 5280), and
/// certificates that break the X.509 rules are refused (a CA without
/// critical basicConstraints or keyUsage, a certificate without an
/// authority key identifier, …).
///
/// # Differences from Python
///
/// Python 3.10 to 3.12 leave the verify flags at
/// `VERIFY_X509_TRUSTED_FIRST`. For their behaviour, e.g. with a private
/// CA whose certificates the strict checks refuse:
///
/// ```
/// use sslwrap::{create_default_context, Purpose, VERIFY_X509_PARTIAL_CHAIN, VERIFY_X509_STRICT};
///
/// # fn main() -> Result<(), sslwrap::SslError> {
/// let mut ctx = create_default_context(Purpose::ServerAuth)?;
/// ctx.set_verify_flags(ctx.verify_flags() & !(VERIFY_X509_STRICT | VERIFY_X509_PARTIAL_CHAIN))?;
/// # Ok(())
/// # }
/// ```
pub fn create_default_context(purpose: Purpose) -> Result<SslContext, SslError> {
    let mut ctx = match purpose {
        Purpose::ServerAuth => {
            let mut ctx = SslContext::new(Protocol::TlsClient)?;
            ctx.set_verify_mode(VerifyMode::CertRequired)?;
            ctx.set_check_hostname(true)?;
            ctx
        }
        Purpose::ClientAuth => SslContext::new(Protocol::TlsServer)?,
    };
    // Python 3.13: `context.verify_flags |= (_ssl.VERIFY_X509_PARTIAL_CHAIN
    // | _ssl.VERIFY_X509_STRICT)`.
    let flags = ctx.verify_flags() | VerifyFlags::VERIFY_X509_PARTIAL_CHAIN;
    ctx.set_verify_flags(flags | VerifyFlags::VERIFY_X509_STRICT)?;
    if ctx.verify_mode() != VerifyMode::CertNone {
        ctx.load_default_certs(purpose)?;
    }
    // Python: `keylogfile = os.environ.get('SSLKEYLOGFILE'); if keylogfile
    // and not sys.flags.ignore_environment: context.keylog_filename = …`.
    if let Some(path) = std::env::var_os("SSLKEYLOGFILE").filter(|p| !p.is_empty()) {
        ctx.set_keylog_filename(Some(Path::new(&path)))?;
    }
    Ok(ctx)
}

impl Settings {
    /// A fresh OpenSSL context configured as these settings say.
    fn build(&self, id: u64) -> Result<openssl::ssl::SslContext, SslError> {
        let mut b = SslContextBuilder::new(method(self.protocol))?;
        b.clear_options(SslOptions::from_bits_retain(!0));
        b.set_options(SslOptions::from_bits_retain(self.options.bits()));
        b.set_cipher_list(&self.ciphers)?;
        // Python's SSL_CTX has the level of the cipher strings set so far;
        // until the end of this function, 0: the certificates, keys and DH
        // parameters were checked against the level of their time when they
        // were loaded (as Python checks them), and a later change of level
        // must not make building fail. Handshakes apply the final level.
        b.set_security_level(0);
        if let Some(suites) = &self.ciphersuites {
            b.set_ciphersuites(suites)?;
        }
        b.set_min_proto_version(proto_version(self.min_version))?;
        b.set_max_proto_version(proto_version(self.max_version))?;
        b.set_mode(
            SslMode::RELEASE_BUFFERS | SslMode::ACCEPT_MOVING_WRITE_BUFFER | SslMode::AUTO_RETRY,
        );
        // A PSK client leaves it empty: OpenSSL's TLS 1.3 session for the
        // key has none, and a client refuses a PSK the server accepted when
        // they differ (`psk.rs`).
        let psk_client = self.hooks.psk_client.is_some() && self.protocol != Protocol::TlsServer;
        b.set_session_id_context(if psk_client { b"" } else { SID_CTX })?;
        b.set_verify(match self.verify_mode {
            VerifyMode::CertNone => SslVerifyMode::NONE,
            VerifyMode::CertOptional => SslVerifyMode::PEER,
            VerifyMode::CertRequired => SslVerifyMode::PEER | SslVerifyMode::FAIL_IF_NO_PEER_CERT,
        });
        let param = b.verify_param_mut();
        param.clear_flags(X509VerifyFlags::from_bits_retain(!0))?;
        param.set_flags(X509VerifyFlags::from_bits_retain(
            self.verify_flags.bits() as _
        ))?;
        param.set_hostflags(self.host_flags);
        let store = b.cert_store_mut();
        for cert in &self.trust.certs {
            store.add_cert(cert.clone())?;
        }
        for crl in &self.trust.crls {
            ffi::store_add_crl(store, crl)?;
        }
        if !self.trust.dirs.is_empty() {
            let lookup = store.add_lookup(X509Lookup::hash_dir())?;
            for dir in &self.trust.dirs {
                lookup.add_dir(dir, SslFiletype::PEM)?;
            }
        }
        for chain in &self.chains {
            b.set_certificate(&chain.cert)?;
            for c in &chain.chain {
                ffi::ctx_add1_chain_cert(&mut b, c)?;
            }
            b.set_private_key(&chain.key)?;
        }
        if let Some(wire) = &self.alpn {
            b.set_alpn_protos(wire)?;
            let server = wire.clone();
            b.set_alpn_select_callback(move |_, client| {
                select_alpn(&server, client).ok_or(AlpnError::NOACK)
            });
        }
        if let Some(groups) = &self.groups {
            b.set_groups_list(groups)?;
        }
        b.set_num_tickets(self.num_tickets)?;
        if let Some(dh) = &self.dh_params {
            b.set_tmp_dh(dh)?;
        }
        b.set_security_level(self.security_level);
        self.hooks.install(&mut b)?;
        if let Some(cache) = &self.session_cache {
            cache.install(&mut b, self.protocol)?;
        }
        let origin = SslContext {
            id,
            settings: self.clone(),
            built: OnceLock::new(),
        };
        b.set_ex_data(origin_index()?, origin);
        // The user's hook runs last, after everything sslwrap sets.
        crate::configurator::apply(self.configurator.as_ref(), &mut b)?;
        Ok(b.build())
    }
}

/// `SSL_select_next_proto` as Python's ALPN callback uses it: the first of
/// the server's protocols that the client also offers. The match is
/// returned from the client's list, which is what OpenSSL's callback must
/// point into.
fn select_alpn<'a>(server: &[u8], client: &'a [u8]) -> Option<&'a [u8]> {
    let server_protos = WireProtocols(server);
    server_protos
        .into_iter()
        .find_map(|want| WireProtocols(client).into_iter().find(|got| *got == want))
}

/// Iterates over length-prefixed ALPN protocol names.
#[derive(Clone, Copy)]
struct WireProtocols<'a>(&'a [u8]);

impl<'a> Iterator for WireProtocols<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let (&len, rest) = self.0.split_first()?;
        if rest.len() < len as usize {
            self.0 = &[];
            return None;
        }
        let (proto, rest) = rest.split_at(len as usize);
        self.0 = rest;
        Some(proto)
    }
}

/// A path as OpenSSL takes it; Python's `ValueError` for a NUL inside.
fn c_path(path: &Path) -> Result<CString, SslError> {
    use std::os::unix::ffi::OsStrExt;
    CString::new(path.as_os_str().as_bytes()).map_err(|_| SslError::value("embedded null byte"))
}

fn method(protocol: Protocol) -> SslMethod {
    match protocol {
        Protocol::Tls => SslMethod::tls(),
        Protocol::TlsClient => SslMethod::tls_client(),
        Protocol::TlsServer => SslMethod::tls_server(),
    }
}

fn proto_version(raw: i32) -> Option<SslVersion> {
    match raw {
        0x0300 => Some(SslVersion::SSL3),
        0x0301 => Some(SslVersion::TLS1),
        0x0302 => Some(SslVersion::TLS1_1),
        0x0303 => Some(SslVersion::TLS1_2),
        0x0304 => Some(SslVersion::TLS1_3),
        _ => None,
    }
}

/// Runs `load` (which reads `path`) on a scratch store and returns what it
/// loaded, so errors are those of the OpenSSL call Python makes.
fn load_into_store(
    path: &Path,
    load: impl FnOnce(&mut openssl::x509::store::X509StoreBuilderRef) -> Result<(), ErrorStack>,
) -> Result<(Vec<X509>, Vec<X509Crl>), SslError> {
    let mut store = X509StoreBuilder::new()?;
    let (loaded, errno) = ffi::with_errno(|| load(&mut store));
    loaded.map_err(|e| SslError::from_load(e, errno, path))?;
    Ok(ffi::store_objects(&mut store))
}

/// Python's `_add_ca_certs`: read certificates from `cadata` until the data
/// ends; return those read and whether the end was clean.
fn load_cadata(data: CaData<'_>) -> (Vec<X509>, Result<(), SslError>) {
    let (bytes, pem) = match data {
        CaData::Pem(s) => {
            if !s.is_ascii() {
                return (
                    Vec::new(),
                    Err(SslError::type_error(
                        "cadata should be an ASCII string or a bytes-like object",
                    )),
                );
            }
            (s.as_bytes(), true)
        }
        CaData::Der(b) => (b, false),
    };
    if bytes.is_empty() {
        return (Vec::new(), Err(SslError::value("Empty certificate data")));
    }
    let ffi::ReadCerts {
        certs,
        stack,
        at_end,
    } = match ffi::read_certs(bytes, pem) {
        Ok(read) => read,
        Err(e) => return (Vec::new(), Err(e.into())),
    };
    let last = stack.errors().last().map(crate::error::lib_reason);
    let result = if certs.is_empty() {
        let text = if pem {
            "no start line: cadata does not contain a certificate"
        } else {
            "not enough data: cadata does not contain a certificate"
        };
        Err(SslError::from_stack(stack, Some(text)))
    } else {
        match last {
            // ASN1_R_HEADER_TOO_LONG / PEM_R_NO_START_LINE: the data ended.
            // OpenSSL 3.6 says ASN1_R_NOT_ENOUGH_DATA at the end of DER data
            // (CPython 3.11 knows only 3.0's code), so for DER a read that
            // began with nothing left is the end too (see vendor-notes.md).
            Some((13, 123)) if !pem => Ok(()),
            Some(_) if !pem && at_end => Ok(()),
            Some((9, 108)) if pem => Ok(()),
            Some(_) => Err(SslError::from_stack(stack, None)),
            None => Ok(()),
        }
    };
    (certs, result)
}
