//! The Python Cookbook's `KeyValueServer` as XML-RPC over HTTPS (recipes
//! 11.8 and 11.10), ported.
//!
//! ```text
//! cargo run --example kv_server -- [--port N] [--certfile F [--keyfile F] | --keep-certs]
//!                                  [--cafile F] [--require-client-cert]
//! ```
//!
//! Serves `get`, `set`, `delete`, `exists` and `keys` as XML-RPC (POST to
//! `/` or `/RPC2`) over HTTP/1.1 with keep-alive, one thread per connection,
//! on an [`SslListener`](sslwrap::SslListener). `None` travels as `<nil/>`,
//! as with Python's `allow_none=True`. `--require-client-cert` makes it
//! mutual TLS: clients must present a certificate signed by `--cafile`.
//! Without `--certfile` it makes a throw-away CA, server and client
//! certificate in `$TMPDIR/sslwrap-kv-server-PID`, says where they are, and
//! (unless `--cafile` is given) trusts that CA for client certificates; the
//! folder is removed when the server stops, Ctrl-C and SIGTERM included,
//! unless `--keep-certs`. It prints `listening on 127.0.0.1:PORT`, one line
//! per connection, and one line (Python's exception class and message) per
//! client that fails its handshake, and serves until interrupted. `--help`
//! lists the options; a bad command line exits 2.
//!
//! Answers, faults included, are byte for byte what Python's
//! `SimpleXMLRPCServer` sends: a method that raises (`get` of a missing key
//! raises `KeyError`) comes back as `<fault>` with faultCode 1 and
//! faultString `<class 'KeyError'>:'spam'`. Two differences: XML that does
//! not parse gets quick-xml's message instead of expat's (same class,
//! `xml.parsers.expat.ExpatError`), and integers are 64-bit (Python's are
//! unbounded; both refuse to *send* one beyond 32 bits, as XML-RPC says).
//!
//! Try it with the Python client from the recipe:
//!
//! ```text
//! cargo run --example kv_server -- --port 15000
//! cargo run --example kv_client -- --cafile /tmp/sslwrap-kv-server-PID/ca.pem --port 15000
//! ```
//!
//! The Python original (`KeyValueServer` of recipe 11.8 on the
//! `SSLSimpleXMLRPCServer` of recipe 11.10):
//!
//! ```python
//! class SSLMixin:
//!     def __init__(self, *args, keyfile=None, certfile=None, ca_certs=None,
//!                  cert_reqs=ssl.CERT_NONE, **kwargs): ...
//!     def get_request(self):
//!         client, addr = super().get_request()
//!         client_ssl = ssl.wrap_socket(client, keyfile=self._keyfile, certfile=self._certfile,
//!                                      ca_certs=self._ca_certs, cert_reqs=self._cert_reqs,
//!                                      server_side=True)
//!         return client_ssl, addr
//!
//! class SSLSimpleXMLRPCServer(SSLMixin, SimpleXMLRPCServer):
//!     pass
//!
//! class KeyValueServer:
//!     _rpc_methods_ = ['get', 'set', 'delete', 'exists', 'keys']
//!     def __init__(self, *args, **kwargs):
//!         self._data = {}
//!         self._serv = SSLSimpleXMLRPCServer(*args, allow_none=True, **kwargs)
//!         for name in self._rpc_methods_:
//!             self._serv.register_function(getattr(self, name))
//!     def get(self, name):         return self._data[name]
//!     def set(self, name, value):  self._data[name] = value
//!     def delete(self, name):      del self._data[name]
//!     def exists(self, name):      return name in self._data
//!     def keys(self):              return list(self._data)
//!     def serve_forever(self):     self._serv.serve_forever()
//!
//! kvserv = KeyValueServer(('', 15000), keyfile=KEYFILE, certfile=CERTFILE)
//! #   mutual auth: ..., ca_certs=CA_CERTS, cert_reqs=ssl.CERT_REQUIRED)
//! kvserv.serve_forever()
//! ```
//!
//! The XML-RPC codec (`mod xmlrpc`, written and parsed with quick-xml) and
//! the small HTTP/1.1 reader (`mod http`) below are shared with
//! `kv_client.rs`, which includes this file as a module.

// `pub(crate)`: kv_client, which includes this file, uses it from here.
#[path = "support/mod.rs"]
pub(crate) mod support;

