//! The secure defaults of `tests/secure_defaults.rs`, compared with the
//! local CPython 3.11's `ssl` on the same OpenSSL, one test per default:
//! the same minimum and maximum version, options (no SSLv3, no
//! compression, no `OP_NO_RENEGOTIATION`), verify mode and host-name
//! check, security level and cipher list for `SSLContext(PROTOCOL_TLS_*)`
//! and `create_default_context()`; `verify_flags` equal Python 3.11's
//! plus the two flags Python 3.13 adds (`VERIFY_X509_STRICT`,
//! `VERIFY_X509_PARTIAL_CHAIN`).

mod common;

use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use common::json::Json;
use sslwrap::{create_default_context, Purpose, SslContext, TlsVersion, VerifyFlags, VerifyMode};

const PROBE: &str = r#"
import json, ssl
def info(ctx):
    return {
        "minimum_version": ctx.minimum_version.name,
        "maximum_version": ctx.maximum_version.name,
        "options": int(ctx.options),
        "verify_mode": ctx.verify_mode.name,
        "check_hostname": ctx.check_hostname,
        "verify_flags": int(ctx.verify_flags),
        "security_level": ctx.security_level,
        "hostname_checks_common_name": ctx.hostname_checks_common_name,
        "post_handshake_auth": bool(ctx.post_handshake_auth),
        "ciphers": [c["name"] for c in ctx.get_ciphers()],
    }
print(json.dumps({
    "PROTOCOL_TLS_CLIENT": info(ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)),
    "PROTOCOL_TLS_SERVER": info(ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)),
    "SERVER_AUTH": info(ssl.create_default_context(ssl.Purpose.SERVER_AUTH)),
    "CLIENT_AUTH": info(ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)),
}))
"#;

/// Python's answers, asked once per test binary.
fn python() -> &'static Json {
    static ANSWER: OnceLock<Json> = OnceLock::new();
    ANSWER.get_or_init(|| {
        let mut cmd = Command::new(common::python3());
        // -I: no user site and no PYTHON*/SSLKEYLOGFILE-style variables.
        cmd.args(["-I", "-c", PROBE]);
        let out = common::child::run_limited(cmd, Duration::from_secs(30), "python3 probe");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        Json::parse(String::from_utf8_lossy(&out.stdout).trim()).expect("the probe's JSON")
    })
}

fn contexts() -> Vec<(&'static str, SslContext)> {
    vec![
        (
            "PROTOCOL_TLS_CLIENT",
            SslContext::new(sslwrap::PROTOCOL_TLS_CLIENT).unwrap(),
        ),
        (
            "PROTOCOL_TLS_SERVER",
            SslContext::new(sslwrap::PROTOCOL_TLS_SERVER).unwrap(),
        ),
        (
            "SERVER_AUTH",
            create_default_context(Purpose::ServerAuth).unwrap(),
        ),
        (
            "CLIENT_AUTH",
            create_default_context(Purpose::ClientAuth).unwrap(),
        ),
    ]
}

fn py(name: &str, key: &str) -> Json {
    python()
        .get(name)
        .and_then(|c| c.get(key))
        .unwrap_or_else(|| panic!("no {name}.{key} in Python's answer"))
        .clone()
}

fn version_name(v: TlsVersion) -> &'static str {
    match v {
        TlsVersion::MinimumSupported => "MINIMUM_SUPPORTED",
        TlsVersion::MaximumSupported => "MAXIMUM_SUPPORTED",
        TlsVersion::SSLv3 => "SSLv3",
        TlsVersion::TLSv1 => "TLSv1",
        TlsVersion::TLSv1_1 => "TLSv1_1",
        TlsVersion::TLSv1_2 => "TLSv1_2",
        TlsVersion::TLSv1_3 => "TLSv1_3",
        other => panic!("unknown version {other:?}"),
    }
}

fn mode_name(m: VerifyMode) -> &'static str {
    match m {
        VerifyMode::CertNone => "CERT_NONE",
        VerifyMode::CertOptional => "CERT_OPTIONAL",
        VerifyMode::CertRequired => "CERT_REQUIRED",
    }
}

#[test]
fn minimum_and_maximum_version_as_python() {
    for (name, ctx) in contexts() {
        let min = Json::Str(version_name(ctx.minimum_version()).into());
        let max = Json::Str(version_name(ctx.maximum_version()).into());
        assert_eq!(min, py(name, "minimum_version"), "{name}");
        assert_eq!(max, py(name, "maximum_version"), "{name}");
    }
}

#[test]
fn options_as_python() {
    // Includes OP_NO_SSLv3, OP_NO_COMPRESSION, and not OP_NO_RENEGOTIATION.
    for (name, ctx) in contexts() {
        let ours = i64::try_from(ctx.options().bits()).unwrap();
        assert_eq!(Json::Int(ours), py(name, "options"), "{name}");
    }
}

#[test]
fn verify_mode_and_hostname_check_as_python() {
    for (name, ctx) in contexts() {
        assert_eq!(
            Json::Str(mode_name(ctx.verify_mode()).into()),
            py(name, "verify_mode"),
            "{name}"
        );
        assert_eq!(
            Json::Bool(ctx.check_hostname()),
            py(name, "check_hostname"),
            "{name}"
        );
        assert_eq!(
            Json::Bool(ctx.hostname_checks_common_name()),
            py(name, "hostname_checks_common_name"),
            "{name}"
        );
        assert_eq!(
            Json::Bool(ctx.post_handshake_auth()),
            py(name, "post_handshake_auth"),
            "{name}"
        );
    }
}

#[test]
fn verify_flags_are_python_3_11_plus_what_3_13_adds() {
    let added = VerifyFlags::VERIFY_X509_STRICT | VerifyFlags::VERIFY_X509_PARTIAL_CHAIN;
    for (name, ctx) in contexts() {
        let Json::Int(theirs) = py(name, "verify_flags") else {
            panic!("verify_flags is not an integer");
        };
        let theirs = u64::try_from(theirs).unwrap();
        let want = if name.ends_with("_AUTH") {
            theirs | added.bits()
        } else {
            theirs
        };
        assert_eq!(ctx.verify_flags().bits(), want, "{name}");
    }
}

#[test]
fn security_level_and_ciphers_as_python() {
    for (name, ctx) in contexts() {
        assert_eq!(
            Json::Int(i64::from(ctx.security_level())),
            py(name, "security_level"),
            "{name}"
        );
        let ours: Vec<Json> = ctx
            .get_ciphers()
            .unwrap()
            .into_iter()
            .map(|c| Json::Str(c.name))
            .collect();
        assert_eq!(Json::Arr(ours), py(name, "ciphers"), "{name}");
    }
}
