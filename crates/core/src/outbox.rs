//! The outbox: submissions are persisted before they are sent, and retried until the server has stored them.
//!
//! This module holds the policy only (what to do after each attempt, and when to try again); the app persists the
//! [`Outbox`] (it is serde) and does the sending. Time is passed in as unix milliseconds, so it runs the same
//! natively and on wasm32 and is tested without waiting.

use serde::{Deserialize, Serialize};

/// What one attempt to send gave.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    /// The request never got an HTTP answer (offline, DNS, connection reset, timeout in the browser).
    NetworkError,
    /// The server answered with this status.
    Status(u16),
}

/// Where an outbox entry stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
// Externally tagged (serde's default): an internally tagged enum costs the wasm app ~9 KB of buffering code.
#[serde(rename_all = "snake_case")]
pub enum EntryState {
    /// Waiting to be sent (again) at `next_attempt_at`.
    Pending { next_attempt_at: i64 },
    /// The server stored it (2xx). Kept until the app prunes it, so the volunteer can see it was synced.
    Synced { at: i64 },
    /// The server refused it for a reason that retrying will not fix (a 4xx other than 408/429).
    /// Never dropped silently: it stays here, shown to the volunteer, with the server's message.
    Rejected { status: u16, message: String },
    /// The server said the credentials are missing or expired (401). Sent again after re-authenticating.
    NeedsAuth,
}

/// One queued submission. `body` is the exact JSON sent, so a retry is byte-for-byte the same request and the
/// server's idempotency key (`submission_id`) answers it with the first receipt.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub submission_id: String,
    pub url: String,
    pub body: String,
    pub attempts: u32,
    pub state: EntryState,
    /// The last error, for display.
    #[serde(default)]
    pub last_error: Option<String>,
}

/// Exponential backoff with full jitter, capped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RetryPolicy {
    pub base_delay_ms: i64,
    pub max_delay_ms: i64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            base_delay_ms: 500,
            max_delay_ms: 30_000,
        }
    }
}

impl RetryPolicy {
    /// Whether an attempt's outcome is worth retrying: no answer, 5xx, 408 (timeout) and 429 (slow down).
    pub fn is_retryable(outcome: AttemptOutcome) -> bool {
        match outcome {
            AttemptOutcome::NetworkError => true,
            AttemptOutcome::Status(s) => s == 408 || s == 429 || (500..=599).contains(&s),
        }
    }

    /// The delay before attempt number `attempts + 1`, given `jitter` in [0, 1) from the caller's random source:
    /// uniformly between half and all of `min(max, base * 2^(attempts-1))`, so clients that failed together
    /// do not retry together.
    pub fn delay_ms(&self, attempts: u32, jitter: f64) -> i64 {
        let exp = attempts.saturating_sub(1).min(20);
        let ceiling = self
            .base_delay_ms
            .saturating_mul(1_i64 << exp)
            .min(self.max_delay_ms);
        let jitter = jitter.clamp(0.0, 1.0);
        ceiling / 2 + ((ceiling / 2) as f64 * jitter) as i64
    }
}

/// The queue of unsent and recently sent submissions, in the order they were made.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Outbox {
    pub entries: Vec<OutboxEntry>,
}

impl Outbox {
    /// Queues a submission to be sent at once. Queuing the same `submission_id` again changes nothing.
    pub fn enqueue(&mut self, submission_id: &str, url: &str, body: String, now: i64) {
        if self
            .entries
            .iter()
            .any(|e| e.submission_id == submission_id)
        {
            return;
        }
        self.entries.push(OutboxEntry {
            submission_id: submission_id.to_owned(),
            url: url.to_owned(),
            body,
            attempts: 0,
            state: EntryState::Pending {
                next_attempt_at: now,
            },
            last_error: None,
        });
    }

    /// Entries that are due for an attempt now, oldest first.
    pub fn due(&self, now: i64) -> impl Iterator<Item = &OutboxEntry> {
        self.entries
            .iter()
            .filter(move |e| matches!(e.state, EntryState::Pending { next_attempt_at } if next_attempt_at <= now))
    }

    /// The earliest time a pending entry wants to be tried, if any.
    pub fn next_wakeup(&self) -> Option<i64> {
        self.entries
            .iter()
            .filter_map(|e| match e.state {
                EntryState::Pending { next_attempt_at } => Some(next_attempt_at),
                _ => None,
            })
            .min()
    }

    /// Records the outcome of an attempt. `message` is the server's error message or the network error's text.
    pub fn record(
        &mut self,
        submission_id: &str,
        outcome: AttemptOutcome,
        message: Option<String>,
        policy: &RetryPolicy,
        now: i64,
        jitter: f64,
    ) {
        let Some(entry) = self
            .entries
            .iter_mut()
            .find(|e| e.submission_id == submission_id)
        else {
            return;
        };
        entry.attempts += 1;
        entry.state = match outcome {
            AttemptOutcome::Status(s) if (200..300).contains(&s) => {
                entry.last_error = None;
                EntryState::Synced { at: now }
            }
            AttemptOutcome::Status(401) => {
                entry.last_error = message;
                EntryState::NeedsAuth
            }
            o if RetryPolicy::is_retryable(o) => {
                entry.last_error = message;
                EntryState::Pending {
                    next_attempt_at: now + policy.delay_ms(entry.attempts, jitter),
                }
            }
            AttemptOutcome::Status(status) => {
                let message = message
                    .unwrap_or_else(|| format!("the server refused the submission ({status})"));
                entry.last_error = Some(message.clone());
                EntryState::Rejected { status, message }
            }
            AttemptOutcome::NetworkError => unreachable!("network errors are retryable"),
        };
    }

