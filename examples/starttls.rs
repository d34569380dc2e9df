//! A plaintext line protocol that upgrades to TLS and back (STARTTLS), in
//! both roles.
//!
//! ```text
//! cargo run --example starttls -- server [--port N] [--certfile F --keyfile F]
//! cargo run --example starttls -- client --port N --cafile F [--host H]
//! ```
//!
//! The protocol, as a Python peer speaks it (see the test in
//! `tests/examples.rs`): the client sends `HELLO`, the server
//! answers `OK plain`; the client sends `STARTTLS`, the server answers
//! `OK starttls`, and both wrap the socket (`ctx.wrap_socket`); inside TLS
//! the client sends `PING`, the server answers `PONG`; the client sends
//! `ENDTLS`, the server answers `OK endtls`, and both call `unwrap()`,
//! going back to the plain socket; the client sends `BYE` in cleartext and
//! the server answers `OK bye` and closes.
//!
//! The Python original (client side):
//!
//! ```python
//! s = socket.create_connection((host, port))
//! s.sendall(b"STARTTLS\n"); assert s.recv(1024) == b"OK starttls\n"
//! s = ctx.wrap_socket(s, server_hostname=host)
//! s.sendall(b"PING\n"); ...
//! s.sendall(b"ENDTLS\n"); ...; s = s.unwrap()
//! s.sendall(b"BYE\n")
//! ```

#[path = "support/mod.rs"]
mod support;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::Duration;

use sslwrap::{
    create_default_context, Purpose, SslContext, SslError, WrapOptions, PROTOCOL_TLS_SERVER,
};

fn main() {
    let flags = support::Flags::parse();
    let result = match flags.positional() {
        Some("server") => server(&flags),
        Some("client") => client(&flags),
        _ => {
            eprintln!(
                "usage: starttls server|client [--port N] [--certfile F --keyfile F] [--cafile F]"
            );
            std::process::exit(2);
        }
    };
    if let Err(e) = result {
        println!("{}: {e}", e.python_class());
        std::process::exit(1);
    }
}

fn server(flags: &support::Flags) -> Result<(), SslError> {
    let (cert, key) = match flags.get("certfile") {
        Some(c) => (PathBuf::from(c), flags.get("keyfile").map(PathBuf::from)),
        None => {
            let pki = support::ThrowawayPki::create(&support::temp_dir("starttls"))
                .map_err(|e| SslError::from(std::io::Error::other(e.to_string())))?;
            println!("throw-away CA: {}", pki.ca.display());
            (pki.server_cert, Some(pki.server_key))
        }
    };
    let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER)?;
    ctx.load_cert_chain(&cert, key.as_deref(), None)?;
    let listener = TcpListener::bind(format!("127.0.0.1:{}", flags.get("port").unwrap_or("0")))?;
    println!("listening on {}", listener.local_addr()?);
    let (mut plain, addr) = listener.accept()?;
    plain.set_read_timeout(Some(Duration::from_secs(10)))?;
    println!("connection from {addr}");
    loop {
        let line = read_line(&mut plain)?;
        match line.as_str() {
            "HELLO" => plain.write_all(b"OK plain\n")?,
            "STARTTLS" => {
                plain.write_all(b"OK starttls\n")?;
                let mut tls = ctx.wrap_socket(plain, WrapOptions::default().server_side(true))?;
                println!("upgraded: {}", tls.version().unwrap_or_default());
                loop {
                    let line = read_line(&mut tls)?;
                    match line.as_str() {
                        "PING" => tls.write_all(b"PONG\n")?,
                        "ENDTLS" => {
                            tls.write_all(b"OK endtls\n")?;
                            break;
                        }
                        other => tls.write_all(format!("ERR {other}\n").as_bytes())?,
                    }
                }
                plain = tls.unwrap()?;
                println!("back to plaintext");
            }
            "BYE" => {
                plain.write_all(b"OK bye\n")?;
                println!("done");
                return Ok(());
            }
            other => plain.write_all(format!("ERR {other}\n").as_bytes())?,
        }
    }
}

fn client(flags: &support::Flags) -> Result<(), SslError> {
    let host = flags.get("host").unwrap_or("localhost");
    let port: u16 = flags.get("port").and_then(|p| p.parse().ok()).unwrap_or(0);
    let mut ctx = create_default_context(Purpose::ServerAuth)?;
    if let Some(ca) = flags.get("cafile") {
        ctx.load_verify_locations(Some(ca.as_ref()), None, None)?;
    }
    let mut plain = TcpStream::connect((host, port))?;
    plain.set_read_timeout(Some(Duration::from_secs(10)))?;
    println!("{}", exchange(&mut plain, "HELLO")?);
    println!("{}", exchange(&mut plain, "STARTTLS")?);
    let mut tls = ctx.wrap_socket(plain, WrapOptions::default().server_hostname(host))?;
    println!("upgraded: {}", tls.version().unwrap_or_default());
    println!("{}", exchange(&mut tls, "PING")?);
    println!("{}", exchange(&mut tls, "ENDTLS")?);
    let mut plain = tls.unwrap()?;
    println!("back to plaintext");
    println!("{}", exchange(&mut plain, "BYE")?);
    Ok(())
}

fn exchange(s: &mut impl ReadWrite, line: &str) -> Result<String, SslError> {
    s.write_all(format!("{line}\n").as_bytes())?;
    read_line(s)
}

/// Reads one `\n`-terminated line a byte at a time, so nothing after it is
/// consumed (the next bytes may belong to a TLS handshake).
fn read_line(s: &mut impl Read) -> Result<String, SslError> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        if s.read(&mut byte)? == 0 {
            return Err(std::io::Error::from(std::io::ErrorKind::UnexpectedEof).into());
        }
        if byte[0] == b'\n' {
            return Ok(String::from_utf8_lossy(&line).into_owned());
        }
        line.push(byte[0]);
    }
}

trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}
