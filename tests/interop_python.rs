//! Python's `ssl` as the oracle: each situation runs Python↔Python first,
//! then Rust client ↔ Python server and Python client ↔ Rust server, and
//! the Rust side must see exactly what Python saw on that side (error class,
//! library, reason, verify code and message, `str()`; or version, cipher,
//! ALPN, `getpeercert()` and the DER certificate), while the Python peer must
//! see the same as it did facing Python.
//!
//! Expects the CPython 3.11 on PATH (see `tests/py/peer.py`).

mod common;

use common::pki::{pki, KEY_PASSWORD};
use common::{
    certdata_arg, normalize, raw_client, raw_server, rust_client, rust_context, Cfg, Outcome,
    PyPeer, RustServer,
};

/// Runs one situation with every pairing and compares.
fn situation(server: Cfg, client: Cfg) {
    // The oracle: Python on both sides.
    let py_server = PyPeer::server(&server);
    let py_client = PyPeer::client(&client, py_server.port);
    let want_client = normalize(py_client.outcome());
    let want_server = normalize(py_server.outcome());

    // Rust client, Python server.
    let py_server = PyPeer::server(&server);
    let rust_client_saw = normalize(rust_client(&client, py_server.port));
    let py_server_saw = normalize(py_server.outcome());

    // Python client, Rust server.
    let rust_server = RustServer::start(&server);
    let py_client = PyPeer::client(&client, rust_server.port);
    let py_client_saw = normalize(py_client.outcome());
    let rust_server_saw = normalize(rust_server.outcome(true));

    assert_eq!(
        rust_client_saw, want_client,
        "the Rust client must see what Python's client sees"
    );
    assert_eq!(
        rust_server_saw, want_server,
        "the Rust server must see what Python's server sees"
    );
    assert_eq!(
        py_server_saw, want_server,
        "Python's server must see the Rust client as it sees Python's"
    );
    assert_eq!(
        py_client_saw, want_client,
        "Python's client must see the Rust server as it sees Python's"
    );
}

fn server_with(cert: &str) -> Cfg {
    cfg!["protocol" => "server", "certfile" => pki().arg(&format!("{cert}.pem")), "keyfile" => pki().arg(&format!("{cert}.key"))]
}

fn client_trusting_ca() -> Cfg {
    cfg!["protocol" => "client", "cafile" => pki().arg("ca.pem"), "server_hostname" => "localhost"]
}

fn with(mut base: Cfg, extra: Cfg) -> Cfg {
    base.extend(extra);
    base
}

fn mutual_server(cert: &str) -> Cfg {
    with(
        server_with(cert),
        cfg!["verify_mode" => "required", "cafile" => pki().arg("ca.pem")],
    )
}

fn client_cert(name: &str) -> Cfg {
    cfg!["certfile" => pki().arg(&format!("{name}.pem")), "keyfile" => pki().arg(&format!("{name}.key"))]
}

macro_rules! situations {
    ($($name:ident: $server:expr, $client:expr;)*) => {
        $(
            #[test]
            fn $name() {
                situation($server, $client);
            }
        )*
    };
}

