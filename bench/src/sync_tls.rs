//! The blocking contenders (plain TCP, raw `openssl`, `sslwrap::SslSocket`,
//! `sslwrap::SslObject`, rustls) and the workloads, written once over
//! [`SyncTls`]: each workload is monomorphized per contender, so nothing
//! but the contender's own code differs between two runs.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use openssl::ssl::{
    Ssl, SslContext, SslContextBuilder, SslFiletype, SslMethod, SslMode, SslSession, SslStream,
    SslVerifyMode, SslVersion,
};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use rustls::{ClientConfig, ClientConnection, ServerConfig, ServerConnection, StreamOwned};
use sslwrap::{MemoryBio, Protocol, SslErrorKind, SslObject, SslSocket, TlsVersion, WrapOptions};

use crate::common::{
    heap_bytes, listener, nodelay, other, payload, rss_bytes, Kind, Setup, GROUP, SERVER_NAME,
};

/// One blocking TLS implementation: a client and a server configuration
/// built from a [`Setup`], connections over TCP that have finished their
/// handshake, and the session to resume.
pub trait SyncTls: Send + Sync + Sized + 'static {
    type Client: Read + Write + Send + 'static;
    type Server: Read + Write + Send + 'static;
    type Session: Clone + Send + 'static;
    fn new(setup: &Setup, kind: Kind) -> io::Result<Self>;
    /// `resume`: whether this connection is part of a resumption run (only
    /// rustls, which resumes by itself from its cache, needs to know).
    fn client(
        &self,
        tcp: TcpStream,
        session: Option<&Self::Session>,
        resume: bool,
    ) -> io::Result<Self::Client>;
    fn server(&self, tcp: TcpStream) -> io::Result<Self::Server>;
    fn session(c: &Self::Client) -> Option<Self::Session>;
    fn reused(c: &Self::Client) -> bool;
}

// --- plain TCP -----------------------------------------------------------

pub struct Tcp;

impl SyncTls for Tcp {
    type Client = TcpStream;
    type Server = TcpStream;
    type Session = ();
    fn new(_: &Setup, _: Kind) -> io::Result<Tcp> {
        Ok(Tcp)
    }
    fn client(&self, tcp: TcpStream, _: Option<&()>, _: bool) -> io::Result<TcpStream> {
        Ok(tcp)
    }
    fn server(&self, tcp: TcpStream) -> io::Result<TcpStream> {
        Ok(tcp)
    }
    fn session(_: &TcpStream) -> Option<()> {
        Some(())
    }
    fn reused(_: &TcpStream) -> bool {
        false
    }
}

// --- the openssl crate, used directly -------------------------------------

/// An `openssl` context: TLS 1.3 only, the suite, X25519, and either
/// SSL_CTX_new's modes or those plus `SSL_MODE_RELEASE_BUFFERS`. The
/// server has the leaf and a session id context (as sslwrap and Python set
/// one); the client verifies the chain against the CA and (per connection)
/// the host name, as sslwrap's and Python's clients do.
pub fn openssl_ctx(s: &Setup, server: bool, release_buffers: bool) -> io::Result<SslContext> {
    let method = if server {
        SslMethod::tls_server()
    } else {
        SslMethod::tls_client()
    };
    let mut b = SslContextBuilder::new(method)?;
    b.set_min_proto_version(Some(SslVersion::TLS1_3))?;
    b.set_ciphersuites(s.suite.openssl_name())?;
    b.set_groups_list(GROUP)?;
    if release_buffers {
        b.set_mode(SslMode::RELEASE_BUFFERS);
    }
    if server {
        b.set_certificate_chain_file(&s.cert)?;
        b.set_private_key_file(&s.keyfile, SslFiletype::PEM)?;
        b.set_session_id_context(b"sslwrap-bench")?;
    } else {
        b.set_ca_file(&s.ca)?;
        b.set_verify(SslVerifyMode::PEER);
    }
    Ok(b.build())
}

extern "C" {
    fn SSL_SESSION_dup(src: *const openssl_sys::SSL_SESSION) -> *mut openssl_sys::SSL_SESSION;
}

