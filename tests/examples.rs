//! The examples run as a newcomer runs them: `cargo run --example …`.
//!
//! Examples have no `CARGO_BIN_EXE_*`, so this runs cargo itself (the same
//! cargo, features and profile as this test), which builds the example if
//! `cargo test` has not already.

use std::io::Read;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Generous: includes building the example when it is not built yet.
const LIMIT: Duration = Duration::from_secs(120);

/// `cargo run --quiet --example <name>`, killed after [`LIMIT`].
fn run_example(name: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["run", "--quiet", "--example", name]);
    if cfg!(feature = "vendored") {
        cmd.args(["--features", "vendored"]);
    }
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("cannot run cargo");
    wait_with_limit(child, name)
}

/// Waits for `child`, reading its output as it comes (so a full pipe cannot
/// stall it), and kills it after [`LIMIT`].
fn wait_with_limit(mut child: Child, name: &str) -> Output {
    let mut stdout = child.stdout.take().unwrap();
    let mut stderr = child.stderr.take().unwrap();
    let out = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stdout.read_to_end(&mut v);
        v
    });
    let err = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = stderr.read_to_end(&mut v);
        v
    });
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("`cargo run --example {name}` did not finish in {LIMIT:?}; killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out.join().unwrap(),
        stderr: err.join().unwrap(),
    }
}

/// The README's first command: a mutual-TLS echo on loopback with its own
/// certificates, over TLS 1.3, exiting 0.
#[test]
fn demo() {
    let out = run_example("demo");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "demo failed ({}):\n{stdout}\n{stderr}",
        out.status
    );
    assert!(
        stdout.contains("client: received \"Hello World?\""),
        "{stdout}"
    );
    assert!(stdout.contains("TLSv1.3"), "{stdout}");
    assert!(
        stdout.contains("client certificate subject [[(\"commonName\", \"sslwrap demo client\")]]"),
        "{stdout}"
    );
}
