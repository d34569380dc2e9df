//! The handshake trace: what OpenSSL's message callback reports, as typed
//! values. Python's private `SSLContext._msg_callback` and its enums
//! (`ssl._TLSContentType`, `ssl._TLSMessageType`, `ssl._TLSAlertType`),
//! made a supported API.
//!
//! A [`TraceEvent`] is one record header, handshake message, alert or
//! change-cipher-spec, in either direction. Get them from a context-wide
//! callback ([`SslContext::set_msg_callback`](crate::SslContext::set_msg_callback))
//! or recorded per connection ([`WrapOptions::trace`](crate::WrapOptions::trace),
//! then `handshake_trace()` on the socket or object); [`HandshakeSummary`]
//! answers the usual questions about a recorded handshake.

use std::fmt;

use crate::version::TlsVersion;

/// Which way a message went. Python: the `direction` argument of
/// `_msg_callback`, `'write'` or `'read'`.
#[allow(clippy::exhaustive_enums)] // a message is sent or received
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Sent by this side (Python: `'write'`).
    Sent,
    /// Received from the peer (Python: `'read'`).
    Received,
}

/// Enums over a TLS number space: a named variant per value Python names,
/// and `Other` for the rest.
macro_rules! wire_enum {
    ($(#[$m:meta])* $name:ident($repr:ty) {
        $($(#[$vm:meta])* $variant:ident = $value:expr => $py:literal,)*
    }) => {
        $(#[$m])*
        #[non_exhaustive]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vm])* $variant,)*
            /// A value without a name here.
            Other($repr),
        }

        impl $name {
            /// The variant for a number as TLS (and Python) numbers it.
            pub fn from_value(value: $repr) -> $name {
                match value {
                    $($value => $name::$variant,)*
                    other => $name::Other(other),
                }
            }

            /// The number, as TLS (and Python) numbers it.
            pub fn value(self) -> $repr {
                match self {
                    $($name::$variant => $value,)*
                    $name::Other(value) => value,
                }
            }

            /// Python's name of the value (`"CLIENT_HELLO"`, …), if it has
            /// one.
            pub fn python_name(self) -> Option<&'static str> {
                match self {
                    $($name::$variant => Some($py),)*
                    $name::Other(_) => None,
                }
            }
        }
    };
}

wire_enum! {
    /// What a [`TraceEvent`] is. Python: `ssl._TLSContentType`; OpenSSL:
    /// the `SSL3_RT_*` content types of the message callback.
    ContentType(u16) {
        /// A change-cipher-spec message (20).
        ChangeCipherSpec = 20 => "CHANGE_CIPHER_SPEC",
        /// An alert (21).
        Alert = 21 => "ALERT",
        /// A handshake message (22).
        Handshake = 22 => "HANDSHAKE",
        /// Application data (23; OpenSSL reports only its record headers).
        ApplicationData = 23 => "APPLICATION_DATA",
        /// A record header, 5 bytes (`SSL3_RT_HEADER`, 0x100).
        Header = 0x100 => "HEADER",
        /// The real content type of a TLS 1.3 record, 1 byte
        /// (`SSL3_RT_INNER_CONTENT_TYPE`, 0x101).
        InnerContentType = 0x101 => "INNER_CONTENT_TYPE",
    }
}

wire_enum! {
    /// A handshake message type. Python: `ssl._TLSMessageType`; RFC 8446
    /// section 4.
    HandshakeType(u8) {
        /// `hello_request` (TLS 1.2 renegotiation).
        HelloRequest = 0 => "HELLO_REQUEST",
        /// `client_hello`.
        ClientHello = 1 => "CLIENT_HELLO",
        /// `server_hello`.
        ServerHello = 2 => "SERVER_HELLO",
        /// `hello_verify_request` (DTLS).
        HelloVerifyRequest = 3 => "HELLO_VERIFY_REQUEST",
        /// `new_session_ticket`.
        NewSessionTicket = 4 => "NEWSESSION_TICKET",
        /// `end_of_early_data`.
        EndOfEarlyData = 5 => "END_OF_EARLY_DATA",
        /// A TLS 1.3 HelloRetryRequest. On the wire it is a `server_hello`
        /// whose random is the RFC 8446 constant, which is how sslwrap tells
        /// them apart (OpenSSL reports both as `server_hello`; 6 is the
        /// number drafts of TLS 1.3 used, and Python's enum keeps).
        HelloRetryRequest = 6 => "HELLO_RETRY_REQUEST",
        /// `encrypted_extensions` (TLS 1.3).
        EncryptedExtensions = 8 => "ENCRYPTED_EXTENSIONS",
        /// `certificate`.
        Certificate = 11 => "CERTIFICATE",
        /// `server_key_exchange` (TLS 1.2).
        ServerKeyExchange = 12 => "SERVER_KEY_EXCHANGE",
        /// `certificate_request`.
        CertificateRequest = 13 => "CERTIFICATE_REQUEST",
        /// `server_hello_done` (TLS 1.2).
        ServerDone = 14 => "SERVER_DONE",
        /// `certificate_verify`.
        CertificateVerify = 15 => "CERTIFICATE_VERIFY",
        /// `client_key_exchange` (TLS 1.2).
        ClientKeyExchange = 16 => "CLIENT_KEY_EXCHANGE",
        /// `finished`.
        Finished = 20 => "FINISHED",
        /// `certificate_url`.
        CertificateUrl = 21 => "CERTIFICATE_URL",
        /// `certificate_status` (OCSP stapling, TLS 1.2).
        CertificateStatus = 22 => "CERTIFICATE_STATUS",
        /// `supplemental_data`.
        SupplementalData = 23 => "SUPPLEMENTAL_DATA",
        /// `key_update` (TLS 1.3).
        KeyUpdate = 24 => "KEY_UPDATE",
        /// `next_protocol` (NPN).
        NextProto = 67 => "NEXT_PROTO",
        /// `message_hash` (TLS 1.3 transcript after a HelloRetryRequest).
        MessageHash = 254 => "MESSAGE_HASH",
    }
}

wire_enum! {
    /// An alert description. Python: `ssl._TLSAlertType` (and
    /// `ssl.AlertDescription`); RFC 8446 section 6.
    AlertDescription(u8) {
        /// `close_notify`.
        CloseNotify = 0 => "CLOSE_NOTIFY",
        /// `unexpected_message`.
        UnexpectedMessage = 10 => "UNEXPECTED_MESSAGE",
        /// `bad_record_mac`.
        BadRecordMac = 20 => "BAD_RECORD_MAC",
        /// `decryption_failed`.
        DecryptionFailed = 21 => "DECRYPTION_FAILED",
        /// `record_overflow`.
        RecordOverflow = 22 => "RECORD_OVERFLOW",
        /// `decompression_failure`.
        DecompressionFailure = 30 => "DECOMPRESSION_FAILURE",
        /// `handshake_failure`.
        HandshakeFailure = 40 => "HANDSHAKE_FAILURE",
        /// `no_certificate` (SSL 3.0).
        NoCertificate = 41 => "NO_CERTIFICATE",
        /// `bad_certificate`.
        BadCertificate = 42 => "BAD_CERTIFICATE",
        /// `unsupported_certificate`.
        UnsupportedCertificate = 43 => "UNSUPPORTED_CERTIFICATE",
        /// `certificate_revoked`.
        CertificateRevoked = 44 => "CERTIFICATE_REVOKED",
        /// `certificate_expired`.
        CertificateExpired = 45 => "CERTIFICATE_EXPIRED",
        /// `certificate_unknown`.
        CertificateUnknown = 46 => "CERTIFICATE_UNKNOWN",
        /// `illegal_parameter`.
        IllegalParameter = 47 => "ILLEGAL_PARAMETER",
        /// `unknown_ca`.
        UnknownCa = 48 => "UNKNOWN_CA",
        /// `access_denied`.
        AccessDenied = 49 => "ACCESS_DENIED",
        /// `decode_error`.
        DecodeError = 50 => "DECODE_ERROR",
        /// `decrypt_error`.
        DecryptError = 51 => "DECRYPT_ERROR",
        /// `export_restriction`.
        ExportRestriction = 60 => "EXPORT_RESTRICTION",
        /// `protocol_version`.
        ProtocolVersion = 70 => "PROTOCOL_VERSION",
        /// `insufficient_security`.
        InsufficientSecurity = 71 => "INSUFFICIENT_SECURITY",
        /// `internal_error`.
        InternalError = 80 => "INTERNAL_ERROR",
        /// `inappropriate_fallback`.
        InappropriateFallback = 86 => "INAPPROPRIATE_FALLBACK",
        /// `user_canceled`.
        UserCanceled = 90 => "USER_CANCELED",
        /// `no_renegotiation`.
        NoRenegotiation = 100 => "NO_RENEGOTIATION",
        /// `missing_extension`.
        MissingExtension = 109 => "MISSING_EXTENSION",
        /// `unsupported_extension`.
        UnsupportedExtension = 110 => "UNSUPPORTED_EXTENSION",
        /// `certificate_unobtainable`.
        CertificateUnobtainable = 111 => "CERTIFICATE_UNOBTAINABLE",
        /// `unrecognized_name`.
        UnrecognizedName = 112 => "UNRECOGNIZED_NAME",
        /// `bad_certificate_status_response`.
        BadCertificateStatusResponse = 113 => "BAD_CERTIFICATE_STATUS_RESPONSE",
        /// `bad_certificate_hash_value`.
        BadCertificateHashValue = 114 => "BAD_CERTIFICATE_HASH_VALUE",
        /// `unknown_psk_identity`.
        UnknownPskIdentity = 115 => "UNKNOWN_PSK_IDENTITY",
        /// `certificate_required` (TLS 1.3).
        CertificateRequired = 116 => "CERTIFICATE_REQUIRED",
        /// `no_application_protocol` (ALPN).
        NoApplicationProtocol = 120 => "NO_APPLICATION_PROTOCOL",
    }
}

wire_enum! {
    /// An alert's level. RFC 5246 section 7.2.
    AlertLevel(u8) {
        /// `warning` (1).
        Warning = 1 => "WARNING",
        /// `fatal` (2).
        Fatal = 2 => "FATAL",
    }
}

/// What a [`TraceEvent`] carries, decoded from its first bytes.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TraceMessage {
    /// A handshake message of this type.
    Handshake(HandshakeType),
    /// An alert.
    Alert(AlertLevel, AlertDescription),
    /// A change-cipher-spec message.
    ChangeCipherSpec,
    /// For a [`ContentType::Header`]: the content type the header
    /// announces; for [`ContentType::InnerContentType`]: the real content
    /// type of a TLS 1.3 record.
    Record(ContentType),
}

