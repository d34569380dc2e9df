//! [`CertificateAuthority`]: a root or intermediate CA that issues leaves,
//! child CAs and CRLs; [`CaBuilder`] for its options.

use std::fmt;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use openssl::bn::BigNum;
use openssl::error::ErrorStack;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{AuthorityKeyIdentifier, BasicConstraints, CrlNumber, KeyUsage};
use openssl::x509::{X509Builder, X509CrlBuilder, X509RevokedBuilder, X509};

use super::files::{pem_and_key, write_private, write_public, CaFiles};
use super::leaf::{LeafBuilder, LeafCert};
use super::{
    asn1_time, cert_builder, cert_pem_text, digest_for, earlier, key_pem_text, later, name_text,
    openssl_error, pem_text, sign, KeyType, SubjectSpec, Validity, BACKDATE, DAY,
};
use crate::context::{CaData, SslContext};
use crate::error::SslError;

/// trustme's default path length for a root CA.
const DEFAULT_PATH_LENGTH: u32 = 9;

/// A certificate authority for tests: a fresh key and a self-signed (root)
/// or parent-signed (intermediate) CA certificate.
///
/// trustme: `trustme.CA`. OpenSSL: `X509_sign`.
///
/// It issues leaves ([`issue_cert`](Self::issue_cert), [`leaf`](Self::leaf)),
/// intermediates ([`create_child_ca`](Self::create_child_ca)) and CRLs
/// ([`revoke`](Self::revoke), [`crl_pem`](Self::crl_pem)). It is `Send` and
/// `Sync`: keep one in a `static OnceLock` and share it between tests.
#[doc(alias = "CA")]
#[doc(alias = "trustme")]
pub struct CertificateAuthority {
    cert: X509,
    key: PKey<Private>,
    /// This CA's certificate then its parents', up to but without the
    /// root: what a leaf it issues sends after itself. Empty for a root.
    chain: Vec<X509>,
    /// How many intermediates may still follow (`None`: unlimited).
    path_length: Option<u32>,
    cert_pem: String,
    cert_der: Vec<u8>,
    key_pem: String,
    subject: String,
    revoked: Mutex<Vec<Revoked>>,
    crl_number: AtomicU64,
}

/// A revoked serial and when.
struct Revoked {
    serial: BigNum,
    at: SystemTime,
}

/// Options for a new CA: [`CertificateAuthority::builder`] (a root) or
/// [`CertificateAuthority::child_ca`] (an intermediate).
///
/// trustme: the keyword arguments of `trustme.CA(...)` and
/// `CA.create_child_ca(...)`.
#[must_use = "a builder does nothing until .build()"]
#[derive(Debug, Clone)]
pub struct CaBuilder<'a> {
    parent: Option<&'a CertificateAuthority>,
    key_type: KeyType,
    subject: SubjectSpec,
    validity: Validity,
    path_length: Option<u32>,
}

impl CertificateAuthority {
    /// A new root CA with the defaults: an ECDSA P-256 key, `O=sslwrap
    /// testing, OU=Testing CA #<random>`, valid from a day ago to 3000,
    /// path length 9.
    ///
    /// trustme: `trustme.CA()`. OpenSSL: `EC_KEY_generate_key`, `X509_sign`.
    pub fn new() -> Result<CertificateAuthority, SslError> {
        CertificateAuthority::builder().build()
    }

