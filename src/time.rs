//! Time as a value: the machine never reads a clock.
//!
//! [`Instant`] is a [`Duration`] since an epoch the driver chooses. Any clock
//! maps onto it:
//!
//! ```
//! use core::time::Duration;
//! use h1conn::Instant;
//! // An embedded tick counter (embassy's `Instant::as_micros()`, say):
//! let ticks_us: u64 = 1_500_000;
//! let now = Instant::from_micros(ticks_us);
//! assert_eq!(now.since_epoch(), Duration::from_millis(1500));
//! ```
//!
//! With the `std` feature, [`Instant::from_std`] maps `std::time::Instant`
//! through a base the driver keeps:
//!
//! ```
//! # #[cfg(feature = "std")] {
//! let base = std::time::Instant::now();
//! let now = h1conn::Instant::from_std(base, std::time::Instant::now());
//! assert!(now >= h1conn::Instant::ZERO);
//! # }
//! ```

use core::ops::{Add, Sub};
use core::time::Duration;

/// A point in time: a [`Duration`] since the driver's epoch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(Duration);

impl Instant {
    /// The epoch.
    pub const ZERO: Instant = Instant(Duration::ZERO);

    /// The instant `since_epoch` after the epoch.
    pub const fn from_duration(since_epoch: Duration) -> Instant {
        Instant(since_epoch)
    }

    /// The instant `ms` milliseconds after the epoch.
    pub const fn from_millis(ms: u64) -> Instant {
        Instant(Duration::from_millis(ms))
    }

    /// The instant `us` microseconds after the epoch.
    pub const fn from_micros(us: u64) -> Instant {
        Instant(Duration::from_micros(us))
    }

    /// How long after the epoch this instant is.
    pub const fn since_epoch(self) -> Duration {
        self.0
    }

    /// `self + d`, or `None` on overflow.
    pub fn checked_add(self, d: Duration) -> Option<Instant> {
        self.0.checked_add(d).map(Instant)
    }

    /// `self + d`, saturating at the largest representable instant.
    pub fn saturating_add(self, d: Duration) -> Instant {
        Instant(self.0.saturating_add(d))
    }

    /// How long after `earlier` this instant is; zero if it is not later.
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        self.0.saturating_sub(earlier.0)
    }

    /// Map a `std::time::Instant` onto this type, counting from `base`.
    /// Instants before `base` map to [`Instant::ZERO`].
    #[cfg(feature = "std")]
    pub fn from_std(base: std::time::Instant, now: std::time::Instant) -> Instant {
        Instant(now.saturating_duration_since(base))
    }

    /// Map this instant back onto `std::time::Instant`, counting from `base`.
    #[cfg(feature = "std")]
    pub fn to_std(self, base: std::time::Instant) -> std::time::Instant {
        base.checked_add(self.0).unwrap_or(base)
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;
    /// Saturating: time in this crate never wraps.
    fn add(self, d: Duration) -> Instant {
        self.saturating_add(d)
    }
}

impl Sub<Instant> for Instant {
    type Output = Duration;
    /// Saturating: an earlier minus a later instant is zero.
    fn sub(self, earlier: Instant) -> Duration {
        self.saturating_duration_since(earlier)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic_saturates() {
        let a = Instant::from_millis(10);
        let b = Instant::from_millis(25);
        assert_eq!(b - a, Duration::from_millis(15));
        assert_eq!(a - b, Duration::ZERO);
        assert_eq!(a + Duration::from_millis(15), b);
        let max = Instant::from_duration(Duration::MAX);
        assert_eq!(max.checked_add(Duration::from_secs(1)), None);
        assert_eq!(max + Duration::from_secs(1), max);
        assert!(a < b);
    }
}
