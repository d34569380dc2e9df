//! The server-name (SNI) callback: Python's `SSLContext.sni_callback` and
//! `set_servername_callback`, and the connection it is handed
//! ([`SniConnection`]), through which it may move the connection to
//! another context (`SSLSocket.context = other`, `SSL_set_SSL_CTX`).
//!
//! The callback runs inside the handshake of the state machine
//! (`conn.rs`), so every driver (socket, object, listener, asyncio stream)
//! gets it. A panic in it never reaches C: it is caught and fails the
//! handshake as `_ssl.c` fails it for a raising callback.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use openssl::ssl::{NameType, SslContextRef, SslRef};

use crate::context::{Protocol, SslContext};
use crate::error::SslError;
use crate::ffi;
use crate::hooks;
use crate::trace::AlertDescription;

/// A user's server-name callback, as the context keeps it.
pub(crate) type SniCallback = Arc<
    dyn Fn(&mut SniConnection<'_>, Option<&str>, &SslContext) -> Result<(), AlertDescription>
        + Send
        + Sync,
>;

/// The server connection an SNI callback is handed: Python's `sslobj`
/// argument of `sni_callback(sslobj, server_name, sslctx)`, reduced to what
/// can be done while the handshake is running.
///
/// OpenSSL: the `SSL` inside `SSL_do_handshake`, as the
/// `SSL_CTX_set_tlsext_servername_callback` callback receives it.
pub struct SniConnection<'a> {
    ssl: &'a mut SslRef,
}

impl SniConnection<'_> {
    /// The name the client asked for (the A-label of an internationalised
    /// name), `None` when it sent none.
    ///
    /// Python: the `server_name` argument. OpenSSL: `SSL_get_servername`.
    pub fn server_name(&self) -> Option<&str> {
        self.ssl.servername(NameType::HOST_NAME)
    }

    /// The context the connection uses now (a handle sharing its OpenSSL
    /// context); `None` only when it was replaced through
    /// [`ssl_mut`](Self::ssl_mut) with one sslwrap did not build.
    ///
    /// Python: `sslobj.context`. OpenSSL: `SSL_get_SSL_CTX`.
    pub fn context(&self) -> Option<SslContext> {
        SslContext::of_openssl(self.ssl.ssl_context())
    }

    /// Moves the connection to `ctx`: the rest of the handshake uses its
    /// certificate and key (and its callbacks).
    ///
    /// Python: `sslobj.context = ctx`. OpenSSL: `SSL_set_SSL_CTX`, which
    /// takes the certificates and keys of `ctx` but keeps what was copied
    /// into the connection when it was made (verify mode and flags,
    /// options, versions, ciphers), exactly as in Python.
    pub fn set_context(&mut self, ctx: &SslContext) -> Result<(), SslError> {
        switch_context(self.ssl, ctx)
    }

    /// The OpenSSL connection. Python: none (sslwrap).
    pub fn ssl(&self) -> &SslRef {
        self.ssl
    }

    /// The OpenSSL connection, mutably (see
    /// [`SslSocket::ssl_mut`](crate::SslSocket::ssl_mut) for what it may
    /// break). Python: none (sslwrap).
    pub fn ssl_mut(&mut self) -> &mut SslRef {
        self.ssl
    }
}

impl std::fmt::Debug for SniConnection<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SniConnection")
            .field("server_name", &self.server_name())
            .finish()
    }
}

/// `SSL_set_SSL_CTX` and what `_ssl.c`'s context setter does with it.
pub(crate) fn switch_context(ssl: &mut SslRef, ctx: &SslContext) -> Result<(), SslError> {
    let built = ctx.built()?;
    ssl.set_ssl_context(built)?;
    hooks::after_switch(ssl)?;
    Ok(())
}

