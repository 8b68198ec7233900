//! The timer table: one deadline per [`Timer`], never a clock.
//!
//! The connection arms and disarms deadlines as its state changes;
//! [`Connection::poll_timeout`](crate::Connection::poll_timeout) reports the
//! earliest, and [`Connection::handle_timeout`](crate::Connection::handle_timeout)
//! fires those that are due. Calling it early fires nothing.

use crate::time::Instant;

/// The connection's timers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Timer {
    /// From the first byte of a head to its end: against slowloris.
    HeaderRead,
    /// Between exchanges on a persistent connection (a client uses the
    /// smaller of its own setting and the server's `Keep-Alive: timeout=`).
    Idle,
    /// After shutting down the write side: how long to drain the peer's
    /// bytes before closing (RFC 9112 §9.6).
    Linger,
    /// Client: how long to wait for `100 Continue` before sending the body
    /// anyway (RFC 9110 §10.1.1).
    ExpectContinue,
}

impl Timer {
    /// Every timer, in table order.
    pub const ALL: [Timer; 4] = [
        Timer::HeaderRead,
        Timer::Idle,
        Timer::Linger,
        Timer::ExpectContinue,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

/// Deadlines indexed by [`Timer`].
#[derive(Debug, Clone, Default)]
pub(crate) struct TimerTable {
    deadlines: [Option<Instant>; 4],
}

impl TimerTable {
    pub(crate) fn set(&mut self, t: Timer, at: Option<Instant>) {
        self.deadlines[t.index()] = at;
    }

    pub(crate) fn arm_if_unset(&mut self, t: Timer, at: Instant) {
        if self.deadlines[t.index()].is_none() {
            self.deadlines[t.index()] = Some(at);
        }
    }

    pub(crate) fn get(&self, t: Timer) -> Option<Instant> {
        self.deadlines[t.index()]
    }

    pub(crate) fn clear(&mut self, t: Timer) {
        self.deadlines[t.index()] = None;
    }

    /// The earliest armed deadline.
    pub(crate) fn next(&self) -> Option<Instant> {
        self.deadlines.iter().flatten().min().copied()
    }

    /// Disarm and return the timers due at `now`, in table order.
    pub(crate) fn expire(&mut self, now: Instant) -> impl Iterator<Item = Timer> {
        let mut due = [None; 4];
        for t in Timer::ALL {
            if self.deadlines[t.index()].is_some_and(|d| d <= now) {
                self.deadlines[t.index()] = None;
                due[t.index()] = Some(t);
            }
        }
        due.into_iter().flatten()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn early_call_fires_nothing() {
        let mut t = TimerTable::default();
        t.set(Timer::Idle, Some(Instant::from_millis(100)));
        t.set(Timer::Linger, Some(Instant::from_millis(50)));
        assert_eq!(t.next(), Some(Instant::from_millis(50)));
        assert_eq!(t.expire(Instant::from_millis(10)).count(), 0);
        let due: alloc::vec::Vec<_> = t.expire(Instant::from_millis(60)).collect();
        assert_eq!(due, [Timer::Linger]);
        assert_eq!(t.next(), Some(Instant::from_millis(100)));
    }
}
