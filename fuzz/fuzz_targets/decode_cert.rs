//! `sslwrap::decode_cert` (Python's `ssl._ssl._test_decode_cert`) on a file
//! with arbitrary contents.
//!
//! The first byte picks the file: even, the rest of the input as it is (PEM
//! parsing); odd, the rest as DER wrapped in PEM armour with
//! `der_cert_to_pem_cert`, so that mutations reach the X.509 decoder and
//! sslwrap's conversion of the certificate to Python's dict (subject,
//! issuer, subjectAltName, AIA, CRL distribution points, dates, serial).
#![no_main]

use libfuzzer_sys::fuzz_target;
use sslwrap_fuzz::scratch_file;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let contents = if mode % 2 == 0 {
        rest.to_vec()
    } else {
        sslwrap::der_cert_to_pem_cert(rest).into_bytes()
    };
    let path = scratch_file("cert", &contents);
    if let Ok(cert) = sslwrap::decode_cert(&path) {
        // Everything Python would show of it.
        let _ = cert.python_repr();
        let _ = format!("{cert:?}");
    }
});
