//! The test PKI, made with the `openssl` crate once per test binary.
//!
//! # How it is made
//!
//! [`pki()`] runs [`make`] the first time any test asks for it (a
//! `OnceLock`, so concurrent test threads wait for the one run and never
//! see a half-written directory). It writes into a fresh directory
//! `$CARGO_TARGET_TMPDIR/pki-<pid>` (removed first if a stale one with the
//! same process id exists; directories of processes that are gone are
//! swept), so runs and test binaries never share files.
//!
//! Every key is EC P-256 (a few milliseconds each). Every certificate is
//! X.509 v3, SHA-256, with a random 64-bit serial; validity is relative to
//! the current time (leaves: from a day ago to 30 days ahead), so nothing
//! expires in the repository. Leaves carry `basicConstraints CA:FALSE`,
//! `keyUsage digitalSignature`, `extendedKeyUsage serverAuth, clientAuth`,
//! a subject key id and (when CA-issued) an authority key id; CAs carry
//! `basicConstraints critical CA:TRUE` and `keyUsage keyCertSign, cRLSign`.
//!
//! | file | what |
//! |---|---|
//! | `ca.pem`, `ca.key` | root CA `CN=sslwrap test CA` |
//! | `ca.der` | `ca.pem` in DER (for `cadata` bytes) |
//! | `ca2.pem` | a second, unrelated root CA `CN=sslwrap other CA` |
//! | `capath/<subject_hash>.0` | `ca.pem` under its OpenSSL subject hash |
//! | `server.pem`/`.key` | `CN=localhost`, SAN DNS:localhost, IP:127.0.0.1 |
//! | `server_enc.key` | `server.key`, PKCS#8 encrypted (AES-256-CBC), password [`KEY_PASSWORD`] |
//! | `expired.pem`/`.key` | as `server`, valid from 30 days ago until yesterday |
//! | `future.pem`/`.key` | as `server`, valid from tomorrow |
//! | `selfsigned.pem`/`.key` | as `server`, but self-signed |
//! | `inter.pem` | intermediate CA `CN=sslwrap intermediate CA`, from `ca` |
//! | `chained.pem`/`.key` | as `server` but issued by `inter`, followed by `inter.pem` |
//! | `chained_leaf.pem` | the leaf of `chained.pem` alone (the chain incomplete) |
//! | `wronghost.pem`/`.key` | `CN=wrong.example`, SAN DNS:wrong.example |
//! | `cnonly.pem`/`.key` | `CN=localhost`, no SAN |
//! | `wildcard.pem`/`.key` | `CN=wildcard`, SAN DNS:*.sslwrap.test |
//! | `iponly.pem`/`.key` | `CN=ip`, SAN IP:127.0.0.1 only |
//! | `client.pem`/`.key` | `CN=client`, from `ca` |
//! | `client2.pem`/`.key` | `CN=client2`, from `ca2` |
//! | `revoked.pem`/`.key` | as `server`, its serial listed in `crl.pem` |
//! | `crl.pem` | CRL v2 from `ca` (last update yesterday, next in 30 days) |
//! | `ca_with_crl.pem` | `ca.pem` followed by `crl.pem` (a `cafile` with a CRL) |
//! | `empty.pem` | an empty file |
//! | `garbage.pem` | a `CERTIFICATE` PEM block whose body is not base64 |
//!
//! A key not matching its certificate is `server.pem` with `client.key`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::error::ErrorStack;
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

const DAY: i64 = 86_400;

/// The directory of the test PKI (see the module docs for its files).
#[derive(Debug)]
pub struct Pki {
    dir: PathBuf,
}

impl Pki {
    /// The file `name` of the PKI.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }

    /// The directory itself.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// The PKI, made on first use in this process.
pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        make(tmp).unwrap_or_else(|e| panic!("making the test PKI under {tmp:?} failed: {e}"))
    })
}

/// What a leaf certificate looks like.
#[derive(Clone, Copy)]
struct Leaf<'a> {
    cn: &'a str,
    /// DNS names and IP addresses, in order.
    sans: &'a [&'a str],
    /// Validity, in days from now.
    from: i64,
    to: i64,
}

const LOCALHOST: Leaf<'static> = Leaf {
    cn: "localhost",
    sans: &["localhost", "127.0.0.1"],
    from: -1,
    to: 30,
};

type BoxError = Box<dyn std::error::Error>;