/// The session to resume, for the raw `openssl` contenders: a copy
/// (`SSL_SESSION_dup`), not another reference. A reference would not do:
/// `SSL_free` of a connection that ended without close_notify marks its
/// session not resumable (`ssl_clear_bad_session`), and every connection
/// here ends that way, as Python's `close()` does. sslwrap copies the same
/// way (`SslSocket::session`).
pub fn openssl_session(ssl: &openssl::ssl::SslRef) -> Option<SslSession> {
    use foreign_types::{ForeignType, ForeignTypeRef};
    let sess = ssl.session()?;
    // SAFETY: `sess` is live; SSL_SESSION_dup returns a new owned session or null.
    unsafe {
        let p = SSL_SESSION_dup(sess.as_ptr());
        (!p.is_null()).then(|| SslSession::from_ptr(p))
    }
}

/// A client `Ssl`: SNI, the host name to verify, the session to resume.
pub fn openssl_client_ssl(ctx: &SslContext, session: Option<&SslSession>) -> io::Result<Ssl> {
    let mut ssl = Ssl::new(ctx)?;
    ssl.set_hostname(SERVER_NAME)?;
    ssl.param_mut().set_host(SERVER_NAME)?;
    if let Some(sess) = session {
        // SAFETY: the session comes from a connection of this same context.
        unsafe { ssl.set_session(sess)? };
    }
    Ok(ssl)
}

pub struct RawOpenssl {
    client: SslContext,
    server: SslContext,
}

impl SyncTls for RawOpenssl {
    type Client = SslStream<TcpStream>;
    type Server = SslStream<TcpStream>;
    type Session = SslSession;
    fn new(s: &Setup, kind: Kind) -> io::Result<RawOpenssl> {
        let rb = kind != Kind::OpensslDefault;
        Ok(RawOpenssl {
            client: openssl_ctx(s, false, rb)?,
            server: openssl_ctx(s, true, rb)?,
        })
    }
    fn client(
        &self,
        tcp: TcpStream,
        session: Option<&SslSession>,
        _: bool,
    ) -> io::Result<Self::Client> {
        openssl_client_ssl(&self.client, session)?
            .connect(tcp)
            .map_err(other)
    }
    fn server(&self, tcp: TcpStream) -> io::Result<Self::Server> {
        Ssl::new(&self.server)?.accept(tcp).map_err(other)
    }
    fn session(c: &Self::Client) -> Option<SslSession> {
        openssl_session(c.ssl())
    }
    fn reused(c: &Self::Client) -> bool {
        c.ssl().session_reused()
    }
}

// --- sslwrap ------------------------------------------------------------

/// sslwrap's contexts, set up as a Python program would: `SSLContext`,
/// `load_cert_chain` / `load_verify_locations`, `minimum_version =
/// TLSv1_3`, plus the suite and group (which Python cannot set; see the
/// Python contender).
pub fn sslwrap_ctxs(s: &Setup) -> io::Result<(sslwrap::SslContext, sslwrap::SslContext)> {
    let mut server = sslwrap::SslContext::new(Protocol::TlsServer)?;
    server.load_cert_chain(&s.cert, Some(&s.keyfile), None)?;
    let mut client = sslwrap::SslContext::new(Protocol::TlsClient)?;
    client.load_verify_locations(Some(&s.ca), None, None)?;
    for ctx in [&mut server, &mut client] {
        ctx.set_minimum_version(TlsVersion::TLSv1_3)?;
        ctx.set_ciphersuites(s.suite.openssl_name())?;
        ctx.set_groups(&[GROUP])?;
    }
    Ok((client, server))
}

pub fn client_opts(session: Option<&sslwrap::SslSession>) -> WrapOptions {
    let opts = WrapOptions::default().server_hostname(SERVER_NAME);
    match session {
        Some(s) => opts.session(s.clone()),
        None => opts,
    }
}

pub struct Sslwrap {
    client: sslwrap::SslContext,
    server: sslwrap::SslContext,
}

impl SyncTls for Sslwrap {
    type Client = SslSocket<TcpStream>;
    type Server = SslSocket<TcpStream>;
    type Session = sslwrap::SslSession;
    fn new(s: &Setup, _: Kind) -> io::Result<Sslwrap> {
        let (client, server) = sslwrap_ctxs(s)?;
        Ok(Sslwrap { client, server })
    }
    fn client(
        &self,
        tcp: TcpStream,
        session: Option<&Self::Session>,
        _: bool,
    ) -> io::Result<Self::Client> {
        Ok(self.client.wrap_socket(tcp, client_opts(session))?)
    }
    fn server(&self, tcp: TcpStream) -> io::Result<Self::Server> {
        Ok(self
            .server
            .wrap_socket(tcp, WrapOptions::default().server_side(true))?)
    }
    fn session(c: &Self::Client) -> Option<Self::Session> {
        c.session()
    }
    fn reused(c: &Self::Client) -> bool {
        c.session_reused()
    }
}

