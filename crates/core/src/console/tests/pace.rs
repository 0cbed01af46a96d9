use crate::console::pace::*;
use crate::owner::{HourCount, ProgressEvent};

const MIN: i64 = 60_000;
const HOUR: i64 = 60 * MIN;

fn sample(at_ms: i64, images_done: u64) -> ProgressSample {
    ProgressSample { at_ms, images_done }
}

#[test]
fn the_live_pace_is_images_finished_over_the_time_the_samples_span() {
    let mut tracker = PaceTracker::default();
    tracker.record(sample(0, 10));
    assert_eq!(tracker.images_per_hour(), None, "one sample is no pace");
    tracker.record(sample(30 * 1000, 12));
    assert_eq!(
        tracker.images_per_hour(),
        None,
        "half a minute is too short to tell"
    );
    tracker.record(sample(6 * MIN, 16));
    assert_eq!(tracker.images_per_hour(), Some(60.0));
}

#[test]
fn samples_older_than_the_window_stop_counting() {
    let mut tracker = PaceTracker::default();
    tracker.record(sample(0, 0));
    tracker.record(sample(20 * MIN, 100));
    tracker.record(sample(40 * MIN, 110));
    // The first sample is now 40 minutes older than the newest: only the last 20 minutes' 10 images count.
    assert_eq!(tracker.images_per_hour(), Some(30.0));
}

#[test]
fn a_count_that_went_down_starts_the_measurement_again_and_earlier_times_are_ignored() {
    let mut tracker = PaceTracker::default();
    tracker.record(sample(0, 50));
    tracker.record(sample(10 * MIN, 60));
    tracker.record(sample(5 * MIN, 0));
    assert_eq!(tracker.images_per_hour(), Some(60.0));
    tracker.record(sample(11 * MIN, 55));
    assert_eq!(tracker.images_per_hour(), None);
    tracker.record(sample(21 * MIN, 65));
    assert_eq!(tracker.images_per_hour(), Some(60.0));
}

#[test]
fn the_history_pace_covers_the_last_three_hours_or_the_jobs_life_if_shorter() {
    let hours = [
        HourCount {
            hour_start_ms: 0,
            images_done: 600,
        },
        HourCount {
            hour_start_ms: HOUR,
            images_done: 0,
        },
        HourCount {
            hour_start_ms: 2 * HOUR,
            images_done: 30,
        },
        HourCount {
            hour_start_ms: 3 * HOUR,
            images_done: 60,
        },
        HourCount {
            hour_start_ms: 4 * HOUR,
            images_done: 30,
        },
    ];
    // At 4:30 the window is 1:30 to 4:30: hours 1, 2, 3 and 4 overlap it (120 images in 3 hours).
    assert_eq!(
        history_images_per_hour(&hours, 4 * HOUR + 30 * MIN),
        Some(40.0)
    );
    // A job whose first image finished in the current hour: counted from that hour's start.
    let young = [HourCount {
        hour_start_ms: 0,
        images_done: 20,
    }];
    assert_eq!(history_images_per_hour(&young, 30 * MIN), Some(40.0));
    assert_eq!(history_images_per_hour(&[], HOUR), None);
}

#[test]
fn the_shown_pace_prefers_live_samples_and_falls_back_to_the_history() {
    let hours = [HourCount {
        hour_start_ms: 0,
        images_done: 10,
    }];
    let mut tracker = PaceTracker::default();
    assert_eq!(current_pace(&tracker, &hours, HOUR), Some(10.0));
    tracker.record(sample(0, 10));
    tracker.record(sample(2 * MIN, 12));
    assert_eq!(current_pace(&tracker, &hours, HOUR), Some(60.0));
}

#[test]
fn the_time_to_finish_is_the_images_left_at_the_pace() {
    assert_eq!(time_to_finish_ms(30, Some(60.0)), Some(30 * MIN));
    assert_eq!(
        time_to_finish_ms(0, None),
        Some(0),
        "nothing left is done now"
    );
    assert_eq!(time_to_finish_ms(30, None), None);
    assert_eq!(
        time_to_finish_ms(30, Some(0.0)),
        None,
        "no pace, no estimate"
    );
}

#[test]
fn durations_are_described_in_the_units_that_matter() {
    assert_eq!(describe_duration(10_000), "under a minute");
    assert_eq!(describe_duration(12 * MIN), "12 min");
    assert_eq!(describe_duration(3 * HOUR), "3 h");
    assert_eq!(describe_duration(3 * HOUR + 20 * MIN), "3 h 20 min");
    assert_eq!(describe_duration(24 * HOUR + 10 * MIN), "1 day");
    assert_eq!(describe_duration(52 * HOUR), "2 days 4 h");
    assert_eq!(describe_pace(2.345), "2.3 images per hour");
    assert_eq!(describe_pace(1234.4), "1,234 images per hour");
}

#[test]
fn the_progress_bar_splits_the_images_into_done_in_progress_waiting_and_open() {
    let segments = Segments::of(&ProgressEvent {
        images_total: 10,
        images_done: 4,
        images_in_progress: 3,
        images_waiting: 1,
        submissions: 9,
    });
    assert_eq!(
        (
            segments.done,
            segments.in_progress,
            segments.waiting,
            segments.open
        ),
        (4, 3, 1, 2)
    );
    assert_eq!(segments.percent(segments.done), 40.0);
    assert_eq!(segments.left(), 6);
    // Counts read at slightly different moments never add up to more than the total.
    let racy = Segments::of(&ProgressEvent {
        images_total: 5,
        images_done: 4,
        images_in_progress: 3,
        images_waiting: 2,
        submissions: 0,
    });
    assert_eq!(
        (racy.done, racy.in_progress, racy.waiting, racy.open),
        (4, 1, 0, 0)
    );
    assert_eq!(Segments::of(&ProgressEvent::default()).percent(0), 0.0);
}

#[test]
fn the_throughput_chart_shows_the_last_hours_with_empty_ones_as_zero() {
    let hours = [
        HourCount {
            hour_start_ms: HOUR,
            images_done: 5,
        },
        HourCount {
            hour_start_ms: 3 * HOUR,
            images_done: 7,
        },
    ];
    let shown = recent_hours(&hours, 3 * HOUR + 10 * MIN, 3);
    let counts: Vec<(i64, u64)> = shown
        .iter()
        .map(|h| (h.hour_start_ms, h.images_done))
        .collect();
    assert_eq!(counts, [(HOUR, 5), (2 * HOUR, 0), (3 * HOUR, 7)]);
}
