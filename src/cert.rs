//! Certificates as Python sees them: [`PeerCert`] (the `getpeercert()`
//! dict) with its [`AltValue`]s, [`decode_cert`], PEM/DER conversion and
//! [`cert_time_to_seconds`].
//!
//! Decoding follows CPython 3.11's `_decode_certificate` in
//! `Modules/_ssl.c` call for call: names through `OBJ_obj2txt`, values
//! through `ASN1_STRING_to_UTF8`, RDNs grouped by `X509_NAME_ENTRY_set`,
//! times by `ASN1_TIME_print`, serials by `i2a_ASN1_INTEGER`, the printed
//! forms cut where CPython's `BIO_gets` into a 2048-byte buffer cuts them,
//! and every C string decoded as strict UTF-8 as `PyUnicode_FromStringAndSize`
//! decodes it. So every string is the one Python shows, and a certificate
//! Python cannot decode fails here with Python's message.
//!
//! The PEM/DER and time helpers are ports of the Python code in `Lib/ssl.py`
//! (`base64`, `time.strptime`, `calendar.timegm`), error texts included.

use std::ffi::CString;
use std::fmt::{self, Write as _};
use std::path::Path;

use openssl::nid::Nid;
use openssl::x509::{X509NameRef, X509Ref};

use crate::error::SslError;
use crate::ffi::{self, GeneralName, PemFile};

/// A certificate as Python's `SSLSocket.getpeercert()` returns it, key by
/// key.
///
/// An empty `Vec` means the key is absent from Python's dict:
/// Python omits `subjectAltName`, `OCSP`, `caIssuers` and
/// `crlDistributionPoints` when a certificate has none. A `PeerCert` equal
/// to `PeerCert::default()` is Python's `{}`: a certificate was received but
/// not verified ([`is_empty`](Self::is_empty)).
/// [`python_repr`](Self::python_repr) gives Python's `repr()` of the dict,
/// character for character.
///
/// Python: the dict of `SSLSocket.getpeercert()` /
/// `ssl._ssl._test_decode_cert()`. OpenSSL: `X509_get_subject_name`,
/// `X509_get_issuer_name`, `X509_get_version`, `X509_get_serialNumber`,
/// `X509_get0_notBefore`/`notAfter`, `X509_get_ext_d2i`.
///
/// # Differences from Python
///
/// A certificate whose subjectAltName extension is an empty sequence gets
/// `'subjectAltName': ()` in Python; here that is an empty
/// [`subject_alt_name`](Self::subject_alt_name), which reads as absent.
#[allow(clippy::exhaustive_structs)] // Python's dict has exactly these keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PeerCert {
    /// `'subject'`: the RDNs, each a list of `(attribute, value)` pairs, e.g.
    /// `[[("commonName", "localhost")]]` for Python's
    /// `((('commonName', 'localhost'),),)`. Attribute names are OpenSSL's
    /// long names (`OBJ_obj2txt`), or the dotted OID for unknown ones.
    pub subject: Vec<Vec<(String, String)>>,
    /// `'issuer'`, shaped like [`subject`](Self::subject).
    pub issuer: Vec<Vec<(String, String)>>,
    /// `'version'`: 1-based (`3` for X.509 v3).
    pub version: i64,
    /// `'serialNumber'`: upper-case hex as `i2a_ASN1_INTEGER` prints it,
    /// e.g. `"CB2D80995A69525C"` (`"00"` for zero, `-` before a negative
    /// one). Only the first line of what OpenSSL prints, as in Python: a
    /// serial over 35 bytes long gives its first 35 and a `"\\\n"`.
    pub serial_number: String,
    /// `'notBefore'`, as `ASN1_TIME_print` prints it, e.g.
    /// `"Jan  5 09:34:43 2018 GMT"` (see [`cert_time_to_seconds`]).
    pub not_before: String,
    /// `'notAfter'`, formatted as [`not_before`](Self::not_before).
    pub not_after: String,
    /// `'subjectAltName'`: `(kind, value)` pairs, kinds as Python names
    /// them: `"DNS"`, `"email"`, `"URI"`, `"IP Address"` (dotted quad, or
    /// eight upper-case hex groups for IPv6, `"<invalid>"` for other
    /// lengths), `"Registered ID"`, `"DirName"`, and for other kinds what
    /// OpenSSL prints before the first `:`, e.g.
    /// `("othername", "<unsupported>")`.
    ///
    /// Every value is an [`AltValue::Text`] except `"DirName"`'s, which is
    /// an [`AltValue::DirName`]: the RDNs of the directory name, shaped like
    /// [`subject`](Self::subject), as Python gives it a tuple of RDNs, e.g.
    /// `('DirName', ((('countryName', 'XY'),), (('commonName', 'x'),)))`.
    pub subject_alt_name: Vec<(String, AltValue)>,
    /// `'OCSP'`: the OCSP responder URIs (authorityInfoAccess).
    pub ocsp: Vec<String>,
    /// `'caIssuers'`: the issuer certificate URIs (authorityInfoAccess).
    pub ca_issuers: Vec<String>,
    /// `'crlDistributionPoints'`: the URIs of the CRL distribution points'
    /// full names.
    pub crl_distribution_points: Vec<String>,
}

impl PeerCert {
    /// Decodes `cert` as CPython's `_decode_certificate` does, failing where
    /// and as it fails (`SSLError` from OpenSSL, `ValueError` for text that
    /// is not UTF-8).
    pub(crate) fn from_x509(cert: &X509Ref) -> Result<PeerCert, SslError> {
        // Start from an empty error queue, as after CPython's last
        // `ERR_clear_error`: a failing call that queues no reason (e.g.
        // `OBJ_obj2txt` on an over-long OID) is then `SSLError('unknown
        // error')`, not a stale entry.
        drop(openssl::error::ErrorStack::get());
        let decoded = PeerCert::decode(cert);
        // X509_get_ext_d2i leaves its reasons on the queue when an extension
        // does not parse (Python then omits the key); do not let them leak
        // into the next error reported on this thread.
        drop(openssl::error::ErrorStack::get());
        decoded
    }

    fn decode(cert: &X509Ref) -> Result<PeerCert, SslError> {
        Ok(PeerCert {
            subject: name_rdns(cert.subject_name())?,
            issuer: name_rdns(cert.issuer_name())?,
            version: ffi::x509_get_version(cert).wrapping_add(1),
            serial_number: py_utf8(bio_gets(&ffi::i2a_asn1_integer(cert.serial_number())))?,
            not_before: py_utf8(bio_gets(&ffi::asn1_time_print(cert.not_before())))?,
            not_after: py_utf8(bio_gets(&ffi::asn1_time_print(cert.not_after())))?,
            subject_alt_name: alt_names(cert)?,
            ocsp: aia_uris(cert, Nid::AD_OCSP)?,
            ca_issuers: aia_uris(cert, Nid::AD_CA_ISSUERS)?,
            crl_distribution_points: crl_uris(cert)?,
        })
    }

    /// Whether this is Python's `{}`: the peer sent a certificate, but the
    /// context does not verify it (`CERT_NONE`), so Python shows nothing of
    /// it.
    ///
    /// Python: `getpeercert() == {}`. OpenSSL: none.
    pub fn is_empty(&self) -> bool {
        *self == PeerCert::default()
    }

    /// Python's `repr()` of the dict, e.g.
    /// `{'subject': ((('commonName', 'localhost'),),), 'issuer': …, 'version': 3, …}`,
    /// keys in Python's order, strings quoted and escaped as Python's
    /// `repr(str)` does them (Unicode 14.0 printability, as CPython 3.11);
    /// `{}` when [`is_empty`](Self::is_empty).
    ///
    /// Handy when porting code that prints or logs `getpeercert()`, and for
    /// comparing with Python byte for byte.
    ///
    /// Python: `repr(sslsock.getpeercert())`. OpenSSL: none.
    pub fn python_repr(&self) -> String {
        if self.is_empty() {
            return "{}".to_owned();
        }
        let mut out = String::from("{");
        let _ = write!(out, "'subject': {}", repr_rdns(&self.subject));
        let _ = write!(out, ", 'issuer': {}", repr_rdns(&self.issuer));
        let _ = write!(out, ", 'version': {}", self.version);
        let _ = write!(out, ", 'serialNumber': {}", py_repr(&self.serial_number));
        let _ = write!(out, ", 'notBefore': {}", py_repr(&self.not_before));
        let _ = write!(out, ", 'notAfter': {}", py_repr(&self.not_after));
        if !self.subject_alt_name.is_empty() {
            let items: Vec<String> = self
                .subject_alt_name
                .iter()
                .map(|(kind, value)| format!("({}, {})", py_repr(kind), value.python_repr()))
                .collect();
            let _ = write!(out, ", 'subjectAltName': {}", py_tuple(&items));
        }
        for (key, list) in [
            ("OCSP", &self.ocsp),
            ("caIssuers", &self.ca_issuers),
            ("crlDistributionPoints", &self.crl_distribution_points),
        ] {
            if !list.is_empty() {
                let items: Vec<String> = list.iter().map(|s| py_repr(s)).collect();
                let _ = write!(out, ", '{key}': {}", py_tuple(&items));
            }
        }
        out.push('}');
        out
    }
}