    /// A builder for a root CA with other options.
    ///
    /// trustme: `trustme.CA(organization_name=…, key_type=…)`.
    pub fn builder() -> CaBuilder<'static> {
        CaBuilder {
            parent: None,
            key_type: KeyType::default(),
            subject: SubjectSpec::default(),
            validity: Validity::default(),
            path_length: None,
        }
    }

    /// A CA from an existing certificate and its private key (PEM; the key
    /// unencrypted, PKCS#8 or traditional), treated as a root: leaves it
    /// issues carry no intermediates. Its path length is the
    /// certificate's (unlimited when absent).
    ///
    /// trustme: `CA.from_pem(cert_bytes, private_key_bytes)`. OpenSSL:
    /// `PEM_read_bio_X509`, `PEM_read_bio_PrivateKey`,
    /// `EVP_PKEY_eq`.
    ///
    /// A `ValueError` when either does not parse or the key is not the
    /// certificate's.
    pub fn from_pem(
        cert_pem: &str,
        private_key_pem: &str,
    ) -> Result<CertificateAuthority, SslError> {
        let cert = X509::from_pem(cert_pem.as_bytes())
            .map_err(|e| SslError::value(format!("cert_pem is not a PEM certificate: {e}")))?;
        let key = PKey::private_key_from_pem(private_key_pem.as_bytes()).map_err(|e| {
            SslError::value(format!(
                "private_key_pem is not an unencrypted PEM private key: {e}"
            ))
        })?;
        let public = cert.public_key().map_err(openssl_error)?;
        if !public.public_eq(&key) {
            return Err(SslError::value(
                "private_key_pem is not the key of cert_pem",
            ));
        }
        let path_length = cert.pathlen();
        CertificateAuthority::assemble(cert, key, Vec::new(), path_length)
    }

    fn assemble(
        cert: X509,
        key: PKey<Private>,
        chain: Vec<X509>,
        path_length: Option<u32>,
    ) -> Result<CertificateAuthority, SslError> {
        Ok(CertificateAuthority {
            cert_pem: cert_pem_text(&cert)?,
            cert_der: cert.to_der().map_err(openssl_error)?,
            key_pem: key_pem_text(&key)?,
            subject: name_text(cert.subject_name()),
            cert,
            key,
            chain,
            path_length,
            revoked: Mutex::new(Vec::new()),
            crl_number: AtomicU64::new(1),
        })
    }

    /// An intermediate CA signed by this one, with the defaults (a path
    /// length one less than this CA's). Leaves it issues carry it (and any
    /// intermediates above it) in [`LeafCert::cert_chain_pems`].
    ///
    /// trustme: `CA.create_child_ca()`. OpenSSL: `X509_sign`.
    ///
    /// A `ValueError` when this CA's path length is 0, as in trustme.
    pub fn create_child_ca(&self) -> Result<CertificateAuthority, SslError> {
        self.child_ca().build()
    }

    /// A builder for an intermediate CA signed by this one.
    ///
    /// trustme: `CA.create_child_ca(key_type=…)`.
    pub fn child_ca(&self) -> CaBuilder<'_> {
        CaBuilder {
            parent: Some(self),
            ..CertificateAuthority::builder()
        }
    }

    /// A leaf certificate valid for `identities`, with the defaults (see
    /// [`LeafBuilder`]): usable by a server and by a client.
    ///
    /// trustme: `CA.issue_cert(*identities)`. OpenSSL: `X509_sign`.
    ///
    /// Each identity becomes a `subjectAltName` entry by its shape:
    /// `"127.0.0.1"`, `"::1"` an IP address; `"localhost"`,
    /// `"*.example.test"` or `"café.example"` (as its A-label) a DNS name;
    /// `"user@example.test"` an email address; `"https://example.test/x"` a
    /// URI. Anything else (`""`, `"999.1.1.1"`, `"a b"`, a NUL) is a
    /// `ValueError`, as is an empty list: give a common name with
    /// [`leaf`](Self::leaf) for a certificate without any SAN.
    #[doc(alias = "issue_server_cert")]
    #[doc(alias = "X509_sign")]
    pub fn issue_cert(&self, identities: &[&str]) -> Result<LeafCert, SslError> {
        self.leaf().issue(identities)
    }

    /// A builder for a leaf with options: common name, organization,
    /// validity (expired and not-yet-valid in one call), key type,
    /// server/client use, OCSP and CRL URLs.
    ///
    /// trustme: the keyword arguments of `CA.issue_cert(...)`.
    pub fn leaf(&self) -> LeafBuilder<'_> {
        LeafBuilder::new(Some(self))
    }

    /// Lists `leaf`'s serial number in this CA's CRLs from now on
    /// (revoked now; revoking twice changes nothing).
    ///
    /// trustme: none. OpenSSL: `X509_verify` (the check that this CA
    /// signed it).
    ///
    /// A `ValueError` when this CA did not issue `leaf`.
    pub fn revoke(&self, leaf: &LeafCert) -> Result<(), SslError> {
        let cert = leaf.x509();
        let public = self.cert.public_key().map_err(openssl_error)?;
        let issued = cert
            .issuer_name()
            .try_cmp(self.cert.subject_name())
            .is_ok_and(|o| o.is_eq())
            && cert.verify(&public).unwrap_or(false);
        if !issued {
            return Err(SslError::value(format!(
                "cannot revoke a certificate this CA did not issue (issuer {:?}, this CA {:?})",
                name_text(cert.issuer_name()),
                self.subject
            )));
        }
        let serial = cert.serial_number().to_bn().map_err(openssl_error)?;
        let mut revoked = self.revoked.lock().unwrap_or_else(PoisonError::into_inner);
        if !revoked.iter().any(|r| r.serial == serial) {
            revoked.push(Revoked {
                serial,
                at: earlier(SystemTime::now(), BACKDATE),
            });
        }
        Ok(())
    }

    /// A CRL (v2, PEM) signed by this CA, listing every certificate
    /// [`revoke`](Self::revoke)d so far: `thisUpdate` a day ago (so a check
    /// in the same second never sees a CRL from the future), `nextUpdate`
    /// in 30 days, an authority key id and a CRL number that grows with
    /// each call. Give it to the verifying side in one `cafile` with the
    /// CA's certificate (`format!("{}{}", ca.cert_pem(), ca.crl_pem()?)`:
    /// Python, like OpenSSL, reads CRLs from files, never from `cadata`) and
    /// turn on [`VERIFY_CRL_CHECK_LEAF`](crate::VERIFY_CRL_CHECK_LEAF); a
    /// revoked leaf then fails with `certificate revoked`
    /// (`X509_V_ERR_CERT_REVOKED`, 23).
    ///
    /// trustme: none. OpenSSL: `X509_CRL_sign`.
    pub fn crl_pem(&self) -> Result<String, SslError> {
        let now = SystemTime::now();
        let this_update = asn1_time("thisUpdate", earlier(now, BACKDATE))?;
        let next_update = asn1_time("nextUpdate", later(now, 30 * DAY))?;
        let number = self.crl_number.fetch_add(1, Ordering::Relaxed);
        let revoked = self.revoked.lock().unwrap_or_else(PoisonError::into_inner);
        let mut entries = Vec::with_capacity(revoked.len());
        for r in revoked.iter() {
            let serial = r.serial.to_asn1_integer().map_err(openssl_error)?;
            entries.push((serial, asn1_time("revocationDate", r.at)?));
        }
        drop(revoked);
        let build = || -> Result<Vec<u8>, ErrorStack> {
            let mut crl = X509CrlBuilder::new()?;
            crl.set_issuer_name(self.cert.subject_name())?;
            crl.set_last_update(&this_update)?;
            crl.set_next_update(&next_update)?;
            for (serial, at) in &entries {
                let mut entry = X509RevokedBuilder::new()?;
                entry.set_serial_number(serial)?;
                entry.set_revocation_date(at)?;
                crl.add_revoked(entry.build())?;
            }
            if self.cert.subject_key_id().is_some() {
                let scratch = X509Builder::new()?;
                let aki = AuthorityKeyIdentifier::new()
                    .keyid(true)
                    .build(&scratch.x509v3_context(Some(&self.cert), None))?;
                crl.append_extension(aki)?;
            }
            let number = BigNum::from_dec_str(&number.to_string())?;
            crl.append_extension(CrlNumber::new(number)?.build()?)?;
            crl.sort()?;
            crl.sign(&self.key, digest_for(&self.key))?;
            crl.build()?.to_pem()
        };
        pem_text(build().map_err(openssl_error)?)
    }

    /// This CA's certificate, PEM. Add it to a trust store to trust this
    /// CA (or use [`configure_trust`](Self::configure_trust)).
    ///
    /// trustme: `CA.cert_pem`. OpenSSL: `PEM_write_bio_X509`.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// This CA's certificate, DER (Python's `cadata` as `bytes`).
    ///
    /// trustme: none. OpenSSL: `i2d_X509`.
    pub fn cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    /// This CA's private key, PKCS#8 PEM, unencrypted.
    ///
    /// trustme: `CA.private_key_pem`. OpenSSL:
    /// `PEM_write_bio_PKCS8PrivateKey`.
    pub fn private_key_pem(&self) -> &str {
        &self.key_pem
    }

    /// Makes `ctx` trust certificates this CA signed: its certificate
    /// becomes a trust anchor of `ctx`.
    ///
    /// trustme: `CA.configure_trust(ctx)`. Python:
    /// `ctx.load_verify_locations(cadata=ca.cert_pem)`. OpenSSL:
    /// `X509_STORE_add_cert`.
    ///
    /// Trusting an intermediate alone does not make its leaves verify
    /// (OpenSSL looks for the root); trust the root, or set
    /// [`VERIFY_X509_PARTIAL_CHAIN`](crate::VERIFY_X509_PARTIAL_CHAIN).
    #[doc(alias = "load_verify_locations")]
    pub fn configure_trust(&self, ctx: &mut SslContext) -> Result<(), SslError> {
        ctx.load_verify_locations(None, None, Some(CaData::Pem(&self.cert_pem)))
    }

    /// Writes `dir/<name>.pem` (the certificate) and `dir/<name>.key` (the
    /// key, mode `0600`), replacing existing files, for APIs that take
    /// paths.
    ///
    /// trustme: `ca.cert_pem.write_to_path(path)`. OpenSSL: none.
    ///
    /// A `ValueError` when `name` is not a plain file name; Python's
    /// `OSError` when a file cannot be written.
    pub fn write_to(&self, dir: &Path, name: &str) -> Result<CaFiles, SslError> {
        let (cafile, keyfile) = pem_and_key(dir, name)?;
        write_public(&cafile, &self.cert_pem)?;
        write_private(&keyfile, &self.key_pem)?;
        Ok(CaFiles { cafile, keyfile })
    }

    // --- for LeafBuilder ---

    pub(super) fn x509(&self) -> &X509 {
        &self.cert
    }

    pub(super) fn key(&self) -> &PKey<Private> {
        &self.key
    }

    pub(super) fn chain(&self) -> &[X509] {
        &self.chain
    }
}