situations! {
    happy_one_way_tls13: server_with("server"), client_trusting_ca();
    happy_one_way_tls12: server_with("server"), with(client_trusting_ca(), cfg!["max_version" => "TLSv1_2"]);
    happy_mutual_tls13: mutual_server("server"), with(client_trusting_ca(), client_cert("client"));
    happy_mutual_tls12: mutual_server("server"), with(client_trusting_ca(), with(client_cert("client"), cfg!["max_version" => "TLSv1_2"]));
    ca_from_capath: server_with("server"), cfg!["protocol" => "client", "capath" => pki().arg("capath"), "server_hostname" => "localhost"];
    ca_from_cadata_pem: server_with("server"), cfg!["protocol" => "client", "cadata_pem" => pki().arg("ca.pem"), "server_hostname" => "localhost"];
    ca_from_cadata_der: server_with("server"), cfg!["protocol" => "client", "cadata_der" => pki().arg("ca_der.der"), "server_hostname" => "localhost"];
    cert_none_accepts_self_signed: server_with("selfsigned"), cfg!["protocol" => "client", "check_hostname" => "0", "verify_mode" => "none"];
    cert_optional_without_client_cert: with(server_with("server"), cfg!["verify_mode" => "optional", "cafile" => pki().arg("ca.pem")]), client_trusting_ca();
    cert_optional_with_client_cert: with(server_with("server"), cfg!["verify_mode" => "optional", "cafile" => pki().arg("ca.pem")]), with(client_trusting_ca(), client_cert("client"));
    expired_server_cert: server_with("expired"), client_trusting_ca();
    not_yet_valid_server_cert: server_with("future"), client_trusting_ca();
    self_signed_server_cert: server_with("selfsigned"), client_trusting_ca();
    wrong_host_server_cert: server_with("wronghost"), client_trusting_ca();
    cn_only_server_cert: server_with("cnonly"), client_trusting_ca();
    wildcard_matches_one_label: server_with("wildcard"), with(client_trusting_ca(), cfg!["server_hostname" => "www.sslwrap.test"]);
    wildcard_does_not_match_two_labels: server_with("wildcard"), with(client_trusting_ca(), cfg!["server_hostname" => "a.b.sslwrap.test"]);
    ip_san_matches_ip: server_with("iponly"), with(client_trusting_ca(), cfg!["server_hostname" => "127.0.0.1"]);
    ip_mismatch: server_with("wronghost"), with(client_trusting_ca(), cfg!["server_hostname" => "127.0.0.1"]);
    // With TLS 1.3 the client's handshake completes before the server
    // judges its certificate; the client reads first (writing first would
    // race the server's close and turn the alert into a reset).
    missing_client_cert_tls13: mutual_server("server"), with(client_trusting_ca(), cfg!["action" => "read_to_eof"]);
    missing_client_cert_tls12: mutual_server("server"), with(client_trusting_ca(), cfg!["max_version" => "TLSv1_2"]);
    untrusted_client_cert: mutual_server("server"), with(client_trusting_ca(), with(client_cert("client2"), cfg!["action" => "read_to_eof"]));
    untrusted_client_cert_tls12: mutual_server("server"), with(client_trusting_ca(), with(client_cert("client2"), cfg!["max_version" => "TLSv1_2"]));
    version_mismatch: with(server_with("server"), cfg!["min_version" => "TLSv1_3"]), with(client_trusting_ca(), cfg!["max_version" => "TLSv1_2"]);
    cipher_mismatch: with(server_with("server"), cfg!["max_version" => "TLSv1_2", "ciphers" => "ECDHE-ECDSA-AES128-GCM-SHA256"]), with(client_trusting_ca(), cfg!["max_version" => "TLSv1_2", "ciphers" => "ECDHE-ECDSA-AES256-GCM-SHA384"]);
    alpn_overlap_server_preference: with(server_with("server"), cfg!["alpn" => "h2,http/1.1"]), with(client_trusting_ca(), cfg!["alpn" => "http/1.1,h2"]);
    alpn_no_overlap: with(server_with("server"), cfg!["alpn" => "h2"]), with(client_trusting_ca(), cfg!["alpn" => "spdy/1"]);
    alpn_client_only: server_with("server"), with(client_trusting_ca(), cfg!["alpn" => "h2"]);
    crl_revoked_leaf: server_with("revoked"), cfg!["protocol" => "client", "cafile" => pki().arg("ca_with_crl.pem"), "verify_flags" => "crl_leaf", "server_hostname" => "localhost"];
    crl_good_leaf: server_with("server"), cfg!["protocol" => "client", "cafile" => pki().arg("ca_with_crl.pem"), "verify_flags" => "crl_leaf", "server_hostname" => "localhost"];
    crl_revoked_but_not_checked: server_with("revoked"), cfg!["protocol" => "client", "cafile" => pki().arg("ca_with_crl.pem"), "server_hostname" => "localhost"];
    crl_leaf_check_without_crl: server_with("server"), with(client_trusting_ca(), cfg!["verify_flags" => "crl_leaf"]);
    ragged_eof_suppressed: with(server_with("server"), cfg!["action" => "send_and_close"]), with(client_trusting_ca(), cfg!["action" => "read_to_eof"]);
    ragged_eof_not_suppressed: with(server_with("server"), cfg!["action" => "send_and_close"]), with(client_trusting_ca(), cfg!["action" => "read_to_eof", "suppress_ragged_eofs" => "0"]);
    encrypted_server_key: with(server_with("server"), cfg!["keyfile" => pki().arg("server_enc.key"), "password" => KEY_PASSWORD]), client_trusting_ca();
    cpython_signed_certfile: cfg!["protocol" => "server", "certfile" => certdata_arg("keycert3.pem")], cfg!["protocol" => "client", "cafile" => certdata_arg("pycacert.pem"), "server_hostname" => "localhost"];
    cpython_signed_certfile_rsa_tls12: cfg!["protocol" => "server", "certfile" => certdata_arg("keycert3.pem")], cfg!["protocol" => "client", "cafile" => certdata_arg("pycacert.pem"), "server_hostname" => "localhost", "max_version" => "TLSv1_2"];
    cpython_fakehostname: cfg!["protocol" => "server", "certfile" => certdata_arg("keycert4.pem")], cfg!["protocol" => "client", "cafile" => certdata_arg("pycacert.pem"), "server_hostname" => "localhost"];
    cpython_ecc_cert: cfg!["protocol" => "server", "certfile" => certdata_arg("keycertecc.pem")], cfg!["protocol" => "client", "cafile" => certdata_arg("pycacert.pem"), "server_hostname" => "localhost-ecc"];
    legacy_protocol_tls_both_sides: with(server_with("server"), cfg!["protocol" => "tls"]), cfg!["protocol" => "tls", "verify_mode" => "required", "cafile" => pki().arg("ca.pem")];
}

