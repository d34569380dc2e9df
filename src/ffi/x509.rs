//! `X509_*`, `GENERAL_NAME_*`, `OBJ_*`, `ASN1_*` and PEM-file calls the
//! `openssl` crate does not expose (or does not expose with CPython's
//! semantics), for decoding certificates as CPython's `_ssl.c` does.
//!
//! Printing functions return the raw bytes OpenSSL wrote; the caller applies
//! CPython's `BIO_gets` and UTF-8 rules to them.

use std::ffi::CStr;
use std::os::raw::{c_char, c_int};

use foreign_types::{ForeignType, ForeignTypeRef};
use openssl::asn1::{Asn1IntegerRef, Asn1ObjectRef, Asn1StringRef, Asn1TimeRef};
use openssl::error::ErrorStack;
use openssl::x509::{GeneralNameRef, X509NameEntryRef, X509NameRef, X509Ref, X509};
use openssl_sys as sys;

use super::MemBio;

extern "C" {
    fn BIO_new_file(filename: *const c_char, mode: *const c_char) -> *mut sys::BIO;
    fn GENERAL_NAME_print(out: *mut sys::BIO, gen: *mut sys::GENERAL_NAME) -> c_int;
    fn i2a_ASN1_INTEGER(bp: *mut sys::BIO, a: *const sys::ASN1_INTEGER) -> c_int;
    fn X509_NAME_ENTRY_set(ne: *const sys::X509_NAME_ENTRY) -> c_int;
}

/// `ASN1_STRING_to_UTF8`: the string converted to UTF-8 by OpenSSL, as raw
/// bytes (OpenSSL does not promise valid UTF-8; CPython decodes strictly).
///
/// Fails with the error queue as the call left it, which is empty when
/// OpenSSL refuses the string type without saying why (CPython then raises
/// `SSLError('unknown error')`).
pub(crate) fn asn1_string_to_utf8(s: &Asn1StringRef) -> Result<Vec<u8>, ErrorStack> {
    // Leave on the queue only what this call pushes.
    drop(ErrorStack::get());
    let mut out: *mut u8 = std::ptr::null_mut();
    // SAFETY: `s` is a live ASN1_STRING; on success OpenSSL stores a fresh
    // OPENSSL_malloc'd buffer of `len` bytes in `out`, which we copy and free
    // exactly once.
    unsafe {
        let len = sys::ASN1_STRING_to_UTF8(&mut out, s.as_ptr());
        let Ok(len) = usize::try_from(len) else {
            return Err(ErrorStack::get());
        };
        if out.is_null() {
            return Ok(Vec::new());
        }
        let bytes = std::slice::from_raw_parts(out, len).to_vec();
        sys::OPENSSL_free(out.cast());
        Ok(bytes)
    }
}

/// `ASN1_TIME_print`: what OpenSSL writes for `t`, e.g.
/// `Jan  5 09:34:43 2018 GMT`, or `Bad time value` for a malformed time
/// (the return code is ignored, as CPython ignores it).
pub(crate) fn asn1_time_print(t: &Asn1TimeRef) -> Vec<u8> {
    let Ok(bio) = MemBio::new() else {
        return Vec::new();
    };
    // SAFETY: both pointers are live for the call; the BIO is only written.
    unsafe { sys::ASN1_TIME_print(bio.as_ptr(), t.as_ptr()) };
    bio.contents().to_vec()
}

