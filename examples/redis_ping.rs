//! redis-py's `ssl=True` connection (the Azure Cache for Redis document), ported.
//!
//! ```text
//! cargo run --example redis_ping -- [--host localhost] [--port 6379]
//!     [--username NAME] [--password PW] [--ssl-ca-certs CA.pem] [--ssl-ca-path DIR]
//!     [--ssl-certfile CERT.pem --ssl-keyfile KEY.pem [--ssl-password PW]]
//!     [--ssl-cert-reqs required|optional|none] [--ssl-check-hostname true|false]
//!     [--key foo] [--value bar] [--socket-timeout 10] [--socket-connect-timeout 10]
//! ```
//!
//! The Python original:
//!
//! ```python
//! import redis
//! r = redis.StrictRedis(host='myhost.redis.cache.windows.net', port=6380,
//!                       password='<access key>', ssl=True,
//!                       ssl_ca_certs='ca.pem', ssl_cert_reqs='required')
//! r.ping()              # True
//! r.set('foo', 'bar')   # True
//! r.get('foo')          # b'bar'
//! ```
//!
//! Each flag is the redis-py argument of the same name, with redis-py's
//! default (`--help` lists them); a bad command line exits 2, and so does a
//! `--ssl-cert-reqs` other than `none`, `optional` or `required` (redis-py
//! raises `RedisError` for it). The TLS set-up is redis-py's `SSLConnection._wrap_socket_with_ssl`
//! line by line:
//!
//! ```python
//! context = ssl.create_default_context()        # system CAs loaded, TLS 1.2+
//! context.check_hostname = ssl_check_hostname   # forced False when ssl_cert_reqs='none'
//! context.verify_mode = ssl_cert_reqs           # 'required' by default
//! if ssl_certfile or ssl_keyfile:
//!     context.load_cert_chain(certfile=ssl_certfile, keyfile=ssl_keyfile, password=ssl_password)
//! if ssl_ca_certs is not None or ssl_ca_path is not None:
//!     context.load_verify_locations(cafile=ssl_ca_certs, capath=ssl_ca_path)
//! sslsock = context.wrap_socket(sock, server_hostname=host)
//! ```
//!
//! `--ssl-ca-certs` is the CA that verifies the *server*; it adds to the
//! system CAs and does not make the connection two-way. A client certificate
//! (`--ssl-certfile`/`--ssl-keyfile`) is what a server started with
//! `--tls-auth-clients yes` asks for.
//!
//! Then it speaks RESP2 by hand, as `redis-cli` does: `AUTH` when a password
//! is given, `PING`, `SET key value`, `GET key`, printing each reply the way
//! `redis-cli` prints it (`PONG`, `OK`, `"bar"`). An error reply is printed
//! as `(error) WRONGPASS …` and ends the run with exit status 1, where
//! redis-py raises. A TLS or socket failure prints Python's exception class
//! and message (the exception redis-py wraps in its `ConnectionError`), e.g.
//! `SSLCertVerificationError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate
//! verify failed: self-signed certificate in certificate chain`, exit 1.
//!
//! Differences from redis-py: redis-py 8 authenticates with `HELLO 3 AUTH
//! default PW` and speaks RESP3 (older versions, and `protocol=2`, send
//! `AUTH PW`); this port sends `AUTH [USER] PW` and speaks RESP2 like
//! `redis-cli`. The reply text of a failed `AUTH` is the same. redis-py's
//! sockets have no timeout unless given one; here both default to 10
//! seconds so a newcomer's run cannot hang. There is no retry.

#[path = "support/mod.rs"]
mod support;

use std::fmt;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

use sslwrap::{
    create_default_context, Purpose, SslError, SslSocket, VerifyMode, WrapOptions, CERT_NONE,
    CERT_OPTIONAL, CERT_REQUIRED,
};
use support::Arg::Long;
use support::Opt;

