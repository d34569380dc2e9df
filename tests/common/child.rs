//! Child processes for tests: killed and reaped on drop, run to the end
//! within a bound.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// A child process, killed and reaped when dropped (also when a test
/// panics), so no peer outlives its test.
#[derive(Debug)]
pub struct Killed(pub Child);

impl Killed {
    /// Sends SIGTERM (`kill PID`) and waits up to `limit` for the child to
    /// exit; fails the test if it does not.
    pub fn terminate(&mut self, limit: Duration) -> ExitStatus {
        self.signal_and_wait(libc::SIGTERM, limit, "SIGTERM")
    }

    /// Sends SIGINT (Ctrl-C) and waits up to `limit` for the child to
    /// exit; fails the test if it does not.
    pub fn interrupt(&mut self, limit: Duration) -> ExitStatus {
        self.signal_and_wait(libc::SIGINT, limit, "SIGINT")
    }

    /// Waits up to `limit` for the child to exit by itself; fails the test
    /// naming `what` if it does not (it is then killed on drop).
    pub fn wait_within(&mut self, limit: Duration, what: &str) -> ExitStatus {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.0.try_wait().expect("wait for a child") {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "{what} did not finish in {limit:?}; killed"
            );
            // A poll interval: the exit status above is what is waited for.
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn signal_and_wait(&mut self, signal: libc::c_int, limit: Duration, name: &str) -> ExitStatus {
        if let Some(status) = self.0.try_wait().expect("wait for a child") {
            panic!("the child exited ({status}) before it was sent {name}");
        }
        let pid = libc::pid_t::try_from(self.0.id()).expect("a pid fits pid_t");
        // SAFETY: kill(2) takes plain integers and touches no memory of
        // ours. The pid is our child's and it has not been reaped (checked
        // just above; only this handle waits for it), so it names no other
        // process.
        let rc = unsafe { libc::kill(pid, signal) };
        assert_eq!(
            rc,
            0,
            "kill -{name} {pid}: {}",
            std::io::Error::last_os_error()
        );
        self.wait_within(limit, &format!("the child sent {name}"))
    }
}

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Runs `cmd` (stdin closed) to the end with its output collected as it
/// comes, so a full pipe cannot stall it; kills it and fails the test after
/// `limit`.
pub fn run_limited(mut cmd: Command, limit: Duration, what: &str) -> Output {
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let mut child = Killed(child);
    let out = drain(child.0.stdout.take().expect("piped stdout"));
    let err = drain(child.0.stderr.take().expect("piped stderr"));
    let status = child.wait_within(limit, what);
    Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = pipe.read_to_end(&mut v);
        v
    })
}
