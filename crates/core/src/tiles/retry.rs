//! When to ask again for tiles that could not be fetched: exponential backoff per tile, capped, with a limit on
//! attempts after which the coarser level that stands in for the tile stays.
//!
//! Time is passed in as page milliseconds (`std::time::Instant::now` panics on wasm32). A plain list, like
//! [`super::TileCache`]: a screen of failed tiles at most.

/// How long to wait after each failure of one tile, and how many failures end the retrying.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TileRetryPolicy {
    /// The wait after the first failure; each further failure doubles it.
    pub first_delay_ms: f64,
    /// No wait is longer than this.
    pub max_delay_ms: f64,
    /// After this many failures the tile is not asked for again for this image.
    pub max_failures: u32,
}

impl Default for TileRetryPolicy {
    /// 0.5 s, 1 s, 2 s, 4 s, 8 s: a server restarting or a network blip of about a quarter of a minute is
    /// ridden out; a tile that is really gone costs six requests.
    fn default() -> Self {
        TileRetryPolicy {
            first_delay_ms: 500.0,
            max_delay_ms: 8_000.0,
            max_failures: 6,
        }
    }
}

impl TileRetryPolicy {
    /// The wait after failure number `failures` (1 for the first), or None once the limit is reached.
    pub fn delay_ms(&self, failures: u32) -> Option<f64> {
        if failures == 0 || failures >= self.max_failures {
            return None;
        }
        let mut delay = self.first_delay_ms.max(0.0);
        for _ in 1..failures {
            delay *= 2.0;
            if delay >= self.max_delay_ms {
                break;
            }
        }
        Some(delay.min(self.max_delay_ms))
    }
}

#[derive(Clone, Debug)]
struct Failed<K> {
    key: K,
    failures: u32,
    /// When it may be asked for again; None once given up.
    due_ms: Option<f64>,
}

/// The failed tiles of one image and when each may be fetched again.
#[derive(Clone, Debug)]
pub struct TileRetries<K> {
    policy: TileRetryPolicy,
    failed: Vec<Failed<K>>,
}

impl<K: Copy + Eq> TileRetries<K> {
    pub fn new(policy: TileRetryPolicy) -> Self {
        TileRetries {
            policy,
            failed: Vec::new(),
        }
    }

    /// Notes that fetching `key` failed at `now_ms`; returns when it may be asked for again, or None when this
    /// was its last allowed failure.
    pub fn failed(&mut self, key: K, now_ms: f64) -> Option<f64> {
        let i = match self.failed.iter().position(|f| f.key == key) {
            Some(i) => i,
            None => {
                self.failed.push(Failed {
                    key,
                    failures: 0,
                    due_ms: None,
                });
                self.failed.len() - 1
            }
        };
        let entry = &mut self.failed[i];
        entry.failures = entry.failures.saturating_add(1);
        entry.due_ms = self.policy.delay_ms(entry.failures).map(|d| now_ms + d);
        entry.due_ms
    }

    /// Notes that `key` arrived: its failures are forgotten.
    pub fn succeeded(&mut self, key: K) {
        self.failed.retain(|f| f.key != key);
    }

    /// Whether `key` may be fetched at `now_ms`: it never failed, or its wait is over (and it was not given up).
    pub fn may_fetch(&self, key: K, now_ms: f64) -> bool {
        match self.failed.iter().find(|f| f.key == key) {
            None => true,
            Some(f) => f.due_ms.is_some_and(|due| due <= now_ms),
        }
    }

    /// Whether `key` failed as often as allowed: the coarser level stands in for it from now on.
    pub fn given_up(&self, key: K) -> bool {
        self.failed
            .iter()
            .any(|f| f.key == key && f.due_ms.is_none())
    }

    /// How many times `key` failed in a row.
    pub fn failures(&self, key: K) -> u32 {
        self.failed
            .iter()
            .find(|f| f.key == key)
            .map_or(0, |f| f.failures)
    }

