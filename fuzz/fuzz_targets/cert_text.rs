//! The certificate text helpers on arbitrary strings:
//! `pem_cert_to_der_cert` (Python's `ssl.PEM_cert_to_DER_cert`),
//! `der_cert_to_pem_cert` (`ssl.DER_cert_to_PEM_cert`) and
//! `cert_time_to_seconds` (`ssl.cert_time_to_seconds`).
//!
//! Besides "no panic", one property: DER → PEM → DER is the identity for
//! any bytes (as in Python).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = sslwrap::pem_cert_to_der_cert(&text);
    let _ = sslwrap::cert_time_to_seconds(&text);
    let pem = sslwrap::der_cert_to_pem_cert(data);
    let back = sslwrap::pem_cert_to_der_cert(&pem).expect("our own PEM must parse");
    assert_eq!(back, data, "DER -> PEM -> DER changed the bytes");
});
