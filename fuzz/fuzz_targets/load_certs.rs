//! Loading PEM and DER: `SslContext::load_verify_locations` with
//! `CaData::Pem`/`CaData::Der` and with a `cafile`, and
//! `SslContext::load_cert_chain` from a file (certificate and key in one
//! file, or split at the first byte's position, with a password).
//!
//! The first byte picks the loader (low 3 bits); in the split mode the
//! next two (big-endian) are the length of the certificate file, the rest
//! is the key file. A context that loaded something is then
//! asked for what it holds (`get_ca_certs`, `cert_store_stats`) and built
//! (`wrap_bio`), as a connection would.
#![no_main]

use libfuzzer_sys::fuzz_target;
use sslwrap::{CaData, SslContext, WrapOptions};
use sslwrap_fuzz::scratch_file;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let Ok(mut ctx) = SslContext::new(sslwrap::PROTOCOL_TLS_SERVER) else {
        return;
    };
    let loaded = match mode & 7 {
        0 => {
            let text = String::from_utf8_lossy(rest);
            ctx.load_verify_locations(None, None, Some(CaData::Pem(&text)))
        }
        1 => ctx.load_verify_locations(None, None, Some(CaData::Der(rest))),
        2 => {
            let path = scratch_file("cafile", rest);
            ctx.load_verify_locations(Some(&path), None, None)
        }
        3 => {
            let path = scratch_file("chain", rest);
            ctx.load_cert_chain(&path, None, None)
        }
        4 => {
            let path = scratch_file("chain", rest);
            ctx.load_cert_chain(&path, None, Some(b"somepass"))
        }
        _ => {
            let Some((len, rest)) = rest.split_first_chunk::<2>() else {
                return;
            };
            let at = usize::from(u16::from_be_bytes(*len)).min(rest.len());
            let (cert, key) = rest.split_at(at);
            let cert = scratch_file("cert", cert);
            let key = scratch_file("key", key);
            ctx.load_cert_chain(&cert, Some(&key), Some(b"somepass"))
        }
    };
    if loaded.is_ok() {
        let _ = ctx.get_ca_certs();
        let _ = ctx.get_ca_certs_der();
        let _ = ctx.cert_store_stats();
        let _ = ctx.wrap_bio(
            sslwrap::MemoryBio::new(),
            sslwrap::MemoryBio::new(),
            WrapOptions::default().server_side(true),
        );
    }
});
