//! A server `SslObject` (keycert3.pem, ALPN, `CERT_OPTIONAL`) fed
//! arbitrary client bytes through its incoming `MemoryBio`: `do_handshake`,
//! `read`, the peer's EOF, then every inspection method. Never a panic;
//! any `SslError` is a fine outcome.
//!
//! Seeds: real clients' ClientHellos (TLS 1.3 with SNI and ALPN, TLS 1.2
//! only, with a client certificate), recorded by `reliability/fuzz-seeds`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sslwrap::WrapOptions;
use sslwrap_fuzz::{drive, server_ctx, wrap};

fuzz_target!(|data: &[u8]| {
    let mut obj = wrap(server_ctx(), WrapOptions::default().server_side(true));
    drive(&mut obj, data);
});
