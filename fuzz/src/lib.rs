//! What the fuzz targets share: a scratch file per process, and the
//! contexts (built once) that the handshake targets wrap.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sslwrap::{MemoryBio, SslContext, SslObject, WrapOptions};

/// CPython's test certificates, in the repository (`tests/data/cpython`).
pub fn certdata(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/data/cpython")
        .join(name)
}

/// Writes `data` to this process's scratch file (in `/dev/shm` when it
/// exists: the file round trip is what `decode_cert` and the loaders read
/// through) and returns its path. One file per process, rewritten on each
/// input, removed by nobody: it is at most one input long.
pub fn scratch_file(tag: &str, data: &[u8]) -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    let dir = DIR.get_or_init(|| {
        let shm = Path::new("/dev/shm");
        if shm.is_dir() {
            shm.to_owned()
        } else {
            std::env::temp_dir()
        }
    });
    let path = dir.join(format!("sslwrap-fuzz-{}-{tag}", std::process::id()));
    std::fs::write(&path, data).expect("write the scratch file");
    path
}

/// A client context trusting CPython's test CA (keycert3.pem's issuer).
pub fn client_ctx() -> &'static SslContext {
    static CTX: OnceLock<SslContext> = OnceLock::new();
    CTX.get_or_init(|| {
        let mut c = SslContext::new(sslwrap::PROTOCOL_TLS_CLIENT).expect("client context");
        c.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
            .expect("pycacert.pem");
        c
    })
}

/// A server context with keycert3.pem (localhost, RSA) that asks for, but
/// does not require, a client certificate (so the fuzzer can reach the
/// client-certificate parser on TLS 1.2).
pub fn server_ctx() -> &'static SslContext {
    static CTX: OnceLock<SslContext> = OnceLock::new();
    CTX.get_or_init(|| {
        let mut s = SslContext::new(sslwrap::PROTOCOL_TLS_SERVER).expect("server context");
        s.load_cert_chain(&certdata("keycert3.pem"), None, None)
            .expect("keycert3.pem");
        s.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
            .expect("pycacert.pem");
        s.set_verify_mode(sslwrap::CERT_OPTIONAL)
            .expect("CERT_OPTIONAL");
        s.set_alpn_protocols(&["h2", "http/1.1"]).expect("ALPN");
        s
    })
}

/// Feeds `peer` (the bytes an arbitrary peer sends) to `obj` the way a
/// driver would: in chunks (the first byte of the input picks the chunk
/// size, so records split across reads are fuzzed too), a handshake step
/// after each, then the peer's EOF; after a finished handshake, reads.
/// Any `Err` is fine; a panic or a sanitizer report is a bug.
pub fn drive(obj: &mut SslObject, input: &[u8]) {
    let Some((&split, peer)) = input.split_first() else {
        return;
    };
    let chunk = match split {
        0 => peer.len().max(1),
        n => usize::from(n),
    };
    let mut done = false;
    for piece in peer.chunks(chunk) {
        let _ = obj.incoming().write(piece);
        step(obj, &mut done);
        let _ = obj.outgoing().read(None);
    }
    obj.incoming().write_eof();
    step(obj, &mut done);
    step(obj, &mut done);
    // Inspection after whatever happened must not panic either.
    let _ = obj.getpeercert();
    let _ = obj.getpeercert_der();
    let _ = obj.cipher();
    let _ = obj.version();
    let _ = obj.selected_alpn_protocol();
    let _ = obj.shared_ciphers();
    let _ = obj.get_unverified_chain();
    let _ = obj.get_verified_chain();
    let _ = obj.get_channel_binding("tls-unique");
    let _ = obj.session();
}

fn step(obj: &mut SslObject, done: &mut bool) {
    if !*done {
        *done = obj.do_handshake().is_ok();
    }
    if *done {
        let _ = obj.read(16384);
    }
}

/// `ctx.wrap_bio` over two fresh buffers.
pub fn wrap(ctx: &SslContext, opts: WrapOptions) -> SslObject {
    ctx.wrap_bio(MemoryBio::new(), MemoryBio::new(), opts)
        .expect("wrap_bio")
}
