use std::collections::HashMap;

use eventual_model::{Event, EventId, Status};
use eventual_query::{use_query, use_query_client, AbortSignal, QueryKey};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::{Api, ApiError, ListQuery};
use crate::components::Skeleton;
use crate::events::{is_temp, EventActions};
use crate::keys;
use crate::pages::paging;
use crate::routes;
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
                let path = routes::search(value.trim());
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
        page_fetcher(api, q, 1),
    );
    let client = use_query_client();
    let list_key = Memo::new(move |_| keys::list(&ListQuery { q: q.get() }));
    // Every page shown, joined; the first page's query above drives the page's states.
    let joined = Memo::new(move |_| {
        let query = ListQuery { q: q.get() };
        let wanted = paging::shown(&list_key.get());
        let mut pages = Vec::new();
        let mut metas = Vec::new();
        for page in 1..=wanted {
            let key = keys::list_page(&query, page);
            let Some(data) = client.query_data::<Vec<Event>>(&key) else {
                break;
            };
            metas.push((paging::meta(&key), data.len()));
            pages.push(data);
        }
        let more = paging::more_remain(&metas, paging::PAGE_SIZE);
        let slices: Vec<&[Event]> = pages.iter().map(Vec::as_slice).collect();
        Joined {
            events: paging::join(&slices, more),
            more,
            next: (pages.len() < wanted as usize)
                .then(|| keys::list_page(&query, pages.len() as u32 + 1)),
        }
    });
    let later_pages = move || (2..=paging::shown(&list_key.get())).collect::<Vec<u32>>();
    // The next page, or (if the one asked for has not come) that one again.
    let load_more = move || match joined.with_untracked(|j| (j.more, j.next.clone())) {
        (_, Some(missing)) => client.refetch(&missing),
        (true, None) => paging::show_more(&list_key.get_untracked()),
        (false, None) => {}
    };
    let searching = move || !q.with(|q| q.trim().is_empty());
    // Which state to show, as a memo: the list itself is built once and updated in place.
    let view_state = Memo::new(move |_| {
        match (
            events.with_data(|d| d.map(Vec::is_empty)),
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
                    <A href=crate::config::href(routes::NEW_EVENT) attr:class="button primary">
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
                            <A href=crate::config::href(routes::NEW_EVENT) attr:class="button primary">
                                "New event"
                            </A>
                        </div>
                    }
                        .into_any()
                }
                ListState::Ready => {
                    view! {
                        <EventList joined=joined load_more=load_more />
                    }
                        .into_any()
                }
            }}
            // Pages after the first: each reads (and fetches) its own cache entry.
            <For each=later_pages key=|page: &u32| *page let:page>
                <NextPage q=q page=page />
            </For>
        </section>
    }
}

/// The pages shown, as one list.
#[derive(Clone, Debug, PartialEq)]
struct Joined {
    events: Vec<Event>,
    /// Events remain after the pages loaded.
    more: bool,
    /// The page asked for that has no data yet.
    next: Option<QueryKey>,
}

/// Fetches page `page` of the list searched by `q`, noting what the server said about it.
fn page_fetcher(
    api: Api,
    q: RwSignal<String>,
    page: u32,
) -> impl Fn(QueryKey, AbortSignal) -> BoxedList + 'static {
    move |key, signal| {
        let api = api.clone();
        let query = ListQuery {
            q: q.get_untracked(),
        };
        Box::pin(async move {
            let (events, total) = api
                .list_page(&query, page, paging::PAGE_SIZE, signal.web())
                .await?;
            let meta = paging::PageMeta {
                len: events.len(),
                total,
            };
            paging::record(key, meta);
            Ok(events)
        })
    }
}

type BoxedList = std::pin::Pin<Box<dyn std::future::Future<Output = Result<Vec<Event>, ApiError>>>>;

/// Page `page` (2 or later) of the list: renders nothing, keeps its entry read and fetched.
#[component]
fn NextPage(q: RwSignal<String>, page: u32) -> impl IntoView {
    let api = expect_context::<Api>();
    let _ = use_query(
        move || keys::list_page(&ListQuery { q: q.get() }, page),
        page_fetcher(api, q, page),
    );
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

/// How close to the end of the page (px) scrolling loads the next page.
const LOAD_AHEAD_PX: f64 = 600.0;

/// Whether the window is scrolled to within [`LOAD_AHEAD_PX`] of the document's end.
fn near_the_end() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let height = window
        .inner_height()
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0);
    let y = window.scroll_y().unwrap_or(0.0);
    let full = window
        .document()
        .and_then(|d| d.document_element())
        .map_or(0.0, |e| f64::from(e.scroll_height()));
    height + y >= full - LOAD_AHEAD_PX
}

