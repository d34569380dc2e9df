//! The TLS connection over a Rust stream: an `SSL` whose BIO calls the
//! stream's `Read`/`Write`.
//!
//! Like the `openssl` crate's `SslStream`, with two differences that Python
//! parity needs: the BIO answers `BIO_CTRL_EOF` (so OpenSSL 3 reports a
//! peer's TCP close without close_notify as `UNEXPECTED_EOF_WHILE_READING`,
//! and `SSL_OP_IGNORE_UNEXPECTED_EOF` works), and the stream can be taken
//! back out ([`TlsStream::into_inner`], for `unwrap()`).
//!
//! Every callback runs its body in `catch_unwind`; a panic is stored and
//! re-raised by the Rust caller after OpenSSL returns.

use std::any::Any;
use std::io::{self, Read, Write};
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::os::raw::{c_char, c_int, c_long, c_void};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

use foreign_types::ForeignType;
use openssl::error::ErrorStack;
use openssl::ssl::{ErrorCode, ShutdownResult, ShutdownState, Ssl, SslRef};
use openssl_sys as sys;

use super::{cvt, cvt_p};

/// A failed TLS operation, as OpenSSL reported it: `SSL_get_error`'s code,
/// the error queue (drained), and the stream's own error if it had one.
#[derive(Debug)]
pub(crate) struct Failure {
    /// What the OpenSSL call returned (`SSL_read_ex`/`SSL_write_ex` return
    /// 0 on failure, `SSL_do_handshake`/`SSL_shutdown` -1).
    pub(crate) ret: c_int,
    pub(crate) code: ErrorCode,
    pub(crate) stack: ErrorStack,
    pub(crate) io: Option<io::Error>,
}

/// An `SSL` reading and writing through a stream `S`.
pub(crate) struct TlsStream<S> {
    ssl: ManuallyDrop<Ssl>,
    method: ManuallyDrop<BioMethod>,
    _stream: PhantomData<S>,
}

/// What the BIO's data pointer points to.
struct State<S> {
    stream: S,
    error: Option<io::Error>,
    panic: Option<Box<dyn Any + Send>>,
    eof: bool,
}

foreign_types::foreign_type! {
    type CType = sys::BIO_METHOD;
    fn drop = sys::BIO_meth_free;
    /// A `BIO_METHOD` for one stream type.
    pub struct BioMethod;
    /// Borrowed [`BioMethod`].
    pub struct BioMethodRef;
}

impl<S: Read + Write> TlsStream<S> {
    /// Attaches `stream` to `ssl` through a new BIO (`BIO_new`,
    /// `SSL_set_bio`).
    pub(crate) fn new(ssl: Ssl, stream: S) -> Result<TlsStream<S>, ErrorStack> {
        let method = BioMethod::new::<S>()?;
        let state = Box::new(State {
            stream,
            error: None,
            panic: None,
            eof: false,
        });
        // SAFETY: `method` is a valid BIO_METHOD that outlives the BIO (the
        // TlsStream drops the SSL, which frees the BIO, before the method).
        // The BIO takes ownership of `state` (freed by `destroy` or taken
        // back by `into_inner`). SSL_set_bio takes the BIO's one reference
        // for both directions.
        unsafe {
            let bio = cvt_p(sys::BIO_new(method.as_ptr()))?;
            sys::BIO_set_data(bio, Box::into_raw(state) as *mut c_void);
            sys::BIO_set_init(bio, 1);
            sys::SSL_set_bio(ssl.as_ptr(), bio, bio);
        }
        Ok(TlsStream {
            ssl: ManuallyDrop::new(ssl),
            method: ManuallyDrop::new(method),
            _stream: PhantomData,
        })
    }

    /// `SSL_do_handshake`.
    pub(crate) fn do_handshake(&mut self) -> Result<(), Failure> {
        // SAFETY: the SSL is live and has our BIO attached.
        let r = unsafe { sys::SSL_do_handshake(self.ssl.as_ptr()) };
        if r > 0 {
            Ok(())
        } else {
            Err(self.failure(r))
        }
    }

