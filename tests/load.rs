//! A reduced load run in the debug build: 2,000 sequential connections and
//! 100 concurrent handshakes (plus 5 silent clients) against one
//! `SslListener` served as Python's `socketserver.ThreadingMixIn` serves
//! (an accept loop that only accepts, `set_do_handshake_on_connect(false)`,
//! and the handshake in each connection's worker thread, under the
//! listener's per-connection timeout). No connection may fail; file
//! descriptors come back to their count exactly; resident memory (after
//! `malloc_trim`) may grow at most 4 MiB over the sequential run (2 KiB a
//! connection) and 32 MiB after the concurrent one (glibc keeps up to
//! 40 MiB of thread stacks cached for reuse).
//!
//! The full-size run (20,000 and 500, release) is `reliability/src/bin/load.rs`,
//! which `.ci/reliability` runs; both share `reliability/src/load_core.rs`.

mod common;

#[path = "../reliability/src/load_core.rs"]
mod load_core;

use std::sync::Arc;
use std::time::Duration;

use load_core::{concurrent, contexts, sequential, trim, Server, Usage};

#[test]
fn sequential_and_concurrent_connections_leak_nothing() {
    let (server_ctx, client_ctx) = contexts(&common::certdata(""));
    let client_ctx = Arc::new(client_ctx);
    let timeout = Duration::from_secs(5);

    let before = Usage::now();
    let server = Server::start(&server_ctx, timeout);
    let warm = sequential(&server, &client_ctx, 100, timeout);
    assert_eq!((warm.ok, warm.failed, warm.server_failed), (100, 0, 0));
    trim();
    let warmed = Usage::now();

    let s = sequential(&server, &client_ctx, 2000, timeout);
    trim();
    let after_seq = Usage::now();
    assert_eq!((s.ok, s.failed, s.server_failed), (2000, 0, 0), "{s:?}");

    let c = concurrent(&server, &client_ctx, 100, 5, timeout);
    trim();
    let after_conc = Usage::now();
    assert_eq!((c.ok, c.failed, c.server_failed), (100, 0, 0), "{c:?}");
    assert_eq!(
        c.timed_out, 5,
        "the silent clients time out, the others do not wait for them"
    );
    assert!(
        c.slowest < timeout,
        "a well-behaved client waited {:?}",
        c.slowest
    );

    server.stop();
    let after = Usage::now();
    println!(
        "fds {} -> {} -> {} -> {} -> {}; RSS KiB {} -> {} -> {} -> {}; {s:?}; {c:?}",
        before.fds,
        warmed.fds,
        after_seq.fds,
        after_conc.fds,
        after.fds,
        before.rss_kib,
        warmed.rss_kib,
        after_seq.rss_kib,
        after_conc.rss_kib
    );
    assert_eq!(after_seq.fds, warmed.fds);
    assert_eq!(after_conc.fds, warmed.fds);
    assert_eq!(after.fds, before.fds);
    let grew = after_seq.rss_kib.saturating_sub(warmed.rss_kib);
    assert!(
        grew <= 4 * 1024,
        "RSS grew {grew} KiB over 2,000 connections"
    );
    let grew = after_conc.rss_kib.saturating_sub(warmed.rss_kib);
    assert!(
        grew <= 32 * 1024,
        "RSS grew {grew} KiB after 100 concurrent"
    );
}
