//! `SSL_*` and `SSL_CTX_*` calls the `openssl` crate does not expose.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};

use foreign_types::ForeignTypeRef;
use openssl::error::ErrorStack;
use openssl::ssl::{SslCipher, SslContextBuilder, SslContextRef, SslRef, SslSessionRef};
use openssl::stack::StackRef;
use openssl::x509::{X509Ref, X509};
use openssl_sys as sys;

use super::cvt;

extern "C" {
    fn SSL_get_ciphers(ssl: *const sys::SSL) -> *mut sys::stack_st_SSL_CIPHER;
    fn SSL_get_client_ciphers(ssl: *const sys::SSL) -> *mut sys::stack_st_SSL_CIPHER;
    fn SSL_verify_client_post_handshake(ssl: *mut sys::SSL) -> c_int;
    fn SSL_get_verify_callback(ssl: *const sys::SSL) -> Option<VerifyCallback>;
    fn SSL_get_read_ahead(ssl: *const sys::SSL) -> c_int;
    fn SSL_has_pending(ssl: *const sys::SSL) -> c_int;
    fn SSL_set_post_handshake_auth(ssl: *mut sys::SSL, val: c_int);
    fn SSL_CTX_set_default_passwd_cb(ctx: *mut sys::SSL_CTX, cb: sys::pem_password_cb);
    fn SSL_CTX_set_default_passwd_cb_userdata(ctx: *mut sys::SSL_CTX, u: *mut c_void);
    fn SSL_get_current_compression(ssl: *const sys::SSL) -> *const c_void;
    fn SSL_COMP_get_name(comp: *const c_void) -> *const c_char;
    fn OBJ_ln2nid(ln: *const c_char) -> c_int;
    fn SSL_CTX_use_psk_identity_hint(ctx: *mut sys::SSL_CTX, hint: *const c_char) -> c_int;
}

/// OpenSSL's `SSL_verify_cb`.
type VerifyCallback = extern "C" fn(c_int, *mut sys::X509_STORE_CTX) -> c_int;

/// `SSL_CTRL_GET_CHAIN_CERTS`, behind the `SSL_CTX_get0_chain_certs` macro.
const SSL_CTRL_GET_CHAIN_CERTS: c_int = 115;
/// `SSL_CTRL_SET_GROUPS`, behind the `SSL_CTX_set1_groups` macro.
const SSL_CTRL_SET_GROUPS: c_int = 91;

/// `SSL_CTX_add1_chain_cert`: append `cert` to the chain sent with the
/// context's current certificate.
pub(crate) fn ctx_add1_chain_cert(
    ctx: &mut SslContextBuilder,
    cert: &X509Ref,
) -> Result<(), ErrorStack> {
    // SAFETY: `ctx` is a live SSL_CTX owned by the builder; with larg = 1
    // (the "add1" form) OpenSSL takes its own reference to `cert`, so the
    // borrowed pointer need only be valid for the call.
    let r = unsafe {
        sys::SSL_CTX_ctrl(
            ctx.as_ptr(),
            sys::SSL_CTRL_CHAIN_CERT,
            1,
            cert.as_ptr() as *mut c_void,
        )
    };
    cvt(r as c_int).map(drop)
}

/// `SSL_CTX_get0_chain_certs`: the chain of the context's current
/// certificate, as owned references.
pub(crate) fn ctx_chain_certs(ctx: &SslContextRef) -> Vec<X509> {
    let mut chain: *mut sys::stack_st_X509 = std::ptr::null_mut();
    // SAFETY: `ctx` is a live SSL_CTX; the ctrl stores a borrowed pointer to
    // the current certificate's chain stack (or null) into `chain`.
    unsafe {
        sys::SSL_CTX_ctrl(
            ctx.as_ptr(),
            SSL_CTRL_GET_CHAIN_CERTS,
            0,
            &mut chain as *mut _ as *mut c_void,
        );
    }
    if chain.is_null() {
        return Vec::new();
    }
    // SAFETY: non-null, the stack belongs to `ctx`, which outlives this
    // borrow; each element is taken as an owned reference (up_ref) before
    // the borrow ends.
    let stack = unsafe { StackRef::<X509>::from_ptr(chain) };
    stack.iter().map(ToOwned::to_owned).collect()
}

