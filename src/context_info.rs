//! What an [`SslContext`](crate::SslContext) reports about itself: the
//! [`CipherInfo`] entries of `get_ciphers()` and the [`SessionStats`] of
//! `session_stats()`, each shaped like the dict Python returns, and the
//! key-exchange groups a context offers (read from the ClientHello it
//! would send).

use std::io::{self, Read, Write};

use openssl::error::ErrorStack;
use openssl::nid::Nid;
use openssl::ssl::{HandshakeError, Ssl, SslCipherRef, SslContextRef, SslRef};

use crate::error::{lib_reason, SslError};
use crate::ffi;

/// One cipher of [`SslContext::get_ciphers`](crate::SslContext::get_ciphers),
/// with the keys of the dict Python gives.
///
/// Python: an item of `SSLContext.get_ciphers()`. OpenSSL: CPython's
/// `cipher_to_dict`: `SSL_CIPHER_get_id`, `SSL_CIPHER_get_name`,
/// `SSL_CIPHER_get_version`, `SSL_CIPHER_description`,
/// `SSL_CIPHER_get_bits`, `SSL_CIPHER_is_aead`, and `OBJ_nid2ln` of
/// `SSL_CIPHER_get_cipher_nid`/`_digest_nid`/`_kx_nid`/`_auth_nid`.
///
/// A `None` is Python's `None` (OpenSSL has no NID for that part, e.g. no
/// separate digest for an AEAD cipher).
#[allow(clippy::exhaustive_structs)] // Python's dict has exactly these keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CipherInfo {
    /// `'id'`: OpenSSL's cipher ID (`0x03000000` plus the IANA number),
    /// e.g. `50336514` for `TLS_AES_256_GCM_SHA384`.
    pub id: u64,
    /// `'name'`: OpenSSL's name, e.g. `"ECDHE-RSA-AES256-GCM-SHA384"`
    /// (TLS 1.3 suites have their IANA names).
    pub name: String,
    /// `'protocol'`: the version that introduced it, e.g. `"TLSv1.2"`.
    pub protocol: String,
    /// `'description'`: OpenSSL's one-line description, without the
    /// newline.
    pub description: String,
    /// `'strength_bits'`: the secret bits.
    pub strength_bits: i32,
    /// `'alg_bits'`: the bits the algorithm uses.
    pub alg_bits: i32,
    /// `'aead'`: an AEAD cipher (GCM, CCM, ChaCha20-Poly1305).
    pub aead: bool,
    /// `'symmetric'`: the cipher's long name, e.g. `"aes-256-gcm"`.
    pub symmetric: Option<String>,
    /// `'digest'`: the MAC digest's long name (`None` for AEAD ciphers).
    pub digest: Option<String>,
    /// `'kea'`: the key exchange, e.g. `"kx-ecdhe"`, `"kx-any"` (TLS 1.3).
    pub kea: Option<String>,
    /// `'auth'`: the authentication, e.g. `"auth-rsa"`, `"auth-any"`.
    pub auth: Option<String>,
}

impl CipherInfo {
    /// CPython's `cipher_to_dict` for `cipher`.
    pub(crate) fn from_cipher(cipher: &SslCipherRef) -> CipherInfo {
        let details = ffi::cipher_details(cipher);
        let bits = cipher.bits();
        CipherInfo {
            id: details.id,
            name: cipher.name().to_owned(),
            protocol: cipher.version().to_owned(),
            description: details.description,
            strength_bits: bits.secret,
            alg_bits: bits.algorithm,
            aead: details.aead,
            symmetric: cipher.cipher_nid().and_then(long_name),
            digest: nonzero(details.digest_nid).and_then(long_name),
            kea: nonzero(details.kx_nid).and_then(long_name),
            auth: nonzero(details.auth_nid).and_then(long_name),
        }
    }

    /// The ciphers of a built context, in OpenSSL's order.
    pub(crate) fn list(ctx: &SslContextRef) -> Vec<CipherInfo> {
        ffi::ctx_ciphers(ctx)
            .into_iter()
            .map(CipherInfo::from_cipher)
            .collect()
    }
}

/// `OBJ_nid2ln`, `None` where OpenSSL has no name (Python's `None`).
fn long_name(nid: Nid) -> Option<String> {
    nid.long_name().ok().map(str::to_owned)
}

fn nonzero(nid: i32) -> Option<Nid> {
    (nid != 0).then(|| Nid::from_raw(nid))
}

/// The session counters of [`SslContext::session_stats`](crate::SslContext::session_stats),
/// with the keys of the dict Python gives.
///
/// Python: `SSLContext.session_stats()`. OpenSSL: the `SSL_CTX_sess_*`
/// macros (`SSL_CTX_sess_number`, `SSL_CTX_sess_connect`, …).
#[allow(clippy::exhaustive_structs)] // Python's dict has exactly these keys.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct SessionStats {
    /// `'number'`: sessions in the server-side session cache
    /// (`SSL_CTX_sess_number`).
    pub number: i64,
    /// `'connect'`: client handshakes started (`SSL_CTX_sess_connect`).
    pub connect: i64,
    /// `'connect_good'`: client handshakes completed.
    pub connect_good: i64,
    /// `'connect_renegotiate'`: client renegotiations started.
    pub connect_renegotiate: i64,
    /// `'accept'`: server handshakes started (`SSL_CTX_sess_accept`).
    pub accept: i64,
    /// `'accept_good'`: server handshakes completed.
    pub accept_good: i64,
    /// `'accept_renegotiate'`: server renegotiations started.
    pub accept_renegotiate: i64,
    /// `'hits'`: sessions resumed (`SSL_CTX_sess_hits`).
    pub hits: i64,
    /// `'misses'`: sessions a client proposed that the server's cache did
    /// not have (`SSL_CTX_sess_misses`).
    pub misses: i64,
    /// `'timeouts'`: proposed sessions that had expired.
    pub timeouts: i64,
    /// `'cache_full'`: sessions dropped because the cache was full.
    pub cache_full: i64,
}

