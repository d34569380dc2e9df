//! The sslwrap manual: long-form documentation, one page per module.
//!
//! * [`porting`]: every Python `ssl` name and its sslwrap twin.
//! * [`defaults`]: what a new context starts with, and why.
//! * [`eof_and_shutdown`]: ragged EOFs, close_notify, `unwrap`.
//! * [`nonblocking`]: `WantRead`/`WantWrite`, timeouts.
//! * [`sans_io`]: `SslObject` over `MemoryBio`, beside Python's `SSLObject`.
//! * [`openssl_versions`]: which OpenSSL, and what differs between them.
//! * [`beyond_python`]: what sslwrap adds to Python's `ssl`: the escape
//!   hatch to the `openssl` crate (OCSP stapling, client extensions), the
//!   client session cache, and the semver promise.
#![cfg_attr(
    feature = "tokio",
    doc = " * [`asyncio`]: Python's asyncio TLS on tokio, the two programs side by side."
)]
#![cfg_attr(
    feature = "testing",
    doc = " * [`testing`]: testing your TLS code with a throw-away PKI, beside Python's trustme."
)]

#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub mod asyncio;
pub mod beyond_python;
pub mod defaults;
pub mod eof_and_shutdown;
pub mod nonblocking;
pub mod openssl_versions;
pub mod porting;
pub mod sans_io;
#[cfg(feature = "testing")]
pub mod testing;