use std::io::{self, BufReader, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sslwrap::{SslContext, SslSocket, CERT_REQUIRED, PROTOCOL_TLS_SERVER};
use support::Arg::Long;
use support::{Opt, ThrowawayDir};

use xmlrpc::{PyException, Value};

/// A client that connects and says nothing gives up its thread after this.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// An idle keep-alive connection is closed after this.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

static CLI: support::Cli = support::Cli {
    name: "kv_server",
    usage: "[--port N] [--certfile F [--keyfile F] | --keep-certs]\n\
            [--cafile F] [--require-client-cert]",
    about: "Serves get, set, delete, exists and keys as XML-RPC over HTTPS on 127.0.0.1,\n\
            one thread per connection, until interrupted. Without --certfile it makes\n\
            throw-away certificates, says where they are, and trusts their CA for clients.",
    ports: "the Python Cookbook's KeyValueServer over SSLSimpleXMLRPCServer (recipes 11.8, 11.10)",
    python: &[
        "kvserv = KeyValueServer(('', 15000), keyfile=KEYFILE, certfile=CERTFILE)",
        "#   mutual auth: ..., ca_certs=CA_CERTS, cert_reqs=ssl.CERT_REQUIRED)",
        "kvserv.serve_forever()",
    ],
    options: &[
        Opt::new("--port N", "the port to listen on, 0 for any free one").default("0"),
        Opt::new("--certfile F", "the server certificate chain, PEM").default("throw-away"),
        Opt::new("--keyfile F", "its private key").default("in --certfile"),
        Opt::new("--keep-certs", "keep the throw-away certificates at exit").default("removed"),
        Opt::new("--cafile F", "the CA that verifies client certificates")
            .default("the throw-away CA, if any"),
        Opt::new("--require-client-cert", "mutual TLS: CERT_REQUIRED").default("CERT_NONE"),
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
                arg => CLI.usage_error(arg.unexpected()),
            }
        }
        // With its own certificate, the server has no CA to trust by default.
        if flags.require_client_cert && flags.certfile.is_some() && flags.cafile.is_none() {
            CLI.usage_error(
                "--require-client-cert with --certfile needs --cafile (the clients' CA)",
            );
        }
        flags
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let flags = Flags::parse();
    // Before any thread starts: it blocks SIGINT/SIGTERM for its cleanup.
    let mut throwaway = None;
    let (certfile, keyfile, throwaway_ca) = match flags.certfile {
        Some(c) => (c, flags.keyfile, None),
        None => {
            let dir = throwaway.insert(ThrowawayDir::create("kv-server", flags.keep_certs)?);
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
            (pki.server_cert, Some(pki.server_key), Some(pki.ca))
        }
    };
    let cafile = flags.cafile.or(throwaway_ca);

    // ssl.wrap_socket(client, keyfile=..., certfile=..., server_side=True
    //                 [, ca_certs=..., cert_reqs=ssl.CERT_REQUIRED])
    let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER)?;
    ctx.load_cert_chain(&certfile, keyfile.as_deref(), None)?;
    if let Some(ca) = &cafile {
        ctx.load_verify_locations(Some(ca), None, None)?;
    }
    if flags.require_client_cert {
        ctx.set_verify_mode(CERT_REQUIRED)?;
    }

    let mut listener = ctx.wrap_listener(TcpListener::bind(("127.0.0.1", flags.port))?);
    // The handshake runs in the connection's thread, so a slow client holds
    // up only itself (Python's SSLMixin runs it in `get_request`, before
    // socketserver hands the connection on).
    listener.set_do_handshake_on_connect(false);
    listener.set_handshake_timeout(Some(HANDSHAKE_TIMEOUT));
    println!("listening on {}", listener.local_addr()?);

    let kv = Arc::new(KeyValueServer::default());
    loop {
        match listener.accept() {
            Ok((sock, addr)) => {
                let kv = Arc::clone(&kv);
                let spawned = std::thread::Builder::new()
                    .name(format!("kv {addr}"))
                    .spawn(move || serve_connection(sock, addr, &kv));
                if let Err(e) = spawned {
                    println!("{addr}: cannot start a thread: {e}");
                }
            }
            Err(e) => {
                // accept(2) itself failed (out of descriptors, …): say so,
                // breathe, and go on, as socketserver does.
                println!("{}: {e}", e.python_class());
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }
}

/// The Cookbook's `KeyValueServer`, behind a lock shared by the connection
/// threads. A `Vec` of pairs keeps Python's dict order (insertion order; a
/// key set again keeps its place).
#[derive(Debug, Default)]
struct KeyValueServer {
    data: Mutex<Vec<(Value, Value)>>,
}

impl KeyValueServer {
    /// `SimpleXMLRPCDispatcher._marshaled_dispatch`: an XML-RPC call in, the
    /// response out; any exception on the way becomes fault 1 with
    /// `"%s:%s" % (type(exc), exc)`.
    fn marshaled_dispatch(&self, body: &[u8]) -> Vec<u8> {
        let response = xmlrpc::load_call(body)
            .and_then(|call| self.dispatch(call.method.as_deref(), call.params))
            .and_then(|value| xmlrpc::dump_response(&value));
        match response {
            Ok(xml) => xml,
            Err(exc) => xmlrpc::dump_fault(1, &exc.fault_string()),
        }
    }

    /// `SimpleXMLRPCDispatcher._dispatch` over the five registered methods.
    fn dispatch(&self, method: Option<&str>, params: Vec<Value>) -> Result<Value, PyException> {
        // A poisoned lock means a thread panicked mid-update; the Vec is
        // still a valid dict, as Python's would be after an exception.
        let mut data = self.data.lock().unwrap_or_else(|e| e.into_inner());
        match method {
            Some("get") => {
                // return self._data[name]
                let [name] = args("get", params, ["name"])?;
                let i = find(&data, &name)?.ok_or_else(|| key_error(&name))?;
                Ok(data[i].1.clone())
            }
            Some("set") => {
                // self._data[name] = value
                let [name, value] = args("set", params, ["name", "value"])?;
                match find(&data, &name)? {
                    Some(i) => data[i].1 = value,
                    None => data.push((name, value)),
                }
                Ok(Value::Nil)
            }
            Some("delete") => {
                // del self._data[name]
                let [name] = args("delete", params, ["name"])?;
                let i = find(&data, &name)?.ok_or_else(|| key_error(&name))?;
                data.remove(i);
                Ok(Value::Nil)
            }
            Some("exists") => {
                // return name in self._data
                let [name] = args("exists", params, ["name"])?;
                Ok(Value::Bool(find(&data, &name)?.is_some()))
            }
            Some("keys") => {
                // return list(self._data)
                let [] = args("keys", params, [])?;
                Ok(Value::Array(data.iter().map(|(k, _)| k.clone()).collect()))
            }
            _ => Err(PyException::new(
                "Exception",
                format!("method \"{}\" is not supported", method.unwrap_or("None")),
            )),
        }
    }
}

/// The position of `key` in the dict, by Python's `hash` and `==`: an
/// unhashable key is a `TypeError`, and `1`, `1.0` and `True` are one key.
fn find(data: &[(Value, Value)], key: &Value) -> Result<Option<usize>, PyException> {
    let unhashable = match key {
        Value::Array(_) => Some("list"),
        Value::Struct(_) => Some("dict"),
        Value::DateTime(_) => Some("DateTime"),
        Value::Base64(_) => Some("Binary"),
        _ => None,
    };
    if let Some(t) = unhashable {
        return Err(PyException::new(
            "TypeError",
            format!("unhashable type: '{t}'"),
        ));
    }
    Ok(data.iter().position(|(k, _)| py_eq(k, key)))
}

/// Python's `==` between two hashable values.
fn py_eq(a: &Value, b: &Value) -> bool {
    fn number(v: &Value) -> Option<Result<i64, f64>> {
        match v {
            Value::Bool(b) => Some(Ok(i64::from(*b))),
            Value::Int(i) => Some(Ok(*i)),
            Value::Double(d) => Some(Err(*d)),
            _ => None,
        }
    }
    match (a, b) {
        (Value::Nil, Value::Nil) => true,
        (Value::String(x), Value::String(y)) => x == y,
        _ => match (number(a), number(b)) {
            (Some(Ok(x)), Some(Ok(y))) => x == y,
            (Some(Err(x)), Some(Err(y))) => x == y,
            // Exact, as Python compares an int with a float.
            (Some(Ok(i)), Some(Err(d))) | (Some(Err(d)), Some(Ok(i))) => {
                d.fract() == 0.0 && d >= -(2f64.powi(63)) && d < 2f64.powi(63) && d as i64 == i
            }
            _ => false,
        },
    }
}

/// `KeyError(name)`, whose `str` is the key's `repr`.
fn key_error(name: &Value) -> PyException {
    PyException::new("KeyError", xmlrpc::py_repr(name))
}

/// The call's arguments, or the `TypeError` Python raises for a bound
/// method called with the wrong number of them.
fn args<const N: usize>(
    method: &str,
    params: Vec<Value>,
    names: [&str; N],
) -> Result<[Value; N], PyException> {
    let given = params.len();
    params.try_into().map_err(|_| {
        let message = if given > N {
            // `self` counts in Python's numbers.
            let plural = if N + 1 == 1 { "" } else { "s" };
            format!(
                "KeyValueServer.{method}() takes {} positional argument{plural} but {} were given",
                N + 1,
                given + 1
            )
        } else {
            let missing: Vec<String> = names[given..].iter().map(|n| format!("'{n}'")).collect();
            let list = match missing.as_slice() {
                [one] => one.clone(),
                [init @ .., last] if init.len() == 1 => format!("{} and {last}", init[0]),
                [init @ .., last] => format!("{}, and {last}", init.join(", ")),
                [] => String::new(),
            };
            let plural = if missing.len() == 1 { "" } else { "s" };
            format!(
                "KeyValueServer.{method}() missing {} required positional argument{plural}: {list}",
                missing.len()
            )
        };
        PyException::new("TypeError", message)
    })
}

/// One client: the TLS handshake, then requests until it closes, goes idle
/// or sends something that ends the connection.
fn serve_connection(mut sock: SslSocket<TcpStream>, addr: SocketAddr, kv: &KeyValueServer) {
    // SSLMixin.get_request: ssl.wrap_socket(..., server_side=True). A client
    // that fails here is refused; the line is what the recipe's echo server
    // prints: print('{}: {}'.format(e.__class__.__name__, e))
    if let Err(e) = sock.do_handshake() {
        println!("{}: {e}", e.python_class());
        return;
    }
    let client = sock.getpeercert().ok().flatten().and_then(|c| {
        c.subject
            .iter()
            .flatten()
            .find(|(k, _)| k == "commonName")
            .map(|(_, v)| v.clone())
    });
    println!(
        "connection from {addr}: {} {} client={}",
        sock.version().unwrap_or_default(),
        sock.cipher().map(|c| c.0).unwrap_or_default(),
        client.as_deref().unwrap_or("-"),
    );
    if let Err(e) = sock.settimeout(Some(IDLE_TIMEOUT)) {
        println!("connection from {addr} ended: {e}");
        return;
    }
    let mut conn = BufReader::new(sock);
    loop {
        match handle_request(&mut conn, addr, kv) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) if e.kind() == io::ErrorKind::TimedOut => break,
            Err(e) => {
                println!("connection from {addr} ended: {e}");
                break;
            }
        }
    }
    // socketserver's shutdown_request: shutdown(SHUT_WR), then close; like
    // Python's SSLSocket.shutdown, without close_notify.
    let _ = conn.get_ref().get_ref().shutdown(Shutdown::Write);
}

