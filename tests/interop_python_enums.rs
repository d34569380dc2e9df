//! CPython's `TestEnumerations` (`Lib/test/test_ssl.py`, 3.11.7): Python's
//! `ssl` enums against sslwrap's, member by member. CPython checks each
//! enum against `_ssl`'s constants (`enum._test_simple_enum`); here the
//! members (`E.__members__`, aliases included) come from the live
//! `python3` on the same OpenSSL, and every one must have its sslwrap
//! counterpart with the same number, and sslwrap must have no member
//! Python lacks.

mod common;

use std::collections::BTreeMap;
use std::process::Command;
use std::time::Duration;

use common::child::run_limited;
use common::python3;
use sslwrap::{
    AlertDescription, ContentType, HandshakeType, Protocol, Purpose, TlsVersion, VerifyMode,
};

/// `(name, value)` of every member of Python's `expr` (an enum class).
fn members(expr: &str) -> BTreeMap<String, i64> {
    let script = format!(
        "import ssl\nfor n, m in {expr}.__members__.items():\n    print(n, int(m.value))\n"
    );
    let mut cmd = Command::new(python3());
    cmd.args(["-c", &script]);
    let out = run_limited(cmd, Duration::from_secs(30), expr);
    assert!(
        out.status.success(),
        "python3 {expr}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let (n, v) = l.split_once(' ').unwrap();
            (n.to_string(), v.parse().unwrap())
        })
        .collect()
}

#[track_caller]
fn assert_same(python: &str, py: &BTreeMap<String, i64>, ours: &[(&str, i64)]) {
    let ours: BTreeMap<String, i64> = ours.iter().map(|(n, v)| (n.to_string(), *v)).collect();
    assert_eq!(&ours, py, "{python}: sslwrap (left) vs python3 (right)");
}

/// CPython test_ssl.py: TestEnumerations.test_tlsversion
#[test]
fn tlsversion() {
    use TlsVersion::*;
    let ours: Vec<(&str, i64)> = [
        ("MINIMUM_SUPPORTED", MinimumSupported),
        ("SSLv3", SSLv3),
        ("TLSv1", TLSv1),
        ("TLSv1_1", TLSv1_1),
        ("TLSv1_2", TLSv1_2),
        ("TLSv1_3", TLSv1_3),
        ("MAXIMUM_SUPPORTED", MaximumSupported),
    ]
    .iter()
    .map(|(n, v)| (*n, i64::from(v.value())))
    .collect();
    assert_same("ssl.TLSVersion", &members("ssl.TLSVersion"), &ours);
}

/// Every named variant of a wire enum, `(python_name, value)`, found by
/// trying every number of its space.
fn wire_members<T: Copy>(
    space: impl Iterator<Item = T>,
    name: impl Fn(T) -> Option<&'static str>,
    value: impl Fn(T) -> i64,
) -> Vec<(&'static str, i64)> {
    space
        .filter_map(|v| name(v).map(|n| (n, value(v))))
        .collect()
}

/// CPython test_ssl.py: TestEnumerations.test_tlscontenttype
#[test]
fn tlscontenttype() {
    let ours = wire_members(
        (0..=u16::MAX).map(ContentType::from_value),
        |c| c.python_name(),
        |c| c.value().into(),
    );
    assert_same(
        "ssl._TLSContentType",
        &members("ssl._TLSContentType"),
        &ours,
    );
}

/// CPython test_ssl.py: TestEnumerations.test_tlsalerttype
#[test]
fn tlsalerttype() {
    let ours = wire_members(
        (0..=u8::MAX).map(AlertDescription::from_value),
        |a| a.python_name(),
        |a| a.value().into(),
    );
    assert_same("ssl._TLSAlertType", &members("ssl._TLSAlertType"), &ours);
}

/// CPython test_ssl.py: TestEnumerations.test_tlsmessagetype.
/// `CHANGE_CIPHER_SPEC` (0x0101) is not a handshake message: sslwrap
/// reports it as [`sslwrap::TraceMessage::ChangeCipherSpec`], whose
/// `python_msg_type()` is that number (checked in tests/trace.rs,
/// `msg_callback_tls12`).
#[test]
fn tlsmessagetype() {
    let mut ours = wire_members(
        (0..=u8::MAX).map(HandshakeType::from_value),
        |h| h.python_name(),
        |h| h.value().into(),
    );
    ours.push(("CHANGE_CIPHER_SPEC", 0x0101));
    assert_same(
        "ssl._TLSMessageType",
        &members("ssl._TLSMessageType"),
        &ours,
    );
}

