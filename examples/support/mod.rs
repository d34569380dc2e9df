//! Shared by the examples: the command line ([`Cli`], over `lexopt`),
//! throw-away certificates ([`ThrowawayPki`]) and the folder that holds
//! them ([`ThrowawayDir`], removed at exit, also on Ctrl-C or `kill`).
//! Each example includes it with `#[path = "support/mod.rs"] mod support;`.
#![allow(dead_code)] // each example uses a different part
#![deny(clippy::undocumented_unsafe_blocks)]

use std::ffi::OsString;
use std::fmt::Display;
use std::io;
use std::mem::MaybeUninit;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

pub use lexopt::Arg;

// --- The command line --------------------------------------------------------

/// An example's command line: what `--help` prints and what errors cite.
///
/// [`Cli::args`] parses it. A bad command line (an unknown option, a
/// missing or malformed value) prints the usage and the error on stderr and
/// exits with status 2, as Python's `argparse` does; `-h`/`--help` prints
/// [`Cli::help`] and exits 0.
#[derive(Debug)]
pub struct Cli {
    /// The program, as in `cargo run --example NAME`.
    pub name: &'static str,
    /// The synopsis after `NAME [-h]`; a `\n` starts an indented line.
    pub usage: &'static str,
    /// What it does, in a few lines.
    pub about: &'static str,
    /// The Python program it ports, after "Ports ".
    pub ports: &'static str,
    /// That program's code, the lines that matter.
    pub python: &'static [&'static str],
    /// Every option but `-h, --help`, in the order `--help` lists them.
    pub options: &'static [Opt],
}

/// One option of [`Cli::options`]: `--port N  the port (default: 20000)`.
#[derive(Debug, Clone, Copy)]
pub struct Opt {
    flag: &'static str,
    help: &'static str,
    default: Option<&'static str>,
}

impl Opt {
    /// The option as typed, with the name of its value (`--port N`), and
    /// what it is for.
    pub const fn new(flag: &'static str, help: &'static str) -> Opt {
        Opt {
            flag,
            help,
            default: None,
        }
    }

    /// The value used when the option is not given, shown as
    /// `(default: …)`.
    pub const fn default(self, value: &'static str) -> Opt {
        Opt {
            default: Some(value),
            ..self
        }
    }
}

impl Cli {
    /// The command line of this process (`std::env::args_os`).
    pub fn args(&'static self) -> Args {
        Args {
            cli: self,
            parser: lexopt::Parser::from_env(),
            option: String::new(),
        }
    }

    /// What `--help` prints: usage, what the program does, the Python it
    /// ports, and each option with its default.
    pub fn help(&self) -> String {
        const HELP: &str = "-h, --help";
        let width = self
            .options
            .iter()
            .map(|o| o.flag.len())
            .fold(HELP.len(), usize::max);
        let mut out = format!(
            "{}\n\n{}\n\nPorts {}:\n\n",
            self.usage_line(),
            self.about,
            self.ports
        );
        for line in self.python {
            out += &format!("    {line}\n");
        }
        out += &format!("\noptions:\n  {HELP:width$}  show this help and exit\n");
        for o in self.options {
            out += &format!("  {:width$}  {}", o.flag, o.help);
            if let Some(default) = o.default {
                out += &format!(" (default: {default})");
            }
            out += "\n";
        }
        out
    }

    /// Prints the usage and `NAME: error: MESSAGE` on stderr, as argparse
    /// does, and exits with argparse's status, 2.
    pub fn usage_error(&self, message: impl Display) -> ! {
        eprintln!("{}\n{}: error: {message}", self.usage_line(), self.name);
        std::process::exit(2)
    }

    /// `value`, or a usage error saying that `what` is required.
    pub fn required<T>(&self, value: Option<T>, what: &str) -> T {
        value.unwrap_or_else(|| {
            self.usage_error(format_args!("the following arguments are required: {what}"))
        })
    }

