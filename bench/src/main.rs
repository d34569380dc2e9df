//! sslwrap-bench: sslwrap against the `openssl` crate used directly (the
//! baseline), plain TCP (the ceiling), rustls and CPython's `ssl`, side by
//! side in one run, over loopback, client and server threads.
//!
//! ```text
//! cd bench && cargo run --release -- [--quick] [--rounds N] [--only GROUPS] [--contenders NAMES] [--out DIR]
//! ```
//!
//! GROUPS (comma-separated): aes (AES-128-GCM throughput by write size),
//! chacha (ChaCha20-Poly1305 throughput), handshake, memory, callgrind,
//! speed (`openssl speed`). Every measured row is printed; the exit status
//! is non-zero if any contender failed a row. See BENCHMARKS.md.

mod async_tls;
mod common;
mod svg;
mod sync_tls;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::{mint_pki, setup, KeyKind, Kind, Setup, Suite, ALL};
use sync_tls::{Op, Role};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const SIZES: [usize; 6] = [64, 256, 1024, 4096, 16384, 65536];
const BASE: Kind = Kind::OpensslRb;

/// Everything the run is configured with.
struct Cfg {
    quick: bool,
    rounds: usize,
    groups: Vec<String>,
    contenders: Vec<Kind>,
    out: PathBuf,
    pki: PathBuf,
    script: PathBuf,
    mem_conns: usize,
    exe: PathBuf,
}

impl Cfg {
    fn group(&self, g: &str) -> bool {
        self.groups.iter().any(|x| x == g)
    }
    /// Writes per bulk measurement: 64 Ki writes, at most 256 MiB (a
    /// sixteenth in --quick).
    fn writes(&self, size: usize) -> usize {
        let w = ((256usize << 20) / size).min(65536);
        if self.quick {
            (w / 16).max(64)
        } else {
            w
        }
    }
    fn hs_count(&self, key: KeyKind, resume: bool) -> usize {
        let n = match (key, resume) {
            (_, true) => 600,
            (KeyKind::Ecdsa, false) => 300,
            (KeyKind::Rsa, false) => 200,
        };
        if self.quick {
            n / 20
        } else {
            n
        }
    }
    fn setup(&self, suite: Suite, key: KeyKind) -> Setup {
        setup(&self.pki, suite, key)
    }
    fn conf(&self, suite: Suite) -> PathBuf {
        self.pki.join(format!("openssl-{}.cnf", suite.arg()))
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let r = match args.first().map(String::as_str) {
        Some("mem-child") => mem_child_main(&args[1..]),
        Some("count") => count_main(&args[1..]),
        _ => run(&args),
    };
    match r {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("sslwrap-bench: {e}");
            std::process::exit(2);
        }
    }
}

/// `--name value` from a flag list.
fn flag<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
}

fn need<'a>(args: &'a [String], name: &str) -> Res<&'a str> {
    flag(args, name).ok_or_else(|| format!("missing {name}").into())
}

fn kind_arg(args: &[String]) -> Res<Kind> {
    let k = need(args, "--contender")?;
    Kind::from_name(k).ok_or_else(|| format!("unknown contender {k}").into())
}

// --- child modes --------------------------------------------------------------

/// `mem-child --contender K --role client|server --port P --n N --warm W --pki DIR`:
/// the measured side of the memory figure. Prints "BEFORE AFTER".
fn mem_child_main(args: &[String]) -> Res<i32> {
    let kind = kind_arg(args)?;
    let role = match need(args, "--role")? {
        "client" => Role::Client,
        _ => Role::Server,
    };
    let port: u16 = need(args, "--port")?.parse()?;
    let n: usize = need(args, "--n")?.parse()?;
    let warm: usize = need(args, "--warm")?.parse()?;
    let s = setup(
        Path::new(need(args, "--pki")?),
        Suite::Aes128Gcm,
        KeyKind::Ecdsa,
    );
    let [rss0, rss1, heap0, heap1] = match kind {
        Kind::SslwrapAsync | Kind::TokioOpenssl | Kind::TokioRustls => {
            with_async!(kind, &s, |t| async_tls::mem_child(t, role, port, n, warm)?)
        }
        _ => with_sync!(kind, &s, |t| sync_tls::mem_child(t, role, port, n, warm)?),
    };
    println!("{rss0} {rss1} {heap0} {heap1}");
    Ok(0)
}

fn parse_op(op: &str) -> Res<(Op, KeyKind)> {
    Ok(match op {
        "bulk16k" => (Op::Bulk(16384), KeyKind::Ecdsa),
        "bulk256" => (Op::Bulk(256), KeyKind::Ecdsa),
        "full-ecdsa" => (Op::Full, KeyKind::Ecdsa),
        "full-rsa" => (Op::Full, KeyKind::Rsa),
        "resumed" => (Op::Resumed, KeyKind::Ecdsa),
        _ => return Err(format!("unknown op {op}").into()),
    })
}