/// Reads one request and answers it (`SimpleXMLRPCRequestHandler.do_POST`);
/// `Ok(true)` to keep the connection for the next one.
fn handle_request(
    conn: &mut BufReader<SslSocket<TcpStream>>,
    addr: SocketAddr,
    kv: &KeyValueServer,
) -> io::Result<bool> {
    let head = match http::read_head(conn) {
        Ok(Some(head)) => head,
        Ok(None) => return Ok(false),
        Err(http::Error::Io(e)) => return Err(e),
        Err(http::Error::Bad(status, reason)) => {
            respond(
                conn,
                addr,
                "-",
                status,
                reason,
                "text/plain",
                reason.as_bytes(),
                true,
            )?;
            return Ok(false);
        }
    };
    let request_line = head.start_line.clone();
    let mut parts = request_line.split(' ');
    let (method, target, version) = match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(m), Some(t), Some(v), None) if v.starts_with("HTTP/") => (m, t, v),
        _ => {
            let reason = "Bad request syntax";
            respond(
                conn,
                addr,
                &request_line,
                400,
                reason,
                "text/plain",
                reason.as_bytes(),
                true,
            )?;
            return Ok(false);
        }
    };
    if version != "HTTP/1.1" && version != "HTTP/1.0" {
        let reason = "HTTP Version Not Supported";
        respond(
            conn,
            addr,
            &request_line,
            505,
            reason,
            "text/plain",
            reason.as_bytes(),
            true,
        )?;
        return Ok(false);
    }
    // HTTP/1.1 keeps the connection unless told otherwise; 1.0 only if asked.
    let keep_alive = if version == "HTTP/1.1" {
        !head.has_token("connection", "close")
    } else {
        head.has_token("connection", "keep-alive")
    };

    // The checks before reading a body end the connection: its body, if
    // any, is left unread.
    let refusal = if method != "POST" {
        // BaseHTTPRequestHandler: no do_GET → 501.
        Some((
            501,
            format!("Unsupported method ('{method}')"),
            "text/plain",
            None,
        ))
    } else if target != "/" && target != "/RPC2" {
        // SimpleXMLRPCRequestHandler.report_404.
        Some((
            404,
            "Not Found".to_owned(),
            "text/plain",
            Some("No such page"),
        ))
    } else {
        match head.header("content-encoding") {
            Some(enc) if !enc.eq_ignore_ascii_case("identity") => Some((
                501,
                format!("encoding '{enc}' not supported"),
                "text/plain",
                None,
            )),
            _ => None,
        }
    };
    if let Some((status, reason, ctype, body)) = refusal {
        let body = body.unwrap_or(&reason).to_owned();
        respond(
            conn,
            addr,
            &request_line,
            status,
            &reason,
            ctype,
            body.as_bytes(),
            true,
        )?;
        return Ok(false);
    }
    let framing = match http::body_length(&head) {
        Ok(http::BodyLength::None) => Err((411, "Length Required")),
        Ok(http::BodyLength::Length(n)) if n > http::MAX_BODY => Err((413, "Payload Too Large")),
        Ok(framing) => Ok(framing),
        Err(http::Error::Bad(status, reason)) => Err((status, reason)),
        Err(http::Error::Io(e)) => return Err(e),
    };
    let framing = match framing {
        Ok(framing) => framing,
        Err((status, reason)) => {
            respond(
                conn,
                addr,
                &request_line,
                status,
                reason,
                "text/plain",
                reason.as_bytes(),
                true,
            )?;
            return Ok(false);
        }
    };
    if version == "HTTP/1.1" && head.has_token("expect", "100-continue") {
        conn.get_mut().write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let body = match http::read_body(conn, framing) {
        Ok(Some(body)) => body,
        // The client went away mid-body.
        Ok(None) => return Ok(false),
        Err(http::Error::Io(e)) => return Err(e),
        Err(http::Error::Bad(status, reason)) => {
            respond(
                conn,
                addr,
                &request_line,
                status,
                reason,
                "text/plain",
                reason.as_bytes(),
                true,
            )?;
            return Ok(false);
        }
    };

    let xml = kv.marshaled_dispatch(&body);
    let close = !keep_alive;
    respond(
        conn,
        addr,
        &request_line,
        200,
        "OK",
        "text/xml",
        &xml,
        close,
    )?;
    Ok(keep_alive)
}

/// Writes a whole response in one go and logs it to stderr the way
/// `BaseHTTPRequestHandler.log_request` does.
#[allow(clippy::too_many_arguments)]
fn respond(
    conn: &mut BufReader<SslSocket<TcpStream>>,
    addr: SocketAddr,
    request_line: &str,
    status: u16,
    reason: &str,
    content_type: &str,
    body: &[u8],
    close: bool,
) -> io::Result<()> {
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nServer: sslwrap-kv-server\r\nDate: {}\r\n\
         Content-Type: {content_type}\r\nContent-Length: {}\r\n",
        http::date(std::time::SystemTime::now(), http::DateStyle::Rfc7231),
        body.len()
    );
    if close {
        out.push_str("Connection: close\r\n");
    } else if request_line.ends_with("HTTP/1.0") {
        out.push_str("Connection: keep-alive\r\n");
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    let sock = conn.get_mut();
    sock.write_all(&bytes)?;
    sock.flush()?;
    eprintln!(
        "{} - - [{}] \"{request_line}\" {status} -",
        addr.ip(),
        http::date(std::time::SystemTime::now(), http::DateStyle::Log)
    );
    Ok(())
}

