use eventual_model::Event;
use eventual_query::{use_query, use_query_client, AbortSignal, QueryKey};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use crate::api::{Api, ApiError, ListQuery};
use crate::components::Skeleton;
use crate::keys;
use crate::pages::paging::{self, Joined, Paging};
use crate::pages::rows::EventList;
use crate::routes;

const SEARCH_DEBOUNCE_MS: u64 = 300;

/// `/events`: search, the list (soonest first), a quick status change per event.
#[component]
pub fn ListPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let pages_state = Paging::use_context();
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
        let wanted = pages_state.shown(&list_key.get());
        let mut pages = Vec::new();
        let mut metas = Vec::new();
        for page in 1..=wanted {
            let key = keys::list_page(&query, page);
            let Some(data) = client.query_data::<Vec<Event>>(&key) else {
                break;
            };
            metas.push((pages_state.meta(&key), data.len()));
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
    let later_pages = move || (2..=pages_state.shown(&list_key.get())).collect::<Vec<u32>>();
    // The next page, or (if the one asked for has not come) that one again.
    let load_more = move || match joined.with_untracked(|j| (j.more, j.next.clone())) {
        (_, Some(missing)) => client.refetch(&missing),
        (true, None) => pages_state.show_more(&list_key.get_untracked()),
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

/// Fetches page `page` of the list searched by `q`, noting what the server said about it.
fn page_fetcher(
    api: Api,
    q: RwSignal<String>,
    page: u32,
) -> impl Fn(QueryKey, AbortSignal) -> BoxedList + 'static {
    let pages_state = Paging::use_context();
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
            pages_state.record(key, meta);
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
