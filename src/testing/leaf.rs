//! [`LeafCert`]: a server or client certificate with its key and chain;
//! [`LeafBuilder`] for its options.

use std::fmt;
use std::path::Path;
use std::time::SystemTime;

use openssl::error::ErrorStack;
use openssl::pkey::{Id, PKey, Private};
use openssl::symm::Cipher;
use openssl::x509::extension::{
    BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName,
};
use openssl::x509::{X509Builder, X509Ref, X509};

use super::ca::CertificateAuthority;
use super::files::{pem_and_key, write_private, write_public, LeafFiles, TempFile};
use super::names::{check_url, crl_extension, ocsp_extension, parse_identity, San};
use super::{
    cert_builder, cert_pem_text, key_pem_text, name_text, openssl_error, pem_text, sign, KeyType,
    SubjectSpec, Validity,
};
use crate::context::SslContext;
use crate::error::SslError;

/// A leaf certificate, its private key and the intermediates between it and
/// the root, ready for a server or a client to present.
///
/// trustme: `trustme.LeafCert`. Made by [`CertificateAuthority::issue_cert`],
/// [`CertificateAuthority::leaf`] or [`LeafCert::self_signed`].
#[derive(Clone)]
pub struct LeafCert {
    cert: X509,
    key: PKey<Private>,
    /// PEMs of the leaf then its intermediates (not the root); never
    /// empty.
    chain_pems: Vec<String>,
    cert_der: Vec<u8>,
    key_pem: String,
    subject: String,
    issuer: String,
}

/// Options for a leaf: [`CertificateAuthority::leaf`] or
/// [`LeafCert::self_signed`], then [`issue`](Self::issue).
///
/// trustme: the keyword arguments of `CA.issue_cert(...)`.
///
/// ```
/// use sslwrap::testing::{CertificateAuthority, KeyType};
///
/// # fn main() -> Result<(), sslwrap::SslError> {
/// let ca = CertificateAuthority::new()?;
/// let expired = ca.leaf().expired().issue(&["localhost"])?;
/// let client = ca.leaf().common_name("alice").server_auth(false).issue(&[])?;
/// let rsa = ca.leaf().key_type(KeyType::Rsa2048).issue(&["localhost"])?;
/// # let _ = (expired, client, rsa); Ok(()) }
/// ```
#[must_use = "a builder does nothing until .issue()"]
#[derive(Debug, Clone)]
pub struct LeafBuilder<'a> {
    /// `None`: self-signed.
    issuer: Option<&'a CertificateAuthority>,
    key_type: KeyType,
    subject: SubjectSpec,
    validity: Validity,
    server_auth: bool,
    client_auth: bool,
    ocsp_url: Option<String>,
    crl_url: Option<String>,
}

