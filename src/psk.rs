//! Pre-shared keys (TLS-PSK): Python 3.13's
//! `SSLContext.set_psk_client_callback` and `set_psk_server_callback`, over
//! OpenSSL's `SSL_CTX_set_psk_client_callback` and
//! `SSL_CTX_set_psk_server_callback`.
//!
//! Both sides know a secret key beforehand and find it by an identity the
//! client names; no certificate is needed. With TLS 1.2 and below the
//! `PSK` cipher suites (`set_ciphers("PSK")`) carry it; with TLS 1.3
//! OpenSSL makes an external PSK of it (RFC 8446 section 4.2.11, hash
//! SHA-256, so `TLS_AES_128_GCM_SHA256` must be allowed, as it is by
//! default).
//!
//! The callbacks run inside the handshake of the state machine
//! (`conn.rs`), so every driver gets them. As in `_ssl.c`, they are read
//! from the context the connection uses at that moment; a panic is caught
//! (it never unwinds into OpenSSL) and handled as `_ssl.c` handles an
//! exception: the callback gives no key and the handshake fails.

use std::ffi::CString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use openssl::ssl::{SslContextBuilder, SslMethod, SslRef};

use crate::context::{Protocol, SslContext};
use crate::error::SslError;
use crate::ffi;
use crate::hooks;

/// A user's PSK client callback, as the context keeps it.
pub(crate) type PskClientCallback =
    Arc<dyn Fn(Option<&str>) -> (Option<String>, Vec<u8>) + Send + Sync>;
/// A user's PSK server callback, as the context keeps it.
pub(crate) type PskServerCallback = Arc<dyn Fn(Option<&str>) -> Vec<u8> + Send + Sync>;

impl SslContext {
    /// Sets the callback a client asks for its PSK identity and key; `None`
    /// removes it.
    ///
    /// Python 3.13: `SSLContext.set_psk_client_callback(callback)`, where
    /// `callback(hint)` returns `(identity, psk)`. OpenSSL:
    /// [`SSL_CTX_set_psk_client_callback`](https://docs.openssl.org/3.0/man3/SSL_CTX_set_psk_client_callback/).
    ///
    /// `f` gets the server's identity hint (TLS 1.2 only; `None` when it
    /// sent none, and always under TLS 1.3) and returns the identity to
    /// send (`None`: an empty one) and the key. An empty key, an identity
    /// longer than 256 bytes or a key longer than 512 bytes (OpenSSL's
    /// limits) give OpenSSL no key, and the handshake fails; so does a
    /// hint that is not UTF-8 (without calling `f`, as Python). A panic in
    /// `f` is caught and fails the handshake the same way (Python writes a
    /// raising callback's exception as unraisable and returns no key); the
    /// panic hook prints it.
    ///
    /// On a [`PROTOCOL_TLS_SERVER`](crate::PROTOCOL_TLS_SERVER) context it
    /// is Python's `SSLError` "Cannot add PSK client callback to a
    /// PROTOCOL_TLS_SERVER context".
    ///
    /// # Differences from Python
    ///
    /// A context with this callback (client or `PROTOCOL_TLS`) has an empty
    /// session id context where Python sets `"Python"` on every context
    /// (`SSL_CTX_set_session_id_context`): OpenSSL's TLS 1.3 session for
    /// the key has none, and a client whose session id context differs
    /// refuses the PSK when the server accepts it ("attempt to reuse
    /// session in different context"). sslwrap with Python's setting fails
    /// so against every server that uses the key, so CPython 3.13 on the
    /// same OpenSSL should too; its `test_psk_tls1_3` passes because its
    /// server, which has a certificate and prefers `TLS_AES_256_GCM_SHA384`
    /// (not the key's hash), never uses the key (`tests/psk.rs`).
    ///
    /// ```
    /// use sslwrap::{SslContext, CERT_NONE, PROTOCOL_TLS_CLIENT};
    /// # fn main() -> Result<(), sslwrap::SslError> {
    /// let mut ctx = SslContext::new(PROTOCOL_TLS_CLIENT)?;
    /// ctx.set_check_hostname(false)?;
    /// ctx.set_verify_mode(CERT_NONE)?;
    /// ctx.set_ciphers("PSK")?;
    /// ctx.set_psk_client_callback(Some(|_hint: Option<&str>| {
    ///     (Some("client-identity".to_owned()), vec![0xde, 0xad, 0xbe, 0xef])
    /// }))?;
    /// # Ok(())
    /// # }
    /// ```
    #[doc(alias = "SSL_CTX_set_psk_client_callback")]
    pub fn set_psk_client_callback<F>(&mut self, f: Option<F>) -> Result<(), SslError>
    where
        F: Fn(Option<&str>) -> (Option<String>, Vec<u8>) + Send + Sync + 'static,
    {
        if self.protocol() == Protocol::TlsServer {
            return Err(SslError::ssl_text(
                "Cannot add PSK client callback to a PROTOCOL_TLS_SERVER context",
            ));
        }
        self.hooks_mut().psk_client = f.map(|f| Arc::new(f) as PskClientCallback);
        Ok(())
    }

