//! The load run, shared by `reliability/src/bin/load.rs` (release, full
//! size, run by `.ci/reliability`) and `tests/load.rs` (debug, reduced), which
//! includes this file with `#[path]`. It needs only `sslwrap` and `std`.
//!
//! One [`SslListener`] serves everything, the way Python's
//! `socketserver.ThreadingMixIn` serves: the accept loop only accepts
//! (`set_do_handshake_on_connect(false)`, so no client can hold it), and each
//! connection gets a worker thread that runs the handshake and the echo
//! under the listener's per-connection timeout. A slow or silent client
//! therefore holds only its own worker, until its timeout; the figures
//! include silent clients that connect and never speak while the others are
//! served.

use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use sslwrap::{SslContext, SslListener, WrapOptions};

/// Resources of this process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Usage {
    /// Open file descriptors (`/proc/self/fd`).
    pub fds: usize,
    /// Resident set size in KiB (`/proc/self/statm`, second field).
    pub rss_kib: u64,
}

impl Usage {
    /// Now.
    pub fn now() -> Usage {
        let fds = std::fs::read_dir("/proc/self/fd")
            .expect("/proc/self/fd")
            .count();
        let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
        let pages: u64 = statm
            .split_whitespace()
            .nth(1)
            .and_then(|f| f.parse().ok())
            .expect("statm's resident field");
        Usage {
            fds,
            rss_kib: pages * page_size() / 1024,
        }
    }
}

fn page_size() -> u64 {
    // Linux on x86-64 and aarch64 (4 KiB pages; 64 KiB kernels would only
    // make the RSS figures larger than they are, never hide growth).
    4096
}

/// What a run served.
#[derive(Debug, Default, Clone, Copy)]
pub struct Served {
    /// Handshake and echo completed, seen by the client.
    pub ok: usize,
    /// Client-side failures (must be 0).
    pub failed: usize,
    /// Silent clients the server timed out (expected).
    pub timed_out: usize,
    /// Server-side worker failures other than the silent clients' timeouts.
    pub server_failed: usize,
    /// Wall time.
    pub elapsed: Duration,
    /// The slowest well-behaved client.
    pub slowest: Duration,
}

/// The contexts: a server with `keycert3.pem` (localhost, RSA 3072), a
/// client trusting CPython's test CA, both from `certdata`
/// (`tests/data/cpython`).
pub fn contexts(certdata: &Path) -> (SslContext, SslContext) {
    let mut server = SslContext::new(sslwrap::PROTOCOL_TLS_SERVER).expect("server context");
    server
        .load_cert_chain(&certdata.join("keycert3.pem"), None, None)
        .expect("keycert3.pem");
    let mut client = SslContext::new(sslwrap::PROTOCOL_TLS_CLIENT).expect("client context");
    client
        .load_verify_locations(Some(&certdata.join("pycacert.pem")), None, None)
        .expect("pycacert.pem");
    (server, client)
}

/// The threading server: see the module docs.
pub struct Server {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    /// Server-side worker results: `Ok` or the error's text.
    results: mpsc::Receiver<Result<(), String>>,
    acceptor: Option<JoinHandle<()>>,
}

impl Server {
    /// Listens on 127.0.0.1 with `timeout` per connection (handshake and
    /// each read/write).
    pub fn start(ctx: &SslContext, timeout: Duration) -> Server {
        let tcp = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = tcp.local_addr().expect("local_addr");
        let mut listener: SslListener = ctx.wrap_listener(tcp);
        listener.set_do_handshake_on_connect(false);
        listener.set_handshake_timeout(Some(timeout));
        let stop = Arc::new(AtomicBool::new(false));
        let (tx, results) = mpsc::channel();
        let stopping = stop.clone();
        let acceptor = thread::spawn(move || {
            while !stopping.load(Ordering::SeqCst) {
                let mut s = match listener.accept() {
                    Ok((s, _)) => s,
                    Err(e) => {
                        let _ = tx.send(Err(format!("accept: {e}")));
                        continue;
                    }
                };
                // Without it, Nagle's algorithm holds the echo until the
                // client's delayed ACK (40 ms a connection), as it would
                // under Python's socketserver.
                let _ = s.get_ref().set_nodelay(true);
                let tx = tx.clone();
                // The worker is detached, as ThreadingMixIn's
                // (daemon_threads); its result tells when it is done.
                thread::spawn(move || {
                    let r = (|| {
                        s.do_handshake()?;
                        let got = s.recv(64)?;
                        s.sendall(&got)?;
                        // Until the client closes (b'' with
                        // suppress_ragged_eofs, the default).
                        while !s.recv(64)?.is_empty() {}
                        Ok::<(), sslwrap::SslError>(())
                    })();
                    // Closed before it reports, so that a count of
                    // descriptors after the results is exact.
                    drop(s);
                    let _ = tx.send(r.map_err(|e| e.to_string()));
                });
            }
        });
        Server {
            addr,
            stop,
            results,
            acceptor: Some(acceptor),
        }
    }