/// `SSL_CTX_set1_groups`: the key-exchange groups, by NID.
pub(crate) fn ctx_set1_groups(
    ctx: &mut SslContextBuilder,
    nids: &[c_int],
) -> Result<(), ErrorStack> {
    // SAFETY: `ctx` is a live SSL_CTX; OpenSSL copies `nids.len()` ints
    // from the pointer during the call.
    let r = unsafe {
        sys::SSL_CTX_ctrl(
            ctx.as_ptr(),
            SSL_CTRL_SET_GROUPS,
            nids.len() as std::os::raw::c_long,
            nids.as_ptr() as *mut c_void,
        )
    };
    cvt(r as c_int).map(drop)
}

/// `OBJ_sn2nid`: the NID of an object's short name (`"prime256v1"`), if
/// OpenSSL knows it.
pub(crate) fn obj_sn2nid(name: &CStr) -> Option<c_int> {
    // SAFETY: `name` is NUL-terminated and outlives the call, which only
    // reads it.
    let nid = unsafe { sys::OBJ_sn2nid(name.as_ptr()) };
    (nid != 0).then_some(nid)
}

/// `SSL_CTX_use_certificate_chain_file`, with `password` answering a
/// password prompt (there is never a terminal prompt).
pub(crate) fn ctx_use_certificate_chain_file(
    ctx: &mut SslContextBuilder,
    path: &CStr,
    password: Option<&[u8]>,
) -> Result<(), ErrorStack> {
    with_password(ctx, password, |ctx| {
        // SAFETY: `ctx` is live and `path` a NUL-terminated string that
        // outlives the call.
        cvt(unsafe { sys::SSL_CTX_use_certificate_chain_file(ctx, path.as_ptr()) })
    })
}

/// `SSL_CTX_use_PrivateKey_file(…, SSL_FILETYPE_PEM)`, with `password`
/// answering a password prompt.
pub(crate) fn ctx_use_private_key_file(
    ctx: &mut SslContextBuilder,
    path: &CStr,
    password: Option<&[u8]>,
) -> Result<(), ErrorStack> {
    with_password(ctx, password, |ctx| {
        // SAFETY: `ctx` is live and `path` a NUL-terminated string that
        // outlives the call.
        cvt(unsafe { sys::SSL_CTX_use_PrivateKey_file(ctx, path.as_ptr(), sys::SSL_FILETYPE_PEM) })
    })
}

/// `SSL_CTX_use_psk_identity_hint`: the hint a TLS 1.2 PSK server sends
/// (`None`: none). Fails when it is longer than OpenSSL allows.
pub(crate) fn ctx_use_psk_identity_hint(
    ctx: &mut SslContextBuilder,
    hint: Option<&CStr>,
) -> Result<(), ErrorStack> {
    let ptr = hint.map_or(std::ptr::null(), CStr::as_ptr);
    // SAFETY: `ctx` is a live SSL_CTX; a non-null `ptr` is NUL-terminated
    // and OpenSSL copies it.
    cvt(unsafe { SSL_CTX_use_psk_identity_hint(ctx.as_ptr(), ptr) }).map(|_| ())
}

/// `SSL_get_ciphers` and `SSL_get_client_ciphers`: the connection's own
/// cipher list and the one the client offered (known on a server once the
/// ClientHello arrived); `None` when OpenSSL has none.
pub(crate) fn ssl_ciphers_and_client_ciphers(
    ssl: &SslRef,
) -> (Option<&StackRef<SslCipher>>, Option<&StackRef<SslCipher>>) {
    // SAFETY: `ssl` is live; both calls return borrowed stacks owned by the
    // SSL (or its context), or null; they live as long as the `&SslRef`
    // borrow, during which the SSL cannot change.
    unsafe {
        let ours = SSL_get_ciphers(ssl.as_ptr());
        let theirs = SSL_get_client_ciphers(ssl.as_ptr());
        (
            (!ours.is_null()).then(|| StackRef::from_ptr(ours)),
            (!theirs.is_null()).then(|| StackRef::from_ptr(theirs)),
        )
    }
}

