//! The transport of `SslSocket`: a BIO whose callbacks call a Rust
//! stream's `Read`/`Write`.
//!
//! Like the `openssl` crate's `SslStream`, with two differences that Python
//! parity needs: the BIO answers `BIO_CTRL_EOF` (so OpenSSL 3 reports a
//! peer's TCP close without close_notify as `UNEXPECTED_EOF_WHILE_READING`,
//! and `SSL_OP_IGNORE_UNEXPECTED_EOF` works), and the stream can be taken
//! back out (`into_inner`, for `unwrap()`).
//!
//! Every callback runs its body in `catch_unwind`; a panic is stored and
//! re-raised by the Rust caller after OpenSSL returns.

use std::any::Any;
use std::io::{self, Read, Write};
use std::marker::PhantomData;
use std::os::raw::{c_char, c_int, c_long, c_void};
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

use foreign_types::{ForeignType, ForeignTypeRef};
use openssl::error::ErrorStack;
use openssl::ssl::{Ssl, SslRef};
use openssl_sys as sys;

use super::tls::{Tls, Transport};
use super::{cvt, cvt_p};

/// The transport of an `SSL` over a stream `S`: the `BIO_METHOD` whose
/// callbacks reach the stream, kept alive as long as the BIO. The stream
/// itself lives in the BIO's data (a boxed [`State`]), where the callbacks
/// find it.
pub(crate) struct StreamTransport<S> {
    /// Kept only to outlive the BIO (freed with the transport, after it).
    _method: BioMethod,
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

// SAFETY: a BIO_METHOD is a table of function pointers, written only while
// `BioMethod::new` builds it and read-only afterwards.
unsafe impl Send for BioMethod {}
// SAFETY: as above.
unsafe impl Sync for BioMethod {}

/// An `SSL` over a stream.
type TlsStream<S> = Tls<StreamTransport<S>>;

impl<S: Read + Write> Tls<StreamTransport<S>> {
    /// Attaches `stream` to `ssl` through a new BIO (`BIO_new`,
    /// `SSL_set_bio`).
    pub(crate) fn over_stream(ssl: Ssl, stream: S) -> Result<TlsStream<S>, ErrorStack> {
        let method = BioMethod::new::<S>()?;
        let state = Box::new(State {
            stream,
            error: None,
            panic: None,
            eof: false,
        });
        // SAFETY: `method` is a valid BIO_METHOD that outlives the BIO (Tls
        // drops the SSL, which frees the BIO, before the transport that owns
        // the method). The BIO takes ownership of `state` (freed by
        // `destroy` or taken back by `into_inner`). SSL_set_bio takes the
        // BIO's one reference for both directions.
        unsafe {
            let bio = cvt_p(sys::BIO_new(method.as_ptr()))?;
            sys::BIO_set_data(bio, Box::into_raw(state) as *mut c_void);
            sys::BIO_set_init(bio, 1);
            sys::SSL_set_bio(ssl.as_ptr(), bio, bio);
        }
        let transport = StreamTransport {
            _method: method,
            _stream: PhantomData,
        };
        Ok(Tls::attached(ssl, transport))
    }

    /// Flushes the stream (`BIO_flush` has nothing of its own to flush).
    pub(crate) fn flush(&mut self) -> io::Result<()> {
        self.state_mut().stream.flush()
    }
}

impl<S> Transport for StreamTransport<S> {
    fn take_error(&mut self, ssl: &SslRef) -> Option<io::Error> {
        // SAFETY: the SSL's rbio is the BIO made in `over_stream`, whose
        // data is our State<S> while the Tls lives; the Tls is borrowed
        // mutably by the caller, so this borrow is unique.
        let state = unsafe { state::<S>(rbio(ssl)) };
        if let Some(payload) = state.panic.take() {
            resume_unwind(payload);
        }
        state.error.take()
    }
}

impl<S> Tls<StreamTransport<S>> {
    /// The stream.
    pub(crate) fn get_ref(&self) -> &S {
        // SAFETY: the BIO's data is our State<S> while `self` lives (set in
        // `over_stream`, cleared only by `into_inner`, which consumes `self`).
        unsafe { &(*(sys::BIO_get_data(rbio(self.ssl())) as *const State<S>)).stream }
    }

    /// The stream, mutably.
    pub(crate) fn get_mut(&mut self) -> &mut S {
        &mut self.state_mut().stream
    }

    /// Detaches the stream and frees the `SSL` (no TLS shutdown).
    pub(crate) fn into_inner(self) -> S {
        let bio = rbio(self.ssl());
        // SAFETY: the data pointer is the Box<State<S>> from `over_stream`;
        // after clearing it, `destroy` (run when the SSL is freed below)
        // frees nothing, so the Box is owned here exactly once.
        let state = unsafe {
            let data = sys::BIO_get_data(bio) as *mut State<S>;
            sys::BIO_set_data(bio, std::ptr::null_mut());
            Box::from_raw(data)
        };
        // Frees the SSL (and the BIO), then the method.
        drop(self.into_transport());
        state.stream
    }

    fn state_mut(&mut self) -> &mut State<S> {
        // SAFETY: as in `get_ref`; `&mut self` makes the borrow unique.
        unsafe { state::<S>(rbio(self.ssl())) }
    }
}

/// `SSL_get_rbio`: the BIO made in `over_stream`.
fn rbio(ssl: &SslRef) -> *mut sys::BIO {
    // SAFETY: the SSL is live; SSL_get_rbio returns its read BIO.
    unsafe { sys::SSL_get_rbio(ssl.as_ptr()) }
}

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
                if retriable(&err) {
                    // SAFETY: OpenSSL calls this on our live BIO.
                    unsafe { sys::BIO_set_retry_write(bio) };
                }
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
