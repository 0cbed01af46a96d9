//! Request limits beyond the body size and the time limit (see `api`): boxes per submission and requests per
//! minute, a token bucket per worker id and per client IP address.

use std::collections::HashMap;
use std::sync::Mutex;

use crowdbox_core::validate::FieldError;
use crowdbox_core::wire::Submission;

use crate::error::ApiError;

/// The most boxes one submission may hold. A volunteer who draws more than this on one image is far outside
/// what a person boxes by hand; the limit keeps one request's write bounded.
pub const MAX_BOXES_PER_SUBMISSION: usize = 1000;

/// Refuses a submission with more than [`MAX_BOXES_PER_SUBMISSION`] boxes, naming `result.annotations`.
pub fn check_box_count(submission: &Submission) -> Result<(), ApiError> {
    let count = submission.result.annotations.len();
    if count > MAX_BOXES_PER_SUBMISSION {
        return Err(FieldError::new(
            "result.annotations",
            format!(
                "a submission holds at most {MAX_BOXES_PER_SUBMISSION} boxes; this one has {count}"
            ),
        )
        .into());
    }
    Ok(())
}

/// How many requests per minute a worker id and a client address may make. 0 turns that limit off.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// Lease and submission requests per worker id (the bucket holds a minute's worth, so a client that was
    /// offline can send its backlog at once).
    pub per_worker_per_minute: u32,
    /// Every `/api` request per client IP address, against floods that rotate worker ids.
    pub per_ip_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            per_worker_per_minute: 120,
            per_ip_per_minute: 3000,
        }
    }
}

/// Token buckets keyed by a string: each holds up to `per_minute` tokens and refills at `per_minute` per
/// minute; a request takes one token. Time comes from the caller (unix ms), so tests can move it.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: u32,
    buckets: Mutex<HashMap<String, Bucket>>,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    updated_ms: i64,
}

/// Buckets kept before idle full ones are dropped.
const PRUNE_AT: usize = 10_000;

impl RateLimiter {
    pub fn new(per_minute: u32) -> Self {
        Self {
            per_minute,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for `key` at `now_ms`; `Err(seconds)` says how long until one is available.
    pub fn take(&self, key: &str, now_ms: i64) -> Result<(), u64> {
        if self.per_minute == 0 {
            return Ok(());
        }
        let capacity = f64::from(self.per_minute);
        let per_ms = capacity / 60_000.0;
        let mut buckets = self
            .buckets
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if buckets.len() >= PRUNE_AT {
            buckets.retain(|_, bucket| {
                bucket.tokens + (now_ms - bucket.updated_ms).max(0) as f64 * per_ms < capacity
            });
        }
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: capacity,
            updated_ms: now_ms,
        });
        let elapsed = (now_ms - bucket.updated_ms).max(0) as f64;
        bucket.tokens = (bucket.tokens + elapsed * per_ms).min(capacity);
        bucket.updated_ms = bucket.updated_ms.max(now_ms);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait_ms = (1.0 - bucket.tokens) / per_ms;
            Err((wait_ms / 1000.0).ceil().max(1.0) as u64)
        }
    }

    /// Like [`take`](Self::take), as the API's `rate_limited` error naming `who`.
    pub fn check(
        &self,
        key: &str,
        who: impl FnOnce() -> String,
        now_ms: i64,
    ) -> Result<(), ApiError> {
        self.take(key, now_ms)
            .map_err(|retry_after_s| ApiError::RateLimited {
                who: who(),
                retry_after_s,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_a_minutes_worth_at_once_then_refills_steadily() {
        let limiter = RateLimiter::new(60);
        for _ in 0..60 {
            assert_eq!(limiter.take("w", 0), Ok(()));
        }
        assert_eq!(limiter.take("w", 0), Err(1));
        assert_eq!(limiter.take("w", 500), Err(1));
        assert_eq!(limiter.take("w", 1000), Ok(()));
        assert_eq!(limiter.take("w", 1000), Err(1));
    }

    #[test]
    fn buckets_are_independent_per_key() {
        let limiter = RateLimiter::new(1);
        assert_eq!(limiter.take("a", 0), Ok(()));
        assert_eq!(limiter.take("a", 0), Err(60));
        assert_eq!(limiter.take("b", 0), Ok(()));
    }

    #[test]
    fn zero_turns_the_limit_off() {
        let limiter = RateLimiter::new(0);
        for _ in 0..10_000 {
            assert_eq!(limiter.take("w", 0), Ok(()));
        }
    }

    #[test]
    fn a_clock_that_goes_backwards_grants_nothing_extra() {
        let limiter = RateLimiter::new(2);
        assert_eq!(limiter.take("w", 60_000), Ok(()));
        assert_eq!(limiter.take("w", 60_000), Ok(()));
        assert!(limiter.take("w", 0).is_err());
    }

    #[test]
    fn many_idle_keys_are_pruned() {
        let limiter = RateLimiter::new(60);
        for key in 0..PRUNE_AT {
            limiter.take(&key.to_string(), 0).unwrap();
        }
        limiter.take("late", 120_000).unwrap();
        let kept = limiter.buckets.lock().unwrap().len();
        assert_eq!(kept, 1);
    }
}
