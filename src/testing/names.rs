//! Identities into `subjectAltName` entries, and the DER of the URL
//! extensions (`authorityInfoAccess`, `crlDistributionPoints`) the
//! `openssl` crate has no builder for.
//!
//! An identity's kind is read from its shape, as trustme does: a URI has
//! `://`, an email address an `@`, an IP address parses as one, anything
//! else must be a DNS name (IDNs become A-labels) or a `*.` wildcard.
//! Whatever is none of these is a `ValueError`, never a certificate that a
//! TLS stack would read differently from the test's intent.

use std::net::IpAddr;

use openssl::asn1::{Asn1Object, Asn1OctetString};
use openssl::x509::X509Extension;

use super::{check_text, openssl_error};
use crate::error::SslError;
use crate::idna;

/// One `subjectAltName` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum San {
    /// `dNSName`, in A-label form, possibly `*.`-prefixed.
    Dns(String),
    /// `iPAddress`.
    Ip(IpAddr),
    /// `rfc822Name`.
    Email(String),
    /// `uniformResourceIdentifier`.
    Uri(String),
}

/// The `subjectAltName` entry for `identity` (see the module docs).
pub(super) fn parse_identity(identity: &str) -> Result<San, SslError> {
    check_text("identity", identity)?;
    let invalid = || {
        SslError::value(format!(
            "invalid identity {identity:?}: not an IP address, DNS name, \
             wildcard (*.example.com), email address or URI"
        ))
    };
    if identity.is_empty() {
        return Err(SslError::value("invalid identity \"\": it is empty"));
    }
    if identity.contains("://") {
        check_uri(identity).map_err(|_| invalid())?;
        return Ok(San::Uri(identity.to_owned()));
    }
    if let Some((local, domain)) = identity.rsplit_once('@') {
        let local_ok =
            !local.is_empty() && local.bytes().all(|b| b.is_ascii_graphic() && b != b'@');
        let domain = dns_name(domain, false).filter(|_| local_ok);
        return domain
            .map(|d| San::Email(format!("{local}@{d}")))
            .ok_or_else(invalid);
    }
    if let Ok(ip) = identity.parse::<IpAddr>() {
        return Ok(San::Ip(ip));
    }
    dns_name(identity, true).map(San::Dns).ok_or_else(invalid)
}

/// A `ValueError` unless `url` is a plausible absolute URL: a scheme
/// (`[A-Za-z][A-Za-z0-9+.-]*`), `://`, and a non-empty rest of printable
/// ASCII without spaces (an `IA5String` that no reader will split).
pub(super) fn check_url(what: &str, url: &str) -> Result<(), SslError> {
    check_text(what, url)?;
    check_uri(url).map_err(|()| {
        SslError::value(format!(
            "{what} {url:?} is not an absolute URL like http://host/path"
        ))
    })
}

fn check_uri(uri: &str) -> Result<(), ()> {
    let (scheme, rest) = uri.split_once("://").ok_or(())?;
    let mut scheme_chars = scheme.chars();
    let scheme_ok = scheme_chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme_chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c));
    let rest_ok = !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_graphic());
    if scheme_ok && rest_ok {
        Ok(())
    } else {
        Err(())
    }
}

/// `name` as an A-label DNS name: labels of 1 to 63 letters, digits and
/// inner hyphens, 253 characters at most, no empty label (so no leading or
/// trailing dot), a last label that is not all digits (RFC 1123 §2.1: so
/// `999.1.1.1` is neither an IP address nor a host name), and with
/// `wildcard`, an optional `*.` in front. Non-ASCII names go through IDNA
/// (Python's `str.encode('idna')`).
fn dns_name(name: &str, wildcard: bool) -> Option<String> {
    let (star, rest) = match name.strip_prefix("*.") {
        Some(rest) if wildcard => ("*.", rest),
        _ => ("", name),
    };
    let ascii = if rest.is_ascii() {
        rest.to_owned()
    } else {
        idna::encode(rest).ok()?
    };
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !l.starts_with('-')
            && !l.ends_with('-')
    };
    let last_numeric = ascii
        .rsplit('.')
        .next()
        .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()));
    let ok = ascii.len() <= 253 && ascii.split('.').all(label_ok) && !last_numeric;
    ok.then(|| format!("{star}{ascii}"))
}

