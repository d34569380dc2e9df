//! `cargo run --example demo`: sslwrap in one page.
//!
//! A mutual-TLS echo over loopback, in the spirit of the Python Cookbook's
//! TLS echo server and client (recipe 11.10), written with today's
//! `ssl.create_default_context`. It needs no files and takes no options
//! (`--help` says so): it makes a throw-away CA, a server certificate
//! (localhost, 127.0.0.1) and a client certificate in a temporary folder it
//! removes at exit, serves one connection on 127.0.0.1 in a thread, connects
//! to it, sends a line and prints what came back and what both ends know
//! about the connection. The Python each step ports is in the comments.
//!
//! Next: `echo_server` and `echo_client` (the recipe itself, as two
//! programs) and the other examples.

use std::error::Error;
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

use sslwrap::{
    create_default_context, CaData, Purpose, SslError, SslListener, WrapOptions, CERT_REQUIRED,
};

// The command line and the throw-away folder, shared by the examples.
#[path = "support/mod.rs"]
mod support;

/// No step here should wait this long; a stuck peer becomes an error.
const TIMEOUT: Duration = Duration::from_secs(5);

static CLI: support::Cli = support::Cli {
    name: "demo",
    usage: "",
    about: "A mutual-TLS echo on 127.0.0.1 with its own throw-away certificates: a server\n\
            thread and a client, printing what each end knows about the connection.",
    ports: "the Python Cookbook's TLS echo server and client (recipe 11.10), modernised",
    python: &[
        "ctx = ssl.create_default_context(); ctx.load_verify_locations(cadata=ca_pem)",
        "ctx.load_cert_chain('client.pem', 'client.key')",
        "s = ctx.wrap_socket(socket.create_connection(addr), server_hostname='localhost')",
        "s.sendall(b'Hello World?\\n'); s.recv(8192); s.getpeercert()",
    ],
    options: &[],
};

fn main() -> Result<(), Box<dyn Error>> {
    // No options but --help (the usage and exit status 2 for anything else).
    let mut args = CLI.args();
    if let Some(arg) = args.next() {
        CLI.usage_error(arg.unexpected());
    }

    // Certificates. Python's standard library has no API to make them (tests
    // use trustme); here `sslwrap::testing` does, and the examples' support
    // code writes them where `load_cert_chain` (a path-based API, in Python
    // as here) can read them. The folder goes when `dir` drops, or on
    // Ctrl-C.
    let dir = support::ThrowawayDir::create("demo", false)?;
    let pki = support::ThrowawayPki::create(dir.path())?;
    let ca_pem = std::fs::read_to_string(&pki.ca)?;

    // --- The server ----------------------------------------------------
    // ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    // ctx.load_cert_chain("server.pem", "server.key")
    // ctx.verify_mode = ssl.CERT_REQUIRED           # mutual TLS
    // ctx.load_verify_locations(cadata=ca_pem)       # who may sign clients
    // ctx.set_alpn_protocols(["echo"])
    let mut server_ctx = create_default_context(Purpose::ClientAuth)?;
    server_ctx.load_cert_chain(&pki.server_cert, Some(&pki.server_key), None)?;
    server_ctx.set_verify_mode(CERT_REQUIRED)?;
    server_ctx.load_verify_locations(None, None, Some(CaData::Pem(&ca_pem)))?;
    server_ctx.set_alpn_protocols(&["echo"])?;

    // s = socket.create_server(("127.0.0.1", 0))    # port 0: any free port
    // s_ssl = ctx.wrap_socket(s, server_side=True)
    let mut listener = server_ctx.wrap_listener(TcpListener::bind("127.0.0.1:0")?);
    listener.set_handshake_timeout(Some(TIMEOUT));
    let addr = listener.local_addr()?;
    println!("server: listening on {addr}");
    let server = thread::spawn(move || echo_server(listener));

    // --- The client ----------------------------------------------------
    // ctx = ssl.create_default_context()             # Purpose.SERVER_AUTH
    // ctx.load_verify_locations(cadata=ca_pem)       # trust our CA only
    // ctx.load_cert_chain("client.pem", "client.key")
    // ctx.set_alpn_protocols(["echo"])
    let mut ctx = create_default_context(Purpose::ServerAuth)?;
    ctx.load_verify_locations(None, None, Some(CaData::Pem(&ca_pem)))?;
    ctx.load_cert_chain(&pki.client_cert, Some(&pki.client_key), None)?;
    ctx.set_alpn_protocols(&["echo"])?;

    // s = ctx.wrap_socket(socket.create_connection(addr, timeout=5),
    //                     server_hostname="localhost")
    // The handshake runs here; the server's certificate is checked against
    // the CA and the name "localhost" (check_hostname is on by default).
    let tcp = TcpStream::connect(addr)?;
    tcp.set_read_timeout(Some(TIMEOUT))?;
    tcp.set_write_timeout(Some(TIMEOUT))?;
    let mut s = ctx.wrap_socket(tcp, WrapOptions::default().server_hostname("localhost"))?;

    // s.sendall(b"Hello World?\n"); s.recv(8192)
    s.sendall(b"Hello World?\n")?;
    let mut echo = Vec::new();
    while !echo.ends_with(b"\n") {
        let chunk = s.recv(8192)?;
        if chunk.is_empty() {
            break; // b'': the server closed
        }
        echo.extend_from_slice(&chunk);
    }
    println!(
        "client: received {:?}",
        String::from_utf8_lossy(&echo).trim_end()
    );

    // What the client knows about the connection.
    println!("client: version() = {}", s.version().unwrap_or_default()); // 'TLSv1.3'
    println!("client: cipher() = {:?}", s.cipher()); // ('TLS_AES_256_GCM_SHA384', 'TLSv1.3', 256)
    println!(
        "client: selected_alpn_protocol() = {:?}",
        s.selected_alpn_protocol()
    );
    if let Some(cert) = s.getpeercert()? {
        println!("client: getpeercert() = {}", cert.python_repr()); // the dict, as Python prints it
    }

    // s.close(): drop the socket. The server reads b'' and ends.
    drop(s);
    server.join().map_err(|_| "the server thread panicked")??;
    Ok(())
}

/// The recipe's server loop for one connection: accept (with the
/// handshake), show the client's certificate, echo until the client closes.
fn echo_server(listener: SslListener) -> Result<(), SslError> {
    // c, a = s_ssl.accept()
    let (mut c, a) = listener.accept()?;
    // c.getpeercert()['subject']: CERT_REQUIRED means there is one.
    let subject = c
        .getpeercert()?
        .map(|cert| cert.subject)
        .unwrap_or_default();
    println!("server: connection from {a}, client certificate subject {subject:?}");

    // while (data := c.recv(8192)): c.sendall(data)
    loop {
        let data = c.recv(8192)?;
        if data.is_empty() {
            return Ok(());
        }
        c.sendall(&data)?;
    }
}
