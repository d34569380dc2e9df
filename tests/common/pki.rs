//! The test PKI, made with [`sslwrap::testing`] once per test binary.
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
//! The certificates are what `sslwrap::testing` makes (see its module
//! docs: EC P-256 keys, X.509 v3, SHA-256, random serials, subject and
//! authority key ids, leaves for `serverAuth` and `clientAuth`), with
//! subjects of a single `CN` (no `O`/`OU`) and validity relative to the
//! current time, so nothing expires in the repository: CAs from a day ago
//! to a year ahead, leaves from a day ago to 30 days ahead. Only the
//! `capath` hash name and the two bad files are made here by hand.
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
use std::time::{Duration, SystemTime};

use sslwrap::testing::{CaBuilder, CertificateAuthority, LeafBuilder, LeafCert};

/// The password of `server_enc.key`.
pub const KEY_PASSWORD: &str = "sesame";

const DAY: Duration = Duration::from_secs(86_400);

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

type BoxError = Box<dyn std::error::Error>;

/// A CA named `CN=<cn>` only, valid from a day ago for a year.
fn ca_named<'a>(b: CaBuilder<'a>, cn: &str) -> CaBuilder<'a> {
    let now = SystemTime::now();
    b.common_name(cn)
        .organization("")
        .organization_unit("")
        .not_before(now - DAY)
        .not_after(now + 365 * DAY)
}

/// A leaf named `CN=<cn>` only, valid from a day ago for 30 days.
fn leaf_named<'a>(b: LeafBuilder<'a>, cn: &str) -> LeafBuilder<'a> {
    let now = SystemTime::now();
    b.common_name(cn)
        .organization("")
        .organization_unit("")
        .not_before(now - DAY)
        .not_after(now + 30 * DAY)
}

const LOCALHOST: &[&str] = &["localhost", "127.0.0.1"];

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
    let leaf = |name: &str, cert: &LeafCert| cert.write_to(&dir, name).map(drop);

    let ca = ca_named(CertificateAuthority::builder(), "sslwrap test CA").build()?;
    ca.write_to(&dir, "ca")?;
    write("ca.der", ca.cert_der())?;
    // OpenSSL's X509_NAME_hash, the name `c_rehash` gives a capath entry.
    let hash = openssl::x509::X509::from_der(ca.cert_der())?.subject_name_hash();
    write(&format!("capath/{hash:08x}.0"), ca.cert_pem().as_bytes())?;
    let ca2 = ca_named(CertificateAuthority::builder(), "sslwrap other CA").build()?;
    write("ca2.pem", ca2.cert_pem().as_bytes())?;

    let server = leaf_named(ca.leaf(), "localhost").issue(LOCALHOST)?;
    leaf("server", &server)?;
    let encrypted = server.private_key_pem_encrypted(KEY_PASSWORD.as_bytes())?;
    write("server_enc.key", encrypted.as_bytes())?;
    let expired = leaf_named(ca.leaf(), "localhost").expired();
    leaf("expired", &expired.issue(LOCALHOST)?)?;
    let future = leaf_named(ca.leaf(), "localhost").not_yet_valid();
    leaf("future", &future.issue(LOCALHOST)?)?;
    let wrong = leaf_named(ca.leaf(), "wrong.example").issue(&["wrong.example"])?;
    leaf("wronghost", &wrong)?;
    leaf("cnonly", &leaf_named(ca.leaf(), "localhost").issue(&[])?)?;
    let wildcard = leaf_named(ca.leaf(), "wildcard").issue(&["*.sslwrap.test"])?;
    leaf("wildcard", &wildcard)?;
    leaf(
        "iponly",
        &leaf_named(ca.leaf(), "ip").issue(&["127.0.0.1"])?,
    )?;
    leaf("client", &leaf_named(ca.leaf(), "client").issue(&[])?)?;
    leaf("client2", &leaf_named(ca2.leaf(), "client2").issue(&[])?)?;
    let revoked = leaf_named(ca.leaf(), "localhost").issue(LOCALHOST)?;
    leaf("revoked", &revoked)?;

    // A two-level chain: root -> intermediate -> leaf.
    let inter = ca_named(ca.child_ca(), "sslwrap intermediate CA").build()?;
    write("inter.pem", inter.cert_pem().as_bytes())?;
    let chained = leaf_named(inter.leaf(), "localhost").issue(LOCALHOST)?;
    leaf("chained", &chained)?;
    write("chained_leaf.pem", chained.cert_pem().as_bytes())?;
    let selfsigned = leaf_named(LeafCert::self_signed(), "localhost").issue(LOCALHOST)?;
    leaf("selfsigned", &selfsigned)?;

    // A CRL from the CA revoking `revoked.pem`.
    ca.revoke(&revoked)?;
    let crl = ca.crl_pem()?;
    write("crl.pem", crl.as_bytes())?;
    write(
        "ca_with_crl.pem",
        format!("{}{crl}", ca.cert_pem()).as_bytes(),
    )?;

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
