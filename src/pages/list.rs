use std::collections::HashMap;

use eventual_model::{Event, EventId, Status};
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
    // `data` rebuilds the shown list on every read: read it once per change, here.
    let list = Memo::new(move |_| events.data.get());
    // Which state to show, as a memo: the list itself is built once and updated in place.
    let view_state = Memo::new(move |_| {
        match (
            list.with(|d| d.as_ref().map(Vec::is_empty)),
            events.error.with(Option::is_some),
        ) {
            (Some(false), _) => ListState::Ready,
            (Some(true), _) => ListState::Empty,
            (None, true) => ListState::Failed,
            (None, false) => ListState::Loading,
        }
    });
    view! {
        <section class="page list-page">
            <header class="page-head">
                <h1>"Events"</h1>
                // The empty state offers its own "New event"; one link of that name at a time.
                <Show when=move || view_state.get() != ListState::Empty>
                    <A href=crate::config::href("/events/new") attr:class="button primary">
                        "New event"
                    </A>
                </Show>
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
            {move || match view_state.get() {
                ListState::Loading => view! { <Skeleton label="Loading events…" /> }.into_any(),
                ListState::Failed => {
                    let error = events.error.get_untracked();
                    view! {
                        <LoadError
                            error=error.unwrap_or(ApiError::Network(String::new()))
                            on_retry=move || events.refetch()
                        />
                    }
                        .into_any()
                }
                ListState::Empty => {
                    view! {
                        <div class="empty-state">
                            <p>
                                {move || {
                                    if searching() {
                                        "No events match your search."
                                    } else {
                                        "No events yet."
                                    }
                                }}
                            </p>
                            <A href=crate::config::href("/events/new") attr:class="button primary">
                                "New event"
                            </A>
                        </div>
                    }
                        .into_any()
                }
                ListState::Ready => {
                    view! {
                        <EventList list=list />
                    }
                        .into_any()
                }
            }}
        </section>
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ListState {
    Loading,
    Failed,
    Empty,
    Ready,
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

/// The rows, keyed by id: an edit re-renders only its row, a reorder only moves rows.
#[component]
fn EventList(list: Memo<Option<Vec<Event>>>) -> impl IntoView {
    // Built once per list change, so each row finds its event in O(1).
    let index = Memo::new(move |_| list.with(|l| l.as_deref().map(row_index).unwrap_or_default()));
    let ids = Memo::new(move |_| {
        list.with(|l| {
            l.as_deref()
                .map(|l| l.iter().map(|e| e.id.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    view! {
        <ul class="event-list" aria-label="Events">
            <For each=move || ids.get() key=EventId::clone let:id>
                {
                    let key = id.clone();
                    // Equal events don't notify: only the edited row's memo wakes its view.
                    let event = Memo::new(move |_| {
                        let at = index.with(|ix| ix.get(&key).copied())?;
                        list.with(|l| l.as_ref()?.get(at).cloned())
                    });
                    view! { <EventItem id=id event=event /> }
                }
            </For>
        </ul>
    }
}

/// Each event's position in `list`, by id.
fn row_index(list: &[Event]) -> HashMap<EventId, usize> {
    list.iter()
        .enumerate()
        .map(|(i, e)| (e.id.clone(), i))
        .collect()
}

/// One row, kept in place while its event changes (so focus stays on its status select).
#[component]
fn EventItem(id: EventId, event: Memo<Option<Event>>) -> impl IntoView {
    let actions = expect_context::<Actions>();
    let pending = is_temp(&id);
    let href = crate::config::href(&format!("/events/{id}"));
    let field = move |f: fn(&Event) -> String| {
        move || event.with(|e| e.as_ref().map(f).unwrap_or_default())
    };
    let status = move || event.with(|e| e.as_ref().map(|e| e.status).unwrap_or_default());
    let class = move || {
        format!(
            "event-item status-{}{}",
            status().as_str(),
            if pending { " pending" } else { "" }
        )
    };
    view! {
        <li class=class aria-busy=pending.then_some("true")>
            <A href=href attr:class="event-title">
                {field(|e| e.title.clone())}
            </A>
            <span class="event-when">
                {field(|e| format_range(e.start, e.end, e.all_day))}
            </span>
            <span class="event-status">
                <select
                    aria-label=field(|e| format!("Status of {}", e.title))
                    disabled=pending
                    prop:value=move || status().as_str()
                    on:change=move |ev| {
                        if let (Ok(s), Some(e)) = (
                            event_target_value(&ev).parse::<Status>(),
                            event.get_untracked(),
                        ) {
                            actions.set_status(&e, s);
                        }
                    }
                >
                    {Status::ALL
                        .into_iter()
                        .map(|s| {
                            view! {
                                <option value=s.as_str() selected=move || status() == s>
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
