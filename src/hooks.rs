//! sslwrap's callbacks on a connection (the handshake trace and the key
//! log), and what they leave behind.
//!
//! A context with a message callback or a key log stores them on its
//! OpenSSL context ([`CtxHooks`], `SSL_CTX` ex_data) and installs the
//! trampolines of `ffi::callbacks`; a connection that records its trace
//! keeps the events on its `SSL` ([`ConnHooks`], `SSL` ex_data). A user
//! callback that panics, or a key-log write that fails, never reaches C:
//! the failure is kept on the connection and becomes the error of the call
//! that ran the callback (as Python raises a callback's exception from
//! `do_handshake`).

use std::any::Any;
use std::ffi::CString;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, OnceLock};

use openssl::error::ErrorStack;
use openssl::ex_data::Index;
use openssl::ssl::{Ssl, SslContext, SslContextBuilder, SslRef};

use crate::error::SslError;
use crate::ffi::{self, KeylogHandler, MsgHandler};
use crate::keylog::KeylogFile;
use crate::trace::TraceEvent;

/// A user's message callback (`set_msg_callback`).
pub(crate) type MsgCallback = Arc<dyn Fn(&TraceEvent) + Send + Sync>;
/// A user's key-log callback (`set_keylog_callback`).
pub(crate) type KeylogCallback = Arc<dyn Fn(&str) + Send + Sync>;

/// The callbacks of a context, as its OpenSSL context keeps them.
#[derive(Clone, Default)]
pub(crate) struct CtxHooks {
    pub(crate) msg: Option<MsgCallback>,
    pub(crate) keylog_file: Option<Arc<KeylogFile>>,
    pub(crate) keylog: Option<KeylogCallback>,
    /// `set_sni_callback` (see `sni.rs`).
    pub(crate) sni: Option<crate::sni::SniCallback>,
    /// `set_psk_client_callback` (see `psk.rs`).
    pub(crate) psk_client: Option<crate::psk::PskClientCallback>,
    /// `set_psk_server_callback` and its identity hint (see `psk.rs`).
    pub(crate) psk_server: Option<(crate::psk::PskServerCallback, Option<CString>)>,
}

impl CtxHooks {
    /// Whether any callback is set (then connections watch for failures).
    pub(crate) fn any(&self) -> bool {
        self.msg.is_some()
            || self.keylog_file.is_some()
            || self.keylog.is_some()
            || self.sni.is_some()
            || self.psk_client.is_some()
            || self.psk_server.is_some()
    }

    /// Stores the callbacks on `b` and installs the trampolines they need
    /// (`SSL_CTX_set_msg_callback`, `SSL_CTX_set_keylog_callback`,
    /// `SSL_CTX_set_tlsext_servername_callback`,
    /// `SSL_CTX_set_psk_client_callback`, `SSL_CTX_set_psk_server_callback`
    /// with `SSL_CTX_use_psk_identity_hint`).
    pub(crate) fn install(&self, b: &mut SslContextBuilder) -> Result<(), ErrorStack> {
        if !self.any() {
            return Ok(());
        }
        b.set_ex_data(ctx_index()?, self.clone());
        if self.msg.is_some() {
            ffi::ctx_set_msg_callback::<Tracer>(b);
        }
        if self.keylog_file.is_some() || self.keylog.is_some() {
            ffi::ctx_set_keylog_callback::<Keylogger>(b);
        }
        if self.sni.is_some() {
            ffi::ctx_set_servername_callback::<crate::sni::SniHandler>(b);
        }
        if self.psk_client.is_some() {
            ffi::ctx_set_psk_client_callback::<crate::psk::PskHandler>(b);
        }
        if let Some((_, hint)) = &self.psk_server {
            ffi::ctx_set_psk_server_callback::<crate::psk::PskHandler>(b);
            ffi::ctx_use_psk_identity_hint(b, hint.as_deref())?;
        }
        Ok(())
    }
}

/// What sslwrap's callbacks keep on one connection.
#[derive(Default)]
pub(crate) struct ConnHooks {
    /// The recorded trace, when the connection was wrapped with
    /// `WrapOptions::trace(true)`.
    events: Option<Vec<TraceEvent>>,
    /// The first failure of a callback, not yet reported.
    failure: Option<SslError>,
}

