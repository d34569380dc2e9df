//! Certificates as Python sees them: [`PeerCert`] (the `getpeercert()`
//! dict), [`decode_cert`], PEM/DER conversion and
//! [`cert_time_to_seconds`].
//!
//! Decoding follows CPython's `_decode_certificate` in `Modules/_ssl.c`
//! call for call (names through `OBJ_obj2txt`, values through
//! `ASN1_STRING_to_UTF8`, RDNs grouped by `X509_NAME_ENTRY_set`, times by
//! `ASN1_TIME_print`, serials by `i2a_ASN1_INTEGER`), so every string is the
//! one Python shows.

use std::fmt::Write as _;
use std::path::Path;

use openssl::nid::Nid;
use openssl::x509::{X509NameRef, X509Ref, X509};

use crate::error::SslError;
use crate::ffi::{self, GeneralName};

/// A certificate as Python's `SSLSocket.getpeercert()` returns it, key by
/// key.
///
/// An empty `Vec` means the key is absent from Python's dict (Python omits
/// `subjectAltName`, `OCSP`, `caIssuers` and `crlDistributionPoints` when a
/// certificate has none). A `PeerCert` equal to `PeerCert::default()` is
/// Python's `{}`: a certificate was received but not verified
/// ([`is_empty`](Self::is_empty)). [`python_repr`](Self::python_repr) gives
/// Python's `repr()` of the dict, character for character.
///
/// Python: the dict of `SSLSocket.getpeercert()` /
/// `ssl._ssl._test_decode_cert()`. OpenSSL: `X509_get_subject_name`,
/// `X509_get_issuer_name`, `X509_get_version`, `X509_get_serialNumber`,
/// `X509_get0_notBefore`/`notAfter`, `X509_get_ext_d2i`.
#[allow(clippy::exhaustive_structs)] // Python's dict has exactly these keys.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PeerCert {
    /// `'subject'`: the RDNs, each a list of `(attribute, value)` pairs, e.g.
    /// `[[("commonName", "localhost")]]` for Python's
    /// `((('commonName', 'localhost'),),)`.
    pub subject: Vec<Vec<(String, String)>>,
    /// `'issuer'`, shaped like [`subject`](Self::subject).
    pub issuer: Vec<Vec<(String, String)>>,
    /// `'version'`: 1-based (`3` for X.509 v3).
    pub version: i64,
    /// `'serialNumber'`: upper-case hex, e.g. `"CB2D80995A69525C"`.
    pub serial_number: String,
    /// `'notBefore'`, e.g. `"Jan  5 09:34:43 2018 GMT"` (see
    /// [`cert_time_to_seconds`]).
    pub not_before: String,
    /// `'notAfter'`, formatted as [`not_before`](Self::not_before).
    pub not_after: String,
    /// `'subjectAltName'`: `(kind, value)` pairs, kinds as Python names
    /// them: `"DNS"`, `"IP Address"`, `"email"`, `"URI"`, `"DirName"`,
    /// `"Registered ID"`, `"othername"`, …. Python's value for `"DirName"`
    /// is a tuple of RDNs, not a string; it is stored here as Python's
    /// `repr()` of that tuple.
    pub subject_alt_name: Vec<(String, String)>,
    /// `'OCSP'`: the OCSP responder URIs (authorityInfoAccess).
    pub ocsp: Vec<String>,
    /// `'caIssuers'`: the issuer certificate URIs (authorityInfoAccess).
    pub ca_issuers: Vec<String>,
    /// `'crlDistributionPoints'`: the CRL URIs.
    pub crl_distribution_points: Vec<String>,
}

impl PeerCert {
    /// Decodes `cert` as CPython's `_decode_certificate` does.
    pub(crate) fn from_x509(cert: &X509Ref) -> Result<PeerCert, SslError> {
        Ok(PeerCert {
            subject: name_rdns(cert.subject_name())?,
            issuer: name_rdns(cert.issuer_name())?,
            version: i64::from(cert.version()) + 1,
            serial_number: ffi::i2a_asn1_integer(cert.serial_number()),
            not_before: cert.not_before().to_string(),
            not_after: cert.not_after().to_string(),
            subject_alt_name: alt_names(cert)?,
            ocsp: aia_uris(cert, Nid::AD_OCSP)?,
            ca_issuers: aia_uris(cert, Nid::AD_CA_ISSUERS)?,
            crl_distribution_points: crl_uris(cert)?,
        })
    }

