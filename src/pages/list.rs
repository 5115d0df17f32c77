use eventual_model::Event;
use leptos::prelude::*;
use leptos_router::components::A;

use crate::api::{Api, ListQuery};
use crate::components::StatusBadge;
use crate::time::format_range;

/// `/events`: every event, soonest first.
#[component]
pub fn ListPage() -> impl IntoView {
    let api = expect_context::<Api>();
    let events = LocalResource::new(move || {
        let api = api.clone();
        async move { api.list(&ListQuery::default(), None).await }
    });
    view! {
        <section class="page list-page">
            <header class="page-head">
                <h1>"Events"</h1>
                <A href="/events/new" attr:class="button primary">"New event"</A>
            </header>
            <Suspense fallback=|| view! { <p aria-busy="true">"Loading events…"</p> }>
                {move || {
                    events
                        .get()
                        .map(|result| match result {
                            Ok(list) => view! { <EventList events=list /> }.into_any(),
                            Err(e) => {
                                view! {
                                    <div class="error-state" role="alert">
                                        <p>{e.message()}</p>
                                        <button type="button" on:click=move |_| events.refetch()>
                                            "Try again"
                                        </button>
                                    </div>
                                }
                                    .into_any()
                            }
                        })
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn EventList(events: Vec<Event>) -> impl IntoView {
    view! {
        <ul class="event-list" aria-label="Events">
            {events
                .into_iter()
                .map(|e| {
                    let href = format!("/events/{}", e.id);
                    let when = format_range(e.start, e.end, e.all_day);
                    let status = e.status;
                    view! {
                        <li class="event-item">
                            <A href=href attr:class="event-title">{e.title}</A>
                            <span class="event-when">{when}</span>
                            <StatusBadge status=status />
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