impl SslContext {
    /// Calls `f` on the server side when a ClientHello arrives, with the
    /// connection, the name the client asked for (`None` when it sent no
    /// SNI) and this context; `None` removes it. `f` may move the
    /// connection to another context with
    /// [`SniConnection::set_context`] (to serve another certificate), and
    /// fails the handshake by returning the alert to send.
    ///
    /// Python: `SSLContext.sni_callback = f` (`f(sslobj, server_name,
    /// sslctx)`, returning `None` or an `ALERT_DESCRIPTION_*`). OpenSSL:
    /// `SSL_CTX_set_tlsext_servername_callback`.
    ///
    /// As in Python: on a [`PROTOCOL_TLS_CLIENT`](crate::PROTOCOL_TLS_CLIENT)
    /// context it is an error of kind [`Value`](crate::SslErrorKind::Value)
    /// ("sni_callback cannot be set on TLS_CLIENT context"); an alert fails
    /// the server's handshake with `[SSL: CALLBACK_FAILED] callback failed`
    /// and the client's with the alert (`TLSV1_ALERT_ACCESS_DENIED`, …).
    /// A panic in `f` is caught (it never unwinds into OpenSSL), printed by
    /// the panic hook as Python prints the exception of a raising
    /// callback, and handled as `_ssl.c` handles that exception: the
    /// handshake fails with a `handshake_failure` alert (server:
    /// `CALLBACK_FAILED`, client: `SSLV3_ALERT_HANDSHAKE_FAILURE`).
    /// Like every setting, it applies to connections wrapped afterwards.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use sslwrap::{AlertDescription, SniConnection, SslContext, PROTOCOL_TLS_SERVER};
    ///
    /// # fn main() -> Result<(), sslwrap::SslError> {
    /// let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER)?;
    /// let other = Arc::new(SslContext::new(PROTOCOL_TLS_SERVER)?); // its own certificate
    /// ctx.set_sni_callback(Some(
    ///     move |conn: &mut SniConnection<'_>, name: Option<&str>, _: &SslContext| match name {
    ///         Some("other.example") => conn
    ///             .set_context(&other)
    ///             .map_err(|_| AlertDescription::InternalError),
    ///         Some("forbidden.example") => Err(AlertDescription::AccessDenied),
    ///         _ => Ok(()),
    ///     },
    /// ))?;
    /// // Python: `ctx.sni_callback = None`.
    /// type SniFn =
    ///     fn(&mut SniConnection<'_>, Option<&str>, &SslContext) -> Result<(), AlertDescription>;
    /// ctx.set_sni_callback(None::<SniFn>)?;
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// Python's `ThreadedTests.test_sni_callback_wrong_return_type` (a
    /// callback returning `"foo"`, an internal_error alert) cannot be
    /// written: the callback's type rules it out.
    ///
    /// ```compile_fail
    /// use sslwrap::{SniConnection, SslContext, PROTOCOL_TLS_SERVER};
    /// let mut ctx = SslContext::new(PROTOCOL_TLS_SERVER).unwrap();
    /// ctx.set_sni_callback(Some(|_: &mut SniConnection<'_>, _: Option<&str>, _: &SslContext| "foo"))
    ///     .unwrap();
    /// ```
    pub fn set_sni_callback<F>(&mut self, f: Option<F>) -> Result<(), SslError>
    where
        F: Fn(&mut SniConnection<'_>, Option<&str>, &SslContext) -> Result<(), AlertDescription>
            + Send
            + Sync
            + 'static,
    {
        if self.protocol() == Protocol::TlsClient {
            return Err(SslError::value(
                "sni_callback cannot be set on TLS_CLIENT context",
            ));
        }
        let f = f.map(|f| Arc::new(f) as SniCallback);
        self.hooks_mut().sni = f;
        Ok(())
    }

    /// The old name of [`set_sni_callback`](Self::set_sni_callback).
    ///
    /// Python: `SSLContext.set_servername_callback(f)`, a legacy wrapper
    /// whose shim passes the name through `_encode_hostname` (IDNA
    /// encoding; the name OpenSSL reports is already ASCII, so it arrives
    /// unchanged, as in 3.11, despite Python's docs speaking of a decoded
    /// U-label). OpenSSL: `SSL_CTX_set_tlsext_servername_callback`.
    #[doc(alias = "servername_callback")]
    pub fn set_servername_callback<F>(&mut self, f: Option<F>) -> Result<(), SslError>
    where
        F: Fn(&mut SniConnection<'_>, Option<&str>, &SslContext) -> Result<(), AlertDescription>
            + Send
            + Sync
            + 'static,
    {
        self.set_sni_callback(f)
    }

    /// Whether a server-name callback is set. Python: `sni_callback is not
    /// None`.
    pub fn has_sni_callback(&self) -> bool {
        self.hooks().sni.is_some()
    }
}

/// The handler OpenSSL's server-name callback reaches: runs the user's
/// callback of the context it was set on.
pub(crate) struct SniHandler;

impl ffi::SniHandler for SniHandler {
    fn on_servername(ssl: &mut SslRef, ctx: &SslContextRef) -> Result<(), u8> {
        let Some(origin) = SslContext::of_openssl(ctx) else {
            return Ok(());
        };
        let Some(callback) = origin.hooks().sni.clone() else {
            return Ok(());
        };
        // _ssl.c decodes the name as ASCII; a name that is not fails the
        // handshake with an internal_error alert, the callback uncalled.
        let name = match ssl.servername_raw(NameType::HOST_NAME) {
            None => None,
            Some(raw) if raw.is_ascii() => Some(String::from_utf8_lossy(raw).into_owned()),
            Some(_) => return Err(AlertDescription::InternalError.value()),
        };
        let mut conn = SniConnection { ssl };
        match catch_unwind(AssertUnwindSafe(|| {
            callback(&mut conn, name.as_deref(), &origin)
        })) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(alert)) => Err(alert.value()),
            // _ssl.c's `_servername_callback` on an exception.
            Err(_) => Err(AlertDescription::HandshakeFailure.value()),
        }
    }
}
