use eventual_model::{Event, Status};
use eventual_query::use_query;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::{Api, ApiError, ListQuery};
use crate::components::Skeleton;
use crate::keys;
use crate::mutations::{is_temp, Actions};
use crate::time::format_range;

const SEARCH_DEBOUNCE_MS: u64 = 300;

/// `/events`: search, the list (soonest first), a quick status change per event.
#[component]
pub fn ListPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let params = use_query_map();
    let initial = params.with_untracked(|p| p.get("q").unwrap_or_default());
    let text = RwSignal::new(initial.clone());
    let q = RwSignal::new(initial);
    let navigate = use_navigate();
    // Debounce typing; the committed search also goes into the URL so reloads keep it.
    let pending = StoredValue::new(None::<TimeoutHandle>);
    let on_search = move |value: String| {
        text.set(value.clone());
        if let Some(h) = pending.get_value() {
            h.clear();
        }
        let navigate = navigate.clone();
        let handle = set_timeout_with_handle(
            move || {
                q.set(value.clone());
                let path = if value.trim().is_empty() {
                    "/events".to_owned()
                } else {
                    format!("/events?q={}", js_sys::encode_uri_component(value.trim()))
                };
                navigate(
                    &path,
                    NavigateOptions {
                        replace: true,
                        scroll: false,
                        ..Default::default()
                    },
                );
            },
            std::time::Duration::from_millis(SEARCH_DEBOUNCE_MS),
        )
        .ok();
        pending.set_value(handle);
    };
    let events = use_query(
        move || keys::list(&ListQuery { q: q.get() }),
        move |_key, signal| {
            let api = api.clone();
            let query = ListQuery {
                q: q.get_untracked(),
            };
            async move { api.list(&query, signal.web()).await }
        },
    );
    let searching = move || !q.with(|q| q.trim().is_empty());
    view! {
        <section class="page list-page">
            <header class="page-head">
                <h1>"Events"</h1>
                <A href="/events/new" attr:class="button primary">
                    "New event"
                </A>
            </header>
            <div class="search" role="search">
                <label for="search-events">"Search events"</label>
                <input
                    id="search-events"
                    type="search"
                    prop:value=move || text.get()
                    on:input=move |ev| on_search(event_target_value(&ev))
                    placeholder="Title, place or notes"
                    autocomplete="off"
                />
            </div>
            <p class="fetching" aria-live="polite">
                {move || {
                    if events.is_fetching.get() && !events.is_loading.get() {
                        "Refreshing…"
                    } else {
                        ""
                    }
                }}
            </p>
            {move || {
                if let Some(list) = events.data.get() {
                    if list.is_empty() {
                        return view! {
                            <div class="empty-state">
                                <p>
                                    {if searching() {
                                        "No events match your search."
                                    } else {
                                        "No events yet."
                                    }}
                                </p>
                                <A href="/events/new" attr:class="button primary">
                                    "New event"
                                </A>
                            </div>
                        }
                            .into_any();
                    }
                    return view! { <EventList events=list /> }.into_any();
                }
                if let Some(error) = events.error.get() {
                    return view! { <LoadError error=error on_retry=move || events.refetch() /> }
                        .into_any();
                }
                view! { <Skeleton label="Loading events…" /> }.into_any()
            }}
        </section>
    }
}

/// An error state with a "Try again" button.
#[component]
pub fn LoadError(error: ApiError, on_retry: impl Fn() + 'static) -> impl IntoView {
    view! {
        <div class="error-state">
            <p>"Couldn't load events. " {error.message()}</p>
            <button type="button" on:click=move |_| on_retry()>
                "Try again"
            </button>
        </div>
    }
}

#[component]
fn EventList(events: Vec<Event>) -> impl IntoView {
    view! {
        <ul class="event-list" aria-label="Events">
            {events.into_iter().map(|e| view! { <EventItem event=e /> }).collect_view()}
        </ul>
    }
}

#[component]
fn EventItem(event: Event) -> impl IntoView {
    let actions = expect_context::<Actions>();
    let href = format!("/events/{}", event.id);
    let when = format_range(event.start, event.end, event.all_day);
    let pending = is_temp(&event.id);
    let class = format!(
        "event-item status-{}{}",
        event.status.as_str(),
        if pending { " pending" } else { "" }
    );
    let select_label = format!("Status of {}", event.title);
    let status = event.status;
    let title = event.title.clone();
    let stored = StoredValue::new(event);
    view! {
        <li class=class aria-busy=pending.then_some("true")>
            <A href=href attr:class="event-title">
                {title}
            </A>
            <span class="event-when">{when}</span>
            <span class="event-status">
                <select
                    aria-label=select_label
                    disabled=pending
                    on:change=move |ev| {
                        if let Ok(s) = event_target_value(&ev).parse::<Status>() {
                            stored.with_value(|e| actions.set_status(e, s));
                        }
                    }
                >
                    {Status::ALL
                        .into_iter()
                        .map(|s| {
                            view! {
                                <option value=s.as_str() selected=s == status>
                                    {s.label()}
                                </option>
                            }
                        })
                        .collect_view()}
                </select>
            </span>
        </li>
    }
}
