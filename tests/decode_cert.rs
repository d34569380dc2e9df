//! `decode_cert`, `PeerCert::python_repr` and the PEM/DER/time helpers,
//! compared with CPython's own output on the same files.

use std::path::{Path, PathBuf};
use std::process::Command;

use sslwrap::{cert_time_to_seconds, decode_cert, der_cert_to_pem_cert, pem_cert_to_der_cert};

fn certdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/testdata/cpython-certdata")
        .join(name)
}

/// Runs `script` under the `python3` on PATH (CPython 3.11 expected) with
/// `args`; its stdout.
fn python(script: &str, args: &[String]) -> String {
    let out = Command::new("python3")
        .arg("-c")
        .arg(script)
        .args(args)
        .output()
        .expect("python3 (CPython 3.11, Debian package python3 or pyenv) must be on PATH");
    assert!(
        out.status.success(),
        "python3 failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8 from python")
}

/// For each path: Python's repr of `_test_decode_cert`, or its exception.
const DECODE_SCRIPT: &str = r#"
import ssl, sys
assert sys.version_info[:2] == (3, 11), sys.version
for path in sys.argv[1:]:
    try:
        print(repr(ssl._ssl._test_decode_cert(path)))
    except Exception as e:
        print("ERROR %s: %s" % (type(e).__name__, e.args[0] if len(e.args) == 1 else e))
"#;

fn ours(path: &Path) -> String {
    match decode_cert(path) {
        Ok(c) => c.python_repr(),
        Err(e) => format!("ERROR {}: {}", e.python_class(), e),
    }
}

fn compare_all(paths: Vec<PathBuf>) {
    assert!(!paths.is_empty());
    let args: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let py = python(DECODE_SCRIPT, &args);
    let lines: Vec<&str> = py.lines().collect();
    assert_eq!(lines.len(), paths.len(), "one line per file from python");
    let mut mismatches = Vec::new();
    for (path, expected) in paths.iter().zip(lines) {
        let got = ours(path);
        if got != expected {
            mismatches.push(format!(
                "{}\n  python: {expected}\n  ours:   {got}",
                path.display()
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} differ:\n{}",
        mismatches.len(),
        paths.len(),
        mismatches.join("\n")
    );
}

// CPython test_ssl.py: BasicSocketTests.test_parse_cert, test_parse_cert_CVE_2013_4238,
// test_parse_cert_CVE_2019_5010, test_parse_all_sans -- here against Python's
// own output for every file of its certdata, not only the expected dicts.
#[test]
fn every_cpython_certdata_file_decodes_as_python() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(certdata(""))
        .expect("certdata dir")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pem"))
        .collect();
    paths.sort();
    paths.push(certdata("capath/ceff1710.0"));
    paths.push(certdata("does-not-exist.pem"));
    compare_all(paths);
}

#[test]
fn every_system_ca_certificate_decodes_as_python() {
    let mut paths: Vec<PathBuf> = std::fs::read_dir("/etc/ssl/certs")
        .expect("/etc/ssl/certs (Debian package ca-certificates)")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "pem"))
        .collect();
    paths.sort();
    compare_all(paths);
}

// CPython test_ssl.py: BasicSocketTests.test_DER_to_PEM
#[test]
fn der_to_pem_round_trip_matches_python() {
    let pem = std::fs::read_to_string(certdata("keycert3.pem")).expect("keycert3.pem");
    let start = pem
        .find("-----BEGIN CERTIFICATE-----")
        .expect("cert in keycert3.pem");
    let cert_pem = &pem[start..];
    let der = pem_cert_to_der_cert(cert_pem).expect("PEM decodes");
    let back = der_cert_to_pem_cert(&der);
    let py = python(
        "import ssl, sys; d = ssl.PEM_cert_to_DER_cert(open(sys.argv[1]).read()[open(sys.argv[1]).read().index('-----BEGIN CERTIFICATE-----'):]); sys.stdout.write(ssl.DER_cert_to_PEM_cert(d)); sys.stdout.write(d.hex())",
        &[certdata("keycert3.pem").display().to_string()],
    );
    let (py_pem, py_hex) = py.split_at(py.rfind("-----\n").expect("pem end") + 6);
    assert_eq!(back, py_pem);
    let hex: String = der.iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hex, py_hex);
    assert_eq!(pem_cert_to_der_cert(&back).expect("round trip"), der);
}

#[test]
fn bad_pem_gives_pythons_value_errors() {
    let cases = [
        "not a cert",
        "-----BEGIN CERTIFICATE-----\nAAAA\n",
        "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nA\n-----END CERTIFICATE-----",
        "-----BEGIN CERTIFICATE-----\nAA!!AA==\n-----END CERTIFICATE-----\n",
        "-----BEGIN CERTIFICATE-----\nAAé\n-----END CERTIFICATE-----\n",
    ];
    let script = r#"
import ssl, sys, json
for s in json.loads(sys.argv[1]):
    try:
        print("OK " + ssl.PEM_cert_to_DER_cert(s).hex())
    except ValueError as e:
        print("ERROR " + str(e))
"#;
    let arg = format!(
        "[{}]",
        cases
            .iter()
            .map(|c| json_str(c))
            .collect::<Vec<_>>()
            .join(",")
    );
    let py = python(script, &[arg]);
    for (case, expected) in cases.iter().zip(py.lines()) {
        let got = match pem_cert_to_der_cert(case) {
            Ok(d) => format!(
                "OK {}",
                d.iter().map(|b| format!("{b:02x}")).collect::<String>()
            ),
            Err(e) => format!("ERROR {e}"),
        };
        assert_eq!(got, expected, "input {case:?}");
    }
}

// CPython test_ssl.py: BasicSocketTests.test_cert_time_to_seconds and
// test_cert_time_to_seconds_timezone, plus malformed inputs, each compared
// with Python.
#[test]
fn cert_time_to_seconds_matches_python() {
    let cases = [
        "Jan  5 09:34:43 2018 GMT",
        "Jan 05 09:34:43 2018 GMT",
        "JaN  5 09:34:43 2018 GmT",
        "May  9 23:59:59 2007 GMT",
        "Dec 31 23:59:60 2008 GMT",
        "Feb 29 00:00:00 2000 GMT",
        "Jan  5 09:34 2018 GMT",
        "Jan  5 09:34:43 2018",
        "Jan  5 09:34:43 2018 GMTx",
        "Jan  5 09:34:43 2018 UTC",
        "Foo  5 09:34:43 2018 GMT",
        "Jan 35 09:34:43 2018 GMT",
        "Jan  5 24:00:00 2018 GMT",
        "",
    ];
    let script = r#"
import ssl, sys, json
for s in json.loads(sys.argv[1]):
    try:
        print("OK %d" % ssl.cert_time_to_seconds(s))
    except ValueError as e:
        print("ERROR " + str(e))
"#;
    let arg = format!(
        "[{}]",
        cases
            .iter()
            .map(|c| json_str(c))
            .collect::<Vec<_>>()
            .join(",")
    );
    let py = python(script, &[arg]);
    for (case, expected) in cases.iter().zip(py.lines()) {
        let got = match cert_time_to_seconds(case) {
            Ok(n) => format!("OK {n}"),
            Err(e) => format!("ERROR {e}"),
        };
        assert_eq!(got, expected, "input {case:?}");
    }
}

fn json_str(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
