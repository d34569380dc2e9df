//! Tells the crate which OpenSSL it is built against, as `cfg(ossl3x0)` flags.
//!
//! `openssl-sys` (which has `links = "openssl"`) prints `cargo:version_number=<hex>`
//! from its build script; Cargo hands that to the build scripts of crates that
//! depend on it directly as `DEP_OPENSSL_VERSION_NUMBER` (e.g. `30000130` for
//! 3.0.19, `30600030` for 3.6.3). No `links` key is needed on this side. The
//! variable is absent for LibreSSL/BoringSSL/AWS-LC, and then no flag is set.
//! The `openssl` crate's own build.rs does the same for its `ossl*` flags.

use std::env;

/// (flag, lowest OPENSSL_VERSION_NUMBER that sets it): 0xMNN00PP0.
const FLAGS: &[(&str, u64)] = &[
    ("ossl300", 0x3000_0000),
    ("ossl310", 0x3010_0000),
    ("ossl320", 0x3020_0000),
    ("ossl330", 0x3030_0000),
    ("ossl340", 0x3040_0000),
    ("ossl350", 0x3050_0000),
    ("ossl360", 0x3060_0000),
];

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=DEP_OPENSSL_VERSION_NUMBER");
    for (flag, _) in FLAGS {
        println!("cargo:rustc-check-cfg=cfg({flag})");
    }
    let Ok(hex) = env::var("DEP_OPENSSL_VERSION_NUMBER") else {
        return;
    };
    let version = u64::from_str_radix(hex.trim(), 16)
        .unwrap_or_else(|e| panic!("DEP_OPENSSL_VERSION_NUMBER={hex:?} is not hex: {e}"));
    for (flag, min) in FLAGS {
        if version >= *min {
            println!("cargo:rustc-cfg={flag}");
        }
    }
}
