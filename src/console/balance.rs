//! Class balance: objects per label after consolidation (and the raw boxes beside them) as a bar chart the app
//! draws in SVG, with every value as text too, the imbalance ratio, and the per-label targets the owner edits
//! (labels short of theirs are marked).

use std::collections::BTreeMap;

use crowdbox_core::console::balance::{parse_target, ClassBalance};
use crowdbox_core::console::thousands;
use crowdbox_core::owner::{JobPatch, JobPatched};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::job_page::JobState;
use super::{api, Owner};

const ROW: f64 = 34.0;
const LABEL_W: f64 = 150.0;
const CHART_W: f64 = 720.0;
const BAR_W: f64 = CHART_W - LABEL_W - 210.0;

fn describe_ratio(ratio: Option<f64>) -> String {
    ratio.map_or_else(
        || "not defined while a label has none".to_owned(),
        |r| format!("{r:.2} : 1"),
    )
}

#[component]
pub(crate) fn ClassBalanceSection() -> impl IntoView {
    let state = use_context::<JobState>().expect("the job page provides its state");
    let balance = Memo::new(move |_| {
        let labels = state.job.with(|j| j.as_ref().map(|j| j.labels.clone()))?;
        state
            .stats
            .with(|s| s.as_ref().map(|stats| ClassBalance::new(&labels, stats)))
    });
    view! {
        <section class="card" aria-labelledby="balance-heading">
            <h3 id="balance-heading">"Class balance"</h3>
            {move || balance.get().map(|balance| view! { <BalanceChart balance /> })}
            {move || balance.get().map(|balance| view! { <Targets balance /> })}
        </section>
    }
}

#[component]
fn BalanceChart(balance: ClassBalance) -> impl IntoView {
    let max = balance.scale_max();
    let height = ROW * balance.rows.len() as f64 + 30.0;
    let x = move |n: u64| LABEL_W + BAR_W * n as f64 / max;
    let summary = format!(
        "Objects per label after consolidation, with raw boxes: {}. Imbalance {}.",
        balance
            .rows
            .iter()
            .map(|r| {
                let target = r
                    .target
                    .map(|t| format!(", target {}", thousands(t)))
                    .unwrap_or_default();
                format!(
                    "{} {} objects from {} boxes{target}",
                    r.label,
                    thousands(r.objects),
                    thousands(r.boxes)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        describe_ratio(balance.imbalance_ratio())
    );
    let bars = balance
        .rows
        .iter()
        .enumerate()
        .map(|(index, row)| {
            let y = 20.0 + ROW * index as f64;
            let short = row.short_by().is_some();
            let target = row.target.map(|t| {
                view! {
                    <line class="target" x1=x(t) x2=x(t) y1=y - 2.0 y2=y + 26.0>
                        <title>{format!("target {}", thousands(t))}</title>
                    </line>
                }
            });
            let value_text = format!(
                "{} objects · {} boxes{}",
                thousands(row.objects),
                thousands(row.boxes),
                if short { " · short" } else { "" }
            );
            view! {
                <g class=if short { "bar-row short" } else { "bar-row" }>
                    <text x=LABEL_W - 8.0 y=y + 16.0 text-anchor="end" class="bar-label">
                        {if short { format!("⚠ {}", row.label) } else { row.label.clone() }}
                    </text>
                    <rect class="raw" x=LABEL_W y=y + 15.0 width=x(row.boxes) - LABEL_W height="9" />
                    <rect class="objects" x=LABEL_W y=y + 2.0 width=x(row.objects) - LABEL_W height="12" />
                    {target}
                    <text x=LABEL_W + BAR_W + 8.0 y=y + 16.0 class="bar-value">{value_text}</text>
                </g>
            }
        })
        .collect::<Vec<_>>();
    let short = balance.short_labels();
    let short_text = if short.is_empty() {
        "No label is short of its target.".to_owned()
    } else {
        format!(
            "Short of their targets: {}.",
            short
                .iter()
                .map(|(label, n)| format!("{label} needs {} more", thousands(*n)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    view! {
        <svg
            class="chart balance-chart"
            role="img"
            aria-labelledby="balance-chart-title balance-chart-desc"
            viewBox=format!("0 0 {CHART_W} {height}")
            preserveAspectRatio="xMinYMin meet"
        >
            <title id="balance-chart-title">"Class balance chart"</title>
            <desc id="balance-chart-desc">{summary}</desc>
            <text x=LABEL_W y="12" class="axis">"0"</text>
            <text x=LABEL_W + BAR_W y="12" text-anchor="end" class="axis">{thousands(max as u64)}</text>
            {bars}
        </svg>
        <p class="chart-legend">
            <span class="key objects"></span> "objects after consolidation "
            <span class="key raw"></span> "raw boxes "
            <span class="key target"></span> "target"
        </p>
        <p class="balance-ratio">
            "Imbalance (most over fewest objects): " {describe_ratio(balance.imbalance_ratio())}
            "; raw boxes: " {describe_ratio(balance.raw_imbalance_ratio())} "."
        </p>
        <p class="short-labels">{short_text}</p>
    }
}

/// The per-label targets, edited as text and saved with `PATCH /api/jobs/{job}` (`label_targets`).
#[component]
fn Targets(balance: ClassBalance) -> impl IntoView {
    let owner = Owner::from_context();
    let state = use_context::<JobState>().expect("the job page provides its state");
    let typed: Vec<(String, RwSignal<String>)> = balance
        .rows
        .iter()
        .map(|r| {
            (
                r.label.clone(),
                RwSignal::new(r.target.map(|t| t.to_string()).unwrap_or_default()),
            )
        })
        .collect();
    let message = RwSignal::new(None::<(bool, String)>);
    let fields = typed.clone();
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut targets = BTreeMap::new();
        for (label, text) in &fields {
            match parse_target(&text.get_untracked()) {
                Ok(Some(n)) => {
                    targets.insert(label.clone(), n);
                }
                Ok(None) => {}
                Err(e) => {
                    message.set(Some((false, format!("{label}: {e}"))));
                    return;
                }
            }
        }
        let patch = JobPatch {
            label_targets: Some(targets),
            ..JobPatch::default()
        };
        spawn_local(async move {
            let path = api::job_path(&state.name.get_value());
            match api::send::<_, JobPatched>(&owner.token(), "PATCH", &path, &patch).await {
                Ok(patched) => {
                    state.job.set(Some(patched.job));
                    state.reload_stats();
                    message.set(Some((true, "Targets saved.".to_owned())));
                }
                Err(e) => {
                    owner.check(&e);
                    message.set(Some((false, e.message)));
                }
            }
        });
    };
    let rows = typed
        .into_iter()
        .map(|(label, text)| {
            let id = format!("target-{}", crowdbox_core::console::exports::encode(&label));
            view! {
                <div class="target-field">
                    <label for=id.clone()>{format!("Target for {label}")}</label>
                    <input
                        id=id
                        inputmode="numeric"
                        placeholder="none"
                        prop:value=move || text.get()
                        on:input=move |ev| text.set(event_target_value(&ev))
                    />
                </div>
            }
        })
        .collect::<Vec<_>>();
    view! {
        <form class="targets" on:submit=save aria-labelledby="targets-heading">
            <h4 id="targets-heading">"Targets (objects per label)"</h4>
            <div class="target-fields">{rows}</div>
            <button type="submit">"Save targets"</button>
            {move || message.get().map(|(ok, text)| {
                view! { <p class=if ok { "note" } else { "error" } role="status">{text}</p> }
            })}
        </form>
    }
}
