//! Python's asyncio as the oracle of `sslwrap::asyncio`'s errors: the same
//! failing connection made by CPython 3.11's `asyncio.open_connection`
//! (`tests/py/asyncio_peer.py`) and by sslwrap's, compared field by field.
//!
//! Python must run on the OpenSSL sslwrap links (CI leaves `interop_python*`
//! out of its vendored-OpenSSL run).

mod common;

use std::path::Path;
use std::time::Duration;

use common::json::Json;
use common::python::PyProcess;
use sslwrap::asyncio;
use sslwrap::{SslContext, SslError, SslErrorKind, WrapOptions, PROTOCOL_TLS_SERVER};
use tokio::net::TcpListener;

const LIMIT: Duration = Duration::from_secs(15);

fn certdata(name: &str) -> String {
    common::certdata(name).display().to_string()
}

/// `asyncio_peer.py client PORT CAFILE HOST [SERVER_HOSTNAME [TIMEOUT]]`:
/// the error Python's `open_connection` raised.
async fn python_client_error(args: Vec<String>) -> Json {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/asyncio_peer.py");
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = std::iter::once("client")
            .chain(args.iter().map(|a| a.as_str()))
            .collect();
        let mut py = PyProcess::talk(&script, &args);
        let line = py.next_line().unwrap_or_else(|e| panic!("python: {e}"));
        let j = Json::parse(&line).unwrap_or_else(|e| panic!("{line:?}: {e}"));
        j.get("error")
            .cloned()
            .unwrap_or_else(|| panic!("python connected: {line}"))
    })
    .await
    .unwrap()
}

/// What is compared: Python's `type(e).__name__`, `str(e)` (without the
/// `(_ssl.c:NNNN)` tail), `library`, `reason`, `verify_code`,
/// `verify_message`.
fn ours(e: &SslError) -> Vec<(&'static str, Option<String>)> {
    vec![
        ("class", Some(e.python_class().to_owned())),
        ("str", Some(e.to_string())),
        ("library", e.library().map(str::to_owned)),
        ("reason", e.reason().map(str::to_owned)),
        ("verify_code", e.verify_code().map(|c| c.to_string())),
        ("verify_message", e.verify_message().map(str::to_owned)),
    ]
}

fn theirs(j: &Json) -> Vec<(&'static str, Option<String>)> {
    [
        "class",
        "str",
        "library",
        "reason",
        "verify_code",
        "verify_message",
    ]
    .into_iter()
    .map(|k| {
        let v = j.str_at(k).or_else(|| j.int_at(k).map(|n| n.to_string()));
        (k, v)
    })
    .collect()
}

/// A server of `ctx` for `n` clients, whose handshakes may fail.
async fn server(ctx: SslContext, n: usize) -> u16 {
    let mut listener = asyncio::SslListener::bind("127.0.0.1:0", &ctx, WrapOptions::default())
        .await
        .unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        for _ in 0..n {
            let _ = listener.accept().await;
        }
    });
    port
}

/// A certificate that does not verify (CPython's self-signed
/// `ssl_cert.pem` against `pycacert.pem`): `SSLCertVerificationError`, the
/// same fields.
#[tokio::test]
async fn failed_certificate_is_pythons_error() {
    tokio::time::timeout(LIMIT, async {
        let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
        ctx.load_cert_chain(
            &common::certdata("ssl_cert.pem"),
            Some(&common::certdata("ssl_key.pem")),
            None,
        )
        .unwrap();
        let port = server(ctx, 2).await;
        let py = python_client_error(vec![
            port.to_string(),
            certdata("pycacert.pem"),
            "localhost".into(),
        ])
        .await;
        let err = asyncio::open_connection(
            "localhost",
            port,
            &common::cpython_client_ctx(),
            WrapOptions::default(),
        )
        .await
        .unwrap_err();
        assert_eq!(err.kind(), SslErrorKind::CertVerification);
        assert_eq!(ours(&err), theirs(&py));
    })
    .await
    .expect("bounded")
}

/// A name that does not match: Python's message, naming the name.
#[tokio::test]
async fn hostname_mismatch_is_pythons_error() {
    tokio::time::timeout(LIMIT, async {
        let port = server(common::cpython_server_ctx(), 2).await;
        let py = python_client_error(vec![
            port.to_string(),
            certdata("pycacert.pem"),
            "127.0.0.1".into(),
            "wrong.example.org".into(),
        ])
        .await;
        let opts = WrapOptions::default().server_hostname("wrong.example.org");
        let err = asyncio::open_connection("127.0.0.1", port, &common::cpython_client_ctx(), opts)
            .await
            .unwrap_err();
        assert_eq!(ours(&err), theirs(&py));
    })
    .await
    .expect("bounded")
}

/// A server that never answers: asyncio's handshake timeout text, word
/// for word (Python's class is `ConnectionAbortedError`, sslwrap's kind
/// `Timeout`: see `start_tls`'s "Differences from Python").
#[tokio::test]
async fn handshake_timeout_is_asyncios_text() {
    tokio::time::timeout(LIMIT, async {
        let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = silent.local_addr().unwrap().port();
        let holder = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((tcp, _)) = silent.accept().await {
                held.push(tcp);
            }
        });
        let py = python_client_error(vec![
            port.to_string(),
            certdata("pycacert.pem"),
            "localhost".into(),
            "-".into(),
            "0.5".into(),
        ])
        .await;
        let opts = WrapOptions::default().ssl_handshake_timeout(Duration::from_millis(500));
        let err = asyncio::open_connection("localhost", port, &common::cpython_client_ctx(), opts)
            .await
            .unwrap_err();
        assert_eq!(
            py.str_at("class").as_deref(),
            Some("ConnectionAbortedError")
        );
        assert_eq!(py.str_at("str"), Some(err.to_string()));
        assert_eq!(err.kind(), SslErrorKind::Timeout);
        holder.abort();
    })
    .await
    .expect("bounded")
}