/// The short name of the connection's compression method, as `_ssl.c`
/// gives it: `None` without compression (always, on an OpenSSL built
/// without zlib or with `OP_NO_COMPRESSION`). `_ssl.c` takes
/// `OBJ_nid2sn(COMP_get_type(method))`; `COMP_get_type` is absent from
/// `no-comp` builds, so this goes from the method's name
/// (`SSL_COMP_get_name`, which is the long name of that NID, e.g. `zlib
/// compression`) to its NID (`OBJ_ln2nid`) and short name (`OBJ_nid2sn`,
/// `ZLIB`).
pub(crate) fn ssl_compression(ssl: &SslRef) -> Option<String> {
    // SAFETY: `ssl` is live; SSL_get_current_compression returns a borrowed
    // method or null, and SSL_COMP_get_name a static string or null (null
    // for a null method and in `no-comp` builds).
    let name = unsafe {
        let method = SSL_get_current_compression(ssl.as_ptr());
        if method.is_null() {
            return None;
        }
        let name = SSL_COMP_get_name(method);
        if name.is_null() {
            return None;
        }
        CStr::from_ptr(name)
    };
    // SAFETY: `name` is a NUL-terminated string; OBJ_ln2nid only reads it.
    let nid = unsafe { OBJ_ln2nid(name.as_ptr()) };
    if nid == sys::NID_undef {
        return None;
    }
    // SAFETY: OBJ_nid2sn returns a static string of OpenSSL's object
    // table, or null for an unknown NID.
    let short = unsafe { sys::OBJ_nid2sn(nid) };
    if short.is_null() {
        return None;
    }
    // SAFETY: non-null, NUL-terminated, static.
    Some(
        unsafe { CStr::from_ptr(short) }
            .to_string_lossy()
            .into_owned(),
    )
}

/// `SSL_set_session`: resume `session` on the next handshake.
pub(crate) fn ssl_set_session(ssl: &mut SslRef, session: &SslSessionRef) -> Result<(), ErrorStack> {
    // SAFETY: both pointers are live; SSL_set_session takes its own
    // reference to the session. The `openssl` crate marks this unsafe
    // because a session may carry ex_data typed by another context's
    // callbacks; sslwrap stores no session ex_data. Its one session
    // callback, the client session cache's new-session callback
    // (`session_cache.rs`), reads only the `SSL`'s ex_data, never the
    // session's, and sslwrap only passes sessions taken from connections of
    // the same `SslContext` (any generation of it: see `context.rs`).
    cvt(unsafe { sys::SSL_set_session(ssl.as_ptr(), session.as_ptr()) }).map(drop)
}

/// Runs `f` with `password` installed as the context's PEM password
/// callback (`SSL_CTX_set_default_passwd_cb`), then removes it.
fn with_password(
    ctx: &mut SslContextBuilder,
    password: Option<&[u8]>,
    f: impl FnOnce(*mut sys::SSL_CTX) -> Result<c_int, ErrorStack>,
) -> Result<(), ErrorStack> {
    let mut state = PasswordState { password };
    let raw = ctx.as_ptr();
    // SAFETY: `raw` is live for this function; `state` outlives every use
    // of the userdata pointer, because the callback and its userdata are
    // removed again before `state` goes out of scope.
    unsafe {
        SSL_CTX_set_default_passwd_cb(raw, Some(password_cb));
        SSL_CTX_set_default_passwd_cb_userdata(
            raw,
            &mut state as *mut PasswordState<'_> as *mut c_void,
        );
    }
    let r = f(raw);
    // SAFETY: as above; resets to OpenSSL's defaults.
    unsafe {
        SSL_CTX_set_default_passwd_cb(raw, None);
        SSL_CTX_set_default_passwd_cb_userdata(raw, std::ptr::null_mut());
    }
    r.map(drop)
}

