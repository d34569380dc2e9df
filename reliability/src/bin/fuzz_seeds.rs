//! Writes the seed corpora of the fuzz targets (`../fuzz`):
//!
//!   fuzz-seeds <fuzz/corpus dir>
//!
//! * `handshake_server`: real ClientHellos (TLS 1.3 with SNI and ALPN, TLS
//!   1.2 only, TLS 1.2 with a client certificate) and, after each, the
//!   client's second flight of a real handshake (ClientKeyExchange, the
//!   client's Certificate), recorded with a pair of `SslObject`s;
//! * `handshake_client`: real servers' first flights (TLS 1.3 and 1.2,
//!   RSA and ECDSA, with a certificate request);
//! * `decode_cert`, `cert_text`, `load_certs`: CPython's test certificates
//!   (`tests/data/cpython`) in the shapes each target reads.
//!
//! Every seed starts with the byte each target reads first (see the
//! targets' docs): a chunk size of 0 (all at once) for the handshakes.

use std::path::{Path, PathBuf};

use sslwrap::{MemoryBio, SslContext, SslErrorKind, SslObject, TlsVersion, WrapOptions};

fn certdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/cpython")
        .join(name)
}

fn wrap(ctx: &SslContext, opts: WrapOptions) -> SslObject {
    ctx.wrap_bio(MemoryBio::new(), MemoryBio::new(), opts)
        .expect("wrap_bio")
}

/// Steps `obj` once: `Ok(true)` when its handshake is done.
fn step(obj: &mut SslObject) -> bool {
    match obj.do_handshake() {
        Ok(()) => true,
        Err(e) if e.kind() == SslErrorKind::WantRead => false,
        Err(e) => panic!("seed handshake failed: {e}"),
    }
}

/// The flights of one real handshake: what the client sent (first and
/// second flights) and what the server sent (first flight).
struct Flights {
    client_hello: Vec<u8>,
    client_second: Vec<u8>,
    server_first: Vec<u8>,
}

fn record(cc: &SslContext, sc: &SslContext, host: &str) -> Flights {
    let mut c = wrap(cc, WrapOptions::default().server_hostname(host));
    let mut s = wrap(sc, WrapOptions::default().server_side(true));
    assert!(!step(&mut c));
    let client_hello = c.outgoing().read(None);
    s.incoming().write(&client_hello).unwrap();
    let _ = step(&mut s);
    let server_first = s.outgoing().read(None);
    c.incoming().write(&server_first).unwrap();
    let _ = step(&mut c); // TLS 1.3: done; TLS 1.2: waits for the Finished
    let client_second = c.outgoing().read(None);
    s.incoming().write(&client_second).unwrap();
    // TLS 1.2: the server's Finished; TLS 1.3: nothing more needed.
    let _ = step(&mut s);
    Flights {
        client_hello,
        client_second,
        server_first,
    }
}

fn client(max: Option<TlsVersion>, alpn: bool, cert: bool) -> SslContext {
    let mut c = SslContext::new(sslwrap::PROTOCOL_TLS_CLIENT).unwrap();
    c.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
    if let Some(v) = max {
        c.set_maximum_version(v).unwrap();
    }
    if alpn {
        c.set_alpn_protocols(&["h2", "http/1.1"]).unwrap();
    }
    if cert {
        c.load_cert_chain(&certdata("keycert4.pem"), None, None)
            .unwrap();
    }
    c
}

fn server(certfile: &str, ask_cert: bool) -> SslContext {
    let mut s = SslContext::new(sslwrap::PROTOCOL_TLS_SERVER).unwrap();
    s.load_cert_chain(&certdata(certfile), None, None).unwrap();
    s.set_alpn_protocols(&["h2", "http/1.1"]).unwrap();
    if ask_cert {
        s.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
            .unwrap();
        s.set_verify_mode(sslwrap::CERT_OPTIONAL).unwrap();
    }
    s
}

fn write(dir: &Path, name: &str, first: &[u8], body: &[u8]) {
    std::fs::create_dir_all(dir).unwrap();
    let mut bytes = first.to_vec();
    bytes.extend_from_slice(body);
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// The PEM blocks of a file, each with its armour.
fn pem_blocks(text: &str, label: &str) -> Vec<String> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(&begin) {
        let Some(j) = rest[i..].find(&end) else { break };
        out.push(format!("{}\n", &rest[i..i + j + end.len()]));
        rest = &rest[i + j + end.len()..];
    }
    out
}

