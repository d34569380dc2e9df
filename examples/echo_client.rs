//! The Python Cookbook's TLS echo client (recipe 11.10), ported.
//!
//! ```text
//! cargo run --example echo_client -- --cafile CA [--host H] [--port N]
//!                                    [--certfile F [--keyfile F]] [--message TEXT]
//! ```
//!
//! Connects to `--host` (default `localhost`) on `--port` (default 20000),
//! verifies the server against `--cafile` (`CERT_REQUIRED`), optionally
//! presents a client certificate, sends one line and prints the echo.
//! Exits 1 with Python's exception class and message on failure, 2 on a bad
//! command line (`--help` lists the options).
//!
//! The Python original (the recipe's legacy `ssl.wrap_socket`, which checks
//! the chain but not the host name):
//!
//! ```python
//! s = socket(AF_INET, SOCK_STREAM)
//! s_ssl = ssl.wrap_socket(s, cert_reqs=ssl.CERT_REQUIRED, ca_certs='server_cert.pem')
//! s_ssl.connect(('localhost', 20000))
//! s_ssl.send(b'Hello World?')
//! s_ssl.recv(8192)
//! ```

#[path = "support/mod.rs"]
mod support;

use std::net::TcpStream;
use std::path::PathBuf;
use std::time::Duration;

use sslwrap::{wrap_socket, LegacyWrapArgs, CERT_REQUIRED};
use support::Arg::Long;
use support::Opt;

static CLI: support::Cli = support::Cli {
    name: "echo_client",
    usage: "--cafile CA [--host H] [--port N] [--certfile F [--keyfile F]] [--message TEXT]",
    about: "Connects over TLS, verifies the server against CA, sends one line and prints\n\
            the echo. Exits 1 with Python's exception class and message on failure.",
    ports: "the Python Cookbook's TLS echo client (recipe 11.10)",
    python: &[
        "s_ssl = ssl.wrap_socket(socket(AF_INET, SOCK_STREAM),",
        "                        cert_reqs=ssl.CERT_REQUIRED, ca_certs=CA)",
        "s_ssl.connect((HOST, PORT))",
        "s_ssl.send(b'Hello World?'); print(s_ssl.recv(8192))",
    ],
    options: &[
        Opt::new("--cafile CA", "the CA that verifies the server (required)"),
        Opt::new("--host H", "the server's host name").default("localhost"),
        Opt::new("--port N", "the server's port").default("20000"),
        Opt::new("--certfile F", "a client certificate to present, PEM").default("none"),
        Opt::new("--keyfile F", "its private key").default("in --certfile"),
        Opt::new("--message TEXT", "the line to send").default("Hello World?"),
    ],
};

/// The command line.
struct Flags {
    cafile: PathBuf,
    host: String,
    port: u16,
    certfile: Option<PathBuf>,
    keyfile: Option<PathBuf>,
    message: String,
}

impl Flags {
    fn parse() -> Flags {
        let (mut cafile, mut certfile, mut keyfile) = (None, None, None);
        let (mut host, mut port, mut message) = ("localhost".to_owned(), 20000, None);
        let mut args = CLI.args();
        while let Some(arg) = args.next() {
            match arg {
                Long("cafile") => cafile = Some(args.path()),
                Long("host") => host = args.string(),
                Long("port") => port = args.port(),
                Long("certfile") => certfile = Some(args.path()),
                Long("keyfile") => keyfile = Some(args.path()),
                Long("message") => message = Some(args.string()),
                arg => CLI.usage_error(arg.unexpected()),
            }
        }
        Flags {
            cafile: CLI.required(cafile, "--cafile"),
            host,
            port,
            certfile,
            keyfile,
            message: message.unwrap_or_else(|| "Hello World?".to_owned()),
        }
    }
}

fn main() {
    let flags = Flags::parse();
    if let Err(e) = run(flags) {
        println!("{}: {e}", e.python_class());
        std::process::exit(1);
    }
}

fn run(flags: Flags) -> Result<(), sslwrap::SslError> {
    let tcp = TcpStream::connect((flags.host.as_str(), flags.port))?;
    tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
    tcp.set_write_timeout(Some(Duration::from_secs(10)))?;

    // ssl.wrap_socket(s, cert_reqs=ssl.CERT_REQUIRED, ca_certs=..., [certfile=..., keyfile=...])
    let args = LegacyWrapArgs {
        cert_reqs: CERT_REQUIRED,
        ca_certs: Some(flags.cafile),
        certfile: flags.certfile,
        keyfile: flags.keyfile,
        ..LegacyWrapArgs::default()
    };
    let mut s = wrap_socket(tcp, args)?;
    println!(
        "connected: {} {}",
        s.version().unwrap_or_default(),
        s.cipher().map(|c| c.0).unwrap_or_default()
    );

    s.sendall(format!("{}\n", flags.message).as_bytes())?;
    let mut echo = Vec::new();
    while !echo.ends_with(b"\n") {
        let chunk = s.recv(8192)?;
        if chunk.is_empty() {
            break;
        }
        echo.extend_from_slice(&chunk);
    }
    println!("{}", String::from_utf8_lossy(&echo).trim_end());
    Ok(())
}
