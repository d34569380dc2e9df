//! The async contenders (`sslwrap::asyncio`, tokio-openssl, tokio-rustls),
//! each side on a current-thread tokio runtime of its own thread, and the
//! same workloads as the blocking ones.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::thread;
use std::time::Instant;

use openssl::ssl::{Ssl, SslContext, SslSession};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ServerConfig};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;

use crate::common::{heap_bytes, other, payload, rss_bytes, Kind, Setup, SERVER_NAME};
use crate::sync_tls::{
    client_opts, openssl_client_ssl, openssl_ctx, rustls_configs, sslwrap_ctxs, Role, ECHO,
};

pub(crate) trait AsyncTls: Send + Sync + Sized + 'static {
    type Client: AsyncRead + AsyncWrite + Unpin;
    type Server: AsyncRead + AsyncWrite + Unpin;
    type Session: Clone;
    fn new(setup: &Setup, kind: Kind) -> io::Result<Self>;
    async fn client(
        &self,
        tcp: TcpStream,
        session: Option<&Self::Session>,
        resume: bool,
    ) -> io::Result<Self::Client>;
    async fn server(&self, tcp: TcpStream) -> io::Result<Self::Server>;
    fn session(c: &Self::Client) -> Option<Self::Session>;
    fn reused(c: &Self::Client) -> bool;
}

pub fn runtime() -> io::Result<Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

// --- sslwrap::asyncio ------------------------------------------------------

pub struct SslwrapAsync {
    client: sslwrap::SslContext,
    server: sslwrap::SslContext,
}

impl AsyncTls for SslwrapAsync {
    type Client = sslwrap::asyncio::SslStream<TcpStream>;
    type Server = sslwrap::asyncio::SslStream<TcpStream>;
    type Session = sslwrap::SslSession;
    fn new(s: &Setup, _: Kind) -> io::Result<Self> {
        let (client, server) = sslwrap_ctxs(s)?;
        Ok(SslwrapAsync { client, server })
    }
    async fn client(
        &self,
        tcp: TcpStream,
        session: Option<&Self::Session>,
        _: bool,
    ) -> io::Result<Self::Client> {
        Ok(sslwrap::asyncio::start_tls(tcp, &self.client, client_opts(session)).await?)
    }
    async fn server(&self, tcp: TcpStream) -> io::Result<Self::Server> {
        let opts = sslwrap::WrapOptions::default().server_side(true);
        Ok(sslwrap::asyncio::start_tls(tcp, &self.server, opts).await?)
    }
    fn session(c: &Self::Client) -> Option<Self::Session> {
        c.session()
    }
    fn reused(c: &Self::Client) -> bool {
        c.session_reused()
    }
}

// --- tokio-openssl -----------------------------------------------------------

/// tokio-openssl over the same contexts as the `openssl+rb` baseline.
pub struct TokioOpenssl {
    client: SslContext,
    server: SslContext,
}

impl AsyncTls for TokioOpenssl {
    type Client = tokio_openssl::SslStream<TcpStream>;
    type Server = tokio_openssl::SslStream<TcpStream>;
    type Session = SslSession;
    fn new(s: &Setup, _: Kind) -> io::Result<Self> {
        Ok(TokioOpenssl {
            client: openssl_ctx(s, false, true)?,
            server: openssl_ctx(s, true, true)?,
        })
    }
    async fn client(
        &self,
        tcp: TcpStream,
        session: Option<&SslSession>,
        _: bool,
    ) -> io::Result<Self::Client> {
        let ssl = openssl_client_ssl(&self.client, session)?;
        let mut s = tokio_openssl::SslStream::new(ssl, tcp)?;
        Pin::new(&mut s).connect().await.map_err(other)?;
        Ok(s)
    }
    async fn server(&self, tcp: TcpStream) -> io::Result<Self::Server> {
        let mut s = tokio_openssl::SslStream::new(Ssl::new(&self.server)?, tcp)?;
        Pin::new(&mut s).accept().await.map_err(other)?;
        Ok(s)
    }
    fn session(c: &Self::Client) -> Option<SslSession> {
        crate::sync_tls::openssl_session(c.ssl())
    }
    fn reused(c: &Self::Client) -> bool {
        c.ssl().session_reused()
    }
}

