//! What every contender shares: the certificates, the pinned suite and
//! group, the contenders' names, and small helpers.

use std::fs;
use std::io;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};

use sslwrap::testing::{CertificateAuthority, KeyType};

/// The TLS 1.3 suite every contender is pinned to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suite {
    Aes128Gcm,
    Chacha20,
}

impl Suite {
    pub fn openssl_name(self) -> &'static str {
        match self {
            Suite::Aes128Gcm => "TLS_AES_128_GCM_SHA256",
            Suite::Chacha20 => "TLS_CHACHA20_POLY1305_SHA256",
        }
    }
    pub fn arg(self) -> &'static str {
        match self {
            Suite::Aes128Gcm => "aes",
            Suite::Chacha20 => "chacha",
        }
    }
}

/// The key of the server's leaf (and of the CA that signed it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    Ecdsa,
    Rsa,
}

impl KeyKind {
    pub fn arg(self) -> &'static str {
        match self {
            KeyKind::Ecdsa => "ecdsa",
            KeyKind::Rsa => "rsa",
        }
    }
}

/// What one measurement runs with: the suite (X25519 always) and the
/// server's certificate, as files that every contender (Python too) loads.
#[derive(Clone, Debug)]
pub struct Setup {
    pub suite: Suite,
    pub ca: PathBuf,
    pub cert: PathBuf,
    pub keyfile: PathBuf,
}

/// The name every client connects to and verifies.
pub const SERVER_NAME: &str = "localhost";
/// The one key-exchange group.
pub const GROUP: &str = "X25519";

/// The certificates, minted once per run with `sslwrap::testing` into
/// `dir`: for each key type a CA of that type and a `localhost` leaf it
/// signed (`<kind>-ca.pem`, `<kind>-leaf.pem`, `<kind>-leaf.key`).
pub fn mint_pki(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    fs::create_dir_all(dir)?;
    for (kind, kt) in [
        (KeyKind::Ecdsa, KeyType::EcdsaP256),
        (KeyKind::Rsa, KeyType::Rsa2048),
    ] {
        let ca = CertificateAuthority::builder().key_type(kt).build()?;
        let leaf = ca.leaf().key_type(kt).issue(&[SERVER_NAME])?;
        fs::write(dir.join(format!("{}-ca.pem", kind.arg())), ca.cert_pem())?;
        fs::write(
            dir.join(format!("{}-leaf.pem", kind.arg())),
            leaf.cert_pem(),
        )?;
        fs::write(
            dir.join(format!("{}-leaf.key", kind.arg())),
            leaf.private_key_pem(),
        )?;
    }
    Ok(())
}

pub fn setup(dir: &Path, suite: Suite, key: KeyKind) -> Setup {
    Setup {
        suite,
        ca: dir.join(format!("{}-ca.pem", key.arg())),
        cert: dir.join(format!("{}-leaf.pem", key.arg())),
        keyfile: dir.join(format!("{}-leaf.key", key.arg())),
    }
}

/// The contenders, in the order the tables show them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Tcp,
    OpensslDefault,
    OpensslRb,
    SslwrapSocket,
    SslwrapObject,
    Rustls,
    Python,
    SslwrapAsync,
    TokioOpenssl,
    TokioRustls,
}

pub const ALL: [Kind; 10] = [
    Kind::Tcp,
    Kind::OpensslDefault,
    Kind::OpensslRb,
    Kind::SslwrapSocket,
    Kind::SslwrapObject,
    Kind::Rustls,
    Kind::Python,
    Kind::SslwrapAsync,
    Kind::TokioOpenssl,
    Kind::TokioRustls,
];

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Tcp => "tcp",
            Kind::OpensslDefault => "openssl",
            Kind::OpensslRb => "openssl+rb",
            Kind::SslwrapSocket => "sslwrap",
            Kind::SslwrapObject => "sslwrap-obj",
            Kind::Rustls => "rustls",
            Kind::Python => "python",
            Kind::SslwrapAsync => "sslwrap-async",
            Kind::TokioOpenssl => "tokio-openssl",
            Kind::TokioRustls => "tokio-rustls",
        }
    }
    pub fn describe(self) -> &'static str {
        match self {
            Kind::Tcp => "plain TCP, no TLS (the ceiling)",
            Kind::OpensslDefault => "`openssl::ssl::SslStream`, SSL_CTX_new's default modes",
            Kind::OpensslRb => "`openssl::ssl::SslStream` + `SSL_MODE_RELEASE_BUFFERS` (the baseline: ratios are to this)",
            Kind::SslwrapSocket => "`sslwrap::SslSocket` (`wrap_socket`)",
            Kind::SslwrapObject => "`sslwrap::SslObject` (`wrap_bio`), pumped between two `MemoryBio`s and the socket",
            Kind::Rustls => "rustls `StreamOwned` (ring provider)",
            Kind::Python => "CPython's `ssl` (`wrap_socket`), threads in one `python3` process",
            Kind::SslwrapAsync => "`sslwrap::asyncio::start_tls` on a current-thread tokio runtime",
            Kind::TokioOpenssl => "`tokio_openssl::SslStream` on a current-thread tokio runtime",
            Kind::TokioRustls => "`tokio_rustls` on a current-thread tokio runtime",
        }
    }
    pub fn from_name(s: &str) -> Option<Kind> {
        ALL.into_iter().find(|k| k.name() == s)
    }
}

