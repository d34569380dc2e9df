//! One `SslContext` shared by many threads that handshake while another
//! thread changes it.
//!
//! `SslContext`'s setters take `&mut self` and its wrapping methods `&self`
//! (`src/context.rs`, "Design: settings, then an immutable OpenSSL context
//! per generation"): a setter drops the cached OpenSSL context and never
//! writes one already handed out; a wrap builds the current generation
//! once (a `OnceLock`) and every connection holds that `SSL_CTX` by
//! reference count. So sharing needs one of the two ordinary Rust shapes,
//! and both are exercised here under a bounded stress loop:
//!
//! * `RwLock<SslContext>`: handshakers take the read lock only to wrap,
//!   then handshake without it; the changer takes the write lock for
//!   `load_cert_chain`, `set_ciphers`, `load_verify_locations`;
//! * `Arc` snapshots: the changer builds a new context and swaps the `Arc`
//!   in a `Mutex`; handshakers clone the `Arc` and wrap from it.
//!
//! Every handshake must succeed with the settings of some generation, and
//! connections made from an old generation keep working after it was
//! replaced. The rounds are bounded by count and by time
//! (`SSLWRAP_STRESS_ROUNDS`, default 250 per thread, to shorten the run under
//! valgrind's helgrind in `.ci/reliability`).

mod common;

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Barrier, Mutex, RwLock};
use std::thread;
use std::time::{Duration, Instant};

use common::certdata;
use common::memory::{handshake, send, wrap};
use sslwrap::{CaData, SslContext, SslObject, WrapOptions};

const HANDSHAKERS: usize = 4;
/// The whole stress loop stops after this, whatever the rounds.
const TIME_BOUND: Duration = Duration::from_secs(20);

