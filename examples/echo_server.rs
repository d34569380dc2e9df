//! The Python Cookbook's TLS echo server (recipe 11.10), ported.
//!
//! ```text
//! cargo run --example echo_server -- [--port N] [--certfile F --keyfile F]
//!                                    [--cafile F --require-client-cert] [--max-version 1.2|1.3]
//! ```
//!
//! Without `--certfile` it makes a throw-away CA and server certificate and
//! says where they are (point `echo_client --cafile` at the CA). It prints
//! `listening on 127.0.0.1:PORT`, then one line per connection, and keeps
//! serving when a client fails its handshake, like the recipe's `try/except`.
//!
//! The Python original:
//!
//! ```python
//! s = socket(AF_INET, SOCK_STREAM); s.bind(address); s.listen(1)
//! s_ssl = ssl.wrap_socket(s, keyfile=KEYFILE, certfile=CERTFILE, server_side=True)
//! #   mutual auth: ..., cert_reqs=ssl.CERT_REQUIRED, ca_certs=CAFILE)
//! while True:
//!     try:
//!         c, a = s_ssl.accept()
//!         print('Got connection', c, a)
//!         echo_client(c)
//!     except Exception as e:
//!         print('{}: {}'.format(e.__class__.__name__, e))
//! ```

#[path = "support/mod.rs"]
mod support;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::time::Duration;

use sslwrap::{SslContext, SslSocket, TlsVersion, CERT_REQUIRED, PROTOCOL_TLS_SERVER};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let flags = support::Flags::parse();
    let (certfile, keyfile) = match (flags.get("certfile"), flags.get("keyfile")) {
        (Some(c), k) => (PathBuf::from(c), k.map(PathBuf::from)),
        (None, _) => {
            let pki = support::ThrowawayPki::create(&support::temp_dir("echo-server"))?;
            println!("throw-away CA: {}", pki.ca.display());
            println!(
                "throw-away client cert: {} key: {}",
                pki.client_cert.display(),
                pki.client_key.display()
            );
            (pki.server_cert, Some(pki.server_key))
        }
    };

    // ssl.wrap_socket(s, keyfile=..., certfile=..., server_side=True [, cert_reqs, ca_certs])
    let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER)?;
    ctx.load_cert_chain(&certfile, keyfile.as_deref(), None)?;
    if let Some(ca) = flags.get("cafile") {
        ctx.load_verify_locations(Some(ca.as_ref()), None, None)?;
    }
    if flags.has("require-client-cert") {
        ctx.set_verify_mode(CERT_REQUIRED)?;
    }
    match flags.get("max-version") {
        Some("1.2") => ctx.set_maximum_version(TlsVersion::TLSv1_2)?,
        Some("1.3") | None => {}
        Some(v) => return Err(format!("--max-version: expected 1.2 or 1.3, got {v}").into()),
    }

    let port = flags.get("port").unwrap_or("0");
    let listener = ctx.wrap_listener(TcpListener::bind(format!("127.0.0.1:{port}"))?);
    let mut listener = listener;
    // A client that connects and says nothing must not stall the server.
    listener.set_handshake_timeout(Some(Duration::from_secs(10)));
    println!("listening on {}", listener.local_addr()?);

    loop {
        match listener.accept() {
            Ok((conn, addr)) => {
                let peer = conn.getpeercert().ok().flatten().and_then(|c| {
                    c.subject
                        .iter()
                        .flatten()
                        .find(|(k, _)| k == "commonName")
                        .map(|(_, v)| v.clone())
                });
                println!(
                    "Got connection from {addr}: {} {} client={}",
                    conn.version().unwrap_or_default(),
                    conn.cipher().map(|c| c.0).unwrap_or_default(),
                    peer.as_deref().unwrap_or("-"),
                );
                match echo_client(conn) {
                    Ok(()) => println!("Connection closed"),
                    Err(e) => println!("{}: {e}", e.python_class()),
                }
            }
            // print('{}: {}'.format(e.__class__.__name__, e)) -- and keep serving
            Err(e) => println!("{}: {e}", e.python_class()),
        }
    }
}

/// The recipe's `echo_client(s)`: echo until the client closes.
fn echo_client(mut s: SslSocket<std::net::TcpStream>) -> Result<(), sslwrap::SslError> {
    s.settimeout(Some(Duration::from_secs(30)))?;
    let mut buf = [0u8; 8192];
    loop {
        // data = s.recv(8192); if data == b'': break; s.send(data)
        let n = s.read(&mut buf)?;
        if n == 0 {
            return Ok(());
        }
        s.write_all(&buf[..n])?;
    }
}