/// `count --contender K --op OP --n N --pki DIR`: exactly N operations
/// after the setup, for callgrind.
fn count_main(args: &[String]) -> Res<i32> {
    let kind = kind_arg(args)?;
    let (op, key) = parse_op(need(args, "--op")?)?;
    let n: usize = need(args, "--n")?.parse()?;
    let s = setup(Path::new(need(args, "--pki")?), Suite::Aes128Gcm, key);
    with_sync!(kind, &s, |t| sync_tls::count(t, op, n)?);
    Ok(0)
}

// --- the run ------------------------------------------------------------------

/// One callgrind count: (Ir for 0 operations, Ir for n, n), or why it failed.
type Count = Result<(u64, u64, usize), String>;

#[derive(Default)]
struct Results {
    samples: BTreeMap<(String, Kind), Vec<f64>>,
    errors: BTreeMap<(String, Kind), String>,
    /// (op, kind) -> (total for 0, total for n, n)
    callgrind: BTreeMap<(String, Kind), Count>,
    speed: Vec<(String, Result<f64, String>)>,
}

impl Results {
    fn add(&mut self, row: &str, kind: Kind, r: io::Result<f64>) {
        match r {
            Ok(v) => self
                .samples
                .entry((row.to_owned(), kind))
                .or_default()
                .push(v),
            Err(e) => {
                eprintln!("  FAILED {row} {}: {e}", kind.name());
                self.errors.insert((row.to_owned(), kind), e.to_string());
            }
        }
    }
    fn median(&self, row: &str, kind: Kind) -> Option<f64> {
        if self.errors.contains_key(&(row.to_owned(), kind)) {
            return None;
        }
        let v = self.samples.get(&(row.to_owned(), kind))?;
        let mut v = v.clone();
        v.sort_by(f64::total_cmp);
        let m = v.len() / 2;
        Some(if v.len() % 2 == 1 {
            v[m]
        } else {
            (v[m - 1] + v[m]) / 2.0
        })
    }
    fn spread(&self, row: &str, kind: Kind) -> Option<f64> {
        let v = self.samples.get(&(row.to_owned(), kind))?;
        let (lo, hi) = v
            .iter()
            .fold((f64::MAX, 0.0f64), |(l, h), x| (l.min(*x), h.max(*x)));
        Some((hi - lo) / self.median(row, kind)?.max(1e-12))
    }
    fn per_op(&self, op: &str, kind: Kind) -> Option<f64> {
        match self.callgrind.get(&(op.to_owned(), kind))? {
            Ok((zero, total, n)) => Some((*total as f64 - *zero as f64) / *n as f64),
            Err(_) => None,
        }
    }
}

fn run(args: &[String]) -> Res<i32> {
    // Before any thread pins itself: the CPUs `pin` chooses from.
    common::init_cpus();
    let quick = args.iter().any(|a| a == "--quick");
    let groups: Vec<String> = flag(args, "--only")
        .unwrap_or("aes,chacha,handshake,memory,callgrind,speed")
        .split(',')
        .map(str::to_owned)
        .collect();
    let contenders: Vec<Kind> = match flag(args, "--contenders") {
        Some(list) => list
            .split(',')
            .map(|n| Kind::from_name(n).ok_or_else(|| format!("unknown contender {n}")))
            .collect::<Result<_, _>>()?,
        None => ALL.to_vec(),
    };
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = match flag(args, "--out") {
        Some(o) => PathBuf::from(o),
        None if quick => std::env::temp_dir().join("sslwrap-bench-quick"),
        None => manifest.join("results"),
    };
    let work = std::env::temp_dir().join(format!("sslwrap-bench-{}", std::process::id()));
    fs::create_dir_all(&out)?;
    mint_pki(&work)?;
    let script = work.join("bench.py");
    fs::write(&script, include_str!("../bench.py"))?;
    for suite in [Suite::Aes128Gcm, Suite::Chacha20] {
        // Python 3.11 cannot set TLS 1.3 suites or X25519: OpenSSL's own
        // configuration pins them for the Python process.
        fs::write(
            work.join(format!("openssl-{}.cnf", suite.arg())),
            format!(
                "openssl_conf = openssl_init\n[openssl_init]\nssl_conf = ssl_sect\n[ssl_sect]\nsystem_default = sysdef\n[sysdef]\nCiphersuites = {}\nGroups = {}\n",
                suite.openssl_name(),
                common::GROUP
            ),
        )?;
    }
    let cfg = Cfg {
        quick,
        rounds: flag(args, "--rounds")
            .map(str::parse)
            .transpose()?
            .unwrap_or(if quick { 1 } else { 5 }),
        groups,
        contenders,
        out,
        pki: work.clone(),
        script,
        mem_conns: flag(args, "--mem-conns")
            .map(str::parse)
            .transpose()?
            .unwrap_or(if quick { 100 } else { 1000 }),
        exe: std::env::current_exe()?,
    };
    let started = Instant::now();
    let mut report = String::new();
    let _ = writeln!(report, "{}", machine(&cfg));
    print!("{report}");
    let load_before = load();
    let mut res = Results::default();

    // Rounds: each round measures every row for every contender, in turn,
    // so a change of load during the run hits every contender alike.
    for round in 0..cfg.rounds {
        eprintln!(
            "round {}/{} ({:.0} s)",
            round + 1,
            cfg.rounds,
            started.elapsed().as_secs_f64()
        );
        if cfg.group("aes") {
            for size in SIZES {
                bulk_row(&cfg, &mut res, Suite::Aes128Gcm, size);
            }
        }
        if cfg.group("chacha") {
            for size in [16384, 256] {
                bulk_row(&cfg, &mut res, Suite::Chacha20, size);
            }
        }
        if cfg.group("handshake") {
            for (key, resume) in [
                (KeyKind::Ecdsa, false),
                (KeyKind::Rsa, false),
                (KeyKind::Ecdsa, true),
            ] {
                hs_row(&cfg, &mut res, key, resume);
            }
            if cfg.contenders.contains(&Kind::SslwrapSocket) {
                cached_row(&cfg, &mut res);
            }
        }
        if cfg.group("memory") && (round < 3 || cfg.quick) {
            for role in [Role::Client, Role::Server] {
                mem_row(&cfg, &mut res, role);
            }
        }
    }
    let load_after = load();
    if cfg.group("callgrind") {
        callgrind_rows(&cfg, &mut res);
    }
    if cfg.group("speed") {
        speed_rows(&cfg, &mut res);
    }
    let _ = writeln!(
        report,
        "\nRun: {} round(s), {:.0} s; load average (1/5/15 min) before: {}, after: {}.\n",
        cfg.rounds,
        started.elapsed().as_secs_f64(),
        load_before,
        load_after
    );
    let expected = tables(&cfg, &res, &mut report);
    print!("{}", &report[report.find("\nRun:").unwrap_or(0)..]);
    fs::write(cfg.out.join("results.md"), &report)?;
    fs::write(cfg.out.join("samples.tsv"), samples_tsv(&res))?;
    if cfg.group("aes") {
        fs::write(cfg.out.join("throughput.svg"), plot(&cfg, &res))?;
        println!("plot: {}", cfg.out.join("throughput.svg").display());
    }
    println!("results: {}", cfg.out.join("results.md").display());
    let _ = fs::remove_dir_all(&work);
    let failed = res.errors.len() + res.callgrind.values().filter(|r| r.is_err()).count();
    println!("rows: {expected} printed, {failed} failed");
    Ok(if failed > 0 { 1 } else { 0 })
}

