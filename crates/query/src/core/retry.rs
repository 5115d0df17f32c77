//! Retry policy: attempts and exponential backoff.

/// An error a query or mutation can fail with; the app says which ones are worth retrying.
///
/// Network errors and 5xx are retryable, 4xx are not.
pub trait QueryError: Clone + std::fmt::Display + 'static {
    /// Whether sending the same request again may succeed.
    fn is_retryable(&self) -> bool;
}

/// How many times to try, and how long to wait in between (exponential backoff).
///
/// ```
/// use eventual_query::RetryPolicy;
/// let p = RetryPolicy { max_attempts: 4, base_ms: 100, factor: 2.0, max_delay_ms: 300 };
/// assert_eq!(p.delay_before(2), Some(100)); // first retry
/// assert_eq!(p.delay_before(3), Some(200));
/// assert_eq!(p.delay_before(4), Some(300)); // capped
/// assert_eq!(p.delay_before(5), None);      // attempts exhausted
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Total tries including the first (1 = never retry).
    pub max_attempts: u32,
    /// Wait before the first retry, in ms.
    pub base_ms: u64,
    /// Multiplier applied to the wait for each further retry.
    pub factor: f64,
    /// Upper bound of a wait, in ms.
    pub max_delay_ms: u64,
}

impl RetryPolicy {
    /// Query default: 3 attempts, 1 s doubling up to 30 s.
    pub const QUERY_DEFAULT: Self = Self {
        max_attempts: 3,
        base_ms: 1_000,
        factor: 2.0,
        max_delay_ms: 30_000,
    };
    /// Mutation default: 2 retries (3 attempts) on retryable errors, 1 s doubling up to 30 s.
    pub const MUTATION_DEFAULT: Self = Self {
        max_attempts: 3,
        base_ms: 1_000,
        factor: 2.0,
        max_delay_ms: 30_000,
    };
    /// Never retry.
    pub const NEVER: Self = Self {
        max_attempts: 1,
        base_ms: 0,
        factor: 1.0,
        max_delay_ms: 0,
    };

    /// The wait before attempt number `attempt` (1-based; the first attempt has no wait),
    /// or `None` if that attempt is beyond the policy.
    pub fn delay_before(&self, attempt: u32) -> Option<u64> {
        if attempt <= 1 {
            return Some(0);
        }
        if attempt > self.max_attempts {
            return None;
        }
        let exp = self.factor.powi(attempt as i32 - 2);
        let raw = self.base_ms as f64 * exp;
        Some((raw.min(self.max_delay_ms as f64)).max(0.0) as u64)
    }

    /// After `attempts_made` attempts failed with `error`: the wait before the next try,
    /// or `None` to give up (error not retryable or attempts exhausted).
    pub fn next_delay<E: QueryError>(&self, attempts_made: u32, error: &E) -> Option<u64> {
        if !error.is_retryable() {
            return None;
        }
        self.delay_before(attempts_made + 1)
    }
}

/// What to do after a failed attempt: the one retry decision for fetches and mutations.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RetryDecision {
    /// Try again after this many ms.
    RetryAfter(u64),
    /// Offline: hold the request until the network is back (uses up no attempt; the count
    /// starts again after the wait).
    WaitForNetwork,
    /// Not retryable, or attempts exhausted: the failure is final.
    GiveUp,
}

impl RetryPolicy {
    /// After `attempts_made` attempts, the last of which failed: retry after a backoff, wait
    /// for the network (a retryable error while `offline`), or give up.
    ///
    /// ```
    /// use eventual_query::{RetryDecision, RetryPolicy};
    /// let p = RetryPolicy { max_attempts: 2, base_ms: 100, factor: 2.0, max_delay_ms: 1_000 };
    /// assert_eq!(p.decide(1, true, false), RetryDecision::RetryAfter(100));
    /// assert_eq!(p.decide(2, true, false), RetryDecision::GiveUp);
    /// assert_eq!(p.decide(2, true, true), RetryDecision::WaitForNetwork);
    /// assert_eq!(p.decide(1, false, true), RetryDecision::GiveUp);
    /// ```
    pub fn decide(&self, attempts_made: u32, retryable: bool, offline: bool) -> RetryDecision {
        if !retryable {
            return RetryDecision::GiveUp;
        }
        if offline {
            return RetryDecision::WaitForNetwork;
        }
        match self.delay_before(attempts_made + 1) {
            Some(delay) => RetryDecision::RetryAfter(delay),
            None => RetryDecision::GiveUp,
        }
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::QUERY_DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug)]
    struct Status(u16);
    impl std::fmt::Display for Status {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "HTTP {}", self.0)
        }
    }
    impl QueryError for Status {
        fn is_retryable(&self) -> bool {
            self.0 == 0 || self.0 >= 500
        }
    }

    #[test]
    fn retries_5xx_never_4xx() {
        let p = RetryPolicy::MUTATION_DEFAULT;
        assert_eq!(p.next_delay(1, &Status(503)), Some(1_000));
        assert_eq!(p.next_delay(2, &Status(0)), Some(2_000));
        assert_eq!(p.next_delay(3, &Status(503)), None);
        assert_eq!(p.next_delay(1, &Status(412)), None);
        assert_eq!(RetryPolicy::NEVER.next_delay(1, &Status(500)), None);
    }

    #[test]
    fn decide_backs_off_waits_offline_and_gives_up() {
        use RetryDecision::*;
        let p = RetryPolicy {
            max_attempts: 3,
            base_ms: 100,
            factor: 2.0,
            max_delay_ms: 150,
        };
        assert_eq!(p.decide(1, true, false), RetryAfter(100));
        assert_eq!(p.decide(2, true, false), RetryAfter(150), "capped");
        assert_eq!(p.decide(3, true, false), GiveUp, "attempts exhausted");
        // Offline is not a failure: even past the last attempt, a retryable error waits.
        assert_eq!(p.decide(3, true, true), WaitForNetwork);
        assert_eq!(p.decide(1, true, true), WaitForNetwork);
        // A 4xx is final online or offline.
        assert_eq!(p.decide(1, false, false), GiveUp);
        assert_eq!(p.decide(1, false, true), GiveUp);
        assert_eq!(RetryPolicy::NEVER.decide(1, true, false), GiveUp);
        assert_eq!(RetryPolicy::NEVER.decide(1, true, true), WaitForNetwork);
    }
}