fn make(tmp: &Path) -> Result<Pki, BoxError> {
    sweep_stale(tmp);
    let dir = tmp.join(format!("pki-{}", std::process::id()));
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    std::fs::create_dir_all(dir.join("capath"))?;
    let write = |name: &str, data: &[u8]| -> Result<(), BoxError> {
        std::fs::write(dir.join(name), data).map_err(|e| format!("writing {name}: {e}").into())
    };

    let (ca, ca_key) = cert("sslwrap test CA", &[], None, -1, 365, true)?;
    write("ca.pem", &ca.to_pem()?)?;
    write("ca.key", &ca_key.private_key_to_pem_pkcs8()?)?;
    write("ca.der", &ca.to_der()?)?;
    let hash = ca.subject_name_hash();
    write(&format!("capath/{hash:08x}.0"), &ca.to_pem()?)?;
    let (ca2, ca2_key) = cert("sslwrap other CA", &[], None, -1, 365, true)?;
    write("ca2.pem", &ca2.to_pem()?)?;

    let issue =
        |name: &str, leaf: Leaf<'_>, by: (&X509, &PKey<Private>)| -> Result<X509, BoxError> {
            let (c, k) = cert(leaf.cn, leaf.sans, Some(by), leaf.from, leaf.to, false)?;
            write(&format!("{name}.pem"), &c.to_pem()?)?;
            write(&format!("{name}.key"), &k.private_key_to_pem_pkcs8()?)?;
            if name == "server" {
                let pass = KEY_PASSWORD.as_bytes();
                let enc = k.private_key_to_pem_pkcs8_passphrase(Cipher::aes_256_cbc(), pass)?;
                write("server_enc.key", &enc)?;
            }
            Ok(c)
        };
    let by_ca = (&ca, &ca_key);
    issue("server", LOCALHOST, by_ca)?;
    issue(
        "expired",
        Leaf {
            from: -30,
            to: -1,
            ..LOCALHOST
        },
        by_ca,
    )?;
    issue(
        "future",
        Leaf {
            from: 1,
            to: 30,
            ..LOCALHOST
        },
        by_ca,
    )?;
    let wrong = Leaf {
        cn: "wrong.example",
        sans: &["wrong.example"],
        ..LOCALHOST
    };
    issue("wronghost", wrong, by_ca)?;
    issue(
        "cnonly",
        Leaf {
            sans: &[],
            ..LOCALHOST
        },
        by_ca,
    )?;
    let wildcard = Leaf {
        cn: "wildcard",
        sans: &["*.sslwrap.test"],
        ..LOCALHOST
    };
    issue("wildcard", wildcard, by_ca)?;
    issue(
        "iponly",
        Leaf {
            cn: "ip",
            sans: &["127.0.0.1"],
            ..LOCALHOST
        },
        by_ca,
    )?;
    issue(
        "client",
        Leaf {
            cn: "client",
            sans: &[],
            ..LOCALHOST
        },
        by_ca,
    )?;
    let client2 = Leaf {
        cn: "client2",
        sans: &[],
        ..LOCALHOST
    };
    issue("client2", client2, (&ca2, &ca2_key))?;
    let revoked = issue("revoked", LOCALHOST, by_ca)?;
    // A two-level chain: root -> intermediate -> leaf.
    let (inter, inter_key) = cert("sslwrap intermediate CA", &[], Some(by_ca), -1, 365, true)?;
    write("inter.pem", &inter.to_pem()?)?;
    let l = LOCALHOST;
    let (leaf, leaf_key) = cert(
        l.cn,
        l.sans,
        Some((&inter, &inter_key)),
        l.from,
        l.to,
        false,
    )?;
    write("chained_leaf.pem", &leaf.to_pem()?)?;
    let mut chain = leaf.to_pem()?;
    chain.extend_from_slice(&inter.to_pem()?);
    write("chained.pem", &chain)?;
    write("chained.key", &leaf_key.private_key_to_pem_pkcs8()?)?;
    let (selfsigned, selfsigned_key) = cert("localhost", LOCALHOST.sans, None, -1, 30, false)?;
    write("selfsigned.pem", &selfsigned.to_pem()?)?;
    write(
        "selfsigned.key",
        &selfsigned_key.private_key_to_pem_pkcs8()?,
    )?;

    // A CRL from the CA revoking `revoked.pem`. Its last update is a day
    // back, so a check in the same second as the signing never sees a CRL
    // "not yet valid".
    let now = unix_now();
    let mut crl = X509CrlBuilder::new()?;
    crl.set_issuer_name(ca.subject_name())?;
    crl.set_last_update(&*Asn1Time::from_unix(now - DAY)?)?;
    crl.set_next_update(&*Asn1Time::from_unix(now + 30 * DAY)?)?;
    let mut entry = X509RevokedBuilder::new()?;
    entry.set_serial_number(revoked.serial_number())?;
    entry.set_revocation_date(&*Asn1Time::from_unix(now - DAY)?)?;
    crl.add_revoked(entry.build())?;
    let ctx_maker = X509Builder::new()?;
    let aki = AuthorityKeyIdentifier::new()
        .keyid(true)
        .build(&ctx_maker.x509v3_context(Some(&ca), None))?;
    crl.append_extension(aki)?;
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

/// Removes `pki-<pid>` directories of processes that no longer run (only
/// where `/proc` tells; elsewhere they stay, which is harmless).
fn sweep_stale(tmp: &Path) {
    if !Path::new("/proc/self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(tmp) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(|n| n.strip_prefix("pki-")) else {
            continue;
        };
        if pid.parse::<u32>().is_ok() && !Path::new("/proc").join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A certificate for `cn` with DNS/IP `sans`, signed by `issuer`
/// (self-signed when `None`), valid from `from` to `to` days from now.
fn cert(
    cn: &str,
    sans: &[&str],
    issuer: Option<(&X509, &PKey<Private>)>,
    from: i64,
    to: i64,
    is_ca: bool,
) -> Result<(X509, PKey<Private>), ErrorStack> {
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
    let now = unix_now();
    b.set_not_before(&*Asn1Time::from_unix(now + from * DAY)?)?;
    b.set_not_after(&*Asn1Time::from_unix(now + to * DAY)?)?;
    if is_ca {
        b.append_extension(BasicConstraints::new().critical().ca().build()?)?;
        let usage = KeyUsage::new()
            .critical()
            .key_cert_sign()
            .crl_sign()
            .build()?;
        b.append_extension(usage)?;
    } else {
        b.append_extension(BasicConstraints::new().build()?)?;
        b.append_extension(KeyUsage::new().critical().digital_signature().build()?)?;
        let eku = ExtendedKeyUsage::new()
            .server_auth()
            .client_auth()
            .build()?;
        b.append_extension(eku)?;
    }
    let ski = SubjectKeyIdentifier::new().build(&b.x509v3_context(None, None))?;
    b.append_extension(ski)?;
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
