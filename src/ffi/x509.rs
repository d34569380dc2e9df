//! `X509_*`, `GENERAL_NAME_*`, `OBJ_*` and `ASN1_*` calls the `openssl`
//! crate does not expose, for decoding certificates as CPython does.

use std::os::raw::{c_char, c_int};

use foreign_types::{ForeignType, ForeignTypeRef};
use openssl::asn1::{Asn1IntegerRef, Asn1ObjectRef};
use openssl::x509::{GeneralNameRef, X509NameEntryRef, X509NameRef};
use openssl_sys as sys;

use super::MemBio;

extern "C" {
    fn GENERAL_NAME_print(out: *mut sys::BIO, gen: *mut sys::GENERAL_NAME) -> c_int;
    fn i2a_ASN1_INTEGER(bp: *mut sys::BIO, a: *const sys::ASN1_INTEGER) -> c_int;
    fn X509_NAME_ENTRY_set(ne: *const sys::X509_NAME_ENTRY) -> c_int;
}

/// One subjectAltName entry, by `GENERAL_NAME` type, borrowed from the
/// certificate.
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
    /// `GEN_RID`: the OID as `OBJ_obj2txt(no_name = 0)` writes it.
    RegisteredId(String),
    /// `GEN_IPADD`: the raw address bytes (4 or 16, or anything).
    IpAddress(&'a [u8]),
    /// Any other type, as `GENERAL_NAME_print` writes it
    /// (`othername:<unsupported>`, …).
    Printed(String),
}

/// Classifies `name` by its `GENERAL_NAME` type, as CPython's
/// `_get_peer_alt_names` does.
pub(crate) fn general_name(name: &GeneralNameRef) -> GeneralName<'_> {
    let raw = name.as_ptr();
    // SAFETY: `raw` is a live GENERAL_NAME borrowed for the lifetime of
    // `name`; its `type_` tag says which member of the `d` union is valid,
    // and we read only that member. The returned borrows live no longer
    // than `name`.
    unsafe {
        let ty = (*raw).type_;
        let d = (*raw).d;
        match ty {
            sys::GEN_EMAIL => GeneralName::Email(asn1_string_bytes(d as *const sys::ASN1_STRING)),
            sys::GEN_DNS => GeneralName::Dns(asn1_string_bytes(d as *const sys::ASN1_STRING)),
            sys::GEN_URI => GeneralName::Uri(asn1_string_bytes(d as *const sys::ASN1_STRING)),
            sys::GEN_DIRNAME => {
                GeneralName::DirName(X509NameRef::from_ptr(d as *mut sys::X509_NAME))
            }
            sys::GEN_RID => GeneralName::RegisteredId(obj2txt(Asn1ObjectRef::from_ptr(
                d as *mut sys::ASN1_OBJECT,
            ))),
            sys::GEN_IPADD => {
                GeneralName::IpAddress(asn1_string_bytes(d as *const sys::ASN1_STRING))
            }
            _ => GeneralName::Printed(print_general_name(raw)),
        }
    }
}

/// `X509_NAME_ENTRY_set`: the index of the RDN (SET) an entry belongs to,
/// which groups multi-valued RDNs.
pub(crate) fn name_entry_set(entry: &X509NameEntryRef) -> i32 {
    // SAFETY: `entry` is a live X509_NAME_ENTRY; the call only reads it.
    unsafe { X509_NAME_ENTRY_set(entry.as_ptr()) }
}

/// `i2a_ASN1_INTEGER`: upper-case hex in byte pairs (`"0A"`, `"00"` for
/// zero, `-` for negatives), as Python's `serialNumber`.
pub(crate) fn i2a_asn1_integer(n: &Asn1IntegerRef) -> String {
    let Ok(bio) = MemBio::new() else {
        return String::new();
    };
    // SAFETY: both pointers are live for the call; the BIO is written only.
    unsafe { i2a_ASN1_INTEGER(bio.as_ptr(), n.as_ptr()) };
    String::from_utf8_lossy(bio.contents()).into_owned()
}

/// `OBJ_obj2txt(no_name = 0)`: the long name if OpenSSL knows the OID
/// (`"commonName"`), else the dotted form, at any length.
pub(crate) fn obj2txt(obj: &Asn1ObjectRef) -> String {
    let mut buf = vec![0u8; 256];
    loop {
        // SAFETY: `buf` has `buf.len()` writable bytes; OBJ_obj2txt writes at
        // most that many including the NUL and returns the full length the
        // text needs (without the NUL).
        let len = unsafe {
            sys::OBJ_obj2txt(
                buf.as_mut_ptr() as *mut c_char,
                buf.len() as c_int,
                obj.as_ptr(),
                0,
            )
        };
        let Ok(len) = usize::try_from(len) else {
            return String::new();
        };
        if len < buf.len() {
            buf.truncate(len);
            return String::from_utf8_lossy(&buf).into_owned();
        }
        buf = vec![0u8; len + 1];
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
        if data.is_null() || len <= 0 {
            &[]
        } else {
            std::slice::from_raw_parts(data, len as usize)
        }
    }
}

/// `GENERAL_NAME_print` into a string, first line only (CPython's
/// `BIO_gets`).
///
/// # Safety
///
/// `raw` must be a live GENERAL_NAME.
unsafe fn print_general_name(raw: *mut sys::GENERAL_NAME) -> String {
    let Ok(bio) = MemBio::new() else {
        return String::new();
    };
    // SAFETY: per the contract `raw` is live; the BIO is ours.
    unsafe { GENERAL_NAME_print(bio.as_ptr(), raw) };
    let text = String::from_utf8_lossy(bio.contents()).into_owned();
    match text.find('\n') {
        Some(i) => text[..=i].to_owned(),
        None => text,
    }
}