/// `sslwrap::SslSocket` whose client context has the client session cache
/// (`set_client_session_cache`): no session is passed, the cache offers
/// the one it holds for the server name. Only the "reconnect with the
/// client session cache" row uses it.
pub struct SslwrapCached(Sslwrap);

impl SyncTls for SslwrapCached {
    type Client = SslSocket<TcpStream>;
    type Server = SslSocket<TcpStream>;
    type Session = sslwrap::SslSession;
    fn new(s: &Setup, kind: Kind) -> io::Result<SslwrapCached> {
        let mut inner = Sslwrap::new(s, kind)?;
        inner.client.set_client_session_cache(Some(64));
        Ok(SslwrapCached(inner))
    }
    fn client(
        &self,
        tcp: TcpStream,
        _: Option<&Self::Session>,
        _: bool,
    ) -> io::Result<Self::Client> {
        Ok(self.0.client.wrap_socket(tcp, client_opts(None))?)
    }
    fn server(&self, tcp: TcpStream) -> io::Result<Self::Server> {
        self.0.server(tcp)
    }
    fn session(c: &Self::Client) -> Option<Self::Session> {
        c.session()
    }
    fn reused(c: &Self::Client) -> bool {
        c.session_reused()
    }
}

/// An `SslObject` carried over a socket the way asyncio's `SSLProtocol`
/// carries Python's `SSLObject`: ciphertext moves between the socket and
/// the two `MemoryBio`s through a 64 KiB buffer (one per thread, so that
/// the memory figure counts the connection, not the harness).
pub struct ObjStream {
    obj: SslObject,
    tcp: TcpStream,
}

thread_local! {
    static NET: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 65536]);
}

impl ObjStream {
    fn new(obj: SslObject, tcp: TcpStream) -> io::Result<ObjStream> {
        let mut s = ObjStream { obj, tcp };
        loop {
            match s.obj.do_handshake() {
                Ok(()) => return s.flush_out().map(|()| s),
                Err(e) if e.kind() == SslErrorKind::WantRead => {
                    s.flush_out()?;
                    if !s.fill_in()? {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                }
                Err(e) => {
                    let _ = s.flush_out();
                    return Err(e.into());
                }
            }
        }
    }

    /// outgoing → socket.
    fn flush_out(&mut self) -> io::Result<()> {
        NET.with_borrow_mut(|net| loop {
            let n = self.obj.outgoing().read_into(net);
            if n == 0 {
                return Ok(());
            }
            self.tcp.write_all(&net[..n])?;
        })
    }

    /// socket → incoming; false at the socket's EOF.
    fn fill_in(&mut self) -> io::Result<bool> {
        NET.with_borrow_mut(|net| {
            let n = self.tcp.read(net)?;
            if n == 0 {
                self.obj.incoming().write_eof();
                return Ok(false);
            }
            self.obj.incoming().write(&net[..n])?;
            Ok(true)
        })
    }
}

impl Read for ObjStream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.obj.read_into(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == SslErrorKind::WantRead => {
                    self.flush_out()?;
                    self.fill_in()?;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
}

impl Write for ObjStream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.obj.write(buf)?;
        self.flush_out()?;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.flush_out()
    }
}

pub struct SslwrapObj(Sslwrap);

impl SyncTls for SslwrapObj {
    type Client = ObjStream;
    type Server = ObjStream;
    type Session = sslwrap::SslSession;
    fn new(s: &Setup, kind: Kind) -> io::Result<SslwrapObj> {
        Ok(SslwrapObj(Sslwrap::new(s, kind)?))
    }
    fn client(
        &self,
        tcp: TcpStream,
        session: Option<&Self::Session>,
        _: bool,
    ) -> io::Result<ObjStream> {
        let obj =
            self.0
                .client
                .wrap_bio(MemoryBio::new(), MemoryBio::new(), client_opts(session))?;
        ObjStream::new(obj, tcp)
    }
    fn server(&self, tcp: TcpStream) -> io::Result<ObjStream> {
        let opts = WrapOptions::default().server_side(true);
        let obj = self
            .0
            .server
            .wrap_bio(MemoryBio::new(), MemoryBio::new(), opts)?;
        ObjStream::new(obj, tcp)
    }
    fn session(c: &ObjStream) -> Option<Self::Session> {
        c.obj.session()
    }
    fn reused(c: &ObjStream) -> bool {
        c.obj.session_reused()
    }
}