impl LeafCert {
    /// A builder for a self-signed leaf (no CA): what a peer sees as
    /// `self-signed certificate` (`X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT`)
    /// unless it trusts this very certificate.
    ///
    /// trustme: none. OpenSSL: `X509_sign` with the leaf's own key.
    pub fn self_signed() -> LeafBuilder<'static> {
        LeafBuilder::new(None)
    }

    /// Makes `ctx` present this certificate, its intermediates and its key.
    ///
    /// trustme: `LeafCert.configure_cert(ctx)`. Python:
    /// `ctx.load_cert_chain(certfile)`. OpenSSL:
    /// `SSL_CTX_use_certificate_chain_file`, `SSL_CTX_use_PrivateKey_file`.
    ///
    /// As trustme does, it goes through a file: the key and chain are
    /// written to a new temporary file readable only by you (mode `0600`),
    /// loaded with [`SslContext::load_cert_chain`], and the file is removed
    /// before this returns, also when loading fails.
    #[doc(alias = "load_cert_chain")]
    pub fn configure_cert(&self, ctx: &mut SslContext) -> Result<(), SslError> {
        let file = TempFile::new(&self.private_key_and_cert_chain_pem())?;
        ctx.load_cert_chain(file.path(), None, None)
    }

    /// The certificate alone, PEM.
    ///
    /// trustme: `cert.cert_chain_pems[0]`. OpenSSL: `PEM_write_bio_X509`.
    pub fn cert_pem(&self) -> &str {
        // Invariant: `issue` puts the leaf first, so the list is never empty.
        &self.chain_pems[0]
    }

    /// The certificate alone, DER (what `getpeercert_der` returns on the
    /// other side).
    ///
    /// trustme: none. OpenSSL: `i2d_X509`.
    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// The private key, PKCS#8 PEM, unencrypted.
    ///
    /// trustme: `LeafCert.private_key_pem`. OpenSSL:
    /// `PEM_write_bio_PKCS8PrivateKey`.
    pub fn private_key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The private key, PKCS#8 PEM encrypted with AES-256-CBC under
    /// `password` (`BEGIN ENCRYPTED PRIVATE KEY`), for testing
    /// `load_cert_chain(certfile, keyfile, Some(password))`.
    ///
    /// trustme: none. OpenSSL: `PEM_write_bio_PKCS8PrivateKey` with
    /// `EVP_aes_256_cbc`.
    ///
    /// A `ValueError` for an empty password.
    pub fn private_key_pem_encrypted(&self, password: &[u8]) -> Result<String, SslError> {
        if password.is_empty() {
            return Err(SslError::value("the password must not be empty"));
        }
        let pem = self
            .key
            .private_key_to_pem_pkcs8_passphrase(Cipher::aes_256_cbc(), password)
            .map_err(openssl_error)?;
        pem_text(pem)
    }

    /// The certificate, then the intermediates up to (not including) the
    /// root, each PEM: what a peer must send. One entry for a leaf of a
    /// root CA.
    ///
    /// trustme: `LeafCert.cert_chain_pems`.
    pub fn cert_chain_pems(&self) -> &[String] {
        &self.chain_pems
    }

    /// The private key then the chain, one PEM text: a `certfile` that
    /// holds its own key.
    ///
    /// trustme: `LeafCert.private_key_and_cert_chain_pem`.
    pub fn private_key_and_cert_chain_pem(&self) -> String {
        let mut all = self.key_pem.clone();
        for pem in &self.chain_pems {
            all.push_str(pem);
        }
        all
    }

    /// Writes `dir/<name>.pem` (the chain) and `dir/<name>.key` (the key,
    /// mode `0600`), replacing existing files, for APIs that take paths:
    /// `ctx.load_cert_chain(&f.certfile, Some(&f.keyfile), None)`.
    ///
    /// trustme: `cert.private_key_pem.write_to_path(path)` and
    /// `cert_chain_pems[i].write_to_path(path, append=True)`. OpenSSL:
    /// none.
    ///
    /// A `ValueError` when `name` is not a plain file name; Python's
    /// `OSError` when a file cannot be written.
    pub fn write_to(&self, dir: &Path, name: &str) -> Result<LeafFiles, SslError> {
        let (certfile, keyfile) = pem_and_key(dir, name)?;
        write_public(&certfile, &self.chain_pems.concat())?;
        write_private(&keyfile, &self.key_pem)?;
        Ok(LeafFiles { certfile, keyfile })
    }

    pub(super) fn x509(&self) -> &X509 {
        &self.cert
    }
}

impl fmt::Debug for LeafCert {
    /// Subject, issuer and chain length; never the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LeafCert")
            .field("subject", &self.subject)
            .field("issuer", &self.issuer)
            .field("intermediates", &self.chain_pems.len().saturating_sub(1))
            .finish_non_exhaustive()
    }
}

impl<'a> LeafBuilder<'a> {
    pub(super) fn new(issuer: Option<&'a CertificateAuthority>) -> LeafBuilder<'a> {
        LeafBuilder {
            issuer,
            key_type: KeyType::default(),
            subject: SubjectSpec::default(),
            validity: Validity::default(),
            server_auth: true,
            client_auth: true,
            ocsp_url: None,
            crl_url: None,
        }
    }

    /// The subject's `CN` (default: none). With no identities it is the
    /// only name: a legacy CN-only certificate, which OpenSSL's host
    /// check still matches.
    ///
    /// trustme: `common_name=`.
    pub fn common_name(mut self, name: &str) -> LeafBuilder<'a> {
        self.subject.common_name = Some(name.to_owned());
        self
    }

