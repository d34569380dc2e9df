//! The Python Cookbook's TLS echo client (recipe 11.10), ported.
//!
//! ```text
//! cargo run --example echo_client -- --cafile CA [--host H] [--port N]
//!                                    [--certfile F --keyfile F] [--message TEXT]
//! ```
//!
//! Connects, verifies the server against `--cafile` (`CERT_REQUIRED`),
//! optionally presents a client certificate, sends one line and prints the
//! echo. Exits 1 with Python's exception class and message on failure.
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

fn main() {
    let flags = support::Flags::parse();
    if let Err(e) = run(&flags) {
        println!("{}: {e}", e.python_class());
        std::process::exit(1);
    }
}

fn run(flags: &support::Flags) -> Result<(), sslwrap::SslError> {
    let host = flags.get("host").unwrap_or("localhost");
    let port: u16 = match flags.get("port").unwrap_or("20000").parse() {
        Ok(p) => p,
        Err(_) => return Err(bad_flag("--port must be a number")),
    };
    let Some(cafile) = flags.get("cafile") else {
        return Err(bad_flag(
            "--cafile is required (the CA that signed the server)",
        ));
    };
    let tcp = TcpStream::connect((host, port))?;
    tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
    tcp.set_write_timeout(Some(Duration::from_secs(10)))?;

    // ssl.wrap_socket(s, cert_reqs=ssl.CERT_REQUIRED, ca_certs=..., [certfile=..., keyfile=...])
    let args = LegacyWrapArgs {
        cert_reqs: CERT_REQUIRED,
        ca_certs: Some(PathBuf::from(cafile)),
        certfile: flags.get("certfile").map(PathBuf::from),
        keyfile: flags.get("keyfile").map(PathBuf::from),
        ..LegacyWrapArgs::default()
    };
    let mut s = wrap_socket(tcp, args)?;
    println!(
        "connected: {} {}",
        s.version().unwrap_or_default(),
        s.cipher().map(|c| c.0).unwrap_or_default()
    );

    let message = flags.get("message").unwrap_or("Hello World?");
    s.sendall(format!("{message}\n").as_bytes())?;
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

fn bad_flag(msg: &str) -> sslwrap::SslError {
    sslwrap::SslError::from(std::io::Error::new(
        std::io::ErrorKind::InvalidInput,
        msg.to_owned(),
    ))
}