    /// Whether this is Python's `{}`: the peer sent a certificate, but the
    /// context does not verify (`CERT_NONE`), so Python shows nothing of it.
    pub fn is_empty(&self) -> bool {
        *self == PeerCert::default()
    }

    /// Python's `repr()` of the dict, e.g.
    /// `{'subject': ((('commonName', 'localhost'),),), 'issuer': …, 'version': 3, …}`;
    /// `{}` when [`is_empty`](Self::is_empty).
    ///
    /// Handy when porting code that prints or logs `getpeercert()`, and for
    /// comparing with Python byte for byte.
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
                .map(|(kind, value)| {
                    let value = if kind == "DirName" {
                        value.clone()
                    } else {
                        py_repr(value)
                    };
                    format!("({}, {value})", py_repr(kind))
                })
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

/// Reads the first PEM certificate in `path` and decodes it as
/// [`SslSocket::getpeercert`](crate::SslSocket::getpeercert) would.
///
/// Python: `ssl._ssl._test_decode_cert(path)`. OpenSSL:
/// `PEM_read_bio_X509`, then as [`PeerCert`].
///
/// Errors are Python's `SSLError`s: "Can't open file" and "Error decoding
/// PEM-encoded file".
pub fn decode_cert(path: &Path) -> Result<PeerCert, SslError> {
    let pem = std::fs::read(path).map_err(|_| SslError::ssl_message("Can't open file"))?;
    let cert = X509::from_pem(&pem)
        .map_err(|_| SslError::ssl_message("Error decoding PEM-encoded file"))?;
    PeerCert::from_x509(&cert)
}

/// The PEM form of a DER certificate: base64 in 64-character lines between
/// `-----BEGIN CERTIFICATE-----` and `-----END CERTIFICATE-----`, ending in
/// a newline.
///
/// Python: `ssl.DER_cert_to_PEM_cert(der)`. OpenSSL: none (`EVP_EncodeBlock`
/// for the base64).
#[doc(alias = "DER_cert_to_PEM_cert")]
pub fn der_cert_to_pem_cert(der: &[u8]) -> String {
    let b64 = openssl::base64::encode_block(der);
    let mut out = String::with_capacity(b64.len() + b64.len() / 64 + 64);
    out.push_str(PEM_HEADER);
    out.push('\n');
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out.push_str(PEM_FOOTER);
    out.push('\n');
    out
}

/// The DER bytes of a PEM certificate.
///
/// Python: `ssl.PEM_cert_to_DER_cert(pem)`. OpenSSL: none (base64 decoded
/// here as Python's lenient `base64.decodebytes`: characters outside the
/// alphabet are skipped).
///
/// Errors are Python's `ValueError`s: "Invalid PEM encoding; must start
/// with -----BEGIN CERTIFICATE-----", "… must end with -----END
/// CERTIFICATE-----", and `binascii.Error`'s "Incorrect padding".
#[doc(alias = "PEM_cert_to_DER_cert")]
pub fn pem_cert_to_der_cert(pem: &str) -> Result<Vec<u8>, SslError> {
    if !pem.starts_with(PEM_HEADER) {
        return Err(SslError::value(format!(
            "Invalid PEM encoding; must start with {PEM_HEADER}"
        )));
    }
    let trimmed = pem.trim_matches(PY_WHITESPACE);
    if !trimmed.ends_with(PEM_FOOTER) {
        return Err(SslError::value(format!(
            "Invalid PEM encoding; must end with {PEM_FOOTER}"
        )));
    }
    let body = trimmed
        .get(PEM_HEADER.len()..trimmed.len() - PEM_FOOTER.len())
        .unwrap_or("");
    if let Some((pos, c)) = body.char_indices().find(|(_, c)| !c.is_ascii()) {
        let pos = body[..pos].chars().count();
        // UnicodeEncodeError shows the character escaped, whatever it is.
        let escaped = match c as u32 {
            u @ 0..=0xff => format!("\\x{u:02x}"),
            u @ 0x100..=0xffff => format!("\\u{u:04x}"),
            u => format!("\\U{u:08x}"),
        };
        return Err(SslError::value(format!(
            "'ascii' codec can't encode character '{escaped}' in position {pos}: ordinal not in range(128)"
        )));
    }
    a2b_base64(body.as_bytes())
}

/// Seconds since the epoch for a certificate time such as
/// `"Jan  5 09:34:43 2018 GMT"` (the `notBefore`/`notAfter` format).
///
/// Python: `ssl.cert_time_to_seconds(s)`. OpenSSL: none (parsed as Python's
/// `time.strptime(s[3:], " %d %H:%M:%S %Y GMT")` with the month from the
/// first three letters, then `calendar.timegm`).
///
/// Errors are Python's `ValueError`s, e.g. `time data 'Jan  5 09:34:43
/// 2018' does not match format "%b %d %H:%M:%S %Y GMT"` for a bad month, or
/// strptime's "time data … does not match format …" and "unconverted data
/// remains: …".
pub fn cert_time_to_seconds(s: &str) -> Result<i64, SslError> {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    const TIME_FORMAT: &str = " %d %H:%M:%S %Y GMT";
    let head: String = s.chars().take(3).collect();
    let month = MONTHS
        .iter()
        .position(|m| *m == py_title(&head))
        .ok_or_else(|| {
            SslError::value(format!(
                "time data {} does not match format \"%b{TIME_FORMAT}\"",
                py_repr(s)
            ))
        })?;
    let rest: String = s.chars().skip(3).collect();
    let (fields, used) = strptime_cert_time(&rest).ok_or_else(|| {
        SslError::value(format!(
            "time data {} does not match format {}",
            py_repr(&rest),
            py_repr(TIME_FORMAT)
        ))
    })?;
    if used < rest.len() {
        return Err(SslError::value(format!(
            "unconverted data remains: {}",
            &rest[used..]
        )));
    }
    let [day, hour, minute, second, year] = fields;
    Ok(timegm(year, month as i64 + 1, day, hour, minute, second))
}

const PEM_HEADER: &str = "-----BEGIN CERTIFICATE-----";
const PEM_FOOTER: &str = "-----END CERTIFICATE-----";
/// The characters Python's `str.strip()` removes (ASCII subset).
const PY_WHITESPACE: &[char] = &[
    ' ', '\t', '\n', '\r', '\x0b', '\x0c', '\x1c', '\x1d', '\x1e', '\x1f', '\u{85}', '\u{a0}',
];

/// CPython's `_create_tuple_for_X509_NAME`.
fn name_rdns(name: &X509NameRef) -> Result<Vec<Vec<(String, String)>>, SslError> {
    let mut rdns: Vec<Vec<(String, String)>> = Vec::new();
    let mut level = None;
    for entry in name.entries() {
        let set = ffi::name_entry_set(entry);
        if level != Some(set) || rdns.is_empty() {
            rdns.push(Vec::new());
        }
        level = Some(set);
        let key = ffi::obj2txt(entry.object());
        let value = openssl::asn1::Asn1StringRef::to_string(entry.data())?;
        if let Some(rdn) = rdns.last_mut() {
            rdn.push((key, value));
        }
    }
    Ok(rdns)
}

/// CPython's `_get_peer_alt_names`.
fn alt_names(cert: &X509Ref) -> Result<Vec<(String, String)>, SslError> {
    let Some(names) = cert.subject_alt_names() else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for name in &names {
        let entry = match ffi::general_name(name) {
            GeneralName::Email(v) => ("email".to_owned(), utf8(v)?),
            GeneralName::Dns(v) => ("DNS".to_owned(), utf8(v)?),
            GeneralName::Uri(v) => ("URI".to_owned(), utf8(v)?),
            GeneralName::DirName(n) => ("DirName".to_owned(), repr_rdns(&name_rdns(n)?)),
            GeneralName::RegisteredId(oid) => ("Registered ID".to_owned(), oid),
            GeneralName::IpAddress(ip) => ("IP Address".to_owned(), ip_text(ip)),
            GeneralName::Printed(text) => {
                let text = text.strip_suffix('\n').unwrap_or(&text);
                let Some((kind, value)) = text.split_once(':') else {
                    return Err(SslError::value(format!("Invalid value {text}")));
                };
                (kind.to_owned(), value.to_owned())
            }
        };
        out.push(entry);
    }
    Ok(out)
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
            out.push(utf8(uri)?);
        }
    }
    Ok(out)
}

