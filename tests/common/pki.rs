//! The test PKI, made with the `openssl` crate once per test binary.
//!
//! Layout (all PEM, in a fresh directory under `CARGO_TARGET_TMPDIR`):
//!
//! | file | what |
//! |---|---|
//! | `ca.pem`, `ca.key` | root CA "sslwrap test CA" |
//! | `ca2.pem` | a second, unrelated root CA |
//! | `ca_der.der` | `ca.pem` in DER (for `cadata` bytes) |
//! | `capath/<hash>.0` | `ca.pem` under its subject hash (for `capath`) |
//! | `server.pem`/`.key` | leaf `localhost`, SAN DNS:localhost + IP:127.0.0.1 |
//! | `expired.pem`/`.key` | like `server`, valid until yesterday |
//! | `future.pem`/`.key` | like `server`, valid from tomorrow |
//! | `selfsigned.pem`/`.key` | `localhost`, self-signed |
//! | `wronghost.pem`/`.key` | SAN DNS:wrong.example only |
//! | `cnonly.pem`/`.key` | CN=localhost, no SAN |
//! | `wildcard.pem`/`.key` | SAN DNS:*.sslwrap.test |
//! | `iponly.pem`/`.key` | SAN IP:127.0.0.1 only |
//! | `client.pem`/`.key` | client cert from `ca` |
//! | `client2.pem`/`.key` | client cert from `ca2` |
//! | `revoked.pem`/`.key` | `localhost` leaf listed in `crl.pem` |
//! | `ca_with_crl.pem` | `ca.pem` followed by `crl.pem` |
//! | `server_enc.key` | `server.key` encrypted (AES-256-CBC, password `sesame`) |
//! | `empty.pem`, `garbage.pem` | an empty file, a malformed PEM block |
//!
//! Keys are EC P-256: fast to make, so the PKI costs a few milliseconds.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::symm::Cipher;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, CrlNumber, ExtendedKeyUsage, KeyUsage,
    SubjectAlternativeName, SubjectKeyIdentifier,
};
use openssl::x509::{X509Builder, X509CrlBuilder, X509Name, X509RevokedBuilder, X509};

/// The password of `server_enc.key`.
pub const KEY_PASSWORD: &str = "sesame";

/// Paths of the test PKI (see the module docs).
#[derive(Debug)]
pub struct Pki {
    dir: PathBuf,
}

impl Pki {
    /// The file `name` of the PKI.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// As [`path`](Self::path), as a `String` for command lines.
    pub fn arg(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }
}

/// The PKI, made on first use.
pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| make(Path::new(env!("CARGO_TARGET_TMPDIR"))).expect("make test PKI"))
}

struct Leaf<'a> {
    cn: &'a str,
    sans: &'a [&'a str],
    days_from: i64,
    days_to: i64,
}

const NORMAL: Leaf<'static> = Leaf {
    cn: "localhost",
    sans: &["localhost", "127.0.0.1"],
    days_from: -1,
    days_to: 30,
};