// --- rustls -------------------------------------------------------------

/// rustls on ring: TLS 1.3 only, the one suite, X25519 only; the client
/// trusts the CA (webpki verification with the host name), the server has
/// the leaf. Resumption is rustls's own default: an in-memory client
/// session cache and a stateful server cache sending two tickets, as
/// OpenSSL sends two.
pub fn rustls_configs(s: &Setup) -> io::Result<(Arc<ClientConfig>, Arc<ServerConfig>)> {
    use rustls::crypto::ring as rr;
    // Deprecated in 0.23.48 only because ring has no post-quantum group;
    // the groups are pinned to X25519 below anyway.
    #[allow(deprecated)]
    let mut provider = rr::default_provider();
    provider.cipher_suites = vec![match s.suite {
        crate::common::Suite::Aes128Gcm => rr::cipher_suite::TLS13_AES_128_GCM_SHA256,
        crate::common::Suite::Chacha20 => rr::cipher_suite::TLS13_CHACHA20_POLY1305_SHA256,
    }];
    provider.kx_groups = vec![rr::kx_group::X25519];
    let provider = Arc::new(provider);
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(CertificateDer::from_pem_file(&s.ca).map_err(other)?)
        .map_err(other)?;
    let client = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(other)?
        .with_root_certificates(roots)
        .with_no_client_auth();
    let certs = CertificateDer::pem_file_iter(&s.cert)
        .map_err(other)?
        .collect::<Result<Vec<_>, _>>()
        .map_err(other)?;
    let key = PrivateKeyDer::from_pem_file(&s.keyfile).map_err(other)?;
    let server = ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(other)?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(other)?;
    Ok((Arc::new(client), Arc::new(server)))
}

/// A copy of `config` that never resumes.
pub fn no_resumption(config: &Arc<ClientConfig>) -> Arc<ClientConfig> {
    let mut c = (**config).clone();
    c.resumption = rustls::client::Resumption::disabled();
    Arc::new(c)
}

pub struct Rustls {
    /// With rustls's default client session cache (resumption runs).
    client: Arc<ClientConfig>,
    /// Without: full handshakes (rustls would resume from its cache).
    client_full: Arc<ClientConfig>,
    server: Arc<ServerConfig>,
}

impl SyncTls for Rustls {
    type Client = StreamOwned<ClientConnection, TcpStream>;
    type Server = StreamOwned<ServerConnection, TcpStream>;
    /// rustls resumes by itself from its client session cache.
    type Session = ();
    fn new(s: &Setup, _: Kind) -> io::Result<Rustls> {
        let (client, server) = rustls_configs(s)?;
        Ok(Rustls {
            client_full: no_resumption(&client),
            client,
            server,
        })
    }
    fn client(&self, mut tcp: TcpStream, _: Option<&()>, resume: bool) -> io::Result<Self::Client> {
        let name = ServerName::try_from(SERVER_NAME).map_err(other)?;
        let config = if resume {
            &self.client
        } else {
            &self.client_full
        };
        let mut conn = ClientConnection::new(config.clone(), name).map_err(other)?;
        while conn.is_handshaking() {
            conn.complete_io(&mut tcp)?;
        }
        Ok(StreamOwned::new(conn, tcp))
    }
    fn server(&self, mut tcp: TcpStream) -> io::Result<Self::Server> {
        let mut conn = ServerConnection::new(self.server.clone()).map_err(other)?;
        while conn.is_handshaking() {
            conn.complete_io(&mut tcp)?;
        }
        Ok(StreamOwned::new(conn, tcp))
    }
    fn session(_: &Self::Client) -> Option<()> {
        Some(())
    }
    fn reused(c: &Self::Client) -> bool {
        c.conn.handshake_kind() == Some(rustls::HandshakeKind::Resumed)
    }
}

