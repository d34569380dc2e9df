//! A loopback TLS server on a thread, for tests that drive the client side
//! in Rust and only need a well-behaved (or scripted) server:
//!
//! ```ignore
//! let server = Server::builder()
//!     .ctx(my_server_context)
//!     .io_cb(|s| { let got = s.recv(1024)?; s.sendall(&got) })
//!     .build();
//! let tcp = TcpStream::connect(server.addr())?;
//! // … wrap, talk …
//! server.join().expect("the server side failed");
//! ```
//!
//! It serves one connection through [`SslContext::wrap_listener`]: accept,
//! handshake (under the timeout), then the callback. The accepted socket
//! keeps the timeout, so a test that stalls fails instead of hanging. It is
//! joined on drop, unblocking an `accept` nobody connected to first.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::mpsc::{self, Receiver};
use std::thread::JoinHandle;
use std::time::Duration;

use sslwrap::{SslContext, SslError, SslSocket};

use super::pki::pki;
use super::python::PEER_DEADLINE;
use super::rust_peer::IO_TIMEOUT;

/// What the server does with a handshaken connection.
pub type IoCallback = Box<dyn FnOnce(&mut SslSocket<TcpStream>) -> Result<(), SslError> + Send>;

/// A one-connection TLS server on 127.0.0.1 (see the module docs).
pub struct Server {
    addr: SocketAddr,
    result: Receiver<Result<(), SslError>>,
    thread: Option<JoinHandle<()>>,
}

/// Builds a [`Server`].
pub struct ServerBuilder {
    ctx: Option<SslContext>,
    io_cb: IoCallback,
    timeout: Duration,
    suppress_ragged_eofs: bool,
    trace: bool,
}

impl Server {
    /// A builder: by default a `PROTOCOL_TLS_SERVER` context with the test
    /// PKI's `server.pem` (localhost), echoing one read.
    pub fn builder() -> ServerBuilder {
        ServerBuilder {
            ctx: None,
            io_cb: Box::new(|s| {
                let got = s.recv(1024)?;
                s.sendall(&got)
            }),
            timeout: IO_TIMEOUT,
            suppress_ragged_eofs: true,
            trace: false,
        }
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Waits (bounded) for the server side to finish: the accept and
    /// handshake, then the callback; their first error.
    pub fn join(mut self) -> Result<(), SslError> {
        let result = self.result.recv_timeout(PEER_DEADLINE).unwrap_or_else(|_| {
            panic!("the loopback server did not finish within {PEER_DEADLINE:?}")
        });
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
        result
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        if !thread.is_finished() {
            let _ = TcpStream::connect_timeout(&self.addr, IO_TIMEOUT);
        }
        let _ = thread.join();
    }
}

impl ServerBuilder {
    /// The server's context (default: see [`Server::builder`]).
    pub fn ctx(mut self, ctx: SslContext) -> Self {
        self.ctx = Some(ctx);
        self
    }

    /// What to do once the handshake is done (default: echo one read).
    pub fn io_cb(
        mut self,
        f: impl FnOnce(&mut SslSocket<TcpStream>) -> Result<(), SslError> + Send + 'static,
    ) -> Self {
        self.io_cb = Box::new(f);
        self
    }

    /// The accepted socket's timeout, handshake included (default
    /// [`IO_TIMEOUT`]).
    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// `suppress_ragged_eofs` of the accepted socket (default `true`).
    pub fn suppress_ragged_eofs(mut self, on: bool) -> Self {
        self.suppress_ragged_eofs = on;
        self
    }

    /// Whether the accepted socket records its handshake trace (default
    /// `false`; `SslListener::set_trace`).
    pub fn trace(mut self, on: bool) -> Self {
        self.trace = on;
        self
    }

    /// Starts listening and serving one connection on a thread.
    pub fn build(self) -> Server {
        let ctx = self.ctx.unwrap_or_else(|| {
            let mut ctx = SslContext::new(sslwrap::PROTOCOL_TLS_SERVER).expect("server context");
            let (cert, key) = (pki().path("server.pem"), pki().path("server.key"));
            ctx.load_cert_chain(&cert, Some(&key), None)
                .expect("load the test PKI's server.pem");
            ctx
        });
        let tcp = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let addr = tcp.local_addr().expect("local_addr");
        let mut listener = ctx.wrap_listener(tcp);
        listener.set_handshake_timeout(Some(self.timeout));
        listener.set_suppress_ragged_eofs(self.suppress_ragged_eofs);
        listener.set_trace(self.trace);
        let io_cb = self.io_cb;
        let (tx, result) = mpsc::channel();
        let thread = std::thread::spawn(move || {
            let outcome = listener.accept().and_then(|(mut s, _)| io_cb(&mut s));
            let _ = tx.send(outcome);
        });
        Server {
            addr,
            result,
            thread: Some(thread),
        }
    }
}