    /// Sets the callback a server asks for the key of the identity a
    /// client names, and the identity hint it sends (TLS 1.2); `None`
    /// removes both.
    ///
    /// Python 3.13: `SSLContext.set_psk_server_callback(callback,
    /// identity_hint=None)`, where `callback(identity)` returns the psk.
    /// OpenSSL:
    /// [`SSL_CTX_set_psk_server_callback`](https://docs.openssl.org/3.0/man3/SSL_CTX_use_psk_identity_hint/),
    /// `SSL_CTX_use_psk_identity_hint`.
    ///
    /// `f` gets the client's identity (`None` when empty) and returns the
    /// key; an empty key rejects the client (the handshake fails), and so
    /// does a key longer than 512 bytes, an identity that is not UTF-8
    /// (without calling `f`) or a panic in `f` (caught; printed by the
    /// panic hook).
    ///
    /// On a [`PROTOCOL_TLS_CLIENT`](crate::PROTOCOL_TLS_CLIENT) context it
    /// is Python's `SSLError` "Cannot add PSK server callback to a
    /// PROTOCOL_TLS_CLIENT context"; a hint OpenSSL refuses (longer than
    /// 256 bytes) is Python's `ValueError` "failed to set identity hint",
    /// one with a NUL "embedded null character".
    #[doc(alias = "SSL_CTX_set_psk_server_callback")]
    #[doc(alias = "SSL_CTX_use_psk_identity_hint")]
    pub fn set_psk_server_callback<F>(
        &mut self,
        f: Option<F>,
        identity_hint: Option<&str>,
    ) -> Result<(), SslError>
    where
        F: Fn(Option<&str>) -> Vec<u8> + Send + Sync + 'static,
    {
        if self.protocol() == Protocol::TlsClient {
            return Err(SslError::ssl_text(
                "Cannot add PSK server callback to a PROTOCOL_TLS_CLIENT context",
            ));
        }
        let Some(f) = f else {
            self.hooks_mut().psk_server = None;
            return Ok(());
        };
        let hint = identity_hint
            .map(CString::new)
            .transpose()
            .map_err(|_| SslError::value("embedded null character"))?;
        let mut probe = SslContextBuilder::new(SslMethod::tls_server())?;
        if ffi::ctx_use_psk_identity_hint(&mut probe, hint.as_deref()).is_err() {
            return Err(SslError::value("failed to set identity hint"));
        }
        self.hooks_mut().psk_server = Some((Arc::new(f), hint));
        Ok(())
    }
}

/// The handler OpenSSL's PSK callbacks reach: runs the user's callback of
/// the context the connection uses now (`_ssl.c`: `ssl->ctx->psk_*`).
pub(crate) struct PskHandler;

impl ffi::PskHandler for PskHandler {
    fn on_client(
        ssl: &mut SslRef,
        hint: Option<&[u8]>,
        identity: &mut [u8],
        psk: &mut [u8],
    ) -> usize {
        let Some(callback) = hooks::ctx_hooks(ssl).and_then(|h| h.psk_client) else {
            return 0;
        };
        // _ssl.c drops a connection whose hint is not UTF-8.
        let hint = match hint.map(std::str::from_utf8).transpose() {
            Ok(hint) => hint,
            Err(_) => return 0,
        };
        let Ok((id, key)) = catch_unwind(AssertUnwindSafe(|| callback(hint))) else {
            return 0;
        };
        let id = id.unwrap_or_default();
        if id.len() + 1 > identity.len() || key.len() > psk.len() {
            return 0;
        }
        identity[..id.len()].copy_from_slice(id.as_bytes());
        identity[id.len()] = 0;
        psk[..key.len()].copy_from_slice(&key);
        key.len()
    }

    fn on_server(ssl: &mut SslRef, identity: Option<&[u8]>, psk: &mut [u8]) -> usize {
        let Some((callback, _)) = hooks::ctx_hooks(ssl).and_then(|h| h.psk_server) else {
            return 0;
        };
        let identity = match identity.map(std::str::from_utf8).transpose() {
            Ok(identity) => identity,
            Err(_) => return 0,
        };
        let Ok(key) = catch_unwind(AssertUnwindSafe(|| callback(identity))) else {
            return 0;
        };
        if key.len() > psk.len() {
            return 0;
        }
        psk[..key.len()].copy_from_slice(&key);
        key.len()
    }
}