/// Prepares `ssl` for sslwrap's callbacks: a place for their failures and,
/// with `record`, for its trace (and the message callback that fills it,
/// `SSL_set_msg_callback`).
pub(crate) fn attach(ssl: &mut SslRef, record: bool) -> Result<(), ErrorStack> {
    let hooks = ConnHooks {
        events: record.then(Vec::new),
        failure: None,
    };
    ssl.set_ex_data(conn_index()?, hooks);
    if record {
        ffi::ssl_set_msg_callback::<Tracer>(ssl);
    }
    Ok(())
}

/// After `ssl` moved to another context (`SSL_set_SSL_CTX`): what
/// `_ssl.c`'s context setter adds (the new context's message callback, or
/// none, `SSL_set_msg_callback`; a connection recording its trace keeps
/// recording), and a place for the failures of the new context's callbacks
/// when `ssl` had none.
pub(crate) fn after_switch(ssl: &mut SslRef) -> Result<(), ErrorStack> {
    let hooks = ctx_hooks(ssl).unwrap_or_default();
    let index = conn_index()?;
    if hooks.any() && ssl.ex_data(index).is_none() {
        ssl.set_ex_data(index, ConnHooks::default());
    }
    let recording = ssl.ex_data(index).is_some_and(|h| h.events.is_some());
    if hooks.msg.is_some() || recording {
        ffi::ssl_set_msg_callback::<Tracer>(ssl);
    } else {
        ffi::ssl_clear_msg_callback(ssl);
    }
    Ok(())
}

/// The trace recorded on `ssl` so far (empty when not recording).
pub(crate) fn trace(ssl: &SslRef) -> &[TraceEvent] {
    conn_index()
        .ok()
        .and_then(|i| ssl.ex_data(i))
        .and_then(|h| h.events.as_deref())
        .unwrap_or(&[])
}

/// Takes the failure a callback left on `ssl`, if any.
#[cold]
pub(crate) fn take_failure(ssl: &mut SslRef) -> Option<SslError> {
    let index = conn_index().ok()?;
    ssl.ex_data_mut(index)?.failure.take()
}

fn record_failure(ssl: &mut SslRef, e: SslError) {
    let Ok(index) = conn_index() else { return };
    if let Some(h) = ssl.ex_data_mut(index) {
        h.failure.get_or_insert(e);
    }
}

/// The error for a panic in a user callback named `which`.
pub(crate) fn panic_error(which: &str, payload: &(dyn Any + Send)) -> SslError {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a non-string payload".to_owned());
    SslError::callback_panic(format!("the {which} panicked: {detail}"))
}

fn ctx_index() -> Result<Index<SslContext, CtxHooks>, ErrorStack> {
    static INDEX: OnceLock<Index<SslContext, CtxHooks>> = OnceLock::new();
    ffi::ex_index(&INDEX, SslContext::new_ex_index)
}

fn conn_index() -> Result<Index<Ssl, ConnHooks>, ErrorStack> {
    static INDEX: OnceLock<Index<Ssl, ConnHooks>> = OnceLock::new();
    ffi::ex_index(&INDEX, Ssl::new_ex_index)
}

/// The context's hooks, as its OpenSSL context keeps them.
pub(crate) fn ctx_hooks(ssl: &SslRef) -> Option<CtxHooks> {
    ssl.ssl_context().ex_data(ctx_index().ok()?).cloned()
}

/// The message-callback handler: decodes the event, hands it to the user's
/// callback, records it.
struct Tracer;

impl MsgHandler for Tracer {
    fn on_message(ssl: &mut SslRef, write: bool, version: i32, content_type: i32, data: &[u8]) {
        let event = TraceEvent::from_callback(write, version, content_type, data);
        if let Some(callback) = ctx_hooks(ssl).and_then(|h| h.msg) {
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| callback(&event))) {
                record_failure(ssl, panic_error("msg_callback", &*payload));
            }
        }
        let Ok(index) = conn_index() else { return };
        if let Some(events) = ssl.ex_data_mut(index).and_then(|h| h.events.as_mut()) {
            events.push(event);
        }
    }
}

/// The key-log handler: appends to the file, hands the line to the user's
/// callback.
struct Keylogger;

impl KeylogHandler for Keylogger {
    fn on_line(ssl: &mut SslRef, line: &str) {
        let Some(hooks) = ctx_hooks(ssl) else { return };
        if let Some(file) = &hooks.keylog_file {
            if let Err(e) = file.write_line(line) {
                record_failure(ssl, e);
            }
        }
        if let Some(callback) = &hooks.keylog {
            if let Err(payload) = catch_unwind(AssertUnwindSafe(|| callback(line))) {
                record_failure(ssl, panic_error("keylog callback", &*payload));
            }
        }
    }
}