    /// `usage: NAME [-h] SYNOPSIS`, continued lines indented under it.
    fn usage_line(&self) -> String {
        let head = format!("usage: {} [-h] ", self.name);
        let indent = format!("\n{:1$}", "", head.len());
        let line = format!("{head}{}", self.usage.replace('\n', &indent));
        line.trim_end().to_owned()
    }
}

/// The command line being read: [`lexopt::Parser`], whose errors end the
/// program as [`Cli::usage_error`] says.
///
/// ```ignore
/// let mut args = CLI.args();
/// while let Some(arg) = args.next() {
///     match arg {
///         Arg::Long("port") => port = args.port(),
///         Arg::Long("cafile") => cafile = Some(args.path()),
///         arg => CLI.usage_error(arg.unexpected()),
///     }
/// }
/// ```
#[derive(Debug)]
pub struct Args {
    cli: &'static Cli,
    parser: lexopt::Parser,
    /// The option [`Args::next`] returned last (`--port`), for the
    /// messages about its value.
    option: String,
}

impl Args {
    /// The next option or positional argument; `None` at the end. Handles
    /// `-h`/`--help` itself.
    pub fn next(&mut self) -> Option<Arg<'_>> {
        let arg = match self.parser.next() {
            Ok(arg) => arg?,
            Err(e) => self.cli.usage_error(e),
        };
        match arg {
            Arg::Short('h') | Arg::Long("help") => {
                // A closed stdout (`--help | head -1`) is not an error here.
                let _ = io::Write::write_all(&mut io::stdout(), self.cli.help().as_bytes());
                std::process::exit(0)
            }
            Arg::Short(c) => self.option = format!("-{c}"),
            Arg::Long(name) => self.option = format!("--{name}"),
            Arg::Value(_) => {}
        }
        Some(arg)
    }

    /// The value of the option just read (`--opt VALUE` or `--opt=VALUE`),
    /// as UTF-8 text.
    pub fn string(&mut self) -> String {
        self.value()
            .into_string()
            .unwrap_or_else(|v| self.invalid(&v.to_string_lossy(), "UTF-8 text"))
    }

    /// The value of the option just read, as a path (any bytes).
    pub fn path(&mut self) -> PathBuf {
        PathBuf::from(self.value())
    }

    /// The value of the option just read, as a port: see [`parse_port`].
    pub fn port(&mut self) -> u16 {
        self.parse_with(parse_port)
    }

    /// The value of the option just read, in seconds: see [`parse_seconds`].
    pub fn seconds(&mut self) -> Duration {
        self.parse_with(parse_seconds)
    }

    /// The value of the option just read, one of `choices`.
    pub fn choice(&mut self, choices: &[&'static str]) -> &'static str {
        let text = self.string();
        match choices.iter().find(|c| **c == text) {
            Some(choice) => choice,
            None => self.invalid(&text, &format!("one of {}", choices.join(", "))),
        }
    }

    fn parse_with<T>(&mut self, parse: fn(&str) -> Result<T, &'static str>) -> T {
        let text = self.string();
        parse(&text).unwrap_or_else(|expected| self.invalid(&text, expected))
    }

    fn value(&mut self) -> OsString {
        match self.parser.value() {
            Ok(value) => value,
            Err(e) => self.cli.usage_error(e),
        }
    }

    fn invalid(&self, text: &str, expected: &str) -> ! {
        self.cli.usage_error(format_args!(
            "invalid value '{text}' for '{}': expected {expected}",
            self.option
        ))
    }
}

/// A TCP port, 0 to 65535; the error says what was expected.
pub fn parse_port(text: &str) -> Result<u16, &'static str> {
    text.parse().map_err(|_| "a port number, 0 to 65535")
}

/// A positive number of seconds (`10`, `2.5`); the error says what was
/// expected.
pub fn parse_seconds(text: &str) -> Result<Duration, &'static str> {
    const EXPECTED: &str = "a positive number of seconds";
    match text.parse::<f64>() {
        Ok(secs) if secs > 0.0 => Duration::try_from_secs_f64(secs)
            .ok()
            .filter(|d| !d.is_zero())
            .ok_or(EXPECTED),
        _ => Err(EXPECTED),
    }
}