/// XML-RPC values, calls and responses as Python's `xmlrpc.client` writes
/// and reads them (`dumps`/`loads`), plus Python's `repr`/`str` of the
/// values for printing. Shared with `kv_client.rs`; each side uses half.
#[allow(dead_code)]
pub mod xmlrpc {
    use std::fmt;

    use quick_xml::escape::partial_escape;
    use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
    use quick_xml::{Reader, Writer};

    /// An XML-RPC value. Python's types in the comments.
    #[derive(Debug, Clone, PartialEq)]
    pub enum Value {
        /// `None` (`<nil/>`, with `allow_none=True`).
        Nil,
        /// `bool` (`<boolean>`).
        Bool(bool),
        /// `int` (`<int>`, `<i4>`, `<i8>`, … in; `<int>` out).
        Int(i64),
        /// `float` (`<double>`).
        Double(f64),
        /// `str` (`<string>`, or a `<value>` with bare text).
        String(String),
        /// `xmlrpc.client.DateTime` (`<dateTime.iso8601>`), kept as text.
        DateTime(String),
        /// `xmlrpc.client.Binary` (`<base64>`).
        Base64(Vec<u8>),
        /// `list` (`<array>`).
        Array(Vec<Value>),
        /// `dict` with `str` keys, in order (`<struct>`).
        Struct(Vec<(String, Value)>),
    }

    impl Value {
        /// A `Value::String`.
        pub fn str(s: &str) -> Value {
            Value::String(s.to_owned())
        }
    }

