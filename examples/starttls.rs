//! A plaintext line protocol that upgrades to TLS and back (STARTTLS), in
//! both roles.
//!
//! ```text
//! cargo run --example starttls -- server [--port N] [--certfile F [--keyfile F] | --keep-certs]
//!                                        [--once]
//! cargo run --example starttls -- client --port N [--cafile F] [--host H]
//! ```
//!
//! The server serves one connection at a time until interrupted (`--once`:
//! one connection, then it exits, 0 if the session went through). Without
//! `--certfile` it makes throw-away certificates in
//! `$TMPDIR/sslwrap-starttls-PID` and says where the CA is (point `client
//! --cafile` at it); the folder is removed when the server stops, Ctrl-C and
//! SIGTERM included, unless `--keep-certs`. The client runs one session and
//! verifies the server against `--cafile` and the system CAs, with its host
//! name. Both exit 1 with Python's exception class and message on failure, 2
//! on a bad command line (`--help` lists the options).
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
use support::Arg::{Long, Value};
use support::{Opt, ThrowawayDir};

static CLI: support::Cli = support::Cli {
    name: "starttls",
    usage: "server [--port N] [--certfile F [--keyfile F] | --keep-certs] [--once]\n\
            client --port N [--cafile F] [--host H]",
    about: "A line protocol that upgrades to TLS and back: HELLO, STARTTLS (both sides call\n\
            wrap_socket), PING inside TLS, ENDTLS (both call unwrap()), BYE in plaintext.\n\
            The server serves one connection at a time until interrupted; the client runs one\n\
            session. Exits 1 with Python's exception class and message on failure.",
    ports: "a STARTTLS line protocol written with Python's ssl (client side shown)",
    python: &[
        "s = socket.create_connection((host, port))",
        "s.sendall(b'STARTTLS\\n'); assert s.recv(1024) == b'OK starttls\\n'",
        "s = ctx.wrap_socket(s, server_hostname=host)",
        "s.sendall(b'PING\\n'); ...; s.sendall(b'ENDTLS\\n'); ...; s = s.unwrap()",
        "s.sendall(b'BYE\\n')",
    ],
    options: &[
        Opt::new("server | client", "the role (required)"),
        Opt::new(
            "--port N",
            "server: the port to listen on, 0 for any free one",
        )
        .default("0"),
        Opt::new("--certfile F", "server: its certificate chain, PEM").default("throw-away"),
        Opt::new("--keyfile F", "server: its private key").default("in --certfile"),
        Opt::new(
            "--keep-certs",
            "server: keep the throw-away certificates at exit",
        )
        .default("removed"),
        Opt::new("--once", "server: serve one connection, then exit")
            .default("serve until interrupted"),
        Opt::new("--port N", "client: the server's port (required)"),
        Opt::new(
            "--cafile F",
            "client: a CA for the server, added to the system's",
        )
        .default("none"),
        Opt::new("--host H", "client: the server's host name, checked").default("localhost"),
    ],
};

/// The command line.
#[derive(Debug, Default)]
struct Flags {
    port: Option<u16>,
    certfile: Option<PathBuf>,
    keyfile: Option<PathBuf>,
    keep_certs: bool,
    once: bool,
    cafile: Option<PathBuf>,
    host: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Server,
    Client,
}

impl Flags {
    fn parse() -> (Role, Flags) {
        let (mut role, mut f) = (None, Flags::default());
        // An option of one role given, to refuse it in the other.
        let (mut server_only, mut client_only) = (None, None);
        let mut args = CLI.args();
        while let Some(arg) = args.next() {
            match arg {
                Value(v) if role.is_none() => {
                    role = match v.to_str() {
                        Some("server") => Some(Role::Server),
                        Some("client") => Some(Role::Client),
                        _ => CLI.usage_error(format_args!(
                            "invalid role {v:?}: expected server or client"
                        )),
                    }
                }
                Long("port") => f.port = Some(args.port()),
                Long("certfile") => {
                    (f.certfile, server_only) = (Some(args.path()), Some("--certfile"))
                }
                Long("keyfile") => {
                    (f.keyfile, server_only) = (Some(args.path()), Some("--keyfile"))
                }
                Long("keep-certs") => (f.keep_certs, server_only) = (true, Some("--keep-certs")),
                Long("once") => (f.once, server_only) = (true, Some("--once")),
                Long("cafile") => (f.cafile, client_only) = (Some(args.path()), Some("--cafile")),
                Long("host") => (f.host, client_only) = (Some(args.string()), Some("--host")),
                arg => CLI.usage_error(arg.unexpected()),
            }
        }
        let role = CLI.required(role, "server or client");
        let misplaced = match role {
            Role::Server => client_only.map(|o| (o, "client")),
            Role::Client => server_only.map(|o| (o, "server")),
        };
        if let Some((option, other)) = misplaced {
            CLI.usage_error(format_args!("{option} is an option of the {other}"));
        }
        if role == Role::Client && f.port.is_none() {
            CLI.usage_error("the following arguments are required: --port (the server's)");
        }
        (role, f)
    }
}

fn main() {
    let result = match Flags::parse() {
        (Role::Server, flags) => server(flags),
        (Role::Client, flags) => client(flags),
    };
    if let Err(e) = result {
        println!("{}: {e}", e.python_class());
        std::process::exit(1);
    }
}

/// Serves until interrupted, or one connection with `--once`.
fn server(flags: Flags) -> Result<(), SslError> {
    // Before any thread starts: it blocks SIGINT/SIGTERM for its cleanup.
    let mut throwaway = None;
    let (cert, key) = match flags.certfile {
        Some(c) => (c, flags.keyfile),
        None => {
            let dir = throwaway.insert(ThrowawayDir::create("starttls", flags.keep_certs)?);
            let pki = support::ThrowawayPki::create(dir.path())
                .map_err(|e| SslError::from(std::io::Error::other(e.to_string())))?;
            println!(
                "throw-away certificates: {}, {}",
                dir.path().display(),
                dir.fate()
            );
            println!("throw-away CA: {}", pki.ca.display());
            (pki.server_cert, Some(pki.server_key))
        }
    };
    let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER)?;
    ctx.load_cert_chain(&cert, key.as_deref(), None)?;
    let listener = TcpListener::bind(("127.0.0.1", flags.port.unwrap_or(0)))?;
    println!("listening on {}", listener.local_addr()?);
    loop {
        let (plain, addr) = listener.accept()?;
        println!("connection from {addr}");
        let result = session(&ctx, plain);
        if flags.once {
            return result;
        }
        // A failed session ends that connection, not the server.
        if let Err(e) = result {
            println!("{}: {e}", e.python_class());
        }
    }
}

/// The server's side of one connection, to `BYE`.
fn session(ctx: &SslContext, mut plain: TcpStream) -> Result<(), SslError> {
    plain.set_read_timeout(Some(Duration::from_secs(10)))?;
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

fn client(flags: Flags) -> Result<(), SslError> {
    let host = flags.host.as_deref().unwrap_or("localhost");
    // Required for the client: Flags::parse has checked it is there.
    let port = flags.port.unwrap_or_default();
    let mut ctx = create_default_context(Purpose::ServerAuth)?;
    if let Some(ca) = &flags.cafile {
        ctx.load_verify_locations(Some(ca), None, None)?;
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
