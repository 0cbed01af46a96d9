//! Progress of a run: images done, the rate so far and the time left at that rate.

use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub elapsed: Duration,
}

impl Progress {
    /// Images per second so far (0 before the first image).
    pub fn images_per_second(&self) -> f64 {
        let seconds = self.elapsed.as_secs_f64();
        if self.done == 0 || seconds <= 0.0 {
            0.0
        } else {
            self.done as f64 / seconds
        }
    }

    /// Time left at the rate so far; `None` until one image is done.
    pub fn remaining(&self) -> Option<Duration> {
        let rate = self.images_per_second();
        (rate > 0.0)
            .then(|| Duration::from_secs_f64(self.total.saturating_sub(self.done) as f64 / rate))
    }

    /// One line for a terminal: `120/11669 images · 4.1 images/s · 47m 01s left`.
    pub fn line(&self) -> String {
        let left = self.remaining().map_or_else(
            || "time left unknown".to_owned(),
            |d| format!("{} left", clock(d)),
        );
        format!(
            "{}/{} images · {:.1} images/s · {left}",
            self.done,
            self.total,
            self.images_per_second()
        )
    }
}

fn clock(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s:02}s"),
        (h, m, _) => format!("{h}h {m:02}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rate_and_time_left_follow_from_images_done_and_time_taken() {
        let p = Progress {
            done: 100,
            total: 11_669,
            elapsed: Duration::from_secs(25),
        };
        assert_eq!(p.images_per_second(), 4.0);
        assert_eq!(p.remaining(), Some(Duration::from_secs_f64(11_569.0 / 4.0)));
        assert_eq!(p.line(), "100/11669 images · 4.0 images/s · 48m 12s left");
    }

    #[test]
    fn before_the_first_image_the_time_left_is_unknown() {
        let p = Progress {
            done: 0,
            total: 10,
            elapsed: Duration::from_secs(3),
        };
        assert_eq!((p.images_per_second(), p.remaining()), (0.0, None));
        assert!(p.line().ends_with("time left unknown"));
    }

    #[test]
    fn long_runs_show_hours() {
        let p = Progress {
            done: 1,
            total: 7201,
            elapsed: Duration::from_secs(1),
        };
        assert!(p.line().ends_with("2h 00m left"), "{}", p.line());
    }
}