    /// A Python exception, as far as XML-RPC shows one: class and `str()`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct PyException {
        /// The qualified class name: `KeyError`, `xml.parsers.expat.ExpatError`.
        pub class: &'static str,
        /// `str(exc)`.
        pub message: String,
    }

    impl PyException {
        /// An exception of `class` with `message`.
        pub fn new(class: &'static str, message: impl Into<String>) -> PyException {
            PyException {
                class,
                message: message.into(),
            }
        }

        /// The faultString `SimpleXMLRPCServer` makes of it:
        /// `"%s:%s" % (type(exc), exc)`.
        pub fn fault_string(&self) -> String {
            format!("<class '{}'>:{}", self.class, self.message)
        }
    }

    impl fmt::Display for PyException {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "{}", self.message)
        }
    }

    /// An XML-RPC fault, Python's `xmlrpc.client.Fault`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Fault {
        /// faultCode.
        pub code: i64,
        /// faultString.
        pub string: String,
    }

    impl fmt::Display for Fault {
        /// As Python prints one: `<Fault 1: "<class 'KeyError'>:'spam'">`.
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "<Fault {}: {}>", self.code, repr_str(&self.string))
        }
    }

    /// A parsed `<methodCall>`. `method` is `None` without `<methodName>`.
    #[derive(Debug, Clone, PartialEq)]
    pub struct Call {
        /// `<methodName>`.
        pub method: Option<String>,
        /// `<params>`.
        pub params: Vec<Value>,
    }

    // --- writing: xmlrpc.client.dumps / Marshaller, byte for byte ----------

    /// `dumps(params, methodname)`.
    pub fn dump_call(method: &str, params: &[Value]) -> Result<Vec<u8>, PyException> {
        let mut w = XmlWriter::new();
        w.open("methodCall");
        w.nl();
        w.open("methodName");
        w.text(method);
        w.close("methodName");
        w.nl();
        w.open("params");
        w.nl();
        for p in params {
            w.open("param");
            w.nl();
            w.value(p)?;
            w.close("param");
            w.nl();
        }
        w.close("params");
        w.nl();
        w.close("methodCall");
        w.nl();
        Ok(w.finish())
    }

    /// `dumps((value,), methodresponse=True, allow_none=True)`; an int that
    /// does not fit 32 bits is Python's `OverflowError`.
    pub fn dump_response(value: &Value) -> Result<Vec<u8>, PyException> {
        let mut w = XmlWriter::new();
        w.open("methodResponse");
        w.nl();
        w.open("params");
        w.nl();
        w.open("param");
        w.nl();
        w.value(value)?;
        w.close("param");
        w.nl();
        w.close("params");
        w.nl();
        w.close("methodResponse");
        w.nl();
        Ok(w.finish())
    }

    /// `dumps(Fault(code, string))`.
    pub fn dump_fault(code: i64, string: &str) -> Vec<u8> {
        let mut w = XmlWriter::new();
        w.open("methodResponse");
        w.nl();
        w.open("fault");
        w.nl();
        let fault = Value::Struct(vec![
            ("faultCode".to_owned(), Value::Int(code)),
            ("faultString".to_owned(), Value::String(string.to_owned())),
        ]);
        // Python writes the code unchecked, so a wide code is written too.
        w.value_unchecked(&fault);
        w.close("fault");
        w.nl();
        w.close("methodResponse");
        w.nl();
        w.finish()
    }

    /// quick-xml's writer, with the newlines Python's Marshaller puts
    /// between elements.
    struct XmlWriter(Writer<Vec<u8>>);

    impl XmlWriter {
        /// Starts with Python's `<?xml version='1.0'?>` line.
        fn new() -> XmlWriter {
            let mut w = XmlWriter(Writer::new(Vec::new()));
            let decl = BytesStart::from_content("xml version='1.0'", 3);
            w.emit(Event::Decl(BytesDecl::from_start(decl)));
            w.nl();
            w
        }

        fn emit(&mut self, event: Event<'_>) {
            // Invariant: the sink is a Vec<u8>, whose writes cannot fail.
            self.0
                .write_event(event)
                .expect("writing XML into a Vec<u8> cannot fail");
        }

        fn open(&mut self, name: &str) {
            self.emit(Event::Start(BytesStart::new(name)));
        }

        fn close(&mut self, name: &str) {
            self.emit(Event::End(BytesEnd::new(name)));
        }

        fn empty(&mut self, name: &str) {
            self.emit(Event::Empty(BytesStart::new(name)));
        }

        /// Text escaped as Python's `xmlrpc.client.escape`: `&`, `<`, `>`.
        fn text(&mut self, s: &str) {
            self.emit(Event::Text(BytesText::from_escaped(partial_escape(s))));
        }

        fn nl(&mut self) {
            self.emit(Event::Text(BytesText::from_escaped("\n")));
        }

        /// `<value><tag>text</tag></value>` and a newline.
        fn scalar(&mut self, tag: &str, text: &str) {
            self.open("value");
            self.open(tag);
            self.text(text);
            self.close(tag);
            self.close("value");
            self.nl();
        }

        /// `Marshaller.dump` of one value, refusing ints beyond 32 bits as
        /// Python does (before writing anything, so no half value is left).
        fn value(&mut self, v: &Value) -> Result<(), PyException> {
            check_int_range(v)?;
            self.value_unchecked(v);
            Ok(())
        }

        fn value_unchecked(&mut self, v: &Value) {
            match v {
                // dump_nil writes no newline after it.
                Value::Nil => {
                    self.open("value");
                    self.empty("nil");
                    self.close("value");
                }
                Value::Bool(b) => self.scalar("boolean", if *b { "1" } else { "0" }),
                Value::Int(i) => self.scalar("int", &i.to_string()),
                Value::Double(d) => self.scalar("double", &repr_float(*d)),
                Value::String(s) => self.scalar("string", s),
                Value::DateTime(s) => self.scalar("dateTime.iso8601", s),
                Value::Base64(data) => {
                    self.open("value");
                    self.open("base64");
                    self.nl();
                    self.text(&base64_encodebytes(data));
                    self.close("base64");
                    self.close("value");
                    self.nl();
                }
                Value::Array(items) => {
                    self.open("value");
                    self.open("array");
                    self.open("data");
                    self.nl();
                    for item in items {
                        self.value_unchecked(item);
                    }
                    self.close("data");
                    self.close("array");
                    self.close("value");
                    self.nl();
                }
                Value::Struct(members) => {
                    self.open("value");
                    self.open("struct");
                    self.nl();
                    for (name, value) in members {
                        self.open("member");
                        self.nl();
                        self.open("name");
                        self.text(name);
                        self.close("name");
                        self.nl();
                        self.value_unchecked(value);
                        self.close("member");
                        self.nl();
                    }
                    self.close("struct");
                    self.close("value");
                    self.nl();
                }
            }
        }

        fn finish(self) -> Vec<u8> {
            self.0.into_inner()
        }
    }

    /// Marshaller.dump_long: `OverflowError("int exceeds XML-RPC limits")`.
    fn check_int_range(v: &Value) -> Result<(), PyException> {
        match v {
            Value::Int(i) if i32::try_from(*i).is_err() => Err(PyException::new(
                "OverflowError",
                "int exceeds XML-RPC limits",
            )),
            Value::Array(items) => items.iter().try_for_each(check_int_range),
            Value::Struct(members) => members.iter().try_for_each(|(_, v)| check_int_range(v)),
            _ => Ok(()),
        }
    }

    // --- reading: xmlrpc.client.loads / Unmarshaller -----------------------

    /// `loads(data)` of a `<methodCall>`.
    pub fn load_call(xml: &[u8]) -> Result<Call, PyException> {
        let mut p = Parser::new(xml)?;
        p.root("methodCall")?;
        let mut call = Call {
            method: None,
            params: Vec::new(),
        };
        loop {
            match p.tag()? {
                Tag::Start(name) if name == "methodName" => call.method = Some(p.text()?),
                Tag::Start(name) if name == "params" => call.params = p.params()?,
                Tag::End(name) if name == "methodCall" => return Ok(call),
                Tag::Start(other) => p.skip(&other)?,
                Tag::End(_) | Tag::Eof => return Err(response_error("")),
            }
        }
    }

    /// `loads(data)` of a `<methodResponse>`: the value, or the fault.
    pub fn load_response(xml: &[u8]) -> Result<Result<Value, Fault>, PyException> {
        let mut p = Parser::new(xml)?;
        p.root("methodResponse")?;
        let result = loop {
            match p.tag()? {
                Tag::Start(name) if name == "params" => {
                    let mut params = p.params()?;
                    if params.is_empty() {
                        return Err(response_error(""));
                    }
                    break Ok(params.swap_remove(0));
                }
                Tag::Start(name) if name == "fault" => break Err(p.fault()?),
                Tag::Start(other) => p.skip(&other)?,
                Tag::End(_) | Tag::Eof => return Err(response_error("")),
            }
        };
        Ok(result)
    }

    /// Python's `ResponseError(msg)`, whose `str` is its `repr`.
    fn response_error(msg: &str) -> PyException {
        let message = if msg.is_empty() {
            "ResponseError()".to_owned()
        } else {
            format!("ResponseError({})", repr_str(msg))
        };
        PyException::new("xmlrpc.client.ResponseError", message)
    }

    /// A structural event: a start or end tag (local name) or the end.
    enum Tag {
        Start(String),
        End(String),
        Eof,
    }

    /// A pull parser over quick-xml's events with XML-RPC's grammar on top.
    struct Parser<'a> {
        reader: Reader<&'a [u8]>,
    }

    impl<'a> Parser<'a> {
        fn new(xml: &'a [u8]) -> Result<Parser<'a>, PyException> {
            // Python reads what the declaration says; XML-RPC clients send
            // UTF-8 (Python's does), so that is what is accepted here.
            std::str::from_utf8(xml)
                .map_err(|e| expat(format!("not well-formed (invalid token): {e}")))?;
            let mut reader = Reader::from_reader(xml);
            // `<nil/>` arrives as a start and an end, as from expat.
            reader.config_mut().expand_empty_elements = true;
            Ok(Parser { reader })
        }

        /// The next event that matters: no comments, declarations,
        /// processing instructions or doctypes.
        fn event(&mut self) -> Result<Event<'a>, PyException> {
            loop {
                let event = self.reader.read_event().map_err(|e| {
                    expat(format!("{e} (at byte {})", self.reader.error_position()))
                })?;
                match event {
                    Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
                    event => return Ok(event),
                }
            }
        }

        /// The next tag; text between tags is ignored, as Python's
        /// Unmarshaller ignores it.
        fn tag(&mut self) -> Result<Tag, PyException> {
            loop {
                match self.event()? {
                    Event::Start(e) => return Ok(Tag::Start(local_name(e.local_name().as_ref()))),
                    Event::End(e) => return Ok(Tag::End(local_name(e.local_name().as_ref()))),
                    Event::Eof => return Ok(Tag::Eof),
                    _ => {}
                }
            }
        }

        /// Expects the document element `name`.
        fn root(&mut self, name: &str) -> Result<(), PyException> {
            loop {
                match self.event()? {
                    Event::Start(e) if local_name(e.local_name().as_ref()) == name => return Ok(()),
                    Event::Start(_) | Event::End(_) => return Err(response_error("")),
                    Event::Eof => return Err(expat("no element found".to_owned())),
                    // Only whitespace may come before the document element.
                    Event::Text(t) if t.iter().all(u8::is_ascii_whitespace) => {}
                    _ => return Err(expat("syntax error".to_owned())),
                }
            }
        }

        /// The text content up to the end tag of the element just opened:
        /// text, character and entity references, CDATA.
        fn text(&mut self) -> Result<String, PyException> {
            let mut out = String::new();
            loop {
                match self.event()? {
                    Event::Text(t) => out.push_str(&t.xml10_content().map_err(xml_err)?),
                    Event::CData(t) => out.push_str(&t.xml10_content().map_err(xml_err)?),
                    Event::GeneralRef(r) => {
                        if let Some(c) = r.resolve_char_ref().map_err(xml_err)? {
                            out.push(c);
                        } else {
                            let name = r.decode().map_err(xml_err)?;
                            match quick_xml::escape::resolve_predefined_entity(&name) {
                                Some(s) => out.push_str(s),
                                None => return Err(expat(format!("undefined entity &{name};"))),
                            }
                        }
                    }
                    Event::End(_) => return Ok(out),
                    Event::Start(e) => {
                        let name = local_name(e.local_name().as_ref());
                        return Err(response_error(&format!("unknown tag {}", repr_str(&name))));
                    }
                    Event::Eof => return Err(expat("no element found".to_owned())),
                    _ => {}
                }
            }
        }

        /// Skips the element just opened, with all it holds.
        fn skip(&mut self, name: &str) -> Result<(), PyException> {
            let mut depth = 1;
            while depth > 0 {
                match self.tag()? {
                    Tag::Start(_) => depth += 1,
                    Tag::End(_) => depth -= 1,
                    Tag::Eof => return Err(expat(format!("no end tag for <{name}>"))),
                }
            }
            Ok(())
        }

        /// The values of `<params>`, each in a `<param>`.
        fn params(&mut self) -> Result<Vec<Value>, PyException> {
            let mut params = Vec::new();
            loop {
                match self.tag()? {
                    Tag::Start(name) if name == "param" => {}
                    Tag::End(name) if name == "param" => {}
                    Tag::Start(name) if name == "value" => params.push(self.value()?),
                    Tag::End(name) if name == "params" => return Ok(params),
                    _ => return Err(response_error("")),
                }
            }
        }

        /// The value of the `<value>` just opened.
        fn value(&mut self) -> Result<Value, PyException> {
            let mut bare = String::new();
            loop {
                match self.event()? {
                    Event::Text(t) => bare.push_str(&t.xml10_content().map_err(xml_err)?),
                    Event::CData(t) => bare.push_str(&t.xml10_content().map_err(xml_err)?),
                    Event::GeneralRef(r) => {
                        // Resolved the same way as in typed text.
                        let name = r.decode().map_err(xml_err)?;
                        match r.resolve_char_ref().map_err(xml_err)? {
                            Some(c) => bare.push(c),
                            None => match quick_xml::escape::resolve_predefined_entity(&name) {
                                Some(s) => bare.push_str(s),
                                None => return Err(expat(format!("undefined entity &{name};"))),
                            },
                        }
                    }
                    // <value>text</value> is a string.
                    Event::End(_) => return Ok(Value::String(bare)),
                    Event::Start(e) => {
                        let name = local_name(e.local_name().as_ref());
                        let value = self.typed(&name)?;
                        return match self.tag()? {
                            Tag::End(end) if end == "value" => Ok(value),
                            _ => Err(response_error("")),
                        };
                    }
                    Event::Eof => return Err(expat("no element found".to_owned())),
                    _ => {}
                }
            }
        }

        /// The typed element `name` just opened inside a `<value>`, with
        /// the errors Python's Unmarshaller raises for bad contents.
        fn typed(&mut self, name: &str) -> Result<Value, PyException> {
            Ok(match name {
                "string" => Value::String(self.text()?),
                "int" | "i4" | "i8" | "i1" | "i2" | "biginteger" => {
                    let text = self.text()?;
                    let digits: String = text.trim().chars().filter(|&c| c != '_').collect();
                    match digits.parse::<i64>() {
                        Ok(i) => Value::Int(i),
                        Err(e)
                            if matches!(
                                e.kind(),
                                std::num::IntErrorKind::PosOverflow
                                    | std::num::IntErrorKind::NegOverflow
                            ) =>
                        {
                            return Err(PyException::new(
                                "OverflowError",
                                "int exceeds XML-RPC limits",
                            ))
                        }
                        Err(_) => {
                            return Err(PyException::new(
                                "ValueError",
                                format!(
                                    "invalid literal for int() with base 10: {}",
                                    repr_str(&text)
                                ),
                            ))
                        }
                    }
                }
                "boolean" => match self.text()?.as_str() {
                    "0" => Value::Bool(false),
                    "1" => Value::Bool(true),
                    _ => return Err(PyException::new("TypeError", "bad boolean value")),
                },
                "double" | "float" => {
                    let text = self.text()?;
                    match text.trim().parse::<f64>() {
                        Ok(d) => Value::Double(d),
                        Err(_) => {
                            return Err(PyException::new(
                                "ValueError",
                                format!("could not convert string to float: {}", repr_str(&text)),
                            ))
                        }
                    }
                }
                "nil" => {
                    self.text()?;
                    Value::Nil
                }
                "dateTime.iso8601" => Value::DateTime(self.text()?.trim().to_owned()),
                "base64" => Value::Base64(base64_decodebytes(&self.text()?)?),
                "array" => {
                    let mut items = Vec::new();
                    loop {
                        match self.tag()? {
                            Tag::Start(n) | Tag::End(n) if n == "data" => {}
                            Tag::Start(n) if n == "value" => items.push(self.value()?),
                            Tag::End(n) if n == "array" => break Value::Array(items),
                            _ => return Err(response_error("")),
                        }
                    }
                }
                "struct" => {
                    let mut members: Vec<(String, Value)> = Vec::new();
                    loop {
                        match self.tag()? {
                            Tag::Start(n) if n == "member" => {
                                let (name, value) = self.member()?;
                                // A repeated name keeps its place and takes
                                // the later value, as a dict does.
                                match members.iter_mut().find(|(k, _)| *k == name) {
                                    Some(slot) => slot.1 = value,
                                    None => members.push((name, value)),
                                }
                            }
                            Tag::End(n) if n == "struct" => break Value::Struct(members),
                            _ => return Err(response_error("")),
                        }
                    }
                }
                other => return Err(response_error(&format!("unknown tag {}", repr_str(other)))),
            })
        }

        /// `<name>` and `<value>` of the `<member>` just opened.
        fn member(&mut self) -> Result<(String, Value), PyException> {
            let (mut name, mut value) = (None, None);
            loop {
                match self.tag()? {
                    Tag::Start(n) if n == "name" => name = Some(self.text()?),
                    Tag::Start(n) if n == "value" => value = Some(self.value()?),
                    Tag::End(n) if n == "member" => break,
                    _ => return Err(response_error("")),
                }
            }
            match (name, value) {
                (Some(name), Some(value)) => Ok((name, value)),
                _ => Err(response_error("")),
            }
        }

        /// The struct of the `<fault>` just opened.
        fn fault(&mut self) -> Result<Fault, PyException> {
            let value = match self.tag()? {
                Tag::Start(n) if n == "value" => self.value()?,
                _ => return Err(response_error("")),
            };
            let Value::Struct(members) = value else {
                return Err(response_error(""));
            };
            let code = members.iter().find(|(k, _)| k == "faultCode");
            let string = members.iter().find(|(k, _)| k == "faultString");
            match (code, string) {
                (Some((_, Value::Int(code))), Some((_, Value::String(string)))) => Ok(Fault {
                    code: *code,
                    string: string.clone(),
                }),
                _ => Err(response_error("")),
            }
        }
    }

    /// A tag's local name (Python drops an `ex:` prefix the same way).
    fn local_name(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).into_owned()
    }

    /// Malformed XML: Python's class, quick-xml's words.
    fn expat(message: String) -> PyException {
        PyException::new("xml.parsers.expat.ExpatError", message)
    }

    fn xml_err(e: impl fmt::Display) -> PyException {
        expat(e.to_string())
    }

    // --- base64, as base64.encodebytes / decodebytes ------------------------

    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// `base64.encodebytes`: lines of 76 characters, each ending in `\n`.
    fn base64_encodebytes(data: &[u8]) -> String {
        let mut out = String::new();
        for line in data.chunks(57) {
            for group in line.chunks(3) {
                let b = [
                    group[0],
                    *group.get(1).unwrap_or(&0),
                    *group.get(2).unwrap_or(&0),
                ];
                let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
                for i in 0..4 {
                    if i <= group.len() {
                        out.push(char::from(B64[((n >> (18 - 6 * i)) & 63) as usize]));
                    } else {
                        out.push('=');
                    }
                }
            }
            out.push('\n');
        }
        out
    }

    /// `base64.decodebytes`: characters outside the alphabet are skipped,
    /// padding is checked.
    fn base64_decodebytes(text: &str) -> Result<Vec<u8>, PyException> {
        let mut sextets = Vec::new();
        let mut padding = 0;
        for c in text.bytes() {
            if c == b'=' {
                padding += 1;
            } else if let Some(v) = B64.iter().position(|&a| a == c) {
                if padding > 0 {
                    break;
                }
                sextets.push(v as u32);
            }
        }
        let needed = (4 - sextets.len() % 4) % 4;
        if sextets.len() % 4 == 1 || padding < needed {
            return Err(PyException::new("binascii.Error", "Incorrect padding"));
        }
        let mut out = Vec::new();
        for group in sextets.chunks(4) {
            let n = group
                .iter()
                .enumerate()
                .fold(0u32, |n, (i, s)| n | (s << (18 - 6 * i)));
            let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
            out.extend_from_slice(&bytes[..group.len() - 1]);
        }
        Ok(out)
    }

    // --- Python's repr() and str() of the values ----------------------------

    /// `print(value)`: `str()`, which for a `str` is the text itself.
    pub fn py_str(v: &Value) -> String {
        match v {
            Value::String(s) | Value::DateTime(s) => s.clone(),
            // Binary.__str__: the bytes as Latin-1.
            Value::Base64(b) => b.iter().map(|&c| char::from(c)).collect(),
            v => py_repr(v),
        }
    }

    /// `repr(value)`, as `print` shows the items of a list or dict.
    pub fn py_repr(v: &Value) -> String {
        match v {
            Value::Nil => "None".to_owned(),
            Value::Bool(true) => "True".to_owned(),
            Value::Bool(false) => "False".to_owned(),
            Value::Int(i) => i.to_string(),
            Value::Double(d) => repr_float(*d),
            Value::String(s) => repr_str(s),
            // Python appends the object's address: `<DateTime '…' at 0x7f…>`.
            Value::DateTime(s) => format!("<DateTime {}>", repr_str(s)),
            Value::Base64(_) => "<xmlrpc.client.Binary object>".to_owned(),
            Value::Array(items) => {
                let items: Vec<String> = items.iter().map(py_repr).collect();
                format!("[{}]", items.join(", "))
            }
            Value::Struct(members) => {
                let members: Vec<String> = members
                    .iter()
                    .map(|(k, v)| format!("{}: {}", repr_str(k), py_repr(v)))
                    .collect();
                format!("{{{}}}", members.join(", "))
            }
        }
    }

    /// Python's `repr(float)`: the shortest digits that read back the same,
    /// in positional notation from 1e-4 up to 1e16, else `1e+16` style.
    pub fn repr_float(d: f64) -> String {
        if d.is_nan() {
            return "nan".to_owned();
        }
        if d.is_infinite() {
            return if d > 0.0 { "inf" } else { "-inf" }.to_owned();
        }
        // `{:e}` gives the shortest round-trip digits: "1.2345e-5".
        let sci = format!("{:e}", d.abs());
        let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let digits = mantissa.replace('.', "");
        let sign = if d.is_sign_negative() { "-" } else { "" };
        if !(-4..16).contains(&exp) {
            let esign = if exp < 0 { '-' } else { '+' };
            format!("{sign}{mantissa}e{esign}{:02}", exp.abs())
        } else if exp < 0 {
            format!("{sign}0.{}{digits}", "0".repeat((-exp - 1) as usize))
        } else {
            let int_len = exp as usize + 1;
            if digits.len() <= int_len {
                format!("{sign}{digits}{}.0", "0".repeat(int_len - digits.len()))
            } else {
                format!("{sign}{}.{}", &digits[..int_len], &digits[int_len..])
            }
        }
    }

    /// Python's `repr(str)`: single quotes unless the text has one and no
    /// double quote; backslash escapes for the quote, `\\`, `\t`, `\n`,
    /// `\r` and characters Python does not print (control and format
    /// characters and the separators other than space; Python's full
    /// `str.isprintable` table is not reproduced).
    pub fn repr_str(s: &str) -> String {
        let quote = if s.contains('\'') && !s.contains('"') {
            '"'
        } else {
            '\''
        };
        let mut out = String::with_capacity(s.len() + 2);
        out.push(quote);
        for c in s.chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\t' => out.push_str("\\t"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                c if c == quote => {
                    out.push('\\');
                    out.push(c);
                }
                c if !printable(c) => {
                    let n = u32::from(c);
                    if n < 0x100 {
                        out.push_str(&format!("\\x{n:02x}"));
                    } else if n < 0x10000 {
                        out.push_str(&format!("\\u{n:04x}"));
                    } else {
                        out.push_str(&format!("\\U{n:08x}"));
                    }
                }
                c => out.push(c),
            }
        }
        out.push(quote);
        out
    }

    fn printable(c: char) -> bool {
        !(c.is_control()
            || matches!(c,
                '\u{a0}' | '\u{ad}' | '\u{1680}' | '\u{2000}'..='\u{200f}'
                | '\u{2028}'..='\u{202f}' | '\u{205f}'..='\u{2064}' | '\u{3000}'
                | '\u{feff}' | '\u{e000}'..='\u{f8ff}'))
    }
}

