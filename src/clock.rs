//! The page's clocks, read in this one place and passed in as numbers everywhere else (`std::time::Instant::now`
//! panics on wasm32, and the pure logic in core takes time as an argument).

/// Milliseconds on the page's monotonic clock (`performance.now()`), for how long a task took and for timings.
pub fn page_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or_else(js_sys::Date::now, |p| p.now())
}

/// Unix milliseconds (`Date.now()`), the outbox's clock for when to send again.
pub fn unix_ms() -> i64 {
    js_sys::Date::now() as i64
}
