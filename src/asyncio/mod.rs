//! Python's `asyncio` TLS on tokio: [`start_tls`], [`open_connection`],
//! [`start_server`] and [`SslListener`], giving [`SslStream`]s.
//!
//! The same TLS state machine as [`SslSocket`](crate::SslSocket) and
//! [`SslObject`](crate::SslObject), driven a third way: each step runs
//! inside a poll call and waits by returning `Poll::Pending`. OpenSSL reads
//! and writes the tokio stream directly through sslwrap's stream BIO, with
//! no buffer in between; so errors, defaults and certificates behave as
//! with the blocking socket, and the timeouts are asyncio's
//! ([`WrapOptions::ssl_handshake_timeout`], 60 s, and
//! [`WrapOptions::ssl_shutdown_timeout`], 30 s).
//!
//! The manual page [`manual::asyncio`](crate::manual::asyncio) shows the
//! Python programs and their sslwrap twins side by side (client, server,
//! STARTTLS), the timeouts, cancellation, and how this relates to
//! `SslObject`.
//!
//! Needs a Tokio runtime with the time driver (`enable_time`, or
//! `#[tokio::main]`), as `tokio::time::timeout` does; the servers also
//! spawn tasks on it.

use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

use crate::context::SslContext;
use crate::error::SslError;
use crate::options::WrapOptions;

mod server;
mod stream;

pub use server::{start_server, Server, SslListener};
pub use stream::SslStream;

/// How long a handshake may take when
/// [`WrapOptions::ssl_handshake_timeout`] is not set: 60 s.
///
/// Python: `asyncio.constants.SSL_HANDSHAKE_TIMEOUT` (`60.0`).
pub const SSL_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(60);

/// How long a TLS shutdown may take when
/// [`WrapOptions::ssl_shutdown_timeout`] is not set: 30 s.
///
/// Python: `asyncio.constants.SSL_SHUTDOWN_TIMEOUT` (`30.0`).
pub const SSL_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// Wraps a connected stream in TLS and completes the handshake: the
/// upgrade of an existing connection (STARTTLS), or a fresh one.
///
/// Python: `await loop.start_tls(transport, protocol, sslcontext,
/// server_side=..., server_hostname=..., ssl_handshake_timeout=...,
/// ssl_shutdown_timeout=...)`. OpenSSL: `SSL_new`,
/// `SSL_set_tlsext_host_name`, `X509_VERIFY_PARAM_set1_host`/`_ip`,
/// `SSL_set_session`, `SSL_set_connect_state`/`SSL_set_accept_state`, then
/// `SSL_do_handshake` until done.
///
/// From `opts`: `server_side`, `server_hostname` (used by a client only,
/// and an empty one is none, as `sslproto.py` does), `session`, `trace`,
/// `suppress_ragged_eofs` (for the stream's reads),
/// [`ssl_handshake_timeout`](WrapOptions::ssl_handshake_timeout) (default
/// 60 s) and [`ssl_shutdown_timeout`](WrapOptions::ssl_shutdown_timeout)
/// (default 30 s, for the stream's `shutdown` and `unwrap`).
/// `do_handshake_on_connect` is ignored: asyncio always handshakes.
///
/// # Errors
///
/// Those of [`SslSocket::do_handshake`](crate::SslSocket::do_handshake)
/// for the same peer (the same kinds, reasons and verify codes); a zero
/// timeout is asyncio's `ValueError` ("ssl_handshake_timeout should be a
/// positive number, got 0.0"). Past the handshake timeout:
/// [`SslErrorKind::Timeout`](crate::SslErrorKind::Timeout) with asyncio's
/// text, "SSL handshake is taking longer than 60.0 seconds: aborting the
/// connection" (the seconds written as Python writes the float), and the
/// stream is dropped, closing the connection.
///
/// # Differences from Python
///
/// asyncio raises that timeout as `ConnectionAbortedError`; here it is a
/// timeout ([`SslError::python_class`] `TimeoutError`), so that code can
/// match on the kind. A peer that closes the connection during the
/// handshake is [`SslErrorKind::Eof`](crate::SslErrorKind::Eof) ("EOF
/// occurred in violation of protocol", as from the blocking socket), where
/// asyncio says `ConnectionResetError`.
///
/// # Security
///
/// As in asyncio, a client without `server_hostname` checks no name, even
/// when the context's `check_hostname` is on (only the chain is
/// verified). [`open_connection`] sets it to the host.
///
/// # Cancel safety
///
/// Not cancel-safe: dropping the future drops the stream (the connection)
/// mid-handshake. Nothing is left behind that could run or panic later.
/// `tokio::time::timeout(d, start_tls(..))` is Python's
/// `asyncio.wait_for(loop.start_tls(..), d)`.
pub async fn start_tls<S>(
    stream: S,
    ctx: &SslContext,
    opts: WrapOptions,
) -> Result<SslStream<S>, SslError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (handshake_timeout, _) = timeouts(&opts)?;
    let stream = SslStream::new(ctx.built()?, ctx.conn_config(), stream, &opts)?;
    stream.handshake(handshake_timeout).await
}