/// One message of a TLS conversation, as OpenSSL's message callback
/// reports it.
///
/// Python: the arguments of `SSLContext._msg_callback(conn, direction,
/// version, content_type, msg_type, data)`. OpenSSL: `SSL_CTX_set_msg_callback`.
///
/// `Display` gives one line, e.g. `-> TLSv1.3 Handshake ClientHello (512
/// bytes)`, so that a failing test can print the conversation.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceEvent {
    /// Sent or received.
    pub direction: Direction,
    /// The protocol version OpenSSL reports for the message; for a record
    /// header, the version written in the header (as Python takes it).
    /// [`TlsVersion::MinimumSupported`] when the number is none of TLS's
    /// (see [`raw_version`](Self::raw_version)).
    pub version: TlsVersion,
    /// The number behind [`version`](Self::version).
    pub raw_version: u16,
    /// What this is.
    pub content_type: ContentType,
    /// Its type, decoded from its first bytes; `None` for application data.
    pub message: Option<TraceMessage>,
    /// The bytes OpenSSL reported (a whole handshake message with its
    /// 4-byte header, a 2-byte alert, a 5-byte record header, …).
    pub data: Vec<u8>,
}

/// The `random` of a HelloRetryRequest (RFC 8446 section 4.1.3: SHA-256 of
/// "HelloRetryRequest").
const HRR_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

