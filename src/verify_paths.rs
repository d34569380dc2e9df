//! [`get_default_verify_paths`]: where OpenSSL looks for CA certificates by
//! default. Python's `ssl.get_default_verify_paths()`.

use std::path::PathBuf;

use crate::ffi;

/// OpenSSL's default CA file and directory, and what overrides them.
///
/// Python: `ssl.DefaultVerifyPaths`, the named tuple
/// `ssl.get_default_verify_paths()` returns, field by field.
#[allow(clippy::exhaustive_structs)] // Python's named tuple has exactly these fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DefaultVerifyPaths {
    /// The CA file [`SslContext::set_default_verify_paths`] reads:
    /// `$SSL_CERT_FILE` if set, else [`openssl_cafile`](Self::openssl_cafile);
    /// `None` when that is not an existing file.
    ///
    /// [`SslContext::set_default_verify_paths`]: crate::SslContext::set_default_verify_paths
    pub cafile: Option<PathBuf>,
    /// The hashed CA directory: `$SSL_CERT_DIR` if set, else
    /// [`openssl_capath`](Self::openssl_capath); `None` when that is not an
    /// existing directory.
    pub capath: Option<PathBuf>,
    /// The environment variable that overrides the CA file:
    /// `"SSL_CERT_FILE"`.
    pub openssl_cafile_env: String,
    /// OpenSSL's compiled-in CA file, e.g. `/usr/lib/ssl/cert.pem`.
    pub openssl_cafile: PathBuf,
    /// The environment variable that overrides the CA directory:
    /// `"SSL_CERT_DIR"`.
    pub openssl_capath_env: String,
    /// OpenSSL's compiled-in CA directory, e.g. `/usr/lib/ssl/certs`.
    pub openssl_capath: PathBuf,
}

/// Where OpenSSL looks for CA certificates by default, with the
/// environment's overrides applied.
///
/// Python: `ssl.get_default_verify_paths()`. OpenSSL:
/// `X509_get_default_cert_file_env`, `X509_get_default_cert_file`,
/// `X509_get_default_cert_dir_env`, `X509_get_default_cert_dir`.
///
/// As in Python, a variable that is set wins even when empty (and then
/// [`cafile`](DefaultVerifyPaths::cafile) or
/// [`capath`](DefaultVerifyPaths::capath) is `None`), and the environment
/// is read at the time of the call.
#[doc(alias = "X509_get_default_cert_file")]
pub fn get_default_verify_paths() -> DefaultVerifyPaths {
    let (file_env, file, dir_env, dir) = ffi::default_verify_locations();
    // Python: `os.environ.get(parts[0], parts[1])`, then `os.path.isfile`.
    let cafile = std::env::var_os(&file_env).map_or_else(|| PathBuf::from(&file), PathBuf::from);
    let capath = std::env::var_os(&dir_env).map_or_else(|| PathBuf::from(&dir), PathBuf::from);
    DefaultVerifyPaths {
        cafile: cafile.is_file().then_some(cafile),
        capath: capath.is_dir().then_some(capath),
        openssl_cafile_env: file_env,
        openssl_cafile: PathBuf::from(file),
        openssl_capath_env: dir_env,
        openssl_capath: PathBuf::from(dir),
    }
}