/// The rows, keyed by id: an edit re-renders only its row, a reorder only moves rows. Below
/// them "Show more" while more remain; scrolling to the end does the same.
#[component]
fn EventList(
    joined: Memo<Joined>,
    load_more: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // One signal per row, so a change wakes only the rows whose event changed (not every
    // row's effects); the list of rows itself changes only when ids come, go or move.
    let rows = StoredValue::new_local(Rows::default());
    let order = RwSignal::new(Vec::<Row>::new());
    let sync = move |list: Option<&Vec<Event>>| {
        let list = list.map(Vec::as_slice).unwrap_or_default();
        if let Some(next) = rows.try_update_value(|r| r.sync(list)).flatten() {
            order.set(next);
        }
    };
    // The first rows are built now, not a tick later.
    untrack(|| joined.with(|j| sync(Some(&j.events))));
    Effect::new(move |_| joined.with(|j| sync(Some(&j.events))));
    let more = move || joined.with(|j| j.more);
    let on_scroll = window_event_listener(leptos::ev::scroll, move |_| {
        if joined.with_untracked(|j| j.more && j.next.is_none()) && near_the_end() {
            load_more();
        }
    });
    on_cleanup(move || on_scroll.remove());
    view! {
        <ul class="event-list" aria-label="Events">
            <For each=move || order.get() key=|row: &Row| row.0.clone() let:row>
                <EventItem id=row.0 event=RwSignal::from(row.1).read_only() />
            </For>
        </ul>
        <p class="fetching" aria-live="polite">
            {move || if joined.with(|j| j.next.is_some()) { "Loading more events…" } else { "" }}
        </p>
        <Show when=more>
            <div class="list-more">
                <button type="button" class="button" on:click=move |_| load_more()>
                    "Show more"
                </button>
            </div>
        </Show>
    }
}

/// A row: its event's id and a signal holding the event.
type Row = (EventId, ArcRwSignal<Event>);

/// The rows on screen, in list order.
#[derive(Default)]
struct Rows(Vec<Row>);

impl Rows {
    /// Brings the rows up to `list`, setting only the signals of changed events. Returns the
    /// new rows when ids came, went or moved (kept rows keep their signals).
    fn sync(&mut self, list: &[Event]) -> Option<Vec<Row>> {
        let same_ids =
            self.0.len() == list.len() && self.0.iter().zip(list).all(|((id, _), e)| *id == e.id);
        if same_ids {
            for ((_, row), event) in self.0.iter().zip(list) {
                update_row(row, event);
            }
            return None;
        }
        let mut old: HashMap<EventId, ArcRwSignal<Event>> = self.0.drain(..).collect();
        self.0 = list
            .iter()
            .map(|event| {
                let row = match old.remove(&event.id) {
                    Some(row) => {
                        update_row(&row, event);
                        row
                    }
                    None => ArcRwSignal::new(event.clone()),
                };
                (event.id.clone(), row)
            })
            .collect();
        Some(self.0.clone())
    }
}

/// Sets `row` to `event` unless equal (equal events don't notify).
fn update_row(row: &ArcRwSignal<Event>, event: &Event) {
    if row.with_untracked(|shown| shown != event) {
        row.set(event.clone());
    }
}

/// One row, kept in place while its event changes (so focus stays on its status select).
#[component]
fn EventItem(id: EventId, event: ReadSignal<Event>) -> impl IntoView {
    let actions = expect_context::<EventActions>();
    let pending = is_temp(&id);
    let href = crate::config::href(&routes::event(&id));
    let field = move |f: fn(&Event) -> String| move || event.with(f);
    let status = move || event.with(|e| e.status);
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
                        if let Ok(s) = event_target_value(&ev).parse::<Status>() {
                            actions.set_status(&event.get_untracked(), s);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: &str, title: &str) -> Event {
        serde_json::from_value(serde_json::json!({
            "id": id, "title": title, "start": "2026-12-01T09:00:00Z",
            "end": "2027-01-01T00:00:00Z", "version": 1
        }))
        .unwrap()
    }

    fn ids(rows: &[Row]) -> Vec<&str> {
        rows.iter().map(|(id, _)| id.as_str()).collect()
    }

    #[test]
    fn an_edit_sets_only_its_row_and_keeps_the_rows() {
        let mut rows = Rows::default();
        let list = vec![event("1", "a"), event("2", "b"), event("3", "c")];
        let first = rows.sync(&list).expect("new rows");
        assert_eq!(ids(&first), ["1", "2", "3"]);
        assert!(rows.sync(&list).is_none(), "an equal list changes nothing");

        let mut edited = list.clone();
        edited[1].title = "B".into();
        assert!(rows.sync(&edited).is_none(), "same ids: no new rows");
        assert_eq!(first[1].1.with_untracked(|e| e.title.clone()), "B");
        assert_eq!(first[0].1.get_untracked(), list[0]);
        assert_eq!(first[2].1.get_untracked(), list[2]);
    }

    #[test]
    fn moves_and_removals_keep_the_signals_of_kept_rows() {
        let mut rows = Rows::default();
        let first = rows
            .sync(&[event("1", "a"), event("2", "b"), event("3", "c")])
            .expect("new rows");
        let next = rows
            .sync(&[event("3", "c"), event("4", "d"), event("1", "A")])
            .expect("ids moved");
        assert_eq!(ids(&next), ["3", "4", "1"]);
        assert!(next[0].1 == first[2].1, "row 3 kept its signal");
        assert!(next[2].1 == first[0].1, "row 1 kept its signal");
        assert_eq!(next[2].1.with_untracked(|e| e.title.clone()), "A");
        assert_eq!(next[1].1.with_untracked(|e| e.title.clone()), "d");
        assert!(rows.sync(&[]).is_some_and(|r| r.is_empty()));
    }
}