/// One value of [`PeerCert::subject_alt_name`]: a string, or the RDNs of a
/// directory name.
///
/// Python gives every `subjectAltName` value as a `str` except a `DirName`'s,
/// which is a tuple of RDNs shaped like `subject`:
/// `('DirName', ((('countryName', 'XY'),), (('commonName', 'x'),)))`.
/// [`python_repr`](Self::python_repr) shows a value as Python's `repr()`
/// does; `Display` shows a [`Text`](Self::Text) as the string itself and a
/// [`DirName`](Self::DirName) as Python's `repr()` of the tuple.
///
/// ```
/// use sslwrap::{AltValue, PeerCert};
///
/// let rdns = vec![vec![("commonName".to_owned(), "x".to_owned())]];
/// let cert = PeerCert {
///     subject_alt_name: vec![
///         ("DNS".to_owned(), AltValue::Text("localhost".to_owned())),
///         ("DirName".to_owned(), AltValue::DirName(rdns.clone())),
///     ],
///     ..PeerCert::default()
/// };
/// let (_, dns) = &cert.subject_alt_name[0];
/// assert_eq!(dns.as_text(), Some("localhost"));
/// assert_eq!(dns.python_repr(), "'localhost'");
/// let (_, dir) = &cert.subject_alt_name[1];
/// assert_eq!(dir.as_dir_name(), Some(&rdns[..]));
/// let shown: Vec<String> = cert
///     .subject_alt_name
///     .iter()
///     .map(|(kind, value)| format!("{kind}: {value}"))
///     .collect();
/// assert_eq!(shown, ["DNS: localhost", "DirName: ((('commonName', 'x'),),)"]);
/// ```
///
/// Python: one value of `SSLSocket.getpeercert()['subjectAltName']`
/// (`_get_peer_alt_names` in `Modules/_ssl.c`). OpenSSL: one `GENERAL_NAME`
/// of `X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL)`.
#[doc(alias = "subjectAltName")]
#[doc(alias = "GENERAL_NAME")]
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AltValue {
    /// A value Python gives as a `str`: `DNS`, `email` and `URI` names as
    /// they are, an `IP Address` as text, a `Registered ID` as its dotted
    /// OID or long name, and for other kinds what OpenSSL's
    /// `GENERAL_NAME_print` prints after the first `:`
    /// (`"<unsupported>"` for an `othername`).
    Text(String),
    /// A `DirName` (`GEN_DIRNAME`): the directory name's RDNs, each a list
    /// of `(attribute, value)` pairs, exactly as
    /// [`PeerCert::subject`] holds a subject.
    DirName(Vec<Vec<(String, String)>>),
}

impl AltValue {
    /// The string, for every kind but `DirName`; `None` for a
    /// [`DirName`](Self::DirName).
    ///
    /// Python: `value` when `isinstance(value, str)`, for
    /// `(kind, value)` in `getpeercert()['subjectAltName']`. OpenSSL: the
    /// `GENERAL_NAME`'s `ia5`, `ip`, `rid` or `GENERAL_NAME_print` text.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            AltValue::Text(text) => Some(text),
            AltValue::DirName(_) => None,
        }
    }

    /// The RDNs of a [`DirName`](Self::DirName), shaped like
    /// [`PeerCert::subject`]; `None` for a [`Text`](Self::Text).
    ///
    /// Python: `value` of a `('DirName', value)` entry of
    /// `getpeercert()['subjectAltName']`. OpenSSL: the `GENERAL_NAME`'s
    /// `directoryName` (`X509_NAME`), read entry by entry.
    pub fn as_dir_name(&self) -> Option<&[Vec<(String, String)>]> {
        match self {
            AltValue::Text(_) => None,
            AltValue::DirName(rdns) => Some(rdns),
        }
    }

    /// Python's `repr()` of the value: a quoted, escaped string such as
    /// `'localhost'`, or for a `DirName` the tuple of RDNs such as
    /// `((('countryName', 'XY'),), (('commonName', 'x'),))`, character for
    /// character as in [`PeerCert::python_repr`].
    ///
    /// Python: `repr(value)` for `(kind, value)` in
    /// `getpeercert()['subjectAltName']`. OpenSSL: none.
    pub fn python_repr(&self) -> String {
        match self {
            AltValue::Text(text) => py_repr(text),
            AltValue::DirName(rdns) => repr_rdns(rdns),
        }
    }
}

/// A [`Text`](AltValue::Text) as the string itself (Python's `str(value)`);
/// a [`DirName`](AltValue::DirName) as [`AltValue::python_repr`] (Python's
/// `str()` of a tuple is its `repr()`).
impl fmt::Display for AltValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AltValue::Text(text) => f.write_str(text),
            AltValue::DirName(rdns) => f.write_str(&repr_rdns(rdns)),
        }
    }
}

/// Reads the first PEM certificate in the file at `path` and decodes it as
/// [`SslSocket::getpeercert`](crate::SslSocket::getpeercert) would.
///
/// Python: `ssl._ssl._test_decode_cert(path)`. OpenSSL: `BIO_new_file`,
/// `PEM_read_bio_X509`, then as [`PeerCert`].
///
/// # Errors
///
/// Python's exceptions: `SSLError` "Can't open file" when the file cannot be
/// opened, "Error decoding PEM-encoded file" when it holds no readable
/// certificate (a directory opens, then fails this way, as in Python);
/// `ValueError` "embedded null byte" for a path with a NUL in it; and the
/// decoding errors of a malformed certificate: an `SSLError` from OpenSSL
/// (`[ASN1: ...] ...`, or `unknown error` where OpenSSL gives no reason), a
/// `UnicodeDecodeError` such as `'utf-8' codec can't decode byte 0xff in
/// position 1: invalid start byte` for a name that is not UTF-8.
///
/// # Differences from Python
///
/// Python's `UnicodeDecodeError` is a `ValueError` subclass; here it is a
/// [`SslErrorKind::Value`](crate::SslErrorKind::Value) error whose
/// [`python_class`](SslError::python_class) is `"ValueError"`, with
/// Python's message.
#[doc(alias = "_test_decode_cert")]
pub fn decode_cert(path: &Path) -> Result<PeerCert, SslError> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| SslError::value("embedded null byte"))?;
    match ffi::pem_read_x509_file(&c_path) {
        PemFile::CantOpen => Err(SslError::ssl_message("Can't open file").with_filename(path)),
        PemFile::NoCert => {
            Err(SslError::ssl_message("Error decoding PEM-encoded file").with_filename(path))
        }
        PemFile::Cert(cert) => PeerCert::from_x509(&cert),
    }
}

/// The PEM form of a DER certificate: base64 in 64-character lines between
/// `-----BEGIN CERTIFICATE-----` and `-----END CERTIFICATE-----`, ending in
/// a newline. The bytes are not checked to be a certificate, as in Python.
///
/// Python: `ssl.DER_cert_to_PEM_cert(der)`. OpenSSL: none (base64 in Rust).
#[doc(alias = "DER_cert_to_PEM_cert")]
pub fn der_cert_to_pem_cert(der: &[u8]) -> String {
    let b64 = b64encode(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 64);
    out.push_str(PEM_HEADER);
    out.push('\n');
    // Base64 is ASCII, so 64-byte chunks are 64-character lines.
    let mut rest = b64.as_str();
    while !rest.is_empty() {
        let (line, tail) = rest.split_at(rest.len().min(64));
        out.push_str(line);
        out.push('\n');
        rest = tail;
    }
    out.push_str(PEM_FOOTER);
    out.push('\n');
    out
}

