//! The full-size load run (release): 20,000 sequential connections and 500
//! concurrent handshakes (plus 20 silent clients) against one
//! `SslListener` served as Python's `socketserver.ThreadingMixIn` serves,
//! with file descriptors and resident memory before and after.
//!
//!   cargo run --release --bin load [-- SEQUENTIAL CONCURRENT]
//!
//! Exits non-zero when a connection failed, when the descriptors do not
//! come back to their starting count, or when resident memory (after
//! `malloc_trim`) grew by more than the bound printed. See RELIABILITY.md.

#[path = "../load_core.rs"]
mod load_core;

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use load_core::{concurrent, contexts, sequential, trim, Server, Usage};

/// Resident memory may grow at most this much over the run (KiB), after
/// `malloc_trim`: a leak of 1 KiB per connection would be 20 MiB.
const RSS_BOUND_KIB: u64 = 8 * 1024;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let seq: usize = args
        .next()
        .map_or(20_000, |a| a.parse().expect("SEQUENTIAL"));
    let conc: usize = args.next().map_or(500, |a| a.parse().expect("CONCURRENT"));
    let silent = 20;
    // Each connection's timeout: the silent clients hold their workers
    // this long; everyone else must be done well before.
    let timeout = Duration::from_secs(5);
    let certdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/cpython");
    let (server_ctx, client_ctx) = contexts(&certdata);
    let client_ctx = Arc::new(client_ctx);

    let before = Usage::now();
    let server = Server::start(&server_ctx, timeout);
    // Warm-up: OpenSSL's one-time initialisation, the allocator's arenas.
    let warm = sequential(&server, &client_ctx, 200, timeout);
    trim();
    let warmed = Usage::now();
    let s = sequential(&server, &client_ctx, seq, timeout);
    trim();
    let after_seq = Usage::now();
    let c = concurrent(&server, &client_ctx, conc, silent, timeout);
    let raw_after_conc = Usage::now();
    trim();
    let after_conc = Usage::now();
    server.stop();
    trim();
    let after = Usage::now();

    println!("before:                {before:?}");
    println!("after warm-up (200):   {warmed:?}  {warm:?}");
    println!("after {seq} sequential: {after_seq:?}");
    println!("  {s:?}");
    println!(
        "  {:.0} connections/s",
        s.ok as f64 / s.elapsed.as_secs_f64()
    );
    println!(
        "after {conc} concurrent + {silent} silent: {after_conc:?} (untrimmed {raw_after_conc:?})"
    );
    println!("  {c:?}");
    println!("after stop:            {after:?}");

    let mut bad = Vec::new();
    if warm.failed + s.failed + c.failed + warm.server_failed + s.server_failed + c.server_failed
        > 0
    {
        bad.push("failed connections".to_owned());
    }
    if c.timed_out != silent {
        bad.push(format!(
            "{} silent clients timed out, not {silent}",
            c.timed_out
        ));
    }
    // The listener is the one descriptor the running server adds.
    if after_seq.fds != warmed.fds || after_conc.fds != warmed.fds || after.fds != before.fds {
        bad.push(format!(
            "descriptors: {} before, {} after warm-up, {} after sequential, {} after concurrent, {} after stop",
            before.fds, warmed.fds, after_seq.fds, after_conc.fds, after.fds
        ));
    }
    let grew = after_seq.rss_kib.saturating_sub(warmed.rss_kib);
    if grew > RSS_BOUND_KIB {
        bad.push(format!(
            "RSS grew {grew} KiB over {seq} connections (bound {RSS_BOUND_KIB})"
        ));
    }
    let grew_conc = after_conc.rss_kib.saturating_sub(warmed.rss_kib);
    if grew_conc > 4 * RSS_BOUND_KIB {
        bad.push(format!(
            "RSS grew {grew_conc} KiB after {conc} concurrent (bound {})",
            4 * RSS_BOUND_KIB
        ));
    }
    println!(
        "fds {} -> {} (warm) -> {} -> {} -> {} (stopped); RSS KiB {} -> {} (warm) -> {} (+{grew}) -> {} (+{grew_conc}); bound +{RSS_BOUND_KIB} KiB sequential, +{} KiB concurrent",
        before.fds, warmed.fds, after_seq.fds, after_conc.fds, after.fds, before.rss_kib, warmed.rss_kib,
        after_seq.rss_kib, after_conc.rss_kib, 4 * RSS_BOUND_KIB
    );
    if bad.is_empty() {
        println!("load: OK");
        ExitCode::SUCCESS
    } else {
        println!("load: FAILED: {}", bad.join("; "));
        ExitCode::FAILURE
    }
}
