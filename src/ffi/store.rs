//! `X509_STORE_*` and certificate-reading calls the `openssl` crate does not
//! expose.

use std::ffi::CStr;
use std::os::raw::{c_int, c_void};

use foreign_types::{ForeignType, ForeignTypeRef};
use openssl::error::ErrorStack;
use openssl::x509::store::X509StoreBuilderRef;
use openssl::x509::{X509Crl, X509CrlRef, X509Ref, X509};
use openssl_sys as sys;

use super::{cvt, cvt_p};

extern "C" {
    fn X509_OBJECT_get0_X509_CRL(a: *const sys::X509_OBJECT) -> *mut sys::X509_CRL;
    fn X509_STORE_add_crl(store: *mut sys::X509_STORE, x: *mut sys::X509_CRL) -> c_int;
    fn X509_check_ca(x: *mut sys::X509) -> c_int;
    fn X509_STORE_lock(store: *mut sys::X509_STORE) -> c_int;
    fn X509_STORE_unlock(store: *mut sys::X509_STORE) -> c_int;
}

/// OpenSSL's default certificate directory: `$SSL_CERT_DIR` if set, else
/// the compiled-in one (`X509_get_default_cert_dir_env`,
/// `X509_get_default_cert_dir`), as `X509_STORE_set_default_paths` picks it.
pub(crate) fn default_cert_dir() -> String {
    // SAFETY: both return pointers to static NUL-terminated strings.
    let (env, dir) = unsafe {
        (
            CStr::from_ptr(sys::X509_get_default_cert_dir_env()),
            CStr::from_ptr(sys::X509_get_default_cert_dir()),
        )
    };
    env_or_default(env, dir)
}

/// The CA file OpenSSL's default verify paths read: `$SSL_CERT_FILE`, else
/// the compiled-in one (`X509_get_default_cert_file_env`,
/// `X509_get_default_cert_file`), as `X509_STORE_set_default_paths` picks it.
pub(crate) fn default_cert_file() -> String {
    // SAFETY: both return pointers to static NUL-terminated strings.
    let (env, file) = unsafe {
        (
            CStr::from_ptr(sys::X509_get_default_cert_file_env()),
            CStr::from_ptr(sys::X509_get_default_cert_file()),
        )
    };
    env_or_default(env, file)
}

/// The value of the environment variable named `env`, else `default`.
fn env_or_default(env: &CStr, default: &CStr) -> String {
    env.to_str()
        .ok()
        .and_then(std::env::var_os)
        .map(|v| v.to_string_lossy().into_owned())
        .unwrap_or_else(|| default.to_string_lossy().into_owned())
}

/// What [`read_certs`] read.
pub(crate) struct ReadCerts {
    pub(crate) certs: Vec<X509>,
    /// The error queue the failed last read left.
    pub(crate) stack: ErrorStack,
    /// Whether that last read started with no data left (`BIO_pending`
    /// was 0): the data ended cleanly, whatever reason OpenSSL gives (3.0
    /// says `HEADER_TOO_LONG` for DER, 3.6 `NOT_ENOUGH_DATA`).
    pub(crate) at_end: bool,
}

/// `BIO_CTRL_PENDING`, behind the `BIO_pending` macro.
const BIO_CTRL_PENDING: c_int = 10;

/// Reads every certificate from `data` (PEM with `PEM_read_bio_X509`, or
/// concatenated DER with `d2i_X509_bio`) until one fails to read, for the
/// caller to judge as Python's `_add_ca_certs` does.
pub(crate) fn read_certs(data: &[u8], pem: bool) -> Result<ReadCerts, ErrorStack> {
    let len = c_int::try_from(data.len()).map_err(|_| ErrorStack::get())?;
    // Leave only what this read pushes on the queue.
    drop(ErrorStack::get());
    // SAFETY: BIO_new_mem_buf makes a read-only BIO over `data`, which
    // outlives the BIO (freed below before returning).
    let bio = cvt_p(unsafe { sys::BIO_new_mem_buf(data.as_ptr() as *const c_void, len) })?;
    let mut certs = Vec::new();
    let mut at_end;
    loop {
        // SAFETY: `bio` is live; BIO_CTRL_PENDING only reads its length.
        at_end = unsafe { sys::BIO_ctrl(bio, BIO_CTRL_PENDING, 0, std::ptr::null_mut()) } == 0;
        // SAFETY: `bio` is live; a non-null result is an owned X509.
        let cert = unsafe {
            if pem {
                sys::PEM_read_bio_X509(bio, std::ptr::null_mut(), None, std::ptr::null_mut())
            } else {
                sys::d2i_X509_bio(bio, std::ptr::null_mut())
            }
        };
        if cert.is_null() {
            break;
        }
        // SAFETY: `cert` is a fresh, owned, non-null X509.
        certs.push(unsafe { X509::from_ptr(cert) });
    }
    // SAFETY: `bio` came from BIO_new_mem_buf and is freed once.
    unsafe { sys::BIO_free_all(bio) };
    Ok(ReadCerts {
        certs,
        stack: ErrorStack::get(),
        at_end,
    })
}

/// `X509_STORE_add_crl`.
pub(crate) fn store_add_crl(
    store: &mut X509StoreBuilderRef,
    crl: &X509CrlRef,
) -> Result<(), ErrorStack> {
    // SAFETY: both are live; the store takes its own reference to the CRL.
    cvt(unsafe { X509_STORE_add_crl(store.as_ptr(), crl.as_ptr()) }).map(drop)
}