impl SessionStats {
    /// The counters of a built context.
    pub(crate) fn of(ctx: &SslContextRef) -> SessionStats {
        let [number, connect, connect_good, connect_renegotiate, accept, accept_good, accept_renegotiate, hits, misses, timeouts, cache_full] =
            ffi::ctx_sess_counters(ctx);
        SessionStats {
            number,
            connect,
            connect_good,
            connect_renegotiate,
            accept,
            accept_good,
            accept_renegotiate,
            hits,
            misses,
            timeouts,
            cache_full,
        }
    }
}

/// The groups a client made from `ctx` offers: the `supported_groups` of
/// the ClientHello it writes into memory (nothing is sent anywhere).
pub(crate) fn groups_offered_by(ctx: &SslContextRef) -> Result<Vec<String>, SslError> {
    let ssl = Ssl::new(ctx)?;
    let mid = match ssl.connect(Capture::default()) {
        Err(HandshakeError::WouldBlock(mid)) => mid,
        Err(HandshakeError::SetupFailure(stack)) => return Err(stack.into()),
        Err(HandshakeError::Failure(mid)) => {
            let stack = mid.into_error().ssl_error().cloned();
            let stack = stack.unwrap_or_else(ErrorStack::get);
            // SSL_R_NO_SUITABLE_GROUPS: none of the groups fits the
            // versions and security level, so connections offer none.
            if stack.errors().iter().any(|e| lib_reason(e) == (20, 295)) {
                return Ok(Vec::new());
            }
            return Err(SslError::from_stack(stack, None));
        }
        Ok(_) => return Err(SslError::ssl_text("unexpected handshake result")),
    };
    offered_groups(mid.ssl(), &mid.get_ref().0)
        .ok_or_else(|| SslError::ssl_text("unexpected ClientHello"))
}

/// A stream that keeps what is written and has nothing to read.
#[derive(Default)]
struct Capture(Vec<u8>);

impl Read for Capture {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::ErrorKind::WouldBlock.into())
    }
}

impl Write for Capture {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.0.extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The TLS names of the groups in the `supported_groups` extension of the
/// ClientHello `hello` (the bytes a client wrote: TLS records), named
/// through `ssl` (`SSL_group_to_name`); IDs OpenSSL has no name for are
/// given as `0xNNNN`. `None` when `hello` is not a ClientHello.
fn offered_groups(ssl: &SslRef, hello: &[u8]) -> Option<Vec<String>> {
    // Join the handshake records' fragments.
    let mut handshake = Vec::new();
    let mut records = hello;
    while records.len() >= 5 {
        let len = usize::from(u16::from_be_bytes([records[3], records[4]]));
        let fragment = records.get(5..5 + len)?;
        if records[0] == 22 {
            handshake.extend_from_slice(fragment);
        }
        records = &records[5 + len..];
    }
    let mut r = Reader(&handshake);
    if r.u8()? != 1 {
        return None; // not a ClientHello
    }
    let n = r.u24()?;
    let mut body = Reader(r.bytes(n)?);
    body.bytes(2 + 32)?; // legacy_version, random
    let n = usize::from(body.u8()?);
    body.bytes(n)?; // legacy_session_id
    let n = body.u16()?;
    body.bytes(n)?; // cipher_suites
    let n = usize::from(body.u8()?);
    body.bytes(n)?; // legacy_compression_methods
    let n = body.u16()?;
    let mut extensions = Reader(body.bytes(n)?);
    while !extensions.0.is_empty() {
        let kind = extensions.u16()?;
        let n = extensions.u16()?;
        let data = extensions.bytes(n)?;
        if kind == 10 {
            // supported_groups: a u16-length list of u16 group IDs.
            let mut list = Reader(data);
            let n = list.u16()?;
            let ids = list.bytes(n)?;
            let names = ids
                .chunks_exact(2)
                .map(|id| u16::from_be_bytes([id[0], id[1]]))
                .map(|id| ffi::ssl_group_to_name(ssl, id).unwrap_or_else(|| format!("{id:#06x}")))
                .collect();
            return Some(names);
        }
    }
    Some(Vec::new())
}

/// A cursor over big-endian TLS fields.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn bytes(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.0.len() < n {
            return None;
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Some(head)
    }

    fn u8(&mut self) -> Option<u8> {
        self.bytes(1).map(|b| b[0])
    }

    fn u16(&mut self) -> Option<usize> {
        self.bytes(2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
    }

    fn u24(&mut self) -> Option<usize> {
        self.bytes(3)
            .map(|b| (usize::from(b[0]) << 16) | (usize::from(b[1]) << 8) | usize::from(b[2]))
    }
}