fn make(tmp: &Path) -> Result<Pki, Box<dyn std::error::Error>> {
    let dir = tmp.join(format!("pki-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("capath"))?;
    let write = |name: &str, data: &[u8]| std::fs::write(dir.join(name), data);

    let (ca, ca_key) = cert("sslwrap test CA", &[], None, -1, 365, true)?;
    write("ca.pem", &ca.to_pem()?)?;
    write("ca.key", &ca_key.private_key_to_pem_pkcs8()?)?;
    write("ca_der.der", &ca.to_der()?)?;
    write(
        &format!("capath/{:08x}.0", ca.subject_name_hash()),
        &ca.to_pem()?,
    )?;
    let (ca2, ca2_key) = cert("sslwrap other CA", &[], None, -1, 365, true)?;
    write("ca2.pem", &ca2.to_pem()?)?;

    let issued = |name: &str,
                  leaf: &Leaf<'_>,
                  by: (&X509, &PKey<Private>)|
     -> Result<X509, Box<dyn std::error::Error>> {
        let (c, k) = cert(
            leaf.cn,
            leaf.sans,
            Some(by),
            leaf.days_from,
            leaf.days_to,
            false,
        )?;
        write(&format!("{name}.pem"), &c.to_pem()?)?;
        write(&format!("{name}.key"), &k.private_key_to_pem_pkcs8()?)?;
        if name == "server" {
            let enc = k.private_key_to_pem_pkcs8_passphrase(
                Cipher::aes_256_cbc(),
                KEY_PASSWORD.as_bytes(),
            )?;
            write("server_enc.key", &enc)?;
        }
        Ok(c)
    };
    let ca_pair = (&ca, &ca_key);
    issued("server", &NORMAL, ca_pair)?;
    issued(
        "expired",
        &Leaf {
            days_from: -30,
            days_to: -1,
            ..NORMAL
        },
        ca_pair,
    )?;
    issued(
        "future",
        &Leaf {
            days_from: 1,
            days_to: 30,
            ..NORMAL
        },
        ca_pair,
    )?;
    issued(
        "wronghost",
        &Leaf {
            cn: "wrong.example",
            sans: &["wrong.example"],
            ..NORMAL
        },
        ca_pair,
    )?;
    issued(
        "cnonly",
        &Leaf {
            sans: &[],
            ..NORMAL
        },
        ca_pair,
    )?;
    issued(
        "wildcard",
        &Leaf {
            cn: "wildcard",
            sans: &["*.sslwrap.test"],
            ..NORMAL
        },
        ca_pair,
    )?;
    issued(
        "iponly",
        &Leaf {
            cn: "ip",
            sans: &["127.0.0.1"],
            ..NORMAL
        },
        ca_pair,
    )?;
    issued(
        "client",
        &Leaf {
            cn: "client",
            sans: &[],
            ..NORMAL
        },
        ca_pair,
    )?;
    issued(
        "client2",
        &Leaf {
            cn: "client2",
            sans: &[],
            ..NORMAL
        },
        (&ca2, &ca2_key),
    )?;
    let revoked = issued("revoked", &NORMAL, ca_pair)?;
    let (selfsigned, selfsigned_key) = cert("localhost", NORMAL.sans, None, -1, 30, false)?;
    write("selfsigned.pem", &selfsigned.to_pem()?)?;
    write(
        "selfsigned.key",
        &selfsigned_key.private_key_to_pem_pkcs8()?,
    )?;

    // A CRL from the CA revoking `revoked.pem`.
    let mut crl = X509CrlBuilder::new()?;
    crl.set_issuer_name(ca.subject_name())?;
    crl.set_last_update(&*Asn1Time::days_from_now(0)?)?;
    crl.set_next_update(&*Asn1Time::days_from_now(30)?)?;
    let mut entry = X509RevokedBuilder::new()?;
    entry.set_serial_number(revoked.serial_number())?;
    entry.set_revocation_date(&*Asn1Time::days_from_now(0)?)?;
    crl.add_revoked(entry.build())?;
    let helper = X509Builder::new()?;
    crl.append_extension(
        AuthorityKeyIdentifier::new()
            .keyid(true)
            .build(&helper.x509v3_context(Some(&ca), None))?,
    )?;
    crl.append_extension(CrlNumber::new(BigNum::from_u32(1)?)?.build()?)?;
    crl.sign(&ca_key, MessageDigest::sha256())?;
    let crl = crl.build()?;
    write("crl.pem", &crl.to_pem()?)?;
    let mut both = ca.to_pem()?;
    both.extend_from_slice(&crl.to_pem()?);
    write("ca_with_crl.pem", &both)?;

    write("empty.pem", b"")?;
    write(
        "garbage.pem",
        b"-----BEGIN CERTIFICATE-----\nthis is not base64 at all!\n-----END CERTIFICATE-----\n",
    )?;
    Ok(Pki { dir })
}

/// A certificate for `cn` with DNS/IP `sans`, signed by `issuer` (self-signed
/// when `None`), valid from `days_from` to `days_to` days from now.
fn cert(
    cn: &str,
    sans: &[&str],
    issuer: Option<(&X509, &PKey<Private>)>,
    days_from: i64,
    days_to: i64,
    is_ca: bool,
) -> Result<(X509, PKey<Private>), openssl::error::ErrorStack> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1)?;
    let key = PKey::from_ec_key(EcKey::generate(&group)?)?;
    let mut name = X509Name::builder()?;
    name.append_entry_by_nid(Nid::COMMONNAME, cn)?;
    let name = name.build();
    let mut b = X509::builder()?;
    b.set_version(2)?;
    let mut serial = BigNum::new()?;
    serial.rand(64, MsbOption::ONE, false)?;
    b.set_serial_number(&*serial.to_asn1_integer()?)?;
    b.set_subject_name(&name)?;
    b.set_issuer_name(issuer.map_or(&*name, |(c, _)| c.subject_name()))?;
    b.set_pubkey(&key)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    b.set_not_before(&*Asn1Time::from_unix(now + days_from * 86_400)?)?;
    b.set_not_after(&*Asn1Time::from_unix(now + days_to * 86_400)?)?;
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
        let ext = san.build(&b.x509v3_context(issuer.map(|(c, _)| &**c), None))?;
        b.append_extension(ext)?;
    }
    b.sign(issuer.map_or(&key, |(_, k)| k), MessageDigest::sha256())?;
    Ok((b.build(), key))
}