    /// After re-authenticating: entries that waited for credentials are sent again at once.
    pub fn resume_after_auth(&mut self, now: i64) {
        for e in &mut self.entries {
            if e.state == EntryState::NeedsAuth {
                e.state = EntryState::Pending {
                    next_attempt_at: now,
                };
            }
        }
    }

    /// How many entries are not yet stored by the server (pending or waiting for credentials).
    pub fn unsent(&self) -> usize {
        self.entries
            .iter()
            .filter(|e| matches!(e.state, EntryState::Pending { .. } | EntryState::NeedsAuth))
            .count()
    }

    /// Drops synced entries older than `keep_ms`; pending and rejected entries are never dropped here.
    pub fn prune_synced(&mut self, now: i64, keep_ms: i64) {
        self.entries
            .retain(|e| !matches!(e.state, EntryState::Synced { at } if now - at > keep_ms));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outbox_with_one(now: i64) -> Outbox {
        let mut o = Outbox::default();
        o.enqueue("s1", "/api/jobs/demo/submissions", "{}".into(), now);
        o
    }

    #[test]
    fn network_errors_5xx_408_and_429_are_retried_and_other_4xx_are_not() {
        for o in [
            AttemptOutcome::NetworkError,
            AttemptOutcome::Status(500),
            AttemptOutcome::Status(503),
            AttemptOutcome::Status(408),
            AttemptOutcome::Status(429),
        ] {
            assert!(RetryPolicy::is_retryable(o), "{o:?}");
        }
        for s in [400, 403, 404, 409, 413, 422] {
            assert!(!RetryPolicy::is_retryable(AttemptOutcome::Status(s)), "{s}");
        }
    }

    #[test]
    fn backoff_grows_exponentially_with_jitter_and_is_capped() {
        let p = RetryPolicy {
            base_delay_ms: 100,
            max_delay_ms: 1_000,
        };
        assert_eq!(p.delay_ms(1, 0.0), 50);
        assert_eq!(p.delay_ms(1, 0.999_999), 99);
        assert_eq!(p.delay_ms(2, 0.0), 100);
        assert_eq!(p.delay_ms(3, 0.0), 200);
        assert_eq!(p.delay_ms(30, 0.0), 500);
        assert!(p.delay_ms(30, 0.999) <= 1_000);
    }

    #[test]
    fn a_failed_send_is_retried_later_and_a_success_marks_it_synced() {
        let p = RetryPolicy::default();
        let mut o = outbox_with_one(1_000);
        assert_eq!(o.due(1_000).count(), 1);
        o.record(
            "s1",
            AttemptOutcome::Status(503),
            Some("busy".into()),
            &p,
            1_000,
            0.0,
        );
        assert_eq!(o.due(1_000).count(), 0, "not due again at once");
        let wake = o.next_wakeup().unwrap();
        assert!(wake > 1_000);
        assert_eq!(o.due(wake).count(), 1);
        o.record("s1", AttemptOutcome::Status(201), None, &p, wake, 0.5);
        assert_eq!(o.entries[0].state, EntryState::Synced { at: wake });
        assert_eq!(o.entries[0].attempts, 2);
        assert_eq!(o.unsent(), 0);
    }

    #[test]
    fn a_rejected_submission_is_kept_with_the_servers_message() {
        let mut o = outbox_with_one(0);
        o.record(
            "s1",
            AttemptOutcome::Status(422),
            Some("bbox is outside the image".into()),
            &RetryPolicy::default(),
            5,
            0.0,
        );
        assert_eq!(o.entries.len(), 1);
        assert_eq!(
            o.entries[0].state,
            EntryState::Rejected {
                status: 422,
                message: "bbox is outside the image".into()
            }
        );
        o.prune_synced(1_000_000, 0);
        assert_eq!(o.entries.len(), 1, "rejected entries are never pruned");
    }

    #[test]
    fn an_expired_session_waits_for_credentials_then_sends_again() {
        let mut o = outbox_with_one(0);
        o.record(
            "s1",
            AttemptOutcome::Status(401),
            None,
            &RetryPolicy::default(),
            10,
            0.0,
        );
        assert_eq!(o.due(1_000_000).count(), 0);
        assert_eq!(o.unsent(), 1);
        o.resume_after_auth(20);
        assert_eq!(o.due(20).count(), 1);
    }

    #[test]
    fn enqueuing_the_same_submission_twice_keeps_one_entry() {
        let mut o = outbox_with_one(0);
        o.enqueue("s1", "/x", "{}".into(), 1);
        assert_eq!(o.entries.len(), 1);
    }

    #[test]
    fn the_outbox_survives_a_serde_round_trip() {
        let mut o = outbox_with_one(7);
        o.record(
            "s1",
            AttemptOutcome::NetworkError,
            Some("offline".into()),
            &RetryPolicy::default(),
            7,
            0.3,
        );
        let json = serde_json::to_string(&o).unwrap();
        assert_eq!(serde_json::from_str::<Outbox>(&json).unwrap(), o);
    }
}