/// CPython test_ssl.py: TestEnumerations.test_sslmethod. Python's
/// deprecated `PROTOCOL_TLSv1`, `PROTOCOL_TLSv1_1`, `PROTOCOL_TLSv1_2`
/// (single-version methods, `DeprecationWarning` since 3.10) are left out
/// of sslwrap on purpose: a [`Protocol`] plus
/// `set_minimum_version`/`set_maximum_version` says the same.
#[test]
fn sslmethod() {
    let mut py = members("ssl._SSLMethod");
    for deprecated in ["PROTOCOL_TLSv1", "PROTOCOL_TLSv1_1", "PROTOCOL_TLSv1_2"] {
        assert!(py.remove(deprecated).is_some(), "{deprecated}");
    }
    let ours: Vec<(&str, i64)> = [
        ("PROTOCOL_TLS", Protocol::Tls),
        ("PROTOCOL_TLS_CLIENT", Protocol::TlsClient),
        ("PROTOCOL_TLS_SERVER", Protocol::TlsServer),
    ]
    .iter()
    .map(|(n, p)| (*n, i64::from(p.value())))
    .collect();
    assert_same("ssl._SSLMethod", &py, &ours);
    // The Python spellings at the crate root are these variants.
    assert_eq!(sslwrap::PROTOCOL_TLS.value(), 2);
    assert_eq!(sslwrap::PROTOCOL_TLS_CLIENT.value(), 16);
    assert_eq!(sslwrap::PROTOCOL_TLS_SERVER.value(), 17);
}

/// CPython test_ssl.py: TestEnumerations.test_options
#[test]
fn options() {
    use sslwrap::*;
    let table: &[(&str, Options)] = &[
        ("OP_ALL", OP_ALL),
        ("OP_NO_SSLv2", OP_NO_SSLv2),
        ("OP_NO_SSLv3", OP_NO_SSLv3),
        ("OP_NO_TLSv1", OP_NO_TLSv1),
        ("OP_NO_TLSv1_1", OP_NO_TLSv1_1),
        ("OP_NO_TLSv1_2", OP_NO_TLSv1_2),
        ("OP_NO_TLSv1_3", OP_NO_TLSv1_3),
        ("OP_CIPHER_SERVER_PREFERENCE", OP_CIPHER_SERVER_PREFERENCE),
        ("OP_SINGLE_DH_USE", OP_SINGLE_DH_USE),
        ("OP_SINGLE_ECDH_USE", OP_SINGLE_ECDH_USE),
        ("OP_NO_COMPRESSION", OP_NO_COMPRESSION),
        ("OP_NO_TICKET", OP_NO_TICKET),
        ("OP_NO_RENEGOTIATION", OP_NO_RENEGOTIATION),
        ("OP_ENABLE_MIDDLEBOX_COMPAT", OP_ENABLE_MIDDLEBOX_COMPAT),
        ("OP_IGNORE_UNEXPECTED_EOF", OP_IGNORE_UNEXPECTED_EOF),
    ];
    let ours: Vec<(&str, i64)> = table.iter().map(|(n, o)| (*n, o.bits() as i64)).collect();
    assert_same("ssl.Options", &members("ssl.Options"), &ours);
}

/// CPython test_ssl.py: TestEnumerations.test_alertdescription. Python's
/// public `ssl.AlertDescription` names the alerts `ALERT_DESCRIPTION_*`
/// (OpenSSL's `SSL_AD_*`, a subset of `_TLSAlertType`); sslwrap has one
/// [`AlertDescription`], named as `_TLSAlertType`. Every member of
/// Python's is a named variant with the same number and the same name
/// after the prefix, but for OpenSSL's spelling `USER_CANCELLED` (RFC and
/// `_TLSAlertType`: `USER_CANCELED`).
#[test]
fn alertdescription() {
    let py = members("ssl.AlertDescription");
    assert!(!py.is_empty());
    for (name, value) in &py {
        let a = AlertDescription::from_value(u8::try_from(*value).unwrap());
        let ours = a
            .python_name()
            .unwrap_or_else(|| panic!("{name} ({value}) has no variant"));
        let expected = name.strip_prefix("ALERT_DESCRIPTION_").unwrap();
        let expected = if expected == "USER_CANCELLED" {
            "USER_CANCELED"
        } else {
            expected
        };
        assert_eq!(ours, expected, "{name}");
        assert_eq!(i64::from(a.value()), *value, "{name}");
    }
}

