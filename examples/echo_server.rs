//! The Python Cookbook's TLS echo server (recipe 11.10), ported.
//!
//! ```text
//! cargo run --example echo_server -- [--port N] [--certfile F [--keyfile F] | --keep-certs]
//!                                    [--cafile F --require-client-cert] [--max-version 1.2|1.3]
//! ```
//!
//! Without `--certfile` it makes a throw-away CA, server and client
//! certificate in `$TMPDIR/sslwrap-echo-server-PID` and says where they are
//! (point `echo_client --cafile` at the CA); the folder is removed when the
//! server stops, Ctrl-C and SIGTERM included, unless `--keep-certs`. It
//! prints `listening on 127.0.0.1:PORT`, then one line per connection, and
//! serves until interrupted, also when a client fails its handshake, like
//! the recipe's `try/except`. `--help` lists the options; a bad command line
//! exits 2.
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
use support::Arg::Long;
use support::{Opt, ThrowawayDir};

static CLI: support::Cli = support::Cli {
    name: "echo_server",
    usage: "[--port N] [--certfile F [--keyfile F] | --keep-certs]\n\
            [--cafile F --require-client-cert] [--max-version 1.2|1.3]",
    about: "Echoes each line back over TLS on 127.0.0.1, one connection at a time, until\n\
            interrupted; a client that fails its handshake is reported and the server goes\n\
            on. Without --certfile it makes throw-away certificates and says where they are.",
    ports: "the Python Cookbook's TLS echo server (recipe 11.10)",
    python: &[
        "s_ssl = ssl.wrap_socket(s, keyfile=KEYFILE, certfile=CERTFILE, server_side=True)",
        "#   mutual auth: ..., cert_reqs=ssl.CERT_REQUIRED, ca_certs=CAFILE)",
        "while True:",
        "    try:",
        "        c, a = s_ssl.accept(); echo_client(c)",
        "    except Exception as e:",
        "        print('{}: {}'.format(e.__class__.__name__, e))",
    ],
    options: &[
        Opt::new("--port N", "the port to listen on, 0 for any free one").default("0"),
        Opt::new("--certfile F", "the server certificate chain, PEM").default("throw-away"),
        Opt::new("--keyfile F", "its private key").default("in --certfile"),
        Opt::new("--keep-certs", "keep the throw-away certificates at exit").default("removed"),
        Opt::new("--cafile F", "the CA that verifies client certificates").default("none"),
        Opt::new("--require-client-cert", "mutual TLS: CERT_REQUIRED").default("CERT_NONE"),
        Opt::new("--max-version V", "the highest TLS version, 1.2 or 1.3").default("1.3"),
    ],
};

/// The command line.
#[derive(Debug, Default)]
struct Flags {
    port: u16,
    certfile: Option<PathBuf>,
    keyfile: Option<PathBuf>,
    keep_certs: bool,
    cafile: Option<PathBuf>,
    require_client_cert: bool,
    max_version: Option<&'static str>,
}

impl Flags {
    fn parse() -> Flags {
        let mut flags = Flags::default();
        let mut args = CLI.args();
        while let Some(arg) = args.next() {
            match arg {
                Long("port") => flags.port = args.port(),
                Long("certfile") => flags.certfile = Some(args.path()),
                Long("keyfile") => flags.keyfile = Some(args.path()),
                Long("keep-certs") => flags.keep_certs = true,
                Long("cafile") => flags.cafile = Some(args.path()),
                Long("require-client-cert") => flags.require_client_cert = true,
                Long("max-version") => flags.max_version = Some(args.choice(&["1.2", "1.3"])),
                arg => CLI.usage_error(arg.unexpected()),
            }
        }
        flags
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let flags = Flags::parse();
    // Before any thread starts: it blocks SIGINT/SIGTERM for its cleanup.
    let mut throwaway = None;
    let (certfile, keyfile) = match flags.certfile {
        Some(c) => (c, flags.keyfile),
        None => {
            let dir = throwaway.insert(ThrowawayDir::create("echo-server", flags.keep_certs)?);
            let pki = support::ThrowawayPki::create(dir.path())?;
            println!(
                "throw-away certificates: {}, {}",
                dir.path().display(),
                dir.fate()
            );
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
    if let Some(ca) = &flags.cafile {
        ctx.load_verify_locations(Some(ca), None, None)?;
    }
    if flags.require_client_cert {
        ctx.set_verify_mode(CERT_REQUIRED)?;
    }
    if flags.max_version == Some("1.2") {
        ctx.set_maximum_version(TlsVersion::TLSv1_2)?;
    }

    let mut listener = ctx.wrap_listener(TcpListener::bind(("127.0.0.1", flags.port))?);
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
