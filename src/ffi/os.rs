//! The one system call the socket driver makes itself: `poll(2)`, to wait
//! for a socket until a call's deadline (CPython's `PySSL_select`).

use std::io;
use std::os::fd::RawFd;
use std::time::{Duration, Instant};

/// Waits until `fd` is readable (or writable, with `writing`) or `timeout`
/// has passed; `Ok(true)` when it is ready (or in error: the next read or
/// write reports that), `Ok(false)` on timeout. Interrupted waits go on
/// with the time that is left.
pub(crate) fn poll_fd(fd: RawFd, writing: bool, timeout: Duration) -> io::Result<bool> {
    let end = Instant::now() + timeout;
    let events = if writing { libc::POLLOUT } else { libc::POLLIN };
    loop {
        let left = end.saturating_duration_since(Instant::now());
        // Round up, as CPython does (_PyTime_ROUND_CEILING), so a wait never
        // ends before the deadline.
        let ms = left.as_nanos().div_ceil(1_000_000).min(i32::MAX as u128) as i32;
        let mut pfd = libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        // SAFETY: `pfd` is one valid pollfd that outlives the call; poll
        // reads and writes only it.
        let n = unsafe { libc::poll(&mut pfd, 1, ms) };
        match n {
            n if n > 0 => return Ok(true),
            0 => return Ok(false),
            _ => {
                let err = io::Error::last_os_error();
                if err.kind() != io::ErrorKind::Interrupted {
                    return Err(err);
                }
            }
        }
    }
}