/// One `GENERAL_NAME`, by the type CPython's `_get_peer_alt_names`
/// distinguishes, borrowed from the certificate.
#[derive(Debug)]
pub(crate) enum GeneralName<'a> {
    /// `GEN_EMAIL`: the raw IA5String bytes.
    Email(&'a [u8]),
    /// `GEN_DNS`: the raw IA5String bytes.
    Dns(&'a [u8]),
    /// `GEN_URI`: the raw IA5String bytes.
    Uri(&'a [u8]),
    /// `GEN_DIRNAME`.
    DirName(&'a X509NameRef),
    /// `GEN_RID`: the registered OID.
    RegisteredId(&'a Asn1ObjectRef),
    /// `GEN_IPADD`: the raw address bytes (4 or 16, or any other length).
    IpAddress(&'a [u8]),
    /// `GEN_OTHERNAME`, `GEN_X400`, `GEN_EDIPARTY` (and any type OpenSSL
    /// may add): CPython prints these with [`general_name_print`].
    Other,
}

/// Classifies `name` by its `GENERAL_NAME` type (`name->type`), as CPython's
/// `_get_peer_alt_names` switches on it.
pub(crate) fn general_name(name: &GeneralNameRef) -> GeneralName<'_> {
    if let Some(dir) = name.directory_name() {
        return GeneralName::DirName(dir);
    }
    if let Some(ip) = name.ipaddress() {
        return GeneralName::IpAddress(ip);
    }
    let raw = name.as_ptr();
    // SAFETY: `raw` is a live GENERAL_NAME borrowed for the lifetime of
    // `name`; its `type_` tag says which member of the `d` union is valid
    // (an ASN1_IA5STRING for EMAIL/DNS/URI, an ASN1_OBJECT for RID), and we
    // read only that member. The returned borrows live no longer than
    // `name`.
    unsafe {
        let d = (*raw).d;
        match (*raw).type_ {
            sys::GEN_EMAIL => GeneralName::Email(asn1_string_bytes(d as *const _)),
            sys::GEN_DNS => GeneralName::Dns(asn1_string_bytes(d as *const _)),
            sys::GEN_URI => GeneralName::Uri(asn1_string_bytes(d as *const _)),
            sys::GEN_RID if !d.is_null() => {
                GeneralName::RegisteredId(Asn1ObjectRef::from_ptr(d.cast()))
            }
            _ => GeneralName::Other,
        }
    }
}

/// The data of an ASN1_STRING, borrowed.
///
/// # Safety
///
/// `s` must be null or a live ASN1_STRING that outlives `'a`.
unsafe fn asn1_string_bytes<'a>(s: *const sys::ASN1_STRING) -> &'a [u8] {
    if s.is_null() {
        return &[];
    }
    // SAFETY: per the contract, `s` is live; data/length describe its bytes.
    unsafe {
        let data = sys::ASN1_STRING_get0_data(s);
        let len = sys::ASN1_STRING_length(s);
        match usize::try_from(len) {
            Ok(len) if !data.is_null() && len > 0 => std::slice::from_raw_parts(data, len),
            _ => &[],
        }
    }
}

/// `GENERAL_NAME_print`: what OpenSSL writes for `name`, e.g.
/// `othername:<unsupported>`.
pub(crate) fn general_name_print(name: &GeneralNameRef) -> Vec<u8> {
    let Ok(bio) = MemBio::new() else {
        return Vec::new();
    };
    // SAFETY: `name` is a live GENERAL_NAME (OpenSSL's prototype lacks
    // `const` but only reads it); the BIO is ours and only written.
    unsafe { GENERAL_NAME_print(bio.as_ptr(), name.as_ptr()) };
    bio.contents().to_vec()
}

/// `i2a_ASN1_INTEGER`: upper-case hex in byte pairs (`"0A"`, `"00"` for
/// zero, a leading `-` for negatives, a `\` line break every 35 bytes).
pub(crate) fn i2a_asn1_integer(n: &Asn1IntegerRef) -> Vec<u8> {
    let Ok(bio) = MemBio::new() else {
        return Vec::new();
    };
    // SAFETY: both pointers are live for the call; the BIO is only written.
    unsafe { i2a_ASN1_INTEGER(bio.as_ptr(), n.as_ptr()) };
    bio.contents().to_vec()
}

/// `OBJ_obj2txt(buf, buf.len(), obj, no_name = 0)`: writes the long name if
/// OpenSSL knows the OID (`"commonName"`), else the dotted form, truncated
/// and NUL-terminated as OpenSSL truncates it, into `buf`; returns the full
/// length of the text (which may exceed `buf.len() - 1`).
pub(crate) fn obj2txt_into(obj: &Asn1ObjectRef, buf: &mut [u8]) -> Result<usize, ErrorStack> {
    let size = c_int::try_from(buf.len()).map_err(|_| ErrorStack::get())?;
    // SAFETY: `buf` has `size` writable bytes; OBJ_obj2txt writes at most
    // that many including the NUL and returns the full length the text needs
    // (without the NUL), or -1.
    let len = unsafe { sys::OBJ_obj2txt(buf.as_mut_ptr().cast(), size, obj.as_ptr(), 0) };
    usize::try_from(len).map_err(|_| ErrorStack::get())
}

/// How reading the first certificate of a PEM file went.
#[derive(Debug)]
pub(crate) enum PemFile {
    /// The file could not be opened (`BIO_new_file` failed).
    CantOpen,
    /// No certificate could be read from it (`PEM_read_bio_X509` failed).
    NoCert,
    /// The first certificate.
    Cert(X509),
}

/// `BIO_new_file(path, "r")` and `PEM_read_bio_X509`, as CPython's
/// `_test_decode_cert` reads (through `BIO_read_filename`): `fopen` and
/// OpenSSL's line reader on the file itself, so a directory opens and then
/// fails to decode, as in Python.
pub(crate) fn pem_read_x509_file(path: &CStr) -> PemFile {
    // SAFETY: `path` and the mode are NUL-terminated strings that outlive the
    // call; a non-null result is an owned BIO that we free below.
    let bio = unsafe { BIO_new_file(path.as_ptr(), c"r".as_ptr()) };
    if bio.is_null() {
        drop(ErrorStack::get());
        return PemFile::CantOpen;
    }
    // SAFETY: `bio` is live; with no callback and no user data OpenSSL does
    // not prompt for a password; a non-null result is an owned X509.
    let cert =
        unsafe { sys::PEM_read_bio_X509(bio, std::ptr::null_mut(), None, std::ptr::null_mut()) };
    // SAFETY: `bio` came from BIO_new_file and is freed exactly once.
    unsafe { sys::BIO_free_all(bio) };
    drop(ErrorStack::get());
    if cert.is_null() {
        PemFile::NoCert
    } else {
        // SAFETY: `cert` is a fresh, owned, non-null X509.
        PemFile::Cert(unsafe { X509::from_ptr(cert) })
    }
}

/// `X509_get_version`: the version field as stored (0 for v1), `-1` when it
/// does not fit a C `long`, at full width (the `openssl` crate's
/// `X509Ref::version` narrows it to `i32`).
pub(crate) fn x509_get_version(cert: &X509Ref) -> i64 {
    // SAFETY: `cert` is live; the call only reads it.
    let version = unsafe { sys::X509_get_version(cert.as_ptr()) };
    #[allow(clippy::useless_conversion)] // `long` is 32 bits on some targets.
    i64::from(version)
}

/// `X509_NAME_ENTRY_set`: the index of the RDN (SET) an entry belongs to,
/// which groups multi-valued RDNs.
pub(crate) fn x509_name_entry_set(entry: &X509NameEntryRef) -> i32 {
    // SAFETY: `entry` is a live X509_NAME_ENTRY; the call only reads it.
    unsafe { X509_NAME_ENTRY_set(entry.as_ptr()) }
}