/// CPython's `_get_crl_dp`: the URIs of the full names of every CRL
/// distribution point; empty distribution points are skipped
/// (CVE-2019-5010).
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
                out.push(utf8(uri)?);
            }
        }
    }
    Ok(out)
}

/// Python's `PyUnicode_FromStringAndSize`: strict UTF-8.
fn utf8(bytes: &[u8]) -> Result<String, SslError> {
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        let pos = e.utf8_error().valid_up_to();
        SslError::value(format!(
            "'utf-8' codec can't decode byte {:#04x} in position {pos}: invalid start byte",
            bytes.get(pos).copied().unwrap_or(0)
        ))
    })
}

/// CPython's text for a `GEN_IPADD`: dotted quad, eight upper-case hex
/// groups for IPv6 (no `::` compression), `<invalid>` otherwise.
fn ip_text(ip: &[u8]) -> String {
    match ip.len() {
        4 => format!("{}.{}.{}.{}", ip[0], ip[1], ip[2], ip[3]),
        16 => ip
            .chunks(2)
            .map(|g| format!("{:X}", u16::from(g[0]) << 8 | u16::from(g[1])))
            .collect::<Vec<_>>()
            .join(":"),
        _ => "<invalid>".to_owned(),
    }
}

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

/// Python's `repr()` of a `str`: single quotes unless the text holds a
/// single quote and no double quote; `\\`, `\n`, `\r`, `\t` and the
/// quote escaped; other non-printable characters as `\xNN`, `\uNNNN` or
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
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if py_printable(c) => out.push(c),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c if (c as u32) < 0x10000 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\U{:08x}", c as u32);
            }
        }
    }
    out.push(quote);
    out
}

