//! Python's spellings of `ssl` module constants, so ported code reads the
//! same: `sslwrap::CERT_REQUIRED`, `sslwrap::OP_NO_COMPRESSION`, ….
#![allow(non_upper_case_globals)] // Python spells them OP_NO_TLSv1, ….

use std::sync::LazyLock;

use crate::context::{Options, Protocol, VerifyFlags, VerifyMode};

/// Python: `ssl.CERT_NONE`. See [`VerifyMode::CertNone`].
pub const CERT_NONE: VerifyMode = VerifyMode::CertNone;
/// Python: `ssl.CERT_OPTIONAL`. See [`VerifyMode::CertOptional`].
pub const CERT_OPTIONAL: VerifyMode = VerifyMode::CertOptional;
/// Python: `ssl.CERT_REQUIRED`. See [`VerifyMode::CertRequired`].
pub const CERT_REQUIRED: VerifyMode = VerifyMode::CertRequired;

/// Python: `ssl.PROTOCOL_TLS` (deprecated there). See [`Protocol::Tls`].
pub const PROTOCOL_TLS: Protocol = Protocol::Tls;
/// Python: `ssl.PROTOCOL_TLS_CLIENT`. See [`Protocol::TlsClient`].
pub const PROTOCOL_TLS_CLIENT: Protocol = Protocol::TlsClient;
/// Python: `ssl.PROTOCOL_TLS_SERVER`. See [`Protocol::TlsServer`].
pub const PROTOCOL_TLS_SERVER: Protocol = Protocol::TlsServer;

macro_rules! python_names {
    ($ty:ident: $($name:ident),* $(,)?) => {
        $(
            #[doc = concat!("Python: `ssl.", stringify!($name), "`. See [`", stringify!($ty), "::", stringify!($name), "`].")]
            pub const $name: $ty = $ty::$name;
        )*
    };
}

/// Python: `ssl.VERIFY_DEFAULT` (no flags).
pub const VERIFY_DEFAULT: VerifyFlags = VerifyFlags::empty();
python_names!(VerifyFlags: VERIFY_CRL_CHECK_LEAF, VERIFY_CRL_CHECK_CHAIN, VERIFY_X509_STRICT,
    VERIFY_X509_PARTIAL_CHAIN, VERIFY_X509_TRUSTED_FIRST, VERIFY_ALLOW_PROXY_CERTS);
python_names!(Options: OP_ALL, OP_NO_COMPRESSION, OP_NO_TICKET, OP_NO_RENEGOTIATION,
    OP_CIPHER_SERVER_PREFERENCE, OP_SINGLE_DH_USE, OP_SINGLE_ECDH_USE, OP_ENABLE_MIDDLEBOX_COMPAT,
    OP_IGNORE_UNEXPECTED_EOF, OP_NO_SSLv2, OP_NO_SSLv3, OP_NO_TLSv1, OP_NO_TLSv1_1, OP_NO_TLSv1_2,
    OP_NO_TLSv1_3);

/// Python: `ssl.OPENSSL_VERSION`, e.g. `"OpenSSL 3.0.19 27 Jan 2026"`: the
/// OpenSSL sslwrap runs on (read once, at first use). Also
/// [`openssl_version()`](crate::openssl_version).
///
/// OpenSSL: `OpenSSL_version(OPENSSL_VERSION)`.
///
/// # Differences from Python
///
/// A `LazyLock` rather than a `str`, because the version is the runtime
/// library's: read it as `*sslwrap::OPENSSL_VERSION`.
pub static OPENSSL_VERSION: LazyLock<&'static str> = LazyLock::new(openssl::version::version);

/// Python: `ssl.OPENSSL_VERSION_NUMBER`, e.g. `0x30000130` for 3.0.19.
/// Also [`openssl_version_number()`](crate::openssl_version_number).
///
/// OpenSSL: `OpenSSL_version_num`. A `LazyLock`, as
/// [`OPENSSL_VERSION`].
pub static OPENSSL_VERSION_NUMBER: LazyLock<i64> = LazyLock::new(openssl::version::number);

