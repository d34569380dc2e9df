//! A throw-away PKI for your own tests: Python's [`trustme`], in Rust
//! (feature `testing`).
//!
//! One job: mint the certificate authorities, certificates, keys and CRLs a
//! test needs, in memory, in milliseconds, and hand them to an
//! [`SslContext`](crate::SslContext) (or write them to files for APIs that
//! want paths). Nothing here is for production: keys are generated fresh,
//! never protected, and every default favours "the handshake works".
//!
//! The names are trustme's, so a Python test ports line by line:
//!
//! | Python (`import trustme`) | sslwrap (`use sslwrap::testing::*`) |
//! |---|---|
//! | `ca = trustme.CA()` | `let ca = CertificateAuthority::new()?;` |
//! | `cert = ca.issue_cert("localhost", "127.0.0.1")` | `let cert = ca.issue_cert(&["localhost", "127.0.0.1"])?;` |
//! | `ca.issue_cert("x", not_after=dt, common_name="c")` | `ca.leaf().not_after(t).common_name("c").issue(&["x"])?` |
//! | `ca.configure_trust(client_ctx)` | `ca.configure_trust(&mut client_ctx)?;` |
//! | `cert.configure_cert(server_ctx)` | `cert.configure_cert(&mut server_ctx)?;` |
//! | `ca.create_child_ca()` | `ca.create_child_ca()?` |
//! | `ca.cert_pem.bytes()`, `cert.private_key_pem.bytes()` | `ca.cert_pem()`, `cert.private_key_pem()` |
//! | `cert.cert_chain_pems`, `cert.private_key_and_cert_chain_pem` | `cert.cert_chain_pems()`, `cert.private_key_and_cert_chain_pem()` |
//! | `trustme.CA.from_pem(cert, key)` | `CertificateAuthority::from_pem(cert, key)?` |
//! | `trustme.KeyType.RSA`, `.ECDSA` | [`KeyType::Rsa2048`], [`KeyType::EcdsaP256`] |
//!
//! Beyond trustme: expired and not-yet-valid leaves
//! ([`LeafBuilder::expired`], [`LeafBuilder::not_yet_valid`]), client-only
//! or server-only leaves, OCSP and CRL URLs, self-signed leaves
//! ([`LeafCert::self_signed`]), revocation with a signed CRL
//! ([`CertificateAuthority::revoke`], [`CertificateAuthority::crl_pem`]),
//! encrypted keys ([`LeafCert::private_key_pem_encrypted`]) and files
//! ([`CertificateAuthority::write_to`], [`LeafCert::write_to`]).
//!
//! ```
//! use sslwrap::testing::CertificateAuthority;
//! use sslwrap::{SslContext, PROTOCOL_TLS_CLIENT, PROTOCOL_TLS_SERVER};
//!
//! # fn main() -> Result<(), sslwrap::SslError> {
//! let ca = CertificateAuthority::new()?;
//! let cert = ca.issue_cert(&["localhost", "127.0.0.1"])?;
//! let mut server = SslContext::new(PROTOCOL_TLS_SERVER)?;
//! cert.configure_cert(&mut server)?;
//! let mut client = SslContext::new(PROTOCOL_TLS_CLIENT)?;
//! ca.configure_trust(&mut client)?;
//! # Ok(()) }
//! ```
//!
//! The [`manual::testing`](crate::manual::testing) page runs a whole
//! handshake with it, beside the Python version.
//!
//! # What the certificates look like
//!
//! X.509 v3, a random 127-bit serial, SHA-256 signatures (SHA-384 from a
//! P-384 key). Subjects are trustme's: `O=sslwrap testing`, `OU=Testing CA
//! #<random>` or `OU=Testing cert #<random>`, and `CN` only when you set one
//! (an empty string leaves an attribute out). Validity runs from a day ago
//! (so a clock a little behind still accepts it) to 1 January 3000, as
//! trustme's. A CA has `basicConstraints critical CA:TRUE, pathlen:9`
//! (trustme's), `keyUsage critical digitalSignature, keyCertSign, cRLSign`
//! and a subject key id; a leaf has `basicConstraints critical CA:FALSE`,
//! `keyUsage critical digitalSignature` (and `keyEncipherment` for RSA),
//! `extendedKeyUsage serverAuth, clientAuth`, the authority key id and the
//! identities as `subjectAltName`.
//!
//! [`trustme`]: https://trustme.readthedocs.io