/// The DER bytes of a PEM certificate: what lies between
/// `-----BEGIN CERTIFICATE-----` (which must start `pem`) and
/// `-----END CERTIFICATE-----` (which must end it, trailing whitespace
/// aside), base64-decoded as leniently as Python's `base64.decodebytes`
/// (characters outside the alphabet are skipped, data after complete padding
/// ignored). The bytes are not checked to be a certificate, as in Python.
///
/// Python: `ssl.PEM_cert_to_DER_cert(pem)`. OpenSSL: none (base64 in Rust).
///
/// # Errors
///
/// Python's `ValueError` texts: `Invalid PEM encoding; must start with
/// -----BEGIN CERTIFICATE-----`, `Invalid PEM encoding; must end with
/// -----END CERTIFICATE-----`, `Incorrect padding`, `Invalid base64-encoded
/// string: number of data characters (5) cannot be 1 more than a multiple of
/// 4`, `'ascii' codec can't encode character '\xe9' in position 3: ordinal
/// not in range(128)`.
///
/// # Differences from Python
///
/// The last three are instances of `ValueError` subclasses in Python
/// (`binascii.Error`, `UnicodeEncodeError`); here they are
/// [`SslErrorKind::Value`](crate::SslErrorKind::Value) errors whose
/// [`python_class`](SslError::python_class) is `"ValueError"`.
#[doc(alias = "PEM_cert_to_DER_cert")]
pub fn pem_cert_to_der_cert(pem: &str) -> Result<Vec<u8>, SslError> {
    if !pem.starts_with(PEM_HEADER) {
        return Err(SslError::value(format!(
            "Invalid PEM encoding; must start with {PEM_HEADER}"
        )));
    }
    let stripped = pem.trim_matches(py_isspace);
    if !stripped.ends_with(PEM_FOOTER) {
        return Err(SslError::value(format!(
            "Invalid PEM encoding; must end with {PEM_FOOTER}"
        )));
    }
    // Python's stripped[len(PEM_HEADER):-len(PEM_FOOTER)]; both ends are
    // ASCII, so the byte offsets are character boundaries.
    let body = stripped
        .get(PEM_HEADER.len()..stripped.len() - PEM_FOOTER.len())
        .unwrap_or("");
    ascii_encode(body)?;
    a2b_base64(body.as_bytes())
}

/// Seconds since the epoch for a certificate time such as
/// `"Jan  5 09:34:43 2018 GMT"` (the [`PeerCert::not_before`] format).
///
/// Python: `ssl.cert_time_to_seconds(cert_time)`. OpenSSL: none (ported
/// from `ssl.py`: the month from the first three characters, title-cased,
/// the rest parsed as `time.strptime(cert_time[3:], " %d %H:%M:%S %Y GMT")`
/// does, then `calendar.timegm`).
///
/// As in Python, runs of whitespace match runs of whitespace, `GMT` is
/// case-insensitive, any Unicode decimal digit counts as a digit, seconds
/// may be 60 or 61, and the day is not checked against the month
/// (`"Feb 31"` is March 3rd).
///
/// # Errors
///
/// Python's `ValueError` texts:
/// `time data 'Jon  5 09:34:43 2018 GMT' does not match format "%b %d %H:%M:%S %Y GMT"`
/// for an unknown month,
/// `time data '  5 09:34 2018 GMT' does not match format ' %d %H:%M:%S %Y GMT'`
/// when the rest does not parse,
/// `unconverted data remains: x` for trailing text, and
/// `year 0 is out of range`.
pub fn cert_time_to_seconds(s: &str) -> Result<i64, SslError> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const TIME_FORMAT: &str = " %d %H:%M:%S %Y GMT";
    let chars: Vec<char> = s.chars().collect();
    let head = &chars[..chars.len().min(3)];
    let month = MONTHS
        .iter()
        .position(|m| m.chars().eq(py_title(head)))
        .ok_or_else(|| {
            SslError::value(format!(
                "time data {} does not match format \"%b{TIME_FORMAT}\"",
                py_repr(s)
            ))
        })?;
    let rest = &chars[head.len()..];
    let (fields, used) = strptime_cert_time(rest).ok_or_else(|| {
        SslError::value(format!(
            "time data {} does not match format {}",
            py_repr(&rest.iter().collect::<String>()),
            py_repr(TIME_FORMAT)
        ))
    })?;
    if used < rest.len() {
        return Err(SslError::value(format!(
            "unconverted data remains: {}",
            rest[used..].iter().collect::<String>()
        )));
    }
    let [day, hour, minute, second, year] = fields;
    if !(1..=9999).contains(&year) {
        // datetime.date(year, 1, day) inside strptime.
        return Err(SslError::value(format!("year {year} is out of range")));
    }
    Ok(timegm(year, month as i64 + 1, day, hour, minute, second))
}

/// `-----BEGIN CERTIFICATE-----` (Python: `ssl.PEM_HEADER`).
const PEM_HEADER: &str = "-----BEGIN CERTIFICATE-----";
/// `-----END CERTIFICATE-----` (Python: `ssl.PEM_FOOTER`).
const PEM_FOOTER: &str = "-----END CERTIFICATE-----";

// ---------------------------------------------------------------------------
// Decoding, as Modules/_ssl.c does it.

/// CPython's `char buf[2048]` and `BIO_gets(biobuf, buf, sizeof(buf)-1)`
/// over a memory BIO holding `printed`: the first line, newline included, of
/// at most 2046 bytes.
fn bio_gets(printed: &[u8]) -> &[u8] {
    const SIZE: usize = 2048 - 1;
    let limit = printed.len().min(SIZE - 1);
    let line = &printed[..limit];
    match line.iter().position(|&b| b == b'\n') {
        Some(i) => &line[..=i],
        None => line,
    }
}

/// `PyUnicode_FromStringAndSize`: strict UTF-8, failing with
/// `UnicodeDecodeError`'s message.
fn py_utf8(bytes: &[u8]) -> Result<String, SslError> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(s.to_owned()),
        Err(e) => {
            let start = e.valid_up_to();
            let first = bytes.get(start).copied().unwrap_or(0);
            let (end, reason) = match e.error_len() {
                None => (bytes.len(), "unexpected end of data"),
                Some(n) if matches!(first, 0x80..=0xc1 | 0xf5..=0xff) => {
                    (start + n, "invalid start byte")
                }
                Some(n) => (start + n, "invalid continuation byte"),
            };
            let text = if end == start + 1 {
                format!(
                    "'utf-8' codec can't decode byte {first:#04x} in position {start}: {reason}"
                )
            } else {
                format!(
                    "'utf-8' codec can't decode bytes in position {start}-{}: {reason}",
                    end - 1
                )
            };
            // Python raises UnicodeDecodeError, a ValueError subclass.
            Err(SslError::value(text))
        }
    }
}

/// CPython's `_asn1obj2py(name, no_name = 0)`: the attribute's name.
fn obj_name(obj: &openssl::asn1::Asn1ObjectRef) -> Result<String, SslError> {
    let mut buf = vec![0u8; 256];
    let mut len = ffi::obj2txt_into(obj, &mut buf)?;
    if len >= buf.len() {
        buf = vec![0u8; len + 1];
        len = ffi::obj2txt_into(obj, &mut buf)?;
    }
    py_utf8(buf.get(..len).unwrap_or(&buf))
}

/// CPython's `_create_tuple_for_X509_NAME`: one list per RDN, entries
/// grouped by `X509_NAME_ENTRY_set`.
fn name_rdns(name: &X509NameRef) -> Result<Vec<Vec<(String, String)>>, SslError> {
    let mut rdns: Vec<Vec<(String, String)>> = Vec::new();
    let mut level = None;
    for entry in name.entries() {
        let set = ffi::x509_name_entry_set(entry);
        if level != Some(set) || rdns.is_empty() {
            rdns.push(Vec::new());
        }
        level = Some(set);
        // _create_tuple_for_attribute: the value converted first, then the
        // name, then the value decoded.
        let value = ffi::asn1_string_to_utf8(entry.data())
            .map_err(|stack| SslError::from_stack(stack, None))?;
        let key = obj_name(entry.object())?;
        let value = py_utf8(&value)?;
        if let Some(rdn) = rdns.last_mut() {
            rdn.push((key, value));
        }
    }
    Ok(rdns)
}

/// CPython's `_get_peer_alt_names`.
fn alt_names(cert: &X509Ref) -> Result<Vec<(String, AltValue)>, SslError> {
    let Some(names) = cert.subject_alt_names() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    let text = |kind: &str, value: String| (kind.to_owned(), AltValue::Text(value));
    for name in &names {
        let entry = match ffi::general_name(name) {
            GeneralName::DirName(n) => ("DirName".to_owned(), AltValue::DirName(name_rdns(n)?)),
            GeneralName::Email(v) => text("email", py_utf8(v)?),
            GeneralName::Dns(v) => text("DNS", py_utf8(v)?),
            GeneralName::Uri(v) => text("URI", py_utf8(v)?),
            GeneralName::RegisteredId(oid) => text("Registered ID", rid_text(oid)?),
            GeneralName::IpAddress(ip) => text("IP Address", ip_text(ip)),
            GeneralName::Other => {
                let (kind, value) = printed_name(&ffi::general_name_print(name))?;
                (kind, AltValue::Text(value))
            }
        };
        out.push(entry);
    }
    Ok(out)
}

