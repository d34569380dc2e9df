//! Python's `ssl` as the oracle, situation by situation.
//!
//! Each row of the tables below is one situation: a server config and a
//! client config (see `common::PeerConfig`). The row runs
//!
//! 1. Python server ↔ Python client: the oracle, what each side sees;
//! 2. Rust client ↔ Python server;
//! 3. Python client ↔ Rust server;
//!
//! and requires that the Rust side sees exactly what Python saw on that
//! side (error class, library, reason, verify code and message, `str()`,
//! errno; or version, cipher, ALPN, `repr(getpeercert())`, the DER
//! certificate and what the action after the handshake read), and that the
//! Python peer sees the Rust side as it sees Python. A raw (non-TLS) peer, or
//! one that resets the connection, is played by Python only. Each row also
//! names a fragment its oracle outcome must contain, so a row cannot silently
//! test something else than its name says (say, a PKI file that stopped
//! expiring).
//!
//! Rows are written so that their outcome does not depend on timing: where
//! TCP would race (a write meeting the peer's reset, a close with unread
//! TLS 1.3 session tickets turning FIN into RST), the row reads instead of
//! writing or pins TLS 1.2, and says why. `oracle_is_deterministic` checks
//! the premise.
//!
//! The `loads!` rows compare context construction alone (bad files,
//! passwords, setter order): Python's exception against Rust's `SslError`.
//!
//! Needs CPython 3.11 as `python3` on PATH, on the OpenSSL sslwrap links
//! (checked; the tests fail, never skip, without it).

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{
    certdata, pki, run_pair, rust_load, Outcome, Pair, PeerConfig, PyPeer, Side, KEY_PASSWORD,
};

/// Runs one situation in the three pairings and compares (see the module
/// docs). All differences are reported together.
fn situation(name: &str, server: PeerConfig, client: PeerConfig, expect: &str) {
    let oracle = run_pair(&server, Side::Python, &client, Side::Python);
    // Shown for failing rows, or for all with `-- --nocapture`.
    println!("{name}: Python↔Python oracle: {oracle:#?}");
    let shown = format!("{oracle:?}");
    assert!(
        shown.contains(expect),
        "{name}: the Python↔Python oracle does not show {expect:?}; the row tests something \
         else than it says:\n{oracle:#?}"
    );
    let mut diffs = Vec::new();
    if !client.python_only() {
        let got = run_pair(&server, Side::Python, &client, Side::Rust);
        check(
            &mut diffs,
            "Rust client (vs Python client)",
            &oracle.client,
            &got.client,
        );
        check(
            &mut diffs,
            "Python server facing the Rust client",
            &oracle.server,
            &got.server,
        );
    }
    if !server.python_only() {
        let got = run_pair(&server, Side::Rust, &client, Side::Python);
        check(
            &mut diffs,
            "Rust server (vs Python server)",
            &oracle.server,
            &got.server,
        );
        check(
            &mut diffs,
            "Python client facing the Rust server",
            &oracle.client,
            &got.client,
        );
    }
    assert!(
        diffs.is_empty(),
        "{name}: {} difference(s) from Python\n\n{}",
        diffs.len(),
        diffs.join("\n\n")
    );
}

fn check(diffs: &mut Vec<String>, what: &str, want: &Outcome, got: &Outcome) {
    if want != got {
        diffs.push(format!("{what}:\n  Python: {want:#?}\n  Rust:   {got:#?}"));
    }
}

/// A file of the generated PKI.
fn p(name: &str) -> PathBuf {
    pki().path(name)
}

/// A `PROTOCOL_TLS_SERVER` with `<cert>.pem` and `<cert>.key` from the PKI.
fn server(cert: &str) -> PeerConfig {
    PeerConfig::server().cert_and_key(p(&format!("{cert}.pem")), p(&format!("{cert}.key")))
}

/// [`server`] requiring a client certificate from the PKI's CA.
fn mutual(cert: &str) -> PeerConfig {
    server(cert)
        .verify_mode("CERT_REQUIRED")
        .cafile(p("ca.pem"))
}

/// A `PROTOCOL_TLS_CLIENT` trusting the PKI's CA, for `localhost`.
fn client() -> PeerConfig {
    PeerConfig::client()
        .cafile(p("ca.pem"))
        .server_hostname("localhost")
}

/// [`client`] presenting `<cert>.pem`/`.key` from the PKI.
fn client_with(cert: &str) -> PeerConfig {
    client().cert_and_key(p(&format!("{cert}.pem")), p(&format!("{cert}.key")))
}