mod ca;
mod files;
mod leaf;
mod names;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::error::ErrorStack;
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{Id, PKey, PKeyRef, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{AuthorityKeyIdentifier, SubjectKeyIdentifier};
use openssl::x509::{X509Builder, X509Name, X509NameRef, X509Ref, X509};

use crate::error::SslError;

pub use ca::{CaBuilder, CertificateAuthority};
pub use files::{CaFiles, LeafFiles};
pub use leaf::{LeafBuilder, LeafCert};

/// The kind of key a CA or leaf gets.
///
/// trustme: `trustme.KeyType` (`RSA`, `ECDSA`). OpenSSL:
/// `RSA_generate_key_ex`, `EC_KEY_generate_key`.
///
/// The default is [`EcdsaP256`](KeyType::EcdsaP256), as trustme's: a key
/// takes well under a millisecond, against tens to hundreds for RSA 2048.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum KeyType {
    /// RSA, 2048 bits, exponent 65537. trustme: `KeyType.RSA`.
    Rsa2048,
    /// ECDSA on NIST P-256 (`prime256v1`), signing with SHA-256.
    /// trustme: `KeyType.ECDSA`.
    #[default]
    EcdsaP256,
    /// ECDSA on NIST P-384 (`secp384r1`), signing with SHA-384.
    EcdsaP384,
}

impl KeyType {
    /// A fresh private key of this type.
    fn generate(self) -> Result<PKey<Private>, SslError> {
        let key = match self {
            KeyType::Rsa2048 => Rsa::generate(2048).and_then(PKey::from_rsa),
            KeyType::EcdsaP256 => ec_key(Nid::X9_62_PRIME256V1),
            KeyType::EcdsaP384 => ec_key(Nid::SECP384R1),
        };
        key.map_err(openssl_error)
    }
}

fn ec_key(curve: Nid) -> Result<PKey<Private>, ErrorStack> {
    let group = EcGroup::from_curve_name(curve)?;
    PKey::from_ec_key(EcKey::generate(&group)?)
}

/// The digest a signature by `key` uses: SHA-384 for P-384, SHA-512 for
/// P-521, none for Ed25519/Ed448 (they hash internally), else SHA-256.
fn digest_for(key: &PKeyRef<Private>) -> MessageDigest {
    match key.id() {
        Id::ED25519 | Id::ED448 => MessageDigest::null(),
        Id::EC => match key.ec_key().ok().and_then(|k| k.group().curve_name()) {
            Some(Nid::SECP384R1) => MessageDigest::sha384(),
            Some(Nid::SECP521R1) => MessageDigest::sha512(),
            _ => MessageDigest::sha256(),
        },
        _ => MessageDigest::sha256(),
    }
}

/// An OpenSSL failure that no input of ours should cause (key generation,
/// signing): `SSLError` with OpenSSL's library and reason.
fn openssl_error(e: ErrorStack) -> SslError {
    SslError::from_stack(e, None)
}

/// A `ValueError` unless `text` is free of NUL characters (which X.509
/// strings can carry, and C string APIs then silently cut).
fn check_text(what: &str, text: &str) -> Result<(), SslError> {
    if text.contains('\0') {
        return Err(SslError::value(format!(
            "{what} contains a NUL character: {text:?}"
        )));
    }
    Ok(())
}

/// A random positive 127-bit serial number (RFC 5280 allows 20 octets;
/// trustme uses 159 bits).
fn random_serial() -> Result<Asn1Integer, SslError> {
    let mut serial = BigNum::new().map_err(openssl_error)?;
    serial
        .rand(127, MsbOption::ONE, false)
        .map_err(openssl_error)?;
    serial.to_asn1_integer().map_err(openssl_error)
}