/// CPython test_ssl.py: TestEnumerations.test_sslerrornumber. sslwrap has
/// no `SSLErrorNumber` enum: the number is [`sslwrap::SslError::errno`]
/// (Python's `exc.errno`) and the class [`sslwrap::SslErrorKind`]. Each
/// kind that carries an `SSL_ERROR_*` number is produced here and its
/// number compared with Python's member of that name.
#[test]
fn sslerrornumber() {
    use common::memory::{handshake, pair, send};
    use common::{cpython_client_ctx, cpython_server_ctx};
    use sslwrap::{MemoryBio, SslErrorKind, WrapOptions};
    let py = members("ssl.SSLErrorNumber");
    let mut ours = Vec::new();

    // SSL_ERROR_WANT_READ: a client handshake with nothing to read.
    let cc = cpython_client_ctx();
    let mut c = cc
        .wrap_bio(
            MemoryBio::new(),
            MemoryBio::new(),
            WrapOptions::default().server_hostname("localhost"),
        )
        .unwrap();
    let e = c.do_handshake().unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::WantRead);
    ours.push(("SSL_ERROR_WANT_READ", e.errno()));

    // SSL_ERROR_SSL: garbage where a ServerHello should be.
    c.incoming()
        .write(b"GET / HTTP/1.1\r\n\r\n0123456789")
        .unwrap();
    let e = c.do_handshake().unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::Ssl, "{e:?}");
    ours.push(("SSL_ERROR_SSL", e.errno()));

    // The peer's close_notify: `read` gives b"" as Python's does (_ssl.c
    // turns SSL_ERROR_ZERO_RETURN after a received shutdown into EOF).
    let (mut c, mut s) = pair(&cc, &cpython_server_ctx());
    handshake(&mut c, &mut s).unwrap();
    send(&mut c, &mut s, b"x");
    let _ = s.unwrap();
    c.incoming().write(&s.outgoing().read(None)).unwrap();
    assert_eq!(c.read(10).unwrap(), b"");

    // SSL_ERROR_EOF: the transport ends without close_notify.
    let (mut c, mut s) = pair(&cc, &cpython_server_ctx());
    handshake(&mut c, &mut s).unwrap();
    c.incoming().write_eof();
    let e = c.read(10).unwrap_err();
    assert_eq!(e.kind(), SslErrorKind::Eof, "{e:?}");
    ours.push(("SSL_ERROR_EOF", e.errno()));

    for (name, errno) in ours {
        assert_eq!(errno.map(i64::from), py.get(name).copied(), "{name}");
    }
}

/// CPython test_ssl.py: TestEnumerations.test_verifyflags
#[test]
fn verifyflags() {
    use sslwrap::*;
    let table: &[(&str, VerifyFlags)] = &[
        ("VERIFY_DEFAULT", VERIFY_DEFAULT),
        ("VERIFY_CRL_CHECK_LEAF", VERIFY_CRL_CHECK_LEAF),
        ("VERIFY_CRL_CHECK_CHAIN", VERIFY_CRL_CHECK_CHAIN),
        ("VERIFY_X509_STRICT", VERIFY_X509_STRICT),
        ("VERIFY_ALLOW_PROXY_CERTS", VERIFY_ALLOW_PROXY_CERTS),
        ("VERIFY_X509_TRUSTED_FIRST", VERIFY_X509_TRUSTED_FIRST),
        ("VERIFY_X509_PARTIAL_CHAIN", VERIFY_X509_PARTIAL_CHAIN),
    ];
    let ours: Vec<(&str, i64)> = table.iter().map(|(n, f)| (*n, f.bits() as i64)).collect();
    assert_same("ssl.VerifyFlags", &members("ssl.VerifyFlags"), &ours);
}

/// CPython test_ssl.py: TestEnumerations.test_verifymode
#[test]
fn verifymode() {
    let ours: Vec<(&str, i64)> = [
        ("CERT_NONE", VerifyMode::CertNone),
        ("CERT_OPTIONAL", VerifyMode::CertOptional),
        ("CERT_REQUIRED", VerifyMode::CertRequired),
    ]
    .iter()
    .map(|(n, m)| (*n, i64::from(m.value())))
    .collect();
    assert_same("ssl.VerifyMode", &members("ssl.VerifyMode"), &ours);
    assert_eq!(sslwrap::CERT_REQUIRED.value(), 2);
}