impl TraceEvent {
    /// Decodes what the message callback was given, as CPython's
    /// `_PySSL_msg_callback` does.
    pub(crate) fn from_callback(
        write: bool,
        version: i32,
        content_type: i32,
        data: &[u8],
    ) -> TraceEvent {
        let content_type = ContentType::from_value(u16::try_from(content_type).unwrap_or(u16::MAX));
        let first = data.first().copied();
        let mut raw_version = u16::try_from(version).unwrap_or(0);
        let message = match content_type {
            ContentType::ChangeCipherSpec => Some(TraceMessage::ChangeCipherSpec),
            ContentType::Alert if data.len() >= 2 => Some(TraceMessage::Alert(
                AlertLevel::from_value(data[0]),
                AlertDescription::from_value(data[1]),
            )),
            ContentType::Handshake => first.map(|t| {
                let t = HandshakeType::from_value(t);
                // ServerHello: type, length (3), legacy_version (2), random.
                if t == HandshakeType::ServerHello && data.get(6..38) == Some(&HRR_RANDOM[..]) {
                    TraceMessage::Handshake(HandshakeType::HelloRetryRequest)
                } else {
                    TraceMessage::Handshake(t)
                }
            }),
            ContentType::Header => {
                if data.len() >= 3 {
                    raw_version = u16::from_be_bytes([data[1], data[2]]);
                }
                first.map(|t| TraceMessage::Record(ContentType::from_value(t.into())))
            }
            ContentType::InnerContentType => {
                first.map(|t| TraceMessage::Record(ContentType::from_value(t.into())))
            }
            _ => None,
        };
        TraceEvent {
            direction: if write {
                Direction::Sent
            } else {
                Direction::Received
            },
            version: TlsVersion::from_wire(raw_version).unwrap_or(TlsVersion::MinimumSupported),
            raw_version,
            content_type,
            message,
            data: data.to_vec(),
        }
    }

    /// The handshake message type, if this is a handshake message.
    pub fn handshake_type(&self) -> Option<HandshakeType> {
        match self.message {
            Some(TraceMessage::Handshake(t)) => Some(t),
            _ => None,
        }
    }

