//! A client `SslObject` (CPython's test CA, `server_hostname="localhost"`)
//! fed arbitrary server bytes through its incoming `MemoryBio`:
//! `do_handshake`, `read`, the peer's EOF, then every inspection method.
//! Never a panic; any `SslError` is a fine outcome.
//!
//! Seeds: real servers' first flights (TLS 1.3 and 1.2, RSA), recorded by
//! `reliability/fuzz-seeds`. The client's random differs on every run, so
//! what follows the ServerHello in TLS 1.3 (encrypted) fails its MAC; TLS
//! 1.2's Certificate and ServerKeyExchange are in the clear and get parsed.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sslwrap::WrapOptions;
use sslwrap_fuzz::{client_ctx, drive, wrap};

fuzz_target!(|data: &[u8]| {
    let opts = WrapOptions::default().server_hostname("localhost");
    let mut obj = wrap(client_ctx(), opts);
    let _ = obj.do_handshake(); // the ClientHello
    let _ = obj.outgoing().read(None);
    drive(&mut obj, data);
});