fn main() {
    let out = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz/corpus"));

    // --- handshakes -----------------------------------------------------
    let cases = [
        (
            "tls13_rsa",
            client(None, true, false),
            server("keycert3.pem", false),
            "localhost",
        ),
        (
            "tls12_rsa",
            client(Some(TlsVersion::TLSv1_2), true, false),
            server("keycert3.pem", false),
            "localhost",
        ),
        (
            "tls13_ecdsa",
            client(None, false, false),
            server("keycertecc.pem", false),
            "localhost-ecc",
        ),
        (
            "tls12_ecdsa",
            client(Some(TlsVersion::TLSv1_2), false, false),
            server("keycertecc.pem", false),
            "localhost-ecc",
        ),
        (
            "tls12_client_cert",
            client(Some(TlsVersion::TLSv1_2), false, true),
            server("keycert3.pem", true),
            "localhost",
        ),
        (
            "tls13_client_cert",
            client(None, false, true),
            server("keycert3.pem", true),
            "localhost",
        ),
    ];
    let (srv_dir, cli_dir) = (out.join("handshake_server"), out.join("handshake_client"));
    for (name, cc, sc, host) in &cases {
        let f = record(cc, sc, host);
        write(&srv_dir, &format!("{name}_hello"), &[0], &f.client_hello);
        let mut both = f.client_hello.clone();
        both.extend_from_slice(&f.client_second);
        write(&srv_dir, &format!("{name}_hello_and_second"), &[0], &both);
        // One record at a time, 5-byte pieces: split records.
        write(
            &srv_dir,
            &format!("{name}_hello_split"),
            &[5],
            &f.client_hello,
        );
        write(
            &cli_dir,
            &format!("{name}_server_first"),
            &[0],
            &f.server_first,
        );
        write(
            &cli_dir,
            &format!("{name}_server_first_split"),
            &[7],
            &f.server_first,
        );
    }
    // A fatal alert and an HTTP request, two things real peers send.
    write(
        &srv_dir,
        "alert",
        &[0],
        &[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28],
    );
    write(
        &cli_dir,
        "alert",
        &[0],
        &[0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28],
    );
    write(
        &srv_dir,
        "http",
        &[0],
        b"GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
    );

    // --- certificates ---------------------------------------------------
    let (dec, text, load) = (
        out.join("decode_cert"),
        out.join("cert_text"),
        out.join("load_certs"),
    );
    let mut files: Vec<PathBuf> = std::fs::read_dir(certdata(""))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pem"))
        .collect();
    files.sort();
    for path in &files {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(path).unwrap();
        let pem = String::from_utf8_lossy(&bytes).into_owned();
        write(&dec, &format!("{name}.raw"), &[0], &bytes);
        write(&text, &name, &[], &bytes);
        write(&load, &format!("{name}.cadata_pem"), &[0], &bytes);
        write(&load, &format!("{name}.cafile"), &[2], &bytes);
        write(&load, &format!("{name}.chain"), &[3], &bytes);
        write(&load, &format!("{name}.chain_pw"), &[4], &bytes);
        for (i, block) in pem_blocks(&pem, "CERTIFICATE").iter().enumerate() {
            let Ok(der) = sslwrap::pem_cert_to_der_cert(block) else {
                continue;
            };
            write(&dec, &format!("{name}.{i}.der"), &[1], &der);
            write(&text, &format!("{name}.{i}.der"), &[], &der);
            write(&load, &format!("{name}.{i}.cadata_der"), &[1], &der);
        }
        // The dates as Python's getpeercert shows them.
        if let Ok(cert) = sslwrap::decode_cert(path) {
            write(
                &text,
                &format!("{name}.not_before"),
                &[],
                cert.not_before.as_bytes(),
            );
            write(
                &text,
                &format!("{name}.not_after"),
                &[],
                cert.not_after.as_bytes(),
            );
        }
        // A certificate file and a key file (the split mode).
        let keys = pem_blocks(&pem, "PRIVATE KEY");
        let certs = pem_blocks(&pem, "CERTIFICATE");
        if let (Some(cert), Some(key)) = (certs.first(), keys.first()) {
            let len = u16::try_from(cert.len()).unwrap().to_be_bytes();
            let mut body = len.to_vec();
            body.extend_from_slice(cert.as_bytes());
            body.extend_from_slice(key.as_bytes());
            write(&load, &format!("{name}.split"), &[5], &body);
        }
    }
    println!("seeds written under {}", out.display());
}