    /// Waits (at most `limit`) for `n` worker results; counts the
    /// timeouts and the other failures.
    pub fn collect(&self, n: usize, limit: Duration) -> (usize, usize, usize) {
        let deadline = Instant::now() + limit;
        let (mut ok, mut timeouts, mut failed) = (0, 0, 0);
        for _ in 0..n {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.results.recv_timeout(left) {
                Ok(Ok(())) => ok += 1,
                Ok(Err(e)) if e.contains("timed out") => timeouts += 1,
                Ok(Err(e)) => {
                    eprintln!("server worker: {e}");
                    failed += 1
                }
                Err(_) => panic!("{n} workers did not all finish within {limit:?}"),
            }
        }
        (ok, timeouts, failed)
    }

    /// Stops the accept loop and joins it.
    pub fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        if let Some(a) = self.acceptor.take() {
            a.join().expect("the accept loop panicked");
        }
        // The wake-up connection's worker.
        let _ = self.results.recv_timeout(Duration::from_secs(10));
    }
}

/// One well-behaved client: connect, handshake, echo, close.
pub fn client(ctx: &SslContext, addr: SocketAddr, timeout: Duration) -> Result<(), String> {
    let tcp = TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
    tcp.set_nodelay(true).map_err(|e| e.to_string())?;
    let opts = WrapOptions::default()
        .server_hostname("localhost")
        .do_handshake_on_connect(false);
    let mut s = ctx.wrap_socket(tcp, opts).map_err(|e| e.to_string())?;
    s.settimeout(Some(timeout)).map_err(|e| e.to_string())?;
    s.do_handshake().map_err(|e| e.to_string())?;
    s.sendall(b"ping").map_err(|e| e.to_string())?;
    let got = s.recv(64).map_err(|e| e.to_string())?;
    if got != b"ping" {
        return Err(format!("echo {got:?}"));
    }
    Ok(())
}

/// `n` connections one after another.
pub fn sequential(server: &Server, client_ctx: &SslContext, n: usize, timeout: Duration) -> Served {
    let start = Instant::now();
    let mut served = Served::default();
    for i in 0..n {
        let t = Instant::now();
        match client(client_ctx, server.addr, timeout) {
            Ok(()) => served.ok += 1,
            Err(e) => {
                eprintln!("sequential client {i}: {e}");
                served.failed += 1;
            }
        }
        served.slowest = served.slowest.max(t.elapsed());
    }
    let (_, timeouts, failed) = server.collect(n, timeout * 4);
    served.timed_out = timeouts;
    served.server_failed = failed;
    served.elapsed = start.elapsed();
    served
}

/// `n` clients at once (each on its own thread, released together), plus
/// `silent` clients that connect first and never send a byte.
pub fn concurrent(
    server: &Server,
    client_ctx: &Arc<SslContext>,
    n: usize,
    silent: usize,
    timeout: Duration,
) -> Served {
    let start = Instant::now();
    let quiet: Vec<TcpStream> = (0..silent)
        .map(|_| TcpStream::connect(server.addr).expect("a silent client connects"))
        .collect();
    let gate = Arc::new(std::sync::Barrier::new(n));
    let ok = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..n)
        .map(|i| {
            let (ctx, gate, ok, addr) = (client_ctx.clone(), gate.clone(), ok.clone(), server.addr);
            thread::Builder::new()
                .stack_size(256 * 1024)
                .spawn(move || {
                    gate.wait();
                    let t = Instant::now();
                    match client(&ctx, addr, timeout) {
                        Ok(()) => {
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        Err(e) => eprintln!("concurrent client {i}: {e}"),
                    }
                    t.elapsed()
                })
                .expect("spawn a client thread")
        })
        .collect();
    let mut slowest = Duration::ZERO;
    for t in threads {
        slowest = slowest.max(t.join().expect("a client thread panicked"));
    }
    let good = ok.load(Ordering::Relaxed);
    // The well-behaved clients were all served while the silent ones still
    // held their workers: they finished before the silent ones' timeout.
    let served_before_timeout = slowest < timeout;
    let (_, timeouts, failed) = server.collect(n + silent, timeout * 4);
    drop(quiet);
    Served {
        ok: good,
        failed: n - good + usize::from(!served_before_timeout),
        timed_out: timeouts,
        server_failed: failed,
        elapsed: start.elapsed(),
        slowest,
    }
}

/// Gives freed heap back to the OS (`malloc_trim(0)`), so that RSS shows
/// what is still allocated rather than what glibc keeps cached for reuse
/// (per-thread arenas after hundreds of threads).
pub fn trim() {
    extern "C" {
        fn malloc_trim(pad: usize) -> i32;
    }
    // SAFETY: glibc's malloc_trim only releases free memory of the
    // allocator to the OS; it takes no pointer and is thread-safe.
    unsafe {
        malloc_trim(0);
    }
}