// --- The throw-away folder ---------------------------------------------------

/// `$TMPDIR/sslwrap-NAME-PID`, the folder of an example's throw-away
/// certificates.
///
/// Unless kept (`--keep-certs`), it is removed when dropped, and when the
/// process is stopped by SIGINT (Ctrl-C) or SIGTERM (`kill`): a thread
/// waits for those signals (`sigwait`), removes the folder and exits with
/// the status a shell gives a process they kill, 128 + the signal (130,
/// 143). `std::process::exit` elsewhere skips the removal, as it skips
/// every `Drop`.
#[derive(Debug)]
pub struct ThrowawayDir {
    path: PathBuf,
    keep: bool,
}

/// The folders to remove on SIGINT or SIGTERM; `None` until the thread
/// that waits for those signals runs.
static REMOVE_ON_SIGNAL: Mutex<Option<Vec<PathBuf>>> = Mutex::new(None);

impl ThrowawayDir {
    /// Creates the folder for the throw-away certificates of example `name`.
    ///
    /// Unless `keep`, this first blocks SIGINT and SIGTERM in the calling
    /// thread and starts the thread that waits for them. Call it before the
    /// program starts any other thread: threads inherit the blocked set,
    /// and one started earlier could take the signal and die by it without
    /// removing anything.
    pub fn create(name: &str, keep: bool) -> io::Result<ThrowawayDir> {
        let path = std::env::temp_dir().join(format!("sslwrap-{name}-{}", std::process::id()));
        if !keep {
            remove_on_signal(&path)?;
        }
        let dir = ThrowawayDir { path, keep };
        std::fs::create_dir_all(&dir.path)?;
        Ok(dir)
    }

    /// Where the folder is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// What to tell the user about the folder's fate.
    pub fn fate(&self) -> &'static str {
        if self.keep {
            "kept at exit (--keep-certs)"
        } else {
            "removed at exit, also on Ctrl-C or SIGTERM (--keep-certs keeps them)"
        }
    }
}

impl Drop for ThrowawayDir {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        // Under the lock, so the signal thread either removes the folder
        // itself or finds it already gone.
        let mut pending = lock(&REMOVE_ON_SIGNAL);
        if let Some(dirs) = pending.as_mut() {
            dirs.retain(|d| *d != self.path);
        }
        let _ = std::fs::remove_dir_all(&self.path);
    }
}

/// Adds `path` to the folders removed on SIGINT or SIGTERM, starting the
/// thread that waits for them the first time.
fn remove_on_signal(path: &Path) -> io::Result<()> {
    let mut pending = lock(&REMOVE_ON_SIGNAL);
    if pending.is_none() {
        if let Some(signals) = termination_signals()? {
            // SAFETY: `signals` is an initialised sigset_t; a null pointer
            // for the old mask is allowed.
            let rc =
                unsafe { libc::pthread_sigmask(libc::SIG_BLOCK, &signals, std::ptr::null_mut()) };
            if rc != 0 {
                return Err(io::Error::from_raw_os_error(rc));
            }
            let spawned = std::thread::Builder::new()
                .name("remove on SIGINT/SIGTERM".into())
                .spawn(move || remove_and_exit_on(signals));
            if let Err(e) = spawned {
                // Nobody would take them: let the signals kill the process.
                // SAFETY: as for SIG_BLOCK above.
                unsafe { libc::pthread_sigmask(libc::SIG_UNBLOCK, &signals, std::ptr::null_mut()) };
                return Err(e);
            }
        }
    }
    pending.get_or_insert_with(Vec::new).push(path.to_owned());
    Ok(())
}