/// A server that reads the ClientHello and closes: each client sees what
/// Python's sees.
#[test]
fn peer_closes_after_client_hello() {
    for client in [
        client_trusting_ca(),
        with(client_trusting_ca(), cfg!["max_version" => "TLSv1_2"]),
    ] {
        let (port, h) = raw_server(b"");
        let want = normalize(PyPeer::client(&client, port).outcome());
        h.join().expect("raw server");
        let (port, h) = raw_server(b"");
        let got = normalize(rust_client(&client, port));
        h.join().expect("raw server");
        assert_eq!(got, want);
    }
}

/// A server that answers the ClientHello with something that is not TLS.
#[test]
fn peer_sends_garbage_instead_of_server_hello() {
    for reply in [
        &b"HTTP/1.1 400 Bad Request\r\n\r\n"[..],
        &[0x16, 0x03, 0x03, 0x00, 0x02, 0xff, 0xff][..],
    ] {
        let reply: &'static [u8] = Box::leak(reply.to_vec().into_boxed_slice());
        let (port, h) = raw_server(reply);
        let want = normalize(PyPeer::client(&client_trusting_ca(), port).outcome());
        h.join().expect("raw server");
        let (port, h) = raw_server(reply);
        let got = normalize(rust_client(&client_trusting_ca(), port));
        h.join().expect("raw server");
        assert_eq!(got, want, "reply {reply:?}");
    }
}

/// Clients that vanish or send garbage instead of a ClientHello: the server
/// sides see the same.
#[test]
fn client_vanishes_or_sends_garbage() {
    for first in [&b""[..], &b"GET / HTTP/1.1\r\n\r\n"[..]] {
        let py = PyPeer::server(&server_with("server"));
        raw_client(py.port, first);
        let want = normalize(py.outcome());
        let rs = RustServer::start(&server_with("server"));
        raw_client(rs.port, first);
        let got = normalize(rs.outcome(true));
        assert_eq!(got, want, "client sent {first:?}");
    }
}