/// CPython's `GEN_RID` case: `i2t_ASN1_OBJECT` into a 2047-byte buffer,
/// `<INVALID>` when the text does not fit.
fn rid_text(oid: &openssl::asn1::Asn1ObjectRef) -> Result<String, SslError> {
    let mut buf = vec![0u8; 2047];
    let len = ffi::obj2txt_into(oid, &mut buf)?;
    if len >= 2048 {
        return Ok("<INVALID>".to_owned());
    }
    py_utf8(buf.get(..len).unwrap_or(&buf))
}

/// CPython's `GEN_IPADD` case: a dotted quad, eight upper-case hex groups
/// for IPv6 (no `::` compression), `<invalid>` for any other length.
fn ip_text(ip: &[u8]) -> String {
    match *ip {
        [a, b, c, d] => format!("{a}.{b}.{c}.{d}"),
        _ if ip.len() == 16 => ip
            .chunks(2)
            .map(|g| format!("{:X}", u16::from_be_bytes([g[0], g[1]])))
            .collect::<Vec<_>>()
            .join(":"),
        _ => "<invalid>".to_owned(),
    }
}

/// CPython's `default:` case: `GENERAL_NAME_print`'s first line (as
/// `BIO_gets` reads it, newline kept), split at the first `:` of the C
/// string.
fn printed_name(printed: &[u8]) -> Result<(String, String), SslError> {
    let line = bio_gets(printed);
    let c_str = line.split(|&b| b == 0).next().unwrap_or(&[]);
    let Some(colon) = c_str.iter().position(|&b| b == b':') else {
        let shown = &c_str[..c_str.len().min(200)];
        return Err(SslError::value(format!(
            "Invalid value {}",
            String::from_utf8_lossy(shown)
        )));
    };
    Ok((py_utf8(&line[..colon])?, py_utf8(&line[colon + 1..])?))
}

/// CPython's `_get_aia_uri`: the URIs of the authorityInfoAccess entries
/// whose method is `method`.
fn aia_uris(cert: &X509Ref, method: Nid) -> Result<Vec<String>, SslError> {
    let Some(info) = cert.authority_info() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for ad in &info {
        if ad.method().nid() != method {
            continue;
        }
        if let GeneralName::Uri(uri) = ffi::general_name(ad.location()) {
            out.push(py_utf8(uri)?);
        }
    }
    Ok(out)
}

/// CPython's `_get_crl_dp`: the URIs of the full names of every CRL
/// distribution point; distribution points without a name are skipped
/// (CVE-2019-5010), as are relative names (which CPython reads as a
/// fullname stack whose entries never have the URI type).
fn crl_uris(cert: &X509Ref) -> Result<Vec<String>, SslError> {
    let Some(points) = cert.crl_distribution_points() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for dp in &points {
        let Some(names) = dp.distpoint().and_then(|n| n.fullname()) else {
            continue;
        };
        for name in names {
            if let GeneralName::Uri(uri) = ffi::general_name(name) {
                out.push(py_utf8(uri)?);
            }
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------
// Python's repr().

/// Python's `repr()` of an RDN sequence: a tuple of tuples of pairs.
fn repr_rdns(rdns: &[Vec<(String, String)>]) -> String {
    let items: Vec<String> = rdns
        .iter()
        .map(|rdn| {
            let pairs: Vec<String> = rdn
                .iter()
                .map(|(k, v)| format!("({}, {})", py_repr(k), py_repr(v)))
                .collect();
            py_tuple(&pairs)
        })
        .collect();
    py_tuple(&items)
}

/// Python's tuple display: `()`, `(x,)`, `(x, y)`.
fn py_tuple(items: &[String]) -> String {
    match items {
        [] => "()".to_owned(),
        [one] => format!("({one},)"),
        _ => format!("({})", items.join(", ")),
    }
}

/// Python's `repr()` of a `str` (CPython's `unicode_repr`): single quotes
/// unless the text holds a single quote and no double quote; `\\`, `\t`,
/// `\n`, `\r` and the quote escaped; other ASCII controls as `\xNN`;
/// non-ASCII characters that are not printable as `\xNN`, `\uNNNN` or
/// `\UNNNNNNNN`.
pub(crate) fn py_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        let u = u32::from(c);
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            ' '..='~' => out.push(c),
            _ if u < 0x80 => {
                let _ = write!(out, "\\x{u:02x}");
            }
            c if py_isprintable(c) => out.push(c),
            _ if u <= 0xff => {
                let _ = write!(out, "\\x{u:02x}");
            }
            _ if u <= 0xffff => {
                let _ = write!(out, "\\u{u:04x}");
            }
            _ => {
                let _ = write!(out, "\\U{u:08x}");
            }
        }
    }
    out.push(quote);
    out
}

