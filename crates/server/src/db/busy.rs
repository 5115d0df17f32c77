//! A busy handler that waits for SQLite's write lock in steps of microseconds, not
//! milliseconds.
//!
//! SQLite admits one writer at a time. A connection that finds the write lock taken calls
//! its busy handler and retries; the default one (`busy_timeout`) sleeps 1, 2, 5, 10, 15, …
//! ms between tries, so under concurrent writes a request that loses the race two or three
//! times waits 8–18 ms for a lock that was free again after ~0.1 ms: that was the write tail.
//! This handler first yields, then sleeps 25 µs growing to at most [`MAX_NAP`], and gives up
//! (`SQLITE_BUSY`) after about [`BUSY_TIMEOUT`] in all, as `busy_timeout` would.
//!
//! Writes without an `Idempotency-Key` are deliberately not funnelled through one in-process
//! FIFO writer instead: they read the event, then write it only if its version is unchanged,
//! so a strict queue makes N racers on one event need N rounds (20 unpinned PATCHes would
//! exhaust their retries), whereas here a racer that just re-read usually wins the next free
//! lock. Keyed writes do queue (`held::WriteTurns`): their read and write share one
//! transaction, so they never lose a race and need no retry.

use std::os::raw::{c_int, c_void};
use std::time::Duration;

use sqlx::SqliteConnection;

/// How long a statement waits for the write lock in all before failing with `SQLITE_BUSY`.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The longest single sleep between tries.
pub const MAX_NAP: Duration = Duration::from_micros(500);

/// Tries that only yield the thread before the first sleep.
const YIELDS: c_int = 4;

/// The pause before try `count` (0-based), or `None` once [`BUSY_TIMEOUT`] is spent.
pub fn nap(count: c_int) -> Option<Duration> {
    if count < YIELDS {
        return Some(Duration::ZERO);
    }
    let k = (count - YIELDS) as u32;
    // 25 µs doubling: 25, 50, 100, 200, 400, then MAX_NAP; the sum of those before `count`.
    let ramp = |i: u32| Duration::from_micros(25u64 << i.min(5)).min(MAX_NAP);
    let ramp_steps = 5u32;
    let spent = if k <= ramp_steps {
        (0..k).map(ramp).sum::<Duration>()
    } else {
        (0..ramp_steps).map(ramp).sum::<Duration>() + MAX_NAP * (k - ramp_steps)
    };
    (spent < BUSY_TIMEOUT).then(|| ramp(k))
}

/// The C callback SQLite calls with how many times it has already called it for this lock.
extern "C" fn on_busy(_: *mut c_void, count: c_int) -> c_int {
    match nap(count) {
        None => 0,
        Some(d) if d.is_zero() => {
            std::thread::yield_now();
            1
        }
        Some(d) => {
            // This runs on the connection's own worker thread, never on an async executor.
            std::thread::sleep(d);
            1
        }
    }
}

/// Replace `conn`'s busy handler (and any `busy_timeout`) with [`on_busy`].
pub async fn install(conn: &mut SqliteConnection) -> sqlx::Result<()> {
    let mut handle = conn.lock_handle().await?;
    // SAFETY: the handle is locked for exclusive use while we hold it, the callback is a plain
    // `extern "C"` fn that touches no shared state and does not call back into SQLite, and a
    // null user pointer is never dereferenced.
    let rc = unsafe {
        libsqlite3_sys::sqlite3_busy_handler(
            handle.as_raw_handle().as_ptr(),
            Some(on_busy),
            std::ptr::null_mut(),
        )
    };
    if rc == libsqlite3_sys::SQLITE_OK {
        Ok(())
    } else {
        Err(sqlx::Error::Protocol(format!(
            "sqlite3_busy_handler failed with code {rc}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn naps_start_tiny_stay_short_and_stop_after_the_timeout() {
        assert_eq!(nap(0), Some(Duration::ZERO));
        assert_eq!(nap(YIELDS), Some(Duration::from_micros(25)));
        assert_eq!(nap(YIELDS + 1), Some(Duration::from_micros(50)));
        assert_eq!(nap(YIELDS + 20), Some(MAX_NAP));
        let mut total = Duration::ZERO;
        let mut count = 0;
        while let Some(d) = nap(count) {
            assert!(d <= MAX_NAP);
            total += d;
            count += 1;
        }
        assert!(
            total >= BUSY_TIMEOUT && total <= BUSY_TIMEOUT + MAX_NAP,
            "{total:?}"
        );
    }
}
