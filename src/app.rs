//! The root component: configuration, API client, query cache, toasts, outbox, router.

use std::time::Duration;

use eventual_query::{provide_query_client, QueryClientOptions, RetryPolicy};
use leptos::prelude::*;
use leptos_router::{
    components::{Redirect, Route, Router, Routes, A},
    hooks::use_navigate,
    path, ParamSegment, StaticSegment,
};

use crate::api::Api;
use crate::components::{Devtools, OfflineBanner, Toaster};
use crate::config::{router_base, Config};
use crate::events::EventActions;
use crate::offline::{self, Connection, SavedData};
use crate::outbox::Outbox;
use crate::pages::calendar::{CalendarRedirect, MonthPage, WeekPage};
use crate::pages::paging::Paging;
use crate::pages::{EventPage, ListPage, NewPage, NotFound};
use crate::routes;
use crate::toasts::Toasts;

/// The query client's settings for this app.
pub fn query_options() -> QueryClientOptions {
    QueryClientOptions {
        stale_time: Duration::from_secs(10),
        // One quick resend for flaky networks, then roll back and let the person decide.
        mutation_retry: RetryPolicy {
            max_attempts: 2,
            base_ms: 500,
            factor: 2.0,
            max_delay_ms: 4_000,
        },
        ..QueryClientOptions::default()
    }
}

/// Everything the pages need from context: API client, query cache, toasts, connection,
/// outbox and actions. The outbox hands what it takes over from other page loads back to
/// the actions, so it never imports them.
pub fn provide_services(config: &Config) -> EventActions {
    let api = Api::new(config.api_base_url.clone());
    provide_context(api.clone());
    provide_context(config.clone());
    let client = provide_query_client(query_options());
    let toasts = Toasts::provide();
    offline::scope_storage(api.base());
    let connection = Connection::install(client, api.base());
    api.on_read_unanswered(move || connection.read_failed());
    let outbox = Outbox::provide(toasts);
    Paging::provide();
    let actions = EventActions::provide(client, api.clone(), toasts, outbox, Some(connection));
    // Saved data first, so re-issued changes show on top of it.
    SavedData::install(client, connection);
    outbox.start(client, move |pending| actions.resume(pending));
    crate::browser::register_service_worker_after_load();
    #[cfg(target_arch = "wasm32")]
    crate::live::subscribe(client, api);
    actions
}

/// The whole app for a given configuration.
#[component]
pub fn App(config: Config) -> impl IntoView {
    let actions = provide_services(&config);
    let base = router_base();
    let events = StaticSegment(routes::EVENTS_SEGMENT);
    view! {
        <Router base=base>
            <NavigateBridge actions=actions />
            <a class="skip-link" href="#main">
                "Skip to content"
            </a>
            <header class="app-header">
                <div class="app-header-inner">
                    <A href=crate::config::href(routes::EVENTS) exact=true attr:class="brand">
                        "Eventual"
                    </A>
                    <nav class="main-nav" aria-label="Main">
                        <A href=crate::config::href(routes::EVENTS)>"Events"</A>
                        <A href=crate::config::href(routes::CALENDAR)>"Calendar"</A>
                    </nav>
                </div>
            </header>
            <OfflineBanner />
            <main id="main" class="app-main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=|| view! { <Redirect path=routes::EVENTS /> } />
                    <Route path=events view=ListPage />
                    <Route
                        path=(events, StaticSegment(routes::NEW_SEGMENT))
                        view=NewPage
                    />
                    <Route path=(events, ParamSegment(routes::ID_PARAM)) view=EventPage />
                    <Route path=path!("/calendar") view=CalendarRedirect />
                    <Route path=path!("/calendar/week/:date") view=WeekPage />
                    <Route path=path!("/calendar/month/:date") view=MonthPage />
                </Routes>
            </main>
            <Toaster />
            <Devtools />
        </Router>
    }
}

/// Hands the router's navigate function to the actions (they outlive any one page).
#[component]
fn NavigateBridge(actions: EventActions) -> impl IntoView {
    let navigate = use_navigate();
    actions.set_navigate(move |path, options| navigate(path, options));
}