/// An approximation of Python's `str.isprintable()` for one character:
/// not a control, format, separator (other than space), surrogate or
/// private-use character.
fn py_printable(c: char) -> bool {
    let u = c as u32;
    if c == ' ' {
        return true;
    }
    if c.is_control() || c.is_whitespace() {
        return false;
    }
    !matches!(u,
        0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e | 0x200b..=0x200f
        | 0x202a..=0x202e | 0x2060..=0x206f | 0xd800..=0xf8ff | 0xfeff | 0xfff9..=0xfffb
        | 0xe0001 | 0xe0020..=0xe007f | 0xf0000..)
}

/// Python's `str.title()` for the three ASCII letters of a month name.
fn py_title(s: &str) -> String {
    let mut out = String::new();
    let mut prev_letter = false;
    for c in s.chars() {
        if c.is_alphabetic() {
            if prev_letter {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            prev_letter = true;
        } else {
            out.push(c);
            prev_letter = false;
        }
    }
    out
}

/// Python's `binascii.a2b_base64` in its default, lenient mode.
fn a2b_base64(data: &[u8]) -> Result<Vec<u8>, SslError> {
    fn value(c: u8) -> Option<u32> {
        match c {
            b'A'..=b'Z' => Some(u32::from(c - b'A')),
            b'a'..=b'z' => Some(u32::from(c - b'a') + 26),
            b'0'..=b'9' => Some(u32::from(c - b'0') + 52),
            b'+' => Some(62),
            b'/' => Some(63),
            _ => None,
        }
    }
    let mut out = Vec::with_capacity(data.len() * 3 / 4);
    let mut quad_pos = 0;
    let mut leftchar: u32 = 0;
    let mut pads = 0;
    let mut chars = 0usize;
    let mut done = false;
    for &c in data {
        if c == b'=' {
            // Padding ends the data once it completes a quad.
            if quad_pos >= 2 {
                pads += 1;
                if quad_pos + pads >= 4 {
                    done = true;
                    break;
                }
            }
            continue;
        }
        let Some(v) = value(c) else {
            continue;
        };
        pads = 0;
        chars += 1;
        match quad_pos {
            0 => {
                quad_pos = 1;
                leftchar = v;
            }
            1 => {
                quad_pos = 2;
                out.push(((leftchar << 2) | (v >> 4)) as u8);
                leftchar = v & 0x0f;
            }
            2 => {
                quad_pos = 3;
                out.push(((leftchar << 4) | (v >> 2)) as u8);
                leftchar = v & 0x03;
            }
            _ => {
                quad_pos = 0;
                out.push(((leftchar << 6) | v) as u8);
                leftchar = 0;
            }
        }
    }
    if !done && quad_pos != 0 {
        return Err(if quad_pos == 1 {
            SslError::value(format!(
                "Invalid base64-encoded string: number of data characters ({chars}) cannot be 1 more than a multiple of 4"
            ))
        } else {
            SslError::value("Incorrect padding")
        });
    }
    Ok(out)
}

/// Matches `" %d %H:%M:%S %Y GMT"` as Python's `_strptime` compiles it
/// (`\s+` for spaces, the same alternatives in the same order, `GMT`
/// case-insensitive), anchored at the start; returns `[day, hour, minute,
/// second, year]` and the bytes consumed.
fn strptime_cert_time(s: &str) -> Option<([i64; 5], usize)> {
    #[derive(Clone, Copy)]
    enum Item {
        Ws,
        Field(&'static [&'static str]),
        Lit(&'static str),
    }
    // Each alternative is a pattern of: 'd' any digit, a literal char, or a
    // class "[xy]" written as the first and last char of a range.
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

    /// Length matched by one alternative at the start of `s`.
    fn alt(pattern: &str, s: &[u8]) -> Option<usize> {
        let p = pattern.as_bytes();
        let (mut i, mut j) = (0, 0);
        while i < p.len() {
            let c = *s.get(j)?;
            if p[i] == b'[' {
                let (lo, hi) = (p[i + 1], p[i + 2]);
                if c < lo || c > hi {
                    return None;
                }
                i += 4;
            } else if p[i] == b'd' {
                if !c.is_ascii_digit() {
                    return None;
                }
                i += 1;
            } else {
                if c != p[i] {
                    return None;
                }
                i += 1;
            }
            j += 1;
        }
        Some(j)
    }

    fn go(items: &[Item], s: &[u8], pos: usize, fields: &mut Vec<i64>) -> Option<usize> {
        let Some((first, rest)) = items.split_first() else {
            return Some(pos);
        };
        match *first {
            Item::Ws => {
                let mut end = pos;
                while end < s.len() && (s[end] as char).is_ascii_whitespace() {
                    end += 1;
                }
                // Greedy, then give back one at a time (regex backtracking).
                for stop in (pos + 1..=end).rev() {
                    if let Some(done) = go(rest, s, stop, fields) {
                        return Some(done);
                    }
                }
                None
            }
            Item::Lit(text) => {
                let t = text.as_bytes();
                let got = s.get(pos..pos + t.len())?;
                if got.eq_ignore_ascii_case(t) {
                    go(rest, s, pos + t.len(), fields)
                } else {
                    None
                }
            }
            Item::Field(alts) => {
                for a in alts {
                    if let Some(len) = alt(a, &s[pos..]) {
                        let text = std::str::from_utf8(&s[pos..pos + len]).ok()?;
                        let n: i64 = text.trim().parse().ok()?;
                        fields.push(n);
                        if let Some(done) = go(rest, s, pos + len, fields) {
                            return Some(done);
                        }
                        fields.pop();
                    }
                }
                None
            }
        }
    }

    let mut fields = Vec::with_capacity(5);
    let used = go(PATTERN, s.as_bytes(), 0, &mut fields)?;
    let f: [i64; 5] = fields.try_into().ok()?;
    Some((f, used))
}

/// `calendar.timegm` for a proleptic Gregorian UTC date and time.
fn timegm(year: i64, month: i64, day: i64, hour: i64, minute: i64, second: i64) -> i64 {
    // Days from civil (Howard Hinnant's algorithm), day may overflow the
    // month as in timegm's arithmetic.
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = month;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468 + (day - 1);
    days * 86_400 + hour * 3_600 + minute * 60 + second
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repr_matches_python_quoting() {
        assert_eq!(py_repr("localhost"), "'localhost'");
        assert_eq!(py_repr("it's"), "\"it's\"");
        assert_eq!(py_repr("a'b\"c"), "'a\\'b\"c'");
        assert_eq!(py_repr("nul\0byte"), "'nul\\x00byte'");
        assert_eq!(py_repr("Täst"), "'Täst'");
    }

    #[test]
    fn tuples_follow_python_display() {
        assert_eq!(py_tuple(&[]), "()");
        assert_eq!(py_tuple(&["1".into()]), "(1,)");
        assert_eq!(py_tuple(&["1".into(), "2".into()]), "(1, 2)");
    }

    #[test]
    fn timegm_is_calendar_timegm() {
        assert_eq!(timegm(1970, 1, 1, 0, 0, 0), 0);
        assert_eq!(timegm(2018, 1, 5, 9, 34, 43), 1_515_144_883);
        assert_eq!(timegm(2000, 2, 29, 0, 0, 0), 951_782_400);
    }

    #[test]
    fn base64_is_lenient_like_binascii() {
        assert_eq!(a2b_base64(b"aGVs\nbG8=").unwrap(), b"hello");
        assert_eq!(
            a2b_base64(b"aGVsbG8").unwrap_err().to_string(),
            "Incorrect padding"
        );
    }
}