/// The bit of HTTP/1.1 an XML-RPC server and client need: message heads,
/// bodies by Content-Length or chunked, and dates. Shared with
/// `kv_client.rs`.
#[allow(dead_code)]
pub mod http {
    use std::io::{self, BufRead, Read};
    use std::time::{SystemTime, UNIX_EPOCH};

    /// Longest start or header line (Python's `http.client._MAXLINE`).
    pub const MAX_LINE: usize = 65536;
    /// Most header lines (Python's `http.client._MAXHEADERS`).
    pub const MAX_HEADERS: usize = 100;
    /// Largest body accepted.
    pub const MAX_BODY: usize = 32 << 20;

    /// Why a message could not be read.
    #[derive(Debug)]
    pub enum Error {
        /// The stream failed (timeout, reset, TLS error).
        Io(io::Error),
        /// The message is malformed: the status to answer and its reason.
        Bad(u16, &'static str),
    }

    impl From<io::Error> for Error {
        fn from(e: io::Error) -> Error {
            Error::Io(e)
        }
    }

    /// A start line and headers.
    #[derive(Debug, Clone)]
    pub struct Head {
        /// `POST /RPC2 HTTP/1.1` or `HTTP/1.0 200 OK`.
        pub start_line: String,
        /// Names as sent; compare them ignoring case.
        pub headers: Vec<(String, String)>,
    }

