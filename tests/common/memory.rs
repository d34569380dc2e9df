//! Two `SslObject`s and the bytes between them: a client and a server
//! driven by hand, flight by flight, with no sockets; and [`pump`], one
//! `SslObject` driven over a TCP stream, for a peer that must choose how
//! its bytes are cut into writes.

use std::io::{Read, Write};
use std::net::TcpStream;

use sslwrap::{MemoryBio, SslContext, SslError, SslErrorKind, SslObject, WrapOptions};

/// Runs `step` on `obj` until it completes, writing its output to `tcp`
/// after each try and, while it wants to read, feeding it what `tcp`
/// reads (`tcp` must have its timeouts set). Panics on any other error.
pub fn pump<T>(
    obj: &mut SslObject,
    tcp: &mut TcpStream,
    mut step: impl FnMut(&mut SslObject) -> Result<T, SslError>,
) -> T {
    loop {
        let r = step(obj);
        tcp.write_all(&obj.outgoing().read(None)).unwrap();
        match r {
            Ok(v) => return v,
            Err(e) if e.kind() == SslErrorKind::WantRead => {
                let mut buf = [0; 16 * 1024];
                let n = tcp.read(&mut buf).unwrap();
                assert!(n > 0, "the peer closed the connection");
                obj.incoming().write(&buf[..n]).unwrap();
            }
            Err(e) => panic!("{e:?}"),
        }
    }
}

/// `ctx.wrap_bio` over two fresh buffers.
pub fn wrap(ctx: &SslContext, opts: WrapOptions) -> SslObject {
    ctx.wrap_bio(MemoryBio::new(), MemoryBio::new(), opts)
        .unwrap()
}

/// A client (for `localhost`) and a server object.
pub fn pair(client: &SslContext, server: &SslContext) -> (SslObject, SslObject) {
    pair_with(
        client,
        server,
        WrapOptions::default().server_hostname("localhost"),
    )
}

/// A client wrapped with `opts` and a server object.
pub fn pair_with(
    client: &SslContext,
    server: &SslContext,
    opts: WrapOptions,
) -> (SslObject, SslObject) {
    (
        wrap(client, opts),
        wrap(server, WrapOptions::default().server_side(true)),
    )
}

/// Moves everything `from` wrote to `to`'s incoming buffer; returns how
/// many bytes moved.
pub fn transfer(from: &SslObject, to: &SslObject) -> usize {
    let bytes = from.outgoing().read(None);
    to.incoming().write(&bytes).unwrap();
    bytes.len()
}

/// Which side failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairSide {
    Client,
    Server,
}

/// Runs both handshakes to the end, one flight at a time, and returns how
/// many flights crossed; or the first side that failed with what error.
pub fn handshake(
    c: &mut SslObject,
    s: &mut SslObject,
) -> Result<usize, (PairSide, sslwrap::SslError)> {
    let (mut c_done, mut s_done) = (false, false);
    let mut flights = 0;
    for _ in 0..10 {
        if !c_done {
            match c.do_handshake() {
                Ok(()) => c_done = true,
                Err(e) if e.kind() == SslErrorKind::WantRead => {}
                Err(e) => return Err((PairSide::Client, e)),
            }
        }
        if transfer(c, s) > 0 {
            flights += 1;
        }
        if !s_done {
            match s.do_handshake() {
                Ok(()) => s_done = true,
                Err(e) if e.kind() == SslErrorKind::WantRead => {}
                Err(e) => return Err((PairSide::Server, e)),
            }
        }
        if transfer(s, c) > 0 {
            flights += 1;
        }
        if c_done && s_done {
            return Ok(flights);
        }
    }
    panic!("handshake did not finish in 10 rounds");
}

/// Sends `data` from `from` to `to` and reads it there (also delivering
/// TLS 1.3 tickets on the way).
pub fn send(from: &mut SslObject, to: &mut SslObject, data: &[u8]) -> Vec<u8> {
    assert_eq!(from.write(data).unwrap(), data.len());
    transfer(from, to);
    to.read(data.len() + 100).unwrap()
}