/// A server with one of CPython's combined cert+key files.
fn cpython_server(file: &str) -> PeerConfig {
    PeerConfig::server().certfile(certdata(file))
}

/// A client trusting CPython's test CA, for `host`.
fn cpython_client(host: &str) -> PeerConfig {
    PeerConfig::client()
        .cafile(certdata("pycacert.pem"))
        .server_hostname(host)
}

macro_rules! situations {
    ($($(#[$meta:meta])* $name:ident: $server:expr, $client:expr, expect $expect:expr;)*) => {
        $(
            $(#[$meta])*
            #[test]
            fn $name() {
                situation(stringify!($name), $server, $client, $expect);
            }
        )*
    };
}

situations! {
    // --- Working handshakes -------------------------------------------------
    happy_one_way_tls13: server("server"), client(), expect "TLSv1.3";
    happy_one_way_tls12: server("server"), client().max_version("TLSv1_2"), expect "ECDHE-ECDSA-AES256-GCM-SHA384";
    happy_mutual_tls13: mutual("server"), client_with("client"), expect "client";
    happy_mutual_tls12: mutual("server"), client_with("client").max_version("TLSv1_2"), expect "TLSv1.2";
    ca_from_capath: server("server"), PeerConfig::client().capath(p("capath")).server_hostname("localhost"), expect "TLSv1.3";
    ca_from_cadata_pem: server("server"), PeerConfig::client().cadata_pem(p("ca.pem")).server_hostname("localhost"), expect "TLSv1.3";
    ca_from_cadata_der: server("server"), PeerConfig::client().cadata_der(p("ca.der")).server_hostname("localhost"), expect "TLSv1.3";
    cert_none_accepts_self_signed: server("selfsigned"), PeerConfig::client().check_hostname(false).verify_mode("CERT_NONE"), expect "peercert: \"{}\"";
    cert_optional_without_client_cert: server("server").verify_mode("CERT_OPTIONAL").cafile(p("ca.pem")), client(), expect "peercert: \"None\"";
    cert_optional_with_client_cert: server("server").verify_mode("CERT_OPTIONAL").cafile(p("ca.pem")), client_with("client"), expect "'client'";
    cert_optional_with_untrusted_client_cert: server("server").verify_mode("CERT_OPTIONAL").cafile(p("ca.pem")), client_with("client2").action("read_to_eof"), expect "unable to get local issuer certificate";
    protocol_tls_on_both_sides: server("server").protocol("PROTOCOL_TLS"), PeerConfig::client().protocol("PROTOCOL_TLS"), expect "TLSv1.3";
    hostname_is_case_insensitive: server("server"), client().server_hostname("LocalHost"), expect "TLSv1.3";
    chain_with_intermediate: PeerConfig::server().cert_and_key(p("chained.pem"), p("chained.key")), client(), expect "sslwrap intermediate CA";
    leaf_as_trust_anchor_partial_chain: server("server"), PeerConfig::client().cafile(p("server.pem")).verify_flag("VERIFY_X509_PARTIAL_CHAIN").server_hostname("localhost"), expect "TLSv1.3";
    hostname_check_off_wrong_host: server("wronghost"), client().check_hostname(false), expect "wrong.example";

    // --- The server's certificate does not verify ---------------------------
    expired_server_cert: server("expired"), client(), expect "certificate has expired";
    not_yet_valid_server_cert: server("future"), client(), expect "certificate is not yet valid";
    self_signed_server_cert: server("selfsigned"), client(), expect "self-signed certificate";
    chain_missing_intermediate: PeerConfig::server().cert_and_key(p("chained_leaf.pem"), p("chained.key")), client(), expect "unable to get local issuer certificate";
    leaf_as_trust_anchor: server("server"), PeerConfig::client().cafile(p("server.pem")).server_hostname("localhost"), expect "CERTIFICATE_VERIFY_FAILED";
    untrusted_server_ca: server("server"), PeerConfig::client().cafile(p("ca2.pem")).server_hostname("localhost"), expect "unable to get local issuer certificate";
    wrong_host_server_cert: server("wronghost"), client(), expect "Hostname mismatch, certificate is not valid for 'localhost'.";
    cn_only_server_cert: server("cnonly"), client(), expect "TLSv1.3";
    wildcard_matches_one_label: server("wildcard"), client().server_hostname("www.sslwrap.test"), expect "TLSv1.3";
    wildcard_does_not_match_two_labels: server("wildcard"), client().server_hostname("a.b.sslwrap.test"), expect "Hostname mismatch";
    wildcard_does_not_match_bare_domain: server("wildcard"), client().server_hostname("sslwrap.test"), expect "Hostname mismatch";
    ip_san_matches_ip: server("iponly"), client().server_hostname("127.0.0.1"), expect "IP Address";
    ip_not_in_cert: server("wronghost"), client().server_hostname("127.0.0.1"), expect "IP address mismatch";
    ip_only_cert_by_name: server("iponly"), client(), expect "Hostname mismatch";

    // --- Client-side misuse -------------------------------------------------
    client_without_server_hostname: server("server"), PeerConfig::client().cafile(p("ca.pem")), expect "check_hostname requires server_hostname";
    hostname_empty: server("server"), client().server_hostname(""), expect "check_hostname requires server_hostname";
    hostname_leading_dot: server("server"), client().server_hostname(".localhost"), expect "UnicodeError";
    hostname_trailing_dot: server("server"), client().server_hostname("localhost."), expect "not valid for 'localhost.'";
    hostname_non_ascii: server("server"), client().server_hostname("k\u{f6}nig.example"), expect "xn--knig-5qa.example";
    client_with_server_context: server("server"), PeerConfig::client().protocol("PROTOCOL_TLS_SERVER"), expect "Cannot create a client socket with a PROTOCOL_TLS_SERVER context";

    // --- Client certificates ------------------------------------------------
    // TLS 1.3: the client's handshake ends before the server judges its
    // certificate; the client only reads afterwards, because a write would
    // race with the server's reset (Python itself then reports either).
    missing_client_cert_tls13: mutual("server"), client().action("read_to_eof"), expect "PEER_DID_NOT_RETURN_A_CERTIFICATE";
    missing_client_cert_tls12: mutual("server"), client().max_version("TLSv1_2"), expect "PEER_DID_NOT_RETURN_A_CERTIFICATE";
    untrusted_client_cert_tls13: mutual("server"), client_with("client2").action("read_to_eof"), expect "unable to get local issuer certificate";
    untrusted_client_cert_tls12: mutual("server"), client_with("client2").max_version("TLSv1_2"), expect "unable to get local issuer certificate";

    // --- Negotiation: versions, ciphers, ALPN -------------------------------
    version_mismatch_client_max_12: server("server").min_version("TLSv1_3"), client().max_version("TLSv1_2"), expect "UNSUPPORTED_PROTOCOL";
    version_mismatch_client_min_13: server("server").max_version("TLSv1_2"), client().min_version("TLSv1_3"), expect "UNSUPPORTED_PROTOCOL";
    cipher_mismatch_tls12: server("server").max_version("TLSv1_2").ciphers("ECDHE-ECDSA-AES128-GCM-SHA256"), client().max_version("TLSv1_2").ciphers("ECDHE-ECDSA-AES256-GCM-SHA384"), expect "NO_SHARED_CIPHER";
    client_only_tls11: server("server"), client().min_version("TLSv1").max_version("TLSv1_1"), expect "NO_CIPHERS_AVAILABLE";
    option_no_tlsv1_3: server("server"), client().option("OP_NO_TLSv1_3"), expect "TLSv1.2";
    cipher_chosen_tls12: server("server"), client().max_version("TLSv1_2").ciphers("ECDHE-ECDSA-CHACHA20-POLY1305"), expect "ECDHE-ECDSA-CHACHA20-POLY1305";
    alpn_overlap: server("server").alpn(&["h2", "http/1.1"]), client().alpn(&["http/1.1", "h2"]), expect "alpn: Some(";
    alpn_no_overlap: server("server").alpn(&["h2"]), client().alpn(&["spdy/1"]), expect "alpn: None";
    alpn_client_only: server("server"), client().alpn(&["h2"]), expect "alpn: None";
    alpn_server_only: server("server").alpn(&["h2"]), client(), expect "alpn: None";

    // --- Revocation ---------------------------------------------------------
    crl_revoked_leaf: server("revoked"), PeerConfig::client().cafile(p("ca_with_crl.pem")).verify_flag("VERIFY_CRL_CHECK_LEAF").server_hostname("localhost"), expect "certificate revoked";
    crl_revoked_leaf_flag_off: server("revoked"), PeerConfig::client().cafile(p("ca_with_crl.pem")).server_hostname("localhost"), expect "TLSv1.3";
    crl_good_leaf: server("server"), PeerConfig::client().cafile(p("ca_with_crl.pem")).verify_flag("VERIFY_CRL_CHECK_LEAF").server_hostname("localhost"), expect "TLSv1.3";
    crl_check_without_crl: server("server"), client().verify_flag("VERIFY_CRL_CHECK_LEAF"), expect "unable to get certificate CRL";

    // --- Misbehaving peers (played by Python's raw sockets) -----------------
    server_closes_after_client_hello: PeerConfig::server().raw("close_after_hello"), client(), expect "EOF";
    server_closes_after_client_hello_tls12: PeerConfig::server().raw("close_after_hello"), client().max_version("TLSv1_2"), expect "EOF";
    server_resets_after_client_hello: PeerConfig::server().raw("reset_after_hello"), client(), expect "ConnectionResetError";
    server_silent_after_client_hello: PeerConfig::server().raw("silent_after_hello"), client().timeout(Duration::from_millis(500)), expect "The handshake operation timed out";
    server_answers_http: PeerConfig::server().raw("garbage_after_hello").garbage(b"HTTP/1.1 400 Bad Request\r\n\r\n"), client(), expect "WRONG_VERSION_NUMBER";
    server_answers_fatal_alert: PeerConfig::server().raw("garbage_after_hello").garbage(&[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]), client(), expect "HANDSHAKE_FAILURE";
    server_answers_truncated_handshake: PeerConfig::server().raw("garbage_after_hello").garbage(&[0x16, 0x03, 0x03, 0x00, 0x02, 0xff, 0xff]), client(), expect "UNEXPECTED_EOF_WHILE_READING";
    client_closes_without_handshake: server("server"), PeerConfig::client().raw("close"), expect "EOF";
    client_sends_http_request: server("server"), PeerConfig::client().raw("garbage").garbage(b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"), expect "HTTP_REQUEST";
    client_sends_alert: server("server"), PeerConfig::client().raw("garbage").garbage(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x28]), expect "HandshakeFailed";

    // --- End of stream after the handshake ----------------------------------
    ragged_eof_suppressed_tls13: server("server").action("send_and_close"), client().action("read_to_eof"), expect "data: \"bye\"";
    ragged_eof_not_suppressed_tls13: server("server").action("send_and_close"), client().action("read_to_eof").suppress_ragged_eofs(false), expect "SSLEOFError";
    ragged_eof_suppressed_tls12: server("server").action("send_and_close"), client().action("read_to_eof").max_version("TLSv1_2"), expect "data: \"bye\"";
    ragged_eof_not_suppressed_tls12: server("server").action("send_and_close"), client().action("read_to_eof").max_version("TLSv1_2").suppress_ragged_eofs(false), expect "SSLEOFError";
    // TLS 1.2 here: with TLS 1.3 the client would close with the server's
    // session tickets unread, a TCP reset racing with its FIN.
    ragged_eof_seen_by_server: server("server").action("read_to_eof").suppress_ragged_eofs(false), client().action("send_and_close").max_version("TLSv1_2"), expect "UNEXPECTED_EOF_WHILE_READING";
    // A TCP reset after data: Python 3.11 reads it as a ragged EOF
    // (`SSL_read_ex` returns 0, so `PySSL_SetError` takes its EOF branch).
    reset_after_data_suppressed: server("server").action("echo_then_reset"), client().action("echo_then_read_to_eof"), expect "data: \"ping\", error: None";
    reset_after_data_not_suppressed: server("server").action("echo_then_reset"), client().action("echo_then_read_to_eof").suppress_ragged_eofs(false), expect "SSLEOFError";
    reset_seen_by_server_suppressed: server("server").action("echo_then_read_to_eof"), client().action("echo_then_reset"), expect "data: \"ping\", error: None";
    reset_seen_by_server_not_suppressed: server("server").action("echo_then_read_to_eof").suppress_ragged_eofs(false), client().action("echo_then_reset"), expect "SSLEOFError";
    reset_after_data_not_suppressed_tls12: server("server").action("echo_then_reset"), client().action("echo_then_read_to_eof").max_version("TLSv1_2").suppress_ragged_eofs(false), expect "SSLEOFError";
    read_timeout: server("server").action("read_to_eof"), client().action("read_to_eof").timeout(Duration::from_millis(500)), expect "The read operation timed out";
    ragged_eof_with_op_ignore_unexpected_eof: server("server").action("send_and_close"), client().action("read_to_eof").suppress_ragged_eofs(false).option("OP_IGNORE_UNEXPECTED_EOF"), expect "data: \"bye\", error: None";
    close_notify_then_eof: server("server").action("send_and_unwrap"), client().action("read_to_eof").suppress_ragged_eofs(false), expect "data: \"bye\"";

    // --- CPython's own test certificates ------------------------------------
    cpython_signed_cert_tls13: cpython_server("keycert3.pem"), cpython_client("localhost"), expect "our-ca-server";
    cpython_signed_cert_tls12: cpython_server("keycert3.pem"), cpython_client("localhost").max_version("TLSv1_2"), expect "ECDHE-RSA-AES256-GCM-SHA384";
    cpython_fakehostname: cpython_server("keycert4.pem"), cpython_client("localhost"), expect "Hostname mismatch";
    cpython_allsans: cpython_server("allsans.pem"), cpython_client("allsans"), expect "Registered ID";
    cpython_nosan: cpython_server("nosan.pem"), cpython_client("nosan"), expect "'commonName', 'nosan'";
    cpython_ecc: cpython_server("keycertecc.pem"), cpython_client("localhost-ecc").max_version("TLSv1_2"), expect "ECDHE-ECDSA";
    cpython_capath: cpython_server("keycert3.pem"), PeerConfig::client().capath(certdata("capath")).server_hostname("localhost"), expect "TLSv1.3";
    cpython_self_signed_as_cafile: cpython_server("keycert.pem"), PeerConfig::client().cafile(certdata("keycert.pem")).server_hostname("localhost"), expect "TLSv1.3";
    cpython_protected_key: cpython_server("keycert.passwd.pem").password("somepass"), PeerConfig::client().cafile(certdata("keycert.pem")).server_hostname("localhost"), expect "Castle Anthrax";
    cpython_strict_flag: cpython_server("keycert3.pem"), cpython_client("localhost").verify_flag("VERIFY_X509_STRICT"), expect "Basic Constraints of CA cert not marked critical";
    cpython_mutual: cpython_server("keycert3.pem").verify_mode("CERT_REQUIRED").cafile(certdata("pycacert.pem")), cpython_client("localhost").certfile(certdata("keycert4.pem")), expect "fakehostname";
}

/// Context construction alone: what Python's `SSLContext` calls raise
/// against what `rust_context` returns.
fn load(name: &str, cfg: PeerConfig, expect: &str) {
    let want = PyPeer::load(&cfg);
    let shown = format!("{want:?}");
    assert!(
        shown.contains(expect),
        "{name}: Python's outcome does not show {expect:?}: {want:#?}"
    );
    let got = rust_load(&cfg);
    assert_eq!(got, want, "{name}: Rust (left) differs from Python (right)");
}

macro_rules! loads {
    ($($(#[$meta:meta])* $name:ident: $cfg:expr, expect $expect:expr;)*) => {
        $(
            $(#[$meta])*
            #[test]
            fn $name() {
                load(stringify!($name), $cfg, $expect);
            }
        )*
    };
}

fn srv() -> PeerConfig {
    PeerConfig::server()
}

fn cli() -> PeerConfig {
    PeerConfig::client()
}

loads! {
    load_missing_cafile: cli().cafile("/nonexistent/ca.pem"), expect "FileNotFoundError";
    load_empty_cafile: cli().cafile(p("empty.pem")), expect "LoadFailed";
    load_malformed_cafile: cli().cafile(p("garbage.pem")), expect "LoadFailed";
    load_cafile_is_a_directory: cli().cafile(p("capath")), expect "LoadFailed";
    load_missing_capath_is_accepted: cli().capath("/nonexistent/dir"), expect "Loaded";
    load_cafile_with_crl: cli().cafile(p("ca_with_crl.pem")), expect "Loaded";
    load_cadata_pem_malformed: cli().cadata_pem(p("garbage.pem")), expect "LoadFailed";
    load_cadata_pem_empty: cli().cadata_pem(p("empty.pem")), expect "LoadFailed";
    load_cadata_der_not_der: cli().cadata_der(p("ca.pem")), expect "LoadFailed";
    load_missing_certfile: srv().certfile("/nonexistent/cert.pem"), expect "FileNotFoundError";
    load_empty_certfile: srv().certfile(certdata("nullcert.pem")), expect "LoadFailed";
    load_malformed_certfile: srv().certfile(p("garbage.pem")), expect "LoadFailed";
    load_cpython_badcert: srv().certfile(certdata("badcert.pem")), expect "LoadFailed";
    load_cpython_badkey: srv().cert_and_key(certdata("ssl_cert.pem"), certdata("badkey.pem")), expect "LoadFailed";
    load_missing_keyfile: srv().cert_and_key(p("server.pem"), "/nonexistent/key.pem"), expect "FileNotFoundError";
    load_cert_without_key: srv().certfile(p("server.pem")), expect "LoadFailed";
    load_key_not_matching_cert: srv().cert_and_key(p("server.pem"), p("client.key")), expect "KEY_VALUES_MISMATCH";
    load_wrong_password: srv().cert_and_key(p("server.pem"), p("server_enc.key")).password("wrong"), expect "LoadFailed";
    load_right_password: srv().cert_and_key(p("server.pem"), p("server_enc.key")).password(KEY_PASSWORD), expect "Loaded";
    load_cpython_wrong_password: srv().certfile(certdata("keycert.passwd.pem")).password("badpass"), expect "LoadFailed";
    load_cpython_right_password: srv().certfile(certdata("keycert.passwd.pem")).password("somepass"), expect "Loaded";
    load_unknown_cipher: cli().ciphers("NOT-A-CIPHER"), expect "No cipher can be selected.";
    load_cert_none_while_check_hostname: cli().verify_mode("CERT_NONE"), expect "ValueError";
    load_check_hostname_after_cert_none: srv().check_hostname_last(true), expect "Loaded";
    load_alpn_protocol_too_long: cli().alpn(&[&"x".repeat(256)]), expect "ALPN protocols must be 1 to 255 in length";
    load_alpn_protocol_empty: cli().alpn(&[""]), expect "ALPN protocols must be 1 to 255 in length";
}

/// The oracle itself must be stable, or the comparisons above mean nothing:
/// one error situation and one success, twice each, give the same outcomes.
#[test]
fn oracle_is_deterministic() {
    let rows = [
        (server("expired"), client()),
        (mutual("server"), client_with("client")),
    ];
    for (server, client) in rows {
        let first: Pair = run_pair(&server, Side::Python, &client, Side::Python);
        let second = run_pair(&server, Side::Python, &client, Side::Python);
        assert_eq!(first, second);
    }
}

/// The harness's JSON reader reads what Python's `json.dumps` writes
/// (ASCII-only, `\uXXXX` escapes with surrogate pairs) and what ours writes.
#[test]
fn harness_json_round_trip() {
    use common::json::Json;
    let tricky = "quote \" backslash \\ tab \t newline \n é 😀 \u{1}";
    let ours = Json::Obj(vec![("k".into(), Json::Str(tricky.into()))]).dump();
    assert_eq!(
        Json::parse(&ours),
        Ok(Json::Obj(vec![("k".into(), Json::Str(tricky.into()))]))
    );
    let python = r#"{"k": "quote \" backslash \\ tab \t newline \n \u00e9 \ud83d\ude00 \u0001", "n": -3, "a": [null, true, false]}"#;
    let parsed = Json::parse(python).expect("parse Python's JSON");
    assert_eq!(parsed.str_at("k").as_deref(), Some(tricky));
    assert_eq!(parsed.int_at("n"), Some(-3));
    assert_eq!(
        parsed.get("a"),
        Some(&Json::Arr(vec![
            Json::Null,
            Json::Bool(true),
            Json::Bool(false)
        ]))
    );
}

/// The loopback `Server` of the harness serves a Rust client.
#[test]
fn harness_loopback_server_echoes() {
    let server = common::Server::builder().build();
    let mut ctx = sslwrap::SslContext::new(sslwrap::PROTOCOL_TLS_CLIENT).expect("context");
    ctx.load_verify_locations(Some(&p("ca.pem")), None, None)
        .expect("load ca.pem");
    let tcp =
        std::net::TcpStream::connect_timeout(&server.addr(), common::IO_TIMEOUT).expect("connect");
    tcp.set_read_timeout(Some(common::IO_TIMEOUT))
        .expect("timeout");
    let opts = sslwrap::WrapOptions::default().server_hostname("localhost");
    let mut s = ctx.wrap_socket(tcp, opts).expect("handshake");
    s.sendall(b"ping").expect("send");
    assert_eq!(s.recv(1024).expect("recv"), b"ping");
    server.join().expect("the server side");
}