/// Connects to `host:port` over TCP and runs a client TLS handshake; the
/// name checked (and sent as SNI) is `host` unless `opts` names another.
///
/// Python: `reader, writer = await asyncio.open_connection(host, port,
/// ssl=ctx, server_hostname=..., ssl_handshake_timeout=...,
/// ssl_shutdown_timeout=...)` (`loop.create_connection`). OS: `connect(2)`
/// to each address of `host` in turn (tokio's `TcpStream::connect`), with
/// `TCP_NODELAY` as asyncio sets it; then as [`start_tls`].
///
/// One [`SslStream`] stands for Python's reader and writer; split it with
/// [`tokio::io::split`]. A connection failure is
/// [`SslErrorKind::Io`](crate::SslErrorKind::Io) (`ConnectionRefusedError`,
/// …); the handshake timeout does not include connecting.
///
/// # Errors
///
/// [`SslErrorKind::Value`](crate::SslErrorKind::Value) when `opts` asks for
/// the server side; otherwise those of [`start_tls`].
///
/// # Cancel safety
///
/// Not cancel-safe, as [`start_tls`]: dropping it drops the connection.
pub async fn open_connection(
    host: &str,
    port: u16,
    ctx: &SslContext,
    mut opts: WrapOptions,
) -> Result<SslStream<TcpStream>, SslError> {
    if opts.server_side {
        return Err(SslError::value(
            "open_connection makes a client: server_side must be false",
        ));
    }
    // base_events.create_connection: `if server_hostname is None and ssl:
    // server_hostname = host`.
    if opts.server_hostname.is_none() {
        opts.server_hostname = Some(host.to_owned());
    }
    timeouts(&opts)?;
    let tcp = TcpStream::connect((host, port))
        .await
        .map_err(SslError::io)?;
    tcp.set_nodelay(true).map_err(SslError::io)?;
    start_tls(tcp, ctx, opts).await
}

/// The handshake and shutdown timeouts of `opts`, asyncio's defaults for
/// those not set; a zero one is `SSLProtocol.__init__`'s `ValueError`.
pub(crate) fn timeouts(opts: &WrapOptions) -> Result<(Duration, Duration), SslError> {
    let check = |name: &str, t: Option<Duration>, default| match t {
        None => Ok(default),
        Some(t) if t.is_zero() => Err(SslError::value(format!(
            "{name} should be a positive number, got {}",
            py_float(t.as_secs_f64())
        ))),
        Some(t) => Ok(t),
    };
    Ok((
        check(
            "ssl_handshake_timeout",
            opts.ssl_handshake_timeout,
            SSL_HANDSHAKE_TIMEOUT,
        )?,
        check(
            "ssl_shutdown_timeout",
            opts.ssl_shutdown_timeout,
            SSL_SHUTDOWN_TIMEOUT,
        )?,
    ))
}

/// asyncio's `_check_handshake_timeout` error, as a timeout.
pub(crate) fn handshake_timeout_error(t: Duration) -> SslError {
    let text = format!(
        "SSL handshake is taking longer than {} seconds: aborting the connection",
        py_float(t.as_secs_f64())
    );
    SslError::io(std::io::Error::new(std::io::ErrorKind::TimedOut, text))
}

/// asyncio's `_check_shutdown_timeout` error.
pub(crate) fn shutdown_timeout_error() -> SslError {
    SslError::timeout("SSL shutdown timed out")
}

/// `repr(x)` of a non-negative Python float: the shortest digits that read
/// back as `x` (Rust's `{:e}` finds the same ones), positional from 1e-4 up
/// to 1e16, scientific (`1e-05`, `1e+16`) outside.
fn py_float(x: f64) -> String {
    if !x.is_finite() {
        return if x.is_nan() { "nan" } else { "inf" }.to_owned();
    }
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if !(-4..16).contains(&exp) {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{first}{dot}{rest}e{sign}{:02}", exp.abs());
    }
    if exp < 0 {
        let zeros = "0".repeat((-exp - 1) as usize);
        return format!("0.{zeros}{digits}");
    }
    let point = exp as usize + 1;
    if digits.len() <= point {
        format!("{digits}{}.0", "0".repeat(point - digits.len()))
    } else {
        format!("{}.{}", &digits[..point], &digits[point..])
    }
}

#[cfg(test)]
mod tests {
    use super::py_float;

    /// What Python 3.11 prints for each (`repr(float)`).
    #[test]
    fn floats_print_as_python_prints_them() {
        for (x, py) in [
            (60.0, "60.0"),
            (0.0, "0.0"),
            (0.5, "0.5"),
            (0.1, "0.1"),
            (1.25, "1.25"),
            (123.456, "123.456"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (0.000012, "1.2e-05"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e16, "1.5e+16"),
            (1e22, "1e+22"),
            (30.000000001, "30.000000001"),
        ] {
            assert_eq!(py_float(x), py, "{x}");
        }
    }
}