/// 16 random hex digits, for default `OU`s and temporary file names.
fn random_tag() -> Result<String, SslError> {
    let mut bytes = [0u8; 8];
    openssl::rand::rand_bytes(&mut bytes).map_err(openssl_error)?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

// --- certificates ------------------------------------------------------------

/// A v3 certificate for `subject` and `key`'s public half: a random serial,
/// `validity`, the issuer's subject as issuer (`subject` itself when
/// self-signed), a subject key id and, when the issuer has one, the
/// authority key id. The caller adds its extensions and signs with
/// [`sign`]. OpenSSL: `X509_new`, `X509_set_*`, `X509V3_EXT_conf_nid`.
fn cert_builder(
    subject: &X509NameRef,
    key: &PKeyRef<Private>,
    issuer: Option<&X509Ref>,
    validity: &Validity,
) -> Result<X509Builder, SslError> {
    let (not_before, not_after) = validity.resolve()?;
    let serial = random_serial()?;
    let build = || -> Result<X509Builder, ErrorStack> {
        let mut b = X509::builder()?;
        b.set_version(2)?;
        b.set_serial_number(&serial)?;
        b.set_subject_name(subject)?;
        b.set_issuer_name(issuer.map_or(subject, |i| i.subject_name()))?;
        b.set_pubkey(key)?;
        b.set_not_before(&not_before)?;
        b.set_not_after(&not_after)?;
        let ski = SubjectKeyIdentifier::new().build(&b.x509v3_context(None, None))?;
        b.append_extension(ski)?;
        if let Some(issuer) = issuer.filter(|i| i.subject_key_id().is_some()) {
            let aki = AuthorityKeyIdentifier::new()
                .keyid(false)
                .build(&b.x509v3_context(Some(issuer), None))?;
            b.append_extension(aki)?;
        }
        Ok(b)
    };
    build().map_err(openssl_error)
}

/// Signs with `signer` and its digest. OpenSSL: `X509_sign`.
fn sign(mut b: X509Builder, signer: &PKeyRef<Private>) -> Result<X509, SslError> {
    b.sign(signer, digest_for(signer)).map_err(openssl_error)?;
    Ok(b.build())
}

/// PEM of a certificate (`PEM_write_bio_X509`) and PKCS#8 PEM of a key
/// (`PEM_write_bio_PKCS8PrivateKey`), as text.
fn cert_pem_text(cert: &X509Ref) -> Result<String, SslError> {
    pem_text(cert.to_pem().map_err(openssl_error)?)
}

fn key_pem_text(key: &PKeyRef<Private>) -> Result<String, SslError> {
    pem_text(key.private_key_to_pem_pkcs8().map_err(openssl_error)?)
}

fn pem_text(pem: Vec<u8>) -> Result<String, SslError> {
    // PEM is base64 between ASCII lines: always UTF-8.
    String::from_utf8(pem).map_err(|_| SslError::value("OpenSSL wrote PEM that is not ASCII"))
}

// --- subjects ----------------------------------------------------------------

/// The organization every subject carries unless told otherwise (trustme:
/// `"trustme v<version>"`).
const DEFAULT_ORGANIZATION: &str = "sslwrap testing";

/// The three subject attributes the builders set. `None` takes the
/// default; `Some("")` leaves the attribute out.
#[derive(Debug, Clone, Default)]
struct SubjectSpec {
    organization: Option<String>,
    organization_unit: Option<String>,
    common_name: Option<String>,
}

impl SubjectSpec {
    /// The name `O=…, OU=…, CN=…` (trustme's order), with `OU=<ou_prefix>
    /// #<random>` by default. OpenSSL: `X509_NAME_add_entry_by_NID`.
    fn build(&self, ou_prefix: &str) -> Result<X509Name, SslError> {
        let ou_default;
        let ou = match &self.organization_unit {
            Some(ou) => ou.as_str(),
            None => {
                ou_default = format!("{ou_prefix} #{}", random_tag()?);
                &ou_default
            }
        };
        let organization = self.organization.as_deref().unwrap_or(DEFAULT_ORGANIZATION);
        let common_name = self.common_name.as_deref().unwrap_or("");
        let mut name = X509Name::builder().map_err(openssl_error)?;
        for (what, nid, value) in [
            ("organization", Nid::ORGANIZATIONNAME, organization),
            ("organization_unit", Nid::ORGANIZATIONALUNITNAME, ou),
            ("common_name", Nid::COMMONNAME, common_name),
        ] {
            check_text(what, value)?;
            if !value.is_empty() {
                // Fails for values over the attribute's upper bound (64
                // characters for each of these three).
                name.append_entry_by_nid(nid, value)
                    .map_err(|e| SslError::value(format!("{what} {value:?}: {e}")))?;
            }
        }
        Ok(name.build())
    }
}

/// `O=…, OU=…, CN=…` for `Debug`.
fn name_text(name: &X509NameRef) -> String {
    let parts: Vec<String> = name
        .entries()
        .map(|e| {
            let key = e.object().nid().short_name().unwrap_or("?");
            let value = e.data().to_string();
            format!("{key}={}", value.as_deref().unwrap_or("?"))
        })
        .collect();
    parts.join(", ")
}

// --- validity ----------------------------------------------------------------

const DAY: Duration = Duration::from_secs(86_400);

/// How far back a default `notBefore` (and a CRL's `thisUpdate`) lies.
const BACKDATE: Duration = DAY;

/// trustme's default `notAfter`: 3000-01-01T00:00:00Z.
const FAR_FUTURE_UNIX: u64 = 32_503_680_000;

/// A builder's validity: unset ends take the defaults.
#[derive(Debug, Clone, Copy, Default)]
struct Validity {
    not_before: Option<SystemTime>,
    not_after: Option<SystemTime>,
}

impl Validity {
    /// Valid from 30 days ago until yesterday.
    fn expired() -> Validity {
        let now = SystemTime::now();
        Validity {
            not_before: Some(earlier(now, 30 * DAY)),
            not_after: Some(earlier(now, DAY)),
        }
    }

    /// Valid from tomorrow for 30 days.
    fn not_yet_valid() -> Validity {
        let now = SystemTime::now();
        Validity {
            not_before: Some(later(now, DAY)),
            not_after: Some(later(now, 30 * DAY)),
        }
    }

    /// `(notBefore, notAfter)` as OpenSSL times. `notAfter` defaults to
    /// 3000-01-01, `notBefore` to a day ago (or a day before `notAfter`,
    /// when that is earlier, so `.not_after(yesterday)` alone gives an
    /// expired certificate). A `ValueError` when `notBefore` is after
    /// `notAfter`, or a time X.509 cannot hold (before year 0, after 9999).
    fn resolve(&self) -> Result<(Asn1Time, Asn1Time), SslError> {
        let not_after = self
            .not_after
            .unwrap_or(UNIX_EPOCH + Duration::from_secs(FAR_FUTURE_UNIX));
        let not_before = self.not_before.unwrap_or_else(|| {
            earlier(SystemTime::now(), BACKDATE).min(earlier(not_after, BACKDATE))
        });
        if not_before > not_after {
            return Err(SslError::value(format!(
                "not_before ({}) is after not_after ({})",
                unix_seconds(not_before),
                unix_seconds(not_after)
            )));
        }
        Ok((
            asn1_time("not_before", not_before)?,
            asn1_time("not_after", not_after)?,
        ))
    }
}

/// `t - d`, or `t` itself where that is not representable.
fn earlier(t: SystemTime, d: Duration) -> SystemTime {
    t.checked_sub(d).unwrap_or(t)
}

/// `t + d`, or `t` itself where that is not representable.
fn later(t: SystemTime, d: Duration) -> SystemTime {
    t.checked_add(d).unwrap_or(t)
}

/// Seconds since the Unix epoch (negative before it), saturating.
fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_secs()).map_or(i64::MIN, |s| -s),
    }
}

