//! The root component: configuration, API client, query cache, toasts, router.

use std::time::Duration;

use eventual_query::{provide_query_client, QueryClientOptions, RetryPolicy};
use leptos::prelude::*;
use leptos_router::{
    components::{Redirect, Route, Router, Routes, A},
    hooks::use_navigate,
    path,
};

use crate::api::Api;
use crate::components::{Devtools, Toaster};
use crate::config::{router_base, Config};
use crate::mutations::Actions;
use crate::pages::calendar::{CalendarRedirect, MonthPage, WeekPage};
use crate::pages::{EventPage, ListPage, NewPage, NotFound};
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

/// Everything the pages need from context: API client, query cache, toasts, actions.
pub fn provide_services(config: &Config) -> Actions {
    let api = Api::new(config.api_base_url.clone());
    provide_context(api.clone());
    provide_context(config.clone());
    let client = provide_query_client(query_options());
    let toasts = Toasts::provide();
    let actions = Actions::provide(client, api.clone(), toasts);
    crate::offline::install(client, actions, api.base());
    actions
}

/// The whole app for a given configuration.
#[component]
pub fn App(config: Config) -> impl IntoView {
    let actions = provide_services(&config);
    let base = router_base();
    view! {
        <Router base=base>
            <NavigateBridge actions=actions />
            <a class="skip-link" href="#main">
                "Skip to content"
            </a>
            <header class="app-header">
                <div class="app-header-inner">
                    <A href=crate::config::href("/events") exact=true attr:class="brand">
                        "Eventual"
                    </A>
                    <nav class="main-nav" aria-label="Main">
                        <A href=crate::config::href("/events")>"Events"</A>
                        <A href=crate::config::href("/calendar")>"Calendar"</A>
                    </nav>
                </div>
            </header>
            <crate::offline::OfflineBanner />
            <main id="main" class="app-main" tabindex="-1">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=|| view! { <Redirect path="/events" /> } />
                    <Route path=path!("/events") view=ListPage />
                    <Route path=path!("/events/new") view=NewPage />
                    <Route path=path!("/events/:id") view=EventPage />
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
fn NavigateBridge(actions: Actions) -> impl IntoView {
    let navigate = use_navigate();
    actions.set_navigate(move |path, options| navigate(path, options));
}