/// SIGINT and SIGTERM, less any the process was started ignoring (a shell
/// starts background jobs of a script with SIGINT ignored): a blocked
/// signal is queued even when ignored, so `sigwait` would take it. `None`
/// when both are ignored.
fn termination_signals() -> io::Result<Option<libc::sigset_t>> {
    let mut set = MaybeUninit::<libc::sigset_t>::uninit();
    // SAFETY: `set` is valid for writes; sigemptyset initialises it and
    // cannot fail for a valid pointer.
    unsafe { libc::sigemptyset(set.as_mut_ptr()) };
    // SAFETY: initialised by sigemptyset just above.
    let mut set = unsafe { set.assume_init() };
    let mut any = false;
    for signal in [libc::SIGINT, libc::SIGTERM] {
        let mut current = MaybeUninit::<libc::sigaction>::uninit();
        // SAFETY: a null new action makes sigaction only read the current
        // one, into `current`, which is valid for writes.
        if unsafe { libc::sigaction(signal, std::ptr::null(), current.as_mut_ptr()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: sigaction succeeded, so it filled `current`.
        let current = unsafe { current.assume_init() };
        if current.sa_sigaction != libc::SIG_IGN {
            // SAFETY: `set` is initialised and `signal` is a valid signal
            // number, the only ways sigaddset can fail.
            unsafe { libc::sigaddset(&mut set, signal) };
            any = true;
        }
    }
    Ok(any.then_some(set))
}

/// The body of the signal thread: waits for one of `signals`, removes the
/// pending folders and exits with 128 + the signal.
fn remove_and_exit_on(signals: libc::sigset_t) -> ! {
    let mut signal = 0;
    // SAFETY: `signals` is initialised and blocked in this thread (inherited
    // from the thread that blocked it), as sigwait requires; `signal` is
    // valid for writes.
    let rc = unsafe { libc::sigwait(&signals, &mut signal) };
    // Invariant: sigwait fails only with EINVAL, for a set with an invalid
    // signal, and these are SIGINT and SIGTERM (POSIX: never with EINTR).
    assert_eq!(rc, 0, "sigwait: {}", io::Error::from_raw_os_error(rc));
    let pending = lock(&REMOVE_ON_SIGNAL);
    for dir in pending.iter().flatten() {
        let _ = std::fs::remove_dir_all(dir);
    }
    std::process::exit(128 + signal)
}

/// Locks `mutex`; a thread that panicked holding it left the list valid.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

// --- The throw-away PKI -------------------------------------------------------

/// A throw-away PKI written as PEM files into `dir`: `ca.pem`,
/// `server.pem`/`server.key` (localhost, 127.0.0.1) and
/// `client.pem`/`client.key`, all signed by the CA; minted with
/// `sslwrap::testing` (the crate's one PKI for tests and examples).
#[derive(Debug, Clone)]
pub struct ThrowawayPki {
    pub ca: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
}

impl ThrowawayPki {
    /// Makes the CA and both leaves (ECDSA P-256).
    pub fn create(dir: &Path) -> Result<ThrowawayPki, Box<dyn std::error::Error>> {
        use sslwrap::testing::CertificateAuthority;
        std::fs::create_dir_all(dir)?;
        // Subjects of one common name, as `openssl s_server` and the tests
        // print them (no organization or unit).
        let ca = CertificateAuthority::builder()
            .common_name("sslwrap example CA")
            .organization("")
            .organization_unit("")
            .build()?;
        let server = ca
            .leaf()
            .common_name("localhost")
            .organization("")
            .organization_unit("")
            .issue(&["localhost", "127.0.0.1"])?;
        let client = ca
            .leaf()
            .common_name("example client")
            .organization("")
            .organization_unit("")
            .issue(&[])?;
        let ca = ca.write_to(dir, "ca")?;
        let server = server.write_to(dir, "server")?;
        let client = client.write_to(dir, "client")?;
        Ok(ThrowawayPki {
            ca: ca.cafile,
            server_cert: server.certfile,
            server_key: server.keyfile,
            client_cert: client.certfile,
            client_key: client.keyfile,
        })
    }
}