/// CPython test_ssl.py: BasicSocketTests.test_purpose_enum: the two
/// purposes are the extended key usages serverAuth (NID 129) and
/// clientAuth (NID 130), with Python's short names, long names and OIDs
/// (`python3`'s `_ASN1Object` fields, compared too).
#[test]
fn purpose_enum() {
    use sslwrap::Purpose;
    assert_eq!(Purpose::ServerAuth.nid(), 129);
    assert_eq!(Purpose::ServerAuth.shortname(), "serverAuth");
    assert_eq!(Purpose::ServerAuth.oid(), "1.3.6.1.5.5.7.3.1");
    assert_eq!(Purpose::ClientAuth.nid(), 130);
    assert_eq!(Purpose::ClientAuth.shortname(), "clientAuth");
    assert_eq!(Purpose::ClientAuth.oid(), "1.3.6.1.5.5.7.3.2");
    let script = "import ssl\nfor p in ssl.Purpose:\n    print('|'.join([p.name, str(p.nid), p.shortname, p.longname, p.oid]))\n";
    let mut cmd = Command::new(python3());
    cmd.args(["-c", script]);
    let out = run_limited(cmd, Duration::from_secs(30), "ssl.Purpose");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let py = String::from_utf8(out.stdout).unwrap();
    let ours: String = [
        ("SERVER_AUTH", Purpose::ServerAuth),
        ("CLIENT_AUTH", Purpose::ClientAuth),
    ]
    .iter()
    .map(|(name, p)| {
        format!(
            "{name}|{}|{}|{}|{}\n",
            p.nid(),
            p.shortname(),
            p.longname(),
            p.oid()
        )
    })
    .collect();
    assert_eq!(ours, py);
}

/// CPython test_ssl.py: `BasicSocketTests.test_asn1object`, for the two
/// objects sslwrap has: `Purpose::ServerAuth` and `Purpose::ClientAuth`
/// (Python's `Purpose.SERVER_AUTH`/`CLIENT_AUTH`, which are
/// `_ASN1Object`s). Their `(nid, shortname, longname, oid)` must be CPython's
/// expected `(129, 'serverAuth', 'TLS Web Server Authentication',
/// '1.3.6.1.5.5.7.3.1')` and what python3 finds by each of
/// `_ASN1Object(oid)`, `_ASN1Object.fromnid(nid)`,
/// `_ASN1Object.fromname(shortname)` and `fromname(longname)` on the same
/// OpenSSL. Python's `ValueError`s for unknown NIDs and names have no
/// counterpart: sslwrap has no lookup by NID or name.
#[test]
fn asn1object() {
    let expected = (
        129,
        "serverAuth",
        "TLS Web Server Authentication",
        "1.3.6.1.5.5.7.3.1",
    );
    let p = Purpose::ServerAuth;
    assert_eq!((p.nid(), p.shortname(), p.longname(), p.oid()), expected);
    for (purpose, python) in [
        (Purpose::ServerAuth, "SERVER_AUTH"),
        (Purpose::ClientAuth, "CLIENT_AUTH"),
    ] {
        let ours = format!(
            "{}|{}|{}|{}",
            purpose.nid(),
            purpose.shortname(),
            purpose.longname(),
            purpose.oid()
        );
        let script = format!(
            "import ssl\n\
             O = ssl._ASN1Object\n\
             nid, short, long, oid = {nid}, {short:?}, {long:?}, {oid:?}\n\
             for v in (ssl.Purpose.{python}, O(oid), O.fromnid(nid), O.fromname(short), \
                       O.fromname(long), O.fromname(oid)):\n\
             \x20   print('%d|%s|%s|%s' % tuple(v))\n",
            nid = purpose.nid(),
            short = purpose.shortname(),
            long = purpose.longname(),
            oid = purpose.oid(),
        );
        let mut cmd = Command::new(python3());
        cmd.args(["-c", &script]);
        let out = run_limited(cmd, Duration::from_secs(30), "_ASN1Object");
        assert!(
            out.status.success(),
            "python3 _ASN1Object: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 6, "{text}");
        for line in lines {
            assert_eq!(ours, line, "{purpose:?}: sslwrap (left) vs python3 (right)");
        }
    }
}