fn rounds() -> usize {
    std::env::var("SSLWRAP_STRESS_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(250)
}

/// Server settings of generation `g`: alternately CPython's RSA
/// (keycert3.pem, localhost) and ECDSA (keycertecc.pem, localhost-ecc)
/// certificates, loaded on top of each other, and two cipher strings.
fn change_server(ctx: &mut SslContext, g: usize) {
    let file = if g % 2 == 0 {
        "keycert3.pem"
    } else {
        "keycertecc.pem"
    };
    ctx.load_cert_chain(&certdata(file), None, None).unwrap();
    let ciphers = if g % 3 == 0 {
        "ECDHE+AESGCM"
    } else {
        "ECDHE+AESGCM:ECDHE+CHACHA20"
    };
    ctx.set_ciphers(ciphers).unwrap();
    // The same CA again (a duplicate, ignored as by Python), then as DER.
    ctx.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
        .unwrap();
}

/// Client settings of generation `g`.
fn change_client(ctx: &mut SslContext, g: usize) {
    let text = std::fs::read_to_string(certdata("pycacert.pem")).unwrap();
    // The file has OpenSSL's text dump before the PEM block.
    let pem = &text[text.find("-----BEGIN").unwrap()..];
    let der = sslwrap::pem_cert_to_der_cert(pem).unwrap();
    if g % 2 == 0 {
        ctx.load_verify_locations(None, None, Some(CaData::Der(&der)))
            .unwrap();
    } else {
        ctx.load_verify_locations(Some(&certdata("pycacert.pem")), None, None)
            .unwrap();
    }
    let ciphers = if g % 3 == 0 {
        "ECDHE+AESGCM:ECDHE+CHACHA20"
    } else {
        "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES"
    };
    ctx.set_ciphers(ciphers).unwrap();
}

fn server() -> SslContext {
    let mut s = SslContext::new(sslwrap::PROTOCOL_TLS_SERVER).unwrap();
    change_server(&mut s, 0);
    s
}

fn client() -> SslContext {
    let mut c = SslContext::new(sslwrap::PROTOCOL_TLS_CLIENT).unwrap();
    change_client(&mut c, 0);
    // Either server certificate's name: the check is not what is tested.
    c.set_check_hostname(false).unwrap();
    c
}

/// Handshakes a pair wrapped from the two contexts, then exchanges data.
fn talk(mut c: SslObject, mut s: SslObject) -> (SslObject, SslObject) {
    handshake(&mut c, &mut s).unwrap_or_else(|(side, e)| panic!("{side:?}: {e}"));
    assert_eq!(send(&mut c, &mut s, b"ping"), b"ping");
    (c, s)
}

/// Runs `HANDSHAKERS` threads of `work` beside one `change` thread, all
/// released together; both stop at their round count or [`TIME_BOUND`].
fn stress(
    work: impl Fn(usize) + Send + Sync + 'static,
    change: impl Fn(usize) + Send + 'static,
) -> (usize, usize) {
    let work = Arc::new(work);
    let start = Arc::new(Barrier::new(HANDSHAKERS + 1));
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicUsize::new(0));
    let t0 = Instant::now();
    let handshakers: Vec<_> = (0..HANDSHAKERS)
        .map(|_| {
            let (work, start, stop, done) =
                (work.clone(), start.clone(), stop.clone(), done.clone());
            thread::spawn(move || {
                start.wait();
                for i in 0..rounds() {
                    if stop.load(Ordering::Relaxed) || t0.elapsed() > TIME_BOUND {
                        break;
                    }
                    work(i);
                    done.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let changer = {
        let (start, stop) = (start.clone(), stop.clone());
        thread::spawn(move || {
            start.wait();
            let mut g = 1;
            while !stop.load(Ordering::Relaxed) && t0.elapsed() < TIME_BOUND {
                change(g);
                g += 1;
                thread::yield_now();
            }
            g - 1
        })
    };
    for h in handshakers {
        h.join().expect("a handshaking thread panicked");
    }
    stop.store(true, Ordering::Relaxed);
    let generations = changer.join().expect("the changing thread panicked");
    (done.load(Ordering::Relaxed), generations)
}

thread_local! {
    /// Connections from early generations, kept by each handshaking thread
    /// to be used again after many changes (thread-local, so that no lock
    /// beyond the context's own is involved).
    static KEPT: RefCell<Vec<(SslObject, SslObject)>> = const { RefCell::new(Vec::new()) };
}

#[test]
fn rwlock_shared_context_changed_while_threads_handshake() {
    let sc = Arc::new(RwLock::new(server()));
    let cc = Arc::new(RwLock::new(client()));
    let (sc2, cc2) = (sc.clone(), cc.clone());
    let last = rounds() - 1;
    let (handshakes, generations) = stress(
        move |i| {
            // The locks are held only to wrap; the handshake runs without.
            let c = wrap(&cc2.read().unwrap(), WrapOptions::default());
            let s = wrap(
                &sc2.read().unwrap(),
                WrapOptions::default().server_side(true),
            );
            let pair = talk(c, s);
            KEPT.with_borrow_mut(|kept| {
                if i < 2 {
                    kept.push(pair);
                }
                if i == last {
                    // Connections made many generations ago still work.
                    for (mut c, mut s) in kept.drain(..) {
                        assert_eq!(send(&mut s, &mut c, b"still here"), b"still here");
                    }
                }
            });
        },
        move |g| {
            change_server(&mut sc.write().unwrap(), g);
            change_client(&mut cc.write().unwrap(), g);
        },
    );
    println!("{handshakes} handshakes across {generations} generations");
    assert!(handshakes >= HANDSHAKERS, "{handshakes}");
    assert!(generations >= 1, "the context never changed");
}

#[test]
fn arc_snapshots_swapped_while_threads_handshake() {
    let current: Arc<Mutex<(Arc<SslContext>, Arc<SslContext>)>> =
        Arc::new(Mutex::new((Arc::new(server()), Arc::new(client()))));
    let current2 = current.clone();
    let (handshakes, generations) = stress(
        move |_| {
            // Take the snapshots; the lock is released at once.
            let (sc, cc) = current2.lock().unwrap().clone();
            let c = wrap(&cc, WrapOptions::default());
            let s = wrap(&sc, WrapOptions::default().server_side(true));
            talk(c, s);
        },
        move |g| {
            // Build the next generation outside the lock, then swap.
            let mut s = server();
            change_server(&mut s, g);
            let mut c = client();
            change_client(&mut c, g);
            *current.lock().unwrap() = (Arc::new(s), Arc::new(c));
        },
    );
    println!("{handshakes} handshakes across {generations} generations");
    assert!(handshakes >= HANDSHAKERS);
}

#[test]
fn first_wrap_after_a_change_from_many_threads_at_once() {
    // The OpenSSL context of a generation is built lazily by the first
    // wrap; many threads racing to be first must all get a working one.
    let mut sc = server();
    let cc = Arc::new(client());
    for g in 0..rounds().min(20) {
        change_server(&mut sc, g);
        let shared = Arc::new(sc);
        let gate = Arc::new(Barrier::new(HANDSHAKERS));
        let threads: Vec<_> = (0..HANDSHAKERS)
            .map(|_| {
                let (shared, cc, gate) = (shared.clone(), cc.clone(), gate.clone());
                thread::spawn(move || {
                    gate.wait();
                    let s = wrap(&shared, WrapOptions::default().server_side(true));
                    talk(wrap(&cc, WrapOptions::default()), s);
                })
            })
            .collect();
        for t in threads {
            t.join().expect("a racing wrap failed");
        }
        sc = Arc::into_inner(shared).expect("all threads are done");
    }
}
