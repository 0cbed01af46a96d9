//! The owner console's logic (`/owner/` in the browser): everything it computes from the owner API's answers,
//! so the console itself only draws views and makes browser calls.
//!
//! - [`pace`]: images per hour from progress samples and the hourly history, the time left at that pace, the
//!   progress bar's segments.
//! - [`balance`]: class balance (objects per label after consolidation, raw boxes, imbalance, labels short of
//!   their targets) and box-size spread per label.
//! - [`workers`]: the worker table, sortable by any column.
//! - [`queue`]: the review queue's filters and next / previous navigation across pages.
//! - [`form`]: the job form's text fields to `NewJob` / `JobPatch`, naming the field that is wrong.
//! - [`sse`]: a Server-Sent Events parser for the job's events stream (read with `fetch`, so the owner token
//!   travels in a header and never in a URL).
//! - [`exports`]: the export links, one per format and scope.
//! - [`submission`]: a submission's note and change record in words, for review.

pub mod balance;
pub mod correction;
pub mod exports;
pub mod form;
pub mod pace;
pub mod queue;
pub mod sse;
pub mod submission;
pub mod workers;

/// The smallest "nice" number (1, 2 or 5 times a power of ten) at or above `value`, for a chart's axis; 1 for 0.
pub fn nice_ceiling(value: f64) -> f64 {
    if !value.is_finite() || value <= 1.0 {
        return 1.0;
    }
    let power = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|step| step * power)
        .find(|candidate| *candidate >= value * (1.0 - 1e-12))
        .unwrap_or(10.0 * power)
}

/// A count with thousands separators: `8591` → `8,591`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, c) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests;