/// Python 3.11's `str.isprintable()` for one non-ASCII character: not in
/// categories Cc, Cf, Cs, Co, Cn, Zl, Zp, Zs, by Unicode 14.0.0.
fn py_isprintable(c: char) -> bool {
    let u = u32::from(c);
    NOT_PRINTABLE
        .binary_search_by(|&(lo, hi)| {
            if hi < u {
                std::cmp::Ordering::Less
            } else if lo > u {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_err()
}

// ---------------------------------------------------------------------------
// Lib/ssl.py's helpers: base64, str.strip, str.title, strptime, timegm.

/// Python's `str.isspace()` (and the regex `\s`) for one character: the
/// Unicode White_Space characters plus the ASCII separators U+001C..U+001F.
fn py_isspace(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `str.encode('ascii', 'strict')`'s `UnicodeEncodeError`, if any.
fn ascii_encode(s: &str) -> Result<(), SslError> {
    let mut chars = s.chars().enumerate().skip_while(|(_, c)| c.is_ascii());
    let Some((start, first)) = chars.next() else {
        return Ok(());
    };
    let run = 1 + chars.take_while(|(_, c)| !c.is_ascii()).count();
    let text = if run == 1 {
        let u = u32::from(first);
        let escaped = match u {
            0..=0xff => format!("\\x{u:02x}"),
            0x100..=0xffff => format!("\\u{u:04x}"),
            _ => format!("\\U{u:08x}"),
        };
        format!(
            "'ascii' codec can't encode character '{escaped}' in position {start}: ordinal not in range(128)"
        )
    } else {
        format!(
            "'ascii' codec can't encode characters in position {start}-{}: ordinal not in range(128)",
            start + run - 1
        )
    };
    Err(SslError::value(text))
}

/// `base64.standard_b64encode`.
fn b64encode(data: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = u32::from(b[0]) << 16 | u32::from(b[1]) << 8 | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> shift & 0x3f) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Python's `binascii.a2b_base64` in its default, lenient mode (what
/// `base64.decodebytes` calls): bytes outside the alphabet are skipped, a
/// pad that completes a quad ends the data.
fn a2b_base64(data: &[u8]) -> Result<Vec<u8>, SslError> {
    fn value(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let mut out = Vec::with_capacity(data.len() / 4 * 3 + 3);
    let mut quad_pos = 0;
    let mut leftchar: u8 = 0;
    let mut pads = 0;
    for &c in data {
        if c == b'=' {
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    return Ok(out);
                }
            }
            continue;
        }
        let Some(v) = value(c) else {
            continue;
        };
        pads = 0;
        match quad_pos {
            0 => {
                quad_pos = 1;
                leftchar = v;
            }
            1 => {
                quad_pos = 2;
                out.push(leftchar << 2 | v >> 4);
                leftchar = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                out.push(leftchar << 4 | v >> 2);
                leftchar = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                out.push(leftchar << 6 | v);
                leftchar = 0;
            }
        }
    }
    match quad_pos {
        0 => Ok(out),
        1 => Err(SslError::value(format!(
            "Invalid base64-encoded string: number of data characters ({}) cannot be 1 more than a multiple of 4",
            out.len() / 3 * 4 + 1
        ))),
        _ => Err(SslError::value("Incorrect padding")),
    }
}

/// Python's `str.title()` of a month's three characters (for the only
/// inputs that can title-case to a month name, where every character is
/// cased: upper-case the first, lower-case the rest).
fn py_title(chars: &[char]) -> impl Iterator<Item = char> + '_ {
    chars.iter().enumerate().flat_map(|(i, c)| {
        let mapped: Vec<char> = if i == 0 {
            c.to_uppercase().collect()
        } else {
            c.to_lowercase().collect()
        };
        mapped
    })
}

/// The value of a Unicode decimal digit (category Nd, Python's regex `\d`
/// and `int()`), by Unicode 14.0.0.
fn py_digit(c: char) -> Option<i64> {
    let u = u32::from(c);
    let i = DIGIT_ZEROS.partition_point(|&zero| zero <= u);
    let zero = DIGIT_ZEROS.get(i.checked_sub(1)?)?;
    let d = u - zero;
    (d < 10).then_some(i64::from(d))
}

/// Matches `" %d %H:%M:%S %Y GMT"` as Python's `_strptime` compiles it
/// (each space `\s+`, the directives' alternatives in their order,
/// `IGNORECASE`), anchored at the start like `re.match`, with the regex
/// engine's backtracking; returns `[day, hour, minute, second, year]` and
/// the characters matched.
fn strptime_cert_time(s: &[char]) -> Option<([i64; 5], usize)> {
    #[derive(Clone, Copy)]
    enum Item {
        /// `\s+`
        Ws,
        /// A directive's alternatives, tried in order.
        Field(&'static [&'static str]),
        /// Literal text, matched case-insensitively.
        Lit(&'static str),
    }
    // In the alternatives: 'd' is `\d`, "[xy]" the class `[x-y]`, anything
    // else itself.
    const DAY: &[&str] = &["3[01]", "[12]d", "0[19]", "[19]", " [19]"];
    const HOUR: &[&str] = &["2[03]", "[01]d", "d"];
    const MINUTE: &[&str] = &["[05]d", "d"];
    const SECOND: &[&str] = &["6[01]", "[05]d", "d"];
    const YEAR: &[&str] = &["dddd"];
    const PATTERN: &[Item] = &[
        Item::Ws,
        Item::Field(DAY),
        Item::Ws,
        Item::Field(HOUR),
        Item::Lit(":"),
        Item::Field(MINUTE),
        Item::Lit(":"),
        Item::Field(SECOND),
        Item::Ws,
        Item::Field(YEAR),
        Item::Ws,
        Item::Lit("GMT"),
    ];

    /// The value of what one alternative matches at the start of `s`, and
    /// its length (Python's `int()` of the group: digits, a leading space).
    fn alt(pattern: &str, s: &[char]) -> Option<(i64, usize)> {
        let p = pattern.as_bytes();
        let (mut i, mut j, mut n) = (0, 0, 0i64);
        while i < p.len() {
            let c = *s.get(j)?;
            match p[i] {
                b'[' => {
                    let (lo, hi) = (char::from(p[i + 1]), char::from(p[i + 2]));
                    if c < lo || c > hi {
                        return None;
                    }
                    n = n * 10 + py_digit(c)?;
                    i += 4;
                }
                b'd' => {
                    n = n * 10 + py_digit(c)?;
                    i += 1;
                }
                lit => {
                    if c != char::from(lit) {
                        return None;
                    }
                    if let Some(d) = py_digit(c) {
                        n = n * 10 + d;
                    }
                    i += 1;
                }
            }
            j += 1;
        }
        Some((n, j))
    }

    fn go(items: &[Item], s: &[char], pos: usize, fields: &mut Vec<i64>) -> Option<usize> {
        let Some((first, rest)) = items.split_first() else {
            return Some(pos);
        };
        match *first {
            Item::Ws => {
                let end = pos + s[pos..].iter().take_while(|&&c| py_isspace(c)).count();
                // Greedy, then give back one at a time.
                (pos + 1..=end)
                    .rev()
                    .find_map(|stop| go(rest, s, stop, fields))
            }
            Item::Lit(text) => {
                let len = text.chars().count();
                let got = s.get(pos..pos + len)?;
                if got
                    .iter()
                    .zip(text.chars())
                    .all(|(a, b)| a.eq_ignore_ascii_case(&b))
                {
                    go(rest, s, pos + len, fields)
                } else {
                    None
                }
            }
            Item::Field(alts) => alts.iter().find_map(|a| {
                let (n, len) = alt(a, &s[pos..])?;
                fields.push(n);
                let done = go(rest, s, pos + len, fields);
                if done.is_none() {
                    fields.pop();
                }
                done
            }),
        }
    }

    let mut fields = Vec::with_capacity(5);
    let used = go(PATTERN, s, 0, &mut fields)?;
    let f: [i64; 5] = fields.try_into().ok()?;
    Some((f, used))
}

/// `calendar.timegm` for a proleptic Gregorian UTC date and time; the day
/// may run past the month's end, as in Python's arithmetic.
fn timegm(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64) -> i64 {
    // Days from civil (Howard Hinnant's algorithm) for the 1st of the month.
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468 + (day - 1);
    days * 86_400 + hour * 3_600 + minute * 60 + second
}

// ---------------------------------------------------------------------------
// Unicode 14.0.0 tables, as CPython 3.11 has them, generated with its
// python3:
//
//     import unicodedata
//     bad = [cp for cp in range(0x80, 0x110000) if not chr(cp).isprintable()]
//     # NOT_PRINTABLE: `bad` as sorted, merged (first, last) runs
//     zeros = [cp for cp in range(0x110000)
//              if unicodedata.category(chr(cp)) == 'Nd'
//              and unicodedata.decimal(chr(cp)) == 0]
//     # DIGIT_ZEROS: `zeros`; every Nd character is one of the ten
//     # consecutive digits that start at one of them.

/// Ranges of non-ASCII code points that Python 3.11's `str.isprintable()`
/// rejects, sorted.
#[rustfmt::skip]
const NOT_PRINTABLE: &[(u32, u32)] = &[
    (0x80, 0xA0), (0xAD, 0xAD), (0x378, 0x379), (0x380, 0x383), (0x38B, 0x38B), (0x38D, 0x38D),
    (0x3A2, 0x3A2), (0x530, 0x530), (0x557, 0x558), (0x58B, 0x58C), (0x590, 0x590), (0x5C8, 0x5CF),
    (0x5EB, 0x5EE), (0x5F5, 0x605), (0x61C, 0x61C), (0x6DD, 0x6DD), (0x70E, 0x70F), (0x74B, 0x74C),
    (0x7B2, 0x7BF), (0x7FB, 0x7FC), (0x82E, 0x82F), (0x83F, 0x83F), (0x85C, 0x85D), (0x85F, 0x85F),
    (0x86B, 0x86F), (0x88F, 0x897), (0x8E2, 0x8E2), (0x984, 0x984), (0x98D, 0x98E), (0x991, 0x992),
    (0x9A9, 0x9A9), (0x9B1, 0x9B1), (0x9B3, 0x9B5), (0x9BA, 0x9BB), (0x9C5, 0x9C6), (0x9C9, 0x9CA),
    (0x9CF, 0x9D6), (0x9D8, 0x9DB), (0x9DE, 0x9DE), (0x9E4, 0x9E5), (0x9FF, 0xA00), (0xA04, 0xA04),
    (0xA0B, 0xA0E), (0xA11, 0xA12), (0xA29, 0xA29), (0xA31, 0xA31), (0xA34, 0xA34), (0xA37, 0xA37),
    (0xA3A, 0xA3B), (0xA3D, 0xA3D), (0xA43, 0xA46), (0xA49, 0xA4A), (0xA4E, 0xA50), (0xA52, 0xA58),
    (0xA5D, 0xA5D), (0xA5F, 0xA65), (0xA77, 0xA80), (0xA84, 0xA84), (0xA8E, 0xA8E), (0xA92, 0xA92),
    (0xAA9, 0xAA9), (0xAB1, 0xAB1), (0xAB4, 0xAB4), (0xABA, 0xABB), (0xAC6, 0xAC6), (0xACA, 0xACA),
    (0xACE, 0xACF), (0xAD1, 0xADF), (0xAE4, 0xAE5), (0xAF2, 0xAF8), (0xB00, 0xB00), (0xB04, 0xB04),
    (0xB0D, 0xB0E), (0xB11, 0xB12), (0xB29, 0xB29), (0xB31, 0xB31), (0xB34, 0xB34), (0xB3A, 0xB3B),
    (0xB45, 0xB46), (0xB49, 0xB4A), (0xB4E, 0xB54), (0xB58, 0xB5B), (0xB5E, 0xB5E), (0xB64, 0xB65),
    (0xB78, 0xB81), (0xB84, 0xB84), (0xB8B, 0xB8D), (0xB91, 0xB91), (0xB96, 0xB98), (0xB9B, 0xB9B),
    (0xB9D, 0xB9D), (0xBA0, 0xBA2), (0xBA5, 0xBA7), (0xBAB, 0xBAD), (0xBBA, 0xBBD), (0xBC3, 0xBC5),
    (0xBC9, 0xBC9), (0xBCE, 0xBCF), (0xBD1, 0xBD6), (0xBD8, 0xBE5), (0xBFB, 0xBFF), (0xC0D, 0xC0D),
    (0xC11, 0xC11), (0xC29, 0xC29), (0xC3A, 0xC3B), (0xC45, 0xC45), (0xC49, 0xC49), (0xC4E, 0xC54),
    (0xC57, 0xC57), (0xC5B, 0xC5C), (0xC5E, 0xC5F), (0xC64, 0xC65), (0xC70, 0xC76), (0xC8D, 0xC8D),
    (0xC91, 0xC91), (0xCA9, 0xCA9), (0xCB4, 0xCB4), (0xCBA, 0xCBB), (0xCC5, 0xCC5), (0xCC9, 0xCC9),
    (0xCCE, 0xCD4), (0xCD7, 0xCDC), (0xCDF, 0xCDF), (0xCE4, 0xCE5), (0xCF0, 0xCF0), (0xCF3, 0xCFF),
    (0xD0D, 0xD0D), (0xD11, 0xD11), (0xD45, 0xD45), (0xD49, 0xD49), (0xD50, 0xD53), (0xD64, 0xD65),
    (0xD80, 0xD80), (0xD84, 0xD84), (0xD97, 0xD99), (0xDB2, 0xDB2), (0xDBC, 0xDBC), (0xDBE, 0xDBF),
    (0xDC7, 0xDC9), (0xDCB, 0xDCE), (0xDD5, 0xDD5), (0xDD7, 0xDD7), (0xDE0, 0xDE5), (0xDF0, 0xDF1),
    (0xDF5, 0xE00), (0xE3B, 0xE3E), (0xE5C, 0xE80), (0xE83, 0xE83), (0xE85, 0xE85), (0xE8B, 0xE8B),
    (0xEA4, 0xEA4), (0xEA6, 0xEA6), (0xEBE, 0xEBF), (0xEC5, 0xEC5), (0xEC7, 0xEC7), (0xECE, 0xECF),
    (0xEDA, 0xEDB), (0xEE0, 0xEFF), (0xF48, 0xF48), (0xF6D, 0xF70), (0xF98, 0xF98), (0xFBD, 0xFBD),
    (0xFCD, 0xFCD), (0xFDB, 0xFFF), (0x10C6, 0x10C6), (0x10C8, 0x10CC), (0x10CE, 0x10CF),
    (0x1249, 0x1249), (0x124E, 0x124F), (0x1257, 0x1257), (0x1259, 0x1259), (0x125E, 0x125F),
    (0x1289, 0x1289), (0x128E, 0x128F), (0x12B1, 0x12B1), (0x12B6, 0x12B7), (0x12BF, 0x12BF),
    (0x12C1, 0x12C1), (0x12C6, 0x12C7), (0x12D7, 0x12D7), (0x1311, 0x1311), (0x1316, 0x1317),
    (0x135B, 0x135C), (0x137D, 0x137F), (0x139A, 0x139F), (0x13F6, 0x13F7), (0x13FE, 0x13FF),
    (0x1680, 0x1680), (0x169D, 0x169F), (0x16F9, 0x16FF), (0x1716, 0x171E), (0x1737, 0x173F),
    (0x1754, 0x175F), (0x176D, 0x176D), (0x1771, 0x1771), (0x1774, 0x177F), (0x17DE, 0x17DF),
    (0x17EA, 0x17EF), (0x17FA, 0x17FF), (0x180E, 0x180E), (0x181A, 0x181F), (0x1879, 0x187F),
    (0x18AB, 0x18AF), (0x18F6, 0x18FF), (0x191F, 0x191F), (0x192C, 0x192F), (0x193C, 0x193F),
    (0x1941, 0x1943), (0x196E, 0x196F), (0x1975, 0x197F), (0x19AC, 0x19AF), (0x19CA, 0x19CF),
    (0x19DB, 0x19DD), (0x1A1C, 0x1A1D), (0x1A5F, 0x1A5F), (0x1A7D, 0x1A7E), (0x1A8A, 0x1A8F),
    (0x1A9A, 0x1A9F), (0x1AAE, 0x1AAF), (0x1ACF, 0x1AFF), (0x1B4D, 0x1B4F), (0x1B7F, 0x1B7F),
    (0x1BF4, 0x1BFB), (0x1C38, 0x1C3A), (0x1C4A, 0x1C4C), (0x1C89, 0x1C8F), (0x1CBB, 0x1CBC),
    (0x1CC8, 0x1CCF), (0x1CFB, 0x1CFF), (0x1F16, 0x1F17), (0x1F1E, 0x1F1F), (0x1F46, 0x1F47),
    (0x1F4E, 0x1F4F), (0x1F58, 0x1F58), (0x1F5A, 0x1F5A), (0x1F5C, 0x1F5C), (0x1F5E, 0x1F5E),
    (0x1F7E, 0x1F7F), (0x1FB5, 0x1FB5), (0x1FC5, 0x1FC5), (0x1FD4, 0x1FD5), (0x1FDC, 0x1FDC),
    (0x1FF0, 0x1FF1), (0x1FF5, 0x1FF5), (0x1FFF, 0x200F), (0x2028, 0x202F), (0x205F, 0x206F),
    (0x2072, 0x2073), (0x208F, 0x208F), (0x209D, 0x209F), (0x20C1, 0x20CF), (0x20F1, 0x20FF),
    (0x218C, 0x218F), (0x2427, 0x243F), (0x244B, 0x245F), (0x2B74, 0x2B75), (0x2B96, 0x2B96),
    (0x2CF4, 0x2CF8), (0x2D26, 0x2D26), (0x2D28, 0x2D2C), (0x2D2E, 0x2D2F), (0x2D68, 0x2D6E),
    (0x2D71, 0x2D7E), (0x2D97, 0x2D9F), (0x2DA7, 0x2DA7), (0x2DAF, 0x2DAF), (0x2DB7, 0x2DB7),
    (0x2DBF, 0x2DBF), (0x2DC7, 0x2DC7), (0x2DCF, 0x2DCF), (0x2DD7, 0x2DD7), (0x2DDF, 0x2DDF),
    (0x2E5E, 0x2E7F), (0x2E9A, 0x2E9A), (0x2EF4, 0x2EFF), (0x2FD6, 0x2FEF), (0x2FFC, 0x3000),
    (0x3040, 0x3040), (0x3097, 0x3098), (0x3100, 0x3104), (0x3130, 0x3130), (0x318F, 0x318F),
    (0x31E4, 0x31EF), (0x321F, 0x321F), (0xA48D, 0xA48F), (0xA4C7, 0xA4CF), (0xA62C, 0xA63F),
    (0xA6F8, 0xA6FF), (0xA7CB, 0xA7CF), (0xA7D2, 0xA7D2), (0xA7D4, 0xA7D4), (0xA7DA, 0xA7F1),
    (0xA82D, 0xA82F), (0xA83A, 0xA83F), (0xA878, 0xA87F), (0xA8C6, 0xA8CD), (0xA8DA, 0xA8DF),
    (0xA954, 0xA95E), (0xA97D, 0xA97F), (0xA9CE, 0xA9CE), (0xA9DA, 0xA9DD), (0xA9FF, 0xA9FF),
    (0xAA37, 0xAA3F), (0xAA4E, 0xAA4F), (0xAA5A, 0xAA5B), (0xAAC3, 0xAADA), (0xAAF7, 0xAB00),
    (0xAB07, 0xAB08), (0xAB0F, 0xAB10), (0xAB17, 0xAB1F), (0xAB27, 0xAB27), (0xAB2F, 0xAB2F),
    (0xAB6C, 0xAB6F), (0xABEE, 0xABEF), (0xABFA, 0xABFF), (0xD7A4, 0xD7AF), (0xD7C7, 0xD7CA),
    (0xD7FC, 0xF8FF), (0xFA6E, 0xFA6F), (0xFADA, 0xFAFF), (0xFB07, 0xFB12), (0xFB18, 0xFB1C),
    (0xFB37, 0xFB37), (0xFB3D, 0xFB3D), (0xFB3F, 0xFB3F), (0xFB42, 0xFB42), (0xFB45, 0xFB45),
    (0xFBC3, 0xFBD2), (0xFD90, 0xFD91), (0xFDC8, 0xFDCE), (0xFDD0, 0xFDEF), (0xFE1A, 0xFE1F),
    (0xFE53, 0xFE53), (0xFE67, 0xFE67), (0xFE6C, 0xFE6F), (0xFE75, 0xFE75), (0xFEFD, 0xFF00),
    (0xFFBF, 0xFFC1), (0xFFC8, 0xFFC9), (0xFFD0, 0xFFD1), (0xFFD8, 0xFFD9), (0xFFDD, 0xFFDF),
    (0xFFE7, 0xFFE7), (0xFFEF, 0xFFFB), (0xFFFE, 0xFFFF), (0x1000C, 0x1000C), (0x10027, 0x10027),
    (0x1003B, 0x1003B), (0x1003E, 0x1003E), (0x1004E, 0x1004F), (0x1005E, 0x1007F),
    (0x100FB, 0x100FF), (0x10103, 0x10106), (0x10134, 0x10136), (0x1018F, 0x1018F),
    (0x1019D, 0x1019F), (0x101A1, 0x101CF), (0x101FE, 0x1027F), (0x1029D, 0x1029F),
    (0x102D1, 0x102DF), (0x102FC, 0x102FF), (0x10324, 0x1032C), (0x1034B, 0x1034F),
    (0x1037B, 0x1037F), (0x1039E, 0x1039E), (0x103C4, 0x103C7), (0x103D6, 0x103FF),
    (0x1049E, 0x1049F), (0x104AA, 0x104AF), (0x104D4, 0x104D7), (0x104FC, 0x104FF),
    (0x10528, 0x1052F), (0x10564, 0x1056E), (0x1057B, 0x1057B), (0x1058B, 0x1058B),
    (0x10593, 0x10593), (0x10596, 0x10596), (0x105A2, 0x105A2), (0x105B2, 0x105B2),
    (0x105BA, 0x105BA), (0x105BD, 0x105FF), (0x10737, 0x1073F), (0x10756, 0x1075F),
    (0x10768, 0x1077F), (0x10786, 0x10786), (0x107B1, 0x107B1), (0x107BB, 0x107FF),
    (0x10806, 0x10807), (0x10809, 0x10809), (0x10836, 0x10836), (0x10839, 0x1083B),
    (0x1083D, 0x1083E), (0x10856, 0x10856), (0x1089F, 0x108A6), (0x108B0, 0x108DF),
    (0x108F3, 0x108F3), (0x108F6, 0x108FA), (0x1091C, 0x1091E), (0x1093A, 0x1093E),
    (0x10940, 0x1097F), (0x109B8, 0x109BB), (0x109D0, 0x109D1), (0x10A04, 0x10A04),
    (0x10A07, 0x10A0B), (0x10A14, 0x10A14), (0x10A18, 0x10A18), (0x10A36, 0x10A37),
    (0x10A3B, 0x10A3E), (0x10A49, 0x10A4F), (0x10A59, 0x10A5F), (0x10AA0, 0x10ABF),
    (0x10AE7, 0x10AEA), (0x10AF7, 0x10AFF), (0x10B36, 0x10B38), (0x10B56, 0x10B57),
    (0x10B73, 0x10B77), (0x10B92, 0x10B98), (0x10B9D, 0x10BA8), (0x10BB0, 0x10BFF),
    (0x10C49, 0x10C7F), (0x10CB3, 0x10CBF), (0x10CF3, 0x10CF9), (0x10D28, 0x10D2F),
    (0x10D3A, 0x10E5F), (0x10E7F, 0x10E7F), (0x10EAA, 0x10EAA), (0x10EAE, 0x10EAF),
    (0x10EB2, 0x10EFF), (0x10F28, 0x10F2F), (0x10F5A, 0x10F6F), (0x10F8A, 0x10FAF),
    (0x10FCC, 0x10FDF), (0x10FF7, 0x10FFF), (0x1104E, 0x11051), (0x11076, 0x1107E),
    (0x110BD, 0x110BD), (0x110C3, 0x110CF), (0x110E9, 0x110EF), (0x110FA, 0x110FF),
    (0x11135, 0x11135), (0x11148, 0x1114F), (0x11177, 0x1117F), (0x111E0, 0x111E0),
    (0x111F5, 0x111FF), (0x11212, 0x11212), (0x1123F, 0x1127F), (0x11287, 0x11287),
    (0x11289, 0x11289), (0x1128E, 0x1128E), (0x1129E, 0x1129E), (0x112AA, 0x112AF),
    (0x112EB, 0x112EF), (0x112FA, 0x112FF), (0x11304, 0x11304), (0x1130D, 0x1130E),
    (0x11311, 0x11312), (0x11329, 0x11329), (0x11331, 0x11331), (0x11334, 0x11334),
    (0x1133A, 0x1133A), (0x11345, 0x11346), (0x11349, 0x1134A), (0x1134E, 0x1134F),
    (0x11351, 0x11356), (0x11358, 0x1135C), (0x11364, 0x11365), (0x1136D, 0x1136F),
    (0x11375, 0x113FF), (0x1145C, 0x1145C), (0x11462, 0x1147F), (0x114C8, 0x114CF),
    (0x114DA, 0x1157F), (0x115B6, 0x115B7), (0x115DE, 0x115FF), (0x11645, 0x1164F),
    (0x1165A, 0x1165F), (0x1166D, 0x1167F), (0x116BA, 0x116BF), (0x116CA, 0x116FF),
    (0x1171B, 0x1171C), (0x1172C, 0x1172F), (0x11747, 0x117FF), (0x1183C, 0x1189F),
    (0x118F3, 0x118FE), (0x11907, 0x11908), (0x1190A, 0x1190B), (0x11914, 0x11914),
    (0x11917, 0x11917), (0x11936, 0x11936), (0x11939, 0x1193A), (0x11947, 0x1194F),
    (0x1195A, 0x1199F), (0x119A8, 0x119A9), (0x119D8, 0x119D9), (0x119E5, 0x119FF),
    (0x11A48, 0x11A4F), (0x11AA3, 0x11AAF), (0x11AF9, 0x11BFF), (0x11C09, 0x11C09),
    (0x11C37, 0x11C37), (0x11C46, 0x11C4F), (0x11C6D, 0x11C6F), (0x11C90, 0x11C91),
    (0x11CA8, 0x11CA8), (0x11CB7, 0x11CFF), (0x11D07, 0x11D07), (0x11D0A, 0x11D0A),
    (0x11D37, 0x11D39), (0x11D3B, 0x11D3B), (0x11D3E, 0x11D3E), (0x11D48, 0x11D4F),
    (0x11D5A, 0x11D5F), (0x11D66, 0x11D66), (0x11D69, 0x11D69), (0x11D8F, 0x11D8F),
    (0x11D92, 0x11D92), (0x11D99, 0x11D9F), (0x11DAA, 0x11EDF), (0x11EF9, 0x11FAF),
    (0x11FB1, 0x11FBF), (0x11FF2, 0x11FFE), (0x1239A, 0x123FF), (0x1246F, 0x1246F),
    (0x12475, 0x1247F), (0x12544, 0x12F8F), (0x12FF3, 0x12FFF), (0x1342F, 0x143FF),
    (0x14647, 0x167FF), (0x16A39, 0x16A3F), (0x16A5F, 0x16A5F), (0x16A6A, 0x16A6D),
    (0x16ABF, 0x16ABF), (0x16ACA, 0x16ACF), (0x16AEE, 0x16AEF), (0x16AF6, 0x16AFF),
    (0x16B46, 0x16B4F), (0x16B5A, 0x16B5A), (0x16B62, 0x16B62), (0x16B78, 0x16B7C),
    (0x16B90, 0x16E3F), (0x16E9B, 0x16EFF), (0x16F4B, 0x16F4E), (0x16F88, 0x16F8E),
    (0x16FA0, 0x16FDF), (0x16FE5, 0x16FEF), (0x16FF2, 0x16FFF), (0x187F8, 0x187FF),
    (0x18CD6, 0x18CFF), (0x18D09, 0x1AFEF), (0x1AFF4, 0x1AFF4), (0x1AFFC, 0x1AFFC),
    (0x1AFFF, 0x1AFFF), (0x1B123, 0x1B14F), (0x1B153, 0x1B163), (0x1B168, 0x1B16F),
    (0x1B2FC, 0x1BBFF), (0x1BC6B, 0x1BC6F), (0x1BC7D, 0x1BC7F), (0x1BC89, 0x1BC8F),
    (0x1BC9A, 0x1BC9B), (0x1BCA0, 0x1CEFF), (0x1CF2E, 0x1CF2F), (0x1CF47, 0x1CF4F),
    (0x1CFC4, 0x1CFFF), (0x1D0F6, 0x1D0FF), (0x1D127, 0x1D128), (0x1D173, 0x1D17A),
    (0x1D1EB, 0x1D1FF), (0x1D246, 0x1D2DF), (0x1D2F4, 0x1D2FF), (0x1D357, 0x1D35F),
    (0x1D379, 0x1D3FF), (0x1D455, 0x1D455), (0x1D49D, 0x1D49D), (0x1D4A0, 0x1D4A1),
    (0x1D4A3, 0x1D4A4), (0x1D4A7, 0x1D4A8), (0x1D4AD, 0x1D4AD), (0x1D4BA, 0x1D4BA),
    (0x1D4BC, 0x1D4BC), (0x1D4C4, 0x1D4C4), (0x1D506, 0x1D506), (0x1D50B, 0x1D50C),
    (0x1D515, 0x1D515), (0x1D51D, 0x1D51D), (0x1D53A, 0x1D53A), (0x1D53F, 0x1D53F),
    (0x1D545, 0x1D545), (0x1D547, 0x1D549), (0x1D551, 0x1D551), (0x1D6A6, 0x1D6A7),
    (0x1D7CC, 0x1D7CD), (0x1DA8C, 0x1DA9A), (0x1DAA0, 0x1DAA0), (0x1DAB0, 0x1DEFF),
    (0x1DF1F, 0x1DFFF), (0x1E007, 0x1E007), (0x1E019, 0x1E01A), (0x1E022, 0x1E022),
    (0x1E025, 0x1E025), (0x1E02B, 0x1E0FF), (0x1E12D, 0x1E12F), (0x1E13E, 0x1E13F),
    (0x1E14A, 0x1E14D), (0x1E150, 0x1E28F), (0x1E2AF, 0x1E2BF), (0x1E2FA, 0x1E2FE),
    (0x1E300, 0x1E7DF), (0x1E7E7, 0x1E7E7), (0x1E7EC, 0x1E7EC), (0x1E7EF, 0x1E7EF),
    (0x1E7FF, 0x1E7FF), (0x1E8C5, 0x1E8C6), (0x1E8D7, 0x1E8FF), (0x1E94C, 0x1E94F),
    (0x1E95A, 0x1E95D), (0x1E960, 0x1EC70), (0x1ECB5, 0x1ED00), (0x1ED3E, 0x1EDFF),
    (0x1EE04, 0x1EE04), (0x1EE20, 0x1EE20), (0x1EE23, 0x1EE23), (0x1EE25, 0x1EE26),
    (0x1EE28, 0x1EE28), (0x1EE33, 0x1EE33), (0x1EE38, 0x1EE38), (0x1EE3A, 0x1EE3A),
    (0x1EE3C, 0x1EE41), (0x1EE43, 0x1EE46), (0x1EE48, 0x1EE48), (0x1EE4A, 0x1EE4A),
    (0x1EE4C, 0x1EE4C), (0x1EE50, 0x1EE50), (0x1EE53, 0x1EE53), (0x1EE55, 0x1EE56),
    (0x1EE58, 0x1EE58), (0x1EE5A, 0x1EE5A), (0x1EE5C, 0x1EE5C), (0x1EE5E, 0x1EE5E),
    (0x1EE60, 0x1EE60), (0x1EE63, 0x1EE63), (0x1EE65, 0x1EE66), (0x1EE6B, 0x1EE6B),
    (0x1EE73, 0x1EE73), (0x1EE78, 0x1EE78), (0x1EE7D, 0x1EE7D), (0x1EE7F, 0x1EE7F),
    (0x1EE8A, 0x1EE8A), (0x1EE9C, 0x1EEA0), (0x1EEA4, 0x1EEA4), (0x1EEAA, 0x1EEAA),
    (0x1EEBC, 0x1EEEF), (0x1EEF2, 0x1EFFF), (0x1F02C, 0x1F02F), (0x1F094, 0x1F09F),
    (0x1F0AF, 0x1F0B0), (0x1F0C0, 0x1F0C0), (0x1F0D0, 0x1F0D0), (0x1F0F6, 0x1F0FF),
    (0x1F1AE, 0x1F1E5), (0x1F203, 0x1F20F), (0x1F23C, 0x1F23F), (0x1F249, 0x1F24F),
    (0x1F252, 0x1F25F), (0x1F266, 0x1F2FF), (0x1F6D8, 0x1F6DC), (0x1F6ED, 0x1F6EF),
    (0x1F6FD, 0x1F6FF), (0x1F774, 0x1F77F), (0x1F7D9, 0x1F7DF), (0x1F7EC, 0x1F7EF),
    (0x1F7F1, 0x1F7FF), (0x1F80C, 0x1F80F), (0x1F848, 0x1F84F), (0x1F85A, 0x1F85F),
    (0x1F888, 0x1F88F), (0x1F8AE, 0x1F8AF), (0x1F8B2, 0x1F8FF), (0x1FA54, 0x1FA5F),
    (0x1FA6E, 0x1FA6F), (0x1FA75, 0x1FA77), (0x1FA7D, 0x1FA7F), (0x1FA87, 0x1FA8F),
    (0x1FAAD, 0x1FAAF), (0x1FABB, 0x1FABF), (0x1FAC6, 0x1FACF), (0x1FADA, 0x1FADF),
    (0x1FAE8, 0x1FAEF), (0x1FAF7, 0x1FAFF), (0x1FB93, 0x1FB93), (0x1FBCB, 0x1FBEF),
    (0x1FBFA, 0x1FFFF), (0x2A6E0, 0x2A6FF), (0x2B739, 0x2B73F), (0x2B81E, 0x2B81F),
    (0x2CEA2, 0x2CEAF), (0x2EBE1, 0x2F7FF), (0x2FA1E, 0x2FFFF), (0x3134B, 0xE00FF),
    (0xE01F0, 0x10FFFF),
];

/// The zero of every run of ten Unicode decimal digits (category Nd), sorted.
#[rustfmt::skip]
const DIGIT_ZEROS: &[u32] = &[
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650,
    0x116C0, 0x11730, 0x118E0, 0x11950, 0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50,
    0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_python_quoting() {
        assert_eq!(py_repr("localhost"), "'localhost'");
        assert_eq!(py_repr("it's"), "\"it's\"");
        assert_eq!(py_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(py_repr("nul\0byte\x7f"), "'nul\\x00byte\\x7f'");
        assert_eq!(
            py_repr("Täst\u{a0}\u{ad}\u{378}\u{2028}"),
            "'Täst\\xa0\\xad\\u0378\\u2028'"
        );
        assert_eq!(py_repr("\u{1f600}\u{e0001}"), "'\u{1f600}\\U000e0001'");
    }

    #[test]
    fn tuples_follow_python_display() {
        assert_eq!(py_tuple(&[]), "()");
        assert_eq!(py_tuple(&["1".into()]), "(1,)");
        assert_eq!(py_tuple(&["1".into(), "2".into()]), "(1, 2)");
    }

    #[test]
    fn bio_gets_reads_one_line_of_at_most_2046_bytes() {
        assert_eq!(bio_gets(b"ab\\\ncd"), b"ab\\\n");
        assert_eq!(bio_gets(b"abc"), b"abc");
        assert_eq!(bio_gets(&[b'x'; 3000]).len(), 2046);
    }

    #[test]
    fn utf8_errors_read_like_unicode_decode_error() {
        let msg = |b: &[u8]| py_utf8(b).unwrap_err().to_string();
        assert_eq!(
            msg(b"ab\xff"),
            "'utf-8' codec can't decode byte 0xff in position 2: invalid start byte"
        );
        assert_eq!(
            msg(b"\xe2\x82x"),
            "'utf-8' codec can't decode bytes in position 0-1: invalid continuation byte"
        );
        assert_eq!(
            msg(b"a\xe2\x82"),
            "'utf-8' codec can't decode bytes in position 1-2: unexpected end of data"
        );
        assert_eq!(py_utf8(b"a\0b").unwrap(), "a\0b");
    }

    #[test]
    fn ip_addresses_as_cpython_formats_them() {
        assert_eq!(ip_text(&[127, 0, 0, 1]), "127.0.0.1");
        let mut v6 = [0u8; 16];
        v6[0] = 0x20;
        v6[1] = 0x01;
        v6[15] = 0xab;
        assert_eq!(ip_text(&v6), "2001:0:0:0:0:0:0:AB");
        assert_eq!(ip_text(&[1, 2, 3]), "<invalid>");
    }

    #[test]
    fn timegm_is_calendar_timegm() {
        assert_eq!(timegm(1970, 1, 1, 0, 0, 0), 0);
        assert_eq!(timegm(2018, 1, 5, 9, 34, 43), 1_515_144_883);
        assert_eq!(timegm(2000, 2, 29, 0, 0, 0), 951_782_400);
        assert_eq!(timegm(1, 1, 1, 0, 0, 0), -62_135_596_800);
    }

    #[test]
    fn base64_round_trips_and_is_lenient_like_binascii() {
        for n in 0..10 {
            let data: Vec<u8> = (0..n).map(|i: u8| i.wrapping_mul(37)).collect();
            assert_eq!(a2b_base64(b64encode(&data).as_bytes()).unwrap(), data);
        }
        assert_eq!(b64encode(b"hello"), "aGVsbG8=");
        assert_eq!(a2b_base64(b"aGVs\nbG8=").unwrap(), b"hello");
        assert_eq!(
            a2b_base64(b"aGVsbG8").unwrap_err().to_string(),
            "Incorrect padding"
        );
    }

    #[test]
    fn tables_are_sorted() {
        assert!(NOT_PRINTABLE.windows(2).all(|w| w[0].1 < w[1].0));
        assert!(DIGIT_ZEROS.windows(2).all(|w| w[0] + 10 <= w[1]));
        assert_eq!(py_digit('7'), Some(7));
        assert_eq!(py_digit('\u{0669}'), Some(9));
        assert_eq!(py_digit('a'), None);
        assert_eq!(py_digit('\u{1d7ff}'), Some(9));
    }
}