    impl Head {
        /// The first header called `name` (any case).
        pub fn header(&self, name: &str) -> Option<&str> {
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        }

        /// Whether a comma-separated header `name` lists `token` (any case).
        pub fn has_token(&self, name: &str, token: &str) -> bool {
            self.headers
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .flat_map(|(_, v)| v.split(','))
                .any(|t| t.trim().eq_ignore_ascii_case(token))
        }
    }

    /// How the body is delimited.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum BodyLength {
        /// `Transfer-Encoding: chunked`.
        Chunked,
        /// `Content-Length`.
        Length(usize),
        /// Neither: no body in a request, the rest of the stream in a response.
        None,
    }

    /// One line without its CRLF (or LF); `None` at the end of the stream.
    fn read_line(r: &mut impl BufRead) -> Result<Option<String>, Error> {
        let mut buf = Vec::new();
        let n = r.take(MAX_LINE as u64 + 1).read_until(b'\n', &mut buf)?;
        if n == 0 {
            return Ok(None);
        }
        if !buf.ends_with(b"\n") {
            return Err(if buf.len() > MAX_LINE {
                Error::Bad(431, "Request Header Fields Too Large")
            } else {
                // The stream ended mid-line.
                Error::Bad(400, "Bad Request")
            });
        }
        buf.pop();
        if buf.ends_with(b"\r") {
            buf.pop();
        }
        Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
    }