    /// `SSL_read_ex`; `Ok(0)` for an empty `buf` without calling OpenSSL.
    #[inline]
    pub(crate) fn read(&mut self, buf: &mut [u8]) -> Result<usize, Failure> {
        if buf.is_empty() {
            return Ok(0);
        }
        let mut n = 0;
        // SAFETY: `buf` is valid for `buf.len()` writable bytes; OpenSSL
        // writes at most that many and reports the count in `n`.
        let r = unsafe {
            sys::SSL_read_ex(
                self.ssl.as_ptr(),
                buf.as_mut_ptr() as *mut c_void,
                buf.len(),
                &mut n,
            )
        };
        if r > 0 {
            Ok(n)
        } else {
            Err(self.failure(r))
        }
    }

    /// `SSL_write_ex`; `Ok(0)` for an empty `buf` without calling OpenSSL.
    #[inline]
    pub(crate) fn write(&mut self, buf: &[u8]) -> Result<usize, Failure> {
        if buf.is_empty() {
            return Ok(0);
        }
        let mut n = 0;
        // SAFETY: `buf` is valid for `buf.len()` readable bytes.
        let r = unsafe {
            sys::SSL_write_ex(
                self.ssl.as_ptr(),
                buf.as_ptr() as *const c_void,
                buf.len(),
                &mut n,
            )
        };
        if r > 0 {
            Ok(n)
        } else {
            Err(self.failure(r))
        }
    }

    /// `SSL_shutdown`: `Sent` when our close_notify went out, `Received`
    /// when the peer's has arrived too.
    pub(crate) fn shutdown(&mut self) -> Result<ShutdownResult, Failure> {
        // SAFETY: the SSL is live and has our BIO attached.
        match unsafe { sys::SSL_shutdown(self.ssl.as_ptr()) } {
            0 => Ok(ShutdownResult::Sent),
            1 => Ok(ShutdownResult::Received),
            r => Err(self.failure(r)),
        }
    }

    /// Flushes the stream (`BIO_flush` has nothing of its own to flush).
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.state_mut().stream.flush()
    }

    /// Python's `PySSL_SetError` inputs: `SSL_get_error`, the drained
    /// queue, the stream's error. Re-raises a panic from a callback.
    #[cold]
    fn failure(&mut self, ret: c_int) -> Failure {
        if let Some(payload) = self.state_mut().panic.take() {
            resume_unwind(payload);
        }
        // SAFETY: the SSL is live; SSL_get_error only reads its state and
        // the thread's error queue.
        let code = ErrorCode::from_raw(unsafe { sys::SSL_get_error(self.ssl.as_ptr(), ret) });
        let stack = ErrorStack::get();
        let io = self.state_mut().error.take();
        Failure {
            ret,
            code,
            stack,
            io,
        }
    }
}

impl<S> TlsStream<S> {
    /// The `SSL`.
    pub(crate) fn ssl(&self) -> &SslRef {
        &self.ssl
    }

    /// The `SSL`, mutably.
    pub(crate) fn ssl_mut(&mut self) -> &mut SslRef {
        &mut self.ssl
    }

    /// `SSL_get_shutdown`.
    pub(crate) fn get_shutdown(&self) -> ShutdownState {
        // SAFETY: the SSL is live; this reads a field.
        ShutdownState::from_bits_retain(unsafe { sys::SSL_get_shutdown(self.ssl.as_ptr()) })
    }

    /// The stream.
    pub(crate) fn get_ref(&self) -> &S {
        // SAFETY: the BIO's data is our State<S> while `self` lives (set in
        // `new`, cleared only by `into_inner`, which consumes `self`).
        unsafe { &(*(sys::BIO_get_data(self.rbio()) as *const State<S>)).stream }
    }