// --- tokio-rustls ------------------------------------------------------------

pub struct TokioRustls {
    client: Arc<ClientConfig>,
    client_full: Arc<ClientConfig>,
    server: Arc<ServerConfig>,
}

impl AsyncTls for TokioRustls {
    type Client = tokio_rustls::client::TlsStream<TcpStream>;
    type Server = tokio_rustls::server::TlsStream<TcpStream>;
    type Session = ();
    fn new(s: &Setup, _: Kind) -> io::Result<Self> {
        let (client, server) = rustls_configs(s)?;
        Ok(TokioRustls {
            client_full: crate::sync_tls::no_resumption(&client),
            client,
            server,
        })
    }
    async fn client(
        &self,
        tcp: TcpStream,
        _: Option<&()>,
        resume: bool,
    ) -> io::Result<Self::Client> {
        let name = ServerName::try_from(SERVER_NAME).map_err(other)?;
        let config = if resume {
            &self.client
        } else {
            &self.client_full
        };
        tokio_rustls::TlsConnector::from(config.clone())
            .connect(name, tcp)
            .await
    }
    async fn server(&self, tcp: TcpStream) -> io::Result<Self::Server> {
        tokio_rustls::TlsAcceptor::from(self.server.clone())
            .accept(tcp)
            .await
    }
    fn session(_: &Self::Client) -> Option<()> {
        Some(())
    }
    fn reused(c: &Self::Client) -> bool {
        c.get_ref().1.handshake_kind() == Some(rustls::HandshakeKind::Resumed)
    }
}

#[macro_export]
macro_rules! with_async {
    ($kind:expr, $setup:expr, |$t:ident| $body:expr) => {{
        use $crate::async_tls::*;
        use $crate::common::Kind;
        let kind: Kind = $kind;
        match kind {
            Kind::SslwrapAsync => {
                let $t = std::sync::Arc::new(SslwrapAsync::new($setup, kind)?);
                $body
            }
            Kind::TokioOpenssl => {
                let $t = std::sync::Arc::new(TokioOpenssl::new($setup, kind)?);
                $body
            }
            Kind::TokioRustls => {
                let $t = std::sync::Arc::new(TokioRustls::new($setup, kind)?);
                $body
            }
            other => unreachable!("{other:?} is not an async contender"),
        }
    }};
}

// --- the workloads (as in sync_tls) ---------------------------------------------

fn std_listener() -> io::Result<std::net::TcpListener> {
    let l = crate::common::listener()?;
    l.set_nonblocking(true)?;
    Ok(l)
}

async fn connect(addr: std::net::SocketAddr) -> io::Result<TcpStream> {
    let s = TcpStream::connect(addr).await?;
    s.set_nodelay(true)?;
    Ok(s)
}

async fn accept(l: &TcpListener) -> io::Result<TcpStream> {
    let (s, _) = l.accept().await?;
    s.set_nodelay(true)?;
    Ok(s)
}

fn serve(
    f: impl FnOnce() -> io::Result<()> + Send + 'static,
) -> thread::JoinHandle<io::Result<()>> {
    thread::spawn(f)
}

fn join(h: thread::JoinHandle<io::Result<()>>) -> io::Result<()> {
    h.join().map_err(|_| other("server thread panicked"))?
}