struct PasswordState<'a> {
    password: Option<&'a [u8]>,
}

/// The `pem_password_cb` OpenSSL calls for an encrypted PEM block: copies
/// the password in, or fails (-1) when there is none or it does not fit.
extern "C" fn password_cb(buf: *mut c_char, size: c_int, _rwflag: c_int, u: *mut c_void) -> c_int {
    let result = catch_unwind(AssertUnwindSafe(|| {
        if u.is_null() || buf.is_null() {
            return -1;
        }
        // SAFETY: `u` is the PasswordState installed by `with_password`,
        // alive for the duration of the OpenSSL call that invokes us.
        let state = unsafe { &*(u as *const PasswordState<'_>) };
        let Some(password) = state.password else {
            return -1;
        };
        let Ok(size) = usize::try_from(size) else {
            return -1;
        };
        if password.len() > size {
            return -1;
        }
        // SAFETY: OpenSSL hands us `buf` with room for `size` bytes, and
        // `password.len() <= size`.
        unsafe { std::ptr::copy_nonoverlapping(password.as_ptr(), buf as *mut u8, password.len()) };
        password.len() as c_int
    }));
    // Nothing above can panic, but a panic must never cross into C.
    result.unwrap_or(-1)
}

/// `SSL_get_read_ahead`: whether the record layer may read more from the
/// transport than the record it is parsing. Off unless set on the `SSL` or
/// its context (sslwrap never sets it; Python neither).
pub(crate) fn ssl_get_read_ahead(ssl: &SslRef) -> bool {
    // SAFETY: the SSL is live; this only reads a flag.
    unsafe { SSL_get_read_ahead(ssl.as_ptr()) != 0 }
}

/// `SSL_has_pending`: whether OpenSSL holds records, or bytes read from
/// the transport, that it has not yet handed out. On OpenSSL 3.2 and later
/// this includes a TLS 1.3 close_notify already acted on (its record is
/// not released), so it is 1 after every TLS 1.3 shutdown there.
pub(crate) fn ssl_has_pending(ssl: &SslRef) -> bool {
    // SAFETY: the SSL is live; this only reads its buffers' state.
    unsafe { SSL_has_pending(ssl.as_ptr()) == 1 }
}

/// `SSL_verify_client_post_handshake`: queue a TLS 1.3 CertificateRequest,
/// sent with the next write.
pub(crate) fn ssl_verify_client_post_handshake(ssl: &mut SslRef) -> Result<(), ErrorStack> {
    // SAFETY: `ssl` is a live SSL; the call only updates its state.
    cvt(unsafe { SSL_verify_client_post_handshake(ssl.as_ptr()) }).map(drop)
}

/// Python's per-socket setup for `post_handshake_auth`: a client offers it
/// (`SSL_set_post_handshake_auth`); a server that verifies peers adds
/// `SSL_VERIFY_POST_HANDSHAKE` to its verify mode (`SSL_set_verify`).
pub(crate) fn ssl_enable_post_handshake_auth(ssl: &mut SslRef, server_side: bool) {
    // SAFETY: `ssl` is a live SSL not yet handshaking. SSL_get_verify_callback
    // returns the callback SSL_set_verify is given back unchanged.
    unsafe {
        if server_side {
            let mode = sys::SSL_get_verify_mode(ssl.as_ptr());
            if mode & sys::SSL_VERIFY_PEER != 0 {
                let cb = SSL_get_verify_callback(ssl.as_ptr());
                sys::SSL_set_verify(ssl.as_ptr(), mode | SSL_VERIFY_POST_HANDSHAKE, cb);
            }
        } else {
            SSL_set_post_handshake_auth(ssl.as_ptr(), 1);
        }
    }
}

/// `SSL_VERIFY_POST_HANDSHAKE`.
const SSL_VERIFY_POST_HANDSHAKE: c_int = 0x08;

// ---------------------------------------------------------------------------
// SslContext's inspection calls (`get_ciphers`, `session_stats`,
// `get_groups`) and the `RAND_*` module functions.

extern "C" {
    fn SSL_CIPHER_get_auth_nid(c: *const sys::SSL_CIPHER) -> c_int;
    fn SSL_CIPHER_get_id(c: *const sys::SSL_CIPHER) -> std::os::raw::c_ulong;
    fn SSL_CIPHER_get_kx_nid(c: *const sys::SSL_CIPHER) -> c_int;
    fn SSL_CIPHER_is_aead(c: *const sys::SSL_CIPHER) -> c_int;
    fn SSL_CTX_get_ciphers(ctx: *const sys::SSL_CTX) -> *mut sys::stack_st_SSL_CIPHER;
    fn SSL_group_to_name(ssl: *mut sys::SSL, id: c_int) -> *const c_char;
}

/// What CPython's `cipher_to_dict` reads from an `SSL_CIPHER` besides the
/// name, version and bits the `openssl` crate gives.
pub(crate) struct CipherDetails {
    /// `SSL_CIPHER_get_id`.
    pub(crate) id: u64,
    /// `SSL_CIPHER_description` into a 512-byte buffer, the trailing
    /// newline removed (as CPython does).
    pub(crate) description: String,
    /// `SSL_CIPHER_is_aead`.
    pub(crate) aead: bool,
    /// `SSL_CIPHER_get_kx_nid` (`0`: `NID_undef`).
    pub(crate) kx_nid: c_int,
    /// `SSL_CIPHER_get_auth_nid` (`0`: `NID_undef`).
    pub(crate) auth_nid: c_int,
    /// `SSL_CIPHER_get_digest_nid` (`0`: `NID_undef`).
    pub(crate) digest_nid: c_int,
}

/// `SSL_CIPHER_get_id`, `SSL_CIPHER_description`, `SSL_CIPHER_is_aead` and
/// the `SSL_CIPHER_get_*_nid` getters, as CPython's `cipher_to_dict` calls
/// them.
#[allow(clippy::useless_conversion)] // c_ulong is 32 bits on some targets
pub(crate) fn cipher_details(cipher: &openssl::ssl::SslCipherRef) -> CipherDetails {
    let c = cipher.as_ptr() as *const sys::SSL_CIPHER;
    let mut buf = [0 as c_char; 512];
    // SAFETY: `c` is a live SSL_CIPHER (ciphers are static tables owned by
    // OpenSSL). SSL_CIPHER_description writes at most `len` bytes, NUL
    // included, into `buf` (CPython passes `sizeof(buf) - 1` likewise) and
    // returns `buf` or null; the getters only read the cipher.
    unsafe {
        let text = sys::SSL_CIPHER_description(c, buf.as_mut_ptr(), buf.len() as c_int - 1);
        let mut description = if text.is_null() {
            String::new()
        } else {
            CStr::from_ptr(text).to_string_lossy().into_owned()
        };
        if description.len() > 1 && description.ends_with('\n') {
            description.pop();
        }
        CipherDetails {
            id: u64::from(SSL_CIPHER_get_id(c)),
            description,
            aead: SSL_CIPHER_is_aead(c) != 0,
            kx_nid: SSL_CIPHER_get_kx_nid(c),
            auth_nid: SSL_CIPHER_get_auth_nid(c),
            digest_nid: sys::SSL_CIPHER_get_digest_nid(c),
        }
    }
}

/// `SSL_CTX_get_ciphers`: the context's cipher list, TLS 1.3 suites first
/// (what an `SSL` made from it offers, as `SSL_get_ciphers` returns it).
pub(crate) fn ctx_ciphers(ctx: &SslContextRef) -> Vec<&openssl::ssl::SslCipherRef> {
    // SAFETY: `ctx` is live; the stack (or null) belongs to it and is not
    // changed while the context is shared (sslwrap never mutates a built
    // context), so borrowing it for `ctx`'s lifetime is sound. The ciphers
    // are OpenSSL's static tables.
    unsafe {
        let stack = SSL_CTX_get_ciphers(ctx.as_ptr());
        if stack.is_null() {
            return Vec::new();
        }
        StackRef::<openssl::ssl::SslCipher>::from_ptr(stack)
            .iter()
            .collect()
    }
}

/// `SSL_CTRL_SESS_NUMBER` … `SSL_CTRL_SESS_CACHE_FULL`, behind the
/// `SSL_CTX_sess_*` macros, in the order CPython's `session_stats` lists
/// them: number, connect, connect_good, connect_renegotiate, accept,
/// accept_good, accept_renegotiate, hits, misses, timeouts, cache_full.
const SESS_CTRLS: [c_int; 11] = [20, 21, 22, 23, 24, 25, 26, 27, 29, 30, 31];

/// The `SSL_CTX_sess_*` counters of `ctx`, in [`SESS_CTRLS`] order.
#[allow(clippy::useless_conversion)] // c_long is 32 bits on some targets
pub(crate) fn ctx_sess_counters(ctx: &SslContextRef) -> [i64; 11] {
    SESS_CTRLS.map(|cmd| {
        // SAFETY: `ctx` is live; these ctrls only read counters (OpenSSL
        // keeps them with atomic or locked updates, as handshakes in other
        // threads may bump them).
        let n = unsafe { sys::SSL_CTX_ctrl(ctx.as_ptr(), cmd, 0, std::ptr::null_mut()) };
        i64::from(n)
    })
}

/// `TLSEXT_nid_unknown`: marks a TLS group ID passed where a NID is
/// expected.
const TLSEXT_NID_UNKNOWN: c_int = 0x0100_0000;

/// `SSL_group_to_name`: OpenSSL's TLS name of the group with TLS ID `id`
/// (`"x25519"`, `"secp256r1"`, `"ffdhe2048"`), if it knows the group.
pub(crate) fn ssl_group_to_name(ssl: &SslRef, id: u16) -> Option<String> {
    // SAFETY: `ssl` is live; the returned name (or null) points into the
    // context's group table, copied out before the borrow ends.
    unsafe {
        let name = SSL_group_to_name(ssl.as_ptr(), TLSEXT_NID_UNKNOWN | c_int::from(id));
        (!name.is_null()).then(|| CStr::from_ptr(name).to_string_lossy().into_owned())
    }
}

/// `SSL_CTX_get_security_level`.
pub(crate) fn ctx_builder_security_level(ctx: &SslContextBuilder) -> u32 {
    // SAFETY: `ctx` is a live SSL_CTX; the call only reads it.
    let level = unsafe { sys::SSL_CTX_get_security_level(ctx.as_ptr()) };
    level.max(0) as u32
}

/// `RAND_add`: mixes `data` into OpenSSL's random generator, claiming
/// `entropy` bytes of entropy, in chunks of at most `INT_MAX` bytes as
/// CPython's `RAND_add` does.
pub(crate) fn rand_add(data: &[u8], entropy: f64) {
    let mut rest = data;
    loop {
        let n = rest.len().min(c_int::MAX as usize);
        // SAFETY: `rest[..n]` is readable for `n` bytes, which fits a c_int.
        unsafe { sys::RAND_add(rest.as_ptr() as *const c_void, n as c_int, entropy) };
        rest = &rest[n..];
        if rest.is_empty() {
            break;
        }
    }
}

/// `RAND_status`: whether the random generator is seeded.
pub(crate) fn rand_status() -> bool {
    // SAFETY: no arguments; the call seeds the generator if needed.
    unsafe { sys::RAND_status() == 1 }
}