/// Runs `$body` with `$t` an `Arc` of the blocking contender `$kind`.
#[macro_export]
macro_rules! with_sync {
    ($kind:expr, $setup:expr, |$t:ident| $body:expr) => {{
        use $crate::common::Kind;
        use $crate::sync_tls::*;
        let kind: Kind = $kind;
        match kind {
            Kind::Tcp => {
                let $t = std::sync::Arc::new(Tcp::new($setup, kind)?);
                $body
            }
            Kind::OpensslDefault | Kind::OpensslRb => {
                let $t = std::sync::Arc::new(RawOpenssl::new($setup, kind)?);
                $body
            }
            Kind::SslwrapSocket => {
                let $t = std::sync::Arc::new(Sslwrap::new($setup, kind)?);
                $body
            }
            Kind::SslwrapObject => {
                let $t = std::sync::Arc::new(SslwrapObj::new($setup, kind)?);
                $body
            }
            Kind::Rustls => {
                let $t = std::sync::Arc::new(Rustls::new($setup, kind)?);
                $body
            }
            other => unreachable!("{other:?} is not a blocking contender"),
        }
    }};
}

// --- the workloads --------------------------------------------------------

fn join(h: thread::JoinHandle<io::Result<()>>) -> io::Result<()> {
    h.join().map_err(|_| other("server thread panicked"))?
}

/// Bulk throughput, MB/s (10^6 bytes): one connection, the client writes
/// `writes` buffers of `size` bytes, the server reads them (64 KiB reads)
/// and answers one byte; timed from the first write to that byte, after a
/// warm-up of an eighth as much on the same connection.
pub fn bulk<T: SyncTls>(t: Arc<T>, size: usize, writes: usize) -> io::Result<f64> {
    let l = listener()?;
    let addr = l.local_addr()?;
    let warm_writes = (writes / 8).max(1);
    let phases = [warm_writes * size, writes * size];
    let t2 = t.clone();
    let server = thread::spawn(move || -> io::Result<()> {
        crate::common::pin();
        let (tcp, _) = l.accept()?;
        let mut s = t2.server(nodelay(tcp)?)?;
        let mut buf = vec![0u8; 65536];
        for total in phases {
            let mut got = 0;
            while got < total {
                let n = s.read(&mut buf)?;
                if n == 0 {
                    return Err(io::ErrorKind::UnexpectedEof.into());
                }
                got += n;
            }
            s.write_all(b"k")?;
            s.flush()?;
        }
        Ok(())
    });
    crate::common::pin();
    let result = (|| {
        let mut c = t.client(nodelay(TcpStream::connect(addr)?)?, None, false)?;
        let data = payload(size);
        let mut ack = [0u8; 1];
        let mut secs = 0.0;
        for n in [warm_writes, writes] {
            let t0 = Instant::now();
            for _ in 0..n {
                c.write_all(&data)?;
            }
            c.flush()?;
            c.read_exact(&mut ack)?;
            secs = t0.elapsed().as_secs_f64();
        }
        Ok::<f64, io::Error>((writes * size) as f64 / secs / 1e6)
    })();
    crate::common::unpin();
    // A client that failed leaves the server thread waiting (in accept or
    // a read): report the failure and leave that thread behind.
    let rate = result?;
    join(server)?;
    Ok(rate)
}

/// Handshakes per second: the client connects, handshakes, writes one byte
/// and reads one back (which also takes in the session tickets), `n` times
/// after one untimed connection; with `resume`, each connection resumes the
/// session of the one before (checked).
pub fn handshakes<T: SyncTls>(t: Arc<T>, n: usize, resume: bool) -> io::Result<f64> {
    let l = listener()?;
    let addr = l.local_addr()?;
    let t2 = t.clone();
    let server = thread::spawn(move || -> io::Result<()> {
        crate::common::pin();
        let mut b = [0u8; 1];
        for _ in 0..n + 1 {
            let (tcp, _) = l.accept()?;
            let mut s = t2.server(nodelay(tcp)?)?;
            s.read_exact(&mut b)?;
            s.write_all(b"k")?;
            s.flush()?;
        }
        Ok(())
    });
    crate::common::pin();
    let result = (|| {
        let one = |session: Option<&T::Session>| -> io::Result<T::Client> {
            let mut c = t.client(nodelay(TcpStream::connect(addr)?)?, session, resume)?;
            c.write_all(b"p")?;
            c.flush()?;
            c.read_exact(&mut [0u8; 1])?;
            Ok(c)
        };
        let first = one(None)?;
        let mut session = if resume {
            Some(T::session(&first).ok_or_else(|| other("no session after the first handshake"))?)
        } else {
            None
        };
        drop(first);
        let t0 = Instant::now();
        for _ in 0..n {
            let c = one(session.as_ref())?;
            if !resume && T::reused(&c) {
                return Err(other("a full handshake was a resumption"));
            }
            if resume {
                if !T::reused(&c) {
                    return Err(other("the session was not resumed"));
                }
                session = Some(T::session(&c).ok_or_else(|| other("no session"))?);
            }
        }
        Ok::<f64, io::Error>(n as f64 / t0.elapsed().as_secs_f64())
    })();
    crate::common::unpin();
    // A client that failed leaves the server thread waiting (in accept or
    // a read): report the failure and leave that thread behind.
    let rate = result?;
    join(server)?;
    Ok(rate)
}