pub(crate) fn bulk<T: AsyncTls>(t: Arc<T>, size: usize, writes: usize) -> io::Result<f64> {
    let l = std_listener()?;
    let addr = l.local_addr()?;
    let warm_writes = (writes / 8).max(1);
    let phases = [warm_writes * size, writes * size];
    let t2 = t.clone();
    let server = serve(move || {
        crate::common::pin();
        runtime()?.block_on(async move {
            let l = TcpListener::from_std(l)?;
            let mut s = t2.server(accept(&l).await?).await?;
            let mut buf = vec![0u8; 65536];
            for total in phases {
                let mut got = 0;
                while got < total {
                    let n = s.read(&mut buf).await?;
                    if n == 0 {
                        return Err(io::ErrorKind::UnexpectedEof.into());
                    }
                    got += n;
                }
                s.write_all(b"k").await?;
                s.flush().await?;
            }
            Ok(())
        })
    });
    crate::common::pin();
    let result = runtime()?.block_on(async {
        let mut c = t.client(connect(addr).await?, None, false).await?;
        let data = payload(size);
        let mut ack = [0u8; 1];
        let mut secs = 0.0;
        for n in [warm_writes, writes] {
            let t0 = Instant::now();
            for _ in 0..n {
                c.write_all(&data).await?;
            }
            c.flush().await?;
            c.read_exact(&mut ack).await?;
            secs = t0.elapsed().as_secs_f64();
        }
        Ok::<_, io::Error>((writes * size) as f64 / secs / 1e6)
    });
    crate::common::unpin();
    // A client that failed leaves the server thread waiting (in accept or
    // a read): report the failure and leave that thread behind.
    let rate = result?;
    join(server)?;
    Ok(rate)
}

pub(crate) fn handshakes<T: AsyncTls>(t: Arc<T>, n: usize, resume: bool) -> io::Result<f64> {
    let l = std_listener()?;
    let addr = l.local_addr()?;
    let t2 = t.clone();
    let server = serve(move || {
        crate::common::pin();
        runtime()?.block_on(async move {
            let l = TcpListener::from_std(l)?;
            let mut b = [0u8; 1];
            for _ in 0..n + 1 {
                let mut s = t2.server(accept(&l).await?).await?;
                s.read_exact(&mut b).await?;
                s.write_all(b"k").await?;
                s.flush().await?;
            }
            Ok(())
        })
    });
    crate::common::pin();
    let result = runtime()?.block_on(async {
        let one = |session: Option<T::Session>| {
            let t = &t;
            async move {
                let mut c = t
                    .client(connect(addr).await?, session.as_ref(), resume)
                    .await?;
                c.write_all(b"p").await?;
                c.flush().await?;
                c.read_exact(&mut [0u8; 1]).await?;
                Ok::<_, io::Error>(c)
            }
        };
        let first = one(None).await?;
        let mut session = if resume {
            Some(T::session(&first).ok_or_else(|| other("no session after the first handshake"))?)
        } else {
            None
        };
        drop(first);
        let t0 = Instant::now();
        for _ in 0..n {
            let c = one(session.clone()).await?;
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
        Ok(n as f64 / t0.elapsed().as_secs_f64())
    });
    crate::common::unpin();
    // A client that failed leaves the server thread waiting (in accept or
    // a read): report the failure and leave that thread behind.
    let rate = result?;
    join(server)?;
    Ok(rate)
}

/// As `sync_tls::mem_child`, on a current-thread runtime.
pub(crate) fn mem_child<T: AsyncTls>(
    t: Arc<T>,
    role: Role,
    port: u16,
    n: usize,
    warm: usize,
) -> io::Result<[u64; 4]> {
    runtime()?.block_on(async move {
        let mut keep_c = Vec::with_capacity(n);
        let mut keep_s = Vec::with_capacity(n);
        let mut before = [0, 0];
        let data = payload(ECHO);
        let mut buf = vec![0u8; ECHO];
        for i in 0..warm + n {
            if i == warm {
                before = [rss_bytes(), heap_bytes()];
            }
            let tcp = connect(([127, 0, 0, 1], port).into()).await?;
            match role {
                Role::Client => {
                    let mut c = t.client(tcp, None, false).await?;
                    c.write_all(&data).await?;
                    c.flush().await?;
                    c.read_exact(&mut buf).await?;
                    if i >= warm {
                        keep_c.push(c);
                    }
                }
                Role::Server => {
                    let mut s = t.server(tcp).await?;
                    s.read_exact(&mut buf).await?;
                    s.write_all(&buf).await?;
                    s.flush().await?;
                    if i >= warm {
                        keep_s.push(s);
                    }
                }
            }
        }
        let after = [rss_bytes(), heap_bytes()];
        drop((keep_c, keep_s));
        Ok([before[0], after[0], before[1], after[1]])
    })
}
