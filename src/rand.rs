//! Python's `ssl.RAND_*` module functions over OpenSSL's random generator.
//!
//! Python 3.12 removed `RAND_pseudo_bytes` (and 3.10 `RAND_egd`), so these
//! three are all there is.

use crate::error::SslError;
use crate::ffi;

/// `n` cryptographically strong random bytes.
///
/// Python: `ssl.RAND_bytes(n)`. OpenSSL: `RAND_bytes`.
///
/// Fails as Python does when OpenSSL's generator cannot deliver (an
/// `SSLError` from OpenSSL's error queue).
///
/// # Differences from Python
///
/// A negative `n` (Python's `ValueError` "num must be positive") cannot be
/// expressed. An `n` above `i32::MAX` is Python's `OverflowError` "Python
/// int too large to convert to C int" (class `OverflowError`, kind
/// [`Value`](crate::SslErrorKind::Value)), raised before anything is
/// allocated.
#[doc(alias = "RAND_bytes")]
pub fn rand_bytes(n: usize) -> Result<Vec<u8>, SslError> {
    if n > i32::MAX as usize {
        return Err(SslError::value_class(
            "OverflowError",
            "Python int too large to convert to C int",
        ));
    }
    let mut buf = vec![0; n];
    openssl::rand::rand_bytes(&mut buf).map_err(|e| SslError::from_stack(e, None))?;
    Ok(buf)
}

/// Whether OpenSSL's random generator is seeded well enough for
/// [`rand_bytes`]; with OpenSSL 1.1.1 and later always `true` once the
/// operating system's entropy source works.
///
/// Python: `ssl.RAND_status()`. OpenSSL: `RAND_status`.
#[doc(alias = "RAND_status")]
pub fn rand_status() -> bool {
    ffi::rand_status()
}

/// Mixes `data` into OpenSSL's random generator, claiming `entropy` bytes
/// of entropy for it (a lower bound; see RFC 1750).
///
/// Python: `ssl.RAND_add(string, entropy)`. OpenSSL: `RAND_add`, called
/// per `INT_MAX` bytes for longer data, as Python does.
///
/// # Differences from Python
///
/// Python also takes a `str`, which it encodes as UTF-8; pass
/// `s.as_bytes()`.
#[doc(alias = "RAND_add")]
pub fn rand_add(data: &[u8], entropy: f64) {
    ffi::rand_add(data, entropy);
}