impl fmt::Debug for CertificateAuthority {
    /// The subject, path length and counts; never the key.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let revoked = self
            .revoked
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        f.debug_struct("CertificateAuthority")
            .field("subject", &self.subject)
            .field("path_length", &self.path_length)
            .field("intermediates", &self.chain.len())
            .field("revoked", &revoked)
            .finish_non_exhaustive()
    }
}

impl<'a> CaBuilder<'a> {
    /// The CA's key type (default: [`KeyType::EcdsaP256`]).
    ///
    /// trustme: `key_type=`.
    pub fn key_type(mut self, key_type: KeyType) -> CaBuilder<'a> {
        self.key_type = key_type;
        self
    }

    /// The subject's `O` (default `"sslwrap testing"`; `""` leaves it
    /// out).
    ///
    /// trustme: `organization_name=`.
    pub fn organization(mut self, name: &str) -> CaBuilder<'a> {
        self.subject.organization = Some(name.to_owned());
        self
    }

    /// The subject's `OU` (default `"Testing CA #<random>"`, which keeps
    /// the subjects of different CAs apart; `""` leaves it out).
    ///
    /// trustme: `organization_unit_name=`.
    pub fn organization_unit(mut self, name: &str) -> CaBuilder<'a> {
        self.subject.organization_unit = Some(name.to_owned());
        self
    }

    /// The subject's `CN` (default: none).
    ///
    /// trustme: none (trustme's CAs have no common name).
    pub fn common_name(mut self, name: &str) -> CaBuilder<'a> {
        self.subject.common_name = Some(name.to_owned());
        self
    }

    /// The start of validity (default: a day ago).
    ///
    /// trustme: none (always 2000-01-01). OpenSSL: `X509_set1_notBefore`.
    pub fn not_before(mut self, t: SystemTime) -> CaBuilder<'a> {
        self.validity.not_before = Some(t);
        self
    }

    /// The end of validity (default: 3000-01-01).
    ///
    /// trustme: none (always 3000-01-01). OpenSSL: `X509_set1_notAfter`.
    pub fn not_after(mut self, t: SystemTime) -> CaBuilder<'a> {
        self.validity.not_after = Some(t);
        self
    }

    /// `basicConstraints` `pathlen`: how many intermediates may follow
    /// (default 9 for a root, the parent's less one for a child).
    ///
    /// trustme: `path_length=`.
    pub fn path_length(mut self, n: u32) -> CaBuilder<'a> {
        self.path_length = Some(n);
        self
    }

    /// Makes the CA.
    ///
    /// trustme: `trustme.CA(...)`. OpenSSL: `RSA_generate_key_ex` or
    /// `EC_KEY_generate_key`, `X509_sign`.
    ///
    /// A `ValueError` for a name with a NUL or over 64 characters, an empty
    /// subject, a validity that ends before it starts, or a child of a CA
    /// whose path length is 0.
    pub fn build(self) -> Result<CertificateAuthority, SslError> {
        let path_length = match (self.path_length, self.parent) {
            (Some(n), _) => Some(n),
            (None, None) => Some(DEFAULT_PATH_LENGTH),
            (None, Some(parent)) => match parent.path_length {
                Some(0) => return Err(SslError::value("Can't create child CA: path length is 0")),
                Some(n) => Some(n - 1),
                None => None,
            },
        };
        let name = self.subject.build("Testing CA")?;
        if name.entries().next().is_none() {
            return Err(SslError::value("a CA needs a non-empty subject"));
        }
        let key = self.key_type.generate()?;
        let issuer = self.parent.map(|p| &*p.cert);
        let mut b = cert_builder(&name, &key, issuer, &self.validity)?;
        let mut extensions = || -> Result<(), ErrorStack> {
            let mut constraints = BasicConstraints::new();
            constraints.critical().ca();
            if let Some(n) = path_length {
                constraints.pathlen(n);
            }
            b.append_extension(constraints.build()?)?;
            let usage = KeyUsage::new()
                .critical()
                .digital_signature()
                .key_cert_sign()
                .crl_sign()
                .build()?;
            b.append_extension(usage)
        };
        extensions().map_err(openssl_error)?;
        let (cert, chain) = match self.parent {
            None => (sign(b, &key)?, Vec::new()),
            Some(parent) => {
                let cert = sign(b, &parent.key)?;
                let chain = std::iter::once(cert.clone())
                    .chain(parent.chain.iter().cloned())
                    .collect();
                (cert, chain)
            }
        };
        CertificateAuthority::assemble(cert, key, chain, path_length)
    }
}
