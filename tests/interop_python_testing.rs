//! `sslwrap::testing`'s files read by Python's `ssl` (CPython 3.11 on
//! PATH): the CA and leaf files it writes load in an `SSLContext`, the
//! encrypted key with its password only, and `_test_decode_cert` decodes
//! the leaf as sslwrap's `decode_cert` does.
//!
//! Python runs on the system OpenSSL, so this comparison needs sslwrap on
//! the same release ([`common::python::python3`] refuses otherwise); CI
//! leaves `interop_python*` out of its vendored-OpenSSL run.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use common::child::run_limited;
use common::json::Json;
use sslwrap::testing::CertificateAuthority;
use sslwrap::{decode_cert, PeerCert};

fn san(cert: &PeerCert) -> Vec<(String, String)> {
    cert.subject_alt_name
        .iter()
        .map(|(k, v)| (k.clone(), v.as_text().unwrap_or("<dirname>").to_owned()))
        .collect()
}

fn pairs(items: &[(&str, &str)]) -> Vec<(String, String)> {
    items
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A fresh directory `$CARGO_TARGET_TMPDIR/interop_python_testing-<pid>/<test>`.
/// The first call removes those of processes that are gone (where `/proc`
/// tells).
fn tmp_dir(test: &str) -> PathBuf {
    const PREFIX: &str = "interop_python_testing-";
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    let root = ROOT.get_or_init(|| {
        let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
        if Path::new("/proc/self").exists() {
            for entry in std::fs::read_dir(tmp).into_iter().flatten().flatten() {
                let name = entry.file_name();
                let pid = name.to_str().and_then(|n| n.strip_prefix(PREFIX));
                if pid.is_some_and(|p| {
                    p.parse::<u32>().is_ok() && !Path::new("/proc").join(p).exists()
                }) {
                    let _ = std::fs::remove_dir_all(entry.path());
                }
            }
        }
        tmp.join(format!("{PREFIX}{}", std::process::id()))
    });
    let dir = root.join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Loads the files with Python's `ssl` and decodes the leaf with
/// `ssl._ssl._test_decode_cert`; prints one JSON object.
const PYTHON_READS: &str = r#"
import json, ssl, sys
cafile, certfile, keyfile, encfile, password = sys.argv[1:6]
out = {}
client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
client.load_verify_locations(cafile=cafile)
out["x509_ca"] = client.cert_store_stats()["x509_ca"]
server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
server.load_cert_chain(certfile, keyfile)
server.load_cert_chain(certfile, encfile, password=password)
try:
    server.load_cert_chain(certfile, encfile, password="wrong")
    out["wrong_password"] = "loaded"
except ssl.SSLError as e:
    out["wrong_password"] = type(e).__name__
cert = ssl._ssl._test_decode_cert(certfile)
out["repr"] = repr(cert)
out["subject"] = repr(cert["subject"])
out["subjectAltName"] = repr(cert["subjectAltName"])
print(json.dumps(out))
"#;

#[test]
fn python_loads_the_files_and_decodes_the_leaf_as_sslwrap_does() {
    let ca = CertificateAuthority::builder()
        .organization("Example Org")
        .common_name("Example CA")
        .build()
        .unwrap();
    let leaf = ca
        .leaf()
        .common_name("example")
        .organization("Example Org")
        .organization_unit("Tests")
        .ocsp_url("http://ocsp.example.test/")
        .crl_url("http://crl.example.test/ca.crl")
        .issue(&[
            "localhost",
            "127.0.0.1",
            "::1",
            "*.example.test",
            "café.example",
            "user@example.test",
            "https://example.test/x",
        ])
        .unwrap();
    let dir = tmp_dir("python");
    let ca_files = ca.write_to(&dir, "ca").unwrap();
    let files = leaf.write_to(&dir, "leaf").unwrap();
    let encfile = dir.join("leaf_enc.key");
    std::fs::write(&encfile, leaf.private_key_pem_encrypted(b"pw").unwrap()).unwrap();

    let mut cmd = Command::new(common::python3());
    cmd.arg("-c").arg(PYTHON_READS);
    for path in [&ca_files.cafile, &files.certfile, &files.keyfile, &encfile] {
        cmd.arg(path);
    }
    cmd.arg("pw");
    let out = run_limited(cmd, Duration::from_secs(30), "python3 reading the files");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "python3 failed: {stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json = Json::parse(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"));
    assert_eq!(json.int_at("x509_ca"), Some(1));
    assert_eq!(json.str_at("wrong_password").as_deref(), Some("SSLError"));
    assert_eq!(
        json.str_at("subjectAltName").unwrap(),
        "(('DNS', 'localhost'), ('IP Address', '127.0.0.1'), \
         ('IP Address', '0:0:0:0:0:0:0:1'), ('DNS', '*.example.test'), \
         ('DNS', 'xn--caf-dma.example'), ('email', 'user@example.test'), \
         ('URI', 'https://example.test/x'))"
    );
    assert_eq!(
        json.str_at("subject").unwrap(),
        "((('organizationName', 'Example Org'),), \
         (('organizationalUnitName', 'Tests'),), (('commonName', 'example'),))"
    );
    let ours = decode_cert(&files.certfile).unwrap();
    assert_eq!(json.str_at("repr").unwrap(), ours.python_repr());
    assert_eq!(
        san(&ours),
        pairs(&[
            ("DNS", "localhost"),
            ("IP Address", "127.0.0.1"),
            ("IP Address", "0:0:0:0:0:0:0:1"),
            ("DNS", "*.example.test"),
            ("DNS", "xn--caf-dma.example"),
            ("email", "user@example.test"),
            ("URI", "https://example.test/x"),
        ])
    );
    assert_eq!(ours.ocsp, ["http://ocsp.example.test/"]);
    assert_eq!(
        ours.crl_distribution_points,
        ["http://crl.example.test/ca.crl"]
    );
    assert_eq!(ours.not_after, "Jan  1 00:00:00 3000 GMT");
    assert_eq!(
        ours.issuer,
        [
            vec![("organizationName".to_owned(), "Example Org".to_owned())],
            vec![(
                "organizationalUnitName".to_owned(),
                ours.issuer[1][0].1.clone()
            )],
            vec![("commonName".to_owned(), "Example CA".to_owned())],
        ]
    );
    assert!(ours.issuer[1][0].1.starts_with("Testing CA #"));
}