    /// The stream, mutably.
    pub(crate) fn get_mut(&mut self) -> &mut S {
        &mut self.state_mut().stream
    }

    /// Detaches the stream and frees the `SSL` (no TLS shutdown).
    pub(crate) fn into_inner(mut self) -> S {
        let bio = self.rbio();
        // SAFETY: the data pointer is the Box<State<S>> from `new`; after
        // clearing it, `destroy` (run when the SSL is freed below) frees
        // nothing, so the Box is owned here exactly once.
        let state = unsafe {
            let data = sys::BIO_get_data(bio) as *mut State<S>;
            sys::BIO_set_data(bio, std::ptr::null_mut());
            Box::from_raw(data)
        };
        // SAFETY: `self` is forgotten right after, so these are dropped once;
        // the SSL (and with it the BIO) goes before the method it uses.
        unsafe {
            ManuallyDrop::drop(&mut self.ssl);
            ManuallyDrop::drop(&mut self.method);
        }
        std::mem::forget(self);
        state.stream
    }

    fn rbio(&self) -> *mut sys::BIO {
        // SAFETY: the SSL is live; SSL_get_rbio returns the BIO set in `new`.
        unsafe { sys::SSL_get_rbio(self.ssl.as_ptr()) }
    }

    fn state_mut(&mut self) -> &mut State<S> {
        // SAFETY: as in `get_ref`; `&mut self` makes the borrow unique.
        unsafe { &mut *(sys::BIO_get_data(self.rbio()) as *mut State<S>) }
    }
}

impl<S> Drop for TlsStream<S> {
    fn drop(&mut self) {
        // SAFETY: dropped once, the SSL (and its BIO) before the method.
        unsafe {
            ManuallyDrop::drop(&mut self.ssl);
            ManuallyDrop::drop(&mut self.method);
        }
    }
}

// SAFETY: the TlsStream owns the SSL and the stream exclusively; moving it
// to another thread moves both. OpenSSL's SSL is usable from any one thread
// at a time.
unsafe impl<S: Send> Send for TlsStream<S> {}
// SAFETY: `&TlsStream` gives only `&SslRef` (read-only OpenSSL getters,
// which rust-openssl also exposes through `&`) and `&S`.
unsafe impl<S: Sync> Sync for TlsStream<S> {}

impl BioMethod {
    fn new<S: Read + Write>() -> Result<BioMethod, ErrorStack> {
        // SAFETY: BIO_meth_new returns an owned method (or null); the
        // setters install our callbacks, which match OpenSSL's signatures.
        unsafe {
            let ptr = cvt_p(sys::BIO_meth_new(sys::BIO_TYPE_NONE, c"sslwrap".as_ptr()))?;
            let method = BioMethod::from_ptr(ptr);
            cvt(sys::BIO_meth_set_write__fixed_rust(
                method.as_ptr(),
                Some(bwrite::<S>),
            ))?;
            cvt(sys::BIO_meth_set_read__fixed_rust(
                method.as_ptr(),
                Some(bread::<S>),
            ))?;
            cvt(sys::BIO_meth_set_ctrl__fixed_rust(
                method.as_ptr(),
                Some(ctrl::<S>),
            ))?;
            cvt(sys::BIO_meth_set_create__fixed_rust(
                method.as_ptr(),
                Some(create),
            ))?;
            cvt(sys::BIO_meth_set_destroy__fixed_rust(
                method.as_ptr(),
                Some(destroy::<S>),
            ))?;
            Ok(method)
        }
    }
}

/// Errors after which OpenSSL should try again later (`BIO_should_retry`).
fn retriable(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::NotConnected
    )
}

/// # Safety
///
/// `bio` must be a live BIO of this method whose data is a `State<S>`.
unsafe fn state<'a, S>(bio: *mut sys::BIO) -> &'a mut State<S> {
    // SAFETY: per the contract.
    unsafe { &mut *(sys::BIO_get_data(bio) as *mut State<S>) }
}