static CLI: support::Cli = support::Cli {
    name: "redis_ping",
    usage: "[--host H] [--port N] [--username NAME] [--password PW]\n\
            [--ssl-ca-certs CA] [--ssl-ca-path DIR]\n\
            [--ssl-certfile CERT [--ssl-keyfile KEY] [--ssl-password PW]]\n\
            [--ssl-cert-reqs required|optional|none] [--ssl-check-hostname true|false]\n\
            [--key K] [--value V] [--socket-timeout SECS] [--socket-connect-timeout SECS]",
    about: "Connects to Redis over TLS as redis-py's ssl=True does, then sends AUTH (with a\n\
            password), PING, SET key value and GET key, printing each reply as redis-cli\n\
            does. Exits 1 on an error reply or a TLS or socket failure (Python's exception\n\
            class and message). Each option is the redis-py argument of the same name.",
    ports: "redis-py's StrictRedis(ssl=True) of the Azure Cache for Redis document",
    python: &[
        "r = redis.StrictRedis(host=HOST, port=PORT, password=PW, ssl=True,",
        "                      ssl_ca_certs=CA, ssl_cert_reqs='required')",
        "r.ping(); r.set('foo', 'bar'); r.get('foo')",
    ],
    options: &[
        Opt::new("--host H", "the server, as its certificate names it").default("localhost"),
        Opt::new("--port N", "the server's TLS port").default("6379"),
        Opt::new("--username NAME", "an ACL user: AUTH NAME PW").default("none, AUTH PW"),
        Opt::new("--password PW", "the password for AUTH").default("no AUTH"),
        Opt::new(
            "--ssl-ca-certs CA",
            "a CA for the server, added to the system's",
        )
        .default("none"),
        Opt::new("--ssl-ca-path DIR", "a hashed CA folder, likewise").default("none"),
        Opt::new("--ssl-certfile CERT", "a client certificate, PEM").default("none"),
        Opt::new("--ssl-keyfile KEY", "its private key").default("in --ssl-certfile"),
        Opt::new("--ssl-password PW", "the password of an encrypted key").default("none"),
        Opt::new("--ssl-cert-reqs R", "required, optional or none").default("required"),
        Opt::new("--ssl-check-hostname B", "true or false; false under none").default("true"),
        Opt::new("--key K", "the key to SET and GET").default("foo"),
        Opt::new("--value V", "the value to SET").default("bar"),
        Opt::new("--socket-timeout SECS", "each read and write").default("10"),
        Opt::new("--socket-connect-timeout SECS", "each connect").default("10"),
    ],
};

/// The command line, in redis-py's terms.
struct Flags {
    host: String,
    port: u16,
    username: Option<String>,
    password: Option<String>,
    ssl_ca_certs: Option<PathBuf>,
    ssl_ca_path: Option<PathBuf>,
    ssl_certfile: Option<PathBuf>,
    ssl_keyfile: Option<PathBuf>,
    ssl_password: Option<String>,
    ssl_cert_reqs: VerifyMode,
    ssl_check_hostname: bool,
    key: String,
    value: String,
    socket_timeout: Duration,
    socket_connect_timeout: Duration,
}

impl Flags {
    fn parse() -> Flags {
        let mut f = Flags {
            host: "localhost".into(),
            port: 6379,
            username: None,
            password: None,
            ssl_ca_certs: None,
            ssl_ca_path: None,
            ssl_certfile: None,
            ssl_keyfile: None,
            ssl_password: None,
            ssl_cert_reqs: CERT_REQUIRED,
            ssl_check_hostname: true,
            key: "foo".into(),
            value: "bar".into(),
            socket_timeout: Duration::from_secs(10),
            socket_connect_timeout: Duration::from_secs(10),
        };
        let mut args = CLI.args();
        while let Some(arg) = args.next() {
            match arg {
                Long("host") => f.host = args.string(),
                Long("port") => f.port = args.port(),
                Long("username") => f.username = Some(args.string()),
                Long("password") => f.password = Some(args.string()),
                Long("ssl-ca-certs") => f.ssl_ca_certs = Some(args.path()),
                Long("ssl-ca-path") => f.ssl_ca_path = Some(args.path()),
                Long("ssl-certfile") => f.ssl_certfile = Some(args.path()),
                Long("ssl-keyfile") => f.ssl_keyfile = Some(args.path()),
                Long("ssl-password") => f.ssl_password = Some(args.string()),
                // redis-py looks a string up in {"none", "optional", "required"}.
                Long("ssl-cert-reqs") => {
                    f.ssl_cert_reqs = match args.choice(&["required", "optional", "none"]) {
                        "none" => CERT_NONE,
                        "optional" => CERT_OPTIONAL,
                        _ => CERT_REQUIRED,
                    }
                }
                Long("ssl-check-hostname") => {
                    f.ssl_check_hostname = args.choice(&["true", "false"]) == "true"
                }
                Long("key") => f.key = args.string(),
                Long("value") => f.value = args.string(),
                Long("socket-timeout") => f.socket_timeout = args.seconds(),
                Long("socket-connect-timeout") => f.socket_connect_timeout = args.seconds(),
                arg => CLI.usage_error(arg.unexpected()),
            }
        }
        f
    }
}

fn main() {
    let flags = Flags::parse();
    if let Err(e) = run(&flags) {
        println!("{e}");
        std::process::exit(1);
    }
}

