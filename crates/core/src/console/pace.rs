//! How fast a job goes: images per hour from the progress samples the events stream brings (and, before enough
//! of them arrived, from the hourly history `GET /api/jobs/{job}/stats` gives), the time left at that pace, and
//! the progress bar's segments.

use std::collections::VecDeque;

use crate::owner::{HourCount, ProgressEvent};

const HOUR_MS: i64 = 3_600_000;

/// The finished-image count at one moment (a `progress` event and the time it arrived).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProgressSample {
    pub at_ms: i64,
    pub images_done: u64,
}

/// The recent progress samples, at most [`PaceTracker::WINDOW_MS`] older than the newest.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PaceTracker {
    samples: VecDeque<ProgressSample>,
}

impl PaceTracker {
    /// The pace is measured over the last half hour of samples.
    pub const WINDOW_MS: i64 = 30 * 60 * 1000;
    /// Samples spanning less than this give no pace of their own (a burst would read as thousands an hour).
    pub const MIN_SPAN_MS: i64 = 60 * 1000;

    /// Adds a sample; one older than the newest is ignored (clocks do not go back here). A lower count than
    /// before (images reopened) starts the measurement again, since the old samples no longer describe the job.
    pub fn record(&mut self, sample: ProgressSample) {
        if let Some(last) = self.samples.back() {
            if sample.at_ms < last.at_ms {
                return;
            }
            if sample.images_done < last.images_done {
                self.samples.clear();
            }
        }
        self.samples.push_back(sample);
        while self
            .samples
            .front()
            .is_some_and(|first| sample.at_ms - first.at_ms > Self::WINDOW_MS)
        {
            self.samples.pop_front();
        }
    }

    /// Images finished per hour over the samples, once they span [`Self::MIN_SPAN_MS`].
    pub fn images_per_hour(&self) -> Option<f64> {
        let (first, last) = (self.samples.front()?, self.samples.back()?);
        let span = last.at_ms - first.at_ms;
        (span >= Self::MIN_SPAN_MS)
            .then(|| (last.images_done - first.images_done) as f64 * HOUR_MS as f64 / span as f64)
    }
}

/// Images per hour over the last three hours of the hourly history (`JobStats::throughput`), counting from the
/// first finished image's hour when the job is younger; `None` before any image is finished.
pub fn history_images_per_hour(hours: &[HourCount], now_ms: i64) -> Option<f64> {
    let first = hours.first()?.hour_start_ms;
    let window_start = (now_ms - 3 * HOUR_MS).max(first);
    let images: u64 = hours
        .iter()
        .filter(|hour| hour.hour_start_ms + HOUR_MS > window_start)
        .map(|hour| hour.images_done)
        .sum();
    let span = (now_ms - window_start).max(HOUR_MS / 60);
    Some(images as f64 * HOUR_MS as f64 / span as f64)
}

/// The pace the console shows: the live samples' when they span long enough, else the history's.
pub fn current_pace(tracker: &PaceTracker, hours: &[HourCount], now_ms: i64) -> Option<f64> {
    tracker
        .images_per_hour()
        .or_else(|| history_images_per_hour(hours, now_ms))
}

/// How long the images not done yet take at `images_per_hour`; `None` without a pace (or at a pace of 0),
/// `Some(0)` when nothing is left.
pub fn time_to_finish_ms(images_left: u64, images_per_hour: Option<f64>) -> Option<i64> {
    if images_left == 0 {
        return Some(0);
    }
    let pace = images_per_hour.filter(|p| *p > 0.0 && p.is_finite())?;
    Some((images_left as f64 / pace * HOUR_MS as f64).round() as i64)
}

/// A duration in words, rounded to what matters: `under a minute`, `12 min`, `3 h 20 min`, `2 days 4 h`.
pub fn describe_duration(ms: i64) -> String {
    let minutes = (ms.max(0) + 30_000) / 60_000;
    match minutes {
        0 => "under a minute".to_owned(),
        1..=59 => format!("{minutes} min"),
        60..=1439 => match minutes % 60 {
            0 => format!("{} h", minutes / 60),
            rest => format!("{} h {rest} min", minutes / 60),
        },
        _ => {
            let hours = (minutes + 30) / 60;
            let days = hours / 24;
            let unit = if days == 1 { "day" } else { "days" };
            match hours % 24 {
                0 => format!("{days} {unit}"),
                rest => format!("{days} {unit} {rest} h"),
            }
        }
    }
}

/// An images-per-hour figure as shown: one decimal below 10, whole numbers above.
pub fn describe_pace(images_per_hour: f64) -> String {
    if images_per_hour < 10.0 {
        format!("{images_per_hour:.1} images per hour")
    } else {
        format!(
            "{} images per hour",
            crate::console::thousands(images_per_hour.round() as u64)
        )
    }
}

/// The progress bar's parts: images done, leased (in progress), waiting for another opinion, and open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segments {
    pub total: u64,
    pub done: u64,
    pub in_progress: u64,
    pub waiting: u64,
    pub open: u64,
}

impl Segments {
    pub fn of(progress: &ProgressEvent) -> Self {
        let total = progress.images_total;
        let done = progress.images_done.min(total);
        let in_progress = progress.images_in_progress.min(total - done);
        let waiting = progress.images_waiting.min(total - done - in_progress);
        Self {
            total,
            done,
            in_progress,
            waiting,
            open: total - done - in_progress - waiting,
        }
    }

    /// `part` as a percentage of the total (0 for an empty job).
    pub fn percent(&self, part: u64) -> f64 {
        if self.total == 0 {
            0.0
        } else {
            part as f64 * 100.0 / self.total as f64
        }
    }

    /// Images not done yet.
    pub fn left(&self) -> u64 {
        self.total - self.done
    }
}

/// The last `count` hours of the hourly history up to `now_ms`'s hour, empty hours included, for the throughput
/// chart (oldest first).
pub fn recent_hours(hours: &[HourCount], now_ms: i64, count: usize) -> Vec<HourCount> {
    let this_hour = now_ms.div_euclid(HOUR_MS) * HOUR_MS;
    (0..count as i64)
        .rev()
        .map(|back| {
            let start = this_hour - back * HOUR_MS;
            HourCount {
                hour_start_ms: start,
                images_done: hours
                    .iter()
                    .filter(|h| h.hour_start_ms == start)
                    .map(|h| h.images_done)
                    .sum(),
            }
        })
        .collect()
}
