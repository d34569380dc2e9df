//! `create_default_context` honours `SSLKEYLOGFILE` as Python's does: only
//! when it is set and not empty, and `SslContext::new` never does
//! (`Lib/ssl.py`: `create_default_context`). Its own test binary, because
//! it changes the process environment, which other tests' threads read.

use std::path::Path;

use sslwrap::{create_default_context, Purpose, SslContext, PROTOCOL_TLS_CLIENT};

/// CPython test_ssl.py: TestSSLDebug.test_keylog_env (`ssl._create_stdlib_context`,
/// private in Python, has no counterpart).
#[test]
fn create_default_context_reads_sslkeylogfile() {
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("keylog-env-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("env.log");
    let _ = std::fs::remove_file(&path);

    std::env::set_var("SSLKEYLOGFILE", &path);
    let ctx = create_default_context(Purpose::ServerAuth).unwrap();
    assert_eq!(ctx.keylog_filename(), Some(path.as_path()));
    assert!(
        path.exists(),
        "opened (and given its header) at once, as in Python"
    );
    let server = create_default_context(Purpose::ClientAuth).unwrap();
    assert_eq!(server.keylog_filename(), Some(path.as_path()));
    // SSLContext() itself ignores the variable.
    assert_eq!(
        SslContext::new(PROTOCOL_TLS_CLIENT)
            .unwrap()
            .keylog_filename(),
        None
    );

    // Set but empty: ignored.
    std::env::set_var("SSLKEYLOGFILE", "");
    let ctx = create_default_context(Purpose::ServerAuth).unwrap();
    assert_eq!(ctx.keylog_filename(), None);

    // Unopenable: create_default_context fails as Python's does.
    std::env::set_var("SSLKEYLOGFILE", "/nonexistent/dir/k.log");
    let e = create_default_context(Purpose::ServerAuth).unwrap_err();
    assert_eq!(e.python_class(), "FileNotFoundError");

    std::env::remove_var("SSLKEYLOGFILE");
    assert_eq!(
        create_default_context(Purpose::ServerAuth)
            .unwrap()
            .keylog_filename(),
        None
    );
}
