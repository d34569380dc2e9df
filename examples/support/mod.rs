//! Shared by the examples: throw-away certificates and tiny flag parsing.
//! Each example includes it with `#[path = "support/mod.rs"] mod support;`.
#![allow(dead_code)] // each example uses a different part

use std::path::{Path, PathBuf};

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
    SubjectKeyIdentifier,
};
use openssl::x509::{X509Name, X509};

/// A throw-away PKI written as PEM files into `dir`: `ca.pem`,
/// `server.pem`/`server.key` (localhost, 127.0.0.1) and
/// `client.pem`/`client.key`, all signed by the CA.
#[derive(Debug, Clone)]
pub struct ThrowawayPki {
    pub ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
}

impl ThrowawayPki {
    /// Makes the CA and both leaves (EC P-256, valid one day).
    pub fn create(dir: &Path) -> Result<ThrowawayPki, Box<dyn std::error::Error>> {
        std::fs::create_dir_all(dir)?;
        let (ca_cert, ca_key) = make_cert("sslwrap example CA", None, &[])?;
        let (server_cert, server_key) = make_cert(
            "localhost",
            Some((&ca_cert, &ca_key)),
            &["localhost", "127.0.0.1"],
        )?;
        let (client_cert, client_key) =
            make_cert("example client", Some((&ca_cert, &ca_key)), &[])?;
        let pki = ThrowawayPki {
            ca: dir.join("ca.pem"),
            server_cert: dir.join("server.pem"),
            server_key: dir.join("server.key"),
            client_cert: dir.join("client.pem"),
            client_key: dir.join("client.key"),
        };
        std::fs::write(&pki.ca, ca_cert.to_pem()?)?;
        std::fs::write(&pki.server_cert, server_cert.to_pem()?)?;
        std::fs::write(&pki.server_key, server_key.private_key_to_pem_pkcs8()?)?;
        std::fs::write(&pki.client_cert, client_cert.to_pem()?)?;
        std::fs::write(&pki.client_key, client_key.private_key_to_pem_pkcs8()?)?;
        Ok(pki)
    }
}

/// A fresh directory under the system temp dir for this process.
pub fn temp_dir(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("sslwrap-{name}-{}", std::process::id()))
}

/// A self-signed CA (`issuer` None) or a leaf signed by `issuer` with the
/// given DNS names / IP addresses as subjectAltName.
fn make_cert(
    cn: &str,
    issuer: Option<(&X509, &PKey<Private>)>,
    sans: &[&str],
) -> Result<(X509, PKey<Private>), openssl::error::ErrorStack> {
    let key = PKey::from_ec_key(EcKey::generate(&*EcGroup::from_curve_name(
        Nid::X9_62_PRIME256V1,
    )?)?)?;
    let mut name = X509Name::builder()?;
    name.append_entry_by_nid(Nid::COMMONNAME, cn)?;
    let name = name.build();
    let mut b = X509::builder()?;
    b.set_version(2)?;
    let mut serial = BigNum::new()?;
    serial.rand(64, MsbOption::MAYBE_ZERO, false)?;
    b.set_serial_number(&*serial.to_asn1_integer()?)?;
    b.set_subject_name(&name)?;
    b.set_issuer_name(issuer.map_or(&*name, |(c, _)| c.subject_name()))?;
    b.set_pubkey(&key)?;
    b.set_not_before(&*Asn1Time::days_from_now(0)?)?;
    b.set_not_after(&*Asn1Time::days_from_now(1)?)?;
    let is_ca = issuer.is_none();
    if is_ca {
        b.append_extension(BasicConstraints::new().critical().ca().build()?)?;
        b.append_extension(
            KeyUsage::new()
                .critical()
                .key_cert_sign()
                .crl_sign()
                .build()?,
        )?;
    } else {
        b.append_extension(BasicConstraints::new().build()?)?;
        b.append_extension(KeyUsage::new().critical().digital_signature().build()?)?;
        b.append_extension(
            ExtendedKeyUsage::new()
                .server_auth()
                .client_auth()
                .build()?,
        )?;
    }
    b.append_extension(SubjectKeyIdentifier::new().build(&b.x509v3_context(None, None))?)?;
    if let Some((ca, _)) = issuer {
        let aki = AuthorityKeyIdentifier::new()
            .keyid(false)
            .build(&b.x509v3_context(Some(ca), None))?;
        b.append_extension(aki)?;
    }
    if !sans.is_empty() {
        let mut san = SubjectAlternativeName::new();
        for s in sans {
            if s.parse::<std::net::IpAddr>().is_ok() {
                san.ip(s);
            } else {
                san.dns(s);
            }
        }
        b.append_extension(san.build(&b.x509v3_context(issuer.map(|(c, _)| &**c), None))?)?;
    }
    b.sign(issuer.map_or(&key, |(_, k)| k), MessageDigest::sha256())?;
    Ok((b.build(), key))
}

/// `--name value` flags, Python argparse style, no dependencies.
#[derive(Debug, Default)]
pub struct Flags(Vec<(String, Option<String>)>);

impl Flags {
    /// Parses `std::env::args()`: `--flag value` or a bare `--switch`.
    pub fn parse() -> Flags {
        let mut out = Vec::new();
        let mut args = std::env::args().skip(1).peekable();
        while let Some(a) = args.next() {
            if let Some(name) = a.strip_prefix("--") {
                let value = match args.peek() {
                    Some(v) if !v.starts_with("--") => args.next(),
                    _ => None,
                };
                out.push((name.to_owned(), value));
            } else {
                out.push((String::new(), Some(a)));
            }
        }
        Flags(out)
    }

    /// The value of `--name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.as_deref())
    }

    /// Whether `--name` was given.
    pub fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(n, _)| n == name)
    }

    /// The first positional argument.
    pub fn positional(&self) -> Option<&str> {
        self.get("")
    }
}