    /// The subject's `O` (default `"sslwrap testing"`; `""` leaves it
    /// out).
    ///
    /// trustme: `organization_name=`.
    pub fn organization(mut self, name: &str) -> LeafBuilder<'a> {
        self.subject.organization = Some(name.to_owned());
        self
    }

    /// The subject's `OU` (default `"Testing cert #<random>"`; `""` leaves
    /// it out).
    ///
    /// trustme: `organization_unit_name=`.
    pub fn organization_unit(mut self, name: &str) -> LeafBuilder<'a> {
        self.subject.organization_unit = Some(name.to_owned());
        self
    }

    /// The start of validity (default: a day ago, or a day before
    /// `not_after` when that is earlier).
    ///
    /// trustme: `not_before=`. OpenSSL: `X509_set1_notBefore`.
    pub fn not_before(mut self, t: SystemTime) -> LeafBuilder<'a> {
        self.validity.not_before = Some(t);
        self
    }

    /// The end of validity (default: 3000-01-01, as trustme's).
    ///
    /// trustme: `not_after=`. OpenSSL: `X509_set1_notAfter`.
    pub fn not_after(mut self, t: SystemTime) -> LeafBuilder<'a> {
        self.validity.not_after = Some(t);
        self
    }

    /// Valid from 30 days ago until yesterday: a peer fails it with
    /// `certificate has expired` (`X509_V_ERR_CERT_HAS_EXPIRED`, 10).
    ///
    /// trustme: `not_after=` a past date. OpenSSL: `X509_set1_notAfter`.
    pub fn expired(mut self) -> LeafBuilder<'a> {
        self.validity = Validity::expired();
        self
    }

    /// Valid from tomorrow for 30 days: a peer fails it with `certificate
    /// is not yet valid` (`X509_V_ERR_CERT_NOT_YET_VALID`, 9).
    ///
    /// trustme: `not_before=` a future date. OpenSSL: `X509_set1_notBefore`.
    pub fn not_yet_valid(mut self) -> LeafBuilder<'a> {
        self.validity = Validity::not_yet_valid();
        self
    }

    /// The key type (default: [`KeyType::EcdsaP256`]).
    ///
    /// trustme: `key_type=`.
    pub fn key_type(mut self, key_type: KeyType) -> LeafBuilder<'a> {
        self.key_type = key_type;
        self
    }

    /// Whether `extendedKeyUsage` lists `serverAuth` (default: yes).
    /// Without it, a client fails the certificate with `unsuitable
    /// certificate purpose` (`X509_V_ERR_INVALID_PURPOSE`, 26).
    ///
    /// trustme: none (always on). OpenSSL: the `extendedKeyUsage`
    /// extension (`X509V3_EXT_i2d`).
    pub fn server_auth(mut self, on: bool) -> LeafBuilder<'a> {
        self.server_auth = on;
        self
    }

    /// Whether `extendedKeyUsage` lists `clientAuth` (default: yes).
    /// Without it, a server requiring client certificates rejects it, with
    /// the same verify code.
    ///
    /// trustme: none (always on). OpenSSL: the `extendedKeyUsage`
    /// extension (`X509V3_EXT_i2d`).
    pub fn client_auth(mut self, on: bool) -> LeafBuilder<'a> {
        self.client_auth = on;
        self
    }

    /// An OCSP responder URL (`authorityInfoAccess`), which Python shows
    /// as `getpeercert()['OCSP']`.
    ///
    /// trustme: none. OpenSSL: `X509_EXTENSION_create_by_OBJ`.
    pub fn ocsp_url(mut self, url: &str) -> LeafBuilder<'a> {
        self.ocsp_url = Some(url.to_owned());
        self
    }

    /// A CRL distribution point URL (`crlDistributionPoints`), which
    /// Python shows as `getpeercert()['crlDistributionPoints']`.
    ///
    /// trustme: none. OpenSSL: `X509_EXTENSION_create_by_OBJ`.
    pub fn crl_url(mut self, url: &str) -> LeafBuilder<'a> {
        self.crl_url = Some(url.to_owned());
        self
    }

    /// Makes the certificate, valid for `identities` (see
    /// [`CertificateAuthority::issue_cert`] for how each is read).
    ///
    /// trustme: `CA.issue_cert(*identities, **options)`. OpenSSL:
    /// `X509_sign`.
    ///
    /// A `ValueError` for an invalid identity, a name or URL with a NUL,
    /// no identity and no common name, a validity that ends before it
    /// starts, or both `server_auth(false)` and `client_auth(false)`.
    pub fn issue(self, identities: &[&str]) -> Result<LeafCert, SslError> {
        let sans = identities
            .iter()
            .map(|i| parse_identity(i))
            .collect::<Result<Vec<San>, SslError>>()?;
        let has_cn = self
            .subject
            .common_name
            .as_deref()
            .is_some_and(|c| !c.is_empty());
        if sans.is_empty() && !has_cn {
            return Err(SslError::value(
                "Must specify at least one identity or common name",
            ));
        }
        if !self.server_auth && !self.client_auth {
            return Err(SslError::value(
                "a leaf needs server_auth or client_auth (or both)",
            ));
        }
        for (what, url) in [("ocsp_url", &self.ocsp_url), ("crl_url", &self.crl_url)] {
            if let Some(url) = url {
                check_url(what, url)?;
            }
        }
        let name = self.subject.build("Testing cert")?;
        let key = self.key_type.generate()?;
        let issuer_cert: Option<&X509Ref> = self.issuer.map(|ca| &**ca.x509());
        let mut b = cert_builder(&name, &key, issuer_cert, &self.validity)?;
        // RFC 5280 §4.2.1.6: the SAN is critical when the subject is empty.
        let san_critical = name.entries().next().is_none();
        let rsa = key.id() == Id::RSA;
        let extensions = |b: &mut X509Builder| -> Result<(), ErrorStack> {
            b.append_extension(BasicConstraints::new().critical().build()?)?;
            let mut usage = KeyUsage::new();
            usage.critical().digital_signature();
            if rsa {
                usage.key_encipherment();
            }
            b.append_extension(usage.build()?)?;
            let mut eku = ExtendedKeyUsage::new();
            if self.server_auth {
                eku.server_auth();
            }
            if self.client_auth {
                eku.client_auth();
            }
            b.append_extension(eku.build()?)?;
            if !sans.is_empty() {
                let mut san = SubjectAlternativeName::new();
                if san_critical {
                    san.critical();
                }
                for entry in &sans {
                    match entry {
                        San::Dns(d) => san.dns(d),
                        San::Ip(ip) => san.ip(&ip.to_string()),
                        San::Email(e) => san.email(e),
                        San::Uri(u) => san.uri(u),
                    };
                }
                let ext = san.build(&b.x509v3_context(issuer_cert, None))?;
                b.append_extension(ext)?;
            }
            Ok(())
        };
        extensions(&mut b).map_err(openssl_error)?;
        if let Some(url) = &self.ocsp_url {
            b.append_extension(ocsp_extension(url)?)
                .map_err(openssl_error)?;
        }
        if let Some(url) = &self.crl_url {
            b.append_extension(crl_extension(url)?)
                .map_err(openssl_error)?;
        }
        let signer = self.issuer.map_or(&key, |ca| ca.key());
        let cert = sign(b, signer)?;
        let mut chain_pems = vec![cert_pem_text(&cert)?];
        for c in self.issuer.map_or(&[][..], |ca| ca.chain()) {
            chain_pems.push(cert_pem_text(c)?);
        }
        Ok(LeafCert {
            cert_der: cert.to_der().map_err(openssl_error)?,
            key_pem: key_pem_text(&key)?,
            subject: name_text(cert.subject_name()),
            issuer: name_text(cert.issuer_name()),
            chain_pems,
            cert,
            key,
        })
    }
}
