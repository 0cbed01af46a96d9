//! The job page's other charts, drawn in SVG with every value as text too: images finished per hour, and the
//! spread of box sizes per label.

use crowdbox_core::console::balance::size_spread;
use crowdbox_core::console::pace::recent_hours;
use crowdbox_core::console::{nice_ceiling, thousands};
use crowdbox_core::owner::HourCount;
use leptos::prelude::*;

use super::job_page::JobState;

const HOURS_SHOWN: usize = 12;

/// The hour's start as `HH:00` in the browser's time zone.
fn hour_label(start_ms: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(start_ms as f64));
    format!("{:02}:00", date.get_hours())
}

#[component]
pub(crate) fn ThroughputChart(hours: Vec<HourCount>, now_ms: i64) -> impl IntoView {
    let shown = recent_hours(&hours, now_ms, HOURS_SHOWN);
    let max = nice_ceiling(shown.iter().map(|h| h.images_done).max().unwrap_or(0) as f64);
    let (width, height, base) = (720.0, 150.0, 120.0);
    let step = width / HOURS_SHOWN as f64;
    let summary = format!(
        "Images finished per hour, the last {HOURS_SHOWN} hours: {}.",
        shown
            .iter()
            .map(|h| format!("{} {}", hour_label(h.hour_start_ms), h.images_done))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let columns = shown
        .iter()
        .enumerate()
        .map(|(index, hour)| {
            let x = step * index as f64;
            let h = (base - 16.0) * hour.images_done as f64 / max;
            view! {
                <g>
                    <rect class="objects" x=x + 6.0 y=base - h width=step - 12.0 height=h />
                    <text x=x + step / 2.0 y=base - h - 3.0 text-anchor="middle" class="bar-value">
                        {hour.images_done.to_string()}
                    </text>
                    <text x=x + step / 2.0 y=base + 16.0 text-anchor="middle" class="axis">
                        {hour_label(hour.hour_start_ms)}
                    </text>
                </g>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <svg
            class="chart throughput-chart"
            role="img"
            aria-labelledby="throughput-title throughput-desc"
            viewBox=format!("0 0 {width} {height}")
        >
            <title id="throughput-title">"Throughput: images finished per hour"</title>
            <desc id="throughput-desc">{summary}</desc>
            <line class="axis-line" x1="0" x2=width y1=base y2=base />
            {columns}
        </svg>
    }
}

#[component]
pub(crate) fn BoxSizesSection() -> impl IntoView {
    let state = use_context::<JobState>().expect("the job page provides its state");
    let chart = move || {
        let sizes = state
            .stats
            .with(|s| s.as_ref().map(|s| s.box_sizes.clone()))?;
        let (rows, low, high) = size_spread(&sizes);
        if rows.is_empty() {
            return Some(view! { <p>"No boxes yet."</p> }.into_any());
        }
        let (label_w, bar_w, row_h) = (150.0, 400.0, 30.0);
        let height = row_h * rows.len() as f64 + 24.0;
        let summary = rows
            .iter()
            .map(|r| {
                format!(
                    "{}: {} boxes, smallest {:.0} px, median {:.0} px, largest {:.0} px",
                    r.sizes.label,
                    thousands(r.sizes.boxes),
                    r.sizes.min,
                    r.sizes.median,
                    r.sizes.max
                )
            })
            .collect::<Vec<_>>()
            .join("; ");
        let lines = rows
            .iter()
            .enumerate()
            .map(|(index, r)| {
                let y = 20.0 + row_h * index as f64;
                let at = |f: f64| label_w + bar_w * f;
                view! {
                    <g>
                        <text x=label_w - 8.0 y=y + 5.0 text-anchor="end" class="bar-label">{r.sizes.label.clone()}</text>
                        <line class="spread" x1=at(r.min_at) x2=at(r.max_at) y1=y y2=y />
                        <line class="spread-end" x1=at(r.min_at) x2=at(r.min_at) y1=y - 6.0 y2=y + 6.0 />
                        <line class="spread-end" x1=at(r.max_at) x2=at(r.max_at) y1=y - 6.0 y2=y + 6.0 />
                        <circle class="median" cx=at(r.median_at) cy=y r="5" />
                        <text x=label_w + bar_w + 10.0 y=y + 5.0 class="bar-value">
                            {format!("{:.0} / {:.0} / {:.0} px", r.sizes.min, r.sizes.median, r.sizes.max)}
                        </text>
                    </g>
                }
            })
            .collect::<Vec<_>>();
        Some(
            view! {
                <svg
                    class="chart sizes-chart"
                    role="img"
                    aria-labelledby="sizes-title sizes-desc"
                    viewBox=format!("0 0 720 {height}")
                >
                    <title id="sizes-title">"Box sizes per label (square root of the area, log scale)"</title>
                    <desc id="sizes-desc">{summary}</desc>
                    <text x=label_w y="10" class="axis">{format!("{low:.0} px")}</text>
                    <text x=label_w + bar_w y="10" text-anchor="end" class="axis">{format!("{high:.0} px")}</text>
                    {lines}
                </svg>
                <p class="chart-legend">"Smallest / median / largest box, as the square root of its area in image pixels."</p>
            }
            .into_any(),
        )
    };
    view! {
        <section class="card" aria-labelledby="sizes-heading">
            <h3 id="sizes-heading">"Box sizes"</h3>
            {chart}
        </section>
    }
}
