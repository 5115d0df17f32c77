use eventual_query::{use_query_client, LogEvent, MutationState, QueryStatus};
use leptos::prelude::*;

/// Whether the URL asks for devtools (`?devtools`).
pub fn devtools_requested() -> bool {
    window()
        .location()
        .search()
        .ok()
        .and_then(|s| web_sys::UrlSearchParams::new_with_str(&s).ok())
        .is_some_and(|p| p.has("devtools"))
}

/// Live view of the query cache: entries, pending mutations and the transaction log.
/// Opened by `?devtools` or Ctrl+Shift+D.
#[component]
pub fn Devtools() -> impl IntoView {
    let open = RwSignal::new(devtools_requested());
    let keydown = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.ctrl_key() && ev.shift_key() && ev.key().eq_ignore_ascii_case("d") {
            ev.prevent_default();
            open.update(|o| *o = !*o);
        }
    });
    on_cleanup(move || keydown.remove());
    view! {
        <Show when=move || open.get()>
            <DevtoolsPanel on_close=Callback::new(move |_| open.set(false)) />
        </Show>
    }
}

#[component]
fn DevtoolsPanel(on_close: Callback<()>) -> impl IntoView {
    let client = use_query_client();
    // Ages move on their own; re-render once a second.
    let tick = RwSignal::new(0u32);
    let interval = set_interval_with_handle(
        move || tick.update(|t| *t = t.wrapping_add(1)),
        std::time::Duration::from_secs(1),
    )
    .ok();
    on_cleanup(move || {
        if let Some(h) = interval {
            h.clear();
        }
    });
    let entries = move || {
        tick.track();
        client
            .entries()
            .into_iter()
            .map(|e| {
                let status = match e.status {
                    QueryStatus::Pending => "pending",
                    QueryStatus::Success => "success",
                    QueryStatus::Error => "error",
                };
                let mut flags = Vec::new();
                if e.is_fetching {
                    flags.push("fetching");
                }
                if e.is_stale {
                    flags.push("stale");
                }
                if e.has_pending {
                    flags.push("optimistic");
                }
                let age = e.age_ms.map_or_else(
                    || "–".to_owned(),
                    |ms| format!("{:.1} s", ms as f64 / 1000.0),
                );
                view! {
                    <tr>
                        <td>{e.key.to_string()}</td>
                        <td>{status} " " {flags.join(", ")}</td>
                        <td>{age}</td>
                        <td>{e.observers}</td>
                    </tr>
                }
            })
            .collect_view()
    };
    let mutations = move || {
        let list = client.pending_mutations();
        if list.is_empty() {
            return view! { <p>"None."</p> }.into_any();
        }
        view! {
            <ul>
                {list
                    .into_iter()
                    .map(|m| {
                        let state = match m.state {
                            MutationState::Pending => "pending",
                            MutationState::Retrying => "retrying",
                            MutationState::Succeeded => "succeeded",
                            MutationState::Failed => "failed",
                            MutationState::RolledBack => "rolled back",
                        };
                        let targets = m
                            .patched
                            .iter()
                            .map(ToString::to_string)
                            .collect::<Vec<_>>()
                            .join(", ");
                        view! {
                            <li>
                                {format!(
                                    "{} {} — {state}, {} attempt(s) [{targets}]{}",
                                    m.id,
                                    m.label,
                                    m.attempts,
                                    m.error.map(|e| format!(" — {e}")).unwrap_or_default(),
                                )}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let log = move || {
        client
            .transaction_log()
            .into_iter()
            .rev()
            .take(50)
            .map(|r| {
                let what = match &r.event {
                    LogEvent::Started => "started".to_owned(),
                    LogEvent::Applied { patches } => format!("applied {patches} patch(es)"),
                    LogEvent::Sent { attempt } => format!("sent (attempt {attempt})"),
                    LogEvent::Retried {
                        attempt,
                        delay_ms,
                        error,
                    } => format!("attempt {attempt} failed ({error}); retry in {delay_ms} ms"),
                    LogEvent::Succeeded => "succeeded".to_owned(),
                    LogEvent::Failed { error } => format!("failed: {error}"),
                    LogEvent::RolledBack => "rolled back".to_owned(),
                    LogEvent::Refetched => "refetched".to_owned(),
                };
                let key = r.key.map(|k| format!(" {k}")).unwrap_or_default();
                view! { <li>{format!("{} {} {what}{key}", r.mutation, r.label)}</li> }
            })
            .collect_view()
    };
    view! {
        <aside class="devtools" aria-labelledby="devtools-heading">
            <div class="devtools-head">
                <h2 id="devtools-heading">"Devtools"</h2>
                <button type="button" on:click=move |_| on_close.run(())>
                    "Close devtools"
                </button>
            </div>
            <h3>"Cache entries"</h3>
            <table>
                <thead>
                    <tr>
                        <th scope="col">"Key"</th>
                        <th scope="col">"Status"</th>
                        <th scope="col">"Age"</th>
                        <th scope="col">"Readers"</th>
                    </tr>
                </thead>
                <tbody>{entries}</tbody>
            </table>
            <h3>"Pending mutations"</h3>
            {mutations}
            <h3>"Transaction log (newest first)"</h3>
            <ol>{log}</ol>
        </aside>
    }
}
