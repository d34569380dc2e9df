//! Prints a server's certificate as PEM, like Python's
//! `ssl.get_server_certificate`.
//!
//! ```text
//! cargo run --example get_server_certificate -- HOST:PORT [--cafile F] [--timeout SECS]
//! ```
//!
//! The Python original:
//!
//! ```python
//! print(ssl.get_server_certificate((host, port), ca_certs=cafile))
//! ```
//!
//! Without `--cafile` the certificate is fetched unverified; with it, the
//! chain must verify against that CA (the host name is not checked, as in
//! Python). Exits 1 with Python's exception class and message on failure.

#[path = "support/mod.rs"]
mod support;

use std::time::Duration;

fn main() {
    let flags = support::Flags::parse();
    let Some((host, port)) = flags.positional().and_then(|a| a.rsplit_once(':')) else {
        eprintln!("usage: get_server_certificate HOST:PORT [--cafile F] [--timeout SECS]");
        std::process::exit(2);
    };
    let Ok(port) = port.parse::<u16>() else {
        eprintln!("bad port {port:?}");
        std::process::exit(2);
    };
    let timeout = flags
        .get("timeout")
        .and_then(|t| t.parse::<f64>().ok())
        .map(Duration::from_secs_f64);
    let cafile = flags.get("cafile").map(std::path::Path::new);
    match sslwrap::get_server_certificate((host, port), cafile, timeout) {
        Ok(pem) => print!("{pem}"),
        Err(e) => {
            println!("{}: {e}", e.python_class());
            std::process::exit(1);
        }
    }
}
