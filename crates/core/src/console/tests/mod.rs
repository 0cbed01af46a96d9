mod balance;
mod correction;
mod exports;
mod form;
mod form_examples;
mod pace;
mod queue;
mod sse;
mod submission;
mod workers;

use super::{nice_ceiling, thousands};

#[test]
fn chart_axes_end_at_one_two_or_five_times_a_power_of_ten() {
    assert_eq!(nice_ceiling(0.0), 1.0);
    assert_eq!(nice_ceiling(7.0), 10.0);
    assert_eq!(nice_ceiling(10.0), 10.0);
    assert_eq!(nice_ceiling(11.0), 20.0);
    assert_eq!(nice_ceiling(420.0), 500.0);
    assert_eq!(nice_ceiling(8591.0), 10_000.0);
    assert_eq!(nice_ceiling(f64::NAN), 1.0);
}

#[test]
fn counts_are_written_with_thousands_separators() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(8591), "8,591");
    assert_eq!(thousands(1_234_567), "1,234,567");
}
