//! The root component: configuration, API client, router.

use leptos::prelude::*;
use leptos_router::{
    components::{Redirect, Route, Router, Routes},
    path,
};

use crate::api::Api;
use crate::config::{router_base, Config};
use crate::pages::{ListPage, NotFound};

/// The whole app for a given configuration.
#[component]
pub fn App(config: Config) -> impl IntoView {
    provide_context(Api::new(config.api_base_url.clone()));
    provide_context(config);
    let base = router_base();
    view! {
        <Router base=base>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <main id="main" class="app-main">
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=|| view! { <Redirect path="/events" /> } />
                    <Route path=path!("/events") view=ListPage />
                </Routes>
            </main>
        </Router>
    }
}