/// `t` as an `ASN1_TIME` (UTCTime before 2050, GeneralizedTime after).
/// OpenSSL: `ASN1_TIME_set`.
fn asn1_time(what: &str, t: SystemTime) -> Result<Asn1Time, SslError> {
    // GeneralizedTime has four digits of year: 0000-01-01 to 9999-12-31.
    const RANGE: std::ops::RangeInclusive<i64> = -62_167_219_200..=253_402_300_799;
    let secs = unix_seconds(t);
    let out_of_range = || {
        SslError::value(format!(
            "{what} is out of range for X.509 (years 0 to 9999): {secs} s from 1970"
        ))
    };
    if !RANGE.contains(&secs) {
        return Err(out_of_range());
    }
    // `time_t` is 32 bits on some targets (a no-op conversion elsewhere).
    #[allow(clippy::useless_conversion)]
    let secs: libc::time_t = secs.try_into().map_err(|_| out_of_range())?;
    Asn1Time::from_unix(secs).map_err(|_| out_of_range())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_validity_is_a_day_back_to_the_year_3000() {
        let (nb, na) = Validity::default().resolve().unwrap();
        assert!(nb.to_string().ends_with("GMT"));
        assert_eq!(na.to_string(), "Jan  1 00:00:00 3000 GMT");
    }

    #[test]
    fn validity_in_the_wrong_order_is_a_value_error() {
        let now = SystemTime::now();
        let v = Validity {
            not_before: Some(now),
            not_after: Some(earlier(now, DAY)),
        };
        let e = v.resolve().err().expect("a ValueError");
        assert_eq!(e.kind(), crate::SslErrorKind::Value);
    }

    #[test]
    fn not_after_alone_in_the_past_gives_an_expired_window() {
        let yesterday = earlier(SystemTime::now(), DAY);
        let v = Validity {
            not_before: None,
            not_after: Some(yesterday),
        };
        assert!(v.resolve().is_ok());
    }

    #[test]
    fn times_x509_cannot_hold_are_value_errors() {
        let v = Validity {
            not_before: None,
            not_after: Some(UNIX_EPOCH + Duration::from_secs(400_000_000_000)),
        };
        let e = v.resolve().err().expect("a ValueError");
        assert_eq!(e.kind(), crate::SslErrorKind::Value);
    }
}
