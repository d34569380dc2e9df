//! The client session cache: automatic resumption per server name,
//! [`SslContext::set_client_session_cache`]. An sslwrap addition (Python
//! has none: its callers keep `sock.session` and pass `session=` again).
//!
//! # How it works
//!
//! * The cache ([`ClientSessionCache`]) belongs to the [`SslContext`]: an
//!   `Arc` in its settings, so every OpenSSL context the settings build
//!   (one per generation, see `context.rs`) shares it, and a setter's
//!   rebuild keeps what it holds.
//! * Each build stores the `Arc` on the OpenSSL context (`SSL_CTX`
//!   ex_data), turns on client-side caching
//!   (`SSL_CTX_set_session_cache_mode`) and installs the new-session
//!   callback (`SSL_CTX_sess_set_new_cb`), which OpenSSL calls with each
//!   TLS 1.3 ticket and each TLS 1.2 session of a full handshake.
//! * A client connection with a `server_hostname` gets a [`Slot`] (`SSL`
//!   ex_data): the cache and the name. Unless the caller passed
//!   `WrapOptions::session`, the newest session stored for that name is
//!   set on it (`SSL_set_session`): a TLS 1.3 ticket is taken out (used
//!   once, RFC 8446 appendix C.4), a TLS 1.2 session is copied and stays
//!   until it expires. An info callback then watches the handshake: if the
//!   server did not resume it, or the handshake failed with an alert, the
//!   session is dropped.
//! * The callback stores a copy (`SSL_SESSION_dup`, see `session.rs`) under
//!   the slot's name, only when the slot belongs to this very cache (a
//!   session from another context is refused). At most `capacity`
//!   sessions are kept in all; the oldest goes first.
//!
//! One mutex guards the cache; it is held for a few map operations, never
//! across OpenSSL calls that do I/O. Nothing here unwinds into C: the
//! new-session callback runs inside `catch_unwind`, the info callback's
//! trampoline too.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::os::raw::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::{SystemTime, UNIX_EPOCH};

use openssl::error::ErrorStack;
use openssl::ex_data::Index;
use openssl::ssl::{
    Ssl, SslContext as OsslContext, SslContextBuilder, SslRef, SslSession, SslSessionCacheMode,
    SslVersion,
};

use crate::context::{Protocol, SslContext};
use crate::ffi;

impl SslContext {
    /// Turns on automatic session resumption for client connections:
    /// `Some(capacity)` keeps up to `capacity` sessions in all, per
    /// `server_hostname`, and resumes the next connection to the same name
    /// with no user code; `None` (the default) turns it off.
    ///
    /// Python: none (an sslwrap addition; off by default so ported code
    /// behaves as in Python, where a caller keeps `SSLSocket.session` and
    /// passes it as `wrap_socket(..., session=...)`). OpenSSL:
    /// `SSL_CTX_set_session_cache_mode(SSL_SESS_CACHE_CLIENT)`,
    /// `SSL_CTX_sess_set_new_cb` to collect sessions (TLS 1.3 tickets as
    /// they arrive after the handshake, TLS 1.2 sessions at its end), and
    /// `SSL_set_session` on the next connection to the same name.
    ///
    /// * A connection without `server_hostname` neither stores nor resumes.
    ///   The name is compared as given (after IDNA encoding), so
    ///   `"localhost"` and `"127.0.0.1"` are different names.
    /// * Each TLS 1.3 ticket is used at most once (RFC 8446 appendix C.4);
    ///   a server sends two per handshake by default, and more after each
    ///   resumption. A TLS 1.2 session is reused until it expires
    ///   (`SSL_SESSION_get_time` + `get_timeout`). A session the server
    ///   did not resume, or whose handshake failed with an alert, is
    ///   dropped.
    /// * At most `capacity` sessions in all (`Some(0)` stores none); when
    ///   full, the oldest is dropped.
    /// * An explicit [`WrapOptions::session`](crate::WrapOptions::session)
    ///   wins: that session is offered, and the cache is not consulted
    ///   (new sessions of the connection are still stored).
    /// * The cache belongs to this context and is shared by every thread
    ///   wrapping with it; the rebuild a setter causes keeps it. Calling
    ///   this again starts an empty cache. It has no effect on a
    ///   [`Protocol::TlsServer`] context.
    ///
    /// TLS 1.3 tickets arrive after the handshake, with the first data the
    /// client reads: a connection that never reads leaves nothing to
    /// resume.
    ///
    /// # Security
    ///
    /// A resumed handshake does not verify the server's certificate again:
    /// it relies on the verification of the handshake that made the
    /// session, under the settings of that time. After loosening or
    /// tightening the trust (`load_verify_locations`, `set_verify_mode`,
    /// `set_check_hostname`, …), call this again to start empty. Sessions
    /// are kept in memory only.
    ///
    /// ```no_run
    /// use std::net::TcpStream;
    /// use sslwrap::{create_default_context, Purpose, WrapOptions};
    ///
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let mut ctx = create_default_context(Purpose::ServerAuth)?;
    /// ctx.set_client_session_cache(Some(256));
    /// for _ in 0..2 {
    ///     let tcp = TcpStream::connect(("example.org", 443))?;
    ///     let mut s = ctx.wrap_socket(tcp, WrapOptions::default().server_hostname("example.org"))?;
    ///     s.sendall(b"HEAD / HTTP/1.1\r\nHost: example.org\r\nConnection: close\r\n\r\n")?;
    ///     let _ = s.recv(1024)?; // reads the TLS 1.3 tickets too
    ///     println!("resumed: {}", s.session_reused()); // false, then true
    /// }
    /// # Ok(())
    /// # }
    /// ```
    #[doc(alias = "SSL_CTX_sess_set_new_cb")]
    #[doc(alias = "SSL_SESS_CACHE_CLIENT")]
    pub fn set_client_session_cache(&mut self, capacity: Option<usize>) {
        self.set_session_cache(capacity.map(|n| Arc::new(ClientSessionCache::new(n))));
    }