/// What can end a run early.
#[derive(Debug)]
enum Failure {
    /// A TLS or socket error: printed as Python's `Class: message`.
    Ssl(SslError),
    /// An error reply from Redis (`-WRONGPASS …`), without the `-`.
    Reply(String),
    /// A redis-py exception raised without a server error reply
    /// (`RedisError`, `ConnectionError`, `ValueError`, `TypeError`).
    Python(&'static str, String),
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Ssl(e) => write!(f, "{}: {e}", e.python_class()),
            Failure::Reply(text) => write!(f, "(error) {text}"),
            Failure::Python(class, text) => write!(f, "{class}: {text}"),
        }
    }
}

impl From<SslError> for Failure {
    fn from(e: SslError) -> Failure {
        Failure::Ssl(e)
    }
}

impl From<io::Error> for Failure {
    /// An `io::Error` out of the TLS socket's `Read` carries the `SslError`
    /// inside; `SslError::from` takes it back out.
    fn from(e: io::Error) -> Failure {
        Failure::Ssl(SslError::from(e))
    }
}

fn run(flags: &Flags) -> Result<(), Failure> {
    let host = flags.host.as_str();
    // redis-py: ssl_check_hostname=True, ignored (False) under CERT_NONE.
    let check_hostname = flags.ssl_check_hostname && flags.ssl_cert_reqs != CERT_NONE;

    // context = ssl.create_default_context()
    let mut context = create_default_context(Purpose::ServerAuth)?;
    // context.check_hostname = self.check_hostname
    context.set_check_hostname(check_hostname)?;
    // context.verify_mode = self.cert_reqs
    context.set_verify_mode(flags.ssl_cert_reqs)?;
    // if self.certfile or self.keyfile: context.load_cert_chain(...)
    match (&flags.ssl_certfile, &flags.ssl_keyfile) {
        (Some(certfile), keyfile) => {
            let password = flags.ssl_password.as_deref().map(str::as_bytes);
            context.load_cert_chain(certfile, keyfile.as_deref(), password)?;
        }
        // Python's load_cert_chain(certfile=None, keyfile=...) raises this.
        (None, Some(_)) => {
            return Err(Failure::Python(
                "TypeError",
                "certfile should be a valid filesystem path".into(),
            ))
        }
        (None, None) => {}
    }
    // if self.ca_certs is not None or self.ca_path is not None:
    //     context.load_verify_locations(cafile=self.ca_certs, capath=self.ca_path)
    let (ca_certs, ca_path) = (flags.ssl_ca_certs.as_deref(), flags.ssl_ca_path.as_deref());
    if ca_certs.is_some() || ca_path.is_some() {
        context.load_verify_locations(ca_certs, ca_path, None)?;
    }

    // sock = socket.create_connection((host, port)); redis-py sets TCP_NODELAY.
    let tcp = connect(host, flags.port, flags.socket_connect_timeout)?;
    tcp.set_nodelay(true)?;
    tcp.set_read_timeout(Some(flags.socket_timeout))?;
    tcp.set_write_timeout(Some(flags.socket_timeout))?;
    // sslsock = context.wrap_socket(sock, server_hostname=self.host)
    let tls = context.wrap_socket(tcp, WrapOptions::default().server_hostname(host))?;
    let mut redis = Resp::new(tls);

    if let Some(password) = &flags.password {
        let mut auth = vec!["AUTH"];
        auth.extend(flags.username.as_deref());
        auth.push(password);
        redis.command(&auth)?.into_result()?;
    }
    let (key, value) = (flags.key.as_str(), flags.value.as_str());
    for cmd in [&["PING"][..], &["SET", key, value], &["GET", key]] {
        let reply = redis.command(cmd)?.into_result()?;
        println!("{reply}");
    }
    Ok(())
}

/// redis-py's `_connect`: every address of `getaddrinfo(host, port)` in
/// turn, the last error if none answers.
fn connect(host: &str, port: u16, timeout: Duration) -> Result<TcpStream, SslError> {
    let mut last = None;
    for addr in (host, port).to_socket_addrs()? {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(tcp) => return Ok(tcp),
            Err(e) => last = Some(e),
        }
    }
    Err(last
        .unwrap_or_else(|| io::Error::other("getaddrinfo returned an empty list"))
        .into())
}

/// A RESP2 connection over the TLS socket.
struct Resp {
    stream: BufReader<SslSocket<TcpStream>>,
}

/// One RESP2 reply.
#[derive(Debug)]
enum Reply {
    Simple(String),
    Error(String),
    Integer(i64),
    Bulk(Option<Vec<u8>>),
    Array(Option<Vec<Reply>>),
}