    /// Reads the start line and headers; `Ok(None)` when the stream ends
    /// cleanly before the message starts.
    pub fn read_head(r: &mut impl BufRead) -> Result<Option<Head>, Error> {
        // RFC 9112 2.2: ignore empty lines before the start line.
        let start_line = loop {
            match read_line(r)? {
                None => return Ok(None),
                Some(line) if line.is_empty() => {}
                Some(line) => break line,
            }
        };
        let mut headers = Vec::new();
        loop {
            let line = read_line(r)?.ok_or(Error::Bad(400, "Bad Request"))?;
            if line.is_empty() {
                return Ok(Some(Head {
                    start_line,
                    headers,
                }));
            }
            if headers.len() == MAX_HEADERS {
                return Err(Error::Bad(431, "Request Header Fields Too Large"));
            }
            // No obsolete line folding, no space before the colon.
            let (name, value) = line
                .split_once(':')
                .filter(|(n, _)| !n.is_empty() && !n.contains(char::is_whitespace))
                .ok_or(Error::Bad(400, "Bad Request"))?;
            headers.push((name.to_owned(), value.trim().to_owned()));
        }
    }

    /// The framing the headers declare (RFC 9112 6.3).
    pub fn body_length(head: &Head) -> Result<BodyLength, Error> {
        if let Some(te) = head.header("transfer-encoding") {
            let last = te.rsplit(',').next().unwrap_or("").trim();
            return if last.eq_ignore_ascii_case("chunked") {
                Ok(BodyLength::Chunked)
            } else {
                Err(Error::Bad(501, "Not Implemented"))
            };
        }
        let mut length = None;
        for (_, v) in head
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        {
            let n: usize = v
                .trim()
                .parse()
                .map_err(|_| Error::Bad(400, "Bad Request"))?;
            if length.is_some_and(|l| l != n) {
                return Err(Error::Bad(400, "Bad Request"));
            }
            length = Some(n);
        }
        Ok(length.map_or(BodyLength::None, BodyLength::Length))
    }

    /// Reads the body; `Ok(None)` if the stream ends before it does.
    /// `BodyLength::None` reads to the end of the stream.
    pub fn read_body(r: &mut impl BufRead, framing: BodyLength) -> Result<Option<Vec<u8>>, Error> {
        let mut body = Vec::new();
        match framing {
            BodyLength::Length(n) => {
                if n > MAX_BODY {
                    return Err(Error::Bad(413, "Payload Too Large"));
                }
                r.take(n as u64).read_to_end(&mut body)?;
                if body.len() < n {
                    return Ok(None);
                }
            }
            BodyLength::None => {
                r.take(MAX_BODY as u64 + 1).read_to_end(&mut body)?;
                if body.len() > MAX_BODY {
                    return Err(Error::Bad(413, "Payload Too Large"));
                }
            }
            BodyLength::Chunked => loop {
                let Some(line) = read_line(r)? else {
                    return Ok(None);
                };
                let size = line.split(';').next().unwrap_or("").trim();
                let size =
                    usize::from_str_radix(size, 16).map_err(|_| Error::Bad(400, "Bad Request"))?;
                if size == 0 {
                    // Trailers, then the empty line.
                    loop {
                        match read_line(r)? {
                            None => return Ok(None),
                            Some(l) if l.is_empty() => return Ok(Some(body)),
                            Some(_) => {}
                        }
                    }
                }
                if body.len() + size > MAX_BODY {
                    return Err(Error::Bad(413, "Payload Too Large"));
                }
                let before = body.len();
                r.take(size as u64).read_to_end(&mut body)?;
                if body.len() - before < size {
                    return Ok(None);
                }
                match read_line(r)? {
                    Some(l) if l.is_empty() => {}
                    Some(_) => return Err(Error::Bad(400, "Bad Request")),
                    None => return Ok(None),
                }
            },
        }
        Ok(Some(body))
    }

    /// Which date format.
    #[derive(Debug, Clone, Copy)]
    pub enum DateStyle {
        /// The `Date:` header: `Mon, 23 Nov 2026 15:29:48 GMT`.
        Rfc7231,
        /// `BaseHTTPRequestHandler.log_date_time_string`: `23/Nov/2026 15:29:48`
        /// (in UTC here; Python uses local time).
        Log,
    }

    /// `t` formatted in UTC.
    pub fn date(t: SystemTime, style: DateStyle) -> String {
        const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let secs = t.duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let (days, rem) = (secs / 86400, secs % 86400);
        let (hh, mm, ss) = (rem / 3600, rem % 3600 / 60, rem % 60);
        // Howard Hinnant's civil_from_days, for days since 1970-01-01 >= 0.
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + u64::from(month <= 2);
        let mon = MONTHS[(month - 1) as usize];
        match style {
            DateStyle::Rfc7231 => format!(
                "{}, {day:02} {mon} {year} {hh:02}:{mm:02}:{ss:02} GMT",
                DAYS[(days % 7) as usize]
            ),
            DateStyle::Log => format!("{day:02}/{mon}/{year} {hh:02}:{mm:02}:{ss:02}"),
        }
    }
}
