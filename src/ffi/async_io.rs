//! The transport of `asyncio::SslStream`: a tokio stream seen as a std
//! `Read + Write` stream, for the stream BIO of `bio.rs`.
//!
//! OpenSSL's BIO callbacks call [`AsyncAdapter`]'s `read`/`write`, which
//! poll the async stream with the task [`Context`] of the poll call that
//! is running OpenSSL (`SslStream::poll_read`, …). `Poll::Pending` becomes
//! [`io::ErrorKind::WouldBlock`] (the BIO's retry flag, then
//! `SSL_ERROR_WANT_READ`/`_WRITE`), and the inner poll has registered the
//! task's waker: the driver answers `Poll::Pending` in turn. This is
//! tokio-openssl's design; it moves no byte through a buffer of its own.
//!
//! The `Context` is borrowed for one call only, so it is kept as a raw
//! pointer set by [`with_context`] just before the OpenSSL call and
//! cleared right after it (also when the call unwinds): outside that
//! window the adapter holds no pointer, and a BIO call there (none is
//! expected: dropping an `SSL` does no I/O) gets an error, never a
//! dangling pointer.
//!
//! Also here: `SSL_set_mode(SSL_MODE_ENABLE_PARTIAL_WRITE)`, which the
//! `openssl` crate does not expose on an `SSL`.

use std::io::{self, Read, Write};
use std::pin::Pin;
use std::ptr::NonNull;
use std::task::{Context, Poll};

use foreign_types::ForeignTypeRef;
use openssl::ssl::SslRef;
use openssl_sys as sys;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

/// An async stream with the task context of the running poll call, as a
/// blocking-looking `Read + Write` whose "would block" is `Poll::Pending`.
pub(crate) struct AsyncAdapter<S> {
    inner: S,
    /// The `Context` of the poll call running OpenSSL, while it runs; the
    /// lifetime is erased, and [`with_context`] bounds it.
    cx: Option<NonNull<Context<'static>>>,
}

// SAFETY: `cx` is `Some` only inside `with_context`, which holds the
// adapter's owner mutably (`&mut C`) for the whole time the pointer is set
// and clears it before returning; the pointee is only used on that thread
// during that call. Between calls the adapter is just `S`, so it may move
// to another thread whenever `S` may.
unsafe impl<S: Send> Send for AsyncAdapter<S> {}
// SAFETY: through `&AsyncAdapter` only `&S` is reachable (`get_ref`); the
// pointer is never read through a shared reference.
unsafe impl<S: Sync> Sync for AsyncAdapter<S> {}

impl<S> AsyncAdapter<S> {
    pub(crate) fn new(inner: S) -> AsyncAdapter<S> {
        AsyncAdapter { inner, cx: None }
    }

    pub(crate) fn get_ref(&self) -> &S {
        &self.inner
    }

    pub(crate) fn get_mut(&mut self) -> &mut S {
        &mut self.inner
    }

    pub(crate) fn into_inner(self) -> S {
        self.inner
    }
}

impl<S: Unpin> AsyncAdapter<S> {
    /// Polls the inner stream with the current call's context; `Pending`
    /// is `WouldBlock`.
    fn poll_inner<R>(
        &mut self,
        f: impl FnOnce(Pin<&mut S>, &mut Context<'_>) -> Poll<io::Result<R>>,
    ) -> io::Result<R> {
        let Some(mut cx) = self.cx else {
            return Err(io::Error::other(
                "sslwrap: the async stream was used outside of a poll call",
            ));
        };
        // SAFETY: `cx` was set by `with_context` from a `&mut Context` that
        // outlives the call in progress (we are inside it: only OpenSSL,
        // called within `with_context`'s closure, reaches this BIO
        // callback), and is cleared before that borrow ends. No other
        // reference to it is live: `with_context` gave its borrow up to this
        // pointer.
        let cx = unsafe { cx.as_mut() };
        match f(Pin::new(&mut self.inner), cx) {
            Poll::Ready(r) => r,
            Poll::Pending => Err(io::ErrorKind::WouldBlock.into()),
        }
    }
}

impl<S: AsyncRead + Unpin> Read for AsyncAdapter<S> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.poll_inner(|s, cx| {
            let mut buf = ReadBuf::new(buf);
            match s.poll_read(cx, &mut buf) {
                Poll::Ready(Ok(())) => Poll::Ready(Ok(buf.filled().len())),
                Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
                Poll::Pending => Poll::Pending,
            }
        })
    }
}

impl<S: AsyncWrite + Unpin> Write for AsyncAdapter<S> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.poll_inner(|s, cx| s.poll_write(cx, buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.poll_inner(|s, cx| s.poll_flush(cx))
    }
}

/// Runs `f` on `owner` with `cx` installed in the adapter that `adapter`
/// finds in it, so that the BIO callbacks OpenSSL makes during `f` poll
/// with `cx`; the pointer is cleared when `f` returns or unwinds.
pub(crate) fn with_context<C, S, R>(
    owner: &mut C,
    adapter: fn(&mut C) -> &mut AsyncAdapter<S>,
    cx: &mut Context<'_>,
    f: impl FnOnce(&mut C) -> R,
) -> R {
    /// Clears the pointer on every way out of `with_context`.
    struct Clear<'a, C, S> {
        owner: &'a mut C,
        adapter: fn(&mut C) -> &mut AsyncAdapter<S>,
    }
    impl<C, S> Drop for Clear<'_, C, S> {
        fn drop(&mut self) {
            (self.adapter)(self.owner).cx = None;
        }
    }
    adapter(owner).cx = Some(NonNull::from(cx).cast::<Context<'static>>());
    let guard = Clear { owner, adapter };
    f(&mut *guard.owner)
}

/// `SSL_set_mode(ssl, SSL_MODE_ENABLE_PARTIAL_WRITE)`: `SSL_write_ex`
/// returns once a record has gone out rather than when all of the buffer
/// has, as `AsyncWrite::poll_write` may.
pub(crate) fn ssl_enable_partial_write(ssl: &mut SslRef) {
    // SAFETY: the SSL is live; SSL_CTRL_MODE ORs the bits into its mode and
    // reads no pointer argument.
    unsafe {
        sys::SSL_ctrl(
            ssl.as_ptr(),
            sys::SSL_CTRL_MODE,
            sys::SSL_MODE_ENABLE_PARTIAL_WRITE,
            std::ptr::null_mut(),
        );
    }
}