/// Load-time errors: the context built from `cfg` fails (or not) exactly as
/// Python's does.
fn load(cfg: Cfg) {
    let want = normalize(PyPeer::load(&cfg));
    let got = normalize(match rust_context(&cfg) {
        Ok(_) => Outcome::from([
            ("result".into(), "ok".into()),
            ("stage".into(), "load".into()),
        ]),
        Err(e) => {
            let mut out = common::error_fields(&e);
            out.insert("stage".into(), "load".into());
            out
        }
    });
    assert_eq!(got, want, "loading {cfg:?}");
}

macro_rules! loads {
    ($($name:ident: $cfg:expr;)*) => {
        $(
            #[test]
            fn $name() {
                load($cfg);
            }
        )*
    };
}

loads! {
    load_missing_cafile: cfg!["cafile" => "/nonexistent/ca.pem"];
    load_empty_cafile: cfg!["cafile" => pki().arg("empty.pem")];
    load_malformed_cafile: cfg!["cafile" => pki().arg("garbage.pem")];
    load_cafile_is_a_directory: cfg!["cafile" => pki().arg("capath")];
    load_missing_capath_is_fine: cfg!["capath" => "/nonexistent/dir"];
    load_cadata_pem_without_cert: cfg!["cadata_pem" => pki().arg("garbage.pem")];
    load_cadata_der_garbage: cfg!["cadata_der" => pki().arg("ca.pem")];
    load_cadata_empty: cfg!["cadata_pem" => pki().arg("empty.pem")];
    load_cafile_with_crl: cfg!["cafile" => pki().arg("ca_with_crl.pem")];
    load_missing_certfile: cfg!["protocol" => "server", "certfile" => "/nonexistent/cert.pem"];
    load_empty_certfile: cfg!["protocol" => "server", "certfile" => pki().arg("empty.pem")];
    load_malformed_certfile: cfg!["protocol" => "server", "certfile" => pki().arg("garbage.pem")];
    load_missing_keyfile: cfg!["protocol" => "server", "certfile" => pki().arg("server.pem"), "keyfile" => "/nonexistent/key.pem"];
    load_cert_without_key: cfg!["protocol" => "server", "certfile" => pki().arg("server.pem")];
    load_key_not_matching_cert: cfg!["protocol" => "server", "certfile" => pki().arg("server.pem"), "keyfile" => pki().arg("client.key")];
    load_wrong_password: cfg!["protocol" => "server", "certfile" => pki().arg("server.pem"), "keyfile" => pki().arg("server_enc.key"), "password" => "wrong"];
    load_right_password: cfg!["protocol" => "server", "certfile" => pki().arg("server.pem"), "keyfile" => pki().arg("server_enc.key"), "password" => KEY_PASSWORD];
    load_cpython_badcert: cfg!["protocol" => "server", "certfile" => certdata_arg("badcert.pem")];
    load_cpython_badkey: cfg!["protocol" => "server", "certfile" => certdata_arg("ssl_cert.pem"), "keyfile" => certdata_arg("badkey.pem")];
    load_cpython_nullcert: cfg!["protocol" => "server", "certfile" => certdata_arg("nullcert.pem")];
    load_cpython_protected_key: cfg!["protocol" => "server", "certfile" => certdata_arg("keycert.passwd.pem"), "password" => "somepass"];
    load_bad_cipher_string: cfg!["ciphers" => "NOT-A-CIPHER"];
    load_verify_mode_none_with_check_hostname: cfg!["protocol" => "client", "verify_mode" => "none"];
    load_check_hostname_turns_on_verification: cfg!["protocol" => "server", "check_hostname_after" => "1"];
    load_alpn_name_too_long: cfg!["alpn" => "x".repeat(256)];
}