/// The certificates and CRLs held by `store` (`X509_STORE_get0_objects`),
/// as owned references.
///
/// Takes the store mutably: reading its object list is only sound while no
/// one else can add to it (a lookup during verification would), which is
/// why the `openssl` crate deprecated its shared-reference version.
pub(crate) fn store_objects(store: &mut X509StoreBuilderRef) -> (Vec<X509>, Vec<X509Crl>) {
    let mut certs = Vec::new();
    let mut crls = Vec::new();
    // SAFETY: the store is exclusively borrowed, so its object stack is not
    // modified while we walk it. Each element is a live X509_OBJECT; the
    // getters return borrowed pointers (or null for the other type), which
    // are up-ref'd into owned values before the borrow ends.
    unsafe {
        let objs = sys::X509_STORE_get0_objects(store.as_ptr());
        let n = sys::OPENSSL_sk_num(objs as *const sys::OPENSSL_STACK);
        for i in 0..n.max(0) {
            let obj = sys::OPENSSL_sk_value(objs as *const sys::OPENSSL_STACK, i)
                as *const sys::X509_OBJECT;
            let cert = sys::X509_OBJECT_get0_X509(obj);
            if !cert.is_null() {
                if sys::X509_up_ref(cert) == 1 {
                    certs.push(X509::from_ptr(cert));
                }
                continue;
            }
            let crl = X509_OBJECT_get0_X509_CRL(obj);
            if !crl.is_null() && sys::X509_CRL_up_ref(crl) == 1 {
                crls.push(X509Crl::from_ptr(crl));
            }
        }
    }
    (certs, crls)
}

/// The certificates in the store of a built OpenSSL context
/// (`SSL_CTX_get_cert_store`, `X509_STORE_get0_objects`), read under the
/// store's lock: those loaded, and those a verification added since (a
/// `capath` directory's lookup caches what it found in the store).
pub(crate) fn ctx_store_certs(ctx: &openssl::ssl::SslContextRef) -> Vec<X509> {
    let mut certs = Vec::new();
    // SAFETY: `ctx` is live and owns its store (get0: borrowed, not freed
    // here). The store's lock is held while its object stack is walked, so
    // a lookup in another thread's handshake, which adds under the same
    // lock (`X509_STORE_add_cert`), cannot change it meanwhile; each
    // certificate is up-ref'd into an owned value before the lock is
    // released.
    unsafe {
        let store = sys::SSL_CTX_get_cert_store(ctx.as_ptr());
        if store.is_null() || X509_STORE_lock(store) != 1 {
            return certs;
        }
        let objs = sys::X509_STORE_get0_objects(store);
        let n = sys::OPENSSL_sk_num(objs as *const sys::OPENSSL_STACK);
        for i in 0..n.max(0) {
            let obj = sys::OPENSSL_sk_value(objs as *const sys::OPENSSL_STACK, i)
                as *const sys::X509_OBJECT;
            let cert = sys::X509_OBJECT_get0_X509(obj);
            if !cert.is_null() && sys::X509_up_ref(cert) == 1 {
                certs.push(X509::from_ptr(cert));
            }
        }
        X509_STORE_unlock(store);
    }
    certs
}

/// Whether `cert` is a CA certificate (`X509_check_ca` non-zero), as
/// Python's `cert_store_stats()['x509_ca']` counts.
pub(crate) fn x509_check_ca(cert: &X509Ref) -> bool {
    // SAFETY: `cert` is live; X509_check_ca only reads it (it may cache
    // extension data inside, which OpenSSL guards itself).
    unsafe { X509_check_ca(cert.as_ptr()) != 0 }
}

/// `X509_verify_cert_error_string`: OpenSSL's sentence for a verification
/// result code.
pub(crate) fn verify_cert_error_string(code: i64) -> &'static str {
    // Verification codes are small (X509_V_ERR_*), so the cast is exact.
    let code = code as std::os::raw::c_long;
    // SAFETY: returns a pointer to a static NUL-terminated string (or a
    // thread-local buffer for unknown codes in older OpenSSL; 3.x returns a
    // static "unknown certificate verification error").
    let s = unsafe { CStr::from_ptr(sys::X509_verify_cert_error_string(code)) };
    s.to_str()
        .unwrap_or("unknown certificate verification error")
}

/// OpenSSL's compiled-in default verify locations and the environment
/// variables that override them, as CPython's
/// `_ssl.get_default_verify_paths()` returns them: `(cert file env var,
/// cert file, cert dir env var, cert dir)` (`X509_get_default_cert_file_env`,
/// `X509_get_default_cert_file`, `X509_get_default_cert_dir_env`,
/// `X509_get_default_cert_dir`).
pub(crate) fn default_verify_locations() -> (String, String, String, String) {
    // SAFETY: all four return pointers to static NUL-terminated strings.
    let raw = unsafe {
        [
            sys::X509_get_default_cert_file_env(),
            sys::X509_get_default_cert_file(),
            sys::X509_get_default_cert_dir_env(),
            sys::X509_get_default_cert_dir(),
        ]
    };
    // SAFETY: as above: non-null, static, NUL-terminated.
    let [a, b, c, d] = raw.map(|p| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned());
    (a, b, c, d)
}