fn load() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn cmd_out(cmd: &str, args: &[&str]) -> String {
    Command::new(cmd)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_else(|e| format!("({cmd}: {e})"))
}

fn machine(cfg: &Cfg) -> String {
    let cpuinfo = fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")
                .map(|v| v.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_default();
    let flags = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("flags"))
        .unwrap_or("");
    let has: Vec<&str> = ["aes", "pclmulqdq", "avx2", "avx512f", "vaes", "vpclmulqdq"]
        .into_iter()
        .filter(|f| flags.split_whitespace().any(|x| x == *f))
        .collect();
    let py = cmd_out(
        "python3",
        &[
            "-c",
            "import ssl,sys; print(sys.version.split()[0], '/', ssl.OPENSSL_VERSION)",
        ],
    );
    format!(
        "# sslwrap-bench{}\n\nMachine: {} cores (`nproc`), {} [{}]; sslwrap and the `openssl` crate on {}; `openssl` CLI: {}; python3 {}; rustls 0.23 (ring).\n",
        if cfg.quick { " --quick (smoke run: numbers not meaningful)" } else { "" },
        thread::available_parallelism().map_or(0, |n| n.get()),
        model,
        has.join(" "),
        sslwrap::openssl_version(),
        cmd_out("openssl", &["version"]),
        py
    )
}

// --- bulk -------------------------------------------------------------------------

fn bulk_key(suite: Suite, size: usize) -> String {
    format!("{}/{}", suite.arg(), size)
}

fn bulk_row(cfg: &Cfg, res: &mut Results, suite: Suite, size: usize) {
    let s = cfg.setup(suite, KeyKind::Ecdsa);
    let writes = cfg.writes(size);
    for &kind in &cfg.contenders {
        if kind == Kind::Tcp && suite != Suite::Aes128Gcm {
            continue; // the ceiling is the same whatever the suite
        }
        let r = (|| -> io::Result<f64> {
            match kind {
                Kind::Python => python(cfg, &s, "bulk", &[size.to_string(), writes.to_string()])?
                    .trim()
                    .parse()
                    .map_err(common::other),
                Kind::SslwrapAsync | Kind::TokioOpenssl | Kind::TokioRustls => {
                    with_async!(kind, &s, |t| async_tls::bulk(t, size, writes))
                }
                _ => with_sync!(kind, &s, |t| sync_tls::bulk(t, size, writes)),
            }
        })();
        res.add(&bulk_key(suite, size), kind, r);
    }
}

