//! The escape hatch to the `openssl` crate on a context:
//! [`SslContext::set_openssl_configurator`].
//!
//! sslwrap builds one immutable OpenSSL context per generation of settings
//! (see `context.rs`). The user's hook is part of those settings, kept as
//! an `Arc` (cloning the settings stays cheap, and it is `Send + Sync`
//! because the context is shared between threads), and is called by every
//! build, last, on the `SslContextBuilder` sslwrap has just configured: a
//! later setter rebuilds, and the hook runs again on the new builder, so it
//! is never dropped. Its error, or a panic inside it (caught here: the hook
//! runs from Rust, never from C), becomes the error of the call that
//! builds.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use openssl::error::ErrorStack;
use openssl::ssl::SslContextBuilder;

use crate::context::SslContext;
use crate::error::SslError;

/// A user's hook on the OpenSSL context builder.
pub(crate) type Configurator =
    Arc<dyn Fn(&mut SslContextBuilder) -> Result<(), ErrorStack> + Send + Sync>;

impl SslContext {
    /// Calls `f` on the OpenSSL context builder each time this context
    /// builds its OpenSSL context, after sslwrap's own settings, to set what
    /// sslwrap does not expose (OCSP stapling, client-hello callbacks,
    /// custom extensions, certificate compression, engine or provider
    /// keys, …). Replaces an earlier configurator.
    ///
    /// Python: none (an sslwrap addition; Python's `SSLContext` keeps its
    /// `SSL_CTX` private). OpenSSL: whatever `f` calls on the `SSL_CTX`,
    /// through the `openssl` crate's
    /// [`SslContextBuilder`](openssl::ssl::SslContextBuilder) (see
    /// [`crate::manual::beyond_python`] for the versions and examples).
    ///
    /// The OpenSSL context is built by the first wrap after a change (see
    /// [`manual::defaults`](crate::manual::defaults)): `f` runs then, on
    /// every build, so a later setter never drops what it set, and it sees
    /// sslwrap's settings already applied (what it changes wins over
    /// them). It runs on the thread that wraps, perhaps on several at once.
    ///
    /// An `Err` returned by `f`, or a panic inside it (caught, never
    /// unwinding into the caller), makes the call that builds fail with an
    /// [`SslError`] of kind [`Ssl`](crate::SslErrorKind::Ssl):
    /// [`wrap_socket`](Self::wrap_socket), [`wrap_bio`](Self::wrap_bio),
    /// [`get_ciphers`](Self::get_ciphers), or each
    /// [`SslListener::accept`](crate::SslListener::accept) of a listener
    /// from [`wrap_listener`](Self::wrap_listener).
    ///
    /// # What it may break
    ///
    /// `f` has the whole `SSL_CTX`. A verify callback, message or key-log
    /// callback, ALPN selection, session cache mode or new-session callback
    /// set by `f` replaces sslwrap's, and with it what sslwrap builds on it
    /// (Python's verification errors, the trace and key log, ALPN as
    /// Python selects it,
    /// [`set_client_session_cache`](Self::set_client_session_cache)).
    /// Getters such as [`options`](Self::options) report sslwrap's
    /// settings, not what `f` changed.
    ///
    /// ```
    /// use sslwrap::{SslContext, PROTOCOL_TLS_CLIENT};
    ///
    /// # fn main() -> Result<(), sslwrap::SslError> {
    /// let mut ctx = SslContext::new(PROTOCOL_TLS_CLIENT)?;
    /// // At most two intermediates between a server and a trusted CA
    /// // (`SSL_CTX_set_verify_depth`, which Python's `ssl` cannot set).
    /// ctx.set_openssl_configurator(|b| {
    ///     b.set_verify_depth(3);
    ///     Ok(())
    /// });
    /// # Ok(())
    /// # }
    /// ```
    #[doc(alias = "SslContextBuilder")]
    pub fn set_openssl_configurator<F>(&mut self, f: F)
    where
        F: Fn(&mut SslContextBuilder) -> Result<(), ErrorStack> + Send + Sync + 'static,
    {
        self.set_configurator(Some(Arc::new(f)));
    }

    /// Removes the configurator set with
    /// [`set_openssl_configurator`](Self::set_openssl_configurator); sockets
    /// wrapped afterwards get an OpenSSL context without it.
    ///
    /// Python: none (sslwrap). OpenSSL: none (the next build skips the
    /// hook).
    pub fn clear_openssl_configurator(&mut self) {
        self.set_configurator(None);
    }
}

/// Runs the configurator, if any, on `b`: its error, or a panic inside
/// it, as an `SslError` of kind `Ssl`.
pub(crate) fn apply(
    configurator: Option<&Configurator>,
    b: &mut SslContextBuilder,
) -> Result<(), SslError> {
    let Some(f) = configurator else {
        return Ok(());
    };
    match catch_unwind(AssertUnwindSafe(|| f(b))) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(stack)) if stack.errors().is_empty() => Err(SslError::ssl_message(
            "the OpenSSL configurator failed (with an empty error stack)",
        )),
        Ok(Err(stack)) => Err(SslError::from(stack)),
        Err(payload) => Err(crate::hooks::panic_error("OpenSSL configurator", &*payload)),
    }
}
