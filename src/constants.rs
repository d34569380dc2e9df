//! Python's spellings of `ssl` module constants, so ported code reads the
//! same: `sslwrap::CERT_REQUIRED`, `sslwrap::OP_NO_COMPRESSION`, ….
#![allow(non_upper_case_globals)] // Python spells them OP_NO_TLSv1, ….

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