/// Python: `ssl.OPENSSL_VERSION_INFO`, e.g. `(3, 0, 0, 19, 0)` for 3.0.19.
/// Also [`openssl_version_info()`].
///
/// A `LazyLock`, as [`OPENSSL_VERSION`].
pub static OPENSSL_VERSION_INFO: LazyLock<(u32, u32, u32, u32, u32)> =
    LazyLock::new(openssl_version_info);

/// The OpenSSL version as Python's `ssl.OPENSSL_VERSION_INFO` tuple:
/// `(major, minor, fix, patch, status)`, e.g. `(3, 0, 0, 19, 0)` for
/// 3.0.19.
///
/// Python: `ssl.OPENSSL_VERSION_INFO`. OpenSSL: `OpenSSL_version_num`,
/// split as CPython's `parse_openssl_version` does: status in the low 4
/// bits, then 8 bits each of patch, fix, minor and major (on OpenSSL 3 the
/// "fix" byte is always 0 and the patch release is the fourth field).
pub fn openssl_version_info() -> (u32, u32, u32, u32, u32) {
    let n = openssl::version::number() as u64;
    let byte = |shift: u32| ((n >> shift) & 0xff) as u32;
    (byte(28), byte(20), byte(12), byte(4), (n & 0xf) as u32)
}

/// Python: `ssl.HAS_SNI`: server name indication is available
/// ([`SslContext::set_sni_callback`](crate::SslContext::set_sni_callback)).
pub const HAS_SNI: bool = true;
/// Python 3.13: `ssl.HAS_PSK`: pre-shared-key handshakes are available
/// ([`SslContext::set_psk_client_callback`](crate::SslContext::set_psk_client_callback),
/// [`SslContext::set_psk_server_callback`](crate::SslContext::set_psk_server_callback));
/// OpenSSL: built without `OPENSSL_NO_PSK` (sslwrap requires it).
pub const HAS_PSK: bool = true;
/// Python: `ssl.HAS_ALPN`: ALPN is available
/// ([`SslContext::set_alpn_protocols`](crate::SslContext::set_alpn_protocols)).
pub const HAS_ALPN: bool = true;
/// Python: `ssl.HAS_NPN`: NPN, which OpenSSL 3 builds without; `false`.
pub const HAS_NPN: bool = false;
/// Python: `ssl.HAS_ECDH`: elliptic-curve Diffie-Hellman is available.
pub const HAS_ECDH: bool = true;
/// Python: `ssl.HAS_NEVER_CHECK_COMMON_NAME`:
/// [`SslContext::set_hostname_checks_common_name`](crate::SslContext::set_hostname_checks_common_name)
/// works (`X509_CHECK_FLAG_NEVER_CHECK_SUBJECT`).
pub const HAS_NEVER_CHECK_COMMON_NAME: bool = true;
/// Python: `ssl.HAS_SSLv2`: `false` (OpenSSL 1.1 removed SSL 2).
pub const HAS_SSLv2: bool = false;
/// Python: `ssl.HAS_SSLv3`: `false`, as for Python on the OpenSSL builds
/// sslwrap is tested on (Debian's, and the vendored one, configured
/// `no-ssl3`).
pub const HAS_SSLv3: bool = false;
/// Python: `ssl.HAS_TLSv1`: TLS 1.0 is compiled in (though security level 2
/// refuses it in practice).
pub const HAS_TLSv1: bool = true;
/// Python: `ssl.HAS_TLSv1_1`: TLS 1.1 is compiled in (though security
/// level 2 refuses it in practice).
pub const HAS_TLSv1_1: bool = true;
/// Python: `ssl.HAS_TLSv1_2`.
pub const HAS_TLSv1_2: bool = true;
/// Python: `ssl.HAS_TLSv1_3`.
pub const HAS_TLSv1_3: bool = true;

/// Python: `ssl.CHANNEL_BINDING_TYPES`: the channel-binding types
/// `get_channel_binding` knows, `["tls-unique"]` (RFC 5929).
pub const CHANNEL_BINDING_TYPES: &[&str] = &["tls-unique"];