    /// The capacity set with
    /// [`set_client_session_cache`](Self::set_client_session_cache);
    /// `None` when off.
    ///
    /// Python: none (sslwrap). OpenSSL: none (sslwrap keeps the sessions).
    pub fn client_session_cache(&self) -> Option<usize> {
        self.session_cache().map(|c| c.capacity)
    }
}

/// The sessions of one [`SslContext`], by server name (see the module
/// docs).
pub(crate) struct ClientSessionCache {
    capacity: usize,
    entries: Mutex<Entries>,
}

#[derive(Default)]
struct Entries {
    /// Numbers the sessions in the order they were stored.
    next_seq: u64,
    /// The sessions of each name, oldest first.
    by_name: HashMap<String, VecDeque<Entry>>,
    /// Every session's number and name, oldest first, for eviction.
    age: BTreeMap<u64, String>,
}

struct Entry {
    seq: u64,
    session: SslSession,
    tls13: bool,
}

impl ClientSessionCache {
    fn new(capacity: usize) -> ClientSessionCache {
        ClientSessionCache {
            capacity,
            entries: Mutex::new(Entries::default()),
        }
    }

    /// Stores the context's cache on `b` and turns client caching on.
    pub(crate) fn install(
        self: &Arc<Self>,
        b: &mut SslContextBuilder,
        protocol: Protocol,
    ) -> Result<(), ErrorStack> {
        let mode = match protocol {
            Protocol::TlsServer => return Ok(()),
            // Clients never look sessions up in OpenSSL's own store: keep
            // them out of it (and out of `session_stats`, as in Python).
            Protocol::TlsClient => {
                SslSessionCacheMode::CLIENT | SslSessionCacheMode::NO_INTERNAL_STORE
            }
            // Either side: the server side keeps OpenSSL's store.
            Protocol::Tls => SslSessionCacheMode::CLIENT | SslSessionCacheMode::SERVER,
        };
        b.set_session_cache_mode(mode);
        b.set_ex_data(ctx_index()?, Arc::clone(self));
        let cache = Arc::clone(self);
        b.set_new_session_callback(move |ssl, session| {
            // sslwrap's own code, but it runs under OpenSSL: a panic must
            // not unwind into C (the `openssl` crate's trampoline does not
            // catch it). Losing one session is harmless.
            let _ = catch_unwind(AssertUnwindSafe(|| cache.on_new_session(ssl, &session)));
        });
        Ok(())
    }