// --- URL extensions, in DER --------------------------------------------------

/// `authorityInfoAccess` with one OCSP responder. OpenSSL:
/// `X509_EXTENSION_create_by_OBJ`.
pub(super) fn ocsp_extension(url: &str) -> Result<X509Extension, SslError> {
    // AccessDescription ::= SEQUENCE { accessMethod id-ad-ocsp,
    //                                  accessLocation [6] IA5String }
    const ID_AD_OCSP: &[u8] = &[0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01];
    let mut description = ID_AD_OCSP.to_vec();
    description.extend(der(0x86, url.as_bytes()));
    let value = der(0x30, &der(0x30, &description));
    extension("1.3.6.1.5.5.7.1.1", &value)
}

/// `crlDistributionPoints` with one full-name URI. OpenSSL:
/// `X509_EXTENSION_create_by_OBJ`.
pub(super) fn crl_extension(url: &str) -> Result<X509Extension, SslError> {
    // DistributionPoint ::= SEQUENCE { distributionPoint [0] {
    //                                    fullName [0] { [6] IA5String } } }
    let full_name = der(0xa0, &der(0x86, url.as_bytes()));
    let value = der(0x30, &der(0x30, &der(0xa0, &full_name)));
    extension("2.5.29.31", &value)
}

fn extension(oid: &str, value: &[u8]) -> Result<X509Extension, SslError> {
    let oid = Asn1Object::from_str(oid).map_err(openssl_error)?;
    let value = Asn1OctetString::new_from_bytes(value).map_err(openssl_error)?;
    X509Extension::new_from_der(&oid, false, &value).map_err(openssl_error)
}

/// A DER TLV: `tag`, the definite length, `content`.
fn der(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (bytes.len() - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identities_by_shape() {
        let cases = [
            ("localhost", San::Dns("localhost".into())),
            ("*.example.test", San::Dns("*.example.test".into())),
            ("café.example", San::Dns("xn--caf-dma.example".into())),
            ("127.0.0.1", San::Ip("127.0.0.1".parse().unwrap())),
            ("::1", San::Ip("::1".parse().unwrap())),
            ("user@example.test", San::Email("user@example.test".into())),
            (
                "https://example.test/x",
                San::Uri("https://example.test/x".into()),
            ),
            (
                "spiffe://trust/ns/x",
                San::Uri("spiffe://trust/ns/x".into()),
            ),
        ];
        for (identity, want) in cases {
            assert_eq!(parse_identity(identity).unwrap(), want, "{identity}");
        }
    }

    #[test]
    fn invalid_identities_are_value_errors() {
        for identity in [
            "",
            "999.1.1.1",
            "1.2.3",
            "a..b",
            ".example",
            "example.",
            "-a.example",
            "a_b.example",
            "foo*.example",
            "*.*.example",
            "*",
            "host name",
            "127.0.0.1:443",
            "10.0.0.0/8",
            "@example.test",
            "user@",
            "a@b@example.test",
            "user@999.1.1.1",
            "://x",
            "1http://x",
            "https://",
            "https://a b",
            "nul\0.example",
        ] {
            let e = parse_identity(identity).unwrap_err();
            assert_eq!(e.kind(), crate::SslErrorKind::Value, "{identity:?}");
        }
        let long = format!("{}.example", "a".repeat(64));
        assert!(parse_identity(&long).is_err());
    }

    #[test]
    fn der_lengths() {
        assert_eq!(der(0x04, &[1, 2]), [0x04, 2, 1, 2]);
        assert_eq!(&der(0x04, &[0; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(&der(0x04, &[0; 300])[..4], [0x04, 0x82, 1, 44]);
    }
}