    /// The `msg_type` argument Python's `_msg_callback` receives for this
    /// message: the handshake type, the alert description, `0x0101` for a
    /// change-cipher-spec, the first byte of a header or inner content
    /// type, `-1` for application data.
    pub fn python_msg_type(&self) -> i32 {
        match self.message {
            Some(TraceMessage::Handshake(HandshakeType::HelloRetryRequest)) => 2,
            Some(TraceMessage::Handshake(t)) => t.value().into(),
            Some(TraceMessage::Alert(_, d)) => d.value().into(),
            Some(TraceMessage::ChangeCipherSpec) => 0x0101,
            Some(TraceMessage::Record(c)) => c.value().into(),
            None => -1,
        }
    }
}

impl fmt::Display for TraceEvent {
    /// `-> TLSv1.3 Handshake ClientHello (512 bytes)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let arrow = match self.direction {
            Direction::Sent => "->",
            Direction::Received => "<-",
        };
        write!(f, "{arrow} ")?;
        match self.version.protocol_name() {
            Some(v) => write!(f, "{v} ")?,
            None => write!(f, "0x{:04x} ", self.raw_version)?,
        }
        write!(f, "{}", Name(self.content_type))?;
        match self.message {
            Some(TraceMessage::Handshake(t)) => write!(f, " {}", Name(t))?,
            Some(TraceMessage::Alert(l, d)) => write!(f, " {} {}", Name(l), Name(d))?,
            Some(TraceMessage::Record(c)) => write!(f, " {}", Name(c))?,
            Some(TraceMessage::ChangeCipherSpec) | None => {}
        }
        write!(f, " ({} bytes)", self.data.len())
    }
}

/// A variant's name as its `Debug` prints it (`ClientHello`, `Other(99)`).
struct Name<T>(T);

impl<T: fmt::Debug> fmt::Display for Name<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

/// The answers to the usual questions about a recorded handshake.
///
/// Made by `handshake_summary()` on a socket or object wrapped with
/// [`WrapOptions::trace`](crate::WrapOptions::trace), or by
/// [`HandshakeSummary::from_events`].
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct HandshakeSummary {
    /// The handshake messages this side sent, in order.
    pub sent: Vec<HandshakeType>,
    /// The handshake messages this side received, in order.
    pub received: Vec<HandshakeType>,
    /// The first alert other than `close_notify`, who sent it, its level.
    pub alert: Option<(Direction, AlertLevel, AlertDescription)>,
    /// Whether the server answered with a HelloRetryRequest (TLS 1.3).
    pub hello_retry_request: bool,
    /// Whether the server asked for a client certificate.
    pub client_certificate_requested: bool,
    /// Whether the client sent a certificate (a non-empty Certificate
    /// message).
    pub client_certificate_sent: bool,
}

impl HandshakeSummary {
    /// Summarises `events` as seen from one side (`server_side`).
    pub fn from_events(events: &[TraceEvent], server_side: bool) -> HandshakeSummary {
        let mut s = HandshakeSummary::default();
        // Messages the server sends are those the server side sent or the
        // client side received.
        let from_server = |d: Direction| (d == Direction::Sent) == server_side;
        for e in events {
            match e.message {
                Some(TraceMessage::Handshake(t)) => {
                    match e.direction {
                        Direction::Sent => s.sent.push(t),
                        Direction::Received => s.received.push(t),
                    }
                    match t {
                        HandshakeType::HelloRetryRequest => s.hello_retry_request = true,
                        HandshakeType::CertificateRequest if from_server(e.direction) => {
                            s.client_certificate_requested = true;
                        }
                        HandshakeType::Certificate if !from_server(e.direction) => {
                            s.client_certificate_sent |= certificate_list_len(e) > 0;
                        }
                        _ => {}
                    }
                }
                Some(TraceMessage::Alert(level, d))
                    if d != AlertDescription::CloseNotify && s.alert.is_none() =>
                {
                    s.alert = Some((e.direction, level, d));
                }
                _ => {}
            }
        }
        s
    }
}

/// The length of the certificate list of a Certificate message (its
/// TLS 1.3 form has a request context first).
fn certificate_list_len(e: &TraceEvent) -> usize {
    let body = e.data.get(4..).unwrap_or(&[]);
    let list = if e.version == TlsVersion::TLSv1_3 {
        let ctx_len = body.first().map_or(0, |&n| usize::from(n));
        body.get(1 + ctx_len..).unwrap_or(&[])
    } else {
        body
    };
    match list {
        [a, b, c, ..] => usize::from(*a) << 16 | usize::from(*b) << 8 | usize::from(*c),
        _ => 0,
    }
}