impl Resp {
    fn new(tls: SslSocket<TcpStream>) -> Resp {
        Resp {
            stream: BufReader::new(tls),
        }
    }

    /// Sends one command as an array of bulk strings and reads its reply.
    fn command(&mut self, args: &[&str]) -> Result<Reply, Failure> {
        let mut packed = format!("*{}\r\n", args.len()).into_bytes();
        for arg in args {
            packed.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
            packed.extend_from_slice(arg.as_bytes());
            packed.extend_from_slice(b"\r\n");
        }
        // sslsock.sendall(packed)
        self.stream.get_mut().sendall(&packed)?;
        self.stream.get_mut().flush()?;
        self.read_reply()
    }

    fn read_reply(&mut self) -> Result<Reply, Failure> {
        let line = self.read_line()?;
        let (kind, rest) = line.split_at(1);
        let rest = String::from_utf8_lossy(rest).into_owned();
        match kind[0] {
            b'+' => Ok(Reply::Simple(rest)),
            b'-' => Ok(Reply::Error(rest)),
            b':' => Ok(Reply::Integer(parse_len(&rest)?)),
            b'$' => {
                let Ok(len) = usize::try_from(parse_len(&rest)?) else {
                    return Ok(Reply::Bulk(None));
                };
                let mut data = vec![0; len + 2];
                self.stream.read_exact(&mut data).map_err(closed)?;
                data.truncate(len);
                Ok(Reply::Bulk(Some(data)))
            }
            b'*' => {
                let Ok(len) = usize::try_from(parse_len(&rest)?) else {
                    return Ok(Reply::Array(None));
                };
                let items = (0..len)
                    .map(|_| self.read_reply())
                    .collect::<Result<_, _>>()?;
                Ok(Reply::Array(Some(items)))
            }
            _ => Err(protocol_error(&line)),
        }
    }

    /// One `\r\n`-terminated line, without the terminator.
    fn read_line(&mut self) -> Result<Vec<u8>, Failure> {
        let mut line = Vec::new();
        self.stream
            .read_until(b'\n', &mut line)
            .map_err(Failure::from)?;
        if line.is_empty() {
            return Err(closed_by_server());
        }
        if !line.ends_with(b"\r\n") || line.len() < 3 {
            return Err(protocol_error(&line));
        }
        line.truncate(line.len() - 2);
        Ok(line)
    }
}

impl Reply {
    /// An error reply becomes a [`Failure::Reply`], as redis-py raises it.
    fn into_result(self) -> Result<Reply, Failure> {
        match self {
            Reply::Error(text) => Err(Failure::Reply(text)),
            other => Ok(other),
        }
    }

    /// `redis-cli`'s rendering, `indent` columns in for nested arrays.
    fn write_indented(&self, f: &mut fmt::Formatter<'_>, indent: usize) -> fmt::Result {
        match self {
            Reply::Simple(s) => f.write_str(s),
            Reply::Error(s) => write!(f, "(error) {s}"),
            Reply::Integer(n) => write!(f, "(integer) {n}"),
            Reply::Bulk(None) | Reply::Array(None) => f.write_str("(nil)"),
            Reply::Bulk(Some(data)) => f.write_str(&quoted(data)),
            Reply::Array(Some(items)) if items.is_empty() => f.write_str("(empty array)"),
            Reply::Array(Some(items)) => {
                let width = items.len().to_string().len();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, "\n{:indent$}", "")?;
                    }
                    let label = format!("{:>width$}) ", i + 1);
                    f.write_str(&label)?;
                    item.write_indented(f, indent + label.len())?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Reply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_indented(f, 0)
    }
}

/// `redis-cli`'s quoting of a bulk string (`sdscatrepr`).
fn quoted(data: &[u8]) -> String {
    let mut out = String::from("\"");
    for &b in data {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(char::from(b)),
            _ => out.push_str(&format!("\\x{b:02x}")),
        }
    }
    out.push('"');
    out
}

fn parse_len(s: &str) -> Result<i64, Failure> {
    s.parse()
        .map_err(|_| protocol_error(format!("bad length {s:?}").as_bytes()))
}

/// A read that ended early: redis-py's `ConnectionError`.
fn closed(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::UnexpectedEof {
        closed_by_server()
    } else {
        Failure::from(e)
    }
}

fn closed_by_server() -> Failure {
    Failure::Python("ConnectionError", "Connection closed by server.".into())
}

fn protocol_error(line: &[u8]) -> Failure {
    Failure::Python(
        "InvalidResponse",
        format!("Protocol Error: {}", String::from_utf8_lossy(line)),
    )
}