    /// The new-session callback: a copy of `session` stored under the
    /// connection's name, if the connection belongs to this cache.
    fn on_new_session(self: &Arc<Self>, ssl: &SslRef, session: &SslSession) {
        let Some(slot) = slot_index().ok().and_then(|i| ssl.ex_data(i)) else {
            return; // no server_hostname: nothing cached
        };
        if !Arc::ptr_eq(&slot.cache, self) {
            return; // a connection of another context: refused
        }
        // A copy: the live session is marked not resumable if its
        // connection ends without close_notify (see `session.rs`).
        if let Ok(copy) = ffi::ssl_session_dup(session) {
            self.store(&slot.name, copy);
        }
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        // The lock guards plain map updates that cannot leave the maps
        // inconsistent halfway; a panic elsewhere must not disable it.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Stores `session` for `name`: a TLS 1.2 session replaces the
    /// name's earlier one, TLS 1.3 tickets accumulate; then the oldest go
    /// until at most `capacity` are left.
    fn store(&self, name: &str, session: SslSession) {
        if self.capacity == 0 {
            return;
        }
        let tls13 = session.protocol_version() == SslVersion::TLS1_3;
        let mut e = self.lock();
        let Entries {
            next_seq,
            by_name,
            age,
        } = &mut *e;
        let seq = *next_seq;
        *next_seq += 1;
        let list = by_name.entry(name.to_owned()).or_default();
        if !tls13 {
            list.retain(|old| {
                let keep = old.tls13;
                if !keep {
                    age.remove(&old.seq);
                }
                keep
            });
        }
        list.push_back(Entry {
            seq,
            session,
            tls13,
        });
        age.insert(seq, name.to_owned());
        while age.len() > self.capacity {
            let Some((old, old_name)) = age.pop_first() else {
                break;
            };
            remove(by_name, &old_name, old);
        }
    }

    /// The session to offer for `name`, with its number: the newest one
    /// not expired. A TLS 1.3 ticket is taken out; a TLS 1.2 session is
    /// copied and stays.
    fn take(&self, name: &str) -> Option<(SslSession, u64)> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs() as i64);
        let mut e = self.lock();
        let Entries { by_name, age, .. } = &mut *e;
        let list = by_name.get_mut(name)?;
        let found = loop {
            let Some(entry) = list.back() else {
                break None;
            };
            let expired = entry.session.time() + entry.session.timeout() <= now;
            if expired || entry.tls13 {
                let entry = list.pop_back()?;
                age.remove(&entry.seq);
                if !expired {
                    break Some((entry.session, entry.seq));
                }
            } else {
                let copy = ffi::ssl_session_dup(&entry.session).ok()?;
                break Some((copy, entry.seq));
            }
        };
        if list.is_empty() {
            by_name.remove(name);
        }
        found
    }

    /// Drops session `seq` of `name`, if still there.
    fn forget(&self, name: &str, seq: u64) {
        let mut e = self.lock();
        if e.age.remove(&seq).is_some() {
            remove(&mut e.by_name, name, seq);
        }
    }
}

/// Removes session `seq` from `name`'s list (the caller updates `age`).
fn remove(by_name: &mut HashMap<String, VecDeque<Entry>>, name: &str, seq: u64) {
    if let Some(list) = by_name.get_mut(name) {
        list.retain(|e| e.seq != seq);
        if list.is_empty() {
            by_name.remove(name);
        }
    }
}

/// What a client connection of a context with a cache keeps: the cache,
/// its name, and the cached session it offered, if any.
struct Slot {
    cache: Arc<ClientSessionCache>,
    name: String,
    offered: Option<u64>,
}

/// Prepares a new client `ssl` for its context's cache, if the context has
/// one and `name` (the `server_hostname`) is given: with `lookup`, offers
/// the cached session for the name.
pub(crate) fn attach(ssl: &mut SslRef, name: Option<&str>, lookup: bool) -> Result<(), ErrorStack> {
    let Some(name) = name else { return Ok(()) };
    let Some(cache) = ssl.ssl_context().ex_data(ctx_index()?).cloned() else {
        return Ok(());
    };
    let mut slot = Slot {
        cache,
        name: name.to_owned(),
        offered: None,
    };
    if lookup {
        if let Some((session, seq)) = slot.cache.take(name) {
            ffi::ssl_set_session(ssl, &session)?;
            slot.offered = Some(seq);
            ffi::ssl_set_info_handler(ssl, on_refusal)?;
        }
    }
    ssl.set_ex_data(slot_index()?, slot);
    Ok(())
}

/// The info handler of a connection that offered a cached session: drops
/// it when the handshake ends without resuming it, or fails with an alert.
fn on_refusal(ssl: &mut SslRef, where_: c_int, ret: c_int) {
    const SSL3_AL_FATAL: c_int = 2;
    let done = where_ & ffi::SSL_CB_HANDSHAKE_DONE != 0;
    let fatal = where_ & ffi::SSL_CB_ALERT != 0 && ret >> 8 == SSL3_AL_FATAL;
    if !(done || fatal) {
        return;
    }
    let refused = !(done && ssl.session_reused());
    let Some(slot) = slot_index().ok().and_then(|i| ssl.ex_data_mut(i)) else {
        return;
    };
    let Some(seq) = slot.offered.take() else {
        return;
    };
    if refused {
        slot.cache.forget(&slot.name, seq);
    }
}

fn ctx_index() -> Result<Index<OsslContext, Arc<ClientSessionCache>>, ErrorStack> {
    static INDEX: OnceLock<Index<OsslContext, Arc<ClientSessionCache>>> = OnceLock::new();
    ffi::ex_index(&INDEX, OsslContext::new_ex_index)
}

fn slot_index() -> Result<Index<Ssl, Slot>, ErrorStack> {
    static INDEX: OnceLock<Index<Ssl, Slot>> = OnceLock::new();
    ffi::ex_index(&INDEX, Ssl::new_ex_index)
}