/// The side of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Client,
    Server,
}

pub const ECHO: usize = 16384;

/// One connection of the memory measurement, on the measured side: TCP
/// connect to the peer (whatever the TLS role), handshake, a 16 KiB echo
/// (the client writes, the server reads and writes it back, the client
/// reads it).
fn mem_conn<T: SyncTls>(
    t: &T,
    role: Role,
    port: u16,
    bufs: &mut [Vec<u8>; 2],
    keep_c: &mut Vec<T::Client>,
    keep_s: &mut Vec<T::Server>,
    keep: bool,
) -> io::Result<()> {
    let tcp = nodelay(TcpStream::connect(("127.0.0.1", port))?)?;
    let [data, buf] = bufs;
    match role {
        Role::Client => {
            let mut c = t.client(tcp, None, false)?;
            c.write_all(data)?;
            c.flush()?;
            c.read_exact(buf)?;
            if keep {
                keep_c.push(c);
            }
        }
        Role::Server => {
            let mut s = t.server(tcp)?;
            s.read_exact(buf)?;
            s.write_all(buf)?;
            s.flush()?;
            if keep {
                keep_s.push(s);
            }
        }
    }
    Ok(())
}

/// The measured side of the memory figure (run in a child process of its
/// own): `warm` connections made and dropped, then the resident set before
/// and after `n` connections that stay open and idle.
pub fn mem_child<T: SyncTls>(
    t: Arc<T>,
    role: Role,
    port: u16,
    n: usize,
    warm: usize,
) -> io::Result<[u64; 4]> {
    let (mut keep_c, mut keep_s) = (Vec::with_capacity(n), Vec::with_capacity(n));
    let mut bufs = [payload(ECHO), vec![0u8; ECHO]];
    for _ in 0..warm {
        mem_conn(&*t, role, port, &mut bufs, &mut keep_c, &mut keep_s, false)?;
    }
    let before = [rss_bytes(), heap_bytes()];
    for _ in 0..n {
        mem_conn(&*t, role, port, &mut bufs, &mut keep_c, &mut keep_s, true)?;
    }
    let after = [rss_bytes(), heap_bytes()];
    drop((keep_c, keep_s));
    Ok([before[0], after[0], before[1], after[1]])
}

/// What the callgrind mode repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// One write of this many bytes by the client and its read (exactly
    /// that many bytes, into a buffer of that size) by the server.
    Bulk(usize),
    /// One full handshake (connect, handshake, one byte each way).
    Full,
    /// One resumed handshake (the same, resuming the previous session).
    Resumed,
}

/// Exactly `n` operations after the setup (contexts, threads, the
/// connection or one untimed handshake, two warm-up operations), so that
/// callgrind's total for `n` minus its total for 0 is `n` operations.
pub fn count<T: SyncTls>(t: Arc<T>, op: Op, n: usize) -> io::Result<()> {
    const WARM: usize = 2;
    match op {
        Op::Full | Op::Resumed => handshakes(t, n + WARM, op == Op::Resumed).map(|_| ()),
        Op::Bulk(size) => {
            let l = listener()?;
            let addr = l.local_addr()?;
            let t2 = t.clone();
            let server = thread::spawn(move || -> io::Result<()> {
                let (tcp, _) = l.accept()?;
                let mut s = t2.server(nodelay(tcp)?)?;
                let mut buf = vec![0u8; size];
                for _ in 0..n + WARM {
                    s.read_exact(&mut buf)?;
                }
                s.write_all(b"k")?;
                s.flush()
            });
            let mut c = t.client(nodelay(TcpStream::connect(addr)?)?, None, false)?;
            let data = payload(size);
            for _ in 0..n + WARM {
                c.write_all(&data)?;
            }
            c.flush()?;
            c.read_exact(&mut [0u8; 1])?;
            join(server)
        }
    }
}
