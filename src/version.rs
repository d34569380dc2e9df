//! [`TlsVersion`]: protocol versions, as configuration bounds and as what a
//! connection or a handshake message used. Python's `ssl.TLSVersion`.

/// A TLS protocol version bound.
///
/// Python: `ssl.TLSVersion`. OpenSSL: `SSL3_VERSION` … `TLS1_3_VERSION`;
/// `MinimumSupported`/`MaximumSupported` are `0` ("no bound") as
/// `SSL_CTX_set_min_proto_version`/`SSL_CTX_set_max_proto_version` take it.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TlsVersion {
    /// `TLSVersion.MINIMUM_SUPPORTED`: no lower bound.
    MinimumSupported,
    /// `TLSVersion.SSLv3` (deprecated; OpenSSL 3 is built without it).
    SSLv3,
    /// `TLSVersion.TLSv1` (deprecated).
    TLSv1,
    /// `TLSVersion.TLSv1_1` (deprecated).
    TLSv1_1,
    /// `TLSVersion.TLSv1_2`, the default minimum.
    TLSv1_2,
    /// `TLSVersion.TLSv1_3`.
    TLSv1_3,
    /// `TLSVersion.MAXIMUM_SUPPORTED`: no upper bound.
    MaximumSupported,
}

impl TlsVersion {
    /// The number Python gives the member: `ssl.TLSVersion.TLSv1_2.value`
    /// is `771` (`0x0303`, the protocol's wire number); `MINIMUM_SUPPORTED`
    /// is `-2` and `MAXIMUM_SUPPORTED` `-1` (`_ssl.PROTO_MINIMUM_SUPPORTED`,
    /// `_ssl.PROTO_MAXIMUM_SUPPORTED`).
    ///
    /// Python: `TLSVersion.value`. OpenSSL: the `*_VERSION` numbers
    /// (`TLS1_2_VERSION`, …) for the real versions.
    pub fn value(self) -> i32 {
        match self {
            TlsVersion::MinimumSupported => -2,
            TlsVersion::MaximumSupported => -1,
            v => version_raw(v),
        }
    }
}

/// The OpenSSL version number (`TLS1_2_VERSION`, …); `0` for the two
/// "no bound" values.
pub(crate) fn version_raw(v: TlsVersion) -> i32 {
    match v {
        TlsVersion::SSLv3 => 0x0300,
        TlsVersion::TLSv1 => 0x0301,
        TlsVersion::TLSv1_1 => 0x0302,
        TlsVersion::TLSv1_2 => 0x0303,
        TlsVersion::TLSv1_3 => 0x0304,
        TlsVersion::MinimumSupported | TlsVersion::MaximumSupported => 0,
    }
}

pub(crate) fn version_from_raw(raw: i32) -> TlsVersion {
    match raw {
        0x0300 => TlsVersion::SSLv3,
        0x0301 => TlsVersion::TLSv1,
        0x0302 => TlsVersion::TLSv1_1,
        0x0303 => TlsVersion::TLSv1_2,
        _ => TlsVersion::TLSv1_3,
    }
}

impl TlsVersion {
    /// The version with this wire number (`0x0300` SSL 3.0 … `0x0304`
    /// TLS 1.3).
    pub(crate) fn from_wire(v: u16) -> Option<TlsVersion> {
        match v {
            0x0300 => Some(TlsVersion::SSLv3),
            0x0301 => Some(TlsVersion::TLSv1),
            0x0302 => Some(TlsVersion::TLSv1_1),
            0x0303 => Some(TlsVersion::TLSv1_2),
            0x0304 => Some(TlsVersion::TLSv1_3),
            _ => None,
        }
    }

    /// The name `SSLSocket.version()` gives it (`"TLSv1.3"`); `None` for
    /// the two bounds.
    pub(crate) fn protocol_name(self) -> Option<&'static str> {
        match self {
            TlsVersion::SSLv3 => Some("SSLv3"),
            TlsVersion::TLSv1 => Some("TLSv1"),
            TlsVersion::TLSv1_1 => Some("TLSv1.1"),
            TlsVersion::TLSv1_2 => Some("TLSv1.2"),
            TlsVersion::TLSv1_3 => Some("TLSv1.3"),
            TlsVersion::MinimumSupported | TlsVersion::MaximumSupported => None,
        }
    }
}
