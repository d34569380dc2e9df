//! The Python Cookbook's XML-RPC client session over HTTPS (recipes 11.8
//! and 11.10), ported.
//!
//! ```text
//! cargo run --example kv_client -- --cafile CA [--certfile F [--keyfile F]]
//!                                  [--host H] [--port N]
//! ```
//!
//! Connects to a `KeyValueServer` (`kv_server`, or the recipe's Python
//! `SSLSimpleXMLRPCServer`) at `https://localhost:15000/RPC2` by default,
//! verifies it against `--cafile` (`CERT_REQUIRED` and the host name, as
//! `PROTOCOL_TLS_CLIENT` does), optionally presents a client certificate,
//! runs the recipe's session and prints each result as Python's `print()`
//! would. One connection carries every call while the server keeps it open
//! (HTTP/1.1 keep-alive; Python's server answers in HTTP/1.0 and closes, so
//! then each call connects anew, as `xmlrpc.client`'s transport does).
//! Exits 1 with Python's exception class and message on failure, 2 on a bad
//! command line (`--help` lists the options).
//!
//! The Python original, with `PROTOCOL_TLS_CLIENT` in place of the
//! recipe's `PROTOCOL_TLSv1`:
//!
//! ```python
//! class VerifyCertSafeTransport(SafeTransport):
//!     def __init__(self, cafile, certfile=None, keyfile=None):
//!         SafeTransport.__init__(self)
//!         self._ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
//!         self._ssl_context.load_verify_locations(cafile)
//!         if certfile:
//!             self._ssl_context.load_cert_chain(certfile, keyfile)
//!         self._ssl_context.verify_mode = ssl.CERT_REQUIRED
//!     def make_connection(self, host):
//!         s = super().make_connection((host, {'context': self._ssl_context}))
//!         return s
//!
//! s = ServerProxy('https://localhost:15000',
//!                 transport=VerifyCertSafeTransport('server_cert.pem'),
//!                 allow_none=True)
//! s.set('foo', 'bar')
//! s.set('spam', [1, 2, 3])
//! s.keys()          # ['foo', 'spam']
//! s.get('foo')      # 'bar'
//! s.get('spam')     # [1, 2, 3]
//! s.delete('spam')
//! s.exists('spam')  # False
//! ```
//!
//! (On Python 3.4.3 and later that `make_connection` fails with
//! "got multiple values for keyword argument 'context'", because
//! `SafeTransport` passes its own `context=` since then; setting
//! `self.context = self._ssl_context` and calling
//! `super().make_connection(host)` is the working spelling.)
//!
//! After the recipe's calls the session goes on with what the recipe leaves
//! out: the fault of a `get` of a missing key, and the other XML-RPC types.

// The XML-RPC codec, the HTTP reader and `support` (the command line) come
// with the server's file.
#[path = "kv_server.rs"]
#[allow(dead_code)]
mod kv_server;

