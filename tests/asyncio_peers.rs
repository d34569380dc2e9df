//! `sslwrap::asyncio` with real peers both ways: Python's asyncio
//! (`tests/py/asyncio_peer.py` on CPython 3.11: `asyncio.start_server`,
//! `asyncio.open_connection`, `StreamWriter.start_tls`) and the OpenSSL
//! command line (`openssl s_server`, `openssl s_client`).
//!
//! Python is a peer here, not an oracle: these tests also run on the
//! vendored OpenSSL 3.6 against the system `python3` on 3.0
//! ([`common::python::python3_peer`]).
//!
//! Certificates are CPython's (`keycert3.pem` for localhost, signed by
//! `pycacert.pem`). Every child is killed when its handle drops; every wait
//! is bounded.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use common::python::PyProcess;
use sslwrap::asyncio;
use sslwrap::WrapOptions;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader as AsyncBufReader};
use tokio::net::TcpListener;

const LIMIT: Duration = Duration::from_secs(15);
const WAIT: Duration = Duration::from_secs(10);

fn certdata(name: &str) -> String {
    common::certdata(name).display().to_string()
}

fn script() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/py/asyncio_peer.py")
}

/// The JSON line a Python peer printed.
fn line(p: &mut PyProcess) -> common::json::Json {
    let l = p.next_line().unwrap_or_else(|e| panic!("python: {e}"));
    common::json::Json::parse(&l).unwrap_or_else(|e| panic!("python printed {l:?}: {e}"))
}

async fn bounded<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(LIMIT, f).await.expect("bounded")
}

/// A Python child's next line, read off the runtime's thread.
async fn next_json(mut p: PyProcess) -> (common::json::Json, PyProcess) {
    tokio::task::spawn_blocking(move || (line(&mut p), p))
        .await
        .unwrap()
}

/// sslwrap's `open_connection` to Python's `asyncio.start_server`.
#[tokio::test]
async fn client_to_python_asyncio_server() {
    bounded(async {
        let mut py = PyProcess::talk_peer(&script(), &["server", &certdata("keycert3.pem")]);
        let port = line(&mut py).int_at("port").expect("port") as u16;
        let ctx = common::cpython_client_ctx();
        let mut s = asyncio::open_connection("localhost", port, &ctx, WrapOptions::default())
            .await
            .unwrap();
        s.write_all(b"hello\n").await.unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got).await.unwrap(); // to the server's close_notify
        assert_eq!(got, b"HELLO\n");
        let version = s.version().unwrap();
        let cipher = s.cipher().unwrap().0;
        s.shutdown().await.unwrap();
        let (served, _py) = next_json(py).await;
        assert_eq!(
            served.str_at("served").as_deref(),
            Some("hello\n"),
            "{served:?}"
        );
        assert_eq!(served.str_at("version"), Some(version));
        assert_eq!(served.str_at("cipher"), Some(cipher));
    })
    .await
}

/// Python's `asyncio.open_connection` to sslwrap's `start_server`.
#[tokio::test]
async fn python_asyncio_client_to_server() {
    bounded(async {
        let server = asyncio::start_server(
            &common::cpython_server_ctx(),
            "127.0.0.1:0",
            WrapOptions::default(),
            |s, _| async move {
                let mut s = AsyncBufReader::new(s);
                let mut line = String::new();
                s.read_line(&mut line).await.unwrap();
                s.write_all(line.to_uppercase().as_bytes()).await.unwrap();
                s.shutdown().await.unwrap();
            },
        )
        .await
        .unwrap();
        let port = server.local_addr().port().to_string();
        let py = PyProcess::talk_peer(
            &script(),
            &["client", &port, &certdata("pycacert.pem"), "localhost"],
        );
        let (got, _py) = next_json(py).await;
        assert_eq!(got.str_at("got").as_deref(), Some("HELLO\n"), "{got:?}");
        assert_eq!(got.str_at("version").as_deref(), Some("TLSv1.3"));
    })
    .await
}

/// Python's `StreamWriter.start_tls` (STARTTLS) to sslwrap's `start_tls`
/// on the server side.
#[tokio::test]
async fn python_asyncio_starttls_client() {
    bounded(async {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port().to_string();
        let py = PyProcess::talk_peer(
            &script(),
            &["starttls_client", &port, &certdata("pycacert.pem")],
        );
        let (tcp, _) = listener.accept().await.unwrap();
        let mut tcp = AsyncBufReader::new(tcp);
        let mut line = String::new();
        tcp.read_line(&mut line).await.unwrap();
        assert_eq!(line, "STARTTLS\n");
        assert!(tcp.buffer().is_empty());
        let mut tcp = tcp.into_inner();
        tcp.write_all(b"OK\n").await.unwrap();
        let opts = WrapOptions::default().server_side(true);
        let s = asyncio::start_tls(tcp, &common::cpython_server_ctx(), opts)
            .await
            .unwrap();
        let mut s = AsyncBufReader::new(s);
        let mut line = String::new();
        s.read_line(&mut line).await.unwrap();
        s.write_all(line.to_uppercase().as_bytes()).await.unwrap();
        s.shutdown().await.unwrap();
        let (got, _py) = next_json(py).await;
        assert_eq!(got.str_at("got").as_deref(), Some("HELLO\n"), "{got:?}");
    })
    .await
}