    /// The earliest time after `now_ms` that a failed tile may be fetched again: when to wake up next. Tiles due
    /// already (at or before `now_ms`) are the caller's to fetch now and are not counted.
    pub fn next_due_after(&self, now_ms: f64) -> Option<f64> {
        self.failed
            .iter()
            .filter_map(|f| f.due_ms)
            .filter(|due| *due > now_ms)
            .fold(None, |next: Option<f64>, due| {
                Some(next.map_or(due, |n| n.min(due)))
            })
    }

    /// Whether some failed tile is due at or before `now_ms`.
    pub fn any_due(&self, now_ms: f64) -> bool {
        self.failed
            .iter()
            .any(|f| f.due_ms.is_some_and(|due| due <= now_ms))
    }

    /// Forgets every failure (the image is done with).
    pub fn clear(&mut self) {
        self.failed.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> TileRetryPolicy {
        TileRetryPolicy {
            first_delay_ms: 100.0,
            max_delay_ms: 1_000.0,
            max_failures: 7,
        }
    }

    #[test]
    fn the_wait_doubles_after_each_failure_up_to_the_cap_and_ends_at_the_limit() {
        let p = policy();
        let waits: Vec<Option<f64>> = (1..=7).map(|n| p.delay_ms(n)).collect();
        assert_eq!(
            waits,
            [
                Some(100.0),
                Some(200.0),
                Some(400.0),
                Some(800.0),
                Some(1_000.0),
                Some(1_000.0),
                None
            ]
        );
        assert_eq!(p.delay_ms(0), None, "no failure, nothing to wait for");
        assert_eq!(p.delay_ms(u32::MAX), None);
    }

    #[test]
    fn a_failed_tile_may_be_fetched_again_once_its_wait_is_over_and_not_before() {
        let mut r = TileRetries::new(policy());
        assert!(r.may_fetch('a', 0.0), "a tile that never failed");
        assert_eq!(r.failed('a', 1_000.0), Some(1_100.0));
        assert!(!r.may_fetch('a', 1_099.9));
        assert!(r.may_fetch('a', 1_100.0));
        assert!(r.may_fetch('b', 1_000.0), "other tiles are not held back");
        assert_eq!(
            r.failed('a', 1_100.0),
            Some(1_300.0),
            "the second wait is twice the first"
        );
        assert_eq!(r.failures('a'), 2);
    }

    #[test]
    fn a_tile_that_arrives_forgets_its_failures() {
        let mut r = TileRetries::new(policy());
        r.failed('a', 0.0);
        r.failed('a', 100.0);
        r.succeeded('a');
        assert_eq!(r.failures('a'), 0);
        assert!(r.may_fetch('a', 100.0));
        assert_eq!(
            r.failed('a', 500.0),
            Some(600.0),
            "a later failure starts from the first wait again"
        );
    }

    #[test]
    fn after_the_last_allowed_failure_the_tile_is_never_asked_for_again() {
        let mut r = TileRetries::new(TileRetryPolicy {
            max_failures: 3,
            ..policy()
        });
        assert!(r.failed('a', 0.0).is_some());
        assert!(r.failed('a', 100.0).is_some());
        assert_eq!(r.failed('a', 300.0), None);
        assert!(r.given_up('a'));
        assert!(!r.may_fetch('a', 1e12));
        assert_eq!(r.next_due_after(300.0), None, "nothing to wake up for");
    }

    #[test]
    fn the_next_wake_up_is_the_earliest_wait_still_running() {
        let mut r = TileRetries::new(policy());
        assert_eq!(r.next_due_after(0.0), None);
        r.failed('a', 0.0); // due 100
        r.failed('b', 50.0); // due 150
        r.failed('b', 150.0); // due 350
        assert_eq!(r.next_due_after(0.0), Some(100.0));
        assert!(!r.any_due(99.0));
        assert!(r.any_due(100.0));
        assert_eq!(
            r.next_due_after(100.0),
            Some(350.0),
            "a tile due already is fetched now, not waited for"
        );
        r.clear();
        assert_eq!(r.next_due_after(0.0), None);
        assert!(r.may_fetch('b', 0.0));
    }
}
