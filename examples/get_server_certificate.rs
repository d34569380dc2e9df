//! Prints a server's certificate as PEM, like Python's
//! `ssl.get_server_certificate`.
//!
//! ```text
//! cargo run --example get_server_certificate -- HOST:PORT [--cafile F] [--timeout SECS]
//! cargo run --example get_server_certificate -- '[::1]:PORT'
//! cargo run --example get_server_certificate -- --host H [--port N]
//! ```
//!
//! The Python original:
//!
//! ```python
//! print(ssl.get_server_certificate((host, port), ca_certs=cafile))
//! ```
//!
//! The address is `HOST:PORT`, an IPv6 literal in brackets (`[::1]:8443`),
//! or `--host` and `--port`; the port defaults to 443. Without `--cafile`
//! the certificate is fetched unverified; with it, the chain must verify
//! against that CA (the host name is not checked, as in Python). Exits 1
//! with Python's exception class and message on failure (a name that does
//! not resolve is `socket.gaierror: [Errno -2] Name or service not known`,
//! as in Python's traceback), 2 on a bad command line (`--help` lists the
//! options).

#[path = "support/mod.rs"]
mod support;

use std::ffi::CStr;
use std::path::PathBuf;
use std::time::Duration;

use sslwrap::SslError;
use support::Arg::{Long, Value};
use support::Opt;

static CLI: support::Cli = support::Cli {
    name: "get_server_certificate",
    usage: "HOST:PORT|[IPV6]:PORT [--cafile F] [--timeout SECS]\n\
            --host H [--port N] [--cafile F] [--timeout SECS]",
    about: "Connects over TLS and prints the server's certificate as PEM, verified against\n\
            --cafile if given (the host name is not checked). Exits 1 with Python's\n\
            exception class and message on failure.",
    ports: "ssl.get_server_certificate",
    python: &["print(ssl.get_server_certificate((host, port), ca_certs=cafile, timeout=secs))"],
    options: &[
        Opt::new(
            "HOST:PORT",
            "host:port, [IPv6]:port or host (required, or --host)",
        ),
        Opt::new("--host H", "the server's host (required without HOST:PORT)"),
        Opt::new("--port N", "the server's port, if not in HOST:PORT").default("443"),
        Opt::new("--cafile F", "a CA that must verify the chain").default("unverified"),
        Opt::new("--timeout SECS", "for connect, handshake and reads").default("none"),
    ],
};

/// The command line.
struct Flags {
    host: String,
    port: u16,
    cafile: Option<PathBuf>,
    timeout: Option<Duration>,
}

impl Flags {
    fn parse() -> Flags {
        let (mut target, mut host, mut port, mut cafile, mut timeout) =
            (None, None, None, None, None);
        let mut args = CLI.args();
        while let Some(arg) = args.next() {
            match arg {
                Value(v) if target.is_none() => target = Some(split_target(&v.to_string_lossy())),
                Long("host") => host = Some(unbracket(&args.string()).to_owned()),
                Long("port") => port = Some(args.port()),
                Long("cafile") => cafile = Some(args.path()),
                Long("timeout") => timeout = Some(args.seconds()),
                arg => CLI.usage_error(arg.unexpected()),
            }
        }
        let (host, port) = match (target, host) {
            (Some(_), Some(_)) => CLI.usage_error("give the host once: HOST:PORT or --host"),
            (Some((_, Some(_))), _) if port.is_some() => {
                CLI.usage_error("give the port once: HOST:PORT or --port")
            }
            (Some((host, in_target)), None) => (host, in_target.or(port)),
            (None, host) => (CLI.required(host, "HOST:PORT (or --host)"), port),
        };
        Flags {
            host,
            port: port.unwrap_or(443),
            cafile,
            timeout,
        }
    }
}

/// `HOST:PORT`, `[IPV6]:PORT`, `HOST` or `[IPV6]` into the host (no
/// brackets) and the port if given; a usage error if malformed.
fn split_target(text: &str) -> (String, Option<u16>) {
    let (host, port) = match text.strip_prefix('[') {
        Some(rest) => match rest.split_once(']') {
            Some((v6, "")) => (v6, None),
            Some((v6, port)) => match port.strip_prefix(':') {
                Some(port) => (v6, Some(port)),
                None => CLI.usage_error(format_args!("expected [IPV6]:PORT, got '{text}'")),
            },
            None => CLI.usage_error(format_args!("no closing ']' in '{text}'")),
        },
        None => match text.split_once(':') {
            Some((_, port)) if port.contains(':') => CLI.usage_error(format_args!(
                "an IPv6 address goes in brackets, '[::1]:443', got '{text}'"
            )),
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        },
    };
    if host.is_empty() {
        CLI.usage_error(format_args!("no host in '{text}'"));
    }
    let port = port.map(|p| {
        support::parse_port(p).unwrap_or_else(|expected| {
            CLI.usage_error(format_args!(
                "invalid port '{p}' in '{text}': expected {expected}"
            ))
        })
    });
    (host.to_owned(), port)
}

/// `--host [::1]` as `::1`.
fn unbracket(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

fn main() {
    let flags = Flags::parse();
    let address = (flags.host.as_str(), flags.port);
    match sslwrap::get_server_certificate(address, flags.cafile.as_deref(), flags.timeout) {
        Ok(pem) => print!("{pem}"),
        Err(e) => {
            match gaierror(&e) {
                Some(message) => println!("socket.gaierror: {message}"),
                None => println!("{}: {e}", e.python_class()),
            }
            std::process::exit(1);
        }
    }
}

/// Python's `socket.gaierror` text, `[Errno -2] Name or service not known`,
/// when `e` is a failed name lookup (sslwrap reports it as `OSError`, with
/// Rust's wording).
///
/// Rust's resolver keeps getaddrinfo's message (`gai_strerror`) but not its
/// `EAI_*` code, which Python shows as the errno: the code is the one whose
/// `gai_strerror` is that message.
fn gaierror(e: &SslError) -> Option<String> {
    let text = e.io_error()?.to_string();
    let message = text.strip_prefix("failed to lookup address information: ")?;
    let code = (-32..=32).filter(|&c| c != 0).find(|&code| {
        // SAFETY: gai_strerror accepts any code and returns a pointer to a
        // static, NUL-terminated message (an "unknown error" one for codes
        // it does not know), never null, valid for the process's lifetime.
        let known = unsafe { CStr::from_ptr(libc::gai_strerror(code)) };
        known.to_bytes() == message.as_bytes()
    });
    Some(match code {
        Some(code) => format!("[Errno {code}] {message}"),
        None => message.to_owned(),
    })
}