/// The CPUs this process may run on, read once before any thread is pinned
/// (`sched_getaffinity`), in ascending order. `pin` and `unpin` work from
/// this list, never from `available_parallelism()`: that reads the calling
/// thread's own mask, which after `pin` is one CPU, so `unpin` would
/// leave the thread on CPU 0 and every server thread spawned from it would
/// inherit that mask and land on CPU 0 beside its client.
static CPUS: std::sync::LazyLock<Vec<usize>> = std::sync::LazyLock::new(|| {
    // SAFETY: a zeroed cpu_set_t is an empty set; sched_getaffinity fills
    // it for the calling thread; CPU_ISSET reads it.
    let cpus: Vec<usize> = unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
            return vec![0];
        }
        (0..libc::CPU_SETSIZE as usize)
            .filter(|&c| libc::CPU_ISSET(c, &set))
            .collect()
    };
    if cpus.is_empty() {
        vec![0]
    } else {
        cpus
    }
});

/// Reads the process's CPUs (see `CPUS`); `main` calls it first thing.
pub fn init_cpus() {
    std::sync::LazyLock::force(&CPUS);
}

fn set_affinity(cpus: &[usize]) {
    // SAFETY: a zeroed cpu_set_t is an empty set; CPU_SET writes in it;
    // sched_setaffinity(0) applies to the calling thread.
    unsafe {
        let mut set: libc::cpu_set_t = std::mem::zeroed();
        for &c in cpus {
            libc::CPU_SET(c, &mut set);
        }
        libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set);
    }
}

/// Pins the calling thread to the first of the process's CPUs. Both
/// threads of every measurement (the client and the server side, Python's
/// too) share that one CPU, for every contender: on two CPUs the small-write
/// rows swing by 2× from one connection to the next (256 B writes: 78 to
/// 216 MB/s for sslwrap alone, in runs of 16 MiB or 128 MiB alike), with
/// whether the reading thread sleeps between records; on one they repeat
/// within about 1 %, and a row measures what moving the bytes through both
/// ends costs.
pub fn pin() {
    set_affinity(&[CPUS[0]]);
}

/// Lets the calling thread run on all of the process's CPUs again.
pub fn unpin() {
    set_affinity(&CPUS);
}

/// A listener on an ephemeral loopback port.
pub fn listener() -> io::Result<TcpListener> {
    TcpListener::bind("127.0.0.1:0")
}

/// Every TCP socket of every contender gets TCP_NODELAY (Python's too), so
/// no handshake flight waits on Nagle and delayed ACKs.
pub fn nodelay(s: TcpStream) -> io::Result<TcpStream> {
    s.set_nodelay(true)?;
    Ok(s)
}

pub fn other<E: std::fmt::Display>(e: E) -> io::Error {
    io::Error::other(e.to_string())
}

/// This process's resident set (VmRSS), in bytes.
pub fn rss_bytes() -> u64 {
    let status = fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Bytes in use in malloc's heap (`mallinfo2`: `uordblks + hblkhd`):
/// what the process holds, without the fragmentation that RSS also counts.
pub fn heap_bytes() -> u64 {
    // SAFETY: mallinfo2 only reads the allocator's statistics.
    let m = unsafe { libc::mallinfo2() };
    (m.uordblks + m.hblkhd) as u64
}

/// The byte pattern bulk writes send.
pub fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + 3) as u8).collect()
}
