//! Files, for the APIs that take paths: `write_to`'s named files, and the
//! private temporary file behind [`LeafCert::configure_cert`].
//!
//! Private keys are written with mode `0600` on Unix (created so, and
//! narrowed when the file existed); the temporary file is created new
//! (`O_EXCL`), and removed when the guard drops, also on error or panic.
//!
//! [`LeafCert::configure_cert`]: super::LeafCert::configure_cert

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::random_tag;
use crate::error::SslError;

/// The files [`CertificateAuthority::write_to`] wrote.
///
/// [`CertificateAuthority::write_to`]: super::CertificateAuthority::write_to
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaFiles {
    /// `<name>.pem`: the CA certificate, PEM. Python: the `cafile` of
    /// `load_verify_locations`.
    pub cafile: PathBuf,
    /// `<name>.key`: the CA private key, PKCS#8 PEM, unencrypted, mode
    /// `0600`.
    pub keyfile: PathBuf,
}

/// The files [`LeafCert::write_to`] wrote.
///
/// [`LeafCert::write_to`]: super::LeafCert::write_to
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafFiles {
    /// `<name>.pem`: the certificate, then its intermediates (not the
    /// root), PEM. Python: the `certfile` of `load_cert_chain`.
    pub certfile: PathBuf,
    /// `<name>.key`: the private key, PKCS#8 PEM, unencrypted, mode `0600`.
    /// Python: the `keyfile` of `load_cert_chain`.
    pub keyfile: PathBuf,
}

/// `dir/<name>.pem` and `dir/<name>.key`, after checking that `name` is a
/// plain file name (no separator, not `.` or `..`, no NUL).
pub(super) fn pem_and_key(dir: &Path, name: &str) -> Result<(PathBuf, PathBuf), SslError> {
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(['/', '\\', '\0'])
        && Path::new(name).file_name().is_some();
    if !plain {
        return Err(SslError::value(format!(
            "name {name:?} must be a plain file name (no directory, not empty)"
        )));
    }
    Ok((
        dir.join(format!("{name}.pem")),
        dir.join(format!("{name}.key")),
    ))
}

/// Writes `data` to `path`, replacing it.
pub(super) fn write_public(path: &Path, data: &str) -> Result<(), SslError> {
    std::fs::write(path, data).map_err(|e| io_error(e, path))
}

/// Writes `data` to `path`, replacing it, readable by the owner only.
pub(super) fn write_private(path: &Path, data: &str) -> Result<(), SslError> {
    let mut options = OpenOptions::new();
    options.write(true).create(true).truncate(true);
    restrict(&mut options);
    let write = || -> io::Result<()> {
        let mut file = options.open(path)?;
        narrow(&file)?;
        file.write_all(data.as_bytes())
    };
    write().map_err(|e| io_error(e, path))
}

/// A private file in the temporary directory, removed on drop.
#[derive(Debug)]
pub(super) struct TempFile {
    path: PathBuf,
}

impl TempFile {
    /// Creates `$TMPDIR/sslwrap-testing-<pid>-<random>.pem` (new, mode
    /// `0600`) holding `data`.
    pub(super) fn new(data: &str) -> Result<TempFile, SslError> {
        let dir = std::env::temp_dir();
        let mut tries = 0;
        loop {
            let name = format!(
                "sslwrap-testing-{}-{}.pem",
                std::process::id(),
                random_tag()?
            );
            let path = dir.join(name);
            let mut options = OpenOptions::new();
            options.write(true).create_new(true);
            restrict(&mut options);
            match options.open(&path) {
                Ok(mut file) => {
                    // From here on the guard removes the file, whatever
                    // happens to the write.
                    let guard = TempFile { path };
                    file.write_all(data.as_bytes())
                        .map_err(|e| io_error(e, &guard.path))?;
                    return Ok(guard);
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 8 => tries += 1,
                Err(e) => return Err(io_error(e, &path)),
            }
        }
    }

    pub(super) fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Python's `OSError` for `path`, e.g. `[Errno 2] No such file or
/// directory: '/x/ca.pem'`.
fn io_error(e: io::Error, path: &Path) -> SslError {
    SslError::io_file(e, path, &format!("'{}'", path.display()))
}

#[cfg(unix)]
fn restrict(options: &mut OpenOptions) {
    use std::os::unix::fs::OpenOptionsExt;
    options.mode(0o600);
}

#[cfg(not(unix))]
fn restrict(_options: &mut OpenOptions) {}

/// `chmod 600` on a file that may have existed with wider permissions.
#[cfg(unix)]
fn narrow(file: &File) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(std::fs::Permissions::from_mode(0o600))
}

#[cfg(not(unix))]
fn narrow(_file: &File) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_must_be_plain() {
        let dir = Path::new("/tmp");
        for bad in ["", ".", "..", "a/b", "../x", "a\\b", "a\0b"] {
            assert!(pem_and_key(dir, bad).is_err(), "{bad:?}");
        }
        let (pem, key) = pem_and_key(dir, "server").unwrap();
        assert_eq!(pem, Path::new("/tmp/server.pem"));
        assert_eq!(key, Path::new("/tmp/server.key"));
    }

    #[test]
    fn temp_file_is_private_and_removed() {
        let tmp = TempFile::new("secret").unwrap();
        let path = tmp.path().to_owned();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "secret");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        drop(tmp);
        assert!(!path.exists());
    }
}
