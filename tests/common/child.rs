//! Child processes for tests: killed and reaped on drop, run to the end
//! within a bound.

use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A child process, killed and reaped when dropped (also when a test
/// panics), so no peer outlives its test.
#[derive(Debug)]
pub struct Killed(pub Child);

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
    let deadline = Instant::now() + limit;
    let status = loop {
        if let Some(status) = child.0.try_wait().expect("wait for a child") {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not finish in {limit:?}; killed"
        );
        // A poll interval: the exit status above is what is waited for.
        std::thread::sleep(Duration::from_millis(10));
    };
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