unsafe extern "C" fn bwrite<S: Write>(bio: *mut sys::BIO, buf: *const c_char, len: c_int) -> c_int {
    // SAFETY: OpenSSL calls this on our BIO with `len` readable bytes at
    // `buf`; the state is ours (see `new`).
    unsafe {
        sys::BIO_clear_retry_flags(bio);
        let state = state::<S>(bio);
        let buf = if len <= 0 {
            &[][..]
        } else {
            std::slice::from_raw_parts(buf as *const u8, len as usize)
        };
        match catch_unwind(AssertUnwindSafe(|| state.stream.write(buf))) {
            Ok(Ok(n)) => n as c_int,
            Ok(Err(err)) => {
                if retriable(&err) {
                    sys::BIO_set_retry_write(bio);
                }
                state.error = Some(err);
                -1
            }
            Err(payload) => {
                state.panic = Some(payload);
                -1
            }
        }
    }
}

unsafe extern "C" fn bread<S: Read>(bio: *mut sys::BIO, buf: *mut c_char, len: c_int) -> c_int {
    // SAFETY: OpenSSL calls this on our BIO with `len` writable bytes at
    // `buf`; the state is ours (see `new`).
    unsafe {
        sys::BIO_clear_retry_flags(bio);
        let state = state::<S>(bio);
        let buf = if len <= 0 {
            &mut [][..]
        } else {
            std::slice::from_raw_parts_mut(buf as *mut u8, len as usize)
        };
        match catch_unwind(AssertUnwindSafe(|| state.stream.read(buf))) {
            Ok(Ok(0)) if !buf.is_empty() => {
                // End of stream: what BIO_CTRL_EOF reports, as a socket BIO
                // does (BIO_FLAGS_IN_EOF).
                state.eof = true;
                0
            }
            Ok(Ok(n)) => n as c_int,
            Ok(Err(err)) => {
                if retriable(&err) {
                    sys::BIO_set_retry_read(bio);
                }
                state.error = Some(err);
                -1
            }
            Err(payload) => {
                state.panic = Some(payload);
                -1
            }
        }
    }
}

/// `BIO_CTRL_EOF`.
const BIO_CTRL_EOF: c_int = 2;

unsafe extern "C" fn ctrl<S: Write>(
    bio: *mut sys::BIO,
    cmd: c_int,
    _num: c_long,
    _ptr: *mut c_void,
) -> c_long {
    // SAFETY: OpenSSL calls this on our BIO; the state is ours.
    let state = unsafe { state::<S>(bio) };
    match cmd {
        sys::BIO_CTRL_FLUSH => match catch_unwind(AssertUnwindSafe(|| state.stream.flush())) {
            Ok(Ok(())) => 1,
            Ok(Err(err)) => {
                state.error = Some(err);
                0
            }
            Err(payload) => {
                state.panic = Some(payload);
                0
            }
        },
        BIO_CTRL_EOF => c_long::from(state.eof),
        _ => 0,
    }
}

unsafe extern "C" fn create(bio: *mut sys::BIO) -> c_int {
    // SAFETY: OpenSSL calls this on a freshly allocated BIO of our method.
    unsafe {
        sys::BIO_set_init(bio, 0);
        sys::BIO_set_data(bio, std::ptr::null_mut());
        sys::BIO_set_flags(bio, 0);
    }
    1
}

unsafe extern "C" fn destroy<S>(bio: *mut sys::BIO) -> c_int {
    if bio.is_null() {
        return 0;
    }
    // SAFETY: the data is the Box<State<S>> from `new`, or null after
    // `into_inner` took it back; freed here exactly once.
    unsafe {
        let data = sys::BIO_get_data(bio);
        if !data.is_null() {
            drop(Box::<State<S>>::from_raw(data as *mut State<S>));
        }
        sys::BIO_set_data(bio, std::ptr::null_mut());
        sys::BIO_set_init(bio, 0);
    }
    1
}