use std::fmt;
use std::io::{self, BufReader, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

use sslwrap::{SslContext, SslError, SslSocket, WrapOptions, CERT_REQUIRED, PROTOCOL_TLS_CLIENT};

use kv_server::{http, support, xmlrpc};
use support::Arg::Long;
use support::Opt;
use xmlrpc::{Fault, Value};

/// Connect, handshake, send and receive each give up after this.
const TIMEOUT: Duration = Duration::from_secs(10);

static CLI: support::Cli = support::Cli {
    name: "kv_client",
    usage: "--cafile CA [--certfile F [--keyfile F]] [--host H] [--port N]",
    about: "Runs the recipe's XML-RPC session against a KeyValueServer over HTTPS (kv_server,\n\
            or the recipe's Python server), verifying it against CA, and prints each result\n\
            as Python's print() would. Exits 1 with Python's exception class and message.",
    ports: "the Python Cookbook's ServerProxy with VerifyCertSafeTransport (recipes 11.8, 11.10)",
    python: &[
        "s = ServerProxy('https://localhost:15000',",
        "                transport=VerifyCertSafeTransport(CA, certfile, keyfile),",
        "                allow_none=True)",
        "s.set('foo', 'bar'); s.set('spam', [1, 2, 3]); s.keys(); s.get('foo'); ...",
    ],
    options: &[
        Opt::new("--cafile CA", "the CA that verifies the server (required)"),
        Opt::new("--certfile F", "a client certificate to present, PEM").default("none"),
        Opt::new("--keyfile F", "its private key").default("in --certfile"),
        Opt::new("--host H", "the server's host name, checked").default("localhost"),
        Opt::new("--port N", "the server's port").default("15000"),
    ],
};

/// The command line.
struct Flags {
    cafile: PathBuf,
    certfile: Option<PathBuf>,
    keyfile: Option<PathBuf>,
    host: String,
    port: u16,
}

impl Flags {
    fn parse() -> Flags {
        let (mut cafile, mut certfile, mut keyfile) = (None, None, None);
        let (mut host, mut port) = ("localhost".to_owned(), 15000);
        let mut args = CLI.args();
        while let Some(arg) = args.next() {
            match arg {
                Long("cafile") => cafile = Some(args.path()),
                Long("certfile") => certfile = Some(args.path()),
                Long("keyfile") => keyfile = Some(args.path()),
                Long("host") => host = args.string(),
                Long("port") => port = args.port(),
                arg => CLI.usage_error(arg.unexpected()),
            }
        }
        Flags {
            cafile: CLI.required(cafile, "--cafile"),
            certfile,
            keyfile,
            host,
            port,
        }
    }
}

fn main() {
    let flags = Flags::parse();
    if let Err(e) = run(&flags) {
        println!("{}: {e}", e.python_class());
        std::process::exit(1);
    }
}

fn run(flags: &Flags) -> Result<(), Error> {
    // VerifyCertSafeTransport(cafile, certfile, keyfile)
    let mut ctx = SslContext::new(PROTOCOL_TLS_CLIENT)?;
    ctx.load_verify_locations(Some(&flags.cafile), None, None)?;
    if let Some(certfile) = &flags.certfile {
        ctx.load_cert_chain(certfile, flags.keyfile.as_deref(), None)?;
    }
    ctx.set_verify_mode(CERT_REQUIRED)?;

    // ServerProxy('https://localhost:15000', transport=..., allow_none=True)
    let mut s = ServerProxy::new(ctx, &flags.host, flags.port);
    let str = Value::str;
    let ints = |v: &[i64]| Value::Array(v.iter().map(|&i| Value::Int(i)).collect());
    let show = |v: Value| println!("{}", xmlrpc::py_str(&v));

    show(s.call("set", &[str("foo"), str("bar")])?);
    show(s.call("set", &[str("spam"), ints(&[1, 2, 3])])?);
    show(s.call("keys", &[])?);
    show(s.call("get", &[str("foo")])?);
    show(s.call("get", &[str("spam")])?);
    show(s.call("delete", &[str("spam")])?);
    show(s.call("exists", &[str("spam")])?);
    // try: s.get('spam')
    // except Fault as e: print(e)
    match s.call("get", &[str("spam")]) {
        Ok(_) => {}
        Err(Error::Fault(fault)) => println!("{fault}"),
        Err(e) => return Err(e),
    }
    // The other types: {'pi': 3.25, 'yes': True, 'none': None, 'neg': -7,
    //   'text': 'it\'s <b> & "q"', 'list': [1e16, 0.0001, 'x', False, []], 'empty': {}}
    let misc = Value::Struct(vec![
        ("pi".into(), Value::Double(3.25)),
        ("yes".into(), Value::Bool(true)),
        ("none".into(), Value::Nil),
        ("neg".into(), Value::Int(-7)),
        ("text".into(), str("it's <b> & \"q\"")),
        (
            "list".into(),
            Value::Array(vec![
                Value::Double(1e16),
                Value::Double(0.0001),
                str("x"),
                Value::Bool(false),
                Value::Array(vec![]),
            ]),
        ),
        ("empty".into(), Value::Struct(vec![])),
    ]);
    show(s.call("set", &[str("misc"), misc])?);
    show(s.call("get", &[str("misc")])?);
    show(s.call("keys", &[])?);
    show(s.call("delete", &[str("misc")])?);
    show(s.call("keys", &[])?);
    Ok(())
}

/// `xmlrpc.client.ServerProxy` over `SafeTransport`: one kept-alive TLS
/// connection, made again when the server closes it.
struct ServerProxy {
    ctx: SslContext,
    host: String,
    port: u16,
    conn: Option<BufReader<SslSocket<TcpStream>>>,
}

impl ServerProxy {
    fn new(ctx: SslContext, host: &str, port: u16) -> ServerProxy {
        ServerProxy {
            ctx,
            host: host.to_owned(),
            port,
            conn: None,
        }
    }

    /// `getattr(s, method)(*params)`: the result, or the server's fault.
    fn call(&mut self, method: &str, params: &[Value]) -> Result<Value, Error> {
        let body = xmlrpc::dump_call(method, params).map_err(Error::Python)?;
        // Transport.request: a connection the server dropped (reset, broken
        // pipe, closed before answering) is tried once more on a new one.
        let mut tries = 0;
        loop {
            tries += 1;
            match self.single_request(&body) {
                Err(e) if tries == 1 && e.is_disconnect() => self.conn = None,
                Err(e) => {
                    self.conn = None;
                    return Err(e);
                }
                Ok(response) => {
                    return match xmlrpc::load_response(&response).map_err(Error::Python)? {
                        Ok(value) => Ok(value),
                        Err(fault) => Err(Error::Fault(fault)),
                    }
                }
            }
        }
    }

    /// Transport.single_request: POST the call, read the 200 response body.
    fn single_request(&mut self, body: &[u8]) -> Result<Vec<u8>, Error> {
        if self.conn.is_none() {
            self.conn = Some(BufReader::new(self.connect()?));
        }
        let Some(conn) = self.conn.as_mut() else {
            unreachable!("connected just above");
        };
        let mut request = format!(
            "POST /RPC2 HTTP/1.1\r\nHost: {}:{}\r\nUser-Agent: sslwrap-kv-client\r\n\
             Content-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
            self.host,
            self.port,
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body);
        conn.get_mut().sendall(&request)?;
        conn.get_mut().flush()?;

        let head = match http::read_head(conn) {
            Ok(Some(head)) => head,
            Ok(None) => return Err(Error::RemoteDisconnected),
            Err(e) => return Err(Error::from_http(e)),
        };
        let mut words = head.start_line.splitn(3, ' ');
        let (version, status, reason) = (
            words.next().unwrap_or(""),
            words.next().unwrap_or(""),
            words.next().unwrap_or(""),
        );
        let status: u16 = match (version.starts_with("HTTP/1."), status.parse()) {
            (true, Ok(status)) => status,
            _ => return Err(Error::BadStatusLine(head.start_line.clone())),
        };
        let framing = http::body_length(&head).map_err(Error::from_http)?;
        let response = http::read_body(conn, framing)
            .map_err(Error::from_http)?
            .ok_or(Error::IncompleteRead)?;
        let keep_alive = if version == "HTTP/1.0" {
            head.has_token("connection", "keep-alive")
        } else {
            !head.has_token("connection", "close")
        };
        if !keep_alive || framing == http::BodyLength::None {
            self.conn = None;
        }
        if status != 200 {
            return Err(Error::Protocol {
                url: format!("{}:{}/RPC2", self.host, self.port),
                status,
                reason: reason.to_owned(),
            });
        }
        Ok(response)
    }

    /// `http.client.HTTPSConnection(host, port, context=ctx).connect()`:
    /// each address in turn, then the handshake with the host name.
    fn connect(&self) -> Result<SslSocket<TcpStream>, Error> {
        let mut last = None;
        for addr in (self.host.as_str(), self.port).to_socket_addrs()? {
            match TcpStream::connect_timeout(&addr, TIMEOUT) {
                Ok(tcp) => {
                    let opts = WrapOptions::default()
                        .server_hostname(self.host.as_str())
                        .do_handshake_on_connect(false);
                    let mut s = self.ctx.wrap_socket(tcp, opts)?;
                    s.settimeout(Some(TIMEOUT))?;
                    s.do_handshake()?;
                    return Ok(s);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last
            .unwrap_or_else(|| io::Error::new(io::ErrorKind::NotFound, "no address for host"))
            .into())
    }
}

/// What a call can raise, by Python's exception class.
#[derive(Debug)]
enum Error {
    /// `xmlrpc.client.Fault`.
    Fault(Fault),
    /// `ssl.SSLError` and `OSError` and their subclasses.
    Ssl(SslError),
    /// `xmlrpc.client.ProtocolError`: a status other than 200.
    Protocol {
        url: String,
        status: u16,
        reason: String,
    },
    /// Another Python exception, from the XML-RPC layer.
    Python(xmlrpc::PyException),
    /// `http.client.RemoteDisconnected`.
    RemoteDisconnected,
    /// `http.client.BadStatusLine`.
    BadStatusLine(String),
    /// `http.client.IncompleteRead`.
    IncompleteRead,
    /// A malformed response head.
    Http(&'static str),
}

impl Error {
    fn python_class(&self) -> &str {
        match self {
            Error::Fault(_) => "Fault",
            Error::Ssl(e) => e.python_class(),
            Error::Protocol { .. } => "ProtocolError",
            Error::Python(e) => e.class.rsplit('.').next().unwrap_or(e.class),
            Error::RemoteDisconnected => "RemoteDisconnected",
            Error::BadStatusLine(_) => "BadStatusLine",
            Error::IncompleteRead => "IncompleteRead",
            Error::Http(_) => "HTTPException",
        }
    }

    /// The failures `Transport.request` retries on a new connection.
    fn is_disconnect(&self) -> bool {
        match self {
            Error::RemoteDisconnected => true,
            Error::Ssl(e) => e.io_error().is_some_and(|io| {
                matches!(
                    io.kind(),
                    io::ErrorKind::ConnectionReset
                        | io::ErrorKind::ConnectionAborted
                        | io::ErrorKind::BrokenPipe
                )
            }),
            _ => false,
        }
    }

    fn from_http(e: http::Error) -> Error {
        match e {
            http::Error::Io(e) => Error::Ssl(e.into()),
            http::Error::Bad(_, reason) => Error::Http(reason),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Fault(fault) => write!(f, "{fault}"),
            Error::Ssl(e) => write!(f, "{e}"),
            Error::Protocol {
                url,
                status,
                reason,
            } => write!(f, "<ProtocolError for {url}: {status} {reason}>"),
            Error::Python(e) => write!(f, "{e}"),
            Error::RemoteDisconnected => {
                write!(f, "Remote end closed connection without response")
            }
            Error::BadStatusLine(line) => write!(f, "{}", xmlrpc::repr_str(line)),
            Error::IncompleteRead => write!(f, "the connection closed mid-response"),
            Error::Http(reason) => write!(f, "malformed response: {reason}"),
        }
    }
}

impl From<SslError> for Error {
    fn from(e: SslError) -> Error {
        Error::Ssl(e)
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::Ssl(e.into())
    }
}