fn python(cfg: &Cfg, s: &Setup, mode: &str, rest: &[String]) -> io::Result<String> {
    let out = Command::new("python3")
        .arg(&cfg.script)
        .arg(mode)
        .arg(&s.ca)
        .arg(&s.cert)
        .arg(&s.keyfile)
        .arg(s.suite.openssl_name())
        .args(rest)
        .env("OPENSSL_CONF", cfg.conf(s.suite))
        .stdin(Stdio::null())
        .output()?;
    if !out.status.success() {
        return Err(common::other(format!(
            "python3 bench.py {mode}: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

// --- handshakes -----------------------------------------------------------------

fn hs_key(key: KeyKind, resume: bool) -> String {
    format!("{}/{}", if resume { "resumed" } else { "full" }, key.arg())
}

fn hs_row(cfg: &Cfg, res: &mut Results, key: KeyKind, resume: bool) {
    let s = cfg.setup(Suite::Aes128Gcm, key);
    let n = cfg.hs_count(key, resume);
    for &kind in &cfg.contenders {
        if kind == Kind::Tcp && (resume || key == KeyKind::Rsa) {
            continue; // connections per second: once
        }
        let r = (|| -> io::Result<f64> {
            match kind {
                Kind::Python => {
                    python(cfg, &s, "hs", &[n.to_string(), (resume as u8).to_string()])?
                        .trim()
                        .parse()
                        .map_err(common::other)
                }
                Kind::SslwrapAsync | Kind::TokioOpenssl | Kind::TokioRustls => {
                    with_async!(kind, &s, |t| async_tls::handshakes(t, n, resume))
                }
                _ => with_sync!(kind, &s, |t| sync_tls::handshakes(t, n, resume)),
            }
        })();
        res.add(&hs_key(key, resume), kind, r);
    }
}

/// "Reconnect with the client session cache": resumed handshakes of
/// `sslwrap::SslSocket` where the context's cache, not the caller, keeps
/// and offers the session (checked resumed each time). sslwrap only: the
/// target compares it with the baseline's `resumed/ecdsa` (an explicit
/// session).
fn cached_row(cfg: &Cfg, res: &mut Results) {
    let s = cfg.setup(Suite::Aes128Gcm, KeyKind::Ecdsa);
    let n = cfg.hs_count(KeyKind::Ecdsa, true);
    let r = (|| -> io::Result<f64> {
        use sync_tls::SyncTls;
        let t = Arc::new(sync_tls::SslwrapCached::new(&s, Kind::SslwrapSocket)?);
        sync_tls::handshakes(t, n, true)
    })();
    res.add("cached/ecdsa", Kind::SslwrapSocket, r);
}

// --- memory -------------------------------------------------------------------------

fn mem_key(role: Role) -> String {
    format!(
        "mem/{}",
        if role == Role::Client {
            "client"
        } else {
            "server"
        }
    )
}

fn mem_row(cfg: &Cfg, res: &mut Results, role: Role) {
    for &kind in &cfg.contenders {
        let r = memory(cfg, kind, role);
        let (rss, heap) = match r {
            Ok((a, b)) => (Ok(a), Ok(b)),
            Err(e) => (Err(common::other(&e)), Err(e)),
        };
        res.add(&mem_key(role), kind, rss);
        res.add(&format!("heap/{}", &mem_key(role)[4..]), kind, heap);
    }
}

/// Bytes of resident memory per idle connection on one side: the measured
/// side runs in a child process (this program's `mem-child`, or Python)
/// that connects to a listener here; the other side of every connection is
/// raw `openssl` in this process.
/// Returns (resident, malloc heap in use) bytes per connection.
fn memory(cfg: &Cfg, kind: Kind, role: Role) -> io::Result<(f64, f64)> {
    let warm = 8;
    let n = cfg.mem_conns;
    let s = cfg.setup(Suite::Aes128Gcm, KeyKind::Ecdsa);
    let l = common::listener()?;
    l.set_nonblocking(true)?;
    let port = l.local_addr()?.port();
    let done = Arc::new(AtomicBool::new(false));
    let done2 = done.clone();
    let s2 = s.clone();
    let peer = thread::spawn(move || -> io::Result<usize> {
        let l = DeadlineListener { l, done: done2 };
        if kind == Kind::Tcp {
            let t = Arc::new(sync_tls::Tcp);
            return Ok(mem_peer_any(t, &l, role, warm + n)?.0);
        }
        let t = Arc::new(<sync_tls::RawOpenssl as sync_tls::SyncTls>::new(
            &s2,
            Kind::OpensslDefault,
        )?);
        Ok(mem_peer_any(t, &l, role, warm + n)?.0)
    });
    let role_arg = if role == Role::Client {
        "client"
    } else {
        "server"
    };
    let out = if kind == Kind::Python {
        python(
            cfg,
            &s,
            "mem",
            &[
                role_arg.into(),
                port.to_string(),
                n.to_string(),
                warm.to_string(),
            ],
        )
    } else {
        let o = Command::new(&cfg.exe)
            .args(["mem-child", "--contender", kind.name(), "--role", role_arg])
            .args([
                "--port",
                &port.to_string(),
                "--n",
                &n.to_string(),
                "--warm",
                &warm.to_string(),
            ])
            .arg("--pki")
            .arg(&cfg.pki)
            .stdin(Stdio::null())
            .output()?;
        if o.status.success() {
            Ok(String::from_utf8_lossy(&o.stdout).into_owned())
        } else {
            Err(common::other(
                String::from_utf8_lossy(&o.stderr).trim().to_owned(),
            ))
        }
    };
    done.store(true, Ordering::Relaxed);
    let peered = peer.join().map_err(|_| common::other("peer panicked"))?;
    let out = out?;
    peered?;
    let v: Vec<f64> = out
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect();
    match v[..] {
        [r0, r1, h0, h1] => Ok(((r1 - r0) / n as f64, (h1 - h0) / n as f64)),
        _ => Err(common::other(format!("bad mem-child output {out:?}"))),
    }
}

/// A listener whose `accept` gives up once the child has exited.
struct DeadlineListener {
    l: std::net::TcpListener,
    done: Arc<AtomicBool>,
}

impl DeadlineListener {
    fn accept(&self) -> io::Result<std::net::TcpStream> {
        loop {
            match self.l.accept() {
                Ok((s, _)) => {
                    s.set_nonblocking(false)?;
                    return Ok(s);
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    if self.done.load(Ordering::Relaxed) {
                        return Err(common::other("the measured side exited early"));
                    }
                    thread::sleep(Duration::from_micros(100));
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// The peer side of `total` connections (see `sync_tls::mem_peer`); holds
/// them until all are made, and returns how many.
fn mem_peer_any<T: sync_tls::SyncTls>(
    t: Arc<T>,
    l: &DeadlineListener,
    measured: Role,
    total: usize,
) -> io::Result<(usize, ())> {
    use std::io::{Read, Write};
    let mut keep_c = Vec::new();
    let mut keep_s = Vec::new();
    let mut buf = vec![0u8; sync_tls::ECHO];
    for _ in 0..total {
        let tcp = common::nodelay(l.accept()?)?;
        match measured {
            Role::Client => {
                let mut s = t.server(tcp)?;
                s.read_exact(&mut buf)?;
                s.write_all(&buf)?;
                s.flush()?;
                keep_s.push(s);
            }
            Role::Server => {
                let mut c = t.client(tcp, None, false)?;
                c.write_all(&common::payload(sync_tls::ECHO))?;
                c.flush()?;
                c.read_exact(&mut buf)?;
                keep_c.push(c);
            }
        }
    }
    // Hold the connections until the child has measured and exited.
    while !l.done.load(Ordering::Relaxed) {
        thread::sleep(Duration::from_millis(1));
    }
    Ok((keep_c.len() + keep_s.len(), ()))
}

// --- callgrind --------------------------------------------------------------------

const CG_OPS: [&str; 5] = ["bulk16k", "bulk256", "full-ecdsa", "full-rsa", "resumed"];
const CG_KINDS: [Kind; 5] = [
    Kind::OpensslRb,
    Kind::SslwrapSocket,
    Kind::OpensslDefault,
    Kind::SslwrapObject,
    Kind::Rustls,
];

fn cg_n(op: &str) -> usize {
    match op {
        "bulk16k" => 2000,
        "bulk256" => 10000,
        "full-ecdsa" => 100,
        "full-rsa" => 40,
        _ => 200,
    }
}

fn callgrind_rows(cfg: &Cfg, res: &mut Results) {
    let have_valgrind = Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let dir = cfg.out.join("callgrind");
    let _ = fs::create_dir_all(&dir);
    for op in CG_OPS {
        for kind in CG_KINDS.into_iter().filter(|k| cfg.contenders.contains(k)) {
            let r = if cfg.quick || !have_valgrind {
                // The smoke run: the counting mode natively, 3 operations.
                run_count(cfg, kind, op, 3, None).map(|_| (0, 0, 0))
            } else {
                let n = cg_n(op);
                run_count(cfg, kind, op, 0, Some(&dir)).and_then(|zero| {
                    let total = run_count(cfg, kind, op, n, Some(&dir))?;
                    Ok((zero, total, n))
                })
            };
            if let Err(e) = &r {
                eprintln!("  FAILED callgrind {op} {}: {e}", kind.name());
            }
            res.callgrind
                .insert((op.to_owned(), kind), r.map_err(|e| e.to_string()));
        }
    }
}

/// Runs `count`, under callgrind when `dir` is given; returns the
/// instructions callgrind counted (Ir, all threads).
fn run_count(cfg: &Cfg, kind: Kind, op: &str, n: usize, dir: Option<&Path>) -> io::Result<u64> {
    let args = |c: &mut Command| {
        c.args([
            "count",
            "--contender",
            kind.name(),
            "--op",
            op,
            "--n",
            &n.to_string(),
            "--pki",
        ])
        .arg(&cfg.pki)
        .stdin(Stdio::null());
    };
    let Some(dir) = dir else {
        let mut c = Command::new(&cfg.exe);
        args(&mut c);
        let o = c.output()?;
        return if o.status.success() {
            Ok(0)
        } else {
            Err(common::other(
                String::from_utf8_lossy(&o.stderr).trim().to_owned(),
            ))
        };
    };
    let file = dir.join(format!("callgrind.{}.{}.{}", op, kind.name(), n));
    let mut c = Command::new("valgrind");
    c.arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", file.display()))
        .arg(&cfg.exe);
    args(&mut c);
    let o = c.output()?;
    if !o.status.success() {
        return Err(common::other(
            String::from_utf8_lossy(&o.stderr).trim().to_owned(),
        ));
    }
    let text = fs::read_to_string(&file)?;
    text.lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .ok_or_else(|| common::other(format!("no totals in {}", file.display())))
}

// --- openssl speed ------------------------------------------------------------------

fn speed_rows(cfg: &Cfg, res: &mut Results) {
    let secs = if cfg.quick { "1" } else { "3" };
    for alg in ["aes-128-gcm", "chacha20-poly1305"] {
        let r = Command::new("openssl")
            .args(["speed", "-evp", alg, "-bytes", "16384", "-seconds", secs])
            .stderr(Stdio::null())
            .output()
            .map_err(|e| e.to_string())
            .and_then(|o| {
                let text = String::from_utf8_lossy(&o.stdout);
                text.lines()
                    .last()
                    .and_then(|l| l.split_whitespace().last())
                    .and_then(|v| v.strip_suffix('k'))
                    .and_then(|v| v.parse::<f64>().ok())
                    .map(|k| k * 1000.0 / 1e6)
                    .ok_or_else(|| format!("cannot parse `openssl speed`: {text}"))
            });
        res.speed.push((alg.to_owned(), r));
    }
}

// --- the report -----------------------------------------------------------------------

struct Col {
    key: String,
    head: &'static str,
    digits: usize,
    scale: f64,
}

fn col(key: &str, head: &'static str, digits: usize, scale: f64) -> Col {
    Col {
        key: key.to_owned(),
        head,
        digits,
        scale,
    }
}

fn cell(res: &Results, c: &Col, kind: Kind) -> String {
    let key = (c.key.clone(), kind);
    if res.errors.contains_key(&key) {
        return "FAILED".into();
    }
    match res.median(&c.key, kind) {
        None => "–".into(),
        Some(v) => {
            let val = format!("{:.*}", c.digits, v * c.scale);
            match res.median(&c.key, BASE) {
                Some(b) if kind != BASE && b > 0.0 => format!("{val} ({:.3}×)", v / b),
                _ => val,
            }
        }
    }
}

/// Prints the tables into `out`; returns how many rows were printed.
fn tables(cfg: &Cfg, res: &Results, out: &mut String) -> usize {
    let mut rows = 0;
    let kinds = &cfg.contenders;
    let _ = writeln!(out, "Contenders:\n");
    for &k in kinds {
        let _ = writeln!(out, "- `{}`: {}", k.name(), k.describe());
    }
    let _ = writeln!(out);
    let main_cols: Vec<Col> = [
        (
            "aes",
            col("aes/16384", "AES-128-GCM 16 KiB writes, MB/s", 0, 1.0),
        ),
        (
            "aes",
            col("aes/256", "AES-128-GCM 256 B writes, MB/s", 1, 1.0),
        ),
        (
            "chacha",
            col("chacha/16384", "ChaCha20 16 KiB, MB/s", 0, 1.0),
        ),
        ("chacha", col("chacha/256", "ChaCha20 256 B, MB/s", 1, 1.0)),
        (
            "handshake",
            col("full/ecdsa", "full handshakes/s, ECDSA P-256", 0, 1.0),
        ),
        (
            "handshake",
            col("full/rsa", "full handshakes/s, RSA-2048", 0, 1.0),
        ),
        (
            "handshake",
            col("resumed/ecdsa", "resumed handshakes/s", 0, 1.0),
        ),
        (
            "handshake",
            col(
                "cached/ecdsa",
                "reconnect with the client session cache/s",
                0,
                1.0,
            ),
        ),
        (
            "memory",
            col("mem/client", "idle client KiB/conn", 1, 1.0 / 1024.0),
        ),
        (
            "memory",
            col("mem/server", "idle server KiB/conn", 1, 1.0 / 1024.0),
        ),
        (
            "memory",
            col(
                "heap/client",
                "(malloc heap, client KiB/conn)",
                1,
                1.0 / 1024.0,
            ),
        ),
        (
            "memory",
            col(
                "heap/server",
                "(malloc heap, server KiB/conn)",
                1,
                1.0 / 1024.0,
            ),
        ),
    ]
    .into_iter()
    .filter(|(g, _)| cfg.group(g))
    .map(|(_, c)| c)
    .collect();
    if !main_cols.is_empty() {
        let _ = writeln!(
            out,
            "## Medians (ratio to `{}`, the raw openssl crate with RELEASE_BUFFERS)\n",
            BASE.name()
        );
        let _ = writeln!(
            out,
            "| contender | {} |",
            main_cols
                .iter()
                .map(|c| c.head)
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let _ = writeln!(out, "|---|{}", "---|".repeat(main_cols.len()));
        for &k in kinds {
            let cells: Vec<String> = main_cols.iter().map(|c| cell(res, c, k)).collect();
            let _ = writeln!(out, "| {} | {} |", k.name(), cells.join(" | "));
            rows += 1;
        }
        let _ = writeln!(out);
    }
    if cfg.group("aes") {
        let _ = writeln!(
            out,
            "## AES-128-GCM throughput by write size, MB/s (ratio to `{}`)\n",
            BASE.name()
        );
        let cols: Vec<Col> = SIZES
            .iter()
            .map(|s| col(&format!("aes/{s}"), "", if *s < 1024 { 1 } else { 0 }, 1.0))
            .collect();
        let _ = writeln!(
            out,
            "| contender | {} |",
            SIZES
                .iter()
                .map(|s| if *s >= 1024 {
                    format!("{} KiB", s / 1024)
                } else {
                    format!("{s} B")
                })
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let _ = writeln!(out, "|---|{}", "---|".repeat(cols.len()));
        for &k in kinds {
            let cells: Vec<String> = cols.iter().map(|c| cell(res, c, k)).collect();
            let _ = writeln!(out, "| {} | {} |", k.name(), cells.join(" | "));
            rows += 1;
        }
        let worst = res
            .samples
            .keys()
            .filter(|(row, _)| !row.starts_with("mem/") && !row.starts_with("heap/"))
            .filter_map(|(row, k)| Some(((row.clone(), *k), res.spread(row, *k)?)))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        if let Some(((row, k), s)) = worst {
            let _ = writeln!(out, "\nWidest spread (max−min over median) of any wall-clock row: {:.1}% ({row}, {}); all samples in samples.tsv.", s * 100.0, k.name());
        }
        let _ = writeln!(out);
    }
    if cfg.group("callgrind") {
        let _ = writeln!(out, "## Instructions per operation (callgrind Ir, client + server, user space; (N ops − 0 ops) / N)\n");
        let shown: Vec<Kind> = CG_KINDS.into_iter().filter(|k| kinds.contains(k)).collect();
        let _ = writeln!(
            out,
            "| operation (N) | {} |",
            shown
                .iter()
                .map(|k| k.name())
                .collect::<Vec<_>>()
                .join(" | ")
        );
        let _ = writeln!(out, "|---|{}", "---|".repeat(shown.len()));
        for op in CG_OPS {
            let base = res.per_op(op, BASE);
            let cells: Vec<String> = shown
                .iter()
                .map(|&k| match res.callgrind.get(&(op.to_owned(), k)) {
                    Some(Err(_)) => "FAILED".into(),
                    None => "–".into(),
                    Some(Ok((_, _, 0))) => "ran (not counted in --quick)".into(),
                    Some(Ok(_)) => {
                        let v = res.per_op(op, k).unwrap_or(0.0);
                        match base {
                            Some(b) if k != BASE && b > 0.0 => format!("{v:.0} ({:.4}×)", v / b),
                            _ => format!("{v:.0}"),
                        }
                    }
                })
                .collect();
            let label = match op {
                "bulk16k" => "16 KiB write+read",
                "bulk256" => "256 B write+read",
                "full-ecdsa" => "full handshake, ECDSA P-256",
                "full-rsa" => "full handshake, RSA-2048",
                _ => "resumed handshake",
            };
            let _ = writeln!(out, "| {label} ({}) | {} |", cg_n(op), cells.join(" | "));
            rows += 1;
        }
        let _ = writeln!(out);
    }
    if cfg.group("speed") {
        let _ = writeln!(
            out,
            "## One-core crypto limit (`openssl speed -evp ALG -bytes 16384`, system `openssl`)\n"
        );
        for (alg, r) in &res.speed {
            let key = if alg.starts_with("aes") {
                "aes/16384"
            } else {
                "chacha/16384"
            };
            match r {
                Ok(v) => {
                    let mut line = format!("- {alg}: {v:.0} MB/s");
                    for k in [BASE, Kind::SslwrapSocket] {
                        if let Some(b) = res.median(key, k) {
                            let _ = write!(
                                line,
                                "; {} bulk 16 KiB {b:.0} MB/s = {:.0}% of it",
                                k.name(),
                                b / v * 100.0
                            );
                        }
                    }
                    let _ = writeln!(out, "{line}");
                }
                Err(e) => {
                    let _ = writeln!(out, "- {alg}: FAILED {e}");
                }
            }
            rows += 1;
        }
        let _ = writeln!(out);
    }
    rows += targets(cfg, res, out);
    rows
}

/// The issue's targets, sslwrap (`SslSocket`) against the baseline.
fn targets(cfg: &Cfg, res: &Results, out: &mut String) -> usize {
    let mut lines = Vec::new();
    let sw = Kind::SslwrapSocket;
    let ratio = |row: &str| Some(res.median(row, sw)? / res.median(row, BASE)?);
    let mut check = |name: String, ok: Option<bool>, detail: String| {
        let verdict = match ok {
            Some(true) => "met",
            Some(false) => "MISSED",
            None => "not measured",
        };
        lines.push(format!("- [{verdict}] {name}: {detail}"));
    };
    if cfg.group("callgrind") && !cfg.quick {
        for op in CG_OPS {
            let r = res
                .per_op(op, sw)
                .zip(res.per_op(op, BASE))
                .map(|(a, b)| a / b);
            check(
                format!("instructions ≤ 1.02×, {op}"),
                r.map(|r| r <= 1.02),
                r.map_or("–".into(), |r| format!("{r:.4}×")),
            );
        }
    }
    let wall: Vec<(&str, f64)> = vec![
        ("aes/16384", 0.98),
        ("chacha/16384", 0.98),
        ("aes/256", 0.95),
        ("chacha/256", 0.95),
        ("full/ecdsa", 0.98),
        ("full/rsa", 0.98),
        ("resumed/ecdsa", 0.98),
    ];
    if res.samples.keys().any(|(r, _)| r == "cached/ecdsa") {
        let r = (|| Some(res.median("cached/ecdsa", sw)? / res.median("resumed/ecdsa", BASE)?))();
        check(
            "wall clock ≥ 0.95×, reconnect with the client session cache vs the baseline's resumed/ecdsa (explicit session)".to_owned(),
            r.map(|r| r >= 0.95),
            r.map_or("–".into(), |r| format!("{r:.3}×")),
        );
    }
    for (row, min) in wall {
        if res.samples.keys().any(|(r, _)| r == row) {
            let r = ratio(row);
            check(
                format!("wall clock ≥ {min}×, {row}"),
                r.map(|r| r >= min),
                r.map_or("–".into(), |r| format!("{r:.3}×")),
            );
        }
    }
    for (row, max) in [("mem/client", 30.0), ("mem/server", 14.0)] {
        if res.samples.keys().any(|(r, _)| r == row) {
            let v = res.median(row, sw).map(|v| v / 1024.0);
            check(
                format!("idle memory ≤ {max} KiB, {row}"),
                v.map(|v| v <= max),
                v.map_or("–".into(), |v| format!("{v:.1} KiB")),
            );
        }
    }
    let rows: Vec<String> = {
        let mut r: Vec<String> = res.samples.keys().map(|(r, _)| r.clone()).collect();
        r.dedup();
        r
    };
    if cfg.contenders.contains(&Kind::Python) {
        let behind: Vec<String> = rows
            .iter()
            .filter(|row| !row.starts_with("heap/"))
            .filter(|row| {
                let (Some(a), Some(p)) = (res.median(row, sw), res.median(row, Kind::Python))
                else {
                    return false;
                };
                if row.starts_with("mem/") {
                    a >= p
                } else {
                    a <= p
                }
            })
            .cloned()
            .collect();
        check(
            "ahead of Python's ssl on every row".into(),
            Some(behind.is_empty()),
            if behind.is_empty() {
                "every row".into()
            } else {
                format!("behind on {}", behind.join(", "))
            },
        );
    }
    let _ = writeln!(
        out,
        "## Targets (sslwrap::SslSocket against `{}`){}\n",
        BASE.name(),
        if cfg.quick {
            " — --quick: not meaningful"
        } else {
            ""
        }
    );
    for l in &lines {
        let _ = writeln!(out, "{l}");
    }
    let _ = writeln!(out);
    lines.len()
}

fn samples_tsv(res: &Results) -> String {
    let mut o = String::from("row\tcontender\tsamples\n");
    for ((row, k), v) in &res.samples {
        let _ = writeln!(
            o,
            "{row}\t{}\t{}",
            k.name(),
            v.iter()
                .map(|x| format!("{x:.3}"))
                .collect::<Vec<_>>()
                .join("\t")
        );
    }
    for ((op, k), r) in &res.callgrind {
        if let Ok((z, t, n)) = r {
            let _ = writeln!(o, "callgrind/{op}\t{}\tIr(0)={z}\tIr({n})={t}", k.name());
        }
    }
    o
}

fn plot(cfg: &Cfg, res: &Results) -> String {
    let series: Vec<svg::Series> = cfg
        .contenders
        .iter()
        .map(|&k| svg::Series {
            name: k.name().to_owned(),
            dashed: matches!(
                k,
                Kind::SslwrapAsync | Kind::TokioOpenssl | Kind::TokioRustls
            ),
            points: SIZES
                .iter()
                .filter_map(|&s| Some((s, res.median(&format!("aes/{s}"), k)?)))
                .collect(),
        })
        .collect();
    svg::plot(
        "Bulk throughput by write size, TLS 1.3 AES-128-GCM, X25519, loopback",
        &format!(
            "medians of {} round(s); {}; {}",
            cfg.rounds,
            sslwrap::openssl_version(),
            if cfg.quick {
                "--quick smoke run"
            } else {
                "sslwrap-bench"
            }
        ),
        &series,
    )
}