// --- the OpenSSL command line ------------------------------------------------

/// A running `openssl` command, killed on drop, its stdout and stderr
/// lines collected by a thread each.
struct Cli {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
    seen: Vec<String>,
}

impl Cli {
    fn spawn(args: &[&str]) -> Cli {
        let mut child = Command::new("openssl")
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("these tests need the `openssl` command (Debian package `openssl`)");
        let (tx, lines) = mpsc::channel();
        let out: Box<dyn std::io::Read + Send> = Box::new(child.stdout.take().unwrap());
        let err: Box<dyn std::io::Read + Send> = Box::new(child.stderr.take().unwrap());
        for pipe in [out, err] {
            let tx = tx.clone();
            std::thread::spawn(move || {
                for l in BufReader::new(pipe).lines() {
                    let Ok(l) = l else { break };
                    if tx.send(l).is_err() {
                        break;
                    }
                }
            });
        }
        Cli {
            stdin: child.stdin.take(),
            child,
            lines,
            seen: Vec::new(),
        }
    }

    /// The first line containing `needle`, waiting up to [`WAIT`].
    fn wait_for(&mut self, needle: &str) -> String {
        if let Some(l) = self.seen.iter().find(|l| l.contains(needle)) {
            return l.clone();
        }
        loop {
            match self.lines.recv_timeout(WAIT) {
                Ok(l) => {
                    self.seen.push(l.clone());
                    if l.contains(needle) {
                        return l;
                    }
                }
                Err(e) => panic!(
                    "openssl printed no {needle:?} ({e}):\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }
}

impl Drop for Cli {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// sslwrap's `open_connection` to `openssl s_server -rev` (which answers
/// each line reversed), TLS 1.2 and 1.3.
#[tokio::test]
async fn client_to_openssl_s_server() {
    for (flag, version) in [("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")] {
        bounded(async {
            let (cert, key) = (certdata("keycert3.pem"), certdata("keycert3.pem"));
            let mut cli = Cli::spawn(&[
                "s_server",
                "-accept",
                "127.0.0.1:0",
                "-naccept",
                "1",
                "-rev",
                flag,
                "-cert",
                &cert,
                "-key",
                &key,
            ]);
            let accept = tokio::task::spawn_blocking(move || {
                let l = cli.wait_for("ACCEPT ");
                (cli, l)
            });
            let (cli, l) = accept.await.unwrap();
            let port: u16 = l.rsplit(':').next().unwrap().trim().parse().unwrap();
            let ctx = common::cpython_client_ctx();
            let mut s = asyncio::open_connection("localhost", port, &ctx, WrapOptions::default())
                .await
                .unwrap();
            assert_eq!(s.version().as_deref(), Some(version));
            s.write_all(b"hello\n").await.unwrap();
            let mut buf = [0; 6];
            s.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"olleh\n");
            s.shutdown().await.unwrap();
            drop(cli);
        })
        .await;
    }
}

/// `openssl s_client` to sslwrap's `SslListener`, TLS 1.2 and 1.3.
#[tokio::test]
async fn openssl_s_client_to_listener() {
    for (flag, version) in [("-tls1_2", "TLSv1.2"), ("-tls1_3", "TLSv1.3")] {
        bounded(async {
            let mut listener = asyncio::SslListener::bind(
                "127.0.0.1:0",
                &common::cpython_server_ctx(),
                WrapOptions::default(),
            )
            .await
            .unwrap();
            let port = listener.local_addr().unwrap().port();
            let connect = format!("127.0.0.1:{port}");
            let ca = certdata("pycacert.pem");
            let mut cli = Cli::spawn(&[
                "s_client",
                "-connect",
                &connect,
                "-servername",
                "localhost",
                "-CAfile",
                &ca,
                "-verify_return_error",
                "-ign_eof",
                flag,
            ]);
            let mut stdin = cli.stdin.take().unwrap();
            let (mut s, _) = listener.accept().await.unwrap();
            assert_eq!(s.version().as_deref(), Some(version));
            stdin.write_all(b"hello\n").unwrap();
            stdin.flush().unwrap();
            let mut buf = [0; 6];
            s.read_exact(&mut buf).await.unwrap();
            assert_eq!(&buf, b"hello\n");
            s.write_all(b"HELLO FROM SSLWRAP\n").await.unwrap();
            s.shutdown().await.unwrap();
            let seen = tokio::task::spawn_blocking(move || {
                cli.wait_for("HELLO FROM SSLWRAP");
                cli.wait_for("Verify return code: 0 (ok)")
            });
            seen.await.unwrap();
            drop(stdin);
        })
        .await;
    }
}
